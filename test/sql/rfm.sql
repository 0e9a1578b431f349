-- Customer value: the rfm aggregate, rfm_state, rfm_segment and errors.
SET search_path = public, retention;
SET extra_float_digits = 0;
SET DateStyle = ISO, YMD;

-- Hand-worked customers, observation end 2024-12-31:
-- 1: two purchases on 2024-01-10 (20.00 + 5.00 = one day of 25.00), on
--    2024-02-15 a purchase of 40.00 and a refund of -10.00 (a day of 30.00),
--    12.50 on 2024-03-01, and 99.00 on 2025-01-02, after the end (ignored).
--    orders 5, revenue 67.50, frequency 2, recency 51, tenure 356,
--    monetary (30.00 + 12.50) / 2 = 21.25.
-- 2: a one-time buyer: two items on 2024-06-30 (15.00 + 4.99).
--    orders 2, revenue 19.99, frequency 0, recency 0, tenure 184, monetary 0.
-- 3: only a purchase after the end: NULL.
-- 4: rows out of date order and a NULL amount (skipped): days 2024-01-01
--    (1 + 2), 2024-03-03 (100), 2024-05-05 (10).
--    orders 4, revenue 113, frequency 2, recency 125, tenure 365,
--    monetary (100 + 10) / 2 = 55.
-- 5: only NULL amounts: NULL.
CREATE TABLE rfm_orders (customer_id bigint, order_date date, amount numeric);
INSERT INTO rfm_orders VALUES
    (1, '2024-01-10', 20.00), (1, '2024-01-10', 5.00), (1, '2024-02-15', 40.00),
    (1, '2024-02-15', -10.00), (1, '2024-03-01', 12.50), (1, '2025-01-02', 99.00),
    (2, '2024-06-30', 15.00), (2, '2024-06-30', 4.99),
    (3, '2025-03-01', 50),
    (4, '2024-05-05', 10), (4, '2024-01-01', 1), (4, '2024-03-03', 100),
    (4, '2023-01-01', NULL), (4, '2024-01-01', 2),
    (5, '2024-01-01', NULL), (5, NULL, 3);

SELECT customer_id, (rfm(order_date, amount, DATE '2024-12-31')).*
FROM rfm_orders GROUP BY customer_id ORDER BY customer_id;
SELECT customer_id, rfm(order_date, amount, DATE '2024-12-31') IS NULL AS is_null,
       rfm_agg(order_date, amount, DATE '2024-12-31')
FROM rfm_orders GROUP BY customer_id ORDER BY customer_id;

-- empty input and NULL-only input
SELECT rfm(order_date, amount, DATE '2024-12-31') AS empty FROM rfm_orders WHERE false;
SELECT rfm(order_date, amount, NULL) AS null_end FROM rfm_orders;
SELECT rfm_agg(order_date, amount, DATE '2024-12-31') IS NULL AS empty_state FROM rfm_orders WHERE false;

-- an earlier observation end: customer 1 as of 2024-02-15 (the refund day counts)
SELECT (rfm(order_date, amount, DATE '2024-02-15')).* FROM rfm_orders WHERE customer_id = 1;
SELECT (rfm(order_date, amount, DATE '2024-01-10')).* FROM rfm_orders WHERE customer_id = 1;

-- the accessor on the state equals the aggregate
SELECT customer_id,
       rfm(rfm_agg(order_date, amount, DATE '2024-12-31')) IS NOT DISTINCT FROM
       rfm(order_date, amount, DATE '2024-12-31') AS same
FROM rfm_orders GROUP BY customer_id ORDER BY customer_id;

-- rollup of states of parts equals the state of all rows, whatever the split
-- (here: the refund and the first day split across parts, days out of order)
SELECT rollup(s) FROM (
    SELECT rfm_agg(order_date, amount, DATE '2024-12-31') AS s
    FROM rfm_orders WHERE customer_id = 1 GROUP BY amount > 10
    UNION ALL SELECT NULL) x;
-- states of single days merged latest first, customers 1 and 4 together:
-- 6 days, the first 2024-01-01 with 3, revenue 180.50, (180.50 - 3) / 5 = 35.5
SELECT rfm(rollup(s ORDER BY d DESC)) FROM (
    SELECT order_date AS d, rfm_agg(order_date, amount, DATE '2024-12-31') AS s
    FROM rfm_orders WHERE customer_id IN (1, 4) GROUP BY customer_id, order_date) x;

