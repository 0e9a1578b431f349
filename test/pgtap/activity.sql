-- Activity: every accessor against a plain-SQL formulation of its
-- definition on random data, rollup of random partitions, id types, errors.
BEGIN;
SET LOCAL search_path = public, retention;
SELECT plan(56);

SELECT setseed(0.2024);
-- 400 customers, 3,000 orders over two years and a bit, NULLs sprinkled in
CREATE TEMP TABLE orders AS
SELECT i AS id,
       CASE WHEN random() < 0.01 THEN NULL ELSE 1 + floor(400 * random() ^ 2)::bigint END AS customer_id,
       CASE WHEN random() < 0.01 THEN NULL ELSE DATE '2022-11-15' + floor(random() * 800)::int END AS day
FROM generate_series(1, 3000) i;
CREATE TEMP VIEW o AS SELECT customer_id, day FROM orders WHERE customer_id IS NOT NULL AND day IS NOT NULL;
CREATE TEMP TABLE summary AS SELECT activity_agg(customer_id, day) AS a FROM orders;

-- The first day of a day's bucket, by PostgreSQL's own calendar functions.
CREATE FUNCTION pg_temp.bucket(d date, period text) RETURNS date LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE period
        WHEN 'day' THEN d
        WHEN 'week' THEN date_trunc('week', d)::date
        WHEN 'week_sunday' THEN d - extract(dow FROM d)::int
        WHEN 'week_wednesday' THEN d - ((extract(dow FROM d)::int + 4) % 7)
        ELSE date_trunc(period, d)::date END $$;
-- Every bucket from the first to the last day of the data, numbered.
CREATE FUNCTION pg_temp.buckets(period text) RETURNS TABLE (b date, n bigint) LANGUAGE sql AS $$
    SELECT b, row_number() OVER (ORDER BY b)
    FROM (SELECT DISTINCT pg_temp.bucket(g::date, period) AS b
          FROM generate_series((SELECT min(day) FROM o), (SELECT max(day) FROM o), interval '1 day') g) x $$;

-- cohort_retention: cohort = bucket of the first day; for each offset k up
-- to the last bucket, members active in bucket cohort + k
CREATE FUNCTION pg_temp.sql_cohort_retention(period text)
RETURNS TABLE (cohort date, period_offset int, cohort_size bigint, active bigint, retention float8)
LANGUAGE sql AS $$
    WITH nb AS (SELECT * FROM pg_temp.buckets(period)),
    active AS (SELECT DISTINCT o.customer_id, nb.n FROM o JOIN nb ON nb.b = pg_temp.bucket(o.day, period)),
    first AS (SELECT customer_id, min(n) AS n FROM active GROUP BY 1),
    sizes AS (SELECT n, count(*) AS size FROM first GROUP BY 1)
    SELECT c.b, (k.n - s.n)::int, s.size, count(a.customer_id),
           count(a.customer_id)::float8 / s.size
    FROM sizes s JOIN nb c ON c.n = s.n JOIN nb k ON k.n >= s.n
    LEFT JOIN (active a JOIN first f USING (customer_id)) ON f.n = s.n AND a.n = k.n
    GROUP BY c.b, k.n, s.n, s.size $$;

-- rolling: cohort = first day, offset = floor((day - first day) / N)
CREATE FUNCTION pg_temp.sql_rolling_retention(days int)
RETURNS TABLE (cohort date, period_offset int, cohort_size bigint, active bigint, retention float8)
LANGUAGE sql AS $$
    WITH first AS (SELECT customer_id, min(day) AS first FROM o GROUP BY 1),
    active AS (SELECT DISTINCT o.customer_id, f.first, (o.day - f.first) / days AS k
               FROM o JOIN first f USING (customer_id)),
    sizes AS (SELECT first AS cohort, count(*) AS size FROM first GROUP BY 1)
    SELECT s.cohort, g.k, s.size, count(a.customer_id), count(a.customer_id)::float8 / s.size
    FROM sizes s CROSS JOIN LATERAL generate_series(0, ((SELECT max(day) FROM o) - s.cohort) / days) g(k)
    LEFT JOIN active a ON a.first = s.cohort AND a.k = g.k
    GROUP BY s.cohort, g.k, s.size $$;

