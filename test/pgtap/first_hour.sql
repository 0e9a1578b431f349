-- Issue 19, "the first hour of a new analyst": properties of the fixes on
-- random data, and their error codes.
BEGIN;
SET LOCAL search_path = public, retention;
SELECT plan(31);

-- ===================================================================
-- 1 and 6. Churn over consecutive periods; churn_agg and its rollup
-- ===================================================================
SELECT setseed(0.19);
CREATE TEMP TABLE subs AS
SELECT i AS id, floor(random() * 5)::int AS grp, s AS started,
       CASE WHEN random() < 0.25 THEN NULL
            -- a third of the ends on the first day of a month, the trap's case
            WHEN random() < 0.33 THEN (date_trunc('month', s + floor(random() * 500)::int) + interval '1 month')::date
            ELSE s + floor(random() * 500)::int END AS ended
FROM (SELECT i, DATE '2022-06-01' + floor(random() * 900)::int AS s
      FROM generate_series(1, 20000) i) x;
CREATE TEMP TABLE months AS
SELECT period_range('month', d::date) AS p
FROM generate_series(DATE '2023-01-01', DATE '2024-12-01', '1 month') d;
CREATE TEMP TABLE weeks AS
SELECT period_range('week', d::date) AS p
FROM generate_series(DATE '2023-01-02', DATE '2024-12-30', '7 days') d;

-- per subscription, how often it is counted as churned over the consecutive months
CREATE TEMP TABLE churn_counts AS
SELECT id, sum(churned(s)) AS n
FROM (SELECT id, p, churn_agg(started, ended, p) AS s FROM subs, months GROUP BY id, p) x
GROUP BY id;
-- it must be once exactly when it ended within the months while running on
-- the first day of the month of its last day, else never
SELECT is((SELECT count(*) FROM churn_counts c JOIN subs s USING (id)
           WHERE c.n <> CASE WHEN s.ended > DATE '2023-01-01' AND s.ended <= DATE '2025-01-01'
                              AND s.started <= date_trunc('month', s.ended - 1)::date THEN 1 ELSE 0 END),
          0::bigint,
          'over consecutive months every cancellation of a running subscription is counted exactly once');
SELECT ok((SELECT count(*) FROM churn_counts WHERE n = 1) > 5000,
          'many cancellations in the months');
-- the inclusive-end recipe loses those that end on a first day
SELECT ok((SELECT sum(churned(s)) FROM (
               SELECT churn_agg(started, ended, p) AS s FROM subs, months GROUP BY p) x)
          - (SELECT sum(c) FROM (
               SELECT round(churn_rate(started, ended, lower(p), upper(p) - 1) *
                            customers_start(churn_agg(started, ended, p)))::bigint AS c
               FROM subs, months GROUP BY p) y) > 1000,
          'the inclusive-end recipe would lose more than a thousand of them');
-- weeks too: total churned = cancellations of running subscriptions within the weeks
SELECT is((SELECT sum(churned(s))::bigint FROM (SELECT churn_agg(started, ended, p) AS s FROM subs, weeks GROUP BY p) x),
          (SELECT count(*) FROM subs
           WHERE ended > DATE '2023-01-02' AND ended <= DATE '2025-01-06'
             AND started <= (SELECT lower(period_range('week', ended - 1)))),
          'over consecutive ISO weeks too');

-- the summary against the definition, per group and random period
CREATE TEMP TABLE periods AS
SELECT daterange(a, a + len) AS p
FROM (VALUES (DATE '2023-06-01', 30), ('2024-01-01', 91), ('2024-07-15', 1), ('2022-01-01', 365),
             ('2025-03-01', 60), ('2024-12-31', 400)) v(a, len);
SELECT is((SELECT array_agg(ARRAY[customers_start(s), churned(s)] ORDER BY p, grp)
           FROM (SELECT p, grp, churn_agg(started, ended, p) AS s FROM subs, periods GROUP BY p, grp) x),
          (SELECT array_agg(ARRAY[s, c] ORDER BY p, grp) FROM (
               SELECT p, grp,
                      count(*) FILTER (WHERE started <= lower(p) AND (ended IS NULL OR lower(p) < ended)) AS s,
                      count(*) FILTER (WHERE started <= lower(p) AND lower(p) < ended AND ended <= upper(p)) AS c
               FROM subs, periods GROUP BY p, grp) x),
          'customers_start and churned follow the definition on random periods');
