-- Demo report: customer value (RFM summaries, segments, ABC classes).
\pset footer off
\echo
\echo '== Customer value: RFM segments and ABC classes =='
\echo
\echo 'Customer base at 2024-12-31 (BTYD conventions: frequency = repeat purchase days, days for recency and tenure)'
WITH rfm AS (
    SELECT customer_id, (retention.rfm(order_date, amount, DATE '2024-12-31')).*
    FROM shop.orders GROUP BY customer_id
)
SELECT count(*) AS customers,
       count(*) FILTER (WHERE frequency = 0) AS one_time_buyers,
       round(avg(frequency), 2) AS avg_frequency,
       round(avg(recency)) AS avg_recency_days,
       round(avg(tenure)) AS avg_tenure_days,
       sum(revenue) AS revenue,
       round(avg(monetary_value) FILTER (WHERE frequency > 0)::numeric, 2) AS avg_repeat_day_value
FROM rfm;

\echo 'RFM segments (quintile scores by ntile(5): R by last order, F by purchase days, M by revenue),'
\echo 'from every customer''s RFM at once: customer_rfm over one purchases summary of the orders'
WITH rfm AS (
    SELECT * FROM retention.customer_rfm(NULL::bigint,
        (SELECT retention.purchases_agg(customer_id, order_date, amount) FROM shop.orders),
        DATE '2024-12-31')
), scored AS (
    SELECT *, retention.rfm_segment(ntile(5) OVER (ORDER BY last_order, customer_id)::int,
                                    ntile(5) OVER (ORDER BY frequency, customer_id)::int,
                                    ntile(5) OVER (ORDER BY revenue, customer_id)::int) AS segment
    FROM rfm
)
SELECT segment, count(*) AS customers,
       round(100.0 * count(*) / sum(count(*)) OVER (), 1) AS "% customers",
       sum(revenue) AS revenue,
       round(100.0 * sum(revenue) / sum(sum(revenue)) OVER (), 1) AS "% revenue",
       round(avg(DATE '2024-12-31' - last_order)) AS avg_days_since_last
FROM scored GROUP BY segment ORDER BY revenue DESC;

\echo 'ABC classes by revenue (A: the customers bringing the first 80 %, B: the next 15 %, C: the rest)'
WITH rfm AS (
    SELECT customer_id, (retention.rfm(order_date, amount, DATE '2024-12-31')).revenue
    FROM shop.orders GROUP BY customer_id
), classed AS (
    SELECT revenue, retention.abc_class(revenue) OVER (ORDER BY revenue DESC, customer_id) AS class
    FROM rfm
)
SELECT class, count(*) AS customers,
       round(100.0 * count(*) / sum(count(*)) OVER (), 1) AS "% customers",
       sum(revenue) AS revenue,
       round(100.0 * sum(revenue) / sum(sum(revenue)) OVER (), 1) AS "% revenue"
FROM classed GROUP BY class ORDER BY class;
