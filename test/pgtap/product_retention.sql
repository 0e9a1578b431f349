-- Retention as product teams define it (SPEC §7): every accessor against a
-- plain-SQL formulation of its definition on random data, by day, ISO week,
-- Sunday week and month; the inactivity identity; rollups of random
-- partitions; id types; errors.
BEGIN;
SET LOCAL search_path = public, retention;
SELECT plan(123);

SELECT setseed(0.0714);
-- 150 customers, 1,500 orders over 500 days; signups of 200 customer ids
-- (some never order, some order before signing up)
CREATE TEMP TABLE orders AS
SELECT i AS id, 1 + floor(150 * random() ^ 2)::bigint AS customer_id,
       DATE '2023-03-10' + floor(random() * 500)::int AS day
FROM generate_series(1, 1500) i;
CREATE TEMP TABLE o AS SELECT DISTINCT customer_id, day FROM orders;
CREATE TEMP TABLE signups AS
SELECT c::bigint AS customer_id, DATE '2023-03-01' + floor(random() * 450)::int AS day
FROM generate_series(1, 200) c WHERE random() < 0.8;
CREATE TEMP TABLE summary AS SELECT activity_agg(customer_id, day) AS a FROM orders;
CREATE TEMP TABLE starts AS SELECT activity_agg(customer_id, day) AS a FROM signups;

CREATE FUNCTION pg_temp.bucket(d date, period text) RETURNS date LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE period
        WHEN 'day' THEN d
        WHEN 'week' THEN date_trunc('week', d)::date
        WHEN 'week_sunday' THEN d - extract(dow FROM d)::int
        ELSE date_trunc(period, d)::date END $$;
CREATE FUNCTION pg_temp.bucket_end(b date, period text) RETURNS date LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE period
        WHEN 'day' THEN b
        WHEN 'week' THEN b + 6
        WHEN 'week_sunday' THEN b + 6
        ELSE (b + ('1 ' || period)::interval)::date - 1 END $$;
-- the buckets from first to last, numbered
CREATE FUNCTION pg_temp.buckets(period text, first date, last date) RETURNS TABLE (b date, n bigint)
LANGUAGE sql AS $$
    SELECT b, row_number() OVER (ORDER BY b)
    FROM (SELECT DISTINCT pg_temp.bucket(g::date, period) AS b
          FROM generate_series(first, last, interval '1 day') g) x $$;

-- cohort_retention: cohort = bucket of the first start day; active at k
-- with a return day on or after it in bucket cohort + k ('on') or in it or
-- later ('on_or_after'); complete = bucket cohort + k ended by the last day
-- of both.  two = false: starts and returns are the orders.
CREATE FUNCTION pg_temp.sql_cohort(period text, mode text, two boolean)
RETURNS TABLE (cohort date, period_offset int, cohort_size bigint, active bigint, retention float8,
               complete boolean)
LANGUAGE sql AS $$
    WITH s AS (SELECT * FROM signups WHERE two UNION ALL SELECT * FROM o WHERE NOT two),
    last AS (SELECT greatest((SELECT max(day) FROM s), (SELECT max(day) FROM o)) AS l),
    nb AS (SELECT * FROM pg_temp.buckets(period, (SELECT min(day) FROM s), (SELECT l FROM last))),
    member AS (SELECT f.customer_id, f.f, nb.n AS c
               FROM (SELECT customer_id, min(day) AS f FROM s GROUP BY 1) f
               JOIN nb ON nb.b = pg_temp.bucket(f.f, period)),
    ret AS (SELECT DISTINCT m.customer_id, m.c, nb.n - m.c AS k
            FROM member m JOIN o USING (customer_id) JOIN nb ON nb.b = pg_temp.bucket(o.day, period)
            WHERE o.day >= m.f),
    act AS (SELECT c, k FROM ret WHERE mode = 'on'
            UNION ALL
            SELECT c, g FROM (SELECT customer_id, c, max(k) AS mk FROM ret GROUP BY 1, 2) x,
                             generate_series(0, mk) g WHERE mode = 'on_or_after'),
    cnt AS (SELECT c, k, count(*) AS a FROM act GROUP BY 1, 2),
    sizes AS (SELECT c, count(*) AS size FROM member GROUP BY 1)
    SELECT cb.b, (kb.n - s.c)::int, s.size, coalesce(cnt.a, 0), coalesce(cnt.a, 0)::float8 / s.size,
           pg_temp.bucket_end(kb.b, period) <= (SELECT l FROM last)
    FROM sizes s JOIN nb cb ON cb.n = s.c JOIN nb kb ON kb.n >= s.c
    LEFT JOIN cnt ON cnt.c = s.c AND cnt.k = kb.n - s.c $$;