SELECT is((SELECT array_agg(churn_rate(s)::text || ' ' || retention_rate(s)::text ORDER BY p)
           FROM (SELECT p, churn_agg(started, ended, p) AS s FROM subs, periods GROUP BY p) x),
          (SELECT array_agg(r ORDER BY p) FROM (
               SELECT p, churn_rate(started, ended, p)::text || ' ' || retention_rate(started, ended, p)::text AS r
               FROM subs, periods GROUP BY p) x),
          'the accessors equal the one-step aggregates');
-- rollup of random partitions equals the whole
SELECT is((SELECT array_agg(r::text ORDER BY p) FROM (
               SELECT p, rollup(s) AS r FROM (
                   SELECT p, floor(random() * 13) AS part, churn_agg(started, ended, p) AS s
                   FROM subs, periods GROUP BY 1, 2) parts GROUP BY p) x),
          (SELECT array_agg(s ORDER BY p) FROM (
               SELECT p, churn_agg(started, ended, p)::text AS s FROM subs, periods GROUP BY p) x),
          'rollup of random partitions equals churn_agg over all rows');

SELECT throws_ok($$SELECT churn_agg(started, ended, 'empty') FROM subs$$, '22023');
SELECT throws_ok($$SELECT churn_rate(started, ended, '(,2024-01-01)'::daterange) FROM subs$$, '22023');
SELECT throws_ok($$SELECT churn_agg(started, ended, period_range('month', started)) FROM subs$$, '22023');
SELECT throws_ok($$SELECT rollup(s) FROM (SELECT churn_agg(started, ended, p) AS s FROM subs, periods GROUP BY p) x$$,
                 '22023');
SELECT throws_ok($$SELECT period_range('3 days', DATE '2024-01-01')$$, '22023');

-- ===================================================================
-- 3. Gamma-Gamma skips customers with a monetary value <= 0
-- ===================================================================
CREATE TEMP TABLE spenders AS
SELECT frequency, CASE WHEN customer_id % 9 = 0 THEN -monetary_value
                       WHEN customer_id % 13 = 0 THEN 0 ELSE monetary_value END AS monetary_value
FROM btyd_simulate(3000, 0.25, 30, 0.8, 2.5, 30, 400, seed => 19);
SELECT is((SELECT gammagamma_fit(frequency, monetary_value)::text FROM spenders),
          (SELECT gammagamma_fit(frequency, monetary_value)::text FROM spenders WHERE monetary_value > 0),
          'customers with a negative or zero monetary value are skipped, as if filtered out');
SELECT ok((SELECT count(*) FROM spenders WHERE monetary_value < 0 AND frequency > 0) > 100,
          'and there were many negative ones');
SELECT throws_ok($$SELECT gammagamma_fit(2, 'NaN')$$, '22023');
SELECT throws_ok($$SELECT expected_spend(ROW(6.25, 3.74, 15.44, NULL, NULL, NULL), 2, -1)$$, '22023');

-- ===================================================================
-- 4. Survey scores of type smallint, bigint and numeric
-- ===================================================================
CREATE TEMP TABLE scores AS
SELECT i % 17 AS grp, CASE WHEN random() < 0.05 THEN NULL ELSE floor(random() * 11)::int END AS nps_score,
       CASE WHEN random() < 0.05 THEN NULL ELSE 1 + floor(random() * 7)::int END AS csat_score
FROM generate_series(1, 20000) i;
SELECT is((SELECT array_agg(a ORDER BY grp) FROM (
               SELECT grp, concat_ws(' ', nps_agg(nps_score::numeric(5, 2)), nps_agg(nps_score::bigint),
                                     nps_agg(nps_score::smallint), csat_agg(csat_score::numeric, 7),
                                     csat_agg(csat_score::bigint, 7), csat_agg(csat_score::smallint, 7),
                                     csat_agg(least(csat_score, 5)::numeric), csat_agg(least(csat_score, 5)::bigint),
                                     csat_agg(least(csat_score, 5)::smallint)) AS a
               FROM scores GROUP BY grp) x),
          (SELECT array_agg(a ORDER BY grp) FROM (
               SELECT grp, concat_ws(' ', nps_agg(nps_score), nps_agg(nps_score), nps_agg(nps_score),
                                     csat_agg(csat_score, 7), csat_agg(csat_score, 7), csat_agg(csat_score, 7),
                                     csat_agg(least(csat_score, 5)), csat_agg(least(csat_score, 5)),
                                     csat_agg(least(csat_score, 5))) AS a
               FROM scores GROUP BY grp) x),
          'smallint, bigint and numeric scores summarise as int scores do');
