-- Demo report: activity -- cohorts, lifecycle and non-contractual churn.
\pset footer off
\echo
\echo '== Activity: cohorts, lifecycle, churn =='
\echo
-- one summary of the whole order history, reused by every query below
CREATE TEMP TABLE shop_activity AS
SELECT retention.activity_agg(customer_id, order_date) AS a FROM shop.orders;

\echo 'Customers, and the share who ordered on two or more days'
SELECT retention.customers(a) AS customers,
       round(retention.repeat_purchase_rate(a)::numeric, 3) AS repeat_purchase_rate
FROM shop_activity;

\echo 'Monthly cohort triangle, 2024 cohorts: share of each cohort active k months later'
SELECT to_char(cohort, 'YYYY-MM') AS cohort, max(cohort_size) AS size,
       round(100 * max(retention) FILTER (WHERE period_offset = 1)) AS "m+1 %",
       round(100 * max(retention) FILTER (WHERE period_offset = 2)) AS "m+2 %",
       round(100 * max(retention) FILTER (WHERE period_offset = 3)) AS "m+3 %",
       round(100 * max(retention) FILTER (WHERE period_offset = 6)) AS "m+6 %",
       round(100 * max(retention) FILTER (WHERE period_offset = 9)) AS "m+9 %"
FROM retention.cohort_retention((SELECT a FROM shop_activity), 'month')
WHERE cohort >= DATE '2024-01-01'
GROUP BY cohort ORDER BY cohort;

\echo 'Lifecycle per quarter: new, returning, resurrecting and dormant customers'
SELECT to_char(period, 'YYYY-"Q"Q') AS quarter, new, "returning", resurrecting, dormant
FROM retention.lifecycle((SELECT a FROM shop_activity), 'quarter');

\echo 'Monthly churn in 2024: customers active last month who did not come back'
SELECT to_char(period, 'YYYY-MM') AS month, customers_start, retained, new, customers_end,
       round(retention_rate::numeric, 3) AS retention_rate,
       round(churn_rate::numeric, 3) AS churn_rate
FROM retention.period_retention((SELECT a FROM shop_activity), 'month')
WHERE period >= DATE '2024-01-01';

\echo 'Stickiness: in how many weeks of a month were customers active?'
SELECT active_periods AS weeks, customers
FROM retention.stickiness((SELECT a FROM shop_activity), 'week', 'month');

\echo 'Recipe: a materialized view of daily activity, rolled up to months'
CREATE MATERIALIZED VIEW shop_daily_activity AS
SELECT order_date AS day, retention.activity_agg(customer_id, order_date) AS a
FROM shop.orders GROUP BY order_date;
SELECT to_char(date_trunc('month', day), 'YYYY-MM') AS month,
       retention.customers(retention.rollup(a)) AS active_customers,
       round(retention.repeat_purchase_rate(retention.rollup(a))::numeric, 3) AS repeat_rate_within_month
FROM shop_daily_activity
WHERE day >= DATE '2024-07-01'
GROUP BY 1 ORDER BY 1;
DROP MATERIALIZED VIEW shop_daily_activity;
DROP TABLE shop_activity;