-- bracket_retention: members with a day d, lo <= d - first < hi; complete
-- when the cohort's latest first day + hi - 1 is on or before the last day
CREATE FUNCTION pg_temp.sql_bracket(bounds int[], period text)
RETURNS TABLE (cohort date, bracket int, from_day int, to_day int, cohort_size bigint, active bigint,
               retention float8, complete boolean)
LANGUAGE sql AS $$
    WITH first AS (SELECT customer_id, min(day) AS f, pg_temp.bucket(min(day), period) AS c FROM o GROUP BY 1),
    br AS (SELECT i, bounds[i] AS lo, bounds[i + 1] AS hi FROM generate_subscripts(bounds, 1) i
           WHERE i < cardinality(bounds)),
    coh AS (SELECT c, count(*) AS size, max(f) AS mf FROM first GROUP BY 1),
    hits AS (SELECT f.c, br.i, count(DISTINCT o.customer_id) AS a
             FROM o JOIN first f USING (customer_id) JOIN br ON o.day - f.f >= br.lo AND o.day - f.f < br.hi
             GROUP BY 1, 2)
    SELECT coh.c, br.i, br.lo, br.hi, coh.size, coalesce(h.a, 0), coalesce(h.a, 0)::float8 / coh.size,
           coh.mf + br.hi - 1 <= (SELECT max(day) FROM o)
    FROM coh CROSS JOIN br LEFT JOIN hits h ON h.c = coh.c AND h.i = br.i $$;

-- active_customers: customers with a day in (D - w, D]
CREATE FUNCTION pg_temp.sql_active(w int) RETURNS TABLE (day date, active bigint) LANGUAGE sql AS $$
    SELECT g::date, (SELECT count(DISTINCT customer_id) FROM o WHERE o.day > g::date - w AND o.day <= g::date)
    FROM generate_series((SELECT min(day) FROM o), (SELECT max(day) FROM o), interval '1 day') g $$;

-- inactivity_churn, from the live (customer, day) pairs themselves
CREATE FUNCTION pg_temp.sql_churn(inactive int, period text)
RETURNS TABLE (period date, live_start bigint, new bigint, reactivated bigint, churned bigint,
               live_end bigint, churn_rate float8, complete boolean)
