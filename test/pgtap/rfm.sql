-- Customer value: rfm, rfm_segment and abc_class against plain SQL.
BEGIN;
SET LOCAL search_path = public, retention;
SELECT plan(27);

SELECT setseed(0.4);
-- 30,000 orders of 2,000 customers over 2023-2025 (observation end
-- 2024-12-31, so about a third come after it), in random order, several per
-- day, 5 % refunds, amounts of 0-4 decimal places, 1 % NULL amounts; a few
-- customers with amounts too large for the 128-bit fast path.
CREATE TEMP TABLE orders AS
SELECT 1 + floor(random() * 2000)::int AS customer_id,
       DATE '2023-01-01' + floor(random() * 1096)::int AS order_date,
       CASE WHEN random() < 0.01 THEN NULL
            ELSE round(((CASE WHEN random() < 0.05 THEN -1 ELSE 1 END) * random() * 500)::numeric,
                       floor(random() * 5)::int) END AS amount,
       floor(random() * 1000)::int AS bucket
FROM generate_series(1, 30000);
UPDATE orders SET amount = amount * 1e35 WHERE customer_id % 500 = 7;
UPDATE orders SET amount = amount + 1e-36 WHERE customer_id % 500 = 8;

CREATE TEMP TABLE by_rfm AS
SELECT customer_id, (rfm(order_date, amount, DATE '2024-12-31')).*
FROM orders GROUP BY customer_id;

-- the definitions of SPEC §4, stated directly
CREATE TEMP TABLE by_sql AS
WITH o AS (SELECT * FROM orders WHERE order_date <= DATE '2024-12-31' AND amount IS NOT NULL),
     days AS (SELECT customer_id, order_date, sum(amount) AS total FROM o GROUP BY 1, 2),
     firsts AS (SELECT customer_id, min(order_date) AS first_day FROM o GROUP BY 1)
SELECT customer_id, min(order_date) AS first_order, max(order_date) AS last_order,
       count(*) AS orders, sum(amount) AS revenue,
       (count(DISTINCT order_date) - 1)::int AS frequency,
       max(order_date) - min(order_date) AS recency,
       DATE '2024-12-31' - min(order_date) AS tenure,
       coalesce((SELECT avg(d.total) FROM days d
                 WHERE d.customer_id = o.customer_id
                   AND d.order_date > (SELECT first_day FROM firsts f WHERE f.customer_id = o.customer_id)),
                0)::float8 AS monetary_value
FROM o GROUP BY customer_id;

SELECT is((SELECT count(*) FROM by_rfm WHERE first_order IS NOT NULL),
          (SELECT count(*) FROM by_sql), 'one summary per customer with an order on or before the end');
SELECT is((SELECT count(*) FROM by_rfm WHERE first_order IS NULL),
          (SELECT count(DISTINCT customer_id) FROM orders
           WHERE customer_id NOT IN (SELECT customer_id FROM by_sql)),
          'NULL for customers with no order on or before the end');
SELECT is((SELECT count(*) FROM by_rfm r JOIN by_sql s USING (customer_id)
           WHERE (r.first_order, r.last_order, r.orders, r.frequency, r.recency, r.tenure)
                 IS DISTINCT FROM (s.first_order, s.last_order, s.orders, s.frequency, s.recency, s.tenure)),
          0::bigint, 'dates, orders, frequency, recency and tenure equal the definitions');
SELECT is((SELECT count(*) FROM by_rfm r JOIN by_sql s USING (customer_id)
           WHERE r.revenue <> s.revenue OR r.revenue::text <> s.revenue::text),
          0::bigint, 'revenue equals sum(amount) exactly, digit for digit');
SELECT ok((SELECT count(*) FROM by_rfm WHERE abs(revenue) >= 1e37 OR scale(revenue) > 30) > 0,
          'the data include revenues beyond the 128-bit fast path');
SELECT is((SELECT count(*) FROM by_rfm r JOIN by_sql s USING (customer_id)
           WHERE abs(r.monetary_value - s.monetary_value) > 1e-12 * greatest(abs(s.monetary_value), 1e-300)),
          0::bigint, 'monetary_value = mean total of the repeat days (1e-12 relative)');
SELECT is((SELECT count(*) FROM by_rfm WHERE frequency = 0 AND monetary_value <> 0),
          0::bigint, 'monetary_value is 0 for one-day customers');

