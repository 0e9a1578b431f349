-- Model checking against a holdout period: holdout_check into a
-- holdout_summary (text and binary forms, rollup), holdout_by_frequency and
-- holdout_error, on hand-checked customers, on calibration_holdout's rows and
-- on CDNOW; NULL and empty input; errors.
CREATE SCHEMA holdout;
SET search_path = holdout, public, retention;
SET extra_float_digits = 0;
SET DateStyle = ISO, YMD;

-- models built by hand: CDNOW's published BG/NBD estimates (weeks), and the
-- same model in days (alpha * 7)
CREATE TABLE models AS
SELECT ROW(0.243, 4.414, 0.793, 2.426, NULL, NULL, NULL, NULL)::bgnbd_model AS bg,
       ROW(0.243, 4.414 * 7, 0.793, 2.426, NULL, NULL, NULL, NULL)::bgnbd_model AS bg_days,
       ROW(0.553, 10.578, 0.606, 11.669, NULL, NULL, NULL, NULL)::pnbd_model AS pn,
       ROW(0.525, 6.183, 0.891, 1.614, NULL, NULL, NULL, NULL)::mbgnbd_model AS mb,
       ROW(1.204, 0.750, 0.657, 2.783, NULL, NULL, NULL, NULL)::bgbb_model AS bb;

-- A holdout period of length 0: every prediction is 0, so the errors are the
-- actual counts'.  Holdout purchases 0, 1, 2 and 5: actual total 8, predicted
-- 0, mae = 8 / 4 = 2, rmse = sqrt((0 + 1 + 4 + 25) / 4) = sqrt(7.5) = 2.7386,
-- bias = (0 - 8) / 4 = -2.
SELECT customers, actual_total, predicted_total, mae, round(rmse::numeric, 4) AS rmse, bias
FROM holdout_error((SELECT holdout_check(bg, f, r, t, h, 0)
                    FROM models, (VALUES (0, 0, 10, 0), (1, 2, 10, 1), (1, 5, 10, 2), (3, 8, 9, 5)) v(f, r, t, h)));
SELECT holdout_check(bg, f, r, t, h, 0)
FROM models, (VALUES (0, 0, 10, 0), (1, 2, 10, 1), (1, 5, 10, 2), (3, 8, 9, 5)) v(f, r, t, h);

-- The example customer of Fader, Hardie & Lee (2005): x = 2, t_x = 30.43,
-- T = 38.86 weeks, 1.226 expected purchases in the next 39 weeks.  With 2
-- actual: mae = rmse = 2 - 1.226 = 0.774, bias = -0.774.
SELECT customers, actual_total, round(predicted_total::numeric, 3) AS predicted_total,
       round(mae::numeric, 3) AS mae, round(rmse::numeric, 3) AS rmse, round(bias::numeric, 3) AS bias
FROM holdout_error((SELECT holdout_check(bg, 2, 30.43, 38.86, 2, 39) FROM models));

-- Per calibration frequency, against expected_purchases customer by customer
-- (plain SQL): frequencies 0, 0, 1, 3, 9 and 12 with max_frequency 3 give
-- rows 0 (2 customers), 1 (1) and 3 (3, 9 and 12 pooled).
CREATE TABLE hand AS
SELECT * FROM (VALUES (1, 0, 0.0, 20.0, 0), (2, 0, 0.0, 35.0, 1), (3, 1, 12.5, 30.0, 0),
                      (4, 3, 28.0, 30.0, 4), (5, 9, 33.0, 36.0, 6), (6, 12, 20.0, 39.0, 1))
    v(customer_id, frequency, recency, tenure, holdout);
SELECT h.frequency_cal, h.customers, h.actual, round(h.predicted::numeric, 6) AS predicted,
       abs(h.predicted - s.predicted) <= 1e-12 * s.predicted AS equals_plain_sql
FROM models,
     holdout_by_frequency((SELECT holdout_check(bg, frequency, recency, tenure, holdout, 13) FROM models, hand), 3) h
