-- Demo report: contractual churn, customer survival and formula CLV.
\pset footer off
\echo
\echo '== Subscriptions: churn, survival and what retention is worth =='
\echo
\echo 'Subscription churn this quarter (2024-Q4, the period [2024-10-01, 2025-01-01)): subscriptions active on'
\echo '1 October, and those of them that ended within the quarter'
SELECT coalesce(plan, 'all') AS plan,
       retention.customers_start(s) AS active_on_oct_1, retention.churned(s) AS churned,
       round(retention.churn_rate(s)::numeric, 3) AS churn,
       round(retention.retention_rate(s)::numeric, 3) AS retention
FROM (SELECT plan, retention.churn_agg(started, ended, retention.period_range('quarter', DATE '2024-10-01')) AS s
      FROM shop.subscriptions GROUP BY ROLLUP (plan)) x
ORDER BY plan;

\echo 'Churn per quarter of 2024 (one aggregate per period, with GROUP BY the period; every cancellation'
\echo 'falls in exactly one quarter)'
SELECT to_char(lower(p), 'YYYY-"Q"Q') AS quarter,
       round(retention.churn_rate(started, ended, p)::numeric, 3) AS churn
FROM shop.subscriptions,
     (SELECT retention.period_range('quarter', d::date) AS p
      FROM generate_series(DATE '2024-01-01', DATE '2024-10-01', interval '3 months') d) quarters
GROUP BY p ORDER BY p;

\echo 'Customer survival (Kaplan-Meier over subscription lifetimes in days; still active on 2024-12-31 = censored)'
WITH lifetimes AS (
    SELECT retention.survival_agg(coalesce(ended, DATE '2024-12-31') - started, ended IS NOT NULL) AS s
    FROM shop.subscriptions
), curve AS (
    SELECT k.* FROM lifetimes, LATERAL retention.survival_curve(s) k
)
SELECT m AS days, round(c.survival::numeric, 3) AS still_subscribed,
       round(c.std_error::numeric, 3) AS std_error, c.time AS last_churn_day, c.at_risk AS at_risk_then
FROM unnest(ARRAY[30, 90, 180, 365, 540, 730]) m,
     LATERAL (SELECT * FROM curve WHERE time <= m ORDER BY time DESC LIMIT 1) c;

\echo 'Lifetime per plan: median and mean over the first two years (restricted mean, days)'
SELECT plan,
       retention.median_lifetime(s) AS median_days,
       round(retention.mean_lifetime(s, 730)::numeric, 1) AS mean_days_first_2_years,
       count AS subscriptions
FROM (SELECT plan, retention.survival_agg(coalesce(ended, DATE '2024-12-31') - started, ended IS NOT NULL) AS s,
             count(*)
      FROM shop.subscriptions GROUP BY plan) x
ORDER BY plan;

\echo 'What a 5-point retention gain is worth (quarterly retention of 2024-Q4, 30 % margin on the'
\echo 'average subscriber''s quarterly spend, 2.5 % discount rate per quarter)'
WITH quarter AS (
    SELECT retention.retention_rate(s) AS r, retention.customers_start(s) AS customers
    FROM (SELECT retention.churn_agg(started, ended, retention.period_range('quarter', DATE '2024-10-01')) AS s
          FROM shop.subscriptions) q4
), spend AS (
    SELECT sum(amount)::float8 / count(DISTINCT customer_id) AS per_customer
    FROM shop.orders WHERE order_date BETWEEN DATE '2024-10-01' AND DATE '2024-12-31'
), scenarios AS (
    SELECT label, least(r + gain, 0.99) AS r, 0.30 * per_customer AS margin, customers
    FROM quarter, spend, (VALUES ('today', 0.0), ('+5 points', 0.05)) v(label, gain)
)
SELECT label, round(r::numeric, 3) AS quarterly_retention, round(margin::numeric, 2) AS margin_per_quarter,
       round(retention.clv_retention(margin, r, 0.025)::numeric, 2) AS clv,
       round(retention.clv_retention(margin, r, 0.025, 12)::numeric, 2) AS clv_3_years,
       round((retention.clv_retention(margin, r, 0.025) * customers)::numeric, 0) AS customer_base_value
FROM scenarios ORDER BY r;

\echo 'Formula CLV: average order value x orders per year x expected years (from the restricted mean above)'
SELECT round(avg(amount), 2) AS average_order_value,
       round(count(*)::numeric / count(DISTINCT customer_id) / 2, 2) AS orders_per_year,
       round(retention.clv(avg(amount)::float8, count(*)::float8 / count(DISTINCT customer_id) / 2,
                           (SELECT retention.mean_lifetime(retention.survival_agg(
                                       coalesce(ended, DATE '2024-12-31') - started, ended IS NOT NULL), 730) / 365.25
                            FROM shop.subscriptions))::numeric, 2) AS clv_two_year_horizon
FROM shop.orders;
