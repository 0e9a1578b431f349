-- The demo's sample shop, generated deterministically (setseed), two years
-- of it: customers, their orders, subscriptions and survey answers.
--
-- Customers buy by a BG/NBD-like process: each has a purchase rate and a
-- chance of dropping out after each purchase, so the data has one-time
-- buyers, loyal regulars and customers who went quiet.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS shop CASCADE;
CREATE SCHEMA shop;
SELECT setseed(0.1977) \g /dev/null

CREATE TABLE shop.customers AS
SELECT c AS customer_id,
       DATE '2023-01-01' + floor(random() * 700)::int AS signed_up,
       (ARRAY['web', 'app', 'store'])[1 + floor(random() * 3)::int] AS channel,
       -- purchases per day: mean 1/30, heavy right tail
       (-ln(1 - random()) * -ln(1 - random())) / 30 AS rate,
       random() * 0.3 AS dropout,
       10 + floor(random() * 60) AS basket
FROM generate_series(1::bigint, 2000) c;

-- Up to 40 purchases each: exponential gaps, a coin per purchase decides
-- whether the customer is still alive for the next one.
CREATE TABLE shop.orders AS
WITH draws AS (
    SELECT c.customer_id, c.signed_up, c.basket, k,
           -ln(1 - random()) / c.rate AS gap,
           random() < c.dropout AS drops
    FROM shop.customers c, generate_series(1, 40) k
), paths AS (
    SELECT customer_id, signed_up, basket, k,
           CASE WHEN k = 1 THEN 0 ELSE sum(gap) OVER w - first_value(gap) OVER w END AS offset_days,
           count(*) FILTER (WHERE drops) OVER (PARTITION BY customer_id ORDER BY k
                                               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS dropped
    FROM draws
    WINDOW w AS (PARTITION BY customer_id ORDER BY k)
)
SELECT row_number() OVER (ORDER BY signed_up + floor(offset_days)::int, customer_id, k) AS order_id,
       customer_id,
       signed_up + floor(offset_days)::int AS order_date,
       round((basket * (0.5 + random()))::numeric, 2) AS amount
FROM paths
WHERE coalesce(dropped, 0) = 0
  AND signed_up + floor(offset_days)::int <= DATE '2024-12-31';

-- Subscriptions: one per customer, 70 % of them ended.
CREATE TABLE shop.subscriptions AS
SELECT customer_id,
       (ARRAY['basic', 'plus'])[1 + floor(random() * 2)::int] AS plan,
       signed_up AS started,
       CASE WHEN random() < 0.7
            THEN signed_up + 1 + floor(-ln(1 - random()) * 300)::int END AS ended
FROM shop.customers;
UPDATE shop.subscriptions SET ended = NULL WHERE ended > DATE '2024-12-31';

-- Survey answers after some orders: NPS 0-10 and CSAT 1-5, skewed positive.
CREATE TABLE shop.nps_answers AS
SELECT o.customer_id, o.order_date AS answered_on, c.channel,
       least(10, greatest(0, round(8.0 + 2.6 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))))::int AS score
FROM shop.orders o JOIN shop.customers c USING (customer_id)
WHERE random() < 0.3;

CREATE TABLE shop.csat_answers AS
SELECT o.customer_id, o.order_date AS answered_on, c.channel,
       (ARRAY[1, 2, 3, 3, 4, 4, 4, 5, 5, 5])[1 + floor(random() * 10)::int] AS score
FROM shop.orders o JOIN shop.customers c USING (customer_id)
WHERE random() < 0.2;

ANALYZE shop.customers, shop.orders, shop.subscriptions, shop.nps_answers, shop.csat_answers;

SELECT (SELECT count(*) FROM shop.customers) AS customers,
       (SELECT count(*) FROM shop.orders) AS orders,
       (SELECT count(*) FROM shop.subscriptions) AS subscriptions,
       (SELECT count(*) FROM shop.nps_answers) AS nps_answers,
       (SELECT count(*) FROM shop.csat_answers) AS csat_answers;
