-- The BTYD model family: simulated populations recover their parameters
-- within 4 standard errors, scores are probabilities and expectations that
-- behave, the Pareto/NBD is continuous across alpha = beta, and bad input
-- gives the documented SQLSTATEs.  Deterministic (setseed).
BEGIN;
SET LOCAL search_path = public, retention;
SELECT plan(16);

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

-- MBG/NBD on the same kind of population is a different model; BG/BB population:
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
