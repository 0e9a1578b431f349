-- Demo report: subscription economics -- the MRR waterfall and the
-- shifted-beta-geometric projection of survival against what happened.
\pset footer off
\echo
\echo '== Subscription economics: MRR movements and projected retention =='
\echo
\echo 'MRR waterfall per quarter (basic = 19/month, plus = 49/month; plus subscribers start on basic for their first 90 days, for illustration)'
WITH plans AS (
    SELECT customer_id, started, ended, CASE plan WHEN 'basic' THEN 19 ELSE 49 END::numeric AS mrr
    FROM shop.subscriptions
    WHERE plan = 'basic' OR coalesce(ended, DATE '2025-01-01') - started <= 90
    UNION ALL
    SELECT customer_id, started, started + 90, 19 FROM shop.subscriptions
    WHERE plan = 'plus' AND coalesce(ended, DATE '2025-01-01') - started > 90
    UNION ALL
    SELECT customer_id, started + 90, ended, 49 FROM shop.subscriptions
    WHERE plan = 'plus' AND coalesce(ended, DATE '2025-01-01') - started > 90
)
SELECT to_char(period, 'YYYY-"Q"Q') AS quarter, mrr_start, new, expansion, contraction, churned,
       reactivation, mrr_end, customers_end AS customers,
       round(gross_revenue_retention::numeric, 3) AS grr, round(net_revenue_retention::numeric, 3) AS nrr,
       complete
FROM retention.mrr_movements((SELECT retention.mrr_agg(customer_id, started, ended, mrr) FROM plans), 'quarter');

\echo 'Survival by month of subscription: shifted-beta-geometric fit on the first 12 months of every subscription, projected to 24 months, against Kaplan-Meier on all months'
WITH lives AS (
    SELECT (coalesce(ended, DATE '2024-12-31') - started) / 30 AS months, ended IS NOT NULL AS churned
    FROM shop.subscriptions
), model AS (
    SELECT retention.sbg_fit(least(greatest(months, 1), 12), churned AND greatest(months, 1) <= 12) AS m
    FROM lives
), km AS (
    SELECT k.* FROM (SELECT retention.survival_agg(greatest(months, 1), churned) AS s FROM lives) x,
                    LATERAL retention.survival_curve(s) k
)
SELECT c.period AS month, round(c.survival::numeric, 3) AS projected,
       (SELECT round(km.survival::numeric, 3) FROM km WHERE km.time <= c.period ORDER BY km.time DESC LIMIT 1)
           AS actual,
       CASE WHEN c.period > 12 THEN 'projected' ELSE 'fitted' END AS months
FROM model, LATERAL retention.sbg_curve(m, 24) c
WHERE c.period IN (1, 3, 6, 9, 12, 15, 18, 21, 24);

\echo 'What a subscriber is worth (margin 19/month, 1 % monthly discount), and what +1 % on every future retention rate adds'
WITH model AS (
    SELECT retention.sbg_fit(greatest((coalesce(ended, DATE '2024-12-31') - started) / 30, 1), ended IS NOT NULL) AS m
    FROM shop.subscriptions
)
SELECT n AS renewals, round(retention.derl(m, n, 0.01)::numeric, 1) AS discounted_months_left,
       round(retention.clv(m, 19, 0.01, n)::numeric, 2) AS residual_value,
       round(retention.retention_elasticity(m, 0.01, n)::numeric, 2) AS elasticity,
       round((retention.clv(m, 19, 0.01, n) * retention.retention_elasticity(m, 0.01, n) / 100)::numeric, 2)
           AS value_of_1pct_retention
FROM model, unnest(ARRAY[0, 6, 12, 24]) n;