JOIN (SELECT least(frequency, 3) AS frequency_cal, avg(holdout) AS actual,
             avg(expected_purchases(bg, 13, frequency, recency, tenure)) AS predicted
      FROM models, hand GROUP BY 1) s USING (frequency_cal)
ORDER BY 1;
-- the default max_frequency is 7; max_frequency 1 pools all repeat buyers
SELECT * FROM holdout_by_frequency((SELECT holdout_check(bg, frequency, recency, tenure, holdout, 13) FROM models, hand));
SELECT frequency_cal, customers, actual
FROM holdout_by_frequency((SELECT holdout_check(bg, frequency, recency, tenure, holdout, 13) FROM models, hand), 1);

-- Every model type: the totals equal the sums of expected_purchases
SELECT 'pnbd' AS model, e.customers, e.actual_total,
       abs(e.predicted_total - (SELECT sum(expected_purchases(pn, 13, frequency, recency, tenure)) FROM models, hand))
           <= 1e-12 * e.predicted_total AS equals_plain_sql
FROM holdout_error((SELECT holdout_check(pn, frequency, recency, tenure, holdout, 13) FROM models, hand)) e
UNION ALL
SELECT 'mbgnbd', e.customers, e.actual_total,
       abs(e.predicted_total - (SELECT sum(expected_purchases(mb, 13, frequency, recency, tenure)) FROM models, hand))
           <= 1e-12 * e.predicted_total
FROM holdout_error((SELECT holdout_check(mb, frequency, recency, tenure, holdout, 13) FROM models, hand)) e;

-- BG/BB: opportunities, frequency_holdout at most one per further opportunity
CREATE TABLE hand_bb AS
SELECT * FROM (VALUES (0, 0, 0), (1, 3, 1), (2, 6, 3), (6, 6, 5), (6, 6, 4)) v(frequency, recency, holdout);
SELECT h.frequency_cal, h.customers, h.actual, round(h.predicted::numeric, 6) AS predicted,
       round(s.predicted::numeric, 6) AS plain_sql
FROM models,
     holdout_by_frequency((SELECT holdout_check(bb, frequency, recency, 6, holdout, 5) FROM models, hand_bb), 3) h
JOIN (SELECT least(frequency, 3) AS frequency_cal, avg(expected_purchases(bb, 5, frequency, recency, 6)) AS predicted
      FROM models, hand_bb GROUP BY 1) s USING (frequency_cal)
ORDER BY 1;

-- Numeric and float inputs, as the fits take them (weeks as numeric), and
-- holdout purchases counted by count(*) (bigint)
SELECT holdout_check(bg, frequency, (recency / 7.0)::numeric, tenure / 7.0, holdout, 39::numeric) IS NOT NULL AS numeric_ok
FROM models, hand;
SELECT holdout_check(bg, frequency, recency, tenure, n, 13)::text =
       (SELECT holdout_check(bg, frequency, recency, tenure, holdout, 13)::text FROM models, hand) AS bigint_ok
FROM models, hand, LATERAL (SELECT count(*) AS n FROM generate_series(1, holdout)) c;

-- Through calibration_holdout, without casts: the purchases of SPEC §8's
-- example (purchases.sql), calibration until 2024-02-15, holdout to
-- 2024-12-31; customer 1 (frequency 1, recency 36, tenure 36) bought on 1
-- holdout day, customer 4 (frequency 0, tenure 45) on 2; duration 320 days.
CREATE TABLE p_orders (customer_id bigint, order_date date, amount numeric);
INSERT INTO p_orders VALUES
    (1, '2024-01-10', 20.00), (1, '2024-01-10', 5.00), (1, '2024-02-15', 40.00),
    (1, '2024-03-01', 12.5), (2, '2024-06-30', 15.00), (4, '2024-05-05', 10.000),
    (4, '2024-01-01', 1), (4, '2024-03-03', 100);
SELECT h.*
FROM models,
     holdout_by_frequency((
         SELECT holdout_check(bg_days, frequency_cal, recency_cal, tenure_cal, frequency_holdout, duration_holdout)
         FROM models, calibration_holdout(NULL::bigint,
             (SELECT purchases_agg(customer_id, order_date, amount) FROM p_orders), '2024-02-15', '2024-12-31'))) h;