LANGUAGE sql AS $$
    WITH live AS (SELECT DISTINCT customer_id, day + g AS d FROM o, generate_series(0, inactive - 1) g),
    first AS (SELECT customer_id, min(day) AS f FROM o GROUP BY 1),
    nb AS (SELECT b, pg_temp.bucket_end(b, period) AS e
           FROM pg_temp.buckets(period, (SELECT min(day) FROM o), (SELECT max(day) FROM o))),
    starts AS (SELECT l.customer_id, l.d FROM live l
               WHERE NOT EXISTS (SELECT 1 FROM live p WHERE p.customer_id = l.customer_id AND p.d = l.d - 1)),
    churns AS (SELECT l.customer_id, l.d + 1 AS d FROM live l
               WHERE NOT EXISTS (SELECT 1 FROM live n WHERE n.customer_id = l.customer_id AND n.d = l.d + 1)),
    per_day AS (SELECT d, count(*) AS n FROM live GROUP BY 1),
    counts AS (
        SELECT nb.b, nb.e,
               coalesce((SELECT n FROM per_day WHERE d = nb.b - 1), 0) AS ls,
               (SELECT count(*) FROM first WHERE f BETWEEN nb.b AND nb.e) AS nw,
               (SELECT count(*) FROM starts s JOIN first USING (customer_id)
                WHERE s.d BETWEEN nb.b AND nb.e AND s.d <> first.f) AS re,
               (SELECT count(*) FROM churns WHERE d BETWEEN nb.b AND nb.e) AS ch,
               coalesce((SELECT n FROM per_day WHERE d = nb.e), 0) AS le,
               (SELECT count(*) FROM live a WHERE a.d = nb.b - 1
                  AND NOT EXISTS (SELECT 1 FROM live z WHERE z.customer_id = a.customer_id AND z.d = nb.e)) AS lost
        FROM nb)
    SELECT b, ls, nw, re, ch, le, CASE WHEN ls > 0 THEN lost::float8 / ls END, e <= (SELECT max(day) FROM o)
    FROM counts $$;

-- the stage of every customer at every bucket from its first on
CREATE FUNCTION pg_temp.sql_stage_grid(period text) RETURNS TABLE (customer_id bigint, n bigint, b date, stage text)
LANGUAGE sql AS $$
    WITH nb AS (SELECT * FROM pg_temp.buckets(period, (SELECT min(day) FROM o), (SELECT max(day) FROM o))),
    act AS (SELECT DISTINCT o.customer_id, nb.n FROM o JOIN nb ON nb.b = pg_temp.bucket(o.day, period)),
    fn AS (SELECT customer_id, min(n) AS f FROM act GROUP BY 1)
    SELECT fn.customer_id, nb.n, nb.b,
           CASE WHEN nb.n = fn.f THEN 'new'
                WHEN a.n IS NOT NULL AND p.n IS NOT NULL THEN 'returning'
                WHEN a.n IS NOT NULL THEN 'resurrecting'
                WHEN p.n IS NOT NULL THEN 'dormant'
                ELSE 'lost' END
    FROM fn JOIN nb ON nb.n >= fn.f
    LEFT JOIN act a ON a.customer_id = fn.customer_id AND a.n = nb.n
    LEFT JOIN act p ON p.customer_id = fn.customer_id AND p.n = nb.n - 1 $$;

CREATE FUNCTION pg_temp.sql_transitions(period text)
RETURNS TABLE (period date, from_stage text, to_stage text, customers bigint, complete boolean)
LANGUAGE sql AS $$
    WITH g AS (SELECT * FROM pg_temp.sql_stage_grid(period))
    SELECT cur.b, prev.stage, cur.stage, count(*), pg_temp.bucket_end(cur.b, period) <= (SELECT max(day) FROM o)
    FROM g cur LEFT JOIN g prev ON prev.customer_id = cur.customer_id AND prev.n = cur.n - 1
    WHERE cur.n > 1
    GROUP BY 1, 2, 3 $$;

-- customer_stages at the bucket of `at`, days counted up to its end
CREATE FUNCTION pg_temp.sql_stages(period text, at date)
RETURNS TABLE (customer_id bigint, stage text, first_active date, last_active date, active_days int)
LANGUAGE sql AS $$
    WITH w AS (SELECT pg_temp.bucket(at, period) AS b, pg_temp.bucket_end(pg_temp.bucket(at, period), period) AS e),
    pw AS (SELECT pg_temp.bucket(b - 1, period) AS pb FROM w)
    SELECT customer_id,
           CASE WHEN min(day) >= w.b THEN 'new'
                WHEN bool_or(day >= w.b) AND bool_or(day >= pw.pb AND day < w.b) THEN 'returning'
                WHEN bool_or(day >= w.b) THEN 'resurrecting'
                WHEN bool_or(day >= pw.pb AND day < w.b) THEN 'dormant'
                ELSE 'lost' END,
           min(day), max(day), count(*)::int
    FROM o, w, pw WHERE day <= w.e GROUP BY customer_id, w.b, pw.pb $$;