SELECT is((SELECT array_agg(a ORDER BY grp) FROM (
               SELECT grp, nps(nps_score::numeric)::text || ' ' || csat(csat_score::bigint, 7)::text AS a
               FROM scores GROUP BY grp) x),
          (SELECT array_agg(a ORDER BY grp) FROM (
               SELECT grp, nps(nps_score)::text || ' ' || csat(csat_score, 7)::text AS a
               FROM scores GROUP BY grp) x),
          'one-step nps and csat of other types equal the int ones');
SELECT throws_ok($$SELECT nps(s) FROM (VALUES (8.5)) v(s)$$, '22003');
SELECT throws_ok($$SELECT nps_agg(s) FROM (VALUES (9.000001)) v(s)$$, '22003');
SELECT throws_ok($$SELECT csat(s) FROM (VALUES (4.5)) v(s)$$, '22003');
SELECT throws_ok($$SELECT csat_agg(s, 7) FROM (VALUES (8::bigint)) v(s)$$, '22003');
SELECT throws_ok($$SELECT nps(s) FROM (VALUES (11::smallint)) v(s)$$, '22003');

-- ===================================================================
-- 5. The NPS interval at small n: coverage by simulation
-- ===================================================================
-- For a grid of true shares (promoters, detractors) and sample sizes, 400
-- seeded surveys each: how often [nps_lower, nps_upper] holds the true NPS.
SELECT setseed(0.5);
CREATE TEMP TABLE truths AS
SELECT row_number() OVER () AS k, p, d, 100 * (p - d) AS true_nps
FROM (VALUES (0.05), (0.2), (0.4), (0.6), (0.8), (0.95)) a(p),
     (VALUES (0.05), (0.2), (0.4), (0.6)) b(d)
WHERE p + d <= 1;
CREATE TEMP TABLE surveys AS
SELECT k, n, rep,
       nps_agg(CASE WHEN u < p THEN 10 WHEN u < p + d THEN 0 ELSE 8 END) AS s
FROM truths, (VALUES (1), (2), (5), (10), (30)) sizes(n), generate_series(1, 400) rep,
     LATERAL (SELECT random() AS u FROM generate_series(1, n) WHERE rep > 0) draw
GROUP BY k, n, rep;
CREATE TEMP TABLE coverage AS
SELECT n, k,
       avg((nps_lower(s) <= true_nps AND true_nps <= nps_upper(s))::int) AS adjusted,
       -- the plain Wald interval around the observed NPS, as nps_margin was
       avg((abs(nps(s) - true_nps) <= 1.959963984540054 * 100 *
            sqrt(greatest((promoters(s) + detractors(s))::float8 / responses(s)
                          - ((promoters(s) - detractors(s))::float8 / responses(s)) ^ 2, 0) / responses(s)))::int) AS wald
FROM surveys JOIN truths USING (k) GROUP BY n, k;
SELECT is((SELECT count(*) FROM surveys), (SELECT 400 * 5 * count(*) FROM truths), 'every simulated survey');
SELECT ok((SELECT bool_and(a BETWEEN 0.93 AND 0.985) FROM (SELECT n, avg(adjusted) a FROM coverage GROUP BY n) x),
          'the 95 % interval covers the true NPS 93-98.5 % of the time on average over the grid, at every n from 1 to 30');
SELECT ok((SELECT min(adjusted) >= 0.7 FROM coverage) AND (SELECT min(adjusted) >= 0.85 FROM coverage WHERE n >= 5),
          'and never below 70 % at any point of the grid (85 % from 5 responses)');
SELECT ok((SELECT bool_and(w < 0.85) FROM (SELECT n, avg(wald) w FROM coverage WHERE n <= 5 GROUP BY n) x),
          'where the plain Wald interval covered less than 85 % on average up to 5 responses (10 % for one)');
SELECT ok((SELECT bool_and(nps_margin(s) > 0 AND nps_lower(s) >= -100 AND nps_upper(s) <= 100
                           AND nps_lower(s) < nps_upper(s)
                           AND nps_lower(s, 0.5) > nps_lower(s) AND nps_upper(s, 0.5) < nps_upper(s))
           FROM surveys),
          'a margin that is never 0, bounds within the scale, narrower at a lower confidence');
SELECT is(nps_margin('v1 promoters=100000 passives=50000 detractors=50000'),
          1.959963984540054 * 100 * sqrt((100000.75 + 50000.75) / 200003 - (50000.0 / 200003) ^ 2) / sqrt(200003),
          'at large n it is the Wald margin of the shares with 3 pseudo-responses');
SELECT throws_ok($$SELECT nps_lower('v1 promoters=1 passives=0 detractors=0', 1)$$, '22023');
SELECT throws_ok($$SELECT nps_upper('v1 promoters=1 passives=0 detractors=0', 0)$$, '22023');

SELECT * FROM finish();
ROLLBACK;
