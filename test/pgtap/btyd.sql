-- Predictive CLV: properties of the fits and scores, on simulated populations.
BEGIN;
SET LOCAL search_path = public, retention;
SELECT plan(55);

-- ---- the minimiser on classic problems (including one undefined past a barrier) ----
-- Its self-test is in the library only, not in the installed schema.
CREATE FUNCTION pg_temp.optimize_selftest(OUT problem text, OUT converged boolean, OUT iterations int,
                                          OUT evaluations int, OUT distance float8)
    RETURNS SETOF record AS '$libdir/retention', 'optimize_selftest' LANGUAGE C STRICT;
SELECT ok(converged AND distance < 1e-6,
          format('%s converges to the known minimiser (%s iterations, %s evaluations)',
                 problem, iterations, evaluations))
FROM pg_temp.optimize_selftest();

-- ---- gradients against central finite differences ----
SELECT setseed(0.5);
CREATE TEMP TABLE points AS
SELECT 0.1 + 3 * random() AS r, 0.5 + 50 * random() AS alpha, 0.2 + 4 * random() AS a,
       0.2 + 6 * random() AS b, x, CASE WHEN x = 0 THEN 0 ELSE tt * random() END AS tx, tt,
       0.5 + 10 * random() AS p, 0.5 + 10 * random() AS q, 1 + 50 * random() AS v,
       1 + 200 * random() AS m
FROM (SELECT floor(30 * random() ^ 3)::int AS x, 1 + 100 * random() AS tt
      FROM generate_series(1, 200)) s;

-- d/dθ ≈ (f(θ(1+h)) - f(θ(1-h))) / (2hθ) with h = 1e-5: truncation O(h²), rounding O(1e-16/h)
SELECT is(count(*), 0::bigint, 'BG/NBD gradient = central finite differences (200 random points x 4 components)')
FROM points, generate_series(1, 4) k,
     LATERAL (SELECT CASE k WHEN 1 THEN r WHEN 2 THEN alpha WHEN 3 THEN a ELSE b END AS theta,
                     (bgnbd_log_likelihood(r * (1 + 1e-5 * (k = 1)::int), alpha * (1 + 1e-5 * (k = 2)::int),
                                           a * (1 + 1e-5 * (k = 3)::int), b * (1 + 1e-5 * (k = 4)::int), x, tx, tt)
                      - bgnbd_log_likelihood(r * (1 - 1e-5 * (k = 1)::int), alpha * (1 - 1e-5 * (k = 2)::int),
                                             a * (1 - 1e-5 * (k = 3)::int), b * (1 - 1e-5 * (k = 4)::int), x, tx, tt))
                     AS difference) d
WHERE abs((bgnbd_log_likelihood_gradient(r, alpha, a, b, x, tx, tt))[k] - difference / (2e-5 * theta))
      > 1e-6 * greatest(1, abs(difference / (2e-5 * theta)));
SELECT is(count(*), 0::bigint, 'Gamma-Gamma gradient = central finite differences (200 random points x 3 components)')
FROM points, generate_series(1, 3) k,
     LATERAL (SELECT CASE k WHEN 1 THEN p WHEN 2 THEN q ELSE v END AS theta,
                     (gammagamma_log_likelihood(p * (1 + 1e-5 * (k = 1)::int), q * (1 + 1e-5 * (k = 2)::int),
                                                v * (1 + 1e-5 * (k = 3)::int), x + 1, m)
                      - gammagamma_log_likelihood(p * (1 - 1e-5 * (k = 1)::int), q * (1 - 1e-5 * (k = 2)::int),
                                                  v * (1 - 1e-5 * (k = 3)::int), x + 1, m))
                     AS difference) d
WHERE abs((gammagamma_log_likelihood_gradient(p, q, v, x + 1, m))[k] - difference / (2e-5 * theta))
      > 1e-6 * greatest(1, abs(difference / (2e-5 * theta)));