-- lifecycle per bucket n: new = first bucket n; returning = active in n and
-- n - 1; resurrecting = active in n, not n - 1, but before; dormant = active
-- in n - 1, not in n
CREATE FUNCTION pg_temp.sql_lifecycle(period text)
RETURNS TABLE (period date, new bigint, "returning" bigint, resurrecting bigint, dormant bigint)
LANGUAGE sql AS $$
    WITH nb AS (SELECT * FROM pg_temp.buckets(period)),
    active AS (SELECT DISTINCT o.customer_id, nb.n FROM o JOIN nb ON nb.b = pg_temp.bucket(o.day, period))
    SELECT nb.b,
           (SELECT count(*) FROM (SELECT customer_id FROM active GROUP BY 1 HAVING min(n) = nb.n) f),
           (SELECT count(*) FROM active x WHERE x.n = nb.n
              AND EXISTS (SELECT 1 FROM active y WHERE y.customer_id = x.customer_id AND y.n = nb.n - 1)),
           (SELECT count(*) FROM active x WHERE x.n = nb.n
              AND NOT EXISTS (SELECT 1 FROM active y WHERE y.customer_id = x.customer_id AND y.n = nb.n - 1)
              AND EXISTS (SELECT 1 FROM active y WHERE y.customer_id = x.customer_id AND y.n < nb.n - 1)),
           (SELECT count(*) FROM active x WHERE x.n = nb.n - 1
              AND NOT EXISTS (SELECT 1 FROM active y WHERE y.customer_id = x.customer_id AND y.n = nb.n))
    FROM nb $$;

-- period_retention per bucket after the first: S, retained, N = E - retained,
-- E, (E - N) / S, 1 - that
CREATE FUNCTION pg_temp.sql_period_retention(period text)
RETURNS TABLE (period date, customers_start bigint, retained bigint, new bigint, customers_end bigint,
               retention_rate float8, churn_rate float8)
LANGUAGE sql AS $$
    WITH nb AS (SELECT * FROM pg_temp.buckets(period)),
    active AS (SELECT DISTINCT o.customer_id, nb.n FROM o JOIN nb ON nb.b = pg_temp.bucket(o.day, period)),
    counts AS (
        SELECT nb.b,
               (SELECT count(*) FROM active WHERE n = nb.n - 1) AS s,
               (SELECT count(*) FROM active x JOIN active y USING (customer_id)
                WHERE x.n = nb.n - 1 AND y.n = nb.n) AS retained,
               (SELECT count(*) FROM active WHERE n = nb.n) AS e
        FROM nb WHERE nb.n > 1)
    SELECT b, s, retained, e - retained, e,
           CASE WHEN s > 0 THEN (e - (e - retained))::float8 / s END,
           CASE WHEN s > 0 THEN 1 - (e - (e - retained))::float8 / s END
    FROM counts $$;

-- stickiness: per (customer, within-bucket) the distinct period-buckets, as
-- a histogram from 1 to the largest
CREATE FUNCTION pg_temp.sql_stickiness(period text, within text)
RETURNS TABLE (active_periods int, customers bigint) LANGUAGE sql AS $$
    WITH k AS (SELECT count(DISTINCT pg_temp.bucket(day, period)) AS k
               FROM o GROUP BY customer_id, pg_temp.bucket(day, within))
    SELECT g::int, (SELECT count(*) FROM k WHERE k.k = g)
    FROM generate_series(1, (SELECT max(k) FROM k)) g $$;

SELECT is((SELECT customers(a) FROM summary), (SELECT count(DISTINCT customer_id) FROM o),
          'customers = count(DISTINCT customer_id)');
SELECT is((SELECT repeat_purchase_rate(a) FROM summary),
          (SELECT count(*) FILTER (WHERE n >= 2)::float8 / count(*)
           FROM (SELECT customer_id, count(DISTINCT day) n FROM o GROUP BY 1) x),
          'repeat_purchase_rate = share of customers with two or more distinct days');

