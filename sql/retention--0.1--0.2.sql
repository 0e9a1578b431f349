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
