-- Purchases: customer_rfm against rfm GROUP BY customer, calibration_holdout
-- against plain SQL, rollup of random partitions, parallel against serial.
BEGIN;
SET LOCAL search_path = public, retention;
SELECT plan(16);

SELECT setseed(0.15);
-- 20,000 orders of 1,500 customers over 2023-2025, several per day, refunds,
-- amounts of 0-4 decimal places, NULL amounts
CREATE TEMP TABLE orders AS
SELECT 1 + floor(random() * 1500)::bigint AS customer_id,
       DATE '2023-01-01' + floor(random() * 1096)::int AS order_date,
       CASE WHEN random() < 0.01 THEN NULL
            ELSE round(((CASE WHEN random() < 0.05 THEN -1 ELSE 1 END) * random() * 500)::numeric,
                       floor(random() * 5)::int) END AS amount,
       floor(random() * 16)::int AS part
FROM generate_series(1, 20000);
ANALYZE orders;

SELECT is_empty($$
    (SELECT * FROM customer_rfm(NULL::bigint, (SELECT purchases_agg(customer_id, order_date, amount) FROM orders), '2024-12-31')
     EXCEPT ALL
     SELECT customer_id, (rfm(order_date, amount, '2024-12-31')).* FROM orders GROUP BY 1
     HAVING rfm(order_date, amount, '2024-12-31') IS NOT NULL)
    UNION ALL
    (SELECT customer_id, (rfm(order_date, amount, '2024-12-31')).* FROM orders GROUP BY 1
     HAVING rfm(order_date, amount, '2024-12-31') IS NOT NULL
     EXCEPT ALL
     SELECT * FROM customer_rfm(NULL::bigint, (SELECT purchases_agg(customer_id, order_date, amount) FROM orders), '2024-12-31'))
$$, 'customer_rfm = rfm GROUP BY customer (numeric, date): every field exactly');

SET LOCAL TimeZone = 'America/New_York';
SELECT is_empty($$
    SELECT * FROM customer_rfm(NULL::bigint, (SELECT purchases_agg(customer_id, order_date::timestamptz + interval '23 hours', amount) FROM orders), '2024-12-31') c
    FULL JOIN (SELECT customer_id, (rfm(order_date::timestamptz + interval '23 hours', amount, '2024-12-31')).* FROM orders GROUP BY 1) r
    USING (customer_id)
    WHERE r.first_order IS NOT NULL AND (c IS DISTINCT FROM ROW(r.customer_id, r.first_order, r.last_order, r.orders, r.revenue, r.frequency, r.recency, r.tenure, r.monetary_value)::record)
$$, 'customer_rfm = rfm GROUP BY customer (numeric, timestamptz)');

SELECT is_empty($$
    SELECT * FROM customer_rfm(NULL::text, (SELECT purchases_agg(customer_id::text, order_date, amount::float8) FROM orders), '2024-12-31') c
    FULL JOIN (SELECT customer_id::text AS customer_id, (rfm(order_date, amount::float8, '2024-12-31')).* FROM orders GROUP BY 1) r
    USING (customer_id)
    WHERE (r.first_order IS NOT NULL OR c.first_order IS NOT NULL)
      AND (c.first_order IS DISTINCT FROM r.first_order OR c.last_order IS DISTINCT FROM r.last_order
           OR c.orders IS DISTINCT FROM r.orders OR c.frequency IS DISTINCT FROM r.frequency
           OR c.recency IS DISTINCT FROM r.recency OR c.tenure IS DISTINCT FROM r.tenure
           OR abs(c.revenue - r.revenue) > 1e-9 * (1 + abs(r.revenue))
           OR abs(c.monetary_value - r.monetary_value) > 1e-9 * (1 + abs(r.monetary_value)))
$$, 'customer_rfm = rfm GROUP BY customer (float8, text ids), to 1e-9 relative');