-- ---- parameter recovery: 100,000 simulated customers per population ----
-- The tolerance is 4 standard errors, estimated from the spread of 10 fits of
-- 10,000 customers each (standard error at 100,000 = that spread / sqrt(10)).
CREATE TEMP TABLE populations (name text, r float8, alpha float8, a float8, b float8,
                               min_tenure float8, max_tenure float8, p float8, q float8, v float8);
INSERT INTO populations VALUES
    ('CDNOW-like, weeks', 0.243, 4.414, 0.793, 2.426, 27, 39, 6.25, 3.74, 15.44),
    ('frequent buyers, days', 2, 60, 0.5, 5, 30, 730, 2, 8, 100),
    ('high churn, a > 1, days', 0.5, 20, 3, 2, 60, 365, 20, 3, 5);

CREATE TEMP TABLE replicates AS
SELECT name, rep, bgnbd_fit(frequency, recency, tenure) AS bg,
       gammagamma_fit(frequency, monetary_value) AS gg
FROM populations,
     generate_series(0, 10) rep,
     LATERAL (SELECT frequency, recency, tenure, monetary_value
              FROM btyd_simulate(CASE WHEN rep = 0 THEN 100000 ELSE 10000 END,
                                 r, alpha, a, b, min_tenure, max_tenure, p, q, v, 1000 + rep)) s
GROUP BY name, rep;

SELECT is(bool_and((bg).converged AND (gg).converged), true,
          format('%s: every BG/NBD and Gamma-Gamma fit converges from the default start', name))
FROM replicates GROUP BY name ORDER BY name;

CREATE TEMP TABLE recovery AS
SELECT name, param, truth, estimate, standard_error
FROM populations pop
JOIN LATERAL (
    SELECT param, truth,
           max(value) FILTER (WHERE rep = 0) AS estimate,
           stddev_samp(value) FILTER (WHERE rep > 0) / sqrt(10) AS standard_error
    FROM replicates rp,
         LATERAL (VALUES ('r', pop.r, (bg).r), ('alpha', pop.alpha, (bg).alpha), ('a', pop.a, (bg).a),
                         ('b', pop.b, (bg).b), ('p', pop.p, (gg).p), ('q', pop.q, (gg).q),
                         ('v', pop.v, (gg).v)) v(param, truth, value)
    WHERE rp.name = pop.name
    GROUP BY param, truth) est ON true;

SELECT ok(bool_and(abs(estimate - truth) < 4 * standard_error),
          format('%s: all 7 parameters recovered within 4 standard errors (%s)', name,
                 string_agg(format('%s %s ± %s', param, round(estimate::numeric, 3),
                                   round(standard_error::numeric, 3)), ', ' ORDER BY param)))
FROM recovery GROUP BY name ORDER BY name;

-- ---- the fit maximises the likelihood ----
CREATE TEMP TABLE small AS
SELECT * FROM btyd_simulate(3000, 0.243, 4.414, 0.793, 2.426, 27, 39, 6.25, 3.74, 15.44, 77);
CREATE TEMP TABLE small_fit AS
SELECT bgnbd_fit(frequency, recency, tenure) AS bg, gammagamma_fit(frequency, monetary_value) AS gg
FROM small;
SELECT ok(abs((SELECT sum(bgnbd_log_likelihood((bg).r, (bg).alpha, (bg).a, (bg).b, frequency, recency, tenure))
               FROM small) - (bg).log_likelihood) < 1e-9 * abs((bg).log_likelihood),
          'BG/NBD log_likelihood = sum of the customers'' log-likelihoods at the estimates')
FROM small_fit;
SELECT ok(abs((SELECT sum(gammagamma_log_likelihood((gg).p, (gg).q, (gg).v, frequency, monetary_value))
               FROM small WHERE frequency > 0) - (gg).log_likelihood) < 1e-9 * abs((gg).log_likelihood),
          'Gamma-Gamma log_likelihood = sum of the customers'' log-likelihoods at the estimates')
