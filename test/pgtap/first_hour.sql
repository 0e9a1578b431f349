-- Issue 19, "the first hour of a new analyst": properties of the fixes on
-- random data, and their error codes.
BEGIN;
SET LOCAL search_path = public, retention;
SELECT plan(37);

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
-- 2. Scoring BG/NBD models with large a and b, and horizons near z = 1
-- ===================================================================
-- 50-digit references from test/first_hour_reference.py (mpmath)
CREATE TEMP TABLE bg_reference (r float8, alpha float8, a float8, b float8, t float8, x int,
                                tx float8, tenure float8, expected float8);
INSERT INTO bg_reference VALUES
(0.35, 12, 2.7e6, 7.9e6, 1, 0, 0, 0, 0.028755598826664053222),
(0.35, 12, 2.7e6, 7.9e6, 30, 0, 0, 0, 0.62189324555533755541),
(0.35, 12, 2.7e6, 7.9e6, 360, 0, 0, 0, 2.0803340819501734046),
(0.35, 12, 2.7e6, 7.9e6, 1, 5, 100, 200, 0.0022085722939570132351),
(0.35, 12, 2.7e6, 7.9e6, 360, 5, 100, 200, 0.29448757309183099475),
(0.35, 12, 2.7e6, 7.9e6, 30, 1, 2, 400, 0.0028417620030962224385),
(0.35, 12, 2.7e6, 7.9e6, 3000, 20, 300, 310, 2.380124036536776698),
(0.35, 12, 2.7e6, 7.9e6, 360, 50, 700, 730, 1.0494805432175881718),
(0.8491487653032616, 29.421611764118747, 2026171.4082246372, 6094689.575618215, 1, 0, 0, 0, 0.028636912216995582046),
(0.8491487653032616, 29.421611764118747, 2026171.4082246372, 6094689.575618215, 30, 0, 0, 0, 0.70172311906959991929),
(0.8491487653032616, 29.421611764118747, 2026171.4082246372, 6094689.575618215, 360, 0, 0, 0, 2.7866234613569947418),
(0.8491487653032616, 29.421611764118747, 2026171.4082246372, 6094689.575618215, 1, 5, 100, 200, 0.0024278793748711685241),
(0.8491487653032616, 29.421611764118747, 2026171.4082246372, 6094689.575618215, 360, 5, 100, 200, 0.32763126190854374649),
(0.8491487653032616, 29.421611764118747, 2026171.4082246372, 6094689.575618215, 30, 1, 2, 400, 0.0029414125352829324876),
(0.8491487653032616, 29.421611764118747, 2026171.4082246372, 6094689.575618215, 3000, 20, 300, 310, 2.4738355513821912594),
(0.8491487653032616, 29.421611764118747, 2026171.4082246372, 6094689.575618215, 360, 50, 700, 730, 1.11541434741923843),
(0.5, 10, 1e5, 2e5, 1, 0, 0, 0, 0.048783739184593944913),
(0.5, 10, 1e5, 2e5, 30, 0, 0, 0, 0.87868065294337864526),
(0.5, 10, 1e5, 2e5, 360, 0, 0, 0, 2.167959826151615809),
(0.5, 10, 1e5, 2e5, 1, 5, 100, 200, 0.0014069872204882105722),
(0.5, 10, 1e5, 2e5, 360, 5, 100, 200, 0.14851294187655097867),
(0.5, 10, 1e5, 2e5, 30, 1, 2, 400, 0.0010559869416511663191),
(0.5, 10, 1e5, 2e5, 3000, 20, 300, 310, 1.5319029667461203953),
(0.5, 10, 1e5, 2e5, 360, 50, 700, 730, 0.59488870911852595903),
(0.7, 20, 3.7e4, 1e3, 1, 0, 0, 0, 0.033612372784459637851),
(0.7, 20, 3.7e4, 1e3, 30, 0, 0, 0, 0.48018462229699876854),
(0.7, 20, 3.7e4, 1e3, 360, 0, 0, 0, 0.89394242110018094545),
(0.7, 20, 3.7e4, 1e3, 1, 5, 100, 200, 0.000021863664757969963947),
(0.7, 20, 3.7e4, 1e3, 360, 5, 100, 200, 0.00087582567904258117541),
(0.7, 20, 3.7e4, 1e3, 30, 1, 2, 400, 0.000019923730155170336065),
(0.7, 20, 3.7e4, 1e3, 3000, 20, 300, 310, 0.014752610674444417605),
(0.7, 20, 3.7e4, 1e3, 360, 50, 700, 730, 0.0036671367330029880219),
(0.5, 10, 1e12, 3e12, 1, 0, 0, 0, 0.049081613401641587729),
(0.5, 10, 1e12, 3e12, 30, 0, 0, 0, 0.97628421592627224152),
(0.5, 10, 1e12, 3e12, 360, 0, 0, 0, 2.7350889359339845139),
(0.5, 10, 1e12, 3e12, 1, 5, 100, 200, 0.0020576046332983399057),
(0.5, 10, 1e12, 3e12, 360, 5, 100, 200, 0.27110879942927558867),
(0.5, 10, 1e12, 3e12, 30, 1, 2, 400, 0.0015879519188534019789),
(0.5, 10, 1e12, 3e12, 3000, 20, 300, 310, 2.4404298688325778854),
(0.5, 10, 1e12, 3e12, 360, 50, 700, 730, 1.0792988487210071204),
(0.5, 10, 50, 0.3, 1, 0, 0, 0, 0.046556522414032181481),
(0.5, 10, 50, 0.3, 30, 0, 0, 0, 0.50189608839677059456),
(0.5, 10, 50, 0.3, 360, 0, 0, 0, 0.84021768669074961212),
(0.5, 10, 50, 0.3, 1, 5, 100, 200, 0.000063237796763911171644),
(0.5, 10, 50, 0.3, 360, 5, 100, 200, 0.002697178655036997618),
(0.5, 10, 50, 0.3, 30, 1, 2, 400, 3.0260382730305243701e-6),
(0.5, 10, 50, 0.3, 3000, 20, 300, 310, 0.23702771180354868706),
(0.5, 10, 50, 0.3, 360, 50, 700, 730, 0.22028415348685550761),
(2, 50, 300, 20, 1, 0, 0, 0, 0.038902485783198434039),
(2, 50, 300, 20, 30, 0, 0, 0, 0.62979026083273823747),
(2, 50, 300, 20, 360, 0, 0, 0, 1.0491116562212014963),
(2, 50, 300, 20, 1, 5, 100, 200, 0.000061651648569637318673),
(2, 50, 300, 20, 360, 5, 100, 200, 0.002414781766521066128),
(2, 50, 300, 20, 30, 1, 2, 400, 0.000018251459474362064123),
(2, 50, 300, 20, 3000, 20, 300, 310, 0.07412257451354830805),
(2, 50, 300, 20, 360, 50, 700, 730, 0.035854601530359777195),
(0.243, 4.414, 0.793, 2.426, 10000000, 2, 30.43, 38.86, 149.69436189495382648),
(0.243, 4.414, 0.793, 2.426, 1000000000, 0, 0, 0, 256.25492550312444625),
(0.243, 4.414, 0.793, 2.426, 100000000, 10, 5, 38.86, 0.0026470790439053424218);
SELECT is((SELECT count(*) FROM bg_reference
           WHERE abs(expected_purchases(ROW(r, alpha, a, b, NULL, NULL, NULL, NULL)::bgnbd_model, t, x, tx, tenure)
                     / expected - 1) > 1e-12),
          0::bigint, 'expected_purchases within 1e-12 of the 50-digit references, a up to 1e12');
