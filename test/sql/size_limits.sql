-- The size limits that answer 54000 program_limit_exceeded and can be
-- reached cheaply, each with the cheapest input that reaches it.  The other
-- 54000 limits guard values of more than 1 GB, or billions of rows or
-- customers: reaching them takes more memory or time than a test has.
SET search_path = public, retention;

-- activity report: a triangle of more than 20,000,000 cells.  By day,
-- years 1 to 9999 are 3,652,059 buckets; cohorts starting on the first six
-- days of year 1 and all still active on 9999-12-31 need
-- 3652059 + 3652058 + ... + 3652054 = 21,912,339 rows, and the sixth cohort
-- is refused before its row is allocated.
CREATE TABLE endless AS
SELECT c AS customer_id, DATE '0001-01-01' + (c - 1) AS first_day
FROM generate_series(1, 6) c;
SELECT DATE '9999-12-31' - DATE '0001-01-01' + 1 AS day_buckets,
       sum(DATE '9999-12-31' - first_day + 1) AS cells
FROM endless;
SELECT count(*)
FROM cohort_retention((SELECT activity_agg(customer_id, d)
                       FROM endless, LATERAL (VALUES (first_day), (DATE '9999-12-31')) v(d)),
                      'day');
\echo :LAST_ERROR_SQLSTATE
-- as the hint says, a coarser period makes the same summary a small report:
-- by year one cohort of six customers, 9,999 offsets, all six active in the
-- first year and the last
SELECT count(*) AS yearly_rows, min(cohort) AS cohort, max(cohort_size) AS size,
       sum(active) FILTER (WHERE period_offset IN (0, 9998)) AS active_first_and_last
FROM cohort_retention((SELECT activity_agg(customer_id, d)
                       FROM endless, LATERAL (VALUES (first_day), (DATE '9999-12-31')) v(d)),
                      'year');

-- btyd_simulate: one customer buying at a rate of about 1,000,000 per unit
-- of time who practically never drops out makes about 10,000,000 purchases
-- in a tenure of 10, and is stopped at its 1,000,001st.
SELECT * FROM btyd_simulate(1, 1e6, 1, 0.001, 1e6, 10, 10, seed => 1);
\echo :LAST_ERROR_SQLSTATE
-- the same customer observed for 0.9 stays below the limit
SELECT frequency BETWEEN 850000 AND 950000 AS about_900000_purchases
FROM btyd_simulate(1, 1e6, 1, 0.001, 1e6, 0.9, 0.9, seed => 1);
