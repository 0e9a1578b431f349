-- retention 0.1 -> 0.2.  CREATE EXTENSION retention installs 0.1 and runs
-- this script after it, so this file is the only place where 0.2 changes
-- the SQL surface; ALTER EXTENSION retention UPDATE runs it on a 0.1
-- database.  Sections are in area order.

-- complain if script is sourced in psql, rather than through CREATE EXTENSION
\echo Use "ALTER EXTENSION retention UPDATE" to load this file. \quit

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