-- time_to_repeat: days from the first to the n-th distinct day, from the
-- smallest to the largest, zeros included
CREATE FUNCTION pg_temp.sql_time_to_repeat(n int) RETURNS TABLE (days int, customers bigint) LANGUAGE sql AS $$
    WITH t AS (SELECT customer_id, day - min(day) OVER (PARTITION BY customer_id) AS d,
                      row_number() OVER (PARTITION BY customer_id ORDER BY day) AS k FROM o),
    h AS (SELECT d FROM t WHERE k = n)
    SELECT g, (SELECT count(*) FROM h WHERE h.d = g)
    FROM generate_series((SELECT min(d) FROM h), (SELECT max(d) FROM h)) g $$;

-- repeat_within: members whose second day is within `within` days of the first
CREATE FUNCTION pg_temp.sql_repeat_within(within int, period text)
RETURNS TABLE (cohort date, cohort_size bigint, repeated bigint, rate float8, complete boolean)
LANGUAGE sql AS $$
    WITH t AS (SELECT customer_id, min(day) AS f,
                      (array_agg(day ORDER BY day))[2] AS second FROM o GROUP BY 1)
    SELECT pg_temp.bucket(f, period), count(*), count(*) FILTER (WHERE second - f <= within),
           (count(*) FILTER (WHERE second - f <= within))::float8 / count(*),
           max(f) + within <= (SELECT max(day) FROM o)
    FROM t GROUP BY 1 $$;

-- ---- against the definitions ----
SELECT bag_eq(format('SELECT * FROM cohort_retention((SELECT a FROM summary), %L, %L)', p, m),
              format('SELECT * FROM pg_temp.sql_cohort(%L, %L, false)', p, m),
              format('cohort_retention by %s, %s, matches its definition', p, m))
FROM unnest(ARRAY['day', 'week', 'week_sunday', 'month']) p, unnest(ARRAY['on', 'on_or_after']) m;
SELECT bag_eq(format('SELECT * FROM cohort_retention((SELECT a FROM starts), (SELECT a FROM summary), %L, %L)', p, m),
              format('SELECT * FROM pg_temp.sql_cohort(%L, %L, true)', p, m),
              format('cohort_retention of starts and returns by %s, %s, matches its definition', p, m))
FROM unnest(ARRAY['day', 'week', 'week_sunday', 'month']) p, unnest(ARRAY['on', 'on_or_after']) m;
SELECT bag_eq(format('SELECT * FROM cohort_retention((SELECT a FROM summary), (SELECT a FROM summary), %L, %L)', p, m),
              format('SELECT * FROM cohort_retention((SELECT a FROM summary), %L, %L)', p, m),
              format('one summary as starts and returns = the one-summary form by %s, %s', p, m))
FROM unnest(ARRAY['week', 'month', '30 days']) p, unnest(ARRAY['on', 'on_or_after']) m;
SELECT bag_eq('SELECT * FROM cohort_retention((SELECT a FROM summary))',
              $$SELECT * FROM cohort_retention((SELECT a FROM summary), 'month', 'on')$$,
              'cohort_retention defaults to month, on');
SELECT bag_eq($$SELECT cohort, period_offset, cohort_size, active, retention FROM cohort_retention((SELECT a FROM summary), 'month')$$,
              $$SELECT * FROM cohort_retention_0_1((SELECT a FROM summary), 'month')$$,
              'cohort_retention = 0.1''s function plus complete');