FROM small_fit;
-- moving any parameter by 1 % either way lowers the likelihood
SELECT is(count(*), 0::bigint, 'BG/NBD: no 1 % move of a parameter increases the likelihood')
FROM small_fit, generate_series(1, 4) k, unnest(ARRAY[0.99, 1.01]) f
WHERE (SELECT sum(bgnbd_log_likelihood((bg).r * CASE WHEN k = 1 THEN f ELSE 1 END,
                                       (bg).alpha * CASE WHEN k = 2 THEN f ELSE 1 END,
                                       (bg).a * CASE WHEN k = 3 THEN f ELSE 1 END,
                                       (bg).b * CASE WHEN k = 4 THEN f ELSE 1 END,
                                       frequency, recency, tenure)) FROM small) >= (bg).log_likelihood;
SELECT is(count(*), 0::bigint, 'Gamma-Gamma: no 1 % move of a parameter increases the likelihood')
FROM small_fit, generate_series(1, 3) k, unnest(ARRAY[0.99, 1.01]) f
WHERE (SELECT sum(gammagamma_log_likelihood((gg).p * CASE WHEN k = 1 THEN f ELSE 1 END,
                                            (gg).q * CASE WHEN k = 2 THEN f ELSE 1 END,
                                            (gg).v * CASE WHEN k = 3 THEN f ELSE 1 END,
                                            frequency, monetary_value))
       FROM small WHERE frequency > 0) >= (gg).log_likelihood;
SELECT is((SELECT (bgnbd_fit(frequency, recency, tenure)).customers FROM small), 3000::bigint,
          'customers counts every customer');
SELECT is((SELECT (gammagamma_fit(frequency, monetary_value)).customers FROM small),
          (SELECT count(*) FROM small WHERE frequency > 0 AND monetary_value > 0),
          'Gamma-Gamma customers = those with frequency > 0 and monetary_value > 0');

-- ---- the time unit: days = weeks * 7 gives alpha * 7 and the same r, a, b ----
SELECT ok(abs(w.r - d.r) < 1e-6 * w.r AND abs(w.alpha * 7 - d.alpha) < 1e-6 * d.alpha
          AND abs(w.a - d.a) < 1e-6 * w.a AND abs(w.b - d.b) < 1e-6 * w.b,
          'rescaling time by 7 rescales alpha by 7 only')
FROM (SELECT (bgnbd_fit(frequency, recency, tenure)).* FROM small) w,
     (SELECT (bgnbd_fit(frequency, recency * 7, tenure * 7)).* FROM small) d;

-- ---- the penalizer ----
SELECT is((SELECT bgnbd_fit(frequency, recency, tenure, 0) FROM small),
          (SELECT bgnbd_fit(frequency, recency, tenure) FROM small), 'penalizer 0 = no penalizer');
SELECT ok(bool_and(shrunk), 'a larger penalizer never increases r² + (alpha / max T)² + a² + b²')
FROM (SELECT size <= lag(size) OVER (ORDER BY pen) + 1e-9 AS shrunk
      FROM (SELECT pen, (m).r ^ 2 + ((m).alpha / 39) ^ 2 + (m).a ^ 2 + (m).b ^ 2 AS size
            FROM (SELECT pen, (SELECT bgnbd_fit(frequency, recency, tenure, pen) FROM small) AS m
                  FROM unnest(ARRAY[0, 0.001, 0.01, 0.1, 1]) pen) x) y) z;

-- ---- combine: the state of any partition merged = the state of the whole ----
CREATE AGGREGATE pg_temp.bgnbd_state(int, float8, float8) (
    SFUNC = retention.bgnbd_fit_transfn, STYPE = retention.btyd_histogram,
    COMBINEFUNC = retention.btyd_histogram_combinefn);
CREATE AGGREGATE pg_temp.merge(retention.btyd_histogram) (
    SFUNC = retention.btyd_histogram_combinefn, STYPE = retention.btyd_histogram);
