
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