SELECT is((SELECT count(*) FROM bg_reference WHERE x = 0 AND tenure = 0
           AND abs(expected_purchases(ROW(r, alpha, a, b, NULL, NULL, NULL, NULL)::bgnbd_model, t) / expected - 1) > 1e-12),
          0::bigint, 'and the new-customer form too');
-- a fit that runs off: warned, converged = false, yet scored; the
-- suggested penalizer converges
CREATE TEMP TABLE runaway AS SELECT * FROM btyd_simulate(300, 0.8, 30, 1e7, 3e7, 30, 700, seed => 8);
SET LOCAL client_min_messages = error;
CREATE TEMP TABLE runaway_models AS
SELECT bgnbd_fit(frequency, recency, tenure) AS bg, bgnbd_fit(frequency, recency, tenure, 0.001) AS penalized,
       gammagamma_fit(frequency, monetary_value) AS gg
FROM runaway;
RESET client_min_messages;
SELECT ok((SELECT NOT (bg).converged AND (bg).a > 1e6 AND (penalized).converged FROM runaway_models),
          'the unpenalized fit runs off (a > 1e6, converged = false); penalizer 0.001 converges');
SELECT ok((SELECT bool_and(e > 0 AND e < 1000 AND c > 0)
           FROM (SELECT expected_purchases(bg, 1, frequency, recency, tenure) * 0 +
                        expected_purchases(bg, 360, frequency, recency, tenure) AS e,
                        clv(bg, gg, frequency, recency, tenure, monetary_value, 12, 0.01) AS c
                 FROM runaway, runaway_models WHERE frequency > 0) x),
          'every customer gets a finite expectation and CLV from the unconverged model');
-- expected purchases grow with the horizon and stay below the no-dropout limit
SELECT ok((SELECT bool_and(e1 <= e2 AND e2 <= e3)
           FROM (SELECT expected_purchases(bg, 30, frequency, recency, tenure) e1,
                        expected_purchases(bg, 31, frequency, recency, tenure) e2,
                        expected_purchases(bg, 3650, frequency, recency, tenure) e3
                 FROM runaway, runaway_models) x),
          'monotone in the horizon across the switch between the two methods');
-- the two methods meet: a = 61 switches at (a - 1) z = 30, z = 1/2, i.e. t = α + T
-- (the 2e-9 between the horizons alone moves the value by about 1e-11)
SELECT ok((SELECT max(abs(lo / hi - 1)) < 1e-10 FROM (
               SELECT expected_purchases(ROW(0.5, 10, 61, b, NULL, NULL, NULL, NULL)::bgnbd_model, 210 - 1e-9, 3, 50, 200) lo,
                      expected_purchases(ROW(0.5, 10, 61, b, NULL, NULL, NULL, NULL)::bgnbd_model, 210 + 1e-9, 3, 50, 200) hi
               FROM (VALUES (0.5), (5), (90), (1000)) v(b)) x),
          'continuous where the series gives way to the integral');

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
SELECT throws_ok($$SELECT expected_spend(ROW(6.25, 3.74, 15.44, NULL, NULL, NULL, NULL)::gammagamma_model, 2, -1)$$, '22023');

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
