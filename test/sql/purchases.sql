-- Purchases: purchases_agg, its text and binary forms, rollup, the cast to
-- activity, customer_rfm, calibration_holdout, cohort_revenue and errors.
SET search_path = public, retention;
SET extra_float_digits = 0;
SET DateStyle = ISO, YMD;

-- Hand-worked customers, observation end 2024-12-31 (as in rfm.sql):
-- 1: 2024-01-10 two rows (20.00 + 5.00 = 25.00), 2024-02-15 40.00 and a
--    refund of -10.00 (30.00), 2024-03-01 12.5 (scale 1), 2025-01-02 99 after
--    the end.  rfm at the end: orders 5, revenue 67.50, frequency 2, recency
--    51, tenure 356, monetary (30.00 + 12.50) / 2 = 21.25.
-- 2: 2024-06-30 two rows (15.00 + 4.99): orders 2, revenue 19.99, frequency 0.
-- 3: only a purchase after the end: no row.
-- 4: rows out of date order and a NULL amount (skipped): 2024-01-01 (1 + 2),
--    2024-03-03 (100), 2024-05-05 (10.000, scale 3): revenue 113.000,
--    frequency 2, recency 125, tenure 365, monetary 55.
CREATE TABLE p_orders (customer_id bigint, order_date date, amount numeric);
INSERT INTO p_orders VALUES
    (1, '2024-01-10', 20.00), (1, '2024-01-10', 5.00), (1, '2024-02-15', 40.00),
    (1, '2024-02-15', -10.00), (1, '2024-03-01', 12.5), (1, '2025-01-02', 99),
    (2, '2024-06-30', 15.00), (2, '2024-06-30', 4.99),
    (3, '2025-03-01', 5),
    (4, '2024-05-05', 10.000), (4, '2024-01-01', 1), (4, '2024-03-03', 100),
    (4, '2024-01-01', 2), (4, '2024-02-02', NULL), (NULL, '2024-01-01', 1), (4, NULL, 1);

SELECT purchases_agg(customer_id, order_date, amount) FROM p_orders;
SELECT customers(purchases_agg(customer_id, order_date, amount)) FROM p_orders;

-- customer_rfm equals rfm GROUP BY customer_id
SELECT * FROM customer_rfm(NULL::bigint,
    (SELECT purchases_agg(customer_id, order_date, amount) FROM p_orders), '2024-12-31')
ORDER BY customer_id;
SELECT customer_id, (rfm(order_date, amount, '2024-12-31')).*
FROM p_orders WHERE customer_id IS NOT NULL GROUP BY customer_id HAVING (rfm(order_date, amount, '2024-12-31')) IS NOT NULL
ORDER BY customer_id;
-- the same in float8
SELECT * FROM customer_rfm(NULL::bigint,
    (SELECT purchases_agg(customer_id, order_date, amount::float8) FROM p_orders), '2024-12-31')
ORDER BY customer_id;

-- calibration until 2024-02-15, holdout to 2024-12-31
-- 1: calibration days 01-10, 02-15: frequency 1, recency 36, tenure 36,
--    monetary 30; holdout 03-01 only: 1 day, mean 12.5; duration 320.
-- 4: calibration 01-01, 02-02 is a NULL amount (skipped): frequency 0, tenure 45;
--    holdout 03-03, 05-05: 2 days, mean 55.
SELECT * FROM calibration_holdout(NULL::bigint,
    (SELECT purchases_agg(customer_id, order_date, amount) FROM p_orders), '2024-02-15', '2024-12-31')
ORDER BY customer_id;

-- cohort revenue by quarter
SELECT * FROM cohort_revenue((SELECT purchases_agg(customer_id, order_date, amount) FROM p_orders), 'quarter');

-- text and uuid ids, timestamptz days
SET TimeZone = 'UTC';
SELECT purchases_agg(customer_id::text, order_date::timestamptz, amount::float8) FROM p_orders;
SELECT customer_id, orders, revenue FROM customer_rfm(NULL::uuid,
    (SELECT purchases_agg(md5(customer_id::text)::uuid, order_date, amount) FROM p_orders), '2024-12-31')
ORDER BY customer_id;

-- the cast to activity, and an activity accessor on a purchases summary
SELECT purchases_agg(customer_id, order_date, amount)::activity FROM p_orders;
SELECT * FROM cohort_retention((SELECT purchases_agg(customer_id, order_date, amount) FROM p_orders), 'year');

-- rollup of summaries per customer parity equals the direct summary
SELECT rollup(p)::text = (SELECT purchases_agg(customer_id, order_date, amount)::text FROM p_orders)
FROM (SELECT purchases_agg(customer_id, order_date, amount) AS p FROM p_orders GROUP BY customer_id % 2) x;
SELECT rollup(p) FROM (SELECT NULL::purchases AS p) x;

