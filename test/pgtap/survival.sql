-- Survival: the Kaplan-Meier curve, median and restricted mean against the
-- same estimator written in plain SQL with window functions, rollup of random
-- partitions, text round trip, error codes.
BEGIN;
SET LOCAL search_path = public, retention;
SELECT plan(20);

SELECT setseed(0.31);
-- several data sets: whole-day durations with many ties, fractional ones,
-- a small one that may end in a total drop, and NULLs everywhere
CREATE TEMP TABLE lives AS
SELECT i AS id, k AS dataset,
       CASE WHEN random() < 0.01 THEN NULL
            WHEN k = 1 THEN floor(random() * 400)
            WHEN k = 2 THEN round((random() * random() * 50)::numeric, 2)::float8
            ELSE floor(random() * 8) END AS duration,
       CASE WHEN random() < 0.01 THEN NULL ELSE random() < (0.3 + 0.2 * k) END AS churned
FROM generate_series(1, 3) k, generate_series(1, CASE k WHEN 3 THEN 12 ELSE 5000 END) i;

-- Kaplan-Meier in plain SQL: at risk = rows with duration >= t; S = product of
-- (1 - d/n) over event times <= t; Greenwood se = S sqrt(sum d / (n (n - d)));
-- censored = censorings from this event time until the next one
CREATE TEMP VIEW km_by_hand AS
WITH counts AS (
    SELECT dataset, duration AS t,
           count(*) FILTER (WHERE churned) AS d, count(*) FILTER (WHERE NOT churned) AS c
    FROM lives WHERE duration IS NOT NULL AND churned IS NOT NULL
    GROUP BY dataset, duration
), risk AS (
    SELECT *, sum(d + c) OVER (PARTITION BY dataset ORDER BY t DESC) AS n,
           count(*) FILTER (WHERE d > 0) OVER (PARTITION BY dataset ORDER BY t) AS event_index
    FROM counts
), steps AS (
    SELECT *, sum(c) OVER (PARTITION BY dataset, event_index) AS censored_until_next,
           bool_or(d = n) OVER (PARTITION BY dataset ORDER BY t) AS reached_zero,
           exp(sum(ln(CASE WHEN d < n THEN 1 - d::float8 / n ELSE 1 END)) OVER (PARTITION BY dataset ORDER BY t)) AS product,
           sum(CASE WHEN d < n THEN d::float8 / (n * (n - d)) END) OVER (PARTITION BY dataset ORDER BY t) AS greenwood
    FROM risk
)
SELECT dataset, t, n AS at_risk, d AS events, censored_until_next AS censored,
       CASE WHEN reached_zero THEN 0 ELSE product END AS survival,
       CASE WHEN reached_zero THEN NULL ELSE product * sqrt(greenwood) END AS std_error
FROM steps WHERE d > 0;

CREATE TEMP TABLE summaries AS
SELECT dataset, survival_agg(duration, churned) AS s FROM lives GROUP BY dataset;
CREATE TEMP VIEW km_curve AS
SELECT dataset, k.* FROM summaries, LATERAL survival_curve(s) k;

-- the comparisons below are over real curves: each data set has event times
SELECT ok((SELECT count(*) = 3 AND min(n) > 1 FROM (
               SELECT dataset, count(*) AS n FROM km_curve GROUP BY dataset) x),
          'every data set has a curve of several event times');
SELECT is((SELECT array_agg(row(dataset, time, at_risk, events, censored)::text ORDER BY dataset, time) FROM km_curve),
          (SELECT array_agg(row(dataset, t, at_risk, events, censored)::text ORDER BY dataset, t) FROM km_by_hand),
          'survival_curve: event times, at risk, events and censored as in plain SQL');
SELECT ok((SELECT bool_and(abs(a.survival - b.survival) < 1e-12)
           FROM km_curve a JOIN km_by_hand b ON a.dataset = b.dataset AND a.time = b.t),
          'KM survival equals the plain-SQL product to 1e-12');
SELECT ok((SELECT bool_and(CASE WHEN b.std_error IS NULL THEN a.std_error IS NULL
                                ELSE abs(a.std_error - b.std_error) < 1e-12 END)
           FROM km_curve a JOIN km_by_hand b ON a.dataset = b.dataset AND a.time = b.t),
          'Greenwood standard errors equal the plain-SQL ones to 1e-12');
SELECT ok((SELECT bool_and(ok) FROM (
               SELECT at_risk - events - censored
                      = coalesce(lead(at_risk) OVER (PARTITION BY dataset ORDER BY time), 0) AS ok
               FROM km_curve) y),
          'at_risk of the next event time = at_risk - events - censored');
