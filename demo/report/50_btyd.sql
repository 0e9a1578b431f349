-- Demo report: predictive CLV with the BG/NBD and Gamma-Gamma models.
\pset footer off
\echo
\echo '== Predictive CLV: who will buy again, and what are they worth? =='
\echo
\set QUIET on
-- Each customer's BTYD summary in days at the end of the data, 2024-12-31:
-- frequency = distinct purchase days - 1, recency = first to last purchase day,
-- tenure = first purchase day to the end, monetary_value = mean daily spend over
-- the repeat purchase days.
CREATE TEMP TABLE btyd_summary AS
SELECT customer_id,
       (count(*) - 1)::int AS frequency,
       (max(day) - min(day))::float8 AS recency,
       (DATE '2024-12-31' - min(day))::float8 AS tenure,
       CASE WHEN count(*) > 1
            THEN ((sum(spend) - (array_agg(spend ORDER BY day))[1]) / (count(*) - 1))::float8
            ELSE 0 END AS monetary_value
FROM (SELECT customer_id, order_date AS day, sum(amount) AS spend
      FROM shop.orders WHERE order_date <= DATE '2024-12-31' GROUP BY 1, 2) d
GROUP BY customer_id;

CREATE TEMP TABLE btyd_models AS
SELECT retention.bgnbd_fit(frequency, recency, tenure) AS purchases,
       retention.gammagamma_fit(frequency, monetary_value) AS spend
FROM btyd_summary;
\set QUIET off

\echo 'The fitted models (times in days)'
SELECT round((purchases).r::numeric, 3) AS r, round((purchases).alpha::numeric, 2) AS alpha,
       round((purchases).a::numeric, 3) AS a, round((purchases).b::numeric, 3) AS b,
       (purchases).customers AS customers, (purchases).converged AS converged,
       round((spend).p::numeric, 2) AS p, round((spend).q::numeric, 2) AS q,
       round((spend).v::numeric, 2) AS v, (spend).customers AS repeat_customers
FROM btyd_models;

\echo 'Top customers by predicted 12-month CLV (1 % monthly discount)'
SELECT s.customer_id, s.frequency, s.recency::int AS recency, s.tenure::int AS tenure,
       round(s.monetary_value::numeric, 2) AS avg_spend,
       round(retention.p_alive(purchases, frequency, recency, tenure)::numeric, 3) AS p_alive,
       round(retention.expected_purchases(purchases, 360, frequency, recency, tenure)::numeric, 2)
           AS purchases_next_360_days,
       round(retention.expected_spend(spend, frequency, monetary_value)::numeric, 2) AS expected_spend,
       round(retention.clv(purchases, spend, frequency, recency, tenure, monetary_value, 12, 0.01)::numeric, 2)
           AS clv_12_months
FROM btyd_summary s, btyd_models
ORDER BY clv_12_months DESC, s.customer_id
LIMIT 10;

\echo 'Customers likely lost: repeat buyers with P(alive) < 0.3, by what they used to spend'
SELECT s.customer_id, s.frequency, s.recency::int AS recency, s.tenure::int AS tenure,
       s.tenure::int - s.recency::int AS days_silent,
       round(retention.p_alive(purchases, frequency, recency, tenure)::numeric, 3) AS p_alive,
       round((s.frequency * s.monetary_value)::numeric, 2) AS repeat_revenue
FROM btyd_summary s, btyd_models
WHERE retention.p_alive(purchases, frequency, recency, tenure) < 0.3
ORDER BY repeat_revenue DESC, s.customer_id
LIMIT 10;

\echo 'How many are likely lost, and the predicted value of the whole base'
SELECT count(*) AS customers,
       count(*) FILTER (WHERE retention.p_alive(purchases, frequency, recency, tenure) < 0.3) AS likely_lost,
       round(sum(retention.expected_purchases(purchases, 360, frequency, recency, tenure))::numeric, 0)
           AS purchases_next_360_days,
       round(sum(retention.clv(purchases, spend, frequency, recency, tenure, monetary_value, 12, 0.01))::numeric, 0)
           AS clv_12_months
FROM btyd_summary, btyd_models;