-- text round trip, binary round trip
SELECT 'v2 ids=bigint amounts=numeric customers=2 days=3 -5:2024-01-01/2/1.50,2024-01-09/1/-2 7:0001-01-01/1/0'::purchases;
SELECT 'v2 ids=text amounts=float8 customers=1 days=1 "a\"b":2024-01-01/1/0.1'::purchases;
SELECT 'v2 ids=uuid amounts=numeric customers=0 days=0'::purchases;
SELECT p::text = purchases_in(purchases_out(p))::text
FROM (SELECT purchases_agg(customer_id, order_date, amount) AS p FROM p_orders) x;
-- the compact form is the binary form: mixed scales, refunds, days of several rows
SET retention.summary_text = compact;
SELECT purchases_agg(customer_id, order_date, amount)::text AS compact FROM p_orders \gset
RESET retention.summary_text;
SELECT :'compact'::purchases::text = (SELECT purchases_agg(customer_id, order_date, amount)::text FROM p_orders);

-- float8 day totals are exact sums, whatever the order of the rows: 0.1 + 0.2
-- is the double 0.30000000000000004 less 2.8e-17
SELECT purchases_agg(1::bigint, '2024-01-01'::date, a ORDER BY a) AS up,
       purchases_agg(1::bigint, '2024-01-01'::date, a ORDER BY a DESC) AS down
FROM (VALUES (0.1::float8), (0.2), (-0.0)) v(a);
SELECT 'v2 ids=bigint amounts=float8 customers=1 days=1 7:2024-01-01/2/0.2+0.1'::purchases;
SET retention.summary_text = compact;
SELECT purchases_agg(c, '2024-01-01'::date, a)::text AS compact
FROM (VALUES (7::bigint, 0.1::float8), (7, 0.2), (7, 1e-20), (8, 3.0), (8, -1e10)) v(c, a) \gset
RESET retention.summary_text;
SELECT :'compact'::purchases;
SELECT * FROM customer_rfm(NULL::bigint, :'compact'::purchases, '2024-12-31');

-- NULL and empty input
SELECT purchases_agg(customer_id, order_date, amount) IS NULL FROM p_orders WHERE false;
SELECT count(*) FROM customer_rfm(NULL::bigint, NULL, '2024-12-31');

-- errors
SELECT purchases_agg(1::bigint, '2024-01-01'::date, 'NaN'::numeric);
\echo :LAST_ERROR_SQLSTATE
SELECT purchases_agg(1::bigint, '2024-01-01'::date, 'Infinity'::float8);
\echo :LAST_ERROR_SQLSTATE
SELECT purchases_agg(1::bigint, '2024-01-01'::date, 1e40::numeric);
\echo :LAST_ERROR_SQLSTATE
SELECT purchases_agg(1::bigint, '2024-01-01'::date, 1e-31::numeric);
\echo :LAST_ERROR_SQLSTATE
SELECT purchases_agg(1::bigint, d, 9e36::numeric) FROM (VALUES ('2024-01-01'::date), ('2024-01-01')) v(d);
\echo :LAST_ERROR_SQLSTATE
SELECT purchases_agg(1::bigint, 'infinity'::date, 1::numeric);
\echo :LAST_ERROR_SQLSTATE
SELECT rollup(p) FROM (SELECT purchases_agg(1::bigint, '2024-01-01'::date, 1::numeric) AS p
                       UNION ALL SELECT purchases_agg(1::bigint, '2024-01-01'::date, 1::float8)) x;
\echo :LAST_ERROR_SQLSTATE
SELECT rollup(p) FROM (SELECT purchases_agg(1::bigint, '2024-01-01'::date, 1::numeric) AS p
                       UNION ALL SELECT purchases_agg('1'::text, '2024-01-01'::date, 1::numeric)) x;
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM calibration_holdout(NULL::bigint,
    (SELECT purchases_agg(customer_id, order_date, amount) FROM p_orders), '2024-12-31', '2024-12-31');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM customer_rfm(NULL::text,
    (SELECT purchases_agg(customer_id, order_date, amount) FROM p_orders), '2024-12-31');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM cohort_revenue((SELECT purchases_agg(customer_id, order_date, amount) FROM p_orders), 'fortnight');
\echo :LAST_ERROR_SQLSTATE
SELECT 'v2 ids=bigint amounts=numeric customers=2 days=2 7:2024-01-01/1/1 5:2024-01-01/1/1'::purchases;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v2 ids=bigint amounts=numeric customers=1 days=1 7:2024-01-01/0/1'::purchases;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v2 ids=bigint amounts=float8 customers=1 days=1 7:2024-01-01/1/NaN'::purchases;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v2 ids=bigint amounts=numeric customers=1 days=2 7:2024-01-01/1/1'::purchases;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v3 ids=bigint amounts=numeric customers=0 days=0'::purchases;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v2 ids=bigint amounts=float8 customers=1 days=1 7:2024-01-01/1/0.1+1e-17'::purchases;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v2 ids=bigint amounts=float8 customers=1 days=1 7:2024-01-01/3/4e28+4e28'::purchases;
\echo :LAST_ERROR_SQLSTATE
SELECT purchases_agg(1::bigint, '2024-01-01'::date, 1e30::float8);
\echo :LAST_ERROR_SQLSTATE
SELECT purchases_agg(1::bigint, '2024-01-01'::date, a) FROM (VALUES (3e28::float8), (3e28)) v(a);
\echo :LAST_ERROR_SQLSTATE