-- the hand-written SQL of SPEC §6 (over the rows up to the end)
SELECT is((SELECT count(*) FROM by_rfm r FULL JOIN (
               SELECT customer_id, count(*) - 1 AS frequency, max(d) - min(d) AS recency,
                      DATE '2024-12-31' - min(d) AS tenure,
                      CASE WHEN count(*) > 1 THEN (sum(t) - (array_agg(t ORDER BY d))[1]) / (count(*) - 1) ELSE 0 END AS monetary
               FROM (SELECT customer_id, order_date d, sum(amount) t FROM orders
                     WHERE order_date <= DATE '2024-12-31' AND amount IS NOT NULL GROUP BY 1, 2) x
               GROUP BY 1) h USING (customer_id)
           WHERE r.first_order IS NOT NULL
             AND ((r.frequency, r.recency, r.tenure) IS DISTINCT FROM (h.frequency::int, h.recency, h.tenure)
                  OR abs(r.monetary_value - h.monetary::float8) > 1e-12 * greatest(abs(h.monetary::float8), 1e-300))),
          0::bigint, 'equals the hand-written SQL of SPEC §6');

-- float8 amounts: the same days and counts, sums within float8 precision
SELECT is((SELECT count(*) FROM (SELECT customer_id, (rfm(order_date, amount::float8, DATE '2024-12-31')).*
                                 FROM orders WHERE customer_id % 500 NOT IN (7, 8) GROUP BY 1) f
           JOIN by_rfm r USING (customer_id)
           WHERE (f.first_order, f.last_order, f.orders, f.frequency, f.recency, f.tenure)
                 IS DISTINCT FROM (r.first_order, r.last_order, r.orders, r.frequency, r.recency, r.tenure)
              OR abs(f.revenue - r.revenue) > 1e-6
              OR abs(f.monetary_value - r.monetary_value) > 1e-6),
          0::bigint, 'float8 amounts give the same summary within float8 precision');

-- timestamptz at midnight in the session time zone gives the date's summary
SELECT is((SELECT count(*) FROM (SELECT customer_id, rfm(order_date::timestamptz, amount, DATE '2024-12-31') AS t,
                                        rfm(order_date, amount, DATE '2024-12-31') AS d
                                 FROM orders GROUP BY 1) x WHERE t IS DISTINCT FROM d),
          0::bigint, 'rfm(timestamptz) = rfm(date) at midnight');

-- rollup of states of random partitions equals the state of all rows
SELECT is((SELECT count(*) FROM
             (SELECT customer_id, rollup(s)::text AS s
              FROM (SELECT customer_id, rfm_agg(order_date, amount, DATE '2024-12-31') AS s
                    FROM orders GROUP BY customer_id, bucket % k) p GROUP BY 1) a
             FULL JOIN (SELECT customer_id, rfm_agg(order_date, amount, DATE '2024-12-31')::text AS s
                        FROM orders GROUP BY 1) b USING (customer_id)
           WHERE a.s IS DISTINCT FROM b.s),
          0::bigint, format('rollup over %s random partitions = rfm_agg', k))
FROM unnest(ARRAY[2, 7, 1000]) k;
SELECT is((SELECT count(*) FROM
             (SELECT customer_id, rfm(rollup(s ORDER BY part DESC)) AS r
              FROM (SELECT customer_id, bucket AS part, rfm_agg(order_date, amount, DATE '2024-12-31') AS s
                    FROM orders GROUP BY 1, 2) p GROUP BY 1) a
           JOIN (SELECT customer_id, rfm(order_date, amount, DATE '2024-12-31') AS r FROM orders GROUP BY 1) b
           USING (customer_id) WHERE a.r IS DISTINCT FROM b.r),
          0::bigint, 'rfm of a rollup in reverse order = rfm');

-- text round trip of random states
SELECT is((SELECT count(*) FROM (SELECT rfm_agg(order_date, amount, DATE '2024-12-31') s FROM orders GROUP BY customer_id) x
           WHERE s::text::rfm_state::text <> s::text), 0::bigint, 'rfm_state text round trip');
-- (float8 amounts of 2^95 or more, as those of customers 7, 507, ..., are
-- refused: test/pgtap/float_sum.sql)
SELECT is((SELECT count(*) FROM (SELECT rfm_agg(order_date, amount::float8, DATE '2024-12-31') s FROM orders
                                 WHERE customer_id % 500 <> 7 GROUP BY customer_id) x
           WHERE s::text::rfm_state::text <> s::text), 0::bigint, 'rfm_state (float8) text round trip');

