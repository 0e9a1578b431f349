-- The BTYD model family: simulated populations recover their parameters
-- within 4 standard errors, the reported standard errors match the spread of
-- the estimates over repeated simulations, scores are probabilities and
-- expectations that behave, the Pareto/NBD is continuous across alpha = beta,
-- and bad input gives the documented SQLSTATEs.  Deterministic (setseed and
-- btyd_simulate's seeds).
BEGIN;
SET LOCAL search_path = public, retention;
SELECT plan(20);

-- Pareto/NBD population: lambda ~ Gamma(r = 2, alpha = 10), mu ~ Gamma(s = 1, beta = 20)
-- (integer shapes, so sums of exponentials), tenures 30..75 weeks, purchases a Poisson
-- process until the exponential lifetime or the end of observation.
SELECT setseed(0.42);
CREATE TEMP TABLE pn_pop AS
WITH c AS (
    SELECT i, -(ln(random()) + ln(random())) / 10.0 AS lambda, -ln(random()) / 20.0 AS mu,
           30 + (i % 10) * 5 AS tenure
    FROM generate_series(1, 4000) i),
d AS (SELECT *, least(-ln(random()) / mu, tenure) AS lifetime FROM c),
arrivals AS (
    SELECT i, tenure, lifetime,
           sum(-ln(random()) / lambda) OVER (PARTITION BY i ORDER BY k) AS at
    FROM d, generate_series(1, 300) k)
SELECT i, tenure::float8 AS tenure, count(*) FILTER (WHERE at <= lifetime)::int AS frequency,
       coalesce(max(at) FILTER (WHERE at <= lifetime), 0)::float8 AS recency
FROM arrivals GROUP BY i, tenure;
CREATE TEMP TABLE pn_fit AS SELECT pnbd_fit(frequency, recency, tenure) AS m FROM pn_pop;

SELECT ok((SELECT (m).converged FROM pn_fit), 'pnbd_fit of a simulated population converges');
SELECT is((SELECT count(*) FROM pn_fit, confint(m) c
           JOIN (VALUES ('r', 2.0), ('alpha', 10.0), ('s', 1.0), ('beta', 20.0)) t(parameter, truth)
             USING (parameter)
           WHERE abs(c.estimate - t.truth) <= 4 * c.std_error), 4::bigint,
          'Pareto/NBD: every parameter within 4 standard errors of the truth');

-- MBG/NBD population: lambda ~ Gamma(r = 2, alpha = 10), p ~ Beta(a = 1, b = 3)
-- (from Gamma variates of integer shape); a customer drops out with probability p
-- at time 0 and after each repeat purchase.
SELECT setseed(0.23);
CREATE TEMP TABLE mb_pop AS
WITH c AS (
    SELECT i, -(ln(random()) + ln(random())) / 10.0 AS lambda,
           g1 / (g1 + g2) AS p, 30 + (i % 10) * 5 AS tenure, random() AS u0
    FROM (SELECT i, -ln(random()) AS g1, -(ln(random()) + ln(random()) + ln(random())) AS g2
          FROM generate_series(1, 6000) i) g),
arrivals AS (
    SELECT i, tenure, u0 < p AS dead_at_0,
           sum(-ln(random()) / lambda) OVER (PARTITION BY i ORDER BY k) AS at,
           bool_or(random() < p) OVER (PARTITION BY i ORDER BY k
                                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS dead
    FROM c, generate_series(1, 150) k),
alive AS (SELECT *, at <= tenure AND NOT dead_at_0 AND NOT coalesce(dead, false) AS bought FROM arrivals)
SELECT i, tenure::float8 AS tenure, count(*) FILTER (WHERE bought)::int AS frequency,
       coalesce(max(at) FILTER (WHERE bought), 0)::float8 AS recency
FROM alive GROUP BY i, tenure;
CREATE TEMP TABLE mb_fit AS SELECT mbgnbd_fit(frequency, recency, tenure) AS m FROM mb_pop;

SELECT ok((SELECT (m).converged FROM mb_fit), 'mbgnbd_fit of a simulated population converges');
SELECT is((SELECT count(*) FROM mb_fit, confint(m) c
           JOIN (VALUES ('r', 2.0), ('alpha', 10.0), ('a', 1.0), ('b', 3.0)) t(parameter, truth)
             USING (parameter)
           WHERE abs(c.estimate - t.truth) <= 4 * c.std_error), 4::bigint,
          'MBG/NBD: every parameter within 4 standard errors of the truth');

-- The standard errors are right: over repeated simulated populations, the spread
-- (standard deviation) of each estimate is within 0.7 to 1.4 times the mean reported
-- standard error.  With 40 populations the sample standard deviation is itself
-- uncertain by about 11 % (24 populations: 15 %), so a correct standard error lands
-- well inside; one off by half or by a factor of 1.5 (or by sqrt(customers), as a
-- Hessian of the mean rather than the total log-likelihood would be) falls outside.
CREATE TEMP TABLE bg_reps AS
SELECT seed, bgnbd_fit(frequency, recency, tenure) AS bg, gammagamma_fit(frequency, monetary_value) AS gg
FROM generate_series(1, 40) seed,
     LATERAL btyd_simulate(5000, 0.5, 10, 0.8, 2.4, 30, 200, 6, 4, 15, seed) s
GROUP BY seed;
SELECT is((SELECT count(*) FROM (
              SELECT c.parameter, stddev_samp(c.estimate) / avg(c.std_error) AS ratio
              FROM bg_reps, confint(bg) c GROUP BY 1
              UNION ALL
              SELECT c.parameter, stddev_samp(c.estimate) / avg(c.std_error)
              FROM bg_reps, confint(gg) c GROUP BY 1) x
           WHERE ratio BETWEEN 0.7 AND 1.4), 7::bigint,
          'BG/NBD and Gamma-Gamma: standard errors match the spread of estimates over 40 simulations');

-- Pareto/NBD: 24 populations of 2,000 (lambda ~ Gamma(2, 10), mu ~ Gamma(1, 20))
SELECT setseed(0.61);
CREATE TEMP TABLE pn_reps AS
WITH c AS (
    SELECT rep, i, -(ln(random()) + ln(random())) / 10.0 AS lambda,
           least(-ln(random()) / (-ln(random()) / 20.0), 30 + (i % 10) * 5) AS lifetime,
           30 + (i % 10) * 5 AS tenure
    FROM generate_series(1, 24) rep, generate_series(1, 2000) i),
arrivals AS (
    SELECT rep, i, tenure, lifetime,
           sum(-ln(random()) / lambda) OVER (PARTITION BY rep, i ORDER BY k) AS at
    FROM c, generate_series(1, 100) k)
SELECT rep, pnbd_fit(frequency, recency, tenure) AS m
FROM (SELECT rep, i, tenure::float8 AS tenure, count(*) FILTER (WHERE at <= lifetime)::int AS frequency,
             coalesce(max(at) FILTER (WHERE at <= lifetime), 0)::float8 AS recency
      FROM arrivals GROUP BY rep, i, tenure) x
GROUP BY rep;
SELECT is((SELECT count(*) FROM (
              SELECT c.parameter, stddev_samp(c.estimate) / avg(c.std_error) AS ratio,
                     bool_and((m).converged) AS converged
              FROM pn_reps, confint(m) c GROUP BY 1) x
           WHERE ratio BETWEEN 0.7 AND 1.4 AND converged), 4::bigint,
          'Pareto/NBD: standard errors match the spread of estimates over 24 simulations');

-- BG/BB population:
-- p ~ Beta(2, 3), theta ~ Beta(1, 4) (integer shapes, from Gamma variates), 8 opportunities;
-- at each opportunity a living customer first dies with probability theta, then buys with p.
SELECT setseed(0.17);
CREATE TEMP TABLE bb_pop AS
WITH c AS (
    SELECT i, g1 / (g1 + g2) AS p, h1 / (h1 + h2) AS theta
    FROM (SELECT i, -(ln(random()) + ln(random())) AS g1,
                 -(ln(random()) + ln(random()) + ln(random())) AS g2,
                 -ln(random()) AS h1,
                 -(ln(random()) + ln(random()) + ln(random()) + ln(random())) AS h2
          FROM generate_series(1, 6000) i) g),
steps AS (
    SELECT i, t, bool_or(random() < theta) OVER (PARTITION BY i ORDER BY t) AS dead,
           random() < p AS buys
    FROM c, generate_series(1, 8) t)
SELECT i, count(*) FILTER (WHERE NOT dead AND buys)::int AS frequency,
       coalesce(max(t) FILTER (WHERE NOT dead AND buys), 0)::int AS recency, 8 AS opportunities
FROM steps GROUP BY i;
CREATE TEMP TABLE bb_fit AS SELECT bgbb_fit(frequency, recency, opportunities) AS m FROM bb_pop;

SELECT ok((SELECT (m).converged FROM bb_fit), 'bgbb_fit of a simulated population converges');
SELECT is((SELECT count(*) FROM bb_fit, confint(m) c
           JOIN (VALUES ('alpha', 2.0), ('beta', 3.0), ('gamma', 1.0), ('delta', 4.0)) t(parameter, truth)
             USING (parameter)
           WHERE abs(c.estimate - t.truth) <= 4 * c.std_error), 4::bigint,
          'BG/BB: every parameter within 4 standard errors of the truth');

-- scores behave: probabilities in [0, 1], expectations grow with the horizon
SELECT is((SELECT count(*) FROM pn_pop, pn_fit
           WHERE NOT (p_alive(m, frequency, recency, tenure) BETWEEN 0 AND 1)), 0::bigint,
          'p_alive(pnbd_model) is a probability for every simulated customer');
SELECT is((SELECT count(*) FROM pn_pop, pn_fit
           WHERE NOT (expected_purchases(m, 10, frequency, recency, tenure)
                      <= expected_purchases(m, 20, frequency, recency, tenure))), 0::bigint,
          'expected_purchases(pnbd_model) grows with the horizon');
SELECT is((SELECT count(*) FROM bb_pop, bb_fit
           WHERE NOT (p_alive(m, frequency, recency, opportunities) BETWEEN 0 AND 1
                      AND expected_purchases(m, 3, frequency, recency, opportunities)
                          <= expected_purchases(m, 6, frequency, recency, opportunities))), 0::bigint,
          'BG/BB scores are probabilities and grow with the horizon');

-- purchase_probability sums to 1 for random models (seeded)
SELECT setseed(0.5);
SELECT is((SELECT count(*) FROM (
              SELECT sum(purchase_probability(ROW(r, al, s, be, NULL, NULL, NULL, NULL)::pnbd_model, k, t)) AS pn,
                     sum(purchase_probability(ROW(r, al, s + 0.5, be, NULL, NULL, NULL, NULL)::mbgnbd_model, k, t)) AS mb,
                     sum(purchase_probability(ROW(r, al, s + 0.5, be, NULL, NULL, NULL, NULL)::bgnbd_model, k, t)) AS bg
              FROM (SELECT j, 0.2 + 2 * random() AS r, 1 + 20 * random() AS al, 0.2 + 2 * random() AS s,
                           1 + 20 * random() AS be, 5 + 40 * random() AS t
                    FROM generate_series(1, 8) j) m, generate_series(0, 600) k
              GROUP BY j) x
           WHERE abs(pn - 1) > 1e-12 OR abs(mb - 1) > 1e-12 OR abs(bg - 1) > 1e-12), 0::bigint,
          'purchase_probability sums to 1 within 1e-12 for 8 random models of each kind');

-- continuity across alpha = beta (the two series forms meet)
SELECT ok((SELECT bool_and(abs(pnbd_log_likelihood(0.7, 12 * (1 + e), 0.9, 12, x, tx, 40)
                               - pnbd_log_likelihood(0.7, 12, 0.9, 12, x, tx, 40)) < 1e-6)
           FROM (VALUES (1e-9), (-1e-9)) v(e), (VALUES (0, 0.0), (3, 20.0), (500, 39.5)) c(x, tx)),
          'pnbd_log_likelihood is continuous across alpha = beta');

-- error codes
SELECT throws_ok($$SELECT pnbd_fit(1, 3, 2)$$, '22023', NULL, 'pnbd_fit: recency above tenure');
SELECT throws_ok($$SELECT bgbb_fit(1, 1, 100001)$$, '22023', NULL, 'bgbb_fit: too many opportunities');
SELECT throws_ok($$SELECT p_alive(ROW(1, 'NaN', 1, 1, NULL, NULL, NULL, NULL)::pnbd_model, 0, 0, 1)$$,
                 '22023', NULL, 'p_alive(pnbd_model): NaN parameter');
SELECT ok((SELECT bool_and(abs(pnbd_log_likelihood(0.5, al, 0.5, be, x, tx, 39)) < 'Infinity'
                    AND p_alive(ROW(0.5, al, 0.5, be, NULL, NULL, NULL, NULL)::pnbd_model, x, tx, 39) BETWEEN 0 AND 1)
           FROM (VALUES (1e-9, 1e9), (1e9, 1e-9), (1e-100, 1e100)) m(al, be),
                (VALUES (0, 0.0), (2, 1e-6), (5000, 38.0)) c(x, tx)),
          'Pareto/NBD: finite where one of alpha and beta is up to 1e200 times the other');
SELECT throws_ok($$SELECT pnbd_log_likelihood(0.5, 1e-300, 0.5, 1e300, 0, 0, 0)$$, '22003', NULL,
                 'Pareto/NBD: 22003 where alpha / beta is beyond the range of float8');
SELECT throws_ok($$SELECT * FROM confint(ROW(1, 1, 1, 1, NULL, NULL, NULL, NULL)::bgbb_model, 0)$$,
                 '22023', NULL, 'confint: level 0');
SELECT throws_ok($$SELECT purchase_probability(ROW(1, 1, 1, 1, NULL, NULL, NULL, NULL)::mbgnbd_model, 1, 'Infinity')$$,
                 '22023', NULL, 'purchase_probability: infinite horizon');

SELECT * FROM finish();
ROLLBACK;
