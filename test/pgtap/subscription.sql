-- Contractual churn and formula CLV: the definitions against plain SQL on
-- random data, and error codes.
BEGIN;
SET LOCAL search_path = public, retention;
SELECT plan(23);

SELECT setseed(0.30);
CREATE TEMP TABLE subs AS
SELECT i AS id, floor(random() * 7)::int AS grp, s AS started,
       CASE WHEN random() < 0.3 THEN NULL ELSE s + floor(random() * 400)::int END AS ended
FROM (SELECT i, CASE WHEN random() < 0.01 THEN NULL
                     ELSE DATE '2023-01-01' + floor(random() * 730)::int END AS s
      FROM generate_series(1, 30000) i) x;
CREATE TEMP TABLE periods AS
SELECT p AS period_start, (p + len)::date AS period_end
FROM (VALUES (DATE '2023-06-01', 30), ('2024-01-01', 90), ('2024-07-15', 1), ('2022-01-01', 365),
             ('2025-03-01', 60), ('2024-12-31', 400)) v(p, len);

-- the definition in plain SQL: S = active on period_start, churned = of S not
-- active on period_end (active on d: started <= d AND (ended IS NULL OR d < ended))
CREATE TEMP VIEW by_hand AS
SELECT p.period_start, s.grp,
       count(*) FILTER (WHERE started <= p.period_start AND (ended IS NULL OR p.period_start < ended)) AS s,
       count(*) FILTER (WHERE started <= p.period_start AND (ended IS NULL OR p.period_start < ended)
                          AND NOT (started <= p.period_end AND (ended IS NULL OR p.period_end < ended))) AS churned
FROM periods p CROSS JOIN subs s WHERE s.started IS NOT NULL
GROUP BY p.period_start, s.grp;

SELECT ok((SELECT count(*) FILTER (WHERE s > 100 AND churned > 0) >= 30 FROM by_hand),
          'the random periods have many subscriptions at their start, some churned');
SELECT is((SELECT array_agg(c ORDER BY period_start, grp) FROM (
               SELECT p.period_start, grp, churn_rate(started, ended, p.period_start, p.period_end) c
               FROM periods p CROSS JOIN subs GROUP BY p.period_start, grp) x),
          (SELECT array_agg(churned::float8 / nullif(s, 0) ORDER BY period_start, grp) FROM by_hand),
          'churn_rate = churned / S per period and group, on random subscriptions');
SELECT is((SELECT array_agg(c ORDER BY period_start, grp) FROM (
               SELECT p.period_start, grp, retention_rate(started, ended, p.period_start, p.period_end) c
               FROM periods p CROSS JOIN subs GROUP BY p.period_start, grp) x),
          (SELECT array_agg((s - churned)::float8 / nullif(s, 0) ORDER BY period_start, grp) FROM by_hand),
          'retention_rate = (S - churned) / S per period and group');
SELECT ok((SELECT bool_and(abs(r + c - 1) < 1e-15) FROM (
               SELECT retention_rate(started, ended, p.period_start, p.period_end) r,
                      churn_rate(started, ended, p.period_start, p.period_end) c
               FROM periods p CROSS JOIN subs GROUP BY p.period_start) x WHERE c IS NOT NULL),
          'retention_rate = 1 - churn_rate');
SELECT is((SELECT count(*) FROM (
               SELECT p.period_start FROM periods p CROSS JOIN subs
               GROUP BY p.period_start
               HAVING churn_rate(started, ended, p.period_start, p.period_end) IS NULL) x),
          1::bigint, 'the period before any subscription has S = 0 and a NULL rate');

-- timestamptz overloads: the same as the dates of the timestamps in the zone
CREATE TEMP TABLE subs_tz AS
SELECT started + random() * interval '1 day' AS started_at,
       ended + random() * interval '1 day' AS ended_at
FROM subs WHERE started IS NOT NULL;
SET LOCAL TimeZone = 'Asia/Kolkata';
SELECT is((SELECT churn_rate(started_at, ended_at, TIMESTAMPTZ '2024-01-01 20:00+00', TIMESTAMPTZ '2024-03-31 20:00+00')
           FROM subs_tz),
          (SELECT churn_rate(started_at::date, ended_at::date, (TIMESTAMPTZ '2024-01-01 20:00+00')::date,
                             (TIMESTAMPTZ '2024-03-31 20:00+00')::date) FROM subs_tz),
          'churn_rate(timestamptz) = churn_rate of the local dates (Asia/Kolkata)');
SET LOCAL TimeZone = 'America/Los_Angeles';
SELECT is((SELECT retention_rate(started_at, ended_at, TIMESTAMPTZ '2024-01-01 05:00+00', TIMESTAMPTZ '2024-03-31 05:00+00')
           FROM subs_tz),
          (SELECT retention_rate(started_at::date, ended_at::date, (TIMESTAMPTZ '2024-01-01 05:00+00')::date,
                                 (TIMESTAMPTZ '2024-03-31 05:00+00')::date) FROM subs_tz),
          'retention_rate(timestamptz) = retention_rate of the local dates (America/Los_Angeles)');