-- float8 amounts
SELECT (rfm(order_date, amount::float8, DATE '2024-12-31')).*
FROM rfm_orders WHERE customer_id = 1;
SELECT rfm_agg(order_date, amount::float8, DATE '2024-12-31') FROM rfm_orders WHERE customer_id = 1;

-- timestamptz: days in the session time zone.  03:00 UTC on 2024-01-01 is
-- still 2023-12-31 in New York, which makes the two purchases two days there.
SET TimeZone = 'UTC';
SELECT (rfm(at, amount, DATE '2024-12-31')).frequency AS utc_frequency,
       (rfm(at, amount::float8, DATE '2024-12-31')).first_order AS utc_first
FROM (VALUES (TIMESTAMPTZ '2024-01-01 03:00+00', 10), ('2024-01-01 20:00+00', 5)) v(at, amount);
SET TimeZone = 'America/New_York';
SELECT (rfm(at, amount, DATE '2024-12-31')).frequency AS ny_frequency,
       (rfm(at, amount::float8, DATE '2024-12-31')).first_order AS ny_first,
       rfm_agg(at, amount, DATE '2024-12-31') AS ny_state
FROM (VALUES (TIMESTAMPTZ '2024-01-01 03:00+00', 10), ('2024-01-01 20:00+00', 5)) v(at, amount);
RESET TimeZone;

-- Exact revenue.  Amounts of several scales: revenue has the largest scale,
-- as sum() does.
SELECT (rfm(d, a, DATE '2024-12-31')).revenue, sum(a) AS sum,
       (rfm(d, a, DATE '2024-12-31')).monetary_value
FROM (VALUES (DATE '2024-01-01', 1.5), ('2024-01-02', 2.25), ('2024-01-03', 3), ('2024-01-03', 0.001)) v(d, a);
-- 100,000 cents are exactly 1000.00 (a float8 sum is not)
SELECT (rfm(DATE '2024-01-01' + i % 300, 0.01, DATE '2024-12-31')).revenue,
       sum(0.01::float8) AS float8_sum
FROM generate_series(1, 100000) i;
-- amounts beyond the 128-bit fast path (a huge value, 40 decimal places,
-- and then the same day again) fall back to numeric arithmetic, still exact
SELECT r.revenue, r.revenue = s.sum AS exact, r.monetary_value, r.frequency
FROM (SELECT (rfm(d, a, DATE '2024-12-31')).* FROM (VALUES
        (DATE '2024-01-01', 123456789012345678901234567890123456789.5),
        ('2024-01-01', 0.5), ('2024-01-02', 0.0000000000000000000000000000000000000001),
        ('2024-01-02', 7)) v(d, a)) r,
     (SELECT 123456789012345678901234567890123456789.5 + 0.5 +
             0.0000000000000000000000000000000000000001 + 7 AS sum) s;
SELECT rfm_agg(d, a, DATE '2024-12-31')
FROM (VALUES (DATE '2024-01-02', 1e40), ('2024-01-01', -1e40), ('2024-01-03', 2.5)) v(d, a);
SELECT (rfm(d, a, DATE '2024-12-31')).*
FROM (VALUES (DATE '2024-01-02', 1e40), ('2024-01-01', -1e40), ('2024-01-03', 2.5)) v(d, a);
-- the largest amounts that still fit, and values just past them, in one sum
SELECT (rfm(d, a, DATE '2024-12-31')).revenue = sum(a) AS exact, sum(a)
FROM (VALUES (DATE '2024-01-01', 99999999999999999999999999999999999.99),
             ('2024-01-02', 99999999999999999999999999999999999.99),
             ('2024-01-03', -99999999999999999999999999999999999.99),
             ('2024-01-04', 0.01)) v(d, a);

-- text form: round trip, whitespace, the three kinds of sums
SELECT 'v2 amounts=numeric end=2024-12-31 orders=3 revenue=35.10 first_day_total=10.00 days=2024-01-05,2024-02-01'::rfm_state;
SELECT rfm('  v2 amounts=numeric end=2024-12-31 orders=3 revenue=35.1 first_day_total=10 days=2024-01-05,2024-02-01  '::rfm_state);
SELECT 'v2 amounts=float8 end=2024-12-31 orders=1 revenue=0.1 first_day_total=0.1 days=2024-12-31'::rfm_state;
-- float8 sums print exactly, whatever extra_float_digits
SELECT rfm_agg(d, a, DATE '2024-12-31') FROM (VALUES (DATE '2024-01-01', 0.1::float8), ('2024-01-02', 0.2)) v(d, a);
SELECT 'v2 amounts=numeric end=2024-12-31 orders=0 revenue=0 first_day_total=0 days='::rfm_state;
SELECT rfm('v2 amounts=numeric end=2024-12-31 orders=0 revenue=0 first_day_total=0 days='::rfm_state) AS no_orders;
SELECT 'v2 amounts=numeric end=2024-12-31 orders=2 revenue=1e50 first_day_total=-1e-50 days=-0044-03-15,2024-01-01'::rfm_state;
SELECT s::text::rfm_state::text = s::text AS round_trip
FROM (SELECT rfm_agg(order_date, amount, DATE '2024-12-31') AS s FROM rfm_orders GROUP BY customer_id) x
WHERE s IS NOT NULL;

