-- retention 0.1 -> 0.2.  CREATE EXTENSION retention installs 0.1 and runs
-- this script after it, so this file is the only place where 0.2 changes
-- the SQL surface; ALTER EXTENSION retention UPDATE runs it on a 0.1
-- database.  Sections are in area order.

-- complain if script is sourced in psql, rather than through CREATE EXTENSION
\echo Use "ALTER EXTENSION retention UPDATE" to load this file. \quit

-- ==== Retention as product teams define it (SPEC §7) ====
-- (src/activity_product.c, src/activity_stages.c; doc/product-retention.md)

-- cohort_retention gains the mode argument and the complete column.  The
-- 0.1 function cannot change its result columns in place, and dropping it
-- would fail (or take the user's views with it) wherever a view reads it; so
-- it is renamed and kept for such views, which go on answering as before.
-- Recreate a view to get the new columns.
ALTER FUNCTION cohort_retention(activity, text) RENAME TO cohort_retention_0_1;
COMMENT ON FUNCTION cohort_retention_0_1(activity, text) IS
    'the cohort_retention of release 0.1 (without complete), kept for views created under 0.1; use cohort_retention';

CREATE FUNCTION cohort_retention(activity, period text DEFAULT 'month', mode text DEFAULT 'on',
    OUT cohort date, OUT period_offset int, OUT cohort_size bigint, OUT active bigint,
    OUT retention float8, OUT complete boolean)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'activity_cohort_retention_mode' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    ROWS 1000;
COMMENT ON FUNCTION cohort_retention(activity, text, text) IS
    'cohort triangle: per cohort (bucket of the first active day) and offset, members active in bucket cohort + offset (mode ''on'') or in it or any later bucket (''on_or_after''); period ''N days'' for rolling N-day retention; complete when the bucket has ended by the last day of the data';

CREATE FUNCTION cohort_retention(starts activity, returns activity, period text DEFAULT 'month',
    mode text DEFAULT 'on',
    OUT cohort date, OUT period_offset int, OUT cohort_size bigint, OUT active bigint,
    OUT retention float8, OUT complete boolean)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'activity_cohort_retention_two' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    ROWS 1000;
COMMENT ON FUNCTION cohort_retention(activity, activity, text, text) IS
    'cohort triangle with separate events: the cohort is the bucket of the first day in starts; active at an offset with a day in returns in that bucket (or, ''on_or_after'', any later one) on or after the first start day';

CREATE FUNCTION bracket_retention(activity, bounds int[], period text DEFAULT 'month',
    OUT cohort date, OUT bracket int, OUT from_day int, OUT to_day int,
    OUT cohort_size bigint, OUT active bigint, OUT retention float8, OUT complete boolean)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'activity_bracket_retention' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    ROWS 1000;
COMMENT ON FUNCTION bracket_retention(activity, int[], text) IS
    'per cohort and bracket [from_day, to_day) of days since the first day: members active in the bracket; complete when every member has been observed through to_day - 1 days';

CREATE FUNCTION active_customers(activity, window_days int DEFAULT 28,
    OUT day date, OUT active bigint)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'activity_active_customers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    ROWS 1000;
COMMENT ON FUNCTION active_customers(activity, int) IS
    'per day from the first to the last day of the data: customers active in the window_days days ending on it (DAU 1, WAU 7, MAU 28)';

CREATE FUNCTION inactivity_churn(activity, inactive_days int, period text DEFAULT 'month',
    OUT period date, OUT live_start bigint, OUT new bigint, OUT reactivated bigint,
    OUT churned bigint, OUT live_end bigint, OUT churn_rate float8, OUT complete boolean)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'activity_inactivity_churn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    ROWS 100;
COMMENT ON FUNCTION inactivity_churn(activity, int, text) IS
    'churn by silence: live = active in the last inactive_days days; per period live at its start and end, new, reactivated and churned events (live_end = live_start + new + reactivated - churned), and the share of live_start not live at the end';

CREATE FUNCTION customer_stages(id_type anyelement, summary activity, period text, at date,
    OUT customer_id anyelement, OUT stage text, OUT first_active date, OUT last_active date,
    OUT active_days int)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'activity_customer_stages' LANGUAGE C IMMUTABLE PARALLEL SAFE
    ROWS 1000;
COMMENT ON FUNCTION customer_stages(anyelement, activity, text, date) IS
    'each customer''s stage (new, returning, resurrecting, dormant, lost) at the end of the bucket of at, with its first and last day and days active up to then; pass NULL::bigint, NULL::text or NULL::uuid first to get ids in that type';

CREATE FUNCTION stage_transitions(activity, period text DEFAULT 'month',
    OUT period date, OUT from_stage text, OUT to_stage text, OUT customers bigint,
    OUT complete boolean)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'activity_stage_transitions' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    ROWS 1000;
COMMENT ON FUNCTION stage_transitions(activity, text) IS
    'per period after the first: customers by their stage in the period before (NULL for new customers) and in the period, the flows of a Sankey diagram';

CREATE FUNCTION time_to_repeat(activity, n int DEFAULT 2, OUT days int, OUT customers bigint)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'activity_time_to_repeat' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    ROWS 365;
COMMENT ON FUNCTION time_to_repeat(activity, int) IS
    'histogram of the days from a customer''s first to its n-th distinct active day (customers with n or more days)';

CREATE FUNCTION repeat_within(activity, days int, period text DEFAULT 'month',
    OUT cohort date, OUT cohort_size bigint, OUT repeated bigint, OUT rate float8,
    OUT complete boolean)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'activity_repeat_within' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    ROWS 100;
COMMENT ON FUNCTION repeat_within(activity, int, text) IS
    'per cohort (bucket of the first day): members with a second active day within days days of the first, and their share';

-- ==== Subscription economics (SPEC §10) ====
-- src/sbg.c: the shifted-beta-geometric model; src/mrr.c: MRR movements.

CREATE TYPE sbg_model AS (
    alpha float8,
    beta float8,
    log_likelihood float8,
    customers bigint,
    converged boolean
);
COMMENT ON TYPE sbg_model IS
    'a fitted shifted-beta-geometric model: churn probability per period ~ Beta(alpha, beta) across customers; total log-likelihood at the estimates, customers fitted, and whether the fit converged';

CREATE FUNCTION sbg_fit_transfn(bigint[], int, boolean) RETURNS bigint[]
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION sbg_fit_combinefn(bigint[], bigint[]) RETURNS bigint[]
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION sbg_fit_finalfn(bigint[]) RETURNS sbg_model
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE sbg_fit(periods int, churned boolean) (
    SFUNC = sbg_fit_transfn,
    STYPE = bigint[],
    COMBINEFUNC = sbg_fit_combinefn,
    FINALFUNC = sbg_fit_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE sbg_fit(int, boolean) IS
    'maximum-likelihood shifted-beta-geometric fit: churned = true is a customer lost at the end of period "periods" (>= 1), false one still active after "periods" periods (>= 0)';

CREATE FUNCTION sbg_fit(survival) RETURNS sbg_model
    AS 'MODULE_PATHNAME', 'sbg_fit_survival' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sbg_fit(survival) IS
    'shifted-beta-geometric fit of a survival summary whose durations are whole numbers of periods';

CREATE FUNCTION sbg_curve(model sbg_model, periods int)
    RETURNS TABLE (period int, survival float8, retention_rate float8)
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION sbg_curve(sbg_model, int) IS
    'projected survival S(t) and retention rate r_t = (beta + t - 1) / (alpha + beta + t - 1) for t = 0 .. periods (r_0 is NULL)';

CREATE FUNCTION derl(model sbg_model, renewals int, discount_rate float8) RETURNS float8
    AS 'MODULE_PATHNAME', 'sbg_derl' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION derl(sbg_model, int, float8) IS
    'discounted expected residual lifetime, in payments, of a customer who has made "renewals" renewals (Fader & Hardie 2010)';

CREATE FUNCTION clv(model sbg_model, margin float8, discount_rate float8, renewals int DEFAULT 0)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'sbg_clv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv(sbg_model, float8, float8, int) IS
    'residual value of a subscriber: margin per period x derl(model, renewals, discount_rate)';

CREATE FUNCTION retention_elasticity(model sbg_model, discount_rate float8, renewals int DEFAULT 0)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'sbg_retention_elasticity' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention_elasticity(sbg_model, float8, int) IS
    'elasticity of the residual value with respect to retention: +1 % on every future retention rate gives about +elasticity % residual value';

CREATE TYPE mrr_summary;

CREATE FUNCTION mrr_summary_in(cstring) RETURNS mrr_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mrr_summary_out(mrr_summary) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mrr_summary_recv(internal) RETURNS mrr_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mrr_summary_send(mrr_summary) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE mrr_summary (
    INPUT = mrr_summary_in,
    OUTPUT = mrr_summary_out,
    RECEIVE = mrr_summary_recv,
    SEND = mrr_summary_send,
    ALIGNMENT = double,
    STORAGE = extended
);
COMMENT ON TYPE mrr_summary IS
    'each customer''s MRR as exact changes by day, with the first and last day of the data; text form "v1 ids=bigint first=YYYY-MM-DD last=YYYY-MM-DD customers=n changes=m id:day+amount,day-amount ..."';

CREATE FUNCTION mrr_agg_transfn(mrr_summary, bigint, date, date, numeric) RETURNS mrr_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION mrr_agg_transfn(mrr_summary, text, date, date, numeric) RETURNS mrr_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION mrr_agg_transfn(mrr_summary, uuid, date, date, numeric) RETURNS mrr_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION mrr_agg_transfn(mrr_summary, bigint, timestamptz, timestamptz, numeric)
    RETURNS mrr_summary
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION mrr_agg_transfn(mrr_summary, text, timestamptz, timestamptz, numeric)
    RETURNS mrr_summary
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION mrr_agg_transfn(mrr_summary, uuid, timestamptz, timestamptz, numeric)
    RETURNS mrr_summary
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION mrr_agg_combinefn(mrr_summary, mrr_summary) RETURNS mrr_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION mrr_agg_finalfn(mrr_summary) RETURNS mrr_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE mrr_agg(customer_id bigint, started date, ended date, mrr numeric) (
    SFUNC = mrr_agg_transfn, STYPE = mrr_summary, COMBINEFUNC = mrr_agg_combinefn,
    FINALFUNC = mrr_agg_finalfn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE mrr_agg(bigint, date, date, numeric) IS
    'MRR summary of subscription rows: the customer''s MRR on day d is the sum of mrr over its rows with started <= d < ended (ended NULL: open)';
CREATE AGGREGATE mrr_agg(customer_id text, started date, ended date, mrr numeric) (
    SFUNC = mrr_agg_transfn, STYPE = mrr_summary, COMBINEFUNC = mrr_agg_combinefn,
    FINALFUNC = mrr_agg_finalfn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE mrr_agg(text, date, date, numeric) IS
    'MRR summary of subscription rows with text customer ids';
CREATE AGGREGATE mrr_agg(customer_id uuid, started date, ended date, mrr numeric) (
    SFUNC = mrr_agg_transfn, STYPE = mrr_summary, COMBINEFUNC = mrr_agg_combinefn,
    FINALFUNC = mrr_agg_finalfn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE mrr_agg(uuid, date, date, numeric) IS
    'MRR summary of subscription rows with uuid customer ids';
CREATE AGGREGATE mrr_agg(customer_id bigint, started timestamptz, ended timestamptz, mrr numeric) (
    SFUNC = mrr_agg_transfn, STYPE = mrr_summary, COMBINEFUNC = mrr_agg_combinefn,
    FINALFUNC = mrr_agg_finalfn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE mrr_agg(bigint, timestamptz, timestamptz, numeric) IS
    'MRR summary of subscription rows, times converted to dates in the session time zone';
CREATE AGGREGATE mrr_agg(customer_id text, started timestamptz, ended timestamptz, mrr numeric) (
    SFUNC = mrr_agg_transfn, STYPE = mrr_summary, COMBINEFUNC = mrr_agg_combinefn,
    FINALFUNC = mrr_agg_finalfn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE mrr_agg(text, timestamptz, timestamptz, numeric) IS
    'MRR summary of subscription rows with text customer ids, times converted in the session time zone';
CREATE AGGREGATE mrr_agg(customer_id uuid, started timestamptz, ended timestamptz, mrr numeric) (
    SFUNC = mrr_agg_transfn, STYPE = mrr_summary, COMBINEFUNC = mrr_agg_combinefn,
    FINALFUNC = mrr_agg_finalfn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE mrr_agg(uuid, timestamptz, timestamptz, numeric) IS
    'MRR summary of subscription rows with uuid customer ids, times converted in the session time zone';

CREATE AGGREGATE rollup(mrr_summary) (
    SFUNC = mrr_agg_combinefn, STYPE = mrr_summary, COMBINEFUNC = mrr_agg_combinefn,
    FINALFUNC = mrr_agg_finalfn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE rollup(mrr_summary) IS
    'merges MRR summaries (of the same customer id type)';

CREATE FUNCTION mrr_movements(summary mrr_summary, period text DEFAULT 'month')
    RETURNS TABLE (period date, mrr_start numeric, new numeric, expansion numeric,
                   contraction numeric, churned numeric, reactivation numeric, mrr_end numeric,
                   customers_start bigint, customers_end bigint,
                   gross_revenue_retention float8, net_revenue_retention float8, complete boolean)
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 24;
COMMENT ON FUNCTION mrr_movements(mrr_summary, text) IS
    'MRR waterfall per bucket: each customer''s MRR on the day before the bucket against its MRR on the bucket''s last day, as new, expansion, contraction, churned and reactivation; GRR and NRR; complete = the bucket ends on or before the last day of the data';

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

-- ==== The BTYD model family (SPEC §9) ====
-- (src/pnbd.c, src/mbgnbd.c, src/bgbb.c, src/btyd_model.c, src/holdout.c)

-- Every fit stores the covariance of its estimates; models stored by 0.1
-- read with a NULL covariance.
ALTER TYPE bgnbd_model ADD ATTRIBUTE covariance float8[];
ALTER TYPE gammagamma_model ADD ATTRIBUTE covariance float8[];
COMMENT ON COLUMN bgnbd_model.covariance IS
    'covariance of (r, alpha, a, b): inverse Hessian of -log-likelihood at the estimates; NULL for models fitted by 0.1';
COMMENT ON COLUMN gammagamma_model.covariance IS
    'covariance of (p, q, v): inverse Hessian of -log-likelihood at the estimates; NULL for models fitted by 0.1';

COMMENT ON TYPE btyd_histogram IS
    'transition state of the BTYD fits: each distinct customer summary with its count; text form "v1 kind=bgnbd|gammagamma|pnbd|mbgnbd|bgbb penalizer=0 points=x:u:v:count,..."';

-- Pareto/NBD
CREATE TYPE pnbd_model AS (
    r float8,
    alpha float8,
    s float8,
    beta float8,
    log_likelihood float8,
    customers bigint,
    converged boolean,
    covariance float8[]
);
COMMENT ON TYPE pnbd_model IS
    'a fitted Pareto/NBD model: purchase rate ~ Gamma(shape r, rate alpha), dropout rate ~ Gamma(shape s, rate beta); total log-likelihood, customers, convergence, covariance of the estimates';

CREATE FUNCTION pnbd_fit_transfn(btyd_histogram, int, float8, float8) RETURNS btyd_histogram
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION pnbd_fit_transfn(btyd_histogram, int, float8, float8, float8) RETURNS btyd_histogram
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION pnbd_fit_finalfn(btyd_histogram) RETURNS pnbd_model
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE pnbd_fit(frequency int, recency float8, tenure float8) (
    SFUNC = pnbd_fit_transfn,
    STYPE = btyd_histogram,
    COMBINEFUNC = btyd_histogram_combinefn,
    FINALFUNC = pnbd_fit_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE pnbd_fit(int, float8, float8) IS
    'maximum-likelihood Pareto/NBD fit of (frequency, recency, tenure), times in any one unit';

CREATE AGGREGATE pnbd_fit(frequency int, recency float8, tenure float8, penalizer float8) (
    SFUNC = pnbd_fit_transfn,
    STYPE = btyd_histogram,
    COMBINEFUNC = btyd_histogram_combinefn,
    FINALFUNC = pnbd_fit_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE pnbd_fit(int, float8, float8, float8) IS
    'Pareto/NBD fit minimising -(mean log-likelihood) + penalizer * (r^2 + (alpha / max tenure)^2 + s^2 + (beta / max tenure)^2)';

CREATE FUNCTION p_alive(model pnbd_model, frequency int, recency float8, tenure float8)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'pnbd_p_alive' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION p_alive(pnbd_model, int, float8, float8) IS
    'probability that the customer is still active at the end of observation (Pareto/NBD)';

CREATE FUNCTION expected_purchases(model pnbd_model, t float8, frequency int, recency float8,
                                   tenure float8)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'pnbd_expected_purchases_customer' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION expected_purchases(pnbd_model, float8, int, float8, float8) IS
    'expected purchases of the customer in the next t time units (Pareto/NBD)';

CREATE FUNCTION expected_purchases(model pnbd_model, t float8) RETURNS float8
    AS 'MODULE_PATHNAME', 'pnbd_expected_purchases_new' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION expected_purchases(pnbd_model, float8) IS
    'expected repeat purchases of a new customer in its first t time units (Pareto/NBD)';

CREATE FUNCTION clv(purchases pnbd_model, spend gammagamma_model, frequency int, recency float8,
                    tenure float8, monetary_value float8, months int,
                    monthly_discount_rate float8)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'pnbd_clv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv(pnbd_model, gammagamma_model, int, float8, float8, float8, int, float8) IS
    'discounted expected spend over the next months with Pareto/NBD purchases (30-day months, times in days)';

CREATE FUNCTION pnbd_log_likelihood(r float8, alpha float8, s float8, beta float8,
                                    frequency int, recency float8, tenure float8)
    RETURNS float8
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION pnbd_log_likelihood(float8, float8, float8, float8, int, float8, float8) IS
    'log-likelihood of one customer under Pareto/NBD parameters (pnbd_fit maximises its sum)';

CREATE FUNCTION pnbd_log_likelihood_gradient(r float8, alpha float8, s float8, beta float8,
                                             frequency int, recency float8, tenure float8)
    RETURNS float8[]
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION pnbd_log_likelihood_gradient(float8, float8, float8, float8, int, float8, float8) IS
    'partial derivatives of pnbd_log_likelihood with respect to r, alpha, s and beta';

-- confint: Wald intervals from the stored covariance, one C function for every model type
CREATE FUNCTION confint(model bgnbd_model, level float8 DEFAULT 0.95)
    RETURNS TABLE (parameter text, estimate float8, std_error float8, lower float8, upper float8)
    AS 'MODULE_PATHNAME', 'btyd_confint' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 4;
COMMENT ON FUNCTION confint(bgnbd_model, float8) IS
    'per parameter: estimate, standard error and Wald interval estimate +- z * std_error at the level (NULL std_error for models without covariance)';
CREATE FUNCTION confint(model gammagamma_model, level float8 DEFAULT 0.95)
    RETURNS TABLE (parameter text, estimate float8, std_error float8, lower float8, upper float8)
    AS 'MODULE_PATHNAME', 'btyd_confint' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 3;
COMMENT ON FUNCTION confint(gammagamma_model, float8) IS
    'per parameter: estimate, standard error and Wald interval estimate +- z * std_error at the level (NULL std_error for models without covariance)';
CREATE FUNCTION confint(model pnbd_model, level float8 DEFAULT 0.95)
    RETURNS TABLE (parameter text, estimate float8, std_error float8, lower float8, upper float8)
    AS 'MODULE_PATHNAME', 'btyd_confint' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 4;
COMMENT ON FUNCTION confint(pnbd_model, float8) IS
    'per parameter: estimate, standard error and Wald interval estimate +- z * std_error at the level (NULL std_error without covariance)';

-- MBG/NBD
CREATE TYPE mbgnbd_model AS (
    r float8,
    alpha float8,
    a float8,
    b float8,
    log_likelihood float8,
    customers bigint,
    converged boolean,
    covariance float8[]
);
COMMENT ON TYPE mbgnbd_model IS
    'a fitted MBG/NBD model: purchase rate ~ Gamma(shape r, rate alpha), dropout probability at the first and every repeat purchase ~ Beta(a, b); total log-likelihood, customers, convergence, covariance of the estimates';

CREATE FUNCTION mbgnbd_fit_transfn(btyd_histogram, int, float8, float8) RETURNS btyd_histogram
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION mbgnbd_fit_transfn(btyd_histogram, int, float8, float8, float8) RETURNS btyd_histogram
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION mbgnbd_fit_finalfn(btyd_histogram) RETURNS mbgnbd_model
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE mbgnbd_fit(frequency int, recency float8, tenure float8) (
    SFUNC = mbgnbd_fit_transfn,
    STYPE = btyd_histogram,
    COMBINEFUNC = btyd_histogram_combinefn,
    FINALFUNC = mbgnbd_fit_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE mbgnbd_fit(int, float8, float8) IS
    'maximum-likelihood MBG/NBD fit of (frequency, recency, tenure), times in any one unit';

CREATE AGGREGATE mbgnbd_fit(frequency int, recency float8, tenure float8, penalizer float8) (
    SFUNC = mbgnbd_fit_transfn,
    STYPE = btyd_histogram,
    COMBINEFUNC = btyd_histogram_combinefn,
    FINALFUNC = mbgnbd_fit_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE mbgnbd_fit(int, float8, float8, float8) IS
    'MBG/NBD fit minimising -(mean log-likelihood) + penalizer * (r^2 + (alpha / max tenure)^2 + a^2 + b^2)';

CREATE FUNCTION p_alive(model mbgnbd_model, frequency int, recency float8, tenure float8)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'mbgnbd_p_alive' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION p_alive(mbgnbd_model, int, float8, float8) IS
    'probability that the customer is still active at the end of observation (MBG/NBD: below 1 even without repeat purchases)';

CREATE FUNCTION expected_purchases(model mbgnbd_model, t float8, frequency int, recency float8,
                                   tenure float8)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'mbgnbd_expected_purchases_customer' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION expected_purchases(mbgnbd_model, float8, int, float8, float8) IS
    'expected purchases of the customer in the next t time units (MBG/NBD)';

CREATE FUNCTION expected_purchases(model mbgnbd_model, t float8) RETURNS float8
    AS 'MODULE_PATHNAME', 'mbgnbd_expected_purchases_new' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION expected_purchases(mbgnbd_model, float8) IS
    'expected repeat purchases of a new customer in its first t time units (MBG/NBD)';

CREATE FUNCTION clv(purchases mbgnbd_model, spend gammagamma_model, frequency int, recency float8,
                    tenure float8, monetary_value float8, months int,
                    monthly_discount_rate float8)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'mbgnbd_clv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv(mbgnbd_model, gammagamma_model, int, float8, float8, float8, int, float8) IS
    'discounted expected spend over the next months with MBG/NBD purchases (30-day months, times in days)';

CREATE FUNCTION confint(model mbgnbd_model, level float8 DEFAULT 0.95)
    RETURNS TABLE (parameter text, estimate float8, std_error float8, lower float8, upper float8)
    AS 'MODULE_PATHNAME', 'btyd_confint' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 4;
COMMENT ON FUNCTION confint(mbgnbd_model, float8) IS
    'per parameter: estimate, standard error and Wald interval estimate +- z * std_error at the level (NULL std_error without covariance)';

-- BG/BB
CREATE TYPE bgbb_model AS (
    alpha float8,
    beta float8,
    gamma float8,
    delta float8,
    log_likelihood float8,
    customers bigint,
    converged boolean,
    covariance float8[]
);
COMMENT ON TYPE bgbb_model IS
    'a fitted BG/BB model: purchase probability per opportunity ~ Beta(alpha, beta), dropout probability per opportunity ~ Beta(gamma, delta); total log-likelihood, customers, convergence, covariance of the estimates';

CREATE FUNCTION bgbb_fit_transfn(btyd_histogram, int, int, int) RETURNS btyd_histogram
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION bgbb_fit_transfn(btyd_histogram, int, int, int, float8) RETURNS btyd_histogram
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION bgbb_fit_finalfn(btyd_histogram) RETURNS bgbb_model
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE bgbb_fit(frequency int, recency int, opportunities int) (
    SFUNC = bgbb_fit_transfn,
    STYPE = btyd_histogram,
    COMBINEFUNC = btyd_histogram_combinefn,
    FINALFUNC = bgbb_fit_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE bgbb_fit(int, int, int) IS
    'maximum-likelihood BG/BB fit of (frequency = opportunities with a purchase, recency = the last such opportunity, 0 if none, opportunities)';

CREATE AGGREGATE bgbb_fit(frequency int, recency int, opportunities int, penalizer float8) (
    SFUNC = bgbb_fit_transfn,
    STYPE = btyd_histogram,
    COMBINEFUNC = btyd_histogram_combinefn,
    FINALFUNC = bgbb_fit_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE bgbb_fit(int, int, int, float8) IS
    'BG/BB fit minimising -(mean log-likelihood) + penalizer * (alpha^2 + beta^2 + gamma^2 + delta^2)';

CREATE FUNCTION p_alive(model bgbb_model, frequency int, recency int, opportunities int)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'bgbb_p_alive' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION p_alive(bgbb_model, int, int, int) IS
    'probability that the customer is alive at the next opportunity (BG/BB)';

CREATE FUNCTION expected_purchases(model bgbb_model, future_opportunities int, frequency int,
                                   recency int, opportunities int)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'bgbb_expected_purchases_customer' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION expected_purchases(bgbb_model, int, int, int, int) IS
    'expected purchases of the customer in the next future_opportunities opportunities (BG/BB)';

CREATE FUNCTION bgbb_log_likelihood(alpha float8, beta float8, gamma float8, delta float8,
                                    frequency int, recency int, opportunities int)
    RETURNS float8
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION bgbb_log_likelihood(float8, float8, float8, float8, int, int, int) IS
    'log-likelihood of one customer under BG/BB parameters (bgbb_fit maximises its sum)';

CREATE FUNCTION confint(model bgbb_model, level float8 DEFAULT 0.95)
    RETURNS TABLE (parameter text, estimate float8, std_error float8, lower float8, upper float8)
    AS 'MODULE_PATHNAME', 'btyd_confint' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 4;
COMMENT ON FUNCTION confint(bgbb_model, float8) IS
    'per parameter: estimate, standard error and Wald interval estimate +- z * std_error at the level (NULL std_error without covariance)';

CREATE FUNCTION mbgnbd_log_likelihood(r float8, alpha float8, a float8, b float8,
                                      frequency int, recency float8, tenure float8)
    RETURNS float8
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mbgnbd_log_likelihood(float8, float8, float8, float8, int, float8, float8) IS
    'log-likelihood of one customer under MBG/NBD parameters (mbgnbd_fit maximises its sum)';

-- purchase_probability: the distribution of a new customer's repeat purchases
CREATE FUNCTION purchase_probability(model bgnbd_model, k int, t float8) RETURNS float8
    AS 'MODULE_PATHNAME', 'bgnbd_purchase_probability' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION purchase_probability(bgnbd_model, int, float8) IS
    'probability that a new customer makes exactly k repeat purchases in (0, t] (BG/NBD)';
CREATE FUNCTION purchase_probability(model mbgnbd_model, k int, t float8) RETURNS float8
    AS 'MODULE_PATHNAME', 'mbgnbd_purchase_probability' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION purchase_probability(mbgnbd_model, int, float8) IS
    'probability that a new customer makes exactly k repeat purchases in (0, t] (MBG/NBD)';
CREATE FUNCTION purchase_probability(model pnbd_model, k int, t float8) RETURNS float8
    AS 'MODULE_PATHNAME', 'pnbd_purchase_probability' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION purchase_probability(pnbd_model, int, float8) IS
    'probability that a new customer makes exactly k repeat purchases in (0, t] (Pareto/NBD)';

-- ==== Purchases (SPEC §8) ====
-- (src/purchases.c, src/purchases_state.c, src/purchases_codec.c,
-- src/purchases_report.c)

CREATE TYPE purchases;

CREATE FUNCTION purchases_in(cstring) RETURNS purchases
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION purchases_out(purchases) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION purchases_recv(internal) RETURNS purchases
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION purchases_send(purchases) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE purchases (
    INPUT = purchases_in,
    OUTPUT = purchases_out,
    RECEIVE = purchases_recv,
    SEND = purchases_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = int4,
    STORAGE = extended
);
COMMENT ON TYPE purchases IS
    'per customer and purchase day, the rows and the exact total of that day; text form "v1 ids=bigint amounts=numeric customers=N days=D id:YYYY-MM-DD/rows/total,... ..."';

-- one C transition function reads the argument types; STABLE for timestamptz
CREATE FUNCTION purchases_agg_transfn(purchases, bigint, date, numeric) RETURNS purchases
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION purchases_agg_transfn(purchases, text, date, numeric) RETURNS purchases
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION purchases_agg_transfn(purchases, uuid, date, numeric) RETURNS purchases
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION purchases_agg_transfn(purchases, bigint, timestamptz, numeric) RETURNS purchases
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION purchases_agg_transfn(purchases, text, timestamptz, numeric) RETURNS purchases
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION purchases_agg_transfn(purchases, uuid, timestamptz, numeric) RETURNS purchases
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION purchases_agg_transfn(purchases, bigint, date, float8) RETURNS purchases
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION purchases_agg_transfn(purchases, text, date, float8) RETURNS purchases
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION purchases_agg_transfn(purchases, uuid, date, float8) RETURNS purchases
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION purchases_agg_transfn(purchases, bigint, timestamptz, float8) RETURNS purchases
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION purchases_agg_transfn(purchases, text, timestamptz, float8) RETURNS purchases
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION purchases_agg_transfn(purchases, uuid, timestamptz, float8) RETURNS purchases
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION purchases_combinefn(purchases, purchases) RETURNS purchases
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

DO $do$
DECLARE
    id text;
    at text;
    amount text;
BEGIN
    FOREACH id IN ARRAY ARRAY['bigint', 'text', 'uuid'] LOOP
        FOREACH at IN ARRAY ARRAY['date', 'timestamptz'] LOOP
            FOREACH amount IN ARRAY ARRAY['numeric', 'float8'] LOOP
                EXECUTE format('CREATE AGGREGATE @extschema@.purchases_agg(customer_id %s, at %s, amount %s) ('
                    'SFUNC = @extschema@.purchases_agg_transfn, STYPE = @extschema@.purchases, '
                    'COMBINEFUNC = @extschema@.purchases_combinefn, PARALLEL = SAFE)', id, at, amount);
                EXECUTE format('COMMENT ON AGGREGATE @extschema@.purchases_agg(%s, %s, %s) IS %L',
                    id, at, amount,
                    'per customer and purchase day, the rows and the exact total of the amounts; NULL ids, times or amounts are skipped'
                    || CASE at WHEN 'timestamptz' THEN ' (days in the session time zone)' ELSE '' END);
            END LOOP;
        END LOOP;
    END LOOP;
END
$do$;

CREATE AGGREGATE rollup(purchases) (
    SFUNC = purchases_combinefn, STYPE = purchases,
    COMBINEFUNC = purchases_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE rollup(purchases) IS
    'merges purchases summaries: per customer and day, rows and totals added up';

CREATE FUNCTION activity(purchases) RETURNS activity
    AS 'MODULE_PATHNAME', 'purchases_to_activity' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION activity(purchases) IS
    'the activity summary of a purchases summary (its customers and days, without amounts)';
CREATE CAST (purchases AS activity) WITH FUNCTION activity(purchases) AS IMPLICIT;

CREATE FUNCTION customers(purchases) RETURNS bigint
    AS 'MODULE_PATHNAME', 'purchases_customers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION customers(purchases) IS 'distinct customers';

CREATE FUNCTION customer_rfm(id_type anyelement, summary purchases, observation_end date,
    OUT customer_id anyelement, OUT first_order date, OUT last_order date, OUT orders bigint,
    OUT revenue numeric, OUT frequency int, OUT recency int, OUT tenure int,
    OUT monetary_value float8)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'purchases_customer_rfm' LANGUAGE C IMMUTABLE PARALLEL SAFE
    ROWS 1000;
COMMENT ON FUNCTION customer_rfm(anyelement, purchases, date) IS
    'every customer''s rfm_summary at observation_end, equal to rfm(at, amount, observation_end) GROUP BY customer_id; pass NULL::bigint, NULL::text or NULL::uuid first to get ids in that type';

CREATE FUNCTION calibration_holdout(id_type anyelement, summary purchases,
    calibration_end date, observation_end date,
    OUT customer_id anyelement, OUT frequency_cal int, OUT recency_cal int, OUT tenure_cal int,
    OUT monetary_value_cal float8, OUT frequency_holdout int,
    OUT monetary_value_holdout float8, OUT duration_holdout int)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'purchases_calibration_holdout' LANGUAGE C IMMUTABLE PARALLEL SAFE
    ROWS 1000;
COMMENT ON FUNCTION calibration_holdout(anyelement, purchases, date, date) IS
    'the calibration and holdout data of lifetimes (daily): rfm at calibration_end, then repeat days and mean day total in (calibration_end, observation_end]; pass NULL::bigint, NULL::text or NULL::uuid first';

CREATE FUNCTION cohort_revenue(purchases, period text DEFAULT 'month',
    OUT cohort date, OUT period_offset int, OUT cohort_size bigint, OUT active bigint,
    OUT revenue numeric, OUT revenue_per_customer float8,
    OUT cumulative_revenue_per_customer float8, OUT complete boolean)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'purchases_cohort_revenue' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    ROWS 1000;
COMMENT ON FUNCTION cohort_revenue(purchases, text) IS
    'the realised-LTV curve: per cohort (bucket of the first purchase) and offset, the cohort''s revenue in that bucket, per cohort member, and summed over offsets 0 to k';

-- ==== Model checking against a holdout period (SPEC §9) ====
-- (src/holdout.c; doc/btyd-family.md)

CREATE TYPE holdout_summary;

CREATE FUNCTION holdout_summary_in(cstring) RETURNS holdout_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION holdout_summary_out(holdout_summary) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION holdout_summary_recv(internal) RETURNS holdout_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION holdout_summary_send(holdout_summary) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE holdout_summary (
    INPUT = holdout_summary_in,
    OUTPUT = holdout_summary_out,
    RECEIVE = holdout_summary_recv,
    SEND = holdout_summary_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);
COMMENT ON TYPE holdout_summary IS
    'a BTYD model checked against a holdout period: the model, and per calibration frequency the customers, actual and predicted holdout purchases; text form "v1 model=bgnbd r=.. alpha=.. a=.. b=.. abs_error=.. squared_error=.. frequencies=frequency:customers:actual:predicted,..."';

-- one C transition function per model type, under one SQL name
CREATE FUNCTION holdout_check_transfn(holdout_summary, bgnbd_model, int, float8, float8, bigint, float8)
    RETURNS holdout_summary
    AS 'MODULE_PATHNAME', 'holdout_check_bgnbd_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION holdout_check_transfn(holdout_summary, pnbd_model, int, float8, float8, bigint, float8)
    RETURNS holdout_summary
    AS 'MODULE_PATHNAME', 'holdout_check_pnbd_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION holdout_check_transfn(holdout_summary, mbgnbd_model, int, float8, float8, bigint, float8)
    RETURNS holdout_summary
    AS 'MODULE_PATHNAME', 'holdout_check_mbgnbd_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION holdout_check_transfn(holdout_summary, bgbb_model, int, int, int, bigint, int)
    RETURNS holdout_summary
    AS 'MODULE_PATHNAME', 'holdout_check_bgbb_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION holdout_check_combinefn(holdout_summary, holdout_summary) RETURNS holdout_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION holdout_check_finalfn(holdout_summary) RETURNS holdout_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE holdout_check(model bgnbd_model, frequency_cal int, recency_cal float8,
                               tenure_cal float8, frequency_holdout bigint, duration_holdout float8) (
    SFUNC = holdout_check_transfn, STYPE = holdout_summary,
    COMBINEFUNC = holdout_check_combinefn, FINALFUNC = holdout_check_finalfn, PARALLEL = SAFE);
COMMENT ON AGGREGATE holdout_check(bgnbd_model, int, float8, float8, bigint, float8) IS
    'checks a BG/NBD model against a holdout period: per customer, expected_purchases(model, duration_holdout, frequency_cal, recency_cal, tenure_cal) against frequency_holdout; one model for all rows; rows with a NULL are skipped';
CREATE AGGREGATE holdout_check(model pnbd_model, frequency_cal int, recency_cal float8,
                               tenure_cal float8, frequency_holdout bigint, duration_holdout float8) (
    SFUNC = holdout_check_transfn, STYPE = holdout_summary,
    COMBINEFUNC = holdout_check_combinefn, FINALFUNC = holdout_check_finalfn, PARALLEL = SAFE);
COMMENT ON AGGREGATE holdout_check(pnbd_model, int, float8, float8, bigint, float8) IS
    'checks a Pareto/NBD model against a holdout period: per customer, expected_purchases(model, duration_holdout, frequency_cal, recency_cal, tenure_cal) against frequency_holdout; one model for all rows; rows with a NULL are skipped';
CREATE AGGREGATE holdout_check(model mbgnbd_model, frequency_cal int, recency_cal float8,
                               tenure_cal float8, frequency_holdout bigint, duration_holdout float8) (
    SFUNC = holdout_check_transfn, STYPE = holdout_summary,
    COMBINEFUNC = holdout_check_combinefn, FINALFUNC = holdout_check_finalfn, PARALLEL = SAFE);
COMMENT ON AGGREGATE holdout_check(mbgnbd_model, int, float8, float8, bigint, float8) IS
    'checks an MBG/NBD model against a holdout period: per customer, expected_purchases(model, duration_holdout, frequency_cal, recency_cal, tenure_cal) against frequency_holdout; one model for all rows; rows with a NULL are skipped';
CREATE AGGREGATE holdout_check(model bgbb_model, frequency_cal int, recency_cal int,
                               opportunities_cal int, frequency_holdout bigint, duration_holdout int) (
    SFUNC = holdout_check_transfn, STYPE = holdout_summary,
    COMBINEFUNC = holdout_check_combinefn, FINALFUNC = holdout_check_finalfn, PARALLEL = SAFE);
COMMENT ON AGGREGATE holdout_check(bgbb_model, int, int, int, bigint, int) IS
    'checks a BG/BB model against duration_holdout further opportunities: per customer, expected_purchases(model, duration_holdout, frequency_cal, recency_cal, opportunities_cal) against frequency_holdout; one model for all rows; rows with a NULL are skipped';

CREATE AGGREGATE rollup(holdout_summary) (
    SFUNC = holdout_check_combinefn, STYPE = holdout_summary,
    COMBINEFUNC = holdout_check_combinefn, FINALFUNC = holdout_check_finalfn, PARALLEL = SAFE);
COMMENT ON AGGREGATE rollup(holdout_summary) IS
    'merges holdout summaries of one model (of disjoint sets of customers, such as segments or partitions)';

CREATE FUNCTION holdout_by_frequency(summary holdout_summary, max_frequency int DEFAULT 7,
    OUT frequency_cal int, OUT customers bigint, OUT actual float8, OUT predicted float8)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    ROWS 8;
COMMENT ON FUNCTION holdout_by_frequency(holdout_summary, int) IS
    'mean actual and predicted holdout purchases per calibration frequency below max_frequency, and for max_frequency or more in one last row (lifetimes'' plot_calibration_purchases_vs_holdout_purchases as numbers)';

CREATE FUNCTION holdout_error(summary holdout_summary,
    OUT customers bigint, OUT actual_total float8, OUT predicted_total float8,
    OUT mae float8, OUT rmse float8, OUT bias float8)
    RETURNS record
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION holdout_error(holdout_summary) IS
    'customers, total actual and predicted holdout purchases, and per customer the mean absolute error, root mean squared error and bias (mean of predicted - actual)';

-- rfm sums float8 amounts exactly and rounds once (src/float_sum.h), so that
-- serial, parallel and rolled-up results agree bit for bit; rfm_state is
-- written in format version 2, and states of version 1 are still read.
COMMENT ON TYPE rfm_state IS
    'one customer''s orders as rfm needs them (order count, exact revenue, first day''s total, distinct purchase days); text form "v2 amounts=numeric end=2024-12-31 orders=N revenue=R first_day_total=F days=2024-01-05,..."';
COMMENT ON AGGREGATE rfm(date, float8, date) IS
    'RFM summary of one customer''s orders with float8 amounts (summed exactly, rounded to float8 once)';

-- Combining the partial states of a BTYD fit merges up to millions of
-- distinct customer summaries that a parallel worker sorted, flattened and
-- sent through shared memory: the planner weighs that cost, declared here
-- (about 25,000 cost units a partial state, what scanning a million rows
-- costs), against sharing the scan.  On two cores, a parallel plan did not
-- pay for fits of 1M customers and was 1.33 x slower than the serial one at
-- 4M (bench/cases/56_btyd_real_valued.bench), so fits of up to about ten
-- million rows stay serial.
ALTER FUNCTION btyd_histogram_combinefn(btyd_histogram, btyd_histogram) COST 10000000;