-- the formulas over counts
CREATE TEMP TABLE counts AS
SELECT s, e - n AS retained, n, e
FROM (SELECT s, floor(random() * (s + 1))::bigint AS kept, floor(random() * 100)::bigint AS n
      FROM (SELECT floor(random() * 1000)::bigint AS s FROM generate_series(1, 1000)) a) b,
     LATERAL (SELECT kept + n AS e) c;
SELECT is((SELECT array_agg(retention_rate(s, e, n) ORDER BY s, e, n) FROM counts),
          (SELECT array_agg((e - n)::float8 / nullif(s, 0) ORDER BY s, e, n) FROM counts),
          'retention_rate(S, E, N) = (E - N) / S');
SELECT is((SELECT array_agg(churn_rate(s, s - retained) ORDER BY s, e, n) FROM counts),
          (SELECT array_agg((s - retained)::float8 / nullif(s, 0) ORDER BY s, e, n) FROM counts),
          'churn_rate(S, lost) = lost / S');
SELECT ok(abs(retention_rate(150, 193, 50) - 143.0 / 150) < 1e-15, 'the textbook example: 0.9533...');

-- formula CLV against the sums they stand for
CREATE TEMP TABLE clv_cases AS
SELECT random() * 200 - 20 AS m, CASE WHEN i % 10 = 0 THEN 1 ELSE random() END AS r,
       CASE WHEN i % 7 = 0 THEN 0 ELSE random() * 0.3 END AS d, floor(random() * 120)::int AS t
FROM generate_series(1, 300) i;
SELECT ok((SELECT bool_and(abs(clv_retention(m, r, d, t) - (SELECT coalesce(sum(m * r ^ k / (1 + d) ^ k), 0)
                                                           FROM generate_series(1, t) k))
                           <= 1e-12 * greatest(1, abs(m) * t)) FROM clv_cases),
          'clv_retention(m, r, d, T) = sum of m r^t / (1 + d)^t over t = 1..T');
SELECT ok((SELECT bool_and(abs(clv_retention(m, r, d) - m * r / (1 + d - r)) <= 1e-12 * greatest(1, abs(m * r / (1 + d - r))))
           FROM clv_cases WHERE NOT (r = 1 AND d = 0)),
          'clv_retention(m, r, d) = m r / (1 + d - r)');
SELECT ok((SELECT bool_and(abs(clv_retention(m, r, d, 100000) - clv_retention(m, r, d))
                           <= 1e-9 * greatest(1, abs(clv_retention(m, r, d))))
           FROM clv_cases WHERE d > 0.01 OR r < 0.9),
          'the finite sum tends to the infinite-horizon value');
SELECT is(clv(45.5, 1.5, 24), 45.5::float8 * 1.5 * 24, 'clv = AOV x frequency x lifespan');

-- errors
SELECT throws_ok($$SELECT churn_rate(DATE '2024-01-01', NULL, '2024-02-01', '2024-01-01')$$, '22023',
                 'period end 2024-01-01 is not after period start 2024-02-01', 'period_end before period_start');
SELECT throws_ok($$SELECT retention_rate(DATE '2024-01-05', DATE '2024-01-04', '2024-01-01', '2024-02-01')$$, '22023',
                 'subscription end 2024-01-04 is before its start 2024-01-05', 'ended before started');
SELECT throws_ok($$SELECT churn_rate(started, ended, DATE '2024-01-01' + (id % 2), '2024-12-31') FROM subs$$,
                 '22023', NULL, 'two periods in one aggregate');
SELECT throws_ok($$SELECT churn_rate(-1, 0)$$, '22023', 'customers_start -1 is negative', 'negative count');
SELECT throws_ok($$SELECT retention_rate(150, 40, 50)$$, '22023', NULL, 'E - N < 0');
SELECT throws_ok($$SELECT retention_rate(150, 250, 50)$$, '22023', NULL, 'E - N > S');
SELECT throws_ok($$SELECT clv_retention(100, 1, 0)$$, '22023', NULL, 'r = 1 and d = 0 with an infinite horizon');
SELECT throws_ok($$SELECT clv_retention(100, 1.01, 0.1, 5)$$, '22023', 'retention rate 1.01 is out of range',
                 'retention rate above 1');
SELECT throws_ok($$SELECT 'v1 period_start=2024-01-01 period_end=2023-01-01 customers_start=1 churned=0'::churn_summary$$,
                 '22P02', NULL, 'malformed churn_summary text');

SELECT * FROM finish();
ROLLBACK;