SELECT is_empty($$
    SELECT * FROM customer_rfm(NULL::uuid, (SELECT purchases_agg(md5(customer_id::text)::uuid, order_date::timestamptz, amount::float8) FROM orders), '2024-06-30') c
    FULL JOIN (SELECT md5(customer_id::text)::uuid AS customer_id, (rfm(order_date::timestamptz, amount::float8, '2024-06-30')).* FROM orders GROUP BY 1) r
    USING (customer_id)
    WHERE (r.first_order IS NOT NULL OR c.first_order IS NOT NULL)
      AND (c.first_order IS DISTINCT FROM r.first_order OR c.orders IS DISTINCT FROM r.orders
           OR c.frequency IS DISTINCT FROM r.frequency OR c.tenure IS DISTINCT FROM r.tenure
           OR abs(c.monetary_value - r.monetary_value) > 1e-9 * (1 + abs(r.monetary_value)))
$$, 'customer_rfm = rfm GROUP BY customer (float8, timestamptz, uuid ids)');
RESET TimeZone;

-- calibration/holdout, stated directly (lifetimes, freq='D')
SELECT is_empty($$
    WITH o AS (SELECT customer_id, order_date, sum(amount) AS total FROM orders
               WHERE amount IS NOT NULL AND order_date <= '2024-12-31' GROUP BY 1, 2),
         cal AS (SELECT customer_id, count(*) - 1 AS f, max(order_date) - min(order_date) AS r,
                        DATE '2024-06-30' - min(order_date) AS t,
                        CASE WHEN count(*) > 1 THEN (sum(total) - (array_agg(total ORDER BY order_date))[1]) / (count(*) - 1) ELSE 0 END AS m
                 FROM o WHERE order_date <= '2024-06-30' GROUP BY 1),
         hold AS (SELECT customer_id, count(*) AS f, avg(total) AS m FROM o WHERE order_date > '2024-06-30' GROUP BY 1)
    SELECT * FROM (
        SELECT cal.customer_id, cal.f::int, cal.r, cal.t, cal.m, coalesce(hold.f, 0)::int AS fh, coalesce(hold.m, 0) AS mh
        FROM cal LEFT JOIN hold USING (customer_id)) s
    FULL JOIN calibration_holdout(NULL::bigint, (SELECT purchases_agg(customer_id, order_date, amount) FROM orders), '2024-06-30', '2024-12-31') c
    USING (customer_id)
    WHERE c.frequency_cal IS DISTINCT FROM s.f OR c.recency_cal IS DISTINCT FROM s.r
       OR c.tenure_cal IS DISTINCT FROM s.t OR c.frequency_holdout IS DISTINCT FROM s.fh
       OR c.duration_holdout IS DISTINCT FROM 184
       OR abs(c.monetary_value_cal - s.m) > 1e-9 * (1 + abs(s.m))
       OR abs(c.monetary_value_holdout - s.mh) > 1e-9 * (1 + abs(s.mh))
$$, 'calibration_holdout = plain SQL');

SELECT is((SELECT rollup(p)::text FROM (SELECT purchases_agg(customer_id, order_date, amount) AS p
                                        FROM orders GROUP BY part ORDER BY random()) x),
          (SELECT purchases_agg(customer_id, order_date, amount)::text FROM orders),
          'rollup of random partitions = direct (numeric)');
SELECT is((SELECT rollup(p)::text FROM (SELECT purchases_agg('c' || customer_id, order_date, amount) AS p
                                        FROM orders GROUP BY part ORDER BY random()) x),
          (SELECT purchases_agg('c' || customer_id, order_date, amount)::text FROM orders),
          'rollup of random partitions = direct (text ids)');

-- float8 amounts, about 20 rows per customer-day: exact day totals, so that
-- any split of the rows gives the same summary, bit for bit
CREATE TEMP TABLE f_orders AS
SELECT 1 + floor(random() * 200)::bigint AS customer_id,
       DATE '2024-01-01' + floor(random() * 20)::int AS order_date,
       (random() * 1000 - 100) * CASE WHEN random() < 0.1 THEN 1e-7 ELSE 1 END AS amount,
       floor(random() * 16)::int AS part
