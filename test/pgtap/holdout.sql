-- Model checking against a holdout period: holdout_by_frequency and
-- holdout_error against plain SQL over the scalar expected_purchases of each
-- customer (every model type, on calibration_holdout's rows of random
-- orders), rollup of random partitions and parallel plans against direct
-- aggregation, and the SQLSTATEs of bad input.
BEGIN;
SET LOCAL search_path = public, retention;
SELECT plan(24);

SELECT setseed(0.27);
-- 20,000 orders of 1,500 customers over 2023-2025, some customers buying
-- much more often than others; calibration until 2024-06-30, holdout to
-- the end of 2024 (184 days)
CREATE TEMP TABLE orders AS
SELECT c AS customer_id,
       DATE '2023-01-01' + floor(random() ^ (1 + c % 3) * 730)::int AS order_date,
       round((random() * 200)::numeric, 2) AS amount
FROM (SELECT 1 + floor(random() ^ 2 * 1500)::bigint AS c FROM generate_series(1, 20000)) x;
CREATE TEMP TABLE cal_hold AS
SELECT * FROM calibration_holdout(NULL::bigint, (SELECT purchases_agg(customer_id, order_date, amount) FROM orders),
                                  '2024-06-30', '2024-12-31');
ANALYZE cal_hold;
CREATE TEMP TABLE models AS
SELECT ROW(0.5, 30, 0.8, 2.5, NULL, NULL, NULL, NULL)::bgnbd_model AS bg,
       ROW(0.5, 30, 0.6, 200, NULL, NULL, NULL, NULL)::pnbd_model AS pn,
       ROW(0.5, 30, 0.8, 2.5, NULL, NULL, NULL, NULL)::mbgnbd_model AS mb,
       (SELECT bgnbd_fit(frequency_cal, recency_cal, tenure_cal) FROM cal_hold) AS fitted;

-- per model: the summary, and each customer's prediction by the scalar function
CREATE TEMP TABLE checks AS
SELECT 'bgnbd' AS model, (SELECT holdout_check(bg, frequency_cal, recency_cal, tenure_cal, frequency_holdout, duration_holdout)
                          FROM cal_hold, models) AS s
UNION ALL
SELECT 'pnbd', (SELECT holdout_check(pn, frequency_cal, recency_cal, tenure_cal, frequency_holdout, duration_holdout)
                FROM cal_hold, models)
UNION ALL
SELECT 'mbgnbd', (SELECT holdout_check(mb, frequency_cal, recency_cal, tenure_cal, frequency_holdout, duration_holdout)
                  FROM cal_hold, models)
UNION ALL
SELECT 'fitted bgnbd', (SELECT holdout_check(fitted, frequency_cal, recency_cal, tenure_cal, frequency_holdout, duration_holdout)
                        FROM cal_hold, models);
CREATE TEMP TABLE predictions AS
SELECT m.model, c.frequency_cal, c.frequency_holdout AS actual, p AS predicted
FROM cal_hold c, models,
     LATERAL (VALUES ('bgnbd', expected_purchases(bg, duration_holdout, frequency_cal, recency_cal, tenure_cal)),
                     ('pnbd', expected_purchases(pn, duration_holdout, frequency_cal, recency_cal, tenure_cal)),
                     ('mbgnbd', expected_purchases(mb, duration_holdout, frequency_cal, recency_cal, tenure_cal)),
                     ('fitted bgnbd', expected_purchases(fitted, duration_holdout, frequency_cal, recency_cal, tenure_cal)))
         m(model, p);

SELECT ok((SELECT count(DISTINCT frequency_cal) >= 10 AND sum(frequency_holdout) > 500 FROM cal_hold),
          'the random population has many calibration frequencies and holdout purchases');

-- holdout_by_frequency: customers and mean actual exactly, mean predicted to 1e-12 relative
SELECT is_empty(format($$
    SELECT * FROM checks c, holdout_by_frequency(c.s, 5) h
    FULL JOIN (SELECT model, least(frequency_cal, 5) AS frequency_cal, count(*) AS customers,
                      avg(actual)::float8 AS actual, avg(predicted) AS predicted
               FROM predictions WHERE model = %L GROUP BY 1, 2) p USING (frequency_cal)
    WHERE c.model = %L
      AND (h.customers IS DISTINCT FROM p.customers OR abs(h.actual - p.actual) > 1e-15 * p.actual
           OR NOT abs(h.predicted - p.predicted) <= 1e-12 * p.predicted)
$$, m, m), format('holdout_by_frequency = plain SQL over expected_purchases (%s)', m))
FROM unnest(ARRAY['bgnbd', 'pnbd', 'mbgnbd', 'fitted bgnbd']) m;