SELECT ok((SELECT bool_and(complete = (cohort + (period_offset + 1) * 30 - 1 <= (SELECT max(day) FROM o)))
           FROM cohort_retention((SELECT a FROM summary), '30 days', 'on_or_after')),
          'rolling buckets are complete when their last day is in the data');

SELECT bag_eq(format('SELECT * FROM bracket_retention((SELECT a FROM summary), %L, %L)', b, p),
              format('SELECT * FROM pg_temp.sql_bracket(%L, %L)', b, p),
              format('bracket_retention %s by %s matches its definition', b, p))
FROM unnest(ARRAY['{0,1,8,31,91}', '{7,14}', '{1,400,499,500}']) b,
     unnest(ARRAY['day', 'week', 'week_sunday', 'month']) p;
SELECT bag_eq('SELECT * FROM bracket_retention((SELECT a FROM summary), ''{1,8,31,91}'')',
              $$SELECT * FROM bracket_retention((SELECT a FROM summary), '{1,8,31,91}', 'month')$$,
              'bracket_retention defaults to month');

SELECT bag_eq(format('SELECT * FROM active_customers((SELECT a FROM summary), %s)', w),
              format('SELECT * FROM pg_temp.sql_active(%s)', w),
              format('active_customers over %s days matches its definition', w))
FROM unnest(ARRAY[1, 7, 28, 365]) w;
SELECT bag_eq('SELECT * FROM active_customers((SELECT a FROM summary))',
              'SELECT * FROM active_customers((SELECT a FROM summary), 28)', 'active_customers defaults to 28 days');

SELECT bag_eq(format('SELECT * FROM inactivity_churn((SELECT a FROM summary), %s, %L)', l, p),
              format('SELECT * FROM pg_temp.sql_churn(%s, %L)', l, p),
              format('inactivity_churn after %s days by %s matches its definition', l, p))
FROM unnest(ARRAY[1, 7, 30]) l, unnest(ARRAY['day', 'week', 'week_sunday', 'month']) p;
SELECT is((SELECT count(*) FROM unnest(ARRAY[1, 2, 7, 30, 90, 365]) l,
                                unnest(ARRAY['day', 'week', 'week_sunday', 'month', 'quarter', 'year']) p,
                                inactivity_churn((SELECT a FROM summary), l, p) c
           WHERE c.live_end <> c.live_start + c.new + c.reactivated - c.churned), 0::bigint,
          'live_end = live_start + new + reactivated - churned in every row');
SELECT is((SELECT count(*) FROM unnest(ARRAY['day', 'week', 'month']) p,
                                LATERAL (SELECT period, live_start, lag(live_end) OVER (ORDER BY period) AS previous_end
                                         FROM inactivity_churn((SELECT a FROM summary), 14, p)) c
           WHERE c.previous_end IS NOT NULL AND c.previous_end <> c.live_start), 0::bigint,
          'each bucket starts with the customers live at the end of the one before');
SELECT is((SELECT sum(new) FROM inactivity_churn((SELECT a FROM summary), 30, 'week')),
          (SELECT count(DISTINCT customer_id) FROM o)::numeric, 'every customer is new exactly once');

SELECT bag_eq(format('SELECT * FROM stage_transitions((SELECT a FROM summary), %L)', p),
              format('SELECT * FROM pg_temp.sql_transitions(%L)', p),
              format('stage_transitions by %s matches its definition', p))
FROM unnest(ARRAY['day', 'week', 'week_sunday', 'month']) p;
SELECT bag_eq(format('SELECT * FROM customer_stages(NULL::bigint, (SELECT a FROM summary), %L, %L)', p, d),
              format('SELECT * FROM pg_temp.sql_stages(%L, %L)', p, d),
              format('customer_stages by %s at %s matches its definition', p, d))
FROM unnest(ARRAY['day', 'week', 'week_sunday', 'month']) p,
     unnest(ARRAY[DATE '2023-03-10', '2023-09-17', '2024-01-01', '2024-07-21', '2026-01-01']) d;
