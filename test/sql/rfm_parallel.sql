-- rfm under a forced parallel plan equals the serial run: grouped by
-- customer (each customer's rows may be split across the workers) and over
-- a whole table as one group (every worker holds part of the days).
SET search_path = public, retention;
SET extra_float_digits = 0;
SET DateStyle = ISO, YMD;

-- 40,000 orders of 1,000 customers, not in date order, several per day,
-- refunds, amounts of several scales and a few NULLs
CREATE TABLE rfm_par_orders AS
SELECT i % 1000 AS customer_id,
       DATE '2022-01-01' + (i * 7919 % 1009) AS order_date,
       CASE WHEN i % 53 = 0 THEN NULL
            WHEN i % 17 = 0 THEN -round((i % 50)::numeric, 1)
            ELSE round((i::bigint * 104729 % 100000)::numeric / 1000, 1 + i % 3) END AS amount,
       TIMESTAMPTZ '2022-01-01 00:00+00' + (i * 7919 % 1000000) * interval '97 seconds' AS ordered_at
FROM generate_series(1, 40000) i;
ANALYZE rfm_par_orders;

CREATE VIEW rfm_par_by_customer AS
SELECT customer_id,
       rfm(order_date, amount, DATE '2023-06-30')::text AS numeric_rfm,
       rfm(order_date, amount::float8, DATE '2023-06-30') AS float8_rfm,
       rfm(ordered_at, amount, DATE '2023-06-30')::text AS timestamptz_rfm,
       rfm_agg(order_date, amount, DATE '2023-06-30')::text AS state
FROM rfm_par_orders GROUP BY customer_id;
CREATE VIEW rfm_par_whole AS
SELECT rfm(order_date, amount, DATE '2023-06-30')::text AS numeric_rfm,
       rfm_agg(order_date, amount, DATE '2023-06-30')::text AS state
FROM rfm_par_orders;

-- states of 50 parts of every customer, rolled up
CREATE TABLE rfm_par_parts AS
SELECT customer_id, (order_date - DATE '2022-01-01') % 50 AS part,
       rfm_agg(order_date, amount, DATE '2023-06-30') AS s
FROM rfm_par_orders GROUP BY 1, 2;
ANALYZE rfm_par_parts;
CREATE VIEW rfm_par_rollups AS
SELECT customer_id, rollup(s)::text AS state, rfm(rollup(s))::text AS rfm
FROM rfm_par_parts GROUP BY customer_id;
CREATE VIEW rfm_par_rollup_one AS
SELECT rollup(s)::text AS state FROM rfm_par_parts WHERE customer_id = 7;

SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial_by_customer AS SELECT * FROM rfm_par_by_customer;
CREATE TEMP TABLE serial_whole AS SELECT * FROM rfm_par_whole;
CREATE TEMP TABLE serial_rollup_one AS SELECT * FROM rfm_par_rollup_one;
SELECT * FROM serial_by_customer WHERE customer_id IN (0, 1, 999) ORDER BY customer_id;

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET enable_hashagg = off;

-- each aggregate runs as Partial Aggregate in the workers
EXPLAIN (COSTS OFF) SELECT * FROM rfm_par_by_customer;
EXPLAIN (COSTS OFF) SELECT * FROM rfm_par_whole;
EXPLAIN (COSTS OFF) SELECT * FROM rfm_par_rollup_one;

-- identical results (float8 sums to 1e-12 relative: they depend on the order)
CREATE FUNCTION pg_temp.differing() RETURNS TABLE (customers bigint, numeric_differing bigint,
    float8_differing bigint, timestamptz_differing bigint, state_differing bigint)
LANGUAGE sql AS $$
SELECT count(*),
       count(*) FILTER (WHERE s.numeric_rfm IS DISTINCT FROM p.numeric_rfm),
       count(*) FILTER (WHERE ((s.float8_rfm).first_order, (s.float8_rfm).last_order, (s.float8_rfm).orders,
                               (s.float8_rfm).frequency, (s.float8_rfm).recency, (s.float8_rfm).tenure)
                              IS DISTINCT FROM
                              ((p.float8_rfm).first_order, (p.float8_rfm).last_order, (p.float8_rfm).orders,
                               (p.float8_rfm).frequency, (p.float8_rfm).recency, (p.float8_rfm).tenure)
                          OR abs((s.float8_rfm).revenue - (p.float8_rfm).revenue) > 1e-12 * abs((s.float8_rfm).revenue)
                          OR abs((s.float8_rfm).monetary_value - (p.float8_rfm).monetary_value)
                             > 1e-12 * abs((s.float8_rfm).monetary_value)),
       count(*) FILTER (WHERE s.timestamptz_rfm IS DISTINCT FROM p.timestamptz_rfm),
       count(*) FILTER (WHERE s.state IS DISTINCT FROM p.state)
FROM serial_by_customer s FULL JOIN rfm_par_by_customer p USING (customer_id)
$$;
SELECT * FROM pg_temp.differing();
SELECT s = p AS whole_identical FROM serial_whole s, rfm_par_whole p;
SELECT s = p AS rollup_one_identical FROM serial_rollup_one s, rfm_par_rollup_one p;
SELECT count(*) AS customers,
       count(*) FILTER (WHERE r.state = s.state AND r.rfm IS NOT DISTINCT FROM s.numeric_rfm) AS rollup_identical,
       count(*) FILTER (WHERE r.rfm IS NULL) AS without_orders_by_the_end
FROM rfm_par_rollups r JOIN serial_by_customer s USING (customer_id);

-- hash aggregation too
SET enable_hashagg = on;
SET enable_sort = off;
EXPLAIN (COSTS OFF) SELECT * FROM rfm_par_by_customer;
SELECT * FROM pg_temp.differing();