-- holdout_error: totals and the three means to 1e-12 relative
SELECT is_empty(format($$
    SELECT * FROM checks c, holdout_error(c.s) e,
           (SELECT count(*) AS customers, sum(actual) AS actual_total, sum(predicted) AS predicted_total,
                   avg(abs(actual - predicted)) AS mae, sqrt(avg((actual - predicted) ^ 2)) AS rmse,
                   avg(predicted - actual) AS bias
            FROM predictions WHERE model = %L) p
    WHERE c.model = %L
      AND NOT (e.customers = p.customers AND e.actual_total = p.actual_total
               AND abs(e.predicted_total - p.predicted_total) <= 1e-12 * p.predicted_total
               AND abs(e.mae - p.mae) <= 1e-12 * p.mae AND abs(e.rmse - p.rmse) <= 1e-12 * p.rmse
               AND abs(e.bias - p.bias) <= 1e-12 * abs(p.bias))
$$, m, m), format('holdout_error = plain SQL over expected_purchases (%s)', m))
FROM unnest(ARRAY['bgnbd', 'pnbd', 'mbgnbd', 'fitted bgnbd']) m;

-- BG/BB: a discrete population, p ~ Beta(2, 3), theta ~ Beta(1, 4), over 10
-- opportunities: the first 6 are the calibration, the other 4 the holdout
CREATE TEMP TABLE bb_steps AS
WITH c AS (
    SELECT i, g1 / (g1 + g2) AS p, h1 / (h1 + h2) AS theta
    FROM (SELECT i, -(ln(random()) + ln(random())) AS g1,
                 -(ln(random()) + ln(random()) + ln(random())) AS g2,
                 -ln(random()) AS h1,
                 -(ln(random()) + ln(random()) + ln(random()) + ln(random())) AS h2
          FROM generate_series(1, 3000) i) g)
SELECT i, t, NOT bool_or(random() < theta) OVER (PARTITION BY i ORDER BY t) AND random() < p AS buys
FROM c, generate_series(1, 10) t;
CREATE TEMP TABLE bb_cal_hold AS
SELECT i, count(*) FILTER (WHERE buys AND t <= 6)::int AS x,
       coalesce(max(t) FILTER (WHERE buys AND t <= 6), 0)::int AS tx,
       count(*) FILTER (WHERE buys AND t > 6)::int AS x_holdout
FROM bb_steps GROUP BY i;
CREATE TEMP TABLE bb_model AS SELECT bgbb_fit(x, tx, 6) AS m FROM bb_cal_hold;
SELECT is_empty($$
    SELECT * FROM holdout_by_frequency((SELECT holdout_check(m, x, tx, 6, x_holdout, 4) FROM bb_cal_hold, bb_model), 4) h
    FULL JOIN (SELECT least(x, 4) AS frequency_cal, count(*) AS customers, avg(x_holdout)::float8 AS actual,
                      avg(expected_purchases(m, 4, x, tx, 6)) AS predicted
               FROM bb_cal_hold, bb_model GROUP BY 1) p USING (frequency_cal)
    WHERE h.customers IS DISTINCT FROM p.customers OR abs(h.actual - p.actual) > 1e-15 * p.actual
       OR NOT abs(h.predicted - p.predicted) <= 1e-12 * p.predicted
$$, 'holdout_by_frequency = plain SQL over expected_purchases (bgbb, opportunities)');
SELECT ok((SELECT abs(e.predicted_total - (SELECT sum(expected_purchases(m, 4, x, tx, 6)) FROM bb_cal_hold, bb_model))
                  <= 1e-12 * e.predicted_total
                  AND e.actual_total = (SELECT sum(x_holdout) FROM bb_cal_hold)
           FROM holdout_error((SELECT holdout_check(m, x, tx, 6, x_holdout, 4) FROM bb_cal_hold, bb_model)) e),
          'holdout_error = plain SQL (bgbb)');