SELECT customers, actual_total, round(predicted_total::numeric, 6) AS predicted_total,
       round(predicted_total::numeric, 6) = round((expected_purchases(bg_days, 320, 1, 36, 36)
                                                   + expected_purchases(bg_days, 320, 0, 0, 45))::numeric, 6) AS equals_sum
FROM models, holdout_error((
    SELECT holdout_check(bg_days, frequency_cal, recency_cal, tenure_cal, frequency_holdout, duration_holdout)
    FROM models, calibration_holdout(NULL::bigint,
        (SELECT purchases_agg(customer_id, order_date, amount) FROM p_orders), '2024-02-15', '2024-12-31')));

-- CDNOW: the 2,357 customers of the 39-week calibration (cdnow.sql's
-- fixture) and their purchase days in the 39 weeks after it
-- (test/data/cdnow_holdout.csv), 1,882 in all; times in weeks.
\getenv abs_srcdir PG_ABS_SRCDIR
\cd :abs_srcdir
CREATE TABLE cdnow_cal (customer_id int PRIMARY KEY, frequency int, recency_days int,
                        tenure_days int, repeat_spend numeric);
\copy cdnow_cal FROM PROGRAM 'grep -v "^#" data/cdnow_summary.csv' (FORMAT csv, HEADER)
CREATE TABLE cdnow_holdout (customer_id int PRIMARY KEY, frequency_holdout int);
\copy cdnow_holdout FROM PROGRAM 'grep -v "^#" data/cdnow_holdout.csv' (FORMAT csv, HEADER)
CREATE VIEW cdnow AS
SELECT customer_id, frequency, recency_days / 7.0::float8 AS recency, tenure_days / 7.0::float8 AS tenure,
       frequency_holdout, 39.0::float8 AS duration
FROM cdnow_cal JOIN cdnow_holdout USING (customer_id);
SELECT count(*) AS customers, sum(frequency_holdout) AS holdout_purchase_days FROM cdnow;
CREATE TABLE cdnow_fits AS
SELECT bgnbd_fit(frequency, recency, tenure) AS bg, pnbd_fit(frequency, recency, tenure) AS pn,
       mbgnbd_fit(frequency, recency, tenure) AS mb
FROM cdnow;
CREATE TABLE cdnow_checks AS
SELECT holdout_check(bg, frequency, recency, tenure, frequency_holdout, duration) AS bg,
       holdout_check(pn, frequency, recency, tenure, frequency_holdout, duration) AS pn,
       holdout_check(mb, frequency, recency, tenure, frequency_holdout, duration) AS mb
FROM cdnow, cdnow_fits;