SELECT bag_eq(format('SELECT cohort, period_offset, cohort_size, active, retention FROM cohort_retention((SELECT a FROM summary), %L)', p),
              format('SELECT * FROM pg_temp.sql_cohort_retention(%L)', p),
              format('cohort_retention by %s matches its definition', p))
FROM unnest(ARRAY['day', 'week', 'week_sunday', 'week_wednesday', 'month', 'quarter', 'year']) p;
SELECT bag_eq(format('SELECT cohort, period_offset, cohort_size, active, retention FROM cohort_retention((SELECT a FROM summary), %L)', n || ' days'),
              format('SELECT * FROM pg_temp.sql_rolling_retention(%s)', n),
              format('cohort_retention by ''%s days'' matches its definition', n))
FROM unnest(ARRAY[1, 7, 30, 90]) n;
SELECT bag_eq(format('SELECT * FROM lifecycle((SELECT a FROM summary), %L)', p),
              format('SELECT * FROM pg_temp.sql_lifecycle(%L)', p),
              format('lifecycle by %s matches its definition', p))
FROM unnest(ARRAY['week', 'week_sunday', 'month', 'quarter', 'year']) p;
SELECT bag_eq(format('SELECT * FROM period_retention((SELECT a FROM summary), %L)', p),
              format('SELECT * FROM pg_temp.sql_period_retention(%L)', p),
              format('period_retention by %s matches its definition', p))
FROM unnest(ARRAY['day', 'week', 'week_sunday', 'month', 'quarter', 'year']) p;
SELECT bag_eq(format('SELECT * FROM stickiness((SELECT a FROM summary), %L, %L)', p, w),
              format('SELECT * FROM pg_temp.sql_stickiness(%L, %L)', p, w),
              format('stickiness of %s within %s matches its definition', p, w))
FROM (VALUES ('day', 'week'), ('day', 'month'), ('week', 'month'), ('week_sunday', 'quarter'),
             ('month', 'year'), ('day', 'day')) v(p, w);
SELECT ok(NOT EXISTS (SELECT 1 FROM cohort_retention((SELECT a FROM summary), 'month')
                      WHERE period_offset = 0 AND retention <> 1),
          'offset 0 has retention 1');
SELECT is((SELECT sum(new)::bigint FROM lifecycle((SELECT a FROM summary), 'month')),
          (SELECT count(DISTINCT customer_id) FROM o),
          'every customer is new exactly once');

-- the defaults are 'month'
SELECT bag_eq('SELECT * FROM cohort_retention((SELECT a FROM summary))',
              $$SELECT * FROM cohort_retention((SELECT a FROM summary), 'month')$$, 'cohort_retention defaults to month');
SELECT bag_eq('SELECT * FROM lifecycle((SELECT a FROM summary))',
              $$SELECT * FROM lifecycle((SELECT a FROM summary), 'month')$$, 'lifecycle defaults to month');
SELECT bag_eq('SELECT * FROM period_retention((SELECT a FROM summary))',
              $$SELECT * FROM period_retention((SELECT a FROM summary), 'month')$$, 'period_retention defaults to month');

-- rollup of random partitions equals the direct summary
SELECT is((SELECT rollup(s)::text FROM (SELECT activity_agg(customer_id, day) s FROM orders
                                        GROUP BY floor(random() * k)) x),
          (SELECT a::text FROM summary),
          format('rollup of activity_agg over %s random partitions = activity_agg', k))
FROM unnest(ARRAY[1, 3, 50, 3000]) k;
SELECT is((SELECT rollup(s)::text FROM (SELECT activity_agg(md5(customer_id::text), day) s FROM orders
                                        GROUP BY id % 17) x),
          (SELECT activity_agg(md5(customer_id::text), day)::text FROM orders),
          'rollup of text-id partitions = direct');
SELECT is((SELECT rollup(s)::text FROM (SELECT activity_agg(md5(customer_id::text)::uuid, day) s FROM orders
                                        GROUP BY id % 13) x),
          (SELECT activity_agg(md5(customer_id::text)::uuid, day)::text FROM orders),
          'rollup of uuid-id partitions = direct');