CREATE TEMP TABLE days AS
SELECT customer_id, frequency, floor(recency) AS recency, floor(tenure) AS tenure
FROM btyd_simulate(5000, 0.5, 10, 0.8, 2.5, 20, 60, seed => 5);
SELECT is((SELECT pg_temp.merge(h)::text
           FROM (SELECT pg_temp.bgnbd_state(frequency, recency, tenure) h FROM days GROUP BY customer_id % k) x),
          (SELECT pg_temp.bgnbd_state(frequency, recency, tenure)::text FROM days),
          format('histograms of %s partitions merged = histogram of the whole', k))
FROM unnest(ARRAY[1, 7, 500]) k;
SELECT is((SELECT bgnbd_fit_finalfn(pg_temp.merge(h))
           FROM (SELECT pg_temp.bgnbd_state(frequency, recency, tenure) h FROM days GROUP BY customer_id % 13) x),
          (SELECT bgnbd_fit(frequency, recency, tenure) FROM days), 'fit of merged partitions = fit of the whole');
SELECT is((SELECT length(pg_temp.bgnbd_state(frequency, recency, tenure)::text)
                  - length(replace(pg_temp.bgnbd_state(frequency, recency, tenure)::text, ',', '')) + 1
           FROM days),
          (SELECT count(DISTINCT (frequency, recency, tenure))::int FROM days),
          'the histogram holds each distinct (frequency, recency, tenure) once');

-- the state's points are the distinct triples in (frequency, recency, tenure) order
-- with their counts, as SQL's GROUP BY and ORDER BY give them: 66,000 rows with
-- whole days and continuous times mixed and a fifth of the customers twice, which
-- the state sorts with its radix sort
CREATE TEMP TABLE mixed AS
SELECT frequency, CASE WHEN customer_id % 3 = 0 THEN floor(recency) ELSE recency END AS recency,
       CASE WHEN customer_id % 3 = 0 THEN floor(tenure) ELSE tenure END AS tenure
FROM btyd_simulate(55000, 0.5, 10, 0.8, 2.5, 20, 400, seed => 3),
     LATERAL generate_series(1, 1 + (customer_id % 5 = 0)::int) copy;
SELECT is((SELECT pg_temp.bgnbd_state(frequency, recency, tenure)::text FROM mixed),
          (SELECT 'v1 kind=bgnbd penalizer=0 points=' ||
                  string_agg(format('%s:%s:%s:%s', frequency, recency, tenure, n), ','
                             ORDER BY frequency, recency, tenure)
           FROM (SELECT frequency, recency, tenure, count(*) AS n FROM mixed GROUP BY 1, 2, 3) g),
          'the state of 66,000 rows: their distinct triples with counts, in SQL''s order');

-- ---- scores ----
-- a new customer's expected purchases against the simulation: customers all observed for
-- exactly 52 weeks make on average expected_purchases(true model, 52) repeat purchases
SELECT ok(abs(avg(frequency) - e) < 4 * stddev_samp(frequency) / sqrt(count(*)),
          format('expected_purchases(model, 52) = %s matches the simulated mean %s', round(e::numeric, 4),
                 round(avg(frequency), 4)))
FROM btyd_simulate(200000, 0.243, 4.414, 0.793, 2.426, 52, 52, seed => 9),
     (SELECT expected_purchases(ROW(0.243, 4.414, 0.793, 2.426, NULL, NULL, NULL, NULL)::bgnbd_model, 52) AS e) x
GROUP BY e;
-- ... and P(alive) against the simulation's dropout: among simulated customers, the mean
-- P(alive) under the true model is the share not yet dropped out, estimated by the
-- simulator run with tenure extended: alive customers keep buying.  Checked through its
-- mean identity E[p_alive] = P(no dropout yet), computed in closed form for x = 0 (1).
SELECT is((SELECT min(p_alive(ROW(0.243, 4.414, 0.793, 2.426, NULL, NULL, NULL, NULL)::bgnbd_model, 0, 0, t))
           FROM generate_series(0, 100) t), 1::float8, 'p_alive is 1 without repeat purchases');