-- Mean holdout purchases by calibration frequency, 0 to 6 and 7+ (actual
-- means 0.2367, 0.6970, 1.3925, 1.5600, 2.5323, 2.9474, 3.8621, 6.3594 over
-- 1411, 439, 214, 100, 62, 38, 29, 64 customers, counted from the sample
-- file by the command in test/data/cdnow_holdout.csv's header).
SELECT b.frequency_cal, b.customers, round(b.actual::numeric, 4) AS actual,
       round(b.predicted::numeric, 4) AS bgnbd, round(p.predicted::numeric, 4) AS pnbd,
       round(m.predicted::numeric, 4) AS mbgnbd
FROM cdnow_checks, holdout_by_frequency(bg) b
JOIN holdout_by_frequency(pn) p USING (frequency_cal)
JOIN holdout_by_frequency(mb) m USING (frequency_cal)
ORDER BY 1;
SELECT model, e.customers, e.actual_total, round(e.predicted_total::numeric, 1) AS predicted_total,
       round(e.mae::numeric, 4) AS mae, round(e.rmse::numeric, 4) AS rmse, round(e.bias::numeric, 4) AS bias
FROM cdnow_checks,
     LATERAL (VALUES ('bgnbd', bg), ('pnbd', pn), ('mbgnbd', mb)) v(model, s),
     LATERAL holdout_error(s) e;
-- the same as plain SQL over expected_purchases, to 1e-12
SELECT abs(e.predicted_total - s.predicted) <= 1e-12 * s.predicted AS predicted_total,
       abs(e.mae - s.mae) <= 1e-12 * s.mae AS mae, abs(e.rmse - s.rmse) <= 1e-12 * s.rmse AS rmse,
       abs(e.bias - s.bias) <= 1e-12 * abs(s.bias) AS bias
FROM cdnow_checks, holdout_error(bg) e,
     (SELECT sum(p) AS predicted, avg(abs(frequency_holdout - p)) AS mae,
             sqrt(avg((frequency_holdout - p) ^ 2)) AS rmse, avg(p - frequency_holdout) AS bias
      FROM (SELECT frequency_holdout, expected_purchases(bg, duration, frequency, recency, tenure) AS p
            FROM cdnow, cdnow_fits) x) s;

-- Summaries of parts roll up into the summary of all, bit for bit
SELECT rollup(s)::text = (SELECT bg::text FROM cdnow_checks) AS rollup_equals_direct
FROM (SELECT holdout_check(bg, frequency, recency, tenure, frequency_holdout, duration) AS s
      FROM cdnow, cdnow_fits GROUP BY customer_id % 7) parts;
SELECT rollup(s ORDER BY k DESC)::text = (SELECT bg::text FROM cdnow_checks) AS any_order
FROM (SELECT customer_id % 5 AS k,
             holdout_check(bg, frequency, recency, tenure, frequency_holdout, duration) AS s
      FROM cdnow, cdnow_fits GROUP BY 1) parts;

-- text form: round trip, and the exact sums it carries
SELECT s::text::holdout_summary::text = s::text AS text_round_trip FROM cdnow_checks, LATERAL (VALUES (bg), (pn), (mb)) v(s);
SELECT 'v1 model=pnbd r=0.5 alpha=10 s=0.5 beta=12 abs_error=3.25 squared_error=4.5+1e-20 frequencies=0:10:2:1.25,4:1:6:5.5'::holdout_summary;
SELECT * FROM holdout_error('v1 model=bgbb alpha=1 beta=1 gamma=1 delta=1 abs_error=3 squared_error=5 frequencies=0:2:0:1,2:1:4:3');
-- sums of 2^95 or more (above any one value a sum takes) read and write back exactly
SELECT 'v1 model=bgnbd r=1 alpha=1 a=1 b=1 abs_error=3e28+3e28 squared_error=1e40+1e-20 frequencies=0:1:0:1e30'::holdout_summary;
-- an empty summary
SELECT 'v1 model=mbgnbd r=1 alpha=2 a=3 b=4 abs_error=0 squared_error=0 frequencies='::holdout_summary;
SELECT * FROM holdout_error('v1 model=mbgnbd r=1 alpha=2 a=3 b=4 abs_error=0 squared_error=0 frequencies=');
SELECT count(*) FROM holdout_by_frequency('v1 model=mbgnbd r=1 alpha=2 a=3 b=4 abs_error=0 squared_error=0 frequencies=');

-- binary form: send, then receive, through a binary COPY file on the server
\set SHOW_CONTEXT never
CREATE FUNCTION pg_temp.binary_copy(source text, target text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    file text := current_setting('data_directory') || '/retention_holdout.bin';
BEGIN
    EXECUTE format('COPY (%s) TO %L (FORMAT binary)', source, file);
    EXECUTE format('COPY %I FROM %L (FORMAT binary)', target, file);
END $$;
CREATE TABLE holdout_copy (s holdout_summary);
SELECT pg_temp.binary_copy('SELECT bg FROM cdnow_checks', 'holdout_copy');
SELECT pg_temp.binary_copy($$SELECT 'v1 model=bgbb alpha=1 beta=1 gamma=1 delta=1 abs_error=0 squared_error=0 frequencies='::holdout_summary$$, 'holdout_copy');
SELECT s::text = (SELECT bg::text FROM cdnow_checks) AS binary_round_trip FROM holdout_copy LIMIT 1;
SELECT s FROM holdout_copy OFFSET 1;
SELECT holdout_summary_send('v1 model=pnbd r=0.5 alpha=10 s=0.5 beta=12 abs_error=3.25 squared_error=4.5 frequencies=0:10:2:1.25');

-- NULL and empty input: rows with a NULL are skipped (as the fits skip
-- them); no row, or only such rows, give NULL
SELECT holdout_check(bg, f, r, t, h, d) IS NULL AS all_null
FROM models, (VALUES (NULL::int, 0.0, 1.0, 1, 1.0), (0, NULL, 1.0, 1, 1.0), (0, 0.0, NULL, 1, 1.0),
                     (0, 0.0, 1.0, NULL, 1.0), (0, 0.0, 1.0, 1, NULL)) v(f, r, t, h, d);
SELECT holdout_check(m, 0, 0.0, 1.0, 1, 1.0) IS NULL AS null_model FROM (SELECT NULL::bgnbd_model AS m) x;
SELECT holdout_check(bg, 0, 0.0, 1.0, 1, 1.0) IS NULL AS no_rows FROM models WHERE false;
SELECT holdout_check(bg, f, r, t, h, d)
FROM models, (VALUES (NULL::int, 0.0, 1.0, 1, 1.0), (0, 0.0, 1.0, 1, 0.0)) v(f, r, t, h, d);
SELECT rollup(s) IS NULL AS rollup_of_null FROM (SELECT NULL::holdout_summary AS s) x;

-- Errors: each shows its message, then its SQLSTATE.
SELECT holdout_check(bg, -1, 0.0, 1.0, 0, 1.0) FROM models;
\echo :LAST_ERROR_SQLSTATE
SELECT holdout_check(bg, 1, 2.0, 1.0, 0, 1.0) FROM models;
\echo :LAST_ERROR_SQLSTATE
SELECT holdout_check(bg, 1, -1.0, 1.0, 0, 1.0) FROM models;
\echo :LAST_ERROR_SQLSTATE
SELECT holdout_check(bg, 0, 0.5, 1.0, 0, 1.0) FROM models;
\echo :LAST_ERROR_SQLSTATE
SELECT holdout_check(bg, 1, 0.5, 1.0, -2, 1.0) FROM models;
\echo :LAST_ERROR_SQLSTATE
SELECT holdout_check(bg, 1, 0.5, 1.0, 0, -1.0) FROM models;
\echo :LAST_ERROR_SQLSTATE
SELECT holdout_check(bg, 1, 0.5, 1.0, 1000000000000000, 1.0) FROM models;
\echo :LAST_ERROR_SQLSTATE
SELECT holdout_check(pn, 1, 0.5, 1.0, 0, 'Infinity') FROM models;
\echo :LAST_ERROR_SQLSTATE
SELECT holdout_check(mb, 1, 0.5, 'NaN', 0, 1.0) FROM models;
\echo :LAST_ERROR_SQLSTATE
SELECT holdout_check(bb, 2, 1, 6, 0, 5) FROM models;
\echo :LAST_ERROR_SQLSTATE
SELECT holdout_check(bb, 2, 3, 6, 6, 5) FROM models;
\echo :LAST_ERROR_SQLSTATE
SELECT holdout_check(bb, 2, 3, 6, 0, -1) FROM models;
\echo :LAST_ERROR_SQLSTATE
SELECT holdout_check(ROW(0.243, -4.414, 0.793, 2.426, NULL, NULL, NULL, NULL)::bgnbd_model, 1, 0.5, 1.0, 0, 1.0);
\echo :LAST_ERROR_SQLSTATE
SELECT holdout_check(ROW(0.553, 10.578, NULL, 11.669, NULL, NULL, NULL, NULL)::pnbd_model, 1, 0.5, 1.0, 0, 1.0);
\echo :LAST_ERROR_SQLSTATE
-- the model must be the same on every row
SELECT holdout_check(m, 1, 0.5, 1.0, 0, 1.0)
FROM (VALUES (ROW(0.243, 4.414, 0.793, 2.426, NULL, NULL, NULL, NULL)::bgnbd_model),
             (ROW(0.243, 4.4140000001, 0.793, 2.426, NULL, NULL, NULL, NULL)::bgnbd_model)) v(m);
\echo :LAST_ERROR_SQLSTATE
-- fields other than the parameters do not make another model
SELECT holdout_check(m, 1, 0.5, 1.0, 0, 1.0) IS NOT NULL AS same_parameters_same_model
FROM (VALUES (ROW(0.243, 4.414, 0.793, 2.426, NULL, NULL, NULL, NULL)::bgnbd_model),
             (ROW(0.243, 4.414, 0.793, 2.426, -9582.4, 2357, true, NULL)::bgnbd_model)) v(m);
SELECT rollup(s) FROM (SELECT holdout_check(bg, 1, 0.5, 1.0, 0, 1.0) AS s FROM models
                       UNION ALL SELECT holdout_check(bg_days, 1, 0.5, 1.0, 0, 1.0) FROM models) x;
\echo :LAST_ERROR_SQLSTATE
SELECT rollup(s) FROM (SELECT holdout_check(bg, 1, 0.5, 1.0, 0, 1.0) AS s FROM models
                       UNION ALL SELECT holdout_check(mb, 1, 0.5, 1.0, 0, 1.0) FROM models) x;
\echo :LAST_ERROR_SQLSTATE
-- a prediction no holdout period can have: a new customer (T = 0) of a
-- model whose purchase rate is 1e14 per unit of time, over 1,000 units
-- (r beta / alpha ln(1 + t / beta) = 6.9e14 purchases)
SELECT holdout_check(ROW(1e14, 1, 1, 1, NULL, NULL, NULL, NULL)::pnbd_model, 0, 0, 0, 0, 1000);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM holdout_by_frequency((SELECT bg FROM cdnow_checks), 0);
\echo :LAST_ERROR_SQLSTATE
-- sums of summaries beyond the range of an exact float8 sum
SELECT rollup(s) FROM (VALUES ('v1 model=bgnbd r=1 alpha=1 a=1 b=1 abs_error=3e47 squared_error=0 frequencies=0:1:0:0'::holdout_summary),
                              ('v1 model=bgnbd r=1 alpha=1 a=1 b=1 abs_error=3e47 squared_error=0 frequencies=0:1:0:0')) v(s);
\echo :LAST_ERROR_SQLSTATE
-- malformed text
SELECT 'v1 model=bgnbd r=1 alpha=1 a=1 b=1 abs_error=0 squared_error=0 frequencies=2:1:0:1,1:1:0:1'::holdout_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 model=bgnbd r=1 alpha=1 a=1 b=1 abs_error=0 squared_error=0 frequencies=2:0:0:1'::holdout_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 model=bgnbd r=1 alpha=1 a=1 b=1 abs_error=0 squared_error=0 frequencies=2:1:0:-1'::holdout_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 model=bgnbd r=1 alpha=0 a=1 b=1 abs_error=0 squared_error=0 frequencies=2:1:0:1'::holdout_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 model=bgbb r=1 alpha=1 a=1 b=1 abs_error=0 squared_error=0 frequencies='::holdout_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 model=bgnbd r=1 alpha=1 a=1 b=1 abs_error=1 squared_error=1 frequencies='::holdout_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 model=bgnbd r=1 alpha=1 a=1 b=1 abs_error=4e47 squared_error=0 frequencies=0:1:0:0'::holdout_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 model=bgnbd r=1 alpha=1 a=1 b=1 abs_error=2e47+2e47 squared_error=0 frequencies=0:1:0:0'::holdout_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 model=bgnbd r=1 alpha=1 a=1 b=1 abs_error=0 squared_error=0 frequencies=0:9223372036854775807:0:0,1:1:0:0'::holdout_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v2 model=bgnbd r=1 alpha=1 a=1 b=1 abs_error=0 squared_error=0 frequencies='::holdout_summary;
\echo :LAST_ERROR_SQLSTATE
