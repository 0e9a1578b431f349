-- Demo report: is the purchase model any good?  The BG/NBD model of
-- 50_btyd.sql, fitted on the orders up to 2024-06-30 only, against what the
-- customers then did in the second half of 2024 (doc/btyd-family.md).
\pset footer off
\echo
\echo '== Checking the purchase model against a holdout period =='
\echo
\set QUIET on
-- calibration until 2024-06-30, holdout 2024-07-01 .. 2024-12-31 (184 days):
-- one row per customer who ordered before July, as lifetimes'
-- calibration_and_holdout_data returns them
CREATE TEMP TABLE shop_calibration_holdout AS
SELECT * FROM retention.calibration_holdout(NULL::bigint,
    (SELECT retention.purchases_agg(customer_id, order_date, amount) FROM shop.orders),
    '2024-06-30', '2024-12-31');
CREATE TEMP TABLE shop_calibration_models AS
SELECT retention.bgnbd_fit(frequency_cal, recency_cal, tenure_cal) AS bg,
       retention.pnbd_fit(frequency_cal, recency_cal, tenure_cal) AS pn
FROM shop_calibration_holdout;
CREATE TEMP TABLE shop_holdout_checks AS
SELECT retention.holdout_check(bg, frequency_cal, recency_cal, tenure_cal, frequency_holdout, duration_holdout) AS bg,
       retention.holdout_check(pn, frequency_cal, recency_cal, tenure_cal, frequency_holdout, duration_holdout) AS pn
FROM shop_calibration_holdout, shop_calibration_models;
\set QUIET off

\echo 'BG/NBD fitted on the orders up to 2024-06-30: mean purchase days per customer in the 184 days after,'
\echo 'actual and predicted, by repeat purchase days before (the last row: 7 or more)'
SELECT frequency_cal AS repeat_days_before, customers,
       round(actual::numeric, 2) AS actual, round(predicted::numeric, 2) AS predicted
FROM retention.holdout_by_frequency((SELECT bg FROM shop_holdout_checks));

\echo 'Over all customers: totals, mean absolute error, root mean squared error, bias (predicted - actual),'
\echo 'for BG/NBD and, fitted and checked the same way, Pareto/NBD'
SELECT model, e.customers, e.actual_total, round(e.predicted_total::numeric) AS predicted_total,
       round(e.mae::numeric, 3) AS mae, round(e.rmse::numeric, 3) AS rmse, round(e.bias::numeric, 3) AS bias
FROM shop_holdout_checks,
     LATERAL (VALUES ('BG/NBD', bg), ('Pareto/NBD', pn)) v(model, s),
     LATERAL retention.holdout_error(s) e;
DROP TABLE shop_holdout_checks, shop_calibration_models, shop_calibration_holdout;
