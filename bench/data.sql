-- The standard data set of SPEC §6, generated deterministically:
-- 1,000,000 customers, 10,000,000 orders over 5 years (2020-2024, stored in
-- date order, as order tables usually are), 10,000,000 survey responses and
-- one subscription per customer.  bench/run.sh sets :customers, :orders and
-- :responses (SCALE times these numbers).
\set ON_ERROR_STOP 1
DROP SCHEMA IF EXISTS bench CASCADE;
CREATE SCHEMA bench;
SELECT setseed(0.2024) \g /dev/null

CREATE TABLE bench.customers AS
SELECT c AS customer_id,
       DATE '2020-01-01' + ((c * 7919) % 1700)::int AS first_seen
FROM generate_series(1::bigint, :customers) c;

-- Order volume is skewed: low customer ids buy far more often.
CREATE TABLE bench.orders AS
SELECT customer_id, order_date, amount
FROM (SELECT c.customer_id,
             c.first_seen + floor(random() * (DATE '2024-12-31' - c.first_seen + 1))::int AS order_date,
             round((5 + random() * 95)::numeric, 2) AS amount
      FROM (SELECT 1 + floor(:customers * random() ^ 2)::bigint AS customer_id
            FROM generate_series(1, :orders)) o
      JOIN bench.customers c USING (customer_id)) x
ORDER BY order_date;

CREATE TABLE bench.responses AS
SELECT CASE WHEN random() < 0.01 THEN NULL ELSE floor(random() * 11)::int END AS score,
       CASE WHEN random() < 0.01 THEN NULL ELSE 1 + floor(random() * 5)::int END AS csat
FROM generate_series(1, :responses);

CREATE TABLE bench.subscriptions AS
SELECT customer_id, first_seen AS started,
       CASE WHEN random() < 0.6 THEN first_seen + 30 + floor(random() * 900)::int END AS ended
FROM bench.customers;

VACUUM ANALYZE bench.customers, bench.orders, bench.responses, bench.subscriptions;