SELECT ok(bool_and(pa > 0 AND pa <= 1), 'p_alive is in (0, 1]')
FROM (SELECT p_alive(bg, frequency, recency, tenure) AS pa FROM small, small_fit) x;
SELECT ok(bool_and(e2 >= e1 AND e1 >= 0), 'expected_purchases grows with the horizon')
FROM (SELECT expected_purchases(bg, 10, frequency, recency, tenure) AS e1,
             expected_purchases(bg, 20, frequency, recency, tenure) AS e2 FROM small, small_fit) x;
SELECT ok(bool_and(abs(s - (gg).p * ((gg).v + frequency * monetary_value) / ((gg).p * frequency + (gg).q - 1)) < 1e-12 * s),
          'expected_spend = p (v + x m) / (p x + q - 1)')
FROM (SELECT gg, frequency, monetary_value, expected_spend(gg, frequency, monetary_value) AS s
      FROM small, small_fit) x;
SELECT ok(bool_and(abs(c - w) <= 1e-9 * abs(w)), 'clv = the discounted monthly sum written out in SQL (200 customers)')
FROM (SELECT clv(bg, gg, frequency, recency * 7, tenure * 7, monetary_value, 6, 0.02) AS c,
             (SELECT sum(expected_spend(gg, frequency, monetary_value)
                         * (expected_purchases(bg, 30 * i, frequency, recency * 7, tenure * 7)
                            - expected_purchases(bg, 30 * (i - 1), frequency, recency * 7, tenure * 7))
                         / 1.02 ^ i) FROM generate_series(1, 6) i) AS w
      FROM small, (SELECT ROW((bg).r, (bg).alpha * 7, (bg).a, (bg).b, NULL, NULL, NULL, NULL)::bgnbd_model AS bg, gg
                   FROM small_fit) f
      WHERE customer_id <= 200) x;

-- ---- a fit of many distinct customers: a sample's fit, then Newton's method ----
-- 75,000 customers with continuous times, nearly all with repeat purchases, so
-- every (x, t_x, T) and every (x, m) is distinct and both fits take their fast
-- path: BFGS on a sample of the points, then Newton's method on all of them with
-- the analytic Hessian, which is also where the covariance comes from.  The
-- estimate must be a stationary point of the summed per-customer log-likelihood
-- (computed by the separate per-customer code), and the covariance must invert a
-- Hessian taken by central differences of that sum.
CREATE TABLE many AS
SELECT * FROM btyd_simulate(75000, 2, 10, 0.3, 6, 30, 730, 6, 4, 15, 11);
ANALYZE many;
CREATE TEMP TABLE many_fit AS
SELECT bgnbd_fit(frequency, recency, tenure) AS bg, gammagamma_fit(frequency, monetary_value) AS gg
FROM many;
CREATE TEMP TABLE many_param AS
SELECT 'bgnbd' AS model, ARRAY[(bg).r, (bg).alpha, (bg).a, (bg).b] AS p, (bg).covariance AS cov,
       (SELECT count(*) FROM many)::float8 AS n
FROM many_fit
UNION ALL
SELECT 'gammagamma', ARRAY[(gg).p, (gg).q, (gg).v], (gg).covariance,
       (SELECT count(*) FROM many WHERE frequency > 0 AND monetary_value > 0)
FROM many_fit;
-- the summed gradient at p, and at p with component j moved by ±1e-5 of itself
CREATE FUNCTION pg_temp.summed_gradient(model text, p float8[]) RETURNS float8[] AS $$
    SELECT array_agg(s ORDER BY k) FROM (
        SELECT k, sum(g[k]) AS s
        FROM (SELECT CASE model
                       WHEN 'bgnbd' THEN bgnbd_log_likelihood_gradient(p[1], p[2], p[3], p[4], frequency, recency, tenure)
                       ELSE gammagamma_log_likelihood_gradient(p[1], p[2], p[3], frequency, monetary_value) END AS g
              FROM many
              WHERE model = 'bgnbd' OR (frequency > 0 AND monetary_value > 0)) x,
             generate_subscripts(g, 1) k
        GROUP BY k) y
