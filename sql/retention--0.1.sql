-- retention 0.1: the install script of release 0.1, frozen.  Changes go through
-- retention--0.1--<next>.sql.

-- complain if script is sourced in psql, rather than through CREATE EXTENSION
\echo Use "CREATE EXTENSION retention" to load this file. \quit

-- ===================================================================
-- Survey KPIs: NPS and CSAT (src/survey.c)
-- ===================================================================

CREATE TYPE nps_summary;

CREATE FUNCTION nps_summary_in(cstring) RETURNS nps_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION nps_summary_out(nps_summary) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION nps_summary_recv(internal) RETURNS nps_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION nps_summary_send(nps_summary) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE nps_summary (
    INPUT = nps_summary_in,
    OUTPUT = nps_summary_out,
    RECEIVE = nps_summary_recv,
    SEND = nps_summary_send,
    ALIGNMENT = double,
    STORAGE = plain
);
COMMENT ON TYPE nps_summary IS
    'promoter, passive and detractor counts of NPS survey responses; text form "v1 promoters=P passives=S detractors=D"';

CREATE FUNCTION nps_agg_transfn(nps_summary, int) RETURNS nps_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION nps_agg_combinefn(nps_summary, nps_summary) RETURNS nps_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION nps(nps_summary) RETURNS float8
    AS 'MODULE_PATHNAME', 'nps_summary_nps' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION nps(nps_summary) IS
    'Net Promoter Score: 100 * (promoters - detractors) / responses, in points from -100 to 100';

