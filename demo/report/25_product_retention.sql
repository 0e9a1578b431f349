-- Demo report: retention as product teams define it (doc/product-retention.md).
\pset footer off
\echo
\echo '== Product retention: brackets, live customers, stage flows =='
\echo
CREATE TEMP TABLE shop_product_activity AS
SELECT retention.activity_agg(customer_id, order_date) AS a FROM shop.orders;

\echo 'Bracket retention by quarterly cohort: share who ordered again on days 1-7, 8-30, 31-90, 91-365'
SELECT to_char(cohort, 'YYYY-"Q"Q') AS cohort, max(cohort_size) AS size,
       round(100 * max(retention) FILTER (WHERE bracket = 1)) AS "d1-7 %",
       round(100 * max(retention) FILTER (WHERE bracket = 2)) AS "d8-30 %",
       round(100 * max(retention) FILTER (WHERE bracket = 3)) AS "d31-90 %",
       round(100 * max(retention) FILTER (WHERE bracket = 4)) AS "d91-365 %",
       string_agg(CASE WHEN NOT complete THEN bracket::text END, ',' ORDER BY bracket) AS "still running"
FROM retention.bracket_retention((SELECT a FROM shop_product_activity), '{1,8,31,91,366}', 'quarter')
GROUP BY cohort ORDER BY cohort;

\echo 'Live customers: ordered in the last 28 days, at the end of each month of 2024'
SELECT string_agg(to_char(day, 'Mon') || ' ' || active, '  ' ORDER BY day) AS "28-day active customers"
FROM retention.active_customers((SELECT a FROM shop_product_activity), 28)
WHERE day >= DATE '2024-01-01' AND day = (date_trunc('month', day) + interval '1 month - 1 day')::date;

\echo 'Churn by 90 days of silence, per quarter (live_end = live_start + new + reactivated - churned)'
SELECT to_char(period, 'YYYY-"Q"Q') AS quarter, live_start, new, reactivated, churned, live_end,
       round(churn_rate::numeric, 3) AS churn_rate, complete
FROM retention.inactivity_churn((SELECT a FROM shop_product_activity), 90, 'quarter');

\echo 'Stage flows into the last quarter of 2024 (a Sankey diagram''s links)'
SELECT coalesce(from_stage, '(first order)') AS "from", to_stage AS "to", customers
FROM retention.stage_transitions((SELECT a FROM shop_product_activity), 'quarter')
WHERE period = DATE '2024-10-01'
ORDER BY customers DESC, 1, 2;

\echo 'CRM export: dormant customers at the end of 2024, with their channel'
SELECT c.channel, count(*) AS dormant, max(s.last_active) AS latest_order
FROM retention.customer_stages(NULL::bigint, (SELECT a FROM shop_product_activity), 'quarter', DATE '2024-12-31') s
JOIN shop.customers c USING (customer_id)
WHERE s.stage = 'dormant'
GROUP BY c.channel ORDER BY 1;

\echo 'Time to the second order (weeks), and the share of each quarter''s new customers who came back within 30 days'
SELECT days / 7 AS weeks, sum(customers) AS customers
FROM retention.time_to_repeat((SELECT a FROM shop_product_activity))
WHERE days < 12 * 7 GROUP BY 1 ORDER BY 1;
SELECT to_char(cohort, 'YYYY-MM') AS cohort, cohort_size, repeated, round(rate::numeric, 3) AS rate, complete
FROM retention.repeat_within((SELECT a FROM shop_product_activity), 30, 'quarter');
DROP TABLE shop_product_activity;