$$ LANGUAGE sql;
CREATE TEMP TABLE many_check AS
SELECT model, p, cov, n, pg_temp.summed_gradient(model, p) AS g0,
       (SELECT array_agg(fd ORDER BY j, i) FROM (
            SELECT j, i, (gp[i] - gm[i]) / (2e-5 * p[j]) AS fd
            FROM generate_subscripts(p, 1) j,
                 LATERAL (SELECT pg_temp.summed_gradient(model, (SELECT array_agg(CASE WHEN k = j THEN p[k] * (1 + 1e-5) ELSE p[k] END ORDER BY k) FROM generate_subscripts(p, 1) k)) AS gp,
                                 pg_temp.summed_gradient(model, (SELECT array_agg(CASE WHEN k = j THEN p[k] * (1 - 1e-5) ELSE p[k] END ORDER BY k) FROM generate_subscripts(p, 1) k)) AS gm) d,
                 generate_subscripts(p, 1) i) h) AS hessian
FROM many_param;
SELECT ok(bool_and(abs(p[k] * g0[k] / n) < 1e-8),
          format('%s: the fit of 75,000 distinct customers is a stationary point (largest mean gradient on the log scale %s)',
                 model, max(abs(p[k] * g0[k] / n))))
FROM many_check, generate_subscripts(p, 1) k GROUP BY model ORDER BY model;
-- covariance x (-Hessian) = identity, the Hessian's columns by central differences
SELECT ok(max(abs(e - (i = j)::int)) < 1e-5,
          format('%s: the analytic covariance inverts the finite-difference Hessian (largest deviation from the identity %s)',
                 model, max(abs(e - (i = j)::int))))
FROM (SELECT model, i, j, sum(cov[i][k] * -hessian[(j - 1) * array_length(p, 1) + k]) AS e
      FROM many_check, generate_subscripts(p, 1) i, generate_subscripts(p, 1) j, generate_subscripts(p, 1) k
      GROUP BY model, i, j) m
GROUP BY model ORDER BY model;

-- the same fits under a parallel plan: bit for bit
SET LOCAL parallel_setup_cost = 0;
-- a fit's combine function declares the cost of a big merge (cpu_operator_cost
-- units), which keeps small tables' fits serial unless operators cost next to nothing
SET LOCAL parallel_tuple_cost = 0.01;
SET LOCAL cpu_operator_cost = 1e-8;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
CREATE FUNCTION pg_temp.plan_of(q text) RETURNS text LANGUAGE plpgsql AS $f$
DECLARE r text; acc text := '';
BEGIN
    FOR r IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP acc := acc || r || E'\n'; END LOOP;
    RETURN acc;
END $f$;
SELECT matches(pg_temp.plan_of($$SELECT bgnbd_fit(frequency, recency, tenure), gammagamma_fit(frequency, monetary_value) FROM many$$),
               'Partial Aggregate', 'the plan of the fits of 75,000 customers is parallel');
SELECT is((SELECT ROW(bgnbd_fit(frequency, recency, tenure), gammagamma_fit(frequency, monetary_value))::text FROM many),
          (SELECT ROW(bg, gg)::text FROM many_fit),
          'the fits of 75,000 distinct customers: parallel = serial, bit for bit');
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET cpu_operator_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;

-- ---- more rows than one sorting batch (a million) ----
-- 1,100 customers, each repeated 2,000 times: 2.2M rows, sorted in three
-- batches whose points are united (the first batch becomes the points, the
-- second is merged into them and the third at the end).  Replicating every
-- customer leaves the estimates as they are and multiplies the log-likelihood.
CREATE TEMP TABLE few AS
SELECT * FROM btyd_simulate(1100, 0.5, 31, 0.8, 2.4, 30, 365, 6, 4, 15, 5);
CREATE TEMP TABLE replicated AS
SELECT (SELECT bgnbd_fit(frequency, recency, tenure) FROM few, generate_series(1, 2000)) AS bg_many,
       (SELECT gammagamma_fit(frequency, monetary_value) FROM few, generate_series(1, 2000)) AS gg_many,
       (SELECT bgnbd_fit(frequency, recency, tenure) FROM few) AS bg,
       (SELECT gammagamma_fit(frequency, monetary_value) FROM few) AS gg;
