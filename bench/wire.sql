-- Merging shard partials on one server (doc/production.md, scale-out): the
-- orders of bench/wire.sh, cut into 32 partial activity summaries as a Citus
-- coordinator receives them (as text), merged with rollup, against
-- activity_agg over the same orders serially.  psql variable: orders.
\set ON_ERROR_STOP 1
SET search_path = public, retention;
SET max_parallel_workers_per_gather = 0;
SELECT setseed(0.18);
DROP TABLE IF EXISTS wire_orders, wire_partials;
-- 100,000 customers per million orders, skewed like bench/data.sql
CREATE TABLE wire_orders AS
SELECT (1 + floor(:orders / 10 * random() ^ 2))::bigint AS customer_id,
       DATE '2020-01-01' + floor(random() * 1827)::int AS day,
       row_number() OVER () AS order_id
FROM generate_series(1, :orders);
VACUUM ANALYZE wire_orders;

-- The partials, per split: "customer" = distributed by customer (each shard
-- has its own customers), "order" = distributed by order (every shard sees
-- most customers).  Each in its compact and readable text and binary form;
-- stored uncompressed, as they arrive over the network.
CREATE TABLE wire_partials (split text, shard int, summary activity,
                            compact text, readable text, binary_form bytea);
ALTER TABLE wire_partials ALTER COLUMN compact SET STORAGE EXTERNAL,
    ALTER COLUMN readable SET STORAGE EXTERNAL, ALTER COLUMN binary_form SET STORAGE EXTERNAL;
INSERT INTO wire_partials (split, shard, summary)
SELECT 'customer', (customer_id % 32)::int, activity_agg(customer_id, day)
FROM wire_orders GROUP BY 2
UNION ALL
SELECT 'order', (order_id % 32)::int, activity_agg(customer_id, day)
FROM wire_orders GROUP BY 2;
SET retention.summary_text = compact;
UPDATE wire_partials SET compact = summary::text, binary_form = activity_send(summary);
SET retention.summary_text = readable;
UPDATE wire_partials SET readable = summary::text;
RESET retention.summary_text;
VACUUM ANALYZE wire_partials;

SELECT split, count(*) AS partials,
       pg_size_pretty(sum(octet_length(binary_form))) AS binary,
       pg_size_pretty(sum(octet_length(compact))) AS compact,
       pg_size_pretty(sum(octet_length(readable))) AS readable,
       round(sum(octet_length(compact))::numeric / sum(octet_length(binary_form)), 3) AS compact_to_binary,
       round(sum(octet_length(readable))::numeric / sum(octet_length(binary_form)), 2) AS readable_to_binary
FROM wire_partials GROUP BY split ORDER BY split;

-- the merged partials equal the whole, in every form
SELECT split,
       rollup(compact::activity)::text = (SELECT activity_agg(customer_id, day)::text FROM wire_orders)
       AND rollup(readable::activity)::text = rollup(compact::activity)::text AS merge_equals_whole
FROM wire_partials GROUP BY split ORDER BY split;

-- Times: each query once to warm up, then wire.rounds rounds in turn; medians.
CREATE FUNCTION pg_temp.ms(query text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
    t0 timestamptz := clock_timestamp();
BEGIN
    EXECUTE query;
    RETURN 1000 * extract(epoch FROM clock_timestamp() - t0);
END $$;
CREATE TEMP TABLE wire_queries (label text, query text);
INSERT INTO wire_queries VALUES
    ('activity_agg, serial', 'SELECT activity_agg(customer_id, day) FROM wire_orders'),
    ('merge 32 compact, by customer', 'SELECT rollup(compact::activity) FROM wire_partials WHERE split = ''customer'''),
    ('merge 32 readable, by customer', 'SELECT rollup(readable::activity) FROM wire_partials WHERE split = ''customer'''),
    ('merge 32 compact, by order', 'SELECT rollup(compact::activity) FROM wire_partials WHERE split = ''order'''),
    ('merge 32 readable, by order', 'SELECT rollup(readable::activity) FROM wire_partials WHERE split = ''order''');
CREATE TEMP TABLE wire_times (label text, round int, ms float8);
SELECT count(pg_temp.ms(query)) AS warmed_up FROM wire_queries;
DO $$
DECLARE
    q record;
BEGIN
    FOR r IN 1..current_setting('wire.rounds')::int LOOP
        FOR q IN SELECT * FROM wire_queries LOOP
            INSERT INTO wire_times VALUES (q.label, r, pg_temp.ms(q.query));
        END LOOP;
    END LOOP;
END $$;
WITH m AS (SELECT label, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS ms
           FROM wire_times GROUP BY label)
SELECT label, round(ms::numeric, 1) AS median_ms,
       round((ms / (SELECT ms FROM m WHERE label = 'activity_agg, serial'))::numeric, 3) AS of_activity_agg
FROM m ORDER BY label = 'activity_agg, serial' DESC, label;
