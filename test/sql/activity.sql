-- Activity: activity_agg, its accessors, rollup, I/O and errors, on a small
-- shop whose every answer is worked out by hand in the comments.
SET search_path = public, retention;
SET extra_float_digits = 0;
SET DateStyle = 'ISO, YMD';

-- Six customers from November 2023 to February 2024 (a year boundary):
--   1: Nov 3, Nov 20, Dec 15, Jan 2      active Nov Dec Jan     regular, then dormant in Feb
--   2: Nov 10                             active Nov             one-time buyer
--   3: Nov 25, Jan 31                     active Nov Jan         dormant in Dec, resurrected in Jan
--   4: Dec 31 (a Sunday), Jan 1, Feb 14   active Dec Jan Feb
--   5: Feb 29 (leap day)                  active Feb
--   6: Dec 1 (twice), Feb 1               active Dec Feb         dormant in Jan, resurrected in Feb
-- plus rows with a NULL customer or a NULL date, which are skipped.
CREATE TABLE shop_orders (customer_id bigint, order_date date);
INSERT INTO shop_orders VALUES
    (1, '2023-11-03'), (1, '2023-11-20'), (1, '2023-12-15'), (1, '2024-01-02'),
    (2, '2023-11-10'),
    (3, '2023-11-25'), (3, '2024-01-31'),
    (4, '2023-12-31'), (4, '2024-01-01'), (4, '2024-02-14'),
    (5, '2024-02-29'),
    (6, '2023-12-01'), (6, '2023-12-01'), (6, '2024-02-01'),
    (NULL, '2024-01-05'), (7, NULL);

CREATE TABLE shop AS SELECT activity_agg(customer_id, order_date) AS a FROM shop_orders;

