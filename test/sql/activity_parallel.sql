-- activity_agg and rollup(activity) under a forced parallel plan equal the serial run.
SET search_path = public, retention;
SET extra_float_digits = 0;

-- 200,000 orders of 20,000 customers over three years, skewed like a real
-- shop (low ids buy more), some NULLs
CREATE TABLE orders (id int, customer_id bigint, order_date date);
INSERT INTO orders
SELECT i,
       CASE WHEN i % 101 = 0 THEN NULL ELSE 1 + (i::bigint * 7919 * (i % 7 + 1)) % 20000 / (i % 7 + 1) END,
       CASE WHEN i % 97 = 0 THEN NULL ELSE DATE '2022-01-01' + ((i::bigint * 104729) % 1096)::int END
FROM generate_series(1, 200000) i;
ANALYZE orders;

CREATE VIEW activity_answers AS
SELECT 'summary' AS what, md5(activity_agg(customer_id, order_date)::text) AS answer FROM orders
UNION ALL
SELECT 'text ids', md5(activity_agg('c' || customer_id, order_date)::text) FROM orders
UNION ALL
SELECT 'cohort_retention', md5(string_agg(c::text, ';' ORDER BY c::text))
FROM (SELECT cohort_retention(activity_agg(customer_id, order_date), 'month') c FROM orders) x
UNION ALL
SELECT 'lifecycle', md5(string_agg(l::text, ';' ORDER BY l::text))
FROM (SELECT lifecycle(activity_agg(customer_id, order_date), 'week') l FROM orders) x
UNION ALL
SELECT 'customers', customers(activity_agg(customer_id, order_date))::text FROM orders;

-- daily summaries, as a materialized view would keep them
CREATE TABLE daily AS
SELECT order_date, activity_agg(customer_id, order_date) AS a FROM orders GROUP BY order_date;
ANALYZE daily;
CREATE VIEW rollup_answers AS
SELECT md5(rollup(a)::text) AS answer, customers(rollup(a)) FROM daily;

SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial_answers AS SELECT * FROM activity_answers;
CREATE TEMP TABLE serial_rollup AS SELECT * FROM rollup_answers;
SELECT what, CASE WHEN what = 'customers' THEN answer END AS customers FROM serial_answers ORDER BY what;

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;

-- each aggregate runs as Partial Aggregate in the workers
EXPLAIN (COSTS OFF) SELECT activity_agg(customer_id, order_date) FROM orders;
EXPLAIN (COSTS OFF) SELECT activity_agg('c' || customer_id, order_date) FROM orders;
EXPLAIN (COSTS OFF) SELECT rollup(a) FROM daily;

-- identical results
SELECT s.what, s.answer = p.answer AS identical
FROM serial_answers s JOIN activity_answers p USING (what) ORDER BY s.what;
SELECT s.answer = p.answer AS rollup_identical, p.customers
FROM serial_rollup s, rollup_answers p;
-- and the rollup of the daily parts equals the direct summary
SELECT (SELECT answer FROM rollup_answers) = (SELECT answer FROM serial_answers WHERE what = 'summary')
    AS rollup_equals_direct;
