-- Compact wire forms: the setting retention.summary_text, the compact text
-- "v<version>b:<base 85 of the binary form>" of the summaries whose text
-- grows with the data, and its errors.
SET search_path = public, retention;
SET extra_float_digits = 0;
SET DateStyle = ISO, YMD;

CREATE TABLE wire_orders AS
SELECT i % 400 AS customer_id, DATE '2024-01-01' + (i * 7) % 500 AS day,
       ((i * 13) % 700)::float8 / 4 AS duration, i % 3 <> 0 AS churned,
       ((i * 37) % 1000) / 100.0 AS amount
FROM generate_series(1, 6000) i;

-- A small and a large sample of each type, kept as readable text.
SET retention.summary_text = readable;
CREATE TABLE wire_samples (name text, type regtype, readable text);
INSERT INTO wire_samples
SELECT 'activity, 3 customers', 'activity'::regtype, activity_agg(customer_id, day)::text
FROM wire_orders WHERE customer_id < 3
UNION ALL
SELECT 'activity, 400 customers', 'activity', activity_agg(customer_id, day)::text FROM wire_orders
UNION ALL
SELECT 'activity, text ids', 'activity', activity_agg('c' || customer_id, day)::text FROM wire_orders
UNION ALL
SELECT 'activity, uuid ids', 'activity',
       activity_agg(md5(customer_id::text)::uuid, day)::text FROM wire_orders
UNION ALL
SELECT 'survival, 4 durations', 'survival', survival_agg(duration, churned)::text
FROM wire_orders WHERE customer_id = 7
UNION ALL
SELECT 'survival, 700 durations', 'survival', survival_agg(duration, churned)::text FROM wire_orders
UNION ALL
SELECT 'rfm_state numeric, 15 days', 'rfm_state', rfm_agg(day, amount, DATE '2025-06-01')::text
FROM wire_orders WHERE customer_id = 7
UNION ALL
SELECT 'rfm_state numeric, 500 days', 'rfm_state', rfm_agg(day, amount, DATE '2025-06-01')::text
FROM wire_orders
UNION ALL
SELECT 'rfm_state float8, 500 days', 'rfm_state',
       rfm_agg(day, amount::float8 / 3, DATE '2025-06-01')::text FROM wire_orders
UNION ALL
SELECT 'btyd_histogram, 1 point', 'btyd_histogram',
       'v1 kind=gammagamma penalizer=0 points=2:12.5:0:1'
UNION ALL
SELECT 'btyd_histogram, 300 points', 'btyd_histogram',
       'v1 kind=bgnbd penalizer=0.25 points=' || string_agg(x || ':' || x / 8 || ':60:' || x % 7 + 1, ',' ORDER BY x)
FROM generate_series(0, 299) x;
RESET retention.summary_text;

-- the default (the library is loaded now): readable, but compact for an
-- activity or rfm_state whose binary form is larger than 1024 bytes
SHOW retention.summary_text;

-- The text of a value under a setting, and its binary form.
CREATE FUNCTION wire_text(type regtype, value text, mode text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    result text;
BEGIN
    PERFORM set_config('retention.summary_text', mode, true);
    EXECUTE format('SELECT (%L::%s)::text', value, type) INTO result;
    RETURN result;
END $$;
CREATE FUNCTION wire_binary(type regtype, value text) RETURNS bytea
LANGUAGE plpgsql AS $$
DECLARE
    result bytea;
BEGIN
    EXECUTE format('SELECT %s(%L::%s)', (SELECT typsend FROM pg_type WHERE oid = type), value, type)
        INTO result;
    RETURN result;
END $$;

-- Each sample: the form 'auto' writes, the compact form's size against the
-- binary form's, and exact round trips: the compact text reads back to the
-- same readable text and the same binary form, and so does the readable text.
SELECT name,
       left(wire_text(type, readable, 'auto'), 4) AS auto_starts,
       octet_length(wire_binary(type, readable)) AS binary_bytes,
       octet_length(wire_text(type, readable, 'compact')) AS compact_bytes,
       octet_length(readable) AS readable_bytes,
       octet_length(wire_text(type, readable, 'compact'))
           <= 1.3 * octet_length(wire_binary(type, readable)) AS compact_within_1_3,
       wire_text(type, wire_text(type, readable, 'compact'), 'readable') = readable AS compact_reads_back,
       wire_binary(type, wire_text(type, readable, 'compact')) = wire_binary(type, readable) AS same_binary,
       wire_text(type, readable, 'readable') = readable AS readable_reads_back
FROM wire_samples ORDER BY name;

-- Input takes either form whatever the setting.
SET retention.summary_text = compact;
SELECT wire_text('survival', 'v1 n=1 entries=3:1:0', 'readable');
SELECT 'v1 n=1 entries=3:1:0'::survival;
SELECT 'v1b:0rr91000000yc[<0000000000000000rr910000000'::survival;
SET retention.summary_text = readable;
SELECT 'v1b:0rr91000000yc[<0000000000000000rr910000000'::survival;
SELECT ' v1b:0rr91000000yc[<0000000000000000rr910000000 '::survival;
-- the types whose text stays small keep their one form
SET retention.summary_text = compact;
SELECT nps_agg(x) FROM generate_series(0, 10) x;
SET retention.summary_text = auto;
SELECT left(activity_agg(customer_id, day)::text, 4) FROM wire_orders;

-- Aggregates over compact texts: a rollup of partials equals the whole.
SET retention.summary_text = compact;
CREATE TABLE wire_partials AS
SELECT customer_id % 8 AS part, activity_agg(customer_id, day)::text AS summary
FROM wire_orders GROUP BY 1;
SELECT count(*) FILTER (WHERE summary LIKE 'v1b:%') AS compact_partials FROM wire_partials;
SET retention.summary_text = readable;
SELECT (SELECT rollup(summary::activity)::text FROM wire_partials)
     = (SELECT activity_agg(customer_id, day)::text FROM wire_orders) AS rollup_equal;
RESET retention.summary_text;

-- Bad settings and bad compact texts: 22023 and 22P02.
SET retention.summary_text = short;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v2b:0rr91'::survival;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1b'::survival;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1b:'::activity;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1b:0'::activity;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1b:#####'::activity;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1b:0rr91 0'::survival;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1b:0rr91"'::survival;
\echo :LAST_ERROR_SQLSTATE
-- well-formed base 85, but what binary receive rejects: truncated, a wrong
-- version byte, trailing bytes, a negative count, an unknown amount kind, an
-- unknown histogram kind
SELECT 'v1b:0rr91'::survival;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1b:00000'::activity;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1b:0rr91000000yc[<0000000000000000rr91000000000000'::survival;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1b:0SSi1%nSc030'::survival;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1b:038'::rfm_state;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1b:03a'::btyd_histogram;
\echo :LAST_ERROR_SQLSTATE
-- a long bad value is shown cut short
SELECT ('v1b:' || repeat('0', 200))::activity;
\echo :LAST_ERROR_SQLSTATE