-- float8 sums are exact: the nearest float8, then what is left
SELECT rfm_agg(DATE '2024-01-01', 0.1::float8, DATE '2024-12-31') FROM generate_series(1, 10);
SELECT 'v2 amounts=float8 end=2024-12-31 orders=2 revenue=0.30000000000000004-2.7755575615628914e-17 first_day_total=0.1 days=2024-01-01,2024-01-02'::rfm_state;
SELECT rfm('v2 amounts=float8 end=2024-12-31 orders=2 revenue=1+1e-30 first_day_total=1e-30 days=2024-01-01,2024-01-02'::rfm_state);
SELECT 'v2 amounts=float8 end=2024-12-31 orders=2 revenue=1+1e-40 first_day_total=1 days=2024-01-01,2024-01-02'::rfm_state;

-- Format version 1 (release 0.1), whose float8 sums were one float8, is
-- still read: as text, as binary (here its compact text), and as the bytes a
-- table of 0.1 holds.  Each answers as 0.1 did, which printed:
--   (2024-01-05,2024-03-02,6,0,3,57,361,-0.1)
--   (2024-06-01,2024-06-02,2,7085.71428571429,1,1,213,1771.42857142857)
--   (2024-06-01,2024-06-02,2,7085.7142857143,1,1,213,1771.4285714286)
CREATE TABLE rfm_v1 (source text, customer int, s rfm_state);
INSERT INTO rfm_v1 VALUES
    ('text', 1, 'v1 amounts=float8 end=2024-12-31 orders=6 revenue=0 first_day_total=0.30000000000000004 days=2024-01-05,2024-02-01,2024-03-01,2024-03-02'),
    ('text', 2, 'v1 amounts=float8 end=2024-12-31 orders=2 revenue=7085.714285714285 first_day_total=5314.285714285714 days=2024-06-01,2024-06-02'),
    ('text', 3, 'v1 amounts=numeric end=2024-12-31 orders=2 revenue=7085.7142857143 first_day_total=5314.2857142857 days=2024-06-01,2024-06-02'),
    ('binary', 1, 'v1b:0rAf2bDy!A0000000SA600000002mjgCZ*ygC/7i00Ao4b0(nfb3+fGb6<j?1i&'),
    ('binary', 2, 'v1b:0rAf2bDy!A0000000kA$T*V#3W+B6O.BV2onHaoo00ic2bgV.]1j{'),
    ('binary', 3, 'v1b:0rr91bDy!A0000000ic201R1xi5JrEf/gTBh8^lDgxmyP4(Dc$g+HKyh8^lDgb}cI00002001j]001j{');
