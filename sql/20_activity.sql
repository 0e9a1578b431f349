
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