-- rfm_segment against the table of SPEC §4, written as CASE
SELECT is((SELECT count(*) FROM generate_series(1, 5) r, generate_series(1, 5) f, generate_series(1, 5) m,
                  LATERAL (SELECT round((f + m) / 2.0)::int AS fm) x
           WHERE rfm_segment(r, f, m) IS DISTINCT FROM
                 CASE WHEN r >= 4 AND fm >= 4 THEN 'Champions'
                      WHEN r >= 4 AND fm >= 2 THEN 'Potential Loyalists'
                      WHEN r = 5 THEN 'New Customers'
                      WHEN r = 4 THEN 'Promising'
                      WHEN r = 3 AND fm >= 4 THEN 'Loyal Customers'
                      WHEN r = 3 AND fm = 3 THEN 'Need Attention'
                      WHEN r = 3 THEN 'About To Sleep'
                      WHEN fm = 5 THEN 'Can''t Lose Them'
                      WHEN fm >= 3 THEN 'At Risk'
                      WHEN r = 2 THEN 'Hibernating'
                      ELSE 'Lost' END),
          0::bigint, 'rfm_segment follows the SPEC table for all 125 scores');

-- abc_class against a running sum, with ties, NULLs, zeros and negatives
CREATE TEMP TABLE items AS
SELECT i AS id, i % 7 AS grp,
       CASE WHEN random() < 0.05 THEN NULL
            WHEN random() < 0.1 THEN -round((random() * 10)::numeric, 2)
            ELSE round((random() * random() * 100)::numeric, floor(random() * 3)::int) END AS value
FROM generate_series(1, 5000) i;
INSERT INTO items SELECT 100000 + i, 7, CASE WHEN i % 2 = 0 THEN 0 ELSE -1 END FROM generate_series(1, 10) i;
SELECT is((SELECT count(*) FROM (
               SELECT id, abc_class(value) OVER w AS abc, abc_class(value, a, b) OVER w AS abc2,
                      coalesce(sum(greatest(coalesce(value, 0), 0)) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS ahead,
                      sum(greatest(coalesce(value, 0), 0)) OVER (PARTITION BY grp) AS total,
                      a, b, value
               FROM items, (VALUES (0.5::float8, 0.7::float8)) s(a, b)
               WINDOW w AS (PARTITION BY grp ORDER BY value DESC NULLS LAST, id)) x
           WHERE abc <> CASE WHEN coalesce(value, 0) <= 0 OR total <= 0 THEN 'C'
                             WHEN ahead < 0.80 * total THEN 'A' WHEN ahead < 0.95 * total THEN 'B' ELSE 'C' END
              OR abc2 <> CASE WHEN coalesce(value, 0) <= 0 OR total <= 0 THEN 'C'
                              WHEN ahead < 0.5 * total THEN 'A' WHEN ahead < 0.7 * total THEN 'B' ELSE 'C' END),
          0::bigint, 'abc_class equals the running-sum definition, per partition');
SELECT ok((SELECT count(DISTINCT abc) = 3 FROM (SELECT abc_class(value) OVER (ORDER BY value DESC NULLS LAST) abc FROM items) x),
          'the data have all three classes');
SELECT is((SELECT array_agg(abc ORDER BY id) FROM (SELECT id, abc_class(value) OVER (ORDER BY value DESC) abc
                                                   FROM items WHERE grp = 7) x),
          array_fill('C'::text, ARRAY[10]), 'a partition total of 0 puts every row in C');

-- errors
SELECT throws_ok($$SELECT rfm_segment(6, 1, 1)$$, '22003', 'recency score 6 is out of range', 'R score above 5');
SELECT throws_ok($$SELECT rfm_segment(1, 0, 1)$$, '22003', 'frequency score 0 is out of range', 'F score below 1');
SELECT throws_ok($$SELECT rfm_segment(1, 1, 9)$$, '22003', 'monetary score 9 is out of range', 'M score above 5');
SELECT throws_ok($$SELECT abc_class(1, 0.9, 0.8) OVER ()$$, '22023', NULL, 'a_share above b_share');
SELECT throws_ok($$SELECT abc_class(1, 0.5, 1.01) OVER ()$$, '22023', NULL, 'b_share above 1');
SELECT throws_ok($$SELECT rfm(d, 1, e) FROM (VALUES (DATE '2024-01-01', DATE '2024-12-31'), ('2024-01-01', '2024-12-30')) v(d, e)$$,
                 '22023', NULL, 'observation_end differing within a group');
SELECT throws_ok($$SELECT 'v2 amounts=numeric end=2024-12-31 orders=1'::rfm_state$$, '22P02', NULL, 'truncated rfm_state text');

SELECT * FROM finish();
ROLLBACK;