-- 6 customers, 13 distinct customer-days (customer 6's Dec 1 counts once)
SELECT a FROM shop;
SELECT customers(a) FROM shop;

-- customers 1, 3, 4 and 6 have two or more distinct days: 4 / 6
SELECT repeat_purchase_rate(a) FROM shop;

-- Monthly cohorts.  November: {1, 2, 3}; December: {4, 6}; February: {5};
-- nobody is new in January, so there is no January cohort.
--   Nov + 0: 3; + 1 (Dec): {1}; + 2 (Jan): {1, 3}; + 3 (Feb): nobody -> 0
--   Dec + 0: 2; + 1 (Jan): {4}; + 2 (Feb): {4, 6}
--   Feb + 0: 1
SELECT * FROM cohort_retention((SELECT a FROM shop));
SELECT * FROM cohort_retention((SELECT a FROM shop), 'month') ORDER BY cohort DESC, period_offset DESC;

-- Quarters: Q4 2023 {1, 2, 3, 4, 6}, Q1 2024 {1, 3, 4, 5, 6}; cohort Q4 keeps 4 of 5
SELECT * FROM cohort_retention((SELECT a FROM shop), 'quarter');
SELECT * FROM cohort_retention((SELECT a FROM shop), 'year');

-- Lifecycle by month (active: Nov {1,2,3}, Dec {1,4,6}, Jan {1,3,4}, Feb {4,5,6}):
--   Nov: new 3
--   Dec: new 2 (4, 6), returning 1 (1), dormant 2 (2, 3)
--   Jan: returning 2 (1, 4), resurrecting 1 (3), dormant 1 (6)
--   Feb: new 1 (5), returning 1 (4), resurrecting 1 (6), dormant 2 (1, 3)
SELECT * FROM lifecycle((SELECT a FROM shop));
-- by year: 2023 new 5; 2024 new 1 (5), returning 4 (1, 3, 4, 6), dormant 1 (2)
SELECT * FROM lifecycle((SELECT a FROM shop), 'year');

-- Monthly retention: each month S = 3 and E = 3;
--   Dec retained {1} -> 1/3; Jan retained {1, 4} -> 2/3; Feb retained {4} -> 1/3
SELECT * FROM period_retention((SELECT a FROM shop));
SELECT period, customers_start, retained, new, customers_end,
       round(retention_rate::numeric, 4) AS retention, round(churn_rate::numeric, 4) AS churn
FROM period_retention((SELECT a FROM shop), 'quarter');

-- Stickiness, days per month: customer 1 has two November days, every other
-- (customer, month) pair one day: 11 pairs with 1 day, 1 pair with 2 days
SELECT * FROM stickiness((SELECT a FROM shop), 'day', 'month');
-- months per quarter: Q4 {1: 2, 2: 1, 3: 1, 4: 1, 6: 1}, Q1 {1: 1, 3: 1, 4: 2, 5: 1, 6: 1}
SELECT * FROM stickiness((SELECT a FROM shop), 'month', 'quarter');

-- Weeks around New Year: customer 4 alone (Sun Dec 31, Mon Jan 1, Wed Feb 14).
-- ISO weeks (Monday): Dec 31 is in the week of Dec 25, Jan 1 starts the next
-- week, Feb 14 is in the week of Feb 12 = Dec 25 + 7 weeks.
SELECT * FROM cohort_retention((SELECT activity_agg(customer_id, order_date) FROM shop_orders
                                WHERE customer_id = 4), 'week');
-- Sunday weeks: Dec 31 and Jan 1 share the week of Sunday Dec 31; Feb 14 is in
-- the week of Sunday Feb 11 = Dec 31 + 6 weeks.
SELECT * FROM cohort_retention((SELECT activity_agg(customer_id, order_date) FROM shop_orders
                                WHERE customer_id = 4), 'week_sunday');
SELECT * FROM stickiness((SELECT activity_agg(customer_id, order_date) FROM shop_orders
                          WHERE customer_id = 4), 'day', 'week_sunday');
SELECT * FROM lifecycle((SELECT activity_agg(customer_id, order_date) FROM shop_orders
                         WHERE customer_id = 4), 'WEEK_Sunday');

-- Rolling 30-day retention, customers 1 and 2 (data ends Jan 2):
--   1: first Nov 3; Nov 20 (+17) offset 0, Dec 15 (+42) 1, Jan 2 (+60) 2
--   2: first Nov 10; offsets 0 .. (Jan 2 - Nov 10 = 53) / 30 = 1
SELECT * FROM cohort_retention((SELECT activity_agg(customer_id, order_date) FROM shop_orders
                                WHERE customer_id IN (1, 2)), '30 days');
SELECT * FROM cohort_retention((SELECT activity_agg(customer_id, order_date) FROM shop_orders
                                WHERE customer_id = 2), '1 day');

-- Daily summaries rolled up to months equal the direct summary
SELECT rollup(a)::text = (SELECT a::text FROM shop) AS rollup_equals_direct
FROM (SELECT order_date, activity_agg(customer_id, order_date) AS a
      FROM shop_orders GROUP BY order_date
      UNION ALL SELECT NULL, NULL::activity) daily;
SELECT date_trunc('month', order_date)::date AS month, customers(rollup(a))
FROM (SELECT order_date, activity_agg(customer_id, order_date) AS a
      FROM shop_orders WHERE order_date IS NOT NULL GROUP BY order_date) daily
GROUP BY 1 ORDER BY 1;

-- NULL-only and empty input give NULL; an empty summary gives no rows
SELECT activity_agg(customer_id, order_date) IS NULL AS null_only
FROM shop_orders WHERE customer_id IS NULL OR order_date IS NULL;
SELECT activity_agg(customer_id, order_date) IS NULL AS empty FROM shop_orders WHERE false;
SELECT rollup(a) IS NULL AS empty_rollup FROM (SELECT NULL::activity AS a) x;
SELECT customers(e), repeat_purchase_rate(e),
       (SELECT count(*) FROM cohort_retention(e)) AS cohort_rows,
       (SELECT count(*) FROM lifecycle(e)) AS lifecycle_rows,
       (SELECT count(*) FROM period_retention(e)) AS retention_rows,
       (SELECT count(*) FROM stickiness(e, 'day', 'week')) AS stickiness_rows
FROM (SELECT 'v1 ids=bigint customers=0 days=0'::activity AS e) x;

-- One customer, one month: no period after the first, so no retention rows
SELECT * FROM period_retention('v1 ids=bigint customers=1 days=2 9:2024-05-01,2024-05-31');
SELECT * FROM lifecycle('v1 ids=bigint customers=1 days=2 9:2024-05-01,2024-05-31');

-- text and uuid ids: ordered bytewise; quotes and backslashes escaped
SELECT activity_agg(id, d) FROM (VALUES ('bob', DATE '2024-01-02'), ('al"ice\', '2024-01-01'),
                                        ('', '2024-01-03'), ('Bob', '2024-01-02'),
                                        ('bob', '2024-01-01')) v(id, d);
SELECT activity_agg(id, d) FROM (VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, DATE '2024-03-01'),
                                        ('00000000-0000-0000-0000-000000000001', '2024-03-02'),
                                        ('A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', '2024-02-28')) v(id, d);
-- the same shop keyed by text ids gives the same answers
SELECT (SELECT array_agg(c ORDER BY c) FROM cohort_retention(
            (SELECT activity_agg('customer ' || customer_id, order_date) FROM shop_orders)) c)
     = (SELECT array_agg(c ORDER BY c) FROM cohort_retention((SELECT a FROM shop)) c) AS text_ids_same;

-- bigint extremes and negative ids
SELECT activity_agg(id, DATE '2024-01-01') FROM (VALUES (9223372036854775807), (-9223372036854775808), (0), (-1)) v(id);
-- ids spread over all 64 bits and days over years: rows out of order, repeated
SELECT activity_agg(id, d) FROM (VALUES (9223372036854775807, DATE '2024-01-02'), (-9223372036854775808, '2020-05-01'),
                                        (9223372036854775807, '2023-12-31'), (5, '2024-01-01'),
                                        (-9223372036854775808, '2020-05-01'), (9223372036854775807, '2024-01-02'),
                                        (-9223372036854775808, '2019-05-01')) v(id, d);
SELECT 'v1 ids=bigint customers=2 days=2 -9223372036854775808:0001-01-01 9223372036854775807:9999-12-31'::activity;

-- timestamptz: the day is taken in the session time zone.  Berlin moves to
-- summer time on 2024-03-31; 2024-03-31 22:30 UTC is already April 1 there.
CREATE TABLE visits (customer_id bigint, at timestamptz);
INSERT INTO visits VALUES (1, '2024-03-30 23:30:00+00'), (1, '2024-03-31 22:30:00+00'),
                          (2, '2024-03-31 00:30:00+00'), (2, '2024-03-31 01:30:00+00');
SET TimeZone = 'UTC';
SELECT activity_agg(customer_id, at) FROM visits;
SET TimeZone = 'Europe/Berlin';
SELECT activity_agg(customer_id, at) FROM visits;
SELECT * FROM lifecycle((SELECT activity_agg(customer_id, at) FROM visits));
SELECT activity_agg(customer_id::text, at)::text = activity_agg(customer_id::text, at::date)::text AS same_as_date
FROM visits;
RESET TimeZone;

-- volatility: date versions IMMUTABLE, timestamptz versions STABLE
SELECT p.proargtypes::regtype[]::text AS args, p.provolatile
FROM pg_proc p WHERE p.proname = 'activity_agg_transfn' ORDER BY 1;

-- text form round-trips exactly; whitespace between fields is tolerated
SELECT (SELECT a FROM shop)::text::activity::text = (SELECT a FROM shop)::text AS round_trip;
SELECT '  v1  ids=text	customers=1 days=2    "x":2024-01-01,2024-12-31  '::activity;

-- binary form: send, then receive, through a binary COPY file on the server
\set SHOW_CONTEXT never
CREATE FUNCTION pg_temp.binary_copy(source text, target text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    file text := current_setting('data_directory') || '/retention_activity.bin';
BEGIN
    EXECUTE format('COPY (%s) TO %L (FORMAT binary)', source, file);
    EXECUTE format('COPY %I FROM %L (FORMAT binary)', target, file);
END $$;
CREATE TABLE activity_copy (a activity);
SELECT pg_temp.binary_copy('SELECT a FROM shop', 'activity_copy');
SELECT pg_temp.binary_copy($$SELECT activity_agg(id, DATE '2024-01-01') FROM (VALUES ('a'), ('b"')) v(id)$$, 'activity_copy');
SELECT pg_temp.binary_copy($$SELECT 'v1 ids=uuid customers=1 days=1 a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11:2024-01-01'::activity$$, 'activity_copy');
SELECT a FROM activity_copy;
SELECT (SELECT a::text FROM activity_copy LIMIT 1) = (SELECT a::text FROM shop) AS binary_round_trip;
-- the binary form is the stored byte stream: version 1, id type 1 (bigint),
-- 1 customer, 1 day, first day zigzag(8766 = 2024-01-01) = 17532 = fc8801,
-- span 0, then id 5, 1 day, 2024-01-01 (and with a second day: gap 1 -> 00)
SELECT activity_send('v1 ids=bigint customers=1 days=1 5:2024-01-01');
SELECT activity_send('v1 ids=bigint customers=1 days=2 5:2024-01-01,2024-01-02');

-- Errors: each shows its message, then its SQLSTATE.
SELECT * FROM lifecycle((SELECT a FROM shop), 'fortnight');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM cohort_retention((SELECT a FROM shop), 'week_funday');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM cohort_retention((SELECT a FROM shop), '0 days');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM period_retention((SELECT a FROM shop), '7 days');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM stickiness((SELECT a FROM shop), 'day', '');
\echo :LAST_ERROR_SQLSTATE
SELECT rollup(a) FROM (VALUES ('v1 ids=bigint customers=1 days=1 1:2024-01-01'::activity),
                              ('v1 ids=text customers=1 days=1 "1":2024-01-01')) v(a);
\echo :LAST_ERROR_SQLSTATE
SELECT activity_agg(1::bigint, 'infinity'::date);
\echo :LAST_ERROR_SQLSTATE
SELECT activity_agg(1::bigint, '10000-01-01'::date);
\echo :LAST_ERROR_SQLSTATE
-- a daily triangle over 10,000 years for six cohorts: 22 million rows
SELECT count(*) FROM cohort_retention(
    (SELECT activity_agg(i, CASE WHEN i < 6 THEN DATE '0001-01-01' + i::int ELSE DATE '9999-12-31' END)
     FROM generate_series(0, 6) i), 'day');
\echo :LAST_ERROR_SQLSTATE

-- malformed text input
SELECT ''::activity;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v2 ids=bigint customers=0 days=0'::activity;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 ids=int customers=0 days=0'::activity;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 ids=bigint customers=2 days=2 1:2024-01-01'::activity;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 ids=bigint customers=1 days=1 1:2024-01-01 2:2024-01-01'::activity;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 ids=bigint customers=1 days=2 1:2024-01-01'::activity;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 ids=bigint customers=2 days=2 2:2024-01-01 1:2024-01-01'::activity;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 ids=bigint customers=2 days=2 1:2024-01-01 1:2024-01-02'::activity;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 ids=bigint customers=1 days=2 1:2024-01-02,2024-01-01'::activity;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 ids=bigint customers=1 days=1 1:2023-02-29'::activity;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 ids=bigint customers=1 days=1 1:24-01-01'::activity;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 ids=bigint customers=1 days=1 9223372036854775808:2024-01-01'::activity;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 ids=bigint customers=1 days=1 1:'::activity;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 ids=text customers=1 days=1 "abc:2024-01-01'::activity;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 ids=text customers=1 days=1 "a\bc":2024-01-01'::activity;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 ids=uuid customers=1 days=1 a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1:2024-01-01'::activity;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 ids=bigint customers=0 days=0 junk'::activity;
\echo :LAST_ERROR_SQLSTATE

-- malformed binary input: raw bytes as the single field of a binary COPY.
-- Valid: 01 01 | 01 01 | fc8801 00 | 05 01 fc8801 (version, bigint, 1 customer,
-- 1 day, days from 2024-01-01 spanning 0, id 5 with 1 day, 2024-01-01).
-- Broken: version 2; id type 4; truncated; trailing bytes; ids not
-- ascending; a customer without days; a day count that disagrees; a
-- non-minimal number; a day outside the header's range; a header range
-- that is not the data's; text ids that are not valid UTF-8.
SELECT pg_temp.binary_copy($$SELECT '\x01010101fc8801000501fc8801'::bytea$$, 'activity_copy');
SELECT pg_temp.binary_copy($$SELECT '\x02010101fc8801000501fc8801'::bytea$$, 'activity_copy');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.binary_copy($$SELECT '\x01040101fc8801000501fc8801'::bytea$$, 'activity_copy');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.binary_copy($$SELECT '\x01010101fc8801000501fc88'::bytea$$, 'activity_copy');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.binary_copy($$SELECT '\x01010101fc8801000501fc880100'::bytea$$, 'activity_copy');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.binary_copy($$SELECT '\x01010202fc8801000501fc88010001fc8801'::bytea$$, 'activity_copy');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.binary_copy($$SELECT '\x01010101fc8801000500fc8801'::bytea$$, 'activity_copy');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.binary_copy($$SELECT '\x01010102fc8801000501fc8801'::bytea$$, 'activity_copy');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.binary_copy($$SELECT '\x01010101fc880100850001fc8801'::bytea$$, 'activity_copy');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.binary_copy($$SELECT '\x01010101fc8801000501fe8801'::bytea$$, 'activity_copy');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.binary_copy($$SELECT '\x01010101fa8801010501fc8801'::bytea$$, 'activity_copy');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.binary_copy($$SELECT '\x01020101fc88010001ff01fc8801'::bytea$$, 'activity_copy');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS rows_copied FROM activity_copy;