FROM generate_series(1, 80000);
ANALYZE f_orders;
SELECT is((SELECT rollup(p)::text FROM (SELECT purchases_agg(customer_id, order_date, amount) AS p
                                        FROM f_orders GROUP BY part ORDER BY random()) x),
          (SELECT purchases_agg(customer_id, order_date, amount)::text FROM f_orders),
          'rollup of random partitions = direct (float8 amounts), bit for bit');
SELECT is((SELECT rollup(p)::text FROM (SELECT purchases_agg(customer_id, order_date, amount) AS p
                                        FROM (SELECT * FROM f_orders ORDER BY random()) o
                                        GROUP BY customer_id % 7, (order_date - DATE '2024-01-01') % 3 ORDER BY random()) x),
          (SELECT purchases_agg(customer_id, order_date, amount ORDER BY amount)::text FROM f_orders),
          'rollup of other random partitions = direct in another row order (float8), bit for bit');
SET LOCAL retention.summary_text = readable;
SELECT ok((SELECT purchases_agg(customer_id, order_date, amount)::text ~ '[0-9][+-][0-9.]+e-' FROM f_orders),
          'some float8 day totals are not one double (the test covers the exact rests)');

-- parallel = serial, bit for bit
CREATE TABLE big_orders AS SELECT * FROM orders, generate_series(0, 4) k;
UPDATE big_orders SET customer_id = customer_id + 10000 * k;
ANALYZE big_orders;
CREATE TABLE big_f_orders AS SELECT * FROM f_orders, generate_series(0, 1) k;
ANALYZE big_f_orders;
CREATE TEMP TABLE serial AS
SELECT purchases_agg(customer_id, order_date, amount)::text AS n,
       purchases_agg(customer_id::text, order_date, amount)::text AS t,
       (SELECT purchases_agg(customer_id, order_date, amount)::text FROM big_f_orders) AS f,
       (SELECT array_agg(c ORDER BY customer_id)::text
        FROM customer_rfm(NULL::bigint, (SELECT purchases_agg(customer_id, order_date, amount) FROM big_f_orders), '2024-12-31') c) AS frfm
FROM big_orders;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_leader_participation = off;
CREATE FUNCTION pg_temp.plan_of(q text) RETURNS text LANGUAGE plpgsql AS $f$
DECLARE r text; acc text := '';
BEGIN
    FOR r IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP acc := acc || r || E'\n'; END LOOP;
    RETURN acc;
END $f$;
SELECT matches(pg_temp.plan_of('SELECT purchases_agg(customer_id, order_date, amount) FROM big_orders'),
               'Partial Aggregate', 'the plan is parallel');
SELECT is((SELECT purchases_agg(customer_id, order_date, amount)::text FROM big_orders),
          (SELECT n FROM serial), 'parallel = serial (bigint ids), bit for bit');
SELECT is((SELECT purchases_agg(customer_id::text, order_date, amount)::text FROM big_orders),
          (SELECT t FROM serial), 'parallel = serial (text ids), bit for bit');
SELECT matches(pg_temp.plan_of('SELECT purchases_agg(customer_id, order_date, amount) FROM big_f_orders'),
               'Partial Aggregate', 'the plan over float8 amounts is parallel');
SELECT is((SELECT purchases_agg(customer_id, order_date, amount)::text FROM big_f_orders),
          (SELECT f FROM serial), 'parallel = serial (float8 amounts, many rows per day), bit for bit');
SELECT is((SELECT array_agg(c ORDER BY customer_id)::text
           FROM customer_rfm(NULL::bigint, (SELECT purchases_agg(customer_id, order_date, amount) FROM big_f_orders), '2024-12-31') c),
          (SELECT frfm FROM serial), 'customer_rfm parallel = serial (float8 amounts), bit for bit');

SELECT * FROM finish();
ROLLBACK;