-- a rollup of rollups
SELECT is((SELECT rollup(s)::text FROM (SELECT rollup(s) s FROM (SELECT id % 10 g, activity_agg(customer_id, day) s
                                                               FROM orders GROUP BY 1) x GROUP BY g % 3) y),
          (SELECT a::text FROM summary), 'rollup of rollups = direct');

-- text and uuid ids give the same answers as bigint ids
SELECT bag_eq($$SELECT * FROM lifecycle((SELECT activity_agg(customer_id::text, day) FROM orders), 'week')$$,
              $$SELECT * FROM lifecycle((SELECT a FROM summary), 'week')$$, 'text ids: same lifecycle');
SELECT bag_eq($$SELECT * FROM cohort_retention((SELECT activity_agg(md5(customer_id::text)::uuid, day) FROM orders))$$,
              $$SELECT * FROM cohort_retention((SELECT a FROM summary))$$, 'uuid ids: same cohorts');

-- ids that share a prefix or differ in a byte stay apart
SELECT is((SELECT customers(activity_agg(id, DATE '2024-01-01'))
           FROM (SELECT repeat('x', n) AS id FROM generate_series(0, 300) n) x),
          301::bigint, 'text ids of every length 0 to 300 are distinct customers');

-- timestamptz: the day in the session time zone
SET LOCAL TimeZone = 'America/New_York';
SELECT is((SELECT activity_agg(customer_id, day + time '23:30')::text FROM orders),
          (SELECT activity_agg(customer_id, (day + time '23:30')::timestamptz::date)::text FROM orders),
          'timestamptz version = date of the timestamp in the session time zone');
-- 02:30 UTC is the evening before in New York: the New York days differ
-- from the UTC days, and the summary has the New York ones
SELECT isnt((SELECT activity_agg(customer_id, day)::text FROM orders),
            (SELECT activity_agg(customer_id, ((day + time '02:30') AT TIME ZONE 'UTC')::date)::text FROM orders),
            'at 02:30 UTC the New York days are not the UTC days');
SELECT is((SELECT activity_agg(customer_id, (day + time '02:30') AT TIME ZONE 'UTC')::text FROM orders),
          (SELECT activity_agg(customer_id, day - 1)::text FROM orders),
          'timestamptz at 02:30 UTC lands on the New York day before');

-- text form round trips
SELECT is((SELECT count(*) FROM (SELECT activity_agg(customer_id, day) s FROM orders GROUP BY id % 37) x
           WHERE s::text::activity::text <> s::text), 0::bigint, 'activity text round trip');
SELECT is((SELECT count(*) FROM (SELECT activity_agg(chr(32 + (customer_id % 90)::int) || '"\', day) s
                                 FROM orders GROUP BY id % 11) x
           WHERE s::text::activity::text <> s::text), 0::bigint, 'text ids with quotes and backslashes round trip');

-- errors
SELECT throws_ok($$SELECT * FROM lifecycle((SELECT a FROM summary), 'weekly')$$, '22023',
                 'invalid period "weekly"', 'unknown period');
SELECT throws_ok($$SELECT * FROM stickiness((SELECT a FROM summary), '2 days', 'month')$$, '22023',
                 'invalid period "2 days"', 'rolling periods only for cohort_retention');
SELECT throws_ok($$SELECT rollup(a) FROM (VALUES ('v1 ids=uuid customers=0 days=0'::activity),
                                                 ('v1 ids=bigint customers=0 days=0')) v(a)$$,
                 '22023', NULL, 'rollup of uuid and bigint activity');
SELECT throws_ok($$SELECT activity_agg(1::bigint, '-infinity'::date)$$, '22008', NULL, 'infinite date');
SELECT throws_ok($$SELECT 'v1 ids=bigint customers=1 days=1 1:2024-13-01'::activity$$, '22P02', NULL,
                 'month 13');
SELECT throws_ok($$SELECT 'v1 ids=text customers=2 days=2 "b":2024-01-01 "a":2024-01-01'::activity$$,
                 '22P02', NULL, 'text ids out of order');

SELECT * FROM finish();
ROLLBACK;