-- the stages of customer_stages are those stage_transitions moves between
SELECT bag_eq($$SELECT from_stage, to_stage, customers FROM stage_transitions((SELECT a FROM summary), 'month')
                WHERE period = DATE '2024-02-01'$$,
              $$SELECT p.stage AS from_stage, c.stage AS to_stage, count(*)
                FROM customer_stages(NULL::bigint, (SELECT a FROM summary), 'month', DATE '2024-02-01') c
                LEFT JOIN customer_stages(NULL::bigint, (SELECT a FROM summary), 'month', DATE '2024-01-01') p
                USING (customer_id) GROUP BY 1, 2$$,
              'stage_transitions = customer_stages of consecutive months joined');

SELECT bag_eq(format('SELECT * FROM time_to_repeat((SELECT a FROM summary), %s)', n),
              format('SELECT * FROM pg_temp.sql_time_to_repeat(%s)', n),
              format('time_to_repeat of day %s matches its definition', n))
FROM unnest(ARRAY[2, 3, 10]) n;
SELECT bag_eq('SELECT * FROM time_to_repeat((SELECT a FROM summary))',
              'SELECT * FROM time_to_repeat((SELECT a FROM summary), 2)', 'time_to_repeat defaults to the second day');
SELECT bag_eq(format('SELECT * FROM repeat_within((SELECT a FROM summary), %s, %L)', w, p),
              format('SELECT * FROM pg_temp.sql_repeat_within(%s, %L)', w, p),
              format('repeat_within %s days by %s matches its definition', w, p))
FROM unnest(ARRAY[7, 30]) w, unnest(ARRAY['day', 'week', 'week_sunday', 'month']) p;

-- ---- rollups of random partitions give identical answers ----
CREATE TEMP TABLE parts AS
SELECT activity_agg(customer_id, day) AS s FROM orders GROUP BY floor(random() * 23);
SELECT bag_eq(format('SELECT * FROM %s', replace(q, 'SUMMARY', '(SELECT rollup(s) FROM parts)')),
              format('SELECT * FROM %s', replace(q, 'SUMMARY', '(SELECT a FROM summary)')),
              format('rollup of random partitions: %s', split_part(q, '(', 1)))
FROM unnest(ARRAY[
    $$cohort_retention(SUMMARY, 'week', 'on_or_after')$$,
    $$cohort_retention((SELECT a FROM starts), SUMMARY, 'month', 'on')$$,
    $$bracket_retention(SUMMARY, '{1,8,31,91}', 'month')$$,
    $$active_customers(SUMMARY, 7)$$,
    $$inactivity_churn(SUMMARY, 30, 'week')$$,
    $$customer_stages(NULL::bigint, SUMMARY, 'month', DATE '2023-12-15')$$,
    $$stage_transitions(SUMMARY, 'week_sunday')$$,
    $$time_to_repeat(SUMMARY, 3)$$,
    $$repeat_within(SUMMARY, 30, 'month')$$]) q;

-- ---- text and uuid ids ----
SELECT bag_eq($$SELECT * FROM cohort_retention((SELECT activity_agg('c' || customer_id, day) FROM signups),
                                               (SELECT activity_agg('c' || customer_id, day) FROM orders), 'week')$$,
              $$SELECT * FROM cohort_retention((SELECT a FROM starts), (SELECT a FROM summary), 'week')$$,
              'text ids: same cohorts of starts and returns');
SELECT bag_eq($$SELECT * FROM cohort_retention((SELECT activity_agg(md5(customer_id::text)::uuid, day) FROM signups),
                                               (SELECT activity_agg(md5(customer_id::text)::uuid, day) FROM orders),
                                               'month', 'on_or_after')$$,
              $$SELECT * FROM cohort_retention((SELECT a FROM starts), (SELECT a FROM summary), 'month', 'on_or_after')$$,
              'uuid ids: same cohorts of starts and returns');