-- rollup of summaries of random partitions (in random order) = direct, bit for bit
SELECT is((SELECT rollup(s)::text
           FROM (SELECT holdout_check(bg, frequency_cal, recency_cal, tenure_cal, frequency_holdout, duration_holdout) AS s
                 FROM cal_hold, models GROUP BY floor(random() * 9) ORDER BY random()) x),
          (SELECT s::text FROM checks WHERE model = 'bgnbd'),
          'rollup of random partitions = direct (bgnbd)');
SELECT is((SELECT rollup(s)::text
           FROM (SELECT holdout_check(pn, frequency_cal, recency_cal, tenure_cal, frequency_holdout, duration_holdout) AS s
                 FROM cal_hold, models GROUP BY customer_id % 13 ORDER BY random()) x),
          (SELECT s::text FROM checks WHERE model = 'pnbd'),
          'rollup of random partitions = direct (pnbd)');

-- parallel = serial, bit for bit, on a table large enough for two workers
CREATE TABLE big_cal_hold AS SELECT c.* FROM cal_hold c, generate_series(1, 20) k;
ANALYZE big_cal_hold;
CREATE TEMP TABLE serial AS
SELECT holdout_check(bg, frequency_cal, recency_cal, tenure_cal, frequency_holdout, duration_holdout)::text AS bg,
       holdout_check(mb, frequency_cal, recency_cal, tenure_cal, frequency_holdout, duration_holdout)::text AS mb
FROM big_cal_hold, models;
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
-- the models as constants, so that nothing but the big table is scanned
SELECT matches(pg_temp.plan_of($$SELECT holdout_check(ROW(0.5, 30, 0.8, 2.5, NULL, NULL, NULL, NULL)::bgnbd_model,
                                                      frequency_cal, recency_cal, tenure_cal, frequency_holdout,
                                                      duration_holdout) FROM big_cal_hold$$),
               'Partial Aggregate', 'the plan is parallel');
SELECT is((SELECT holdout_check(ROW(0.5, 30, 0.8, 2.5, NULL, NULL, NULL, NULL)::bgnbd_model, frequency_cal,
                                recency_cal, tenure_cal, frequency_holdout, duration_holdout)::text FROM big_cal_hold),
          (SELECT bg FROM serial), 'parallel = serial (bgnbd), bit for bit');
SELECT is((SELECT holdout_check(ROW(0.5, 30, 0.8, 2.5, NULL, NULL, NULL, NULL)::mbgnbd_model, frequency_cal,
                                recency_cal, tenure_cal, frequency_holdout, duration_holdout)::text FROM big_cal_hold),
          (SELECT mb FROM serial), 'parallel = serial (mbgnbd), bit for bit');
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

-- bad input
SELECT throws_ok($$SELECT holdout_check(bg, -1, 0.0, 5.0, 0, 10.0) FROM models$$, '22023', NULL,
                 'negative frequency_cal: 22023');
SELECT throws_ok($$SELECT holdout_check(bg, 2, 6.0, 5.0, 0, 10.0) FROM models$$, '22023', NULL,
                 'recency_cal above tenure_cal: 22023');
SELECT throws_ok($$SELECT holdout_check(bg, 2, 3.0, 5.0, -1, 10.0) FROM models$$, '22023', NULL,
                 'negative frequency_holdout: 22023');
SELECT throws_ok($$SELECT holdout_check(pn, 2, 3.0, 5.0, 1, -10.0) FROM models$$, '22023', NULL,
                 'negative duration_holdout: 22023');
SELECT throws_ok($$SELECT holdout_check(m, 2, 3.0, 5.0, 1, 10.0)
                   FROM (SELECT bg AS m FROM models UNION ALL SELECT fitted FROM models) x$$, '22023', NULL,
                 'two models in one holdout_check: 22023');
SELECT throws_ok($$SELECT rollup(s) FROM checks WHERE model IN ('bgnbd', 'fitted bgnbd')$$, '22023', NULL,
                 'rollup of summaries of two models: 22023');
SELECT throws_ok($$SELECT * FROM holdout_by_frequency((SELECT s FROM checks WHERE model = 'bgnbd'), 0)$$, '22023', NULL,
                 'max_frequency 0: 22023');
SELECT throws_ok($$SELECT 'v1 model=bgnbd r=1 alpha=1 a=1 b=1 abs_error=0 squared_error=0 frequencies=3:1:0:1,3:1:0:1'::holdout_summary$$,
                 '22P02', NULL, 'a repeated frequency in text: 22P02');

SELECT * FROM finish();
ROLLBACK;
