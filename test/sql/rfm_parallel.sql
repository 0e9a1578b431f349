-- rfm under a forced parallel plan equals the serial run: grouped by
-- customer (each customer's rows may be split across the workers) and over
-- a whole table as one group (every worker holds part of the days).
SET search_path = public, retention;
SET extra_float_digits = 0;

-- 40,000 orders of 1,000 customers, not in date order, several per day,
-- refunds, amounts of several scales and a few NULLs
CREATE TABLE orders AS
SELECT i % 1000 AS customer_id,
       DATE '2022-01-01' + (i * 7919 % 1000) AS order_date,
       CASE WHEN i % 53 = 0 THEN NULL
            WHEN i % 17 = 0 THEN -round((i % 50)::numeric, 1)
            ELSE round((i * 104729 % 100000)::numeric / 1000, 1 + i % 3) END AS amount,
       TIMESTAMPTZ '2022-01-01 00:00+00' + (i * 7919 % 1000000) * interval '97 seconds' AS ordered_at
FROM generate_series(1, 40000) i;
ANALYZE orders;

CREATE VIEW rfm_by_customer AS
SELECT customer_id,
       rfm(order_date, amount, DATE '2023-06-30')::text AS numeric_rfm,
       rfm(order_date, amount::float8, DATE '2023-06-30')::text AS float8_rfm,
       rfm(ordered_at, amount, DATE '2023-06-30')::text AS timestamptz_rfm,
       rfm_agg(order_date, amount, DATE '2023-06-30')::text AS state
FROM orders GROUP BY customer_id;
CREATE VIEW rfm_whole AS
SELECT rfm(order_date, amount, DATE '2023-06-30')::text AS numeric_rfm,
       rfm_agg(order_date, amount, DATE '2023-06-30')::text AS state
FROM orders;

-- states of 50 parts of every customer, rolled up
CREATE TABLE order_parts AS
SELECT customer_id, order_date % 50 AS part,
       rfm_agg(order_date, amount, DATE '2023-06-30') AS s
FROM orders GROUP BY 1, 2;
ANALYZE order_parts;
CREATE VIEW rfm_rollups AS
SELECT customer_id, rollup(s)::text AS state, rfm(rollup(s))::text AS rfm
FROM order_parts GROUP BY customer_id;

SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial_by_customer AS SELECT * FROM rfm_by_customer;
CREATE TEMP TABLE serial_whole AS SELECT * FROM rfm_whole;
SELECT * FROM serial_by_customer WHERE customer_id IN (0, 1, 999) ORDER BY customer_id;

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET enable_hashagg = off;

-- each aggregate runs as Partial Aggregate in the workers
EXPLAIN (COSTS OFF) SELECT * FROM rfm_by_customer;
EXPLAIN (COSTS OFF) SELECT * FROM rfm_whole;
EXPLAIN (COSTS OFF) SELECT * FROM rfm_rollups;

-- identical results
SELECT (SELECT count(*) FROM rfm_by_customer) AS parallel_rows,
       (SELECT count(*) FROM (TABLE serial_by_customer EXCEPT ALL SELECT * FROM rfm_by_customer) a) +
       (SELECT count(*) FROM (SELECT * FROM rfm_by_customer EXCEPT ALL TABLE serial_by_customer) b) AS differing;
SELECT s = p AS whole_identical FROM serial_whole s, rfm_whole p;
SELECT count(*) AS customers,
       count(*) FILTER (WHERE r.state = s.state AND r.rfm = s.numeric_rfm) AS rollup_identical
FROM rfm_rollups r JOIN serial_by_customer s USING (customer_id);

-- hash aggregation too
SET enable_hashagg = on;
SET enable_sort = off;
EXPLAIN (COSTS OFF) SELECT * FROM rfm_by_customer;
SELECT (SELECT count(*) FROM (TABLE serial_by_customer EXCEPT ALL SELECT * FROM rfm_by_customer) a) +
       (SELECT count(*) FROM (SELECT * FROM rfm_by_customer EXCEPT ALL TABLE serial_by_customer) b) AS differing;