SELECT ok(abs((bg_many).r / (bg).r - 1) < 1e-8 AND abs((bg_many).alpha / (bg).alpha - 1) < 1e-8 AND
          abs((bg_many).a / (bg).a - 1) < 1e-8 AND abs((bg_many).b / (bg).b - 1) < 1e-8 AND
          abs((bg_many).log_likelihood / (bg).log_likelihood - 2000) < 1e-7 AND
          (bg_many).customers = 2000 * (bg).customers,
          'bgnbd_fit of 2.2M rows (1,100 customers x 2,000): the estimates of the 1,100')
FROM replicated;
SELECT ok(abs((gg_many).p / (gg).p - 1) < 1e-8 AND abs((gg_many).q / (gg).q - 1) < 1e-8 AND
          abs((gg_many).v / (gg).v - 1) < 1e-8 AND
          abs((gg_many).log_likelihood / (gg).log_likelihood - 2000) < 1e-7 AND
          (gg_many).customers = 2000 * (gg).customers,
          'gammagamma_fit of 2.2M rows (1,100 customers x 2,000): the estimates of the 1,100')
FROM replicated;

-- ---- errors ----
SELECT throws_ok($$SELECT bgnbd_fit(1, 5, 4)$$, '22023', 'recency 5 and tenure 4 are inconsistent',
                 'recency above tenure');
SELECT throws_ok($$SELECT bgnbd_fit(-1, 0, 4)$$, '22023', 'frequency -1 is negative', 'negative frequency');
SELECT throws_ok($$SELECT bgnbd_fit(0, 1, 4)$$, '22023', 'recency 1 is not 0 for frequency 0',
                 'recency without repeat purchases');
SELECT is((SELECT gammagamma_fit(1, -5)), NULL, 'a negative monetary value is skipped, like 0');
SELECT throws_ok($$SELECT p_alive(ROW(1, 'NaN', 1, 1, NULL, NULL, NULL, NULL)::bgnbd_model, 0, 0, 1)$$, '22023', NULL,
                 'a model with a NaN parameter');

-- a 2F1 series that does not converge (z within about 1e-6 of 1) is 22003;
-- at z = ±0.9999 the series converges, to 2F1(1, 1; 2; z) = -ln(1 - z) / z
SELECT throws_ok($$SELECT hyp2f1(1, 1, 2, 1 - 1e-7)$$, '22003', NULL,
                 'hyp2f1 at z = 1 - 1e-7: the series does not converge');
SELECT throws_ok($$SELECT hyp2f1(0.5, 0.5, 1.5, 1 - 1e-8)$$, '22003', NULL,
                 'hyp2f1 at z = 1 - 1e-8: the series does not converge');
SELECT throws_ok($$SELECT expected_purchases(ROW(0.5, 10, 1e7, 0.01, NULL, NULL, NULL, NULL)::bgnbd_model,
                                             100, 0, 0, 50)$$,
                 '22003', 'expected purchases over 100 cannot be computed for the bgnbd_model with a = 1e+07 and b = 0.01',
                 'expected_purchases where neither the 2F1 series nor the integral converges');
SELECT ok(abs(hyp2f1(1, 1, 2, 0.9999) - (-ln(1 - 0.9999::float8) / 0.9999)) <= 1e-12 * (-ln(1 - 0.9999::float8) / 0.9999),
          'hyp2f1(1, 1, 2, 0.9999) = -ln(1 - z) / z within 1e-12 relative');
SELECT ok(abs(hyp2f1(1, 1, 2, -0.9999) - (ln(1.9999::float8) / 0.9999)) <= 1e-12 * (ln(1.9999::float8) / 0.9999),
          'hyp2f1(1, 1, 2, -0.9999) = -ln(1 - z) / z within 1e-12 relative');

SELECT * FROM finish();
ROLLBACK;