SELECT bag_eq($$SELECT customer_id::text, stage, first_active, last_active, active_days
                FROM customer_stages(NULL::text, (SELECT activity_agg(customer_id::text, day) FROM orders), 'week', DATE '2024-01-10')$$,
              $$SELECT customer_id::text, stage, first_active, last_active, active_days
                FROM customer_stages(NULL::bigint, (SELECT a FROM summary), 'week', DATE '2024-01-10')$$,
              'text ids: same stages');
SELECT bag_eq($$SELECT customer_id, stage FROM customer_stages(NULL::uuid,
                  (SELECT activity_agg(md5(customer_id::text)::uuid, day) FROM orders), 'month', DATE '2024-01-10')$$,
              $$SELECT md5(customer_id::text)::uuid, stage
                FROM customer_stages(NULL::bigint, (SELECT a FROM summary), 'month', DATE '2024-01-10')$$,
              'uuid ids: same stages, as uuid');
SELECT is((SELECT pg_typeof(customer_id)::text FROM customer_stages(NULL::uuid,
              (SELECT activity_agg(md5(customer_id::text)::uuid, day) FROM orders), 'month', DATE '2024-01-10') LIMIT 1),
          'uuid', 'customer_id comes back as uuid');
SELECT bag_eq($$SELECT * FROM stage_transitions((SELECT activity_agg(customer_id::text, day) FROM orders), 'week')$$,
              $$SELECT * FROM stage_transitions((SELECT a FROM summary), 'week')$$, 'text ids: same flows');

-- ---- errors ----
SELECT throws_ok($$SELECT * FROM cohort_retention((SELECT a FROM summary), 'month', 'later')$$, '22023',
                 'invalid mode "later"', 'unknown mode');
SELECT throws_ok($$SELECT * FROM cohort_retention((SELECT a FROM starts), (SELECT a FROM summary), 'fortnightly')$$,
                 '22023', 'invalid period "fortnightly"', 'unknown period, two summaries');
SELECT throws_ok($$SELECT * FROM cohort_retention((SELECT a FROM summary), (SELECT activity_agg(customer_id::text, day) FROM orders))$$,
                 '22023', NULL, 'starts and returns of different id types');
SELECT throws_ok($$SELECT * FROM bracket_retention((SELECT a FROM summary), '{1,8,5}')$$, '22023', NULL,
                 'bounds not increasing');
SELECT throws_ok($$SELECT * FROM bracket_retention((SELECT a FROM summary), '{}')$$, '22023', NULL, 'no bounds');
SELECT throws_ok($$SELECT * FROM bracket_retention((SELECT a FROM summary), '{-7,0}')$$, '22023', NULL, 'negative bound');
SELECT throws_ok($$SELECT * FROM active_customers((SELECT a FROM summary), -1)$$, '22023', NULL, 'window below 1');
SELECT throws_ok($$SELECT * FROM active_customers((SELECT a FROM summary), 100000)$$, '22023', NULL, 'window above 3660');
SELECT throws_ok($$SELECT * FROM inactivity_churn((SELECT a FROM summary), 3661)$$, '22023', NULL,
                 'inactive_days above 3660');
SELECT throws_ok($$SELECT * FROM inactivity_churn((SELECT a FROM summary), 30, '30 days')$$, '22023', NULL,
                 'inactivity_churn takes calendar periods only');
SELECT throws_ok($$SELECT * FROM customer_stages(NULL::text, (SELECT a FROM summary), 'month', DATE '2024-01-01')$$,
                 '42804', NULL, 'id type argument of another type than the summary''s ids');
SELECT throws_ok($$SELECT * FROM time_to_repeat((SELECT a FROM summary), 0)$$, '22023', NULL, 'n below 2');
SELECT throws_ok($$SELECT * FROM repeat_within((SELECT a FROM summary), 5000)$$, '22023', NULL, 'days above 3660');

SELECT * FROM finish();
ROLLBACK;