-- a stored value, made from its bytes through a type of the same layout
-- (the shell type's notices differ between PostgreSQL versions)
SET client_min_messages = warning;
CREATE TYPE rfm_v1_bytes;
CREATE FUNCTION rfm_v1_bytes_in(cstring) RETURNS rfm_v1_bytes AS 'byteain' LANGUAGE internal IMMUTABLE STRICT;
CREATE FUNCTION rfm_v1_bytes_out(rfm_v1_bytes) RETURNS cstring AS 'byteaout' LANGUAGE internal IMMUTABLE STRICT;
CREATE TYPE rfm_v1_bytes (INPUT = rfm_v1_bytes_in, OUTPUT = rfm_v1_bytes_out, ALIGNMENT = double, STORAGE = extended);
RESET client_min_messages;
CREATE CAST (rfm_v1_bytes AS rfm_state) WITHOUT FUNCTION;
INSERT INTO rfm_v1 VALUES
    ('stored', 1, '\x01010000ab230000040000000400000000000000060000000000000000000000000000000000000000000000343333333333d33f0000000000000000422200005d2200007a2200007b220000'::rfm_v1_bytes::rfm_state),
    ('stored', 2, '\x01010000ab2300000200000002000000000000000200000000000000dbb66ddbb6adbb4000000000000000002449922449c2b4400000000000000000d6220000d7220000'::rfm_v1_bytes::rfm_state),
    ('stored', 3, '\x01000a00ab2300000200000002000000000000000200000000000000b76dd4b671400000000000000000000049521f49553000000000000000000000d6220000d7220000'::rfm_v1_bytes::rfm_state);
SELECT customer, source, rfm(s) FROM rfm_v1 ORDER BY customer, source;
-- written in the current version
SELECT DISTINCT customer, s::text FROM rfm_v1 ORDER BY customer;
-- rolled up with states of the current version
SELECT customer, rfm(rollup(s)) FROM (SELECT customer, s FROM rfm_v1 WHERE source = 'stored'
    UNION ALL SELECT 1, rfm_agg(DATE '2024-12-01', 1::float8, DATE '2024-12-31')
    UNION ALL SELECT 3, rfm_agg(DATE '2024-12-01', 1::numeric, DATE '2024-12-31')) x
GROUP BY customer ORDER BY customer;
-- a float8 sum of version 1 beyond the range of exact sums
SELECT 'v1 amounts=float8 end=2024-12-31 orders=1 revenue=1e300 first_day_total=1e300 days=2024-12-31'::rfm_state;
\echo :LAST_ERROR_SQLSTATE
SELECT rfm('\x01010000ab23000001000000010000000000000001000000000000009c7500883ce4377e00000000000000009c7500883ce4377e0000000000000000ab23000000000000'::rfm_v1_bytes::rfm_state);
\echo :LAST_ERROR_SQLSTATE
SELECT 'v3 amounts=numeric end=2024-12-31 orders=0 revenue=0 first_day_total=0 days='::rfm_state;
\echo :LAST_ERROR_SQLSTATE
DROP TABLE rfm_v1;
DROP TYPE rfm_v1_bytes CASCADE;

-- binary form: send, then receive, through a binary COPY file on the server
\set SHOW_CONTEXT never
CREATE FUNCTION pg_temp.binary_copy(source text, target text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    file text := current_setting('data_directory') || '/retention_rfm.bin';
BEGIN
    EXECUTE format('COPY (%s) TO %L (FORMAT binary)', source, file);
    EXECUTE format('COPY %I FROM %L (FORMAT binary)', target, file);
END $$;
CREATE TABLE rfm_state_copy (s rfm_state);
SELECT pg_temp.binary_copy($$SELECT rfm_agg(order_date, amount, DATE '2024-12-31') FROM rfm_orders GROUP BY customer_id$$, 'rfm_state_copy');
SELECT pg_temp.binary_copy($$SELECT rfm_agg(order_date, amount::float8, DATE '2024-12-31') FROM rfm_orders WHERE customer_id = 1$$, 'rfm_state_copy');
SELECT pg_temp.binary_copy($$SELECT rfm_agg(d, a, DATE '2024-12-31') FROM (VALUES (DATE '2024-01-01', 1e40), ('2024-01-02', 1)) v(d, a)$$, 'rfm_state_copy');
SELECT s FROM rfm_state_copy ORDER BY s::text;
SELECT rfm_state_send('v2 amounts=numeric end=2024-12-31 orders=2 revenue=3.5 first_day_total=1 days=2024-01-01,2024-01-02');

-- rfm_segment: the table of SPEC §4 with f = m = FM
SELECT r, rfm_segment(r, 1, 1) AS fm1, rfm_segment(r, 2, 2) AS fm2, rfm_segment(r, 3, 3) AS fm3,
       rfm_segment(r, 4, 4) AS fm4, rfm_segment(r, 5, 5) AS fm5
FROM generate_series(5, 1, -1) r;
-- FM = round((f + m) / 2.0): halves round up
SELECT rfm_segment(3, 1, 2) AS fm_1_5, rfm_segment(3, 2, 3) AS fm_2_5,
       rfm_segment(3, 3, 4) AS fm_3_5, rfm_segment(5, 1, 2) AS new_or_potential,
       rfm_segment(2, 5, 4) AS fm_4_5, rfm_segment(NULL, 1, 1) AS null_score;

-- abc_class: total 100; rows ahead of 15 hold exactly 80 % -> B; ahead of
-- the 4, 95 % -> C.  NULL, 0 and negative values are C and count as 0.
CREATE TABLE rfm_sales (region text, item text, value numeric);
INSERT INTO rfm_sales VALUES
    ('north', 'a', 50), ('north', 'b', 30), ('north', 'c', 15), ('north', 'd', 4),
    ('north', 'e', 1), ('north', 'f', 0), ('north', 'g', NULL), ('north', 'h', -5),
    ('south', 'a', 10), ('south', 'b', 10), ('south', 'c', 10), ('south', 'd', 10),
    ('south', 'e', 10),
    ('west', 'a', 0), ('west', 'b', -1), ('west', 'c', NULL),
    ('east', 'a', 7);
SELECT region, item, value, abc_class(value) OVER w,
       abc_class(value, 0.5, 0.9) OVER w AS abc_50_90
FROM rfm_sales
WINDOW w AS (PARTITION BY region ORDER BY value DESC NULLS LAST, item)
ORDER BY region, value DESC NULLS LAST, item;
-- ties are classified in the order the window delivers them
SELECT item, abc_class(value) OVER (ORDER BY value DESC, item DESC) AS abc
FROM rfm_sales WHERE region = 'south' ORDER BY item;
-- b_share = 1: no row with a positive value is C
SELECT item, abc_class(value, 0.2, 1) OVER (ORDER BY value DESC, item) AS abc
FROM rfm_sales WHERE region = 'south' ORDER BY item;
-- NULL shares give NULL
SELECT item, abc_class(value, NULL, 0.9) OVER (ORDER BY value DESC) AS abc
FROM rfm_sales WHERE region = 'east';

-- Errors: each shows its message, then its SQLSTATE.
SELECT rfm(d, 1, e) FROM (VALUES (DATE '2024-01-01', DATE '2024-12-31'),
                                 ('2024-01-02', '2024-06-30')) v(d, e);
\echo :LAST_ERROR_SQLSTATE
SELECT rfm(d, 1, e) FROM (VALUES (DATE '2025-01-01', DATE '2024-12-31'),
                                 ('2025-01-02', '2024-06-30')) v(d, e);
\echo :LAST_ERROR_SQLSTATE
SELECT rfm(DATE '2024-01-01', 'NaN'::numeric, DATE '2024-12-31');
\echo :LAST_ERROR_SQLSTATE
SELECT rfm(DATE '2024-01-01', 'Infinity'::numeric, DATE '2024-12-31');
\echo :LAST_ERROR_SQLSTATE
SELECT rfm(DATE '2024-01-01', 'NaN'::float8, DATE '2024-12-31');
\echo :LAST_ERROR_SQLSTATE
SELECT rfm(DATE '2024-01-01', '-Infinity'::float8, DATE '2024-12-31');
\echo :LAST_ERROR_SQLSTATE
SELECT rfm('-infinity'::date, 1, DATE '2024-12-31');
\echo :LAST_ERROR_SQLSTATE
SELECT rfm(DATE '2024-01-01', 1, 'infinity');
\echo :LAST_ERROR_SQLSTATE
SELECT rfm('infinity'::timestamptz, 1, DATE '2024-12-31');
\echo :LAST_ERROR_SQLSTATE
SELECT rollup(s) FROM (VALUES ('v2 amounts=numeric end=2024-12-31 orders=1 revenue=1 first_day_total=1 days=2024-01-01'::rfm_state),
                              ('v2 amounts=numeric end=2024-12-30 orders=1 revenue=1 first_day_total=1 days=2024-01-01')) v(s);
\echo :LAST_ERROR_SQLSTATE
SELECT rollup(s) FROM (VALUES ('v2 amounts=numeric end=2024-12-31 orders=1 revenue=1 first_day_total=1 days=2024-01-01'::rfm_state),
                              ('v2 amounts=float8 end=2024-12-31 orders=1 revenue=1 first_day_total=1 days=2024-01-01')) v(s);
\echo :LAST_ERROR_SQLSTATE
SELECT rollup(s) FROM (VALUES ('v2 amounts=numeric end=2024-12-31 orders=9223372036854775807 revenue=1 first_day_total=1 days=2024-01-01'::rfm_state),
                              ('v2 amounts=numeric end=2024-12-31 orders=1 revenue=1 first_day_total=1 days=2024-01-02')) v(s);
\echo :LAST_ERROR_SQLSTATE
SELECT rfm_segment(0, 3, 3);
\echo :LAST_ERROR_SQLSTATE
SELECT rfm_segment(3, 6, 3);
\echo :LAST_ERROR_SQLSTATE
SELECT rfm_segment(3, 3, -1);
\echo :LAST_ERROR_SQLSTATE
SELECT abc_class(value, 0, 0.9) OVER (ORDER BY value DESC) FROM rfm_sales;
\echo :LAST_ERROR_SQLSTATE
SELECT abc_class(value, 0.9, 0.9) OVER (ORDER BY value DESC) FROM rfm_sales;
\echo :LAST_ERROR_SQLSTATE
SELECT abc_class(value, 0.8, 1.5) OVER (ORDER BY value DESC) FROM rfm_sales;
\echo :LAST_ERROR_SQLSTATE
SELECT abc_class(value, 'NaN', 0.9) OVER (ORDER BY value DESC) FROM rfm_sales;
\echo :LAST_ERROR_SQLSTATE
SELECT abc_class(value, 0.5 + (value > 20)::int * 0.1, 0.9) OVER (ORDER BY value DESC) FROM rfm_sales;
\echo :LAST_ERROR_SQLSTATE
SELECT abc_class(v) OVER (ORDER BY v DESC) FROM (VALUES (1::numeric), ('NaN')) t(v);
\echo :LAST_ERROR_SQLSTATE
SELECT abc_class(v) OVER (ORDER BY v DESC) FROM (VALUES (1::numeric), ('Infinity')) t(v);
\echo :LAST_ERROR_SQLSTATE

-- malformed text input
SELECT ''::rfm_state;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v3 amounts=numeric end=2024-12-31 orders=0 revenue=0 first_day_total=0 days='::rfm_state;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v2 amounts=money end=2024-12-31 orders=0 revenue=0 first_day_total=0 days='::rfm_state;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v2 amounts=numeric end=2024-02-30 orders=0 revenue=0 first_day_total=0 days='::rfm_state;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v2 amounts=numeric end=2024-12-31 orders=1 revenue=x first_day_total=0 days=2024-01-01'::rfm_state;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v2 amounts=numeric end=2024-12-31 orders=1 revenue=NaN first_day_total=0 days=2024-01-01'::rfm_state;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v2 amounts=float8 end=2024-12-31 orders=1 revenue=Infinity first_day_total=0 days=2024-01-01'::rfm_state;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v2 amounts=numeric end=2024-12-31 orders=2 revenue=1 first_day_total=1 days=2024-01-02,2024-01-01'::rfm_state;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v2 amounts=numeric end=2024-12-31 orders=2 revenue=1 first_day_total=1 days=2024-01-01,2024-01-01'::rfm_state;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v2 amounts=numeric end=2024-12-31 orders=1 revenue=1 first_day_total=1 days=2025-01-01'::rfm_state;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v2 amounts=numeric end=2024-12-31 orders=1 revenue=1 first_day_total=1 days=2024-01-01,2024-01-02'::rfm_state;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v2 amounts=numeric end=2024-12-31 orders=3 revenue=1 first_day_total=1 days='::rfm_state;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v2 amounts=numeric end=2024-12-31 orders=1 revenue=1 first_day_total=1 days=2024-01-01,'::rfm_state;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v2 amounts=numeric end=2024-12-31 orders=1 revenue=1 first_day_total=1 days=2024-01-01 x'::rfm_state;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v2 amounts=numeric end=9999999-01-01 orders=0 revenue=0 first_day_total=0 days='::rfm_state;
\echo :LAST_ERROR_SQLSTATE

-- malformed binary input: raw bytes as the single field of a binary COPY
-- (version 3; kind 7; a truncated value; days out of order; a day count
-- larger than the value; trailing bytes; a float8 sum out of range)
SELECT pg_temp.binary_copy($$SELECT '\x0300'::bytea$$, 'rfm_state_copy');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.binary_copy($$SELECT '\x0207000000000000000000000000'::bytea$$, 'rfm_state_copy');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.binary_copy($$SELECT '\x020000002382000000000000000200000001'::bytea$$, 'rfm_state_copy');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.binary_copy($$SELECT '\x02000000238200000000000000020000000133000000013100000002000021bc000021bb'::bytea$$, 'rfm_state_copy');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.binary_copy($$SELECT '\x02000000238200000000000000020000000133000000013100000009000021bb000021bc'::bytea$$, 'rfm_state_copy');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.binary_copy($$SELECT '\x02000000238200000000000000020000000133000000013100000002000021bb000021bc00'::bytea$$, 'rfm_state_copy');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.binary_copy($$SELECT ('\x0201000023820000000000000001' || repeat('40', 32) || repeat('00', 32) || '00000001000021bb')::bytea$$, 'rfm_state_copy');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS rows_unchanged FROM rfm_state_copy;
