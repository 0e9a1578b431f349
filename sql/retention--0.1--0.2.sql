-- retention 0.1 -> 0.2.  CREATE EXTENSION retention installs 0.1 and runs
-- this script after it, so this file is the only place where 0.2 changes
-- the SQL surface; ALTER EXTENSION retention UPDATE runs it on a 0.1
-- database.  Sections are in area order.

-- complain if script is sourced in psql, rather than through CREATE EXTENSION
\echo Use "ALTER EXTENSION retention UPDATE" to load this file. \quit

-- ==== First-hour fixes (issue 19) ====

-- Churn over a period given as a half-open daterange [first day, first day
-- of the next period): consecutive periods count every cancellation once.

CREATE FUNCTION period_range(period text, day date) RETURNS daterange
    AS 'MODULE_PATHNAME', 'period_range' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION period_range(text, date) IS
    'the calendar bucket of period (day, week, week_sunday, month, quarter, year) holding day, as the daterange [first day, first day of the next bucket)';

CREATE FUNCTION churn_range_transfn(churn_summary, date, date, daterange) RETURNS churn_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION churn_range_tz_transfn(churn_summary, timestamptz, timestamptz, daterange)
    RETURNS churn_summary
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;

CREATE AGGREGATE churn_agg(started date, ended date, period daterange) (
    SFUNC = churn_range_transfn,
    STYPE = churn_summary,
    COMBINEFUNC = churn_agg_combinefn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE churn_agg(date, date, daterange) IS
    'summary of subscriptions over a period [first day, next period''s first day): S = active on the first day, churned = those of S not active on the upper bound; read with customers_start, churned, churn_rate, retention_rate';

CREATE AGGREGATE churn_agg(started timestamptz, ended timestamptz, period daterange) (
    SFUNC = churn_range_tz_transfn,
    STYPE = churn_summary,
    COMBINEFUNC = churn_agg_combinefn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE churn_agg(timestamptz, timestamptz, daterange) IS
    'churn_agg over the days of the timestamps in the session time zone';

CREATE AGGREGATE churn_rate(started date, ended date, period daterange) (
    SFUNC = churn_range_transfn,
    STYPE = churn_summary,
    COMBINEFUNC = churn_agg_combinefn,
    FINALFUNC = churn_agg_churn_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE churn_rate(date, date, daterange) IS
    'churned / S over the period [first day, next period''s first day), e.g. period_range(''quarter'', q): every cancellation falls in exactly one of consecutive periods';

CREATE AGGREGATE churn_rate(started timestamptz, ended timestamptz, period daterange) (
    SFUNC = churn_range_tz_transfn,
    STYPE = churn_summary,
    COMBINEFUNC = churn_agg_combinefn,
    FINALFUNC = churn_agg_churn_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE churn_rate(timestamptz, timestamptz, daterange) IS
    'churn_rate over a date range, the timestamps'' days taken in the session time zone';

CREATE AGGREGATE retention_rate(started date, ended date, period daterange) (
    SFUNC = churn_range_transfn,
    STYPE = churn_summary,
    COMBINEFUNC = churn_agg_combinefn,
    FINALFUNC = churn_agg_retention_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE retention_rate(date, date, daterange) IS
    '(S - churned) / S over the period [first day, next period''s first day)';

CREATE AGGREGATE retention_rate(started timestamptz, ended timestamptz, period daterange) (
    SFUNC = churn_range_tz_transfn,
    STYPE = churn_summary,
    COMBINEFUNC = churn_agg_combinefn,
    FINALFUNC = churn_agg_retention_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE retention_rate(timestamptz, timestamptz, daterange) IS
    'retention_rate over a date range, the timestamps'' days taken in the session time zone';

CREATE AGGREGATE rollup(churn_summary) (
    SFUNC = churn_agg_combinefn,
    STYPE = churn_summary,
    COMBINEFUNC = churn_agg_combinefn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE rollup(churn_summary) IS
    'merges churn summaries of one period (say per plan or per shard); summaries of different periods -> 22023';

CREATE FUNCTION customers_start(churn_summary) RETURNS bigint
    AS 'MODULE_PATHNAME', 'churn_summary_customers_start' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION customers_start(churn_summary) IS
    'S: subscriptions active on the first day of the period';
CREATE FUNCTION churned(churn_summary) RETURNS bigint
    AS 'MODULE_PATHNAME', 'churn_summary_churned' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION churned(churn_summary) IS
    'the subscriptions of S that ended within the period (not active on its end)';
CREATE FUNCTION churn_rate(churn_summary) RETURNS float8
    AS 'MODULE_PATHNAME', 'churn_agg_churn_finalfn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION churn_rate(churn_summary) IS 'churned / S; NULL when S = 0';
CREATE FUNCTION retention_rate(churn_summary) RETURNS float8
    AS 'MODULE_PATHNAME', 'churn_agg_retention_finalfn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention_rate(churn_summary) IS '(S - churned) / S; NULL when S = 0';

-- Survey scores of other types: smallint, bigint and numeric (whole numbers
-- only: 8.5 is 22003, never rounded).  smallint has its own overloads so that
-- a smallint column does not become ambiguous among int, bigint and numeric.

CREATE FUNCTION nps_agg_int2_transfn(nps_summary, smallint) RETURNS nps_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION csat_agg_int2_transfn(csat_summary, smallint) RETURNS csat_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION csat_agg_scale_int2_transfn(csat_summary, smallint, int) RETURNS csat_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE nps(score smallint) (
    SFUNC = nps_agg_int2_transfn,
    STYPE = nps_summary,
    COMBINEFUNC = nps_agg_combinefn,
    FINALFUNC = nps,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE nps(smallint) IS
    'Net Promoter Score of smallint scores 0-10 (whole numbers): 100 * (promoters - detractors) / responses';
CREATE AGGREGATE nps_agg(score smallint) (
    SFUNC = nps_agg_int2_transfn,
    STYPE = nps_summary,
    COMBINEFUNC = nps_agg_combinefn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE nps_agg(smallint) IS
    'summary of smallint NPS scores 0-10 (whole numbers) for the nps accessors and rollup';
CREATE AGGREGATE csat(score smallint) (
    SFUNC = csat_agg_int2_transfn,
    STYPE = csat_summary,
    COMBINEFUNC = csat_agg_combinefn,
    FINALFUNC = csat,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE csat(smallint) IS 'share of smallint CSAT scores 1-5 (whole numbers) that are 4 or 5';
CREATE AGGREGATE csat(score smallint, scale int) (
    SFUNC = csat_agg_scale_int2_transfn,
    STYPE = csat_summary,
    COMBINEFUNC = csat_agg_combinefn,
    FINALFUNC = csat,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE csat(smallint, int) IS 'share of smallint CSAT scores 1..scale (whole numbers) that are scale - 1 or scale';
CREATE AGGREGATE csat_agg(score smallint) (
    SFUNC = csat_agg_int2_transfn,
    STYPE = csat_summary,
    COMBINEFUNC = csat_agg_combinefn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE csat_agg(smallint) IS 'summary of smallint CSAT scores 1-5 (whole numbers)';
CREATE AGGREGATE csat_agg(score smallint, scale int) (
    SFUNC = csat_agg_scale_int2_transfn,
    STYPE = csat_summary,
    COMBINEFUNC = csat_agg_combinefn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE csat_agg(smallint, int) IS 'summary of smallint CSAT scores 1..scale (whole numbers, scale 2-10)';

CREATE FUNCTION nps_agg_int8_transfn(nps_summary, bigint) RETURNS nps_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION csat_agg_int8_transfn(csat_summary, bigint) RETURNS csat_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION csat_agg_scale_int8_transfn(csat_summary, bigint, int) RETURNS csat_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE nps(score bigint) (
    SFUNC = nps_agg_int8_transfn,
    STYPE = nps_summary,
    COMBINEFUNC = nps_agg_combinefn,
    FINALFUNC = nps,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE nps(bigint) IS
    'Net Promoter Score of bigint scores 0-10 (whole numbers): 100 * (promoters - detractors) / responses';
CREATE AGGREGATE nps_agg(score bigint) (
    SFUNC = nps_agg_int8_transfn,
    STYPE = nps_summary,
    COMBINEFUNC = nps_agg_combinefn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE nps_agg(bigint) IS
    'summary of bigint NPS scores 0-10 (whole numbers) for the nps accessors and rollup';
CREATE AGGREGATE csat(score bigint) (
    SFUNC = csat_agg_int8_transfn,
    STYPE = csat_summary,
    COMBINEFUNC = csat_agg_combinefn,
    FINALFUNC = csat,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE csat(bigint) IS 'share of bigint CSAT scores 1-5 (whole numbers) that are 4 or 5';
CREATE AGGREGATE csat(score bigint, scale int) (
    SFUNC = csat_agg_scale_int8_transfn,
    STYPE = csat_summary,
    COMBINEFUNC = csat_agg_combinefn,
    FINALFUNC = csat,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE csat(bigint, int) IS 'share of bigint CSAT scores 1..scale (whole numbers) that are scale - 1 or scale';
CREATE AGGREGATE csat_agg(score bigint) (
    SFUNC = csat_agg_int8_transfn,
    STYPE = csat_summary,
    COMBINEFUNC = csat_agg_combinefn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE csat_agg(bigint) IS 'summary of bigint CSAT scores 1-5 (whole numbers)';
CREATE AGGREGATE csat_agg(score bigint, scale int) (
    SFUNC = csat_agg_scale_int8_transfn,
    STYPE = csat_summary,
    COMBINEFUNC = csat_agg_combinefn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE csat_agg(bigint, int) IS 'summary of bigint CSAT scores 1..scale (whole numbers, scale 2-10)';

CREATE FUNCTION nps_agg_numeric_transfn(nps_summary, numeric) RETURNS nps_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION csat_agg_numeric_transfn(csat_summary, numeric) RETURNS csat_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION csat_agg_scale_numeric_transfn(csat_summary, numeric, int) RETURNS csat_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE nps(score numeric) (
    SFUNC = nps_agg_numeric_transfn,
    STYPE = nps_summary,
    COMBINEFUNC = nps_agg_combinefn,
    FINALFUNC = nps,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE nps(numeric) IS
    'Net Promoter Score of numeric scores 0-10 (whole numbers): 100 * (promoters - detractors) / responses';
CREATE AGGREGATE nps_agg(score numeric) (
    SFUNC = nps_agg_numeric_transfn,
    STYPE = nps_summary,
    COMBINEFUNC = nps_agg_combinefn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE nps_agg(numeric) IS
    'summary of numeric NPS scores 0-10 (whole numbers) for the nps accessors and rollup';
CREATE AGGREGATE csat(score numeric) (
    SFUNC = csat_agg_numeric_transfn,
    STYPE = csat_summary,
    COMBINEFUNC = csat_agg_combinefn,
    FINALFUNC = csat,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE csat(numeric) IS 'share of numeric CSAT scores 1-5 (whole numbers) that are 4 or 5';
CREATE AGGREGATE csat(score numeric, scale int) (
    SFUNC = csat_agg_scale_numeric_transfn,
    STYPE = csat_summary,
    COMBINEFUNC = csat_agg_combinefn,
    FINALFUNC = csat,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE csat(numeric, int) IS 'share of numeric CSAT scores 1..scale (whole numbers) that are scale - 1 or scale';
CREATE AGGREGATE csat_agg(score numeric) (
    SFUNC = csat_agg_numeric_transfn,
    STYPE = csat_summary,
    COMBINEFUNC = csat_agg_combinefn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE csat_agg(numeric) IS 'summary of numeric CSAT scores 1-5 (whole numbers)';
CREATE AGGREGATE csat_agg(score numeric, scale int) (
    SFUNC = csat_agg_scale_numeric_transfn,
    STYPE = csat_summary,
    COMBINEFUNC = csat_agg_combinefn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE csat_agg(numeric, int) IS 'summary of numeric CSAT scores 1..scale (whole numbers, scale 2-10)';

-- NPS confidence interval: adjusted Wald (pseudo-counts 3/4 promoter,
-- 3/4 detractor, 3/2 passive); nps_margin's C function now returns its
-- half-width, and the bounds are new.
COMMENT ON FUNCTION nps_margin(nps_summary, float8) IS
    'half-width in points of the adjusted Wald confidence interval of NPS (3 pseudo-responses: 3/4 promoter, 3/4 detractor, 3/2 passive); never 0; nps_lower and nps_upper give its bounds';
CREATE FUNCTION nps_lower(nps_summary, confidence float8 DEFAULT 0.95) RETURNS float8
    AS 'MODULE_PATHNAME', 'nps_summary_lower' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION nps_lower(nps_summary, float8) IS
    'lower bound in points of the adjusted Wald confidence interval of NPS, at least -100';
CREATE FUNCTION nps_upper(nps_summary, confidence float8 DEFAULT 0.95) RETURNS float8
    AS 'MODULE_PATHNAME', 'nps_summary_upper' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION nps_upper(nps_summary, float8) IS
    'upper bound in points of the adjusted Wald confidence interval of NPS, at most 100';

-- RFM and ABC for the types users have: rfm with an observation_end such as
-- now(), rfm_segment over bigint (and smallint) scores, abc_class over float8
-- (and bigint, so that int and bigint values keep their exact sums).

CREATE FUNCTION rfm_transfn(rfm_state, timestamptz, numeric, timestamptz) RETURNS rfm_state
    AS 'MODULE_PATHNAME', 'rfm_timestamptz_end_transfn' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION rfm_transfn(rfm_state, timestamptz, float8, timestamptz) RETURNS rfm_state
    AS 'MODULE_PATHNAME', 'rfm_timestamptz_end_float8_transfn' LANGUAGE C STABLE PARALLEL SAFE;

CREATE AGGREGATE rfm(at timestamptz, amount numeric, observation_end timestamptz) (
    SFUNC = rfm_transfn,
    STYPE = rfm_state,
    SSPACE = 128,
    COMBINEFUNC = rfm_combinefn,
    FINALFUNC = rfm,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE rfm(timestamptz, numeric, timestamptz) IS
    'RFM summary of one customer''s orders up to the day of observation_end (e.g. now()), days taken in the session time zone';

CREATE AGGREGATE rfm(at timestamptz, amount float8, observation_end timestamptz) (
    SFUNC = rfm_transfn,
    STYPE = rfm_state,
    SSPACE = 128,
    COMBINEFUNC = rfm_combinefn,
    FINALFUNC = rfm,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE rfm(timestamptz, float8, timestamptz) IS
    'RFM summary with float8 amounts up to the day of observation_end (e.g. now()), days taken in the session time zone';

CREATE AGGREGATE rfm_agg(at timestamptz, amount numeric, observation_end timestamptz) (
    SFUNC = rfm_transfn,
    STYPE = rfm_state,
    SSPACE = 128,
    COMBINEFUNC = rfm_combinefn,
    FINALFUNC = rfm_agg_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE rfm_agg(timestamptz, numeric, timestamptz) IS
    'rfm_state of one customer''s orders up to the day of observation_end, days taken in the session time zone';

CREATE AGGREGATE rfm_agg(at timestamptz, amount float8, observation_end timestamptz) (
    SFUNC = rfm_transfn,
    STYPE = rfm_state,
    SSPACE = 128,
    COMBINEFUNC = rfm_combinefn,
    FINALFUNC = rfm_agg_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE rfm_agg(timestamptz, float8, timestamptz) IS
    'rfm_state with float8 amounts up to the day of observation_end, days taken in the session time zone';

CREATE FUNCTION rfm_segment(r bigint, f bigint, m bigint) RETURNS text
    AS 'MODULE_PATHNAME', 'rfm_segment_int8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rfm_segment(bigint, bigint, bigint) IS
    'RFM segment from bigint quintile scores 1-5 (5 = best)';
CREATE FUNCTION rfm_segment(r smallint, f smallint, m smallint) RETURNS text
    AS 'MODULE_PATHNAME', 'rfm_segment_int2' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rfm_segment(smallint, smallint, smallint) IS
    'RFM segment from smallint quintile scores 1-5 (5 = best)';

CREATE FUNCTION abc_class(value float8) RETURNS text
    AS 'MODULE_PATHNAME', 'abc_class' LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION abc_class(float8) IS
    'ABC class of a float8 value (summed exactly as the decimal it prints as with 15 digits), used OVER (ORDER BY value DESC); shares 0.80 and 0.95';
CREATE FUNCTION abc_class(value float8, a_share float8, b_share float8) RETURNS text
    AS 'MODULE_PATHNAME', 'abc_class_shares' LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION abc_class(float8, float8, float8) IS
    'ABC class of a float8 value with the given share thresholds (0 < a_share < b_share <= 1)';
CREATE FUNCTION abc_class(value bigint) RETURNS text
    AS 'MODULE_PATHNAME', 'abc_class' LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION abc_class(bigint) IS
    'ABC class of a bigint value (summed exactly), used OVER (ORDER BY value DESC); shares 0.80 and 0.95';
CREATE FUNCTION abc_class(value bigint, a_share float8, b_share float8) RETURNS text
    AS 'MODULE_PATHNAME', 'abc_class_shares' LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION abc_class(bigint, float8, float8) IS
    'ABC class of a bigint value with the given share thresholds (0 < a_share < b_share <= 1)';