SELECT ok((SELECT bool_and(s) FROM (
               SELECT survival <= coalesce(lag(survival) OVER (PARTITION BY dataset ORDER BY time), 1) AS s
               FROM km_curve) x),
          'the curve never rises');

-- median: the smallest event time with S <= 0.5, where S within 1e-12
-- relative above 0.5 counts as 0.5 (the product of the factors carries
-- rounding errors)
SELECT is((SELECT array_agg(median_lifetime(s) ORDER BY dataset) FROM summaries),
          (SELECT array_agg((SELECT min(t) FROM km_by_hand b
                             WHERE b.dataset = d.dataset AND b.survival <= 0.5 * (1 + 1e-12))
                            ORDER BY dataset)
           FROM generate_series(1, 3) d(dataset)),
          'median_lifetime = smallest event time with S <= 0.5');
-- n customers churning one a day reach exactly 0.5 on day n / 2, although
-- the product of (m - 1) / m lands a few ulps above 0.5 for many n
SELECT is((SELECT array_agg(median_lifetime(s) ORDER BY n)
           FROM (SELECT n, (SELECT survival_agg(d, true) FROM generate_series(1, n) d) AS s
                 FROM generate_series(2, 400, 2) n) x),
          (SELECT array_agg(n / 2.0::float8 ORDER BY n) FROM generate_series(2, 400, 2) n),
          'median_lifetime: S of exactly 0.5 after rounding is reached (n = 2 .. 400)');
-- the tolerance is 1e-12, no more: S = 0.5 (1 + 2e-10) has not reached 0.5,
-- S = 0.5 (1 + 2e-13) has
SELECT is(median_lifetime('v1 n=2 entries=1:4999999999:0,2:5000000001:0'), 2::float8,
          'median_lifetime: S = 0.5 + 1e-10 is above 0.5');
SELECT is(median_lifetime('v1 n=2 entries=1:4999999999999:0,2:5000000000001:0'), 1::float8,
          'median_lifetime: S = 0.5 + 1e-13 counts as 0.5');

-- restricted mean: horizon minus the area above the curve,
-- h - sum over event times t < h of (S(t-) - S(t)) (h - t)
SELECT ok((SELECT bool_and(abs(mean_lifetime(s, h) - (
                   SELECT h - coalesce(sum((prev - survival) * (h - t)), 0)
                   FROM (SELECT t, survival, coalesce(lag(survival) OVER (ORDER BY t), 1) AS prev
                         FROM km_by_hand b WHERE b.dataset = summaries.dataset) c
                   WHERE t < h)) < 1e-9 * greatest(1, h))
           FROM summaries, unnest(ARRAY[0, 0.5, 3, 7.25, 120, 399, 1000]) h),
          'mean_lifetime = area under the KM curve up to the horizon');

-- rollup of random partitions equals the direct summary
SELECT is((SELECT rollup(s)::text FROM (
               SELECT survival_agg(duration, churned) s FROM lives WHERE dataset = 1 GROUP BY id % k) x),
          (SELECT s::text FROM summaries WHERE dataset = 1),
          format('rollup of survival_agg over %s partitions = survival_agg', k))
FROM unnest(ARRAY[1, 7, 1000]) k;
SELECT is((SELECT rollup(s)::text FROM summaries),
          (SELECT survival_agg(duration, churned)::text FROM lives),
          'rollup across data sets = survival_agg of all rows');

-- text round trip of random summaries, with arbitrary doubles as durations
SELECT is((SELECT count(*) FROM (
               SELECT survival_agg(random() * 10 ^ (random() * 40 - 20), random() < 0.5) s
               FROM generate_series(1, 20000) i GROUP BY i % 50) x
           WHERE s::text::survival::text <> s::text OR
                 (SELECT array_agg(time) FROM survival_curve(s)) <>
                 (SELECT array_agg(time) FROM survival_curve(s::text::survival))),
          0::bigint, 'survival text round trip keeps every duration exactly');

-- errors
SELECT throws_ok($$SELECT survival_agg('NaN', true)$$, '22023', 'duration NaN is not a finite number', 'NaN duration');
SELECT throws_ok($$SELECT survival_agg(-1, false)$$, '22023', 'duration -1 is negative', 'negative duration');
SELECT throws_ok($$SELECT mean_lifetime('v1 n=1 entries=1:1:0', -2)$$, '22023', NULL, 'negative horizon');
SELECT throws_ok($$SELECT 'v1 n=2 entries=3:1:0,1:1:0'::survival$$, '22P02', NULL, 'unsorted survival text');

SELECT * FROM finish();
ROLLBACK;