CREATE AGGREGATE nps_agg(score int) (
    SFUNC = nps_agg_transfn,
    STYPE = nps_summary,
    COMBINEFUNC = nps_agg_combinefn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE nps_agg(int) IS
    'summary of NPS scores 0-10 (promoters 9-10, passives 7-8, detractors 0-6) for the nps accessors and rollup';

CREATE AGGREGATE nps(score int) (
    SFUNC = nps_agg_transfn,
    STYPE = nps_summary,
    COMBINEFUNC = nps_agg_combinefn,
    FINALFUNC = nps,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE nps(int) IS
    'Net Promoter Score of scores 0-10: 100 * (promoters - detractors) / responses';

CREATE AGGREGATE rollup(nps_summary) (
    SFUNC = nps_agg_combinefn,
    STYPE = nps_summary,
    COMBINEFUNC = nps_agg_combinefn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE rollup(nps_summary) IS 'merges NPS summaries';

CREATE FUNCTION promoters(nps_summary) RETURNS bigint
    AS 'MODULE_PATHNAME', 'nps_summary_promoters' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION promoters(nps_summary) IS 'responses scoring 9 or 10';
CREATE FUNCTION passives(nps_summary) RETURNS bigint
    AS 'MODULE_PATHNAME', 'nps_summary_passives' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION passives(nps_summary) IS 'responses scoring 7 or 8';
CREATE FUNCTION detractors(nps_summary) RETURNS bigint
    AS 'MODULE_PATHNAME', 'nps_summary_detractors' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION detractors(nps_summary) IS 'responses scoring 0 to 6';
CREATE FUNCTION responses(nps_summary) RETURNS bigint
    AS 'MODULE_PATHNAME', 'nps_summary_responses' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION responses(nps_summary) IS 'all responses';

CREATE FUNCTION nps_margin(nps_summary, confidence float8 DEFAULT 0.95) RETURNS float8
    AS 'MODULE_PATHNAME', 'nps_summary_margin' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION nps_margin(nps_summary, float8) IS
    'half-width in points of the normal-approximation confidence interval of NPS';

CREATE TYPE csat_summary;

CREATE FUNCTION csat_summary_in(cstring) RETURNS csat_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION csat_summary_out(csat_summary) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION csat_summary_recv(internal) RETURNS csat_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION csat_summary_send(csat_summary) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE csat_summary (
    INPUT = csat_summary_in,
    OUTPUT = csat_summary_out,
    RECEIVE = csat_summary_recv,
    SEND = csat_summary_send,
    ALIGNMENT = double,
    STORAGE = plain
);
COMMENT ON TYPE csat_summary IS
    'CSAT response counts per score on a 1..scale scale; text form "v1 scale=5 counts=c1,c2,c3,c4,c5"';

CREATE FUNCTION csat_agg_transfn(csat_summary, int) RETURNS csat_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION csat_agg_scale_transfn(csat_summary, int, int) RETURNS csat_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION csat_agg_combinefn(csat_summary, csat_summary) RETURNS csat_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION csat(csat_summary) RETURNS float8
    AS 'MODULE_PATHNAME', 'csat_summary_csat' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION csat(csat_summary) IS
    'share of responses in the top two boxes (score >= scale - 1), from 0 to 1';

CREATE AGGREGATE csat_agg(score int) (
    SFUNC = csat_agg_transfn,
    STYPE = csat_summary,
    COMBINEFUNC = csat_agg_combinefn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE csat_agg(int) IS 'summary of CSAT scores 1-5 for the csat accessors and rollup';

CREATE AGGREGATE csat_agg(score int, scale int) (
    SFUNC = csat_agg_scale_transfn,
    STYPE = csat_summary,
    COMBINEFUNC = csat_agg_combinefn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE csat_agg(int, int) IS 'summary of CSAT scores 1..scale (scale 2-10)';

CREATE AGGREGATE csat(score int) (
    SFUNC = csat_agg_transfn,
    STYPE = csat_summary,
    COMBINEFUNC = csat_agg_combinefn,
    FINALFUNC = csat,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE csat(int) IS 'share of CSAT scores 1-5 that are 4 or 5';

CREATE AGGREGATE csat(score int, scale int) (
    SFUNC = csat_agg_scale_transfn,
    STYPE = csat_summary,
    COMBINEFUNC = csat_agg_combinefn,
    FINALFUNC = csat,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE csat(int, int) IS 'share of CSAT scores 1..scale that are scale - 1 or scale';

CREATE AGGREGATE rollup(csat_summary) (
    SFUNC = csat_agg_combinefn,
    STYPE = csat_summary,
    COMBINEFUNC = csat_agg_combinefn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE rollup(csat_summary) IS 'merges CSAT summaries of the same scale';

CREATE FUNCTION responses(csat_summary) RETURNS bigint
    AS 'MODULE_PATHNAME', 'csat_summary_responses' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION responses(csat_summary) IS 'all responses';

CREATE FUNCTION mean_score(csat_summary) RETURNS float8
    AS 'MODULE_PATHNAME', 'csat_summary_mean_score' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mean_score(csat_summary) IS 'average score';

-- ===================================================================
-- Activity: cohorts, lifecycle, non-contractual churn
-- (src/activity.c, src/activity_report.c, src/period.c)
-- ===================================================================

CREATE TYPE activity;

CREATE FUNCTION activity_in(cstring) RETURNS activity
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION activity_out(activity) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION activity_recv(internal) RETURNS activity
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION activity_send(activity) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE activity (
    INPUT = activity_in,
    OUTPUT = activity_out,
    RECEIVE = activity_recv,
    SEND = activity_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = int4,
    STORAGE = extended
);
COMMENT ON TYPE activity IS
    'per customer, the set of days it was active; text form "v1 ids=bigint customers=N days=D id:YYYY-MM-DD,... ..."';

-- transition functions: one per id type and time type (NULL ids and times are skipped)
CREATE FUNCTION activity_agg_transfn(activity, bigint, date) RETURNS activity
    AS 'MODULE_PATHNAME', 'activity_agg_transfn_bigint_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION activity_agg_transfn(activity, text, date) RETURNS activity
    AS 'MODULE_PATHNAME', 'activity_agg_transfn_text_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION activity_agg_transfn(activity, uuid, date) RETURNS activity
    AS 'MODULE_PATHNAME', 'activity_agg_transfn_uuid_date' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION activity_agg_transfn(activity, bigint, timestamptz) RETURNS activity
    AS 'MODULE_PATHNAME', 'activity_agg_transfn_bigint_timestamptz' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION activity_agg_transfn(activity, text, timestamptz) RETURNS activity
    AS 'MODULE_PATHNAME', 'activity_agg_transfn_text_timestamptz' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION activity_agg_transfn(activity, uuid, timestamptz) RETURNS activity
    AS 'MODULE_PATHNAME', 'activity_agg_transfn_uuid_timestamptz' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION activity_agg_combinefn(activity, activity) RETURNS activity
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE activity_agg(customer_id bigint, at date) (
    SFUNC = activity_agg_transfn, STYPE = activity,
    COMBINEFUNC = activity_agg_combinefn, PARALLEL = SAFE);
CREATE AGGREGATE activity_agg(customer_id text, at date) (
    SFUNC = activity_agg_transfn, STYPE = activity,
    COMBINEFUNC = activity_agg_combinefn, PARALLEL = SAFE);
CREATE AGGREGATE activity_agg(customer_id uuid, at date) (
    SFUNC = activity_agg_transfn, STYPE = activity,
    COMBINEFUNC = activity_agg_combinefn, PARALLEL = SAFE);
CREATE AGGREGATE activity_agg(customer_id bigint, at timestamptz) (
    SFUNC = activity_agg_transfn, STYPE = activity,
    COMBINEFUNC = activity_agg_combinefn, PARALLEL = SAFE);
CREATE AGGREGATE activity_agg(customer_id text, at timestamptz) (
    SFUNC = activity_agg_transfn, STYPE = activity,
    COMBINEFUNC = activity_agg_combinefn, PARALLEL = SAFE);
CREATE AGGREGATE activity_agg(customer_id uuid, at timestamptz) (
    SFUNC = activity_agg_transfn, STYPE = activity,
    COMBINEFUNC = activity_agg_combinefn, PARALLEL = SAFE);
COMMENT ON AGGREGATE activity_agg(bigint, date) IS
    'activity summary: the set of days each customer was active, for cohort_retention, lifecycle, period_retention, stickiness and rollup';
COMMENT ON AGGREGATE activity_agg(text, date) IS
    'activity summary of text customer ids: the set of days each customer was active';
COMMENT ON AGGREGATE activity_agg(uuid, date) IS
    'activity summary of uuid customer ids: the set of days each customer was active';
COMMENT ON AGGREGATE activity_agg(bigint, timestamptz) IS
    'activity summary; timestamps count on their day in the session time zone';
COMMENT ON AGGREGATE activity_agg(text, timestamptz) IS
    'activity summary of text customer ids; timestamps count on their day in the session time zone';
COMMENT ON AGGREGATE activity_agg(uuid, timestamptz) IS
    'activity summary of uuid customer ids; timestamps count on their day in the session time zone';

CREATE AGGREGATE rollup(activity) (
    SFUNC = activity_agg_combinefn,
    STYPE = activity,
    COMBINEFUNC = activity_agg_combinefn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE rollup(activity) IS
    'merges activity summaries of the same customer id type: the union of each customer''s days';

CREATE FUNCTION customers(activity) RETURNS bigint
    AS 'MODULE_PATHNAME', 'activity_customers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION customers(activity) IS 'distinct customers';

CREATE FUNCTION repeat_purchase_rate(activity) RETURNS float8
    AS 'MODULE_PATHNAME', 'activity_repeat_purchase_rate' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION repeat_purchase_rate(activity) IS
    'share of customers active on two or more distinct days';

CREATE FUNCTION cohort_retention(activity, period text DEFAULT 'month',
    OUT cohort date, OUT period_offset int, OUT cohort_size bigint, OUT active bigint,
    OUT retention float8)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'activity_cohort_retention' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    ROWS 1000;
COMMENT ON FUNCTION cohort_retention(activity, text) IS
    'cohort triangle: per cohort (bucket of the first active day) and offset, members active in bucket cohort + offset; period ''N days'' for rolling N-day retention';

CREATE FUNCTION lifecycle(activity, period text DEFAULT 'month',
    OUT period date, OUT new bigint, OUT "returning" bigint, OUT resurrecting bigint,
    OUT dormant bigint)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'activity_lifecycle' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    ROWS 100;
COMMENT ON FUNCTION lifecycle(activity, text) IS
    'per period: new (first active), returning (active in it and the one before), resurrecting (active, not the one before, but earlier) and dormant (active the one before, not in it) customers';

CREATE FUNCTION period_retention(activity, period text DEFAULT 'month',
    OUT period date, OUT customers_start bigint, OUT retained bigint, OUT new bigint,
    OUT customers_end bigint, OUT retention_rate float8, OUT churn_rate float8)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'activity_period_retention' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    ROWS 100;
COMMENT ON FUNCTION period_retention(activity, text) IS
    'per period after the first: customers active in the previous period (S), retained, new (N), active (E), retention (E - N) / S and churn 1 - retention';

CREATE FUNCTION stickiness(activity, period text, within text,
    OUT active_periods int, OUT customers bigint)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'activity_stickiness' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    ROWS 31;
COMMENT ON FUNCTION stickiness(activity, text, text) IS
    'histogram over every within-bucket and customer active in it of the number of period-buckets of it the customer was active in';

-- ===================================================================
-- Contractual churn, survival and formula CLV
-- (src/subscription.c, src/survival.c, src/clv.c)
-- ===================================================================

-- churn_rate / retention_rate over subscriptions --------------------

CREATE TYPE churn_summary;

CREATE FUNCTION churn_summary_in(cstring) RETURNS churn_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION churn_summary_out(churn_summary) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION churn_summary_recv(internal) RETURNS churn_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION churn_summary_send(churn_summary) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE churn_summary (
    INPUT = churn_summary_in,
    OUTPUT = churn_summary_out,
    RECEIVE = churn_summary_recv,
    SEND = churn_summary_send,
    ALIGNMENT = double,
    STORAGE = plain
);
COMMENT ON TYPE churn_summary IS
    'state of churn_rate and retention_rate over subscriptions: the period, the subscriptions active on its first day and those of them gone by its last; text form "v1 period_start=2024-01-01 period_end=2024-03-31 customers_start=S churned=C"';

CREATE FUNCTION churn_agg_transfn(churn_summary, date, date, date, date) RETURNS churn_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION churn_agg_tz_transfn(churn_summary, timestamptz, timestamptz, timestamptz, timestamptz)
    RETURNS churn_summary
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION churn_agg_combinefn(churn_summary, churn_summary) RETURNS churn_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION churn_agg_churn_finalfn(churn_summary) RETURNS float8
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION churn_agg_retention_finalfn(churn_summary) RETURNS float8
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE churn_rate(started date, ended date, period_start date, period_end date) (
    SFUNC = churn_agg_transfn,
    STYPE = churn_summary,
    COMBINEFUNC = churn_agg_combinefn,
    FINALFUNC = churn_agg_churn_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE churn_rate(date, date, date, date) IS
    'churned / S: S = subscriptions active on period_start (started <= day < ended, ended NULL = running), churned = those of S not active on period_end';

CREATE AGGREGATE churn_rate(started timestamptz, ended timestamptz,
                            period_start timestamptz, period_end timestamptz) (
    SFUNC = churn_agg_tz_transfn,
    STYPE = churn_summary,
    COMBINEFUNC = churn_agg_combinefn,
    FINALFUNC = churn_agg_churn_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE churn_rate(timestamptz, timestamptz, timestamptz, timestamptz) IS
    'churn_rate over the days of the timestamps in the session time zone';

CREATE AGGREGATE retention_rate(started date, ended date, period_start date, period_end date) (
    SFUNC = churn_agg_transfn,
    STYPE = churn_summary,
    COMBINEFUNC = churn_agg_combinefn,
    FINALFUNC = churn_agg_retention_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE retention_rate(date, date, date, date) IS
    '(S - churned) / S = 1 - churn_rate over the same subscriptions and period';

CREATE AGGREGATE retention_rate(started timestamptz, ended timestamptz,
                                period_start timestamptz, period_end timestamptz) (
    SFUNC = churn_agg_tz_transfn,
    STYPE = churn_summary,
    COMBINEFUNC = churn_agg_combinefn,
    FINALFUNC = churn_agg_retention_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE retention_rate(timestamptz, timestamptz, timestamptz, timestamptz) IS
    'retention_rate over the days of the timestamps in the session time zone';

-- the classic formulas over counts

CREATE FUNCTION churn_rate(customers_start bigint, customers_lost bigint) RETURNS float8
    AS 'MODULE_PATHNAME', 'churn_rate_counts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION churn_rate(bigint, bigint) IS
    'customers_lost / customers_start; NULL when customers_start = 0';

CREATE FUNCTION retention_rate(customers_start bigint, customers_end bigint, new_customers bigint)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'retention_rate_counts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention_rate(bigint, bigint, bigint) IS
    'customer retention rate (E - N) / S; NULL when S = 0';

-- survival: Kaplan-Meier ---------------------------------------------

CREATE TYPE survival;

CREATE FUNCTION survival_in(cstring) RETURNS survival
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survival_out(survival) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survival_recv(internal) RETURNS survival
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION survival_send(survival) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE survival (
    INPUT = survival_in,
    OUTPUT = survival_out,
    RECEIVE = survival_recv,
    SEND = survival_send,
    ALIGNMENT = double,
    STORAGE = extended
);
COMMENT ON TYPE survival IS
    'churn events and censorings per distinct duration, the input of the Kaplan-Meier curve; text form "v1 n=N entries=time:events:censored,..."';

CREATE FUNCTION survival_agg_transfn(survival, float8, boolean) RETURNS survival
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION survival_agg_combinefn(survival, survival) RETURNS survival
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION survival_agg_finalfn(survival) RETURNS survival
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE survival_agg(duration float8, churned boolean) (
    SFUNC = survival_agg_transfn,
    STYPE = survival,
    COMBINEFUNC = survival_agg_combinefn,
    FINALFUNC = survival_agg_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE survival_agg(float8, boolean) IS
    'Kaplan-Meier input: per distinct duration, customers who churned then (churned = true) and customers still active then (false, censored)';

CREATE AGGREGATE rollup(survival) (
    SFUNC = survival_agg_combinefn,
    STYPE = survival,
    COMBINEFUNC = survival_agg_combinefn,
    FINALFUNC = survival_agg_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE rollup(survival) IS 'merges survival summaries';

CREATE FUNCTION survival_curve(survival)
    RETURNS TABLE ("time" float8, at_risk bigint, events bigint, censored bigint,
                   survival float8, std_error float8)
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION survival_curve(survival) IS
    'Kaplan-Meier estimate at each event time with its Greenwood standard error; censored counts those censored from this event time until the next one';

CREATE FUNCTION median_lifetime(survival) RETURNS float8
    AS 'MODULE_PATHNAME', 'survival_median_lifetime' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION median_lifetime(survival) IS
    'smallest event time at which the Kaplan-Meier survival is <= 0.5; NULL if it stays above';

CREATE FUNCTION mean_lifetime(survival, horizon float8) RETURNS float8
    AS 'MODULE_PATHNAME', 'survival_mean_lifetime' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mean_lifetime(survival, float8) IS
    'restricted mean lifetime: the area under the Kaplan-Meier curve from 0 to horizon';

-- formula CLV ----------------------------------------------------------

CREATE FUNCTION clv(average_order_value float8, purchase_frequency float8, lifespan float8)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'clv_simple' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv(float8, float8, float8) IS
    'average order value x purchases per time unit x lifespan in that unit';

CREATE FUNCTION clv_retention(margin float8, retention_rate float8, discount_rate float8)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'clv_retention' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv_retention(float8, float8, float8) IS
    'm r / (1 + d - r): margin m earned at the end of each period survived with retention r, discounted at rate d, infinite horizon';

CREATE FUNCTION clv_retention(margin float8, retention_rate float8, discount_rate float8, periods int)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'clv_retention_periods' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv_retention(float8, float8, float8, int) IS
    'sum over t = 1..periods of m r^t / (1 + d)^t';

-- ===================================================================
-- Customer value: RFM, segments and ABC classes (src/rfm.c, src/abc.c)
-- ===================================================================

CREATE TYPE rfm_summary AS (
    first_order date,
    last_order date,
    orders bigint,
    revenue numeric,
    frequency int,
    recency int,
    tenure int,
    monetary_value float8
);
COMMENT ON TYPE rfm_summary IS
    'one customer''s RFM summary with the BTYD conventions: frequency = repeat purchase days, recency and tenure in days, monetary_value = mean total of the repeat days';

CREATE TYPE rfm_state;

CREATE FUNCTION rfm_state_in(cstring) RETURNS rfm_state
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rfm_state_out(rfm_state) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rfm_state_recv(internal) RETURNS rfm_state
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rfm_state_send(rfm_state) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE rfm_state (
    INPUT = rfm_state_in,
    OUTPUT = rfm_state_out,
    RECEIVE = rfm_state_recv,
    SEND = rfm_state_send,
    ALIGNMENT = double,
    STORAGE = extended
);
COMMENT ON TYPE rfm_state IS
    'one customer''s orders as rfm needs them (order count, exact revenue, first day''s total, distinct purchase days); text form "v1 amounts=numeric end=2024-12-31 orders=N revenue=R first_day_total=F days=2024-01-05,..."';

-- The transition state of most customers fits the 128 bytes its first
-- allocation has (SSPACE tells the planner, for hash aggregation).
CREATE FUNCTION rfm_transfn(rfm_state, date, numeric, date) RETURNS rfm_state
    AS 'MODULE_PATHNAME', 'rfm_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rfm_transfn(rfm_state, date, float8, date) RETURNS rfm_state
    AS 'MODULE_PATHNAME', 'rfm_float8_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rfm_transfn(rfm_state, timestamptz, numeric, date) RETURNS rfm_state
    AS 'MODULE_PATHNAME', 'rfm_timestamptz_transfn' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION rfm_transfn(rfm_state, timestamptz, float8, date) RETURNS rfm_state
    AS 'MODULE_PATHNAME', 'rfm_timestamptz_float8_transfn' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION rfm_combinefn(rfm_state, rfm_state) RETURNS rfm_state
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rfm_agg_finalfn(rfm_state) RETURNS rfm_state
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION rfm(rfm_state) RETURNS rfm_summary
    AS 'MODULE_PATHNAME', 'rfm_finalfn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rfm(rfm_state) IS
    'the RFM summary of an rfm_state; NULL when no order was on or before the observation end';

CREATE AGGREGATE rfm(at date, amount numeric, observation_end date) (
    SFUNC = rfm_transfn,
    STYPE = rfm_state,
    SSPACE = 128,
    COMBINEFUNC = rfm_combinefn,
    FINALFUNC = rfm,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE rfm(date, numeric, date) IS
    'RFM summary of one customer''s orders (use with GROUP BY customer): rows after observation_end are ignored, revenue is exact';

CREATE AGGREGATE rfm(at date, amount float8, observation_end date) (
    SFUNC = rfm_transfn,
    STYPE = rfm_state,
    SSPACE = 128,
    COMBINEFUNC = rfm_combinefn,
    FINALFUNC = rfm,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE rfm(date, float8, date) IS
    'RFM summary of one customer''s orders with float8 amounts (summed as float8)';

CREATE AGGREGATE rfm(at timestamptz, amount numeric, observation_end date) (
    SFUNC = rfm_transfn,
    STYPE = rfm_state,
    SSPACE = 128,
    COMBINEFUNC = rfm_combinefn,
    FINALFUNC = rfm,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE rfm(timestamptz, numeric, date) IS
    'RFM summary of one customer''s orders, purchase times converted to dates in the session time zone';

CREATE AGGREGATE rfm(at timestamptz, amount float8, observation_end date) (
    SFUNC = rfm_transfn,
    STYPE = rfm_state,
    SSPACE = 128,
    COMBINEFUNC = rfm_combinefn,
    FINALFUNC = rfm,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE rfm(timestamptz, float8, date) IS
    'RFM summary of one customer''s orders with float8 amounts, purchase times converted in the session time zone';

CREATE AGGREGATE rfm_agg(at date, amount numeric, observation_end date) (
    SFUNC = rfm_transfn,
    STYPE = rfm_state,
    SSPACE = 128,
    COMBINEFUNC = rfm_combinefn,
    FINALFUNC = rfm_agg_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE rfm_agg(date, numeric, date) IS
    'rfm_state of one customer''s orders, to store and roll up; rfm(rfm_state) reads it';

CREATE AGGREGATE rfm_agg(at date, amount float8, observation_end date) (
    SFUNC = rfm_transfn,
    STYPE = rfm_state,
    SSPACE = 128,
    COMBINEFUNC = rfm_combinefn,
    FINALFUNC = rfm_agg_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE rfm_agg(date, float8, date) IS
    'rfm_state of one customer''s orders with float8 amounts';

CREATE AGGREGATE rfm_agg(at timestamptz, amount numeric, observation_end date) (
    SFUNC = rfm_transfn,
    STYPE = rfm_state,
    SSPACE = 128,
    COMBINEFUNC = rfm_combinefn,
    FINALFUNC = rfm_agg_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE rfm_agg(timestamptz, numeric, date) IS
    'rfm_state of one customer''s orders, purchase times converted in the session time zone';

CREATE AGGREGATE rfm_agg(at timestamptz, amount float8, observation_end date) (
    SFUNC = rfm_transfn,
    STYPE = rfm_state,
    SSPACE = 128,
    COMBINEFUNC = rfm_combinefn,
    FINALFUNC = rfm_agg_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE rfm_agg(timestamptz, float8, date) IS
    'rfm_state of one customer''s orders with float8 amounts, purchase times converted in the session time zone';

CREATE AGGREGATE rollup(rfm_state) (
    SFUNC = rfm_combinefn,
    STYPE = rfm_state,
    SSPACE = 128,
    COMBINEFUNC = rfm_combinefn,
    FINALFUNC = rfm_agg_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE rollup(rfm_state) IS
    'merges rfm states of one customer (same observation end)';

CREATE FUNCTION rfm_segment(r int, f int, m int) RETURNS text
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rfm_segment(int, int, int) IS
    'RFM segment (Champions, Loyal Customers, ..., Lost) from recency, frequency and monetary quintile scores 1-5 (5 = best)';

CREATE FUNCTION abc_class(value numeric) RETURNS text
    AS 'MODULE_PATHNAME', 'abc_class' LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION abc_class(numeric) IS
    'ABC class of a row, used OVER (ORDER BY value DESC): A while the rows ahead hold < 80 % of the partition total, B while < 95 %, else C';

CREATE FUNCTION abc_class(value numeric, a_share float8, b_share float8) RETURNS text
    AS 'MODULE_PATHNAME', 'abc_class_shares' LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION abc_class(numeric, float8, float8) IS
    'ABC class of a row with the given share thresholds (0 < a_share < b_share <= 1)';

-- ===================================================================
-- Predictive CLV: BG/NBD and Gamma-Gamma (src/btyd.c, src/btyd_histogram.c,
-- src/btyd_simulate.c, src/optimize.c, src/specfun.c)
-- ===================================================================

CREATE TYPE bgnbd_model AS (
    r float8,
    alpha float8,
    a float8,
    b float8,
    log_likelihood float8,
    customers bigint,
    converged boolean
);
COMMENT ON TYPE bgnbd_model IS
    'a fitted BG/NBD model: purchase rate ~ Gamma(shape r, rate alpha), dropout ~ Beta(a, b); total log-likelihood at the estimates, customers fitted, and whether the fit converged';

CREATE TYPE gammagamma_model AS (
    p float8,
    q float8,
    v float8,
    log_likelihood float8,
    customers bigint,
    converged boolean
);
COMMENT ON TYPE gammagamma_model IS
    'a fitted Gamma-Gamma spend model: spend per purchase ~ Gamma(shape p, rate nu), nu ~ Gamma(shape q, rate v); total log-likelihood, customers fitted (frequency > 0 and monetary_value > 0), convergence';

-- the transition state of the fits: a histogram of distinct customer summaries
CREATE TYPE btyd_histogram;

CREATE FUNCTION btyd_histogram_in(cstring) RETURNS btyd_histogram
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION btyd_histogram_out(btyd_histogram) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION btyd_histogram_recv(internal) RETURNS btyd_histogram
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION btyd_histogram_send(btyd_histogram) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE btyd_histogram (
    INPUT = btyd_histogram_in,
    OUTPUT = btyd_histogram_out,
    RECEIVE = btyd_histogram_recv,
    SEND = btyd_histogram_send,
    ALIGNMENT = double,
    STORAGE = extended
);
COMMENT ON TYPE btyd_histogram IS
    'transition state of bgnbd_fit and gammagamma_fit: each distinct customer summary with its count; text form "v1 kind=bgnbd penalizer=0 points=x:recency:tenure:count,..."';

CREATE FUNCTION bgnbd_fit_transfn(btyd_histogram, int, float8, float8) RETURNS btyd_histogram
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION bgnbd_fit_penalized_transfn(btyd_histogram, int, float8, float8, float8)
    RETURNS btyd_histogram
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION gammagamma_fit_transfn(btyd_histogram, int, float8) RETURNS btyd_histogram
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION btyd_histogram_combinefn(btyd_histogram, btyd_histogram) RETURNS btyd_histogram
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION bgnbd_fit_finalfn(btyd_histogram) RETURNS bgnbd_model
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION gammagamma_fit_finalfn(btyd_histogram) RETURNS gammagamma_model
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE bgnbd_fit(frequency int, recency float8, tenure float8) (
    SFUNC = bgnbd_fit_transfn,
    STYPE = btyd_histogram,
    COMBINEFUNC = btyd_histogram_combinefn,
    FINALFUNC = bgnbd_fit_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE bgnbd_fit(int, float8, float8) IS
    'maximum-likelihood BG/NBD fit of (frequency = repeat purchases, recency = first to last purchase, tenure = first purchase to the end of observation), times in any one unit';

CREATE AGGREGATE bgnbd_fit(frequency int, recency float8, tenure float8, penalizer float8) (
    SFUNC = bgnbd_fit_penalized_transfn,
    STYPE = btyd_histogram,
    COMBINEFUNC = btyd_histogram_combinefn,
    FINALFUNC = bgnbd_fit_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE bgnbd_fit(int, float8, float8, float8) IS
    'BG/NBD fit minimising -(mean log-likelihood) + penalizer * (r^2 + (alpha / max tenure)^2 + a^2 + b^2)';

CREATE AGGREGATE gammagamma_fit(frequency int, monetary_value float8) (
    SFUNC = gammagamma_fit_transfn,
    STYPE = btyd_histogram,
    COMBINEFUNC = btyd_histogram_combinefn,
    FINALFUNC = gammagamma_fit_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE gammagamma_fit(int, float8) IS
    'maximum-likelihood Gamma-Gamma fit of the average spend of repeat purchases; customers with frequency 0 or monetary_value 0 are skipped';

CREATE FUNCTION p_alive(model bgnbd_model, frequency int, recency float8, tenure float8)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'bgnbd_p_alive' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION p_alive(bgnbd_model, int, float8, float8) IS
    'probability that the customer is still active at the end of observation';

CREATE FUNCTION expected_purchases(model bgnbd_model, t float8, frequency int, recency float8,
                                   tenure float8)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'bgnbd_expected_purchases_customer' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION expected_purchases(bgnbd_model, float8, int, float8, float8) IS
    'expected purchases of the customer in the next t time units (the unit of the fit)';

CREATE FUNCTION expected_purchases(model bgnbd_model, t float8) RETURNS float8
    AS 'MODULE_PATHNAME', 'bgnbd_expected_purchases_new' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION expected_purchases(bgnbd_model, float8) IS
    'expected repeat purchases of a new customer in its first t time units';

CREATE FUNCTION expected_spend(model gammagamma_model, frequency int, monetary_value float8)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'gammagamma_expected_spend_customer' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION expected_spend(gammagamma_model, int, float8) IS
    'expected average spend per purchase of the customer, given its frequency and average spend';

CREATE FUNCTION clv(purchases bgnbd_model, spend gammagamma_model, frequency int, recency float8,
                    tenure float8, monetary_value float8, months int,
                    monthly_discount_rate float8)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'btyd_clv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv(bgnbd_model, gammagamma_model, int, float8, float8, float8, int, float8) IS
    'discounted expected spend over the next months (30-day months, times in days): sum over i of expected_spend * purchases in month i / (1 + rate)^i';

-- diagnostics: one customer's log-likelihood, as the fits compute it
CREATE FUNCTION bgnbd_log_likelihood(r float8, alpha float8, a float8, b float8,
                                     frequency int, recency float8, tenure float8)
    RETURNS float8
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION bgnbd_log_likelihood(float8, float8, float8, float8, int, float8, float8) IS
    'log-likelihood of one customer under BG/NBD parameters (bgnbd_fit maximises its sum)';

CREATE FUNCTION bgnbd_log_likelihood_gradient(r float8, alpha float8, a float8, b float8,
                                              frequency int, recency float8, tenure float8)
    RETURNS float8[]
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION bgnbd_log_likelihood_gradient(float8, float8, float8, float8, int, float8, float8) IS
    'partial derivatives of bgnbd_log_likelihood with respect to r, alpha, a and b';

CREATE FUNCTION gammagamma_log_likelihood(p float8, q float8, v float8, frequency int,
                                          monetary_value float8)
    RETURNS float8
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION gammagamma_log_likelihood(float8, float8, float8, int, float8) IS
    'log-likelihood of one customer''s average spend under Gamma-Gamma parameters (frequency > 0, monetary_value > 0)';

CREATE FUNCTION gammagamma_log_likelihood_gradient(p float8, q float8, v float8, frequency int,
                                                   monetary_value float8)
    RETURNS float8[]
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION gammagamma_log_likelihood_gradient(float8, float8, float8, int, float8) IS
    'partial derivatives of gammagamma_log_likelihood with respect to p, q and v';

CREATE FUNCTION btyd_simulate(customers bigint, r float8, alpha float8, a float8, b float8,
                              min_tenure float8, max_tenure float8,
                              p float8 DEFAULT 6, q float8 DEFAULT 4, v float8 DEFAULT 15,
                              seed bigint DEFAULT 0)
    RETURNS TABLE (customer_id bigint, frequency int, recency float8, tenure float8,
                   monetary_value float8)
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 1000;
COMMENT ON FUNCTION btyd_simulate(bigint, float8, float8, float8, float8, float8, float8, float8, float8, float8, bigint) IS
    'deterministic simulation of customers following the BG/NBD and Gamma-Gamma models exactly, tenures uniform in [min_tenure, max_tenure]';

-- special functions
CREATE FUNCTION ln_gamma(x float8) RETURNS float8
    AS 'MODULE_PATHNAME', 'sql_ln_gamma' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ln_gamma(float8) IS 'natural logarithm of the gamma function, x > 0';
CREATE FUNCTION digamma(x float8) RETURNS float8
    AS 'MODULE_PATHNAME', 'sql_digamma' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION digamma(float8) IS 'the digamma function (derivative of ln_gamma), x > 0';
CREATE FUNCTION ln_beta(a float8, b float8) RETURNS float8
    AS 'MODULE_PATHNAME', 'sql_ln_beta' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ln_beta(float8, float8) IS 'natural logarithm of the beta function, a, b > 0';
CREATE FUNCTION hyp2f1(a float8, b float8, c float8, z float8) RETURNS float8
    AS 'MODULE_PATHNAME', 'sql_hyp2f1' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION hyp2f1(float8, float8, float8, float8) IS
    'Gauss hypergeometric function 2F1(a, b; c; z) for -1 < z < 1';
