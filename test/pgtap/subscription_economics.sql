-- Subscription economics: the sBG fit recovers the parameters of simulated
-- populations; derl and retention_elasticity equal the series summed
-- directly; mrr_movements equals plain SQL on random subscription histories
-- (upgrades, downgrades, pauses, reactivations, add-ons) for month, quarter
-- and ISO week; rollup of random partitions equals the direct summary;
-- error codes.
BEGIN;
SET LOCAL search_path = public, retention;
SET LOCAL client_min_messages = error;
SELECT plan(25);

SELECT setseed(0.17);

-- ---- sBG: simulated populations ----
-- churn probability p ~ Beta(1, 3) (the smallest of 3 uniforms) and
-- Beta(2, 5) (the second smallest of 6); lifetime T ~ Geometric(p) on
-- {1, 2, ...}; observed for 10 periods
CREATE TEMP TABLE population AS
SELECT k, least(t, 10) AS periods, t <= 10 AS churned
FROM (SELECT k, 1 + floor(ln(1 - random()) / ln(1 - p))::int AS t
      FROM (SELECT 1 AS k, least(random(), random(), random()) AS p FROM generate_series(1, 20000)
            UNION ALL
            SELECT 2, (SELECT u FROM (SELECT random() + 0 * i AS u FROM generate_series(1, 6)) z
                       ORDER BY u OFFSET 1 LIMIT 1)
            FROM generate_series(1, 20000) i) x) y;
CREATE TEMP TABLE fits AS SELECT k, sbg_fit(periods, churned) AS m FROM population GROUP BY k;

SELECT ok(abs((m).alpha - 1) < 0.15 AND abs((m).beta - 3) < 0.45 AND (m).converged,
          format('Beta(1, 3) population recovered: alpha %s, beta %s', (m).alpha, (m).beta))
FROM fits WHERE k = 1;
SELECT ok(abs((m).alpha - 2) < 0.4 AND abs((m).beta - 5) < 1.0 AND (m).converged,
          format('Beta(2, 5) population recovered: alpha %s, beta %s', (m).alpha, (m).beta))
FROM fits WHERE k = 2;
SELECT ok((SELECT (m).log_likelihood FROM fits WHERE k = 1) >=
          (SELECT sum(CASE WHEN churned
                           THEN ln_beta(1 + 1, 3 + periods - 1) - ln_beta(1, 3)
                           ELSE ln_beta(1, 3 + periods) - ln_beta(1, 3) END)
           FROM population WHERE k = 1),
          'the fitted log-likelihood is at least that of the true parameters');
SELECT is((SELECT (m).log_likelihood FROM fits WHERE k = 1)::numeric(20, 6),
          (SELECT sum(CASE WHEN churned
                           THEN ln_beta((m).alpha + 1, (m).beta + periods - 1) - ln_beta((m).alpha, (m).beta)
                           ELSE ln_beta((m).alpha, (m).beta + periods) - ln_beta((m).alpha, (m).beta) END)
           FROM population, fits WHERE population.k = 1 AND fits.k = 1)::numeric(20, 6),
          'log_likelihood is the sum of ln P(T = t) and ln S(t) at the estimates');
SELECT is((SELECT sbg_fit(survival_agg(periods, churned))::text FROM population WHERE k = 2),
          (SELECT m::text FROM fits WHERE k = 2), 'sbg_fit(survival) equals the aggregate');

-- ---- derl and elasticity against the series ----
CREATE TEMP TABLE models AS
SELECT i, 0.3 + random() * 2.7 AS alpha, 0.5 + random() * 9.5 AS beta,
       floor(random() * 20)::int AS n, 0.02 + random() * 0.5 AS d
FROM generate_series(1, 20) i;
CREATE FUNCTION pg_temp.series(alpha float8, beta float8, n int, d float8, rho float8) RETURNS float8
LANGUAGE sql AS $$
    SELECT sum(term) FROM (
        SELECT exp(sum(ln(least(1, rho * (beta + n + k) / (alpha + beta + n + k)))) OVER (ORDER BY k)
                   - k * ln(1 + d)) AS term
        FROM generate_series(0, ceil(38 / ln(1 + d))::int) k) x
$$;
SELECT ok(bool_and(abs(derl(ROW(alpha, beta, NULL, NULL, NULL)::sbg_model, n, d) /
                       pg_temp.series(alpha, beta, n, d, 1) - 1) < 1e-10),
          'derl equals the discounted series summed directly, 20 random models')
FROM models;
SELECT ok(bool_and(abs(retention_elasticity(ROW(alpha, beta, NULL, NULL, NULL)::sbg_model, d, n) /
                       ((ln(pg_temp.series(alpha, beta, n, d, 1.0001)) - ln(pg_temp.series(alpha, beta, n, d, 0.9999)))
                        / (ln(1.0001) - ln(0.9999))) - 1) < 1e-6),
          'retention_elasticity equals d ln(series) / d ln(rho), 20 random models')
FROM models;
SELECT ok(bool_and(clv(ROW(alpha, beta, NULL, NULL, NULL)::sbg_model, 25, d, n) =
                   25 * derl(ROW(alpha, beta, NULL, NULL, NULL)::sbg_model, n, d)),
          'clv = margin x derl')
FROM models;
SELECT ok(bool_and(prev.s > cur.s AND cur.r > prev.r), 'survival falls and retention rises along sbg_curve')
FROM sbg_curve(ROW(0.7, 1.2, NULL, NULL, NULL)::sbg_model, 30) cur(t, s, r)
JOIN sbg_curve(ROW(0.7, 1.2, NULL, NULL, NULL)::sbg_model, 30) prev(t, s, r) ON prev.t = cur.t - 1
WHERE cur.t >= 2;

-- ---- MRR: random subscription histories ----
-- per customer five consecutive plans, each after no gap (an upgrade or a
-- downgrade on the same day) or a pause, a free plan now and then, the last
-- one open half the time; plus overlapping add-ons
CREATE TEMP TABLE plans AS
SELECT c AS customer_id, s AS seg,
       CASE WHEN random() < 0.5 THEN 0 ELSE (5 + random() * 100)::int END AS gap,
       (10 + random() * 200)::int AS len,
       (ARRAY[0, 10, 20, 49.99, 100, 250.5])[1 + floor(random() * 6)::int]::numeric AS mrr,
       random() < 0.5 AS open_last
FROM generate_series(1, 300) c, generate_series(1, 5) s;
CREATE TEMP TABLE subs AS
SELECT customer_id, started, CASE WHEN seg = 5 AND open_last THEN NULL ELSE started + len END AS ended, mrr
FROM (SELECT *, DATE '2023-01-01' + customer_id % 90 + (sum(gap + len) OVER w - len)::int AS started
      FROM plans WINDOW w AS (PARTITION BY customer_id ORDER BY seg)) x
UNION ALL
SELECT customer_id, started, CASE WHEN random() < 0.5 THEN started + (random() * 300)::int END, 15
FROM (SELECT customer_id, DATE '2023-02-01' + (random() * 500)::int AS started
      FROM generate_series(1, 300) customer_id WHERE random() < 0.3) a;

CREATE FUNCTION pg_temp.movements_by_hand(unit text)
RETURNS TABLE (period date, mrr_start numeric, new numeric, expansion numeric, contraction numeric,
               churned numeric, reactivation numeric, mrr_end numeric, customers_start bigint,
               customers_end bigint, gross_revenue_retention float8, net_revenue_retention float8,
               complete boolean)
LANGUAGE sql AS $$
    WITH bounds AS (
        SELECT min(started) AS f, max(greatest(started, ended)) AS l FROM subs
    ), step AS (
        SELECT CASE unit WHEN 'month' THEN interval '1 month' WHEN 'quarter' THEN interval '3 months'
                         ELSE interval '1 week' END AS s
    ), b AS (
        SELECT p::date AS p0, (p + s)::date - 1 AS p1, l
        FROM bounds, step, generate_series(date_trunc(unit, f::timestamp), date_trunc(unit, l::timestamp), s) p
    ), m AS (
        SELECT b.p0, b.p1, b.l, s.customer_id,
               coalesce(sum(s.mrr) FILTER (WHERE s.started <= b.p0 - 1 AND (s.ended IS NULL OR s.ended > b.p0 - 1)), 0) AS m0,
               coalesce(sum(s.mrr) FILTER (WHERE s.started <= b.p1 AND (s.ended IS NULL OR s.ended > b.p1)), 0) AS m1,
               coalesce(bool_or(s.mrr > 0 AND s.started < b.p0 AND (s.ended IS NULL OR s.ended > s.started)), false) AS before
        FROM b CROSS JOIN subs s GROUP BY 1, 2, 3, 4
    ), t AS (
        SELECT p0, p1, l, sum(m0) AS mrr_start,
               coalesce(sum(m1) FILTER (WHERE m0 = 0 AND m1 > 0 AND NOT before), 0) AS new,
               coalesce(sum(m1 - m0) FILTER (WHERE m0 > 0 AND m1 > m0), 0) AS expansion,
               coalesce(sum(m0 - m1) FILTER (WHERE m1 > 0 AND m1 < m0), 0) AS contraction,
               coalesce(sum(m0) FILTER (WHERE m0 > 0 AND m1 = 0), 0) AS churned,
               coalesce(sum(m1) FILTER (WHERE m0 = 0 AND m1 > 0 AND before), 0) AS reactivation,
               sum(m1) AS mrr_end,
               count(*) FILTER (WHERE m0 > 0) AS customers_start, count(*) FILTER (WHERE m1 > 0) AS customers_end
        FROM m GROUP BY 1, 2, 3
    )
    SELECT p0, mrr_start, new, expansion, contraction, churned, reactivation, mrr_end,
           customers_start, customers_end,
           CASE WHEN mrr_start > 0 THEN ((mrr_start - contraction - churned) / mrr_start)::float8 END,
           CASE WHEN mrr_start > 0 THEN ((mrr_start + expansion - contraction - churned) / mrr_start)::float8 END,
           p1 <= l
    FROM t
$$;
CREATE TEMP TABLE summary AS SELECT mrr_agg(customer_id, started, ended, mrr) AS s FROM subs;

SELECT is((SELECT count(*) FROM (SELECT * FROM mrr_movements((SELECT s FROM summary), u)
                                 EXCEPT SELECT * FROM pg_temp.movements_by_hand(u)) x) +
          (SELECT count(*) FROM (SELECT * FROM pg_temp.movements_by_hand(u)
                                 EXCEPT SELECT * FROM mrr_movements((SELECT s FROM summary), u)) y),
          0::bigint, format('mrr_movements by %s equals plain SQL', u))
FROM unnest(ARRAY['month', 'quarter', 'week']) u;
SELECT ok((SELECT count(*) FROM mrr_movements((SELECT s FROM summary), 'week')) > 100
          AND (SELECT sum(reactivation) > 0 AND sum(expansion) > 0 AND sum(contraction) > 0
                      AND sum(churned) > 0 AND sum(new) > 0
               FROM mrr_movements((SELECT s FROM summary), 'month')),
          'the histories have every kind of movement');
SELECT ok(bool_and(mrr_end = mrr_start + new + reactivation + expansion - contraction - churned),
          'mrr_end = mrr_start + new + reactivation + expansion - contraction - churned, exactly')
FROM mrr_movements((SELECT s FROM summary), 'week');

-- ids spread over the whole bigint range (too far apart to sort packed with
-- the days) give the same movements as small ids; so do negative ones
SELECT is((SELECT array_agg(m ORDER BY m.period)::text
           FROM mrr_movements((SELECT mrr_agg(CASE WHEN customer_id % 2 = 0 THEN -9223372036854775807 + customer_id
                                                   ELSE 9223372036854775807 - customer_id END,
                                              started, ended, mrr) FROM subs), 'month') m),
          (SELECT array_agg(m ORDER BY m.period)::text FROM mrr_movements((SELECT s FROM summary), 'month') m),
          'ids across the whole bigint range: the movements of small ids');
SELECT is((SELECT array_agg(m ORDER BY m.period)::text
           FROM mrr_movements((SELECT mrr_agg(-customer_id, started, ended, mrr) FROM subs), 'month') m),
          (SELECT array_agg(m ORDER BY m.period)::text FROM mrr_movements((SELECT s FROM summary), 'month') m),
          'negative ids: the movements of positive ones');

-- rollup of random partitions
SELECT is((SELECT rollup(s)::text FROM (SELECT mrr_agg(customer_id, started, ended, mrr) AS s
                                        FROM (SELECT *, floor(random() * 7) AS part FROM subs) r
                                        GROUP BY part) p),
          (SELECT s::text FROM summary), 'rollup of random partitions equals the direct summary');
SELECT is((SELECT rollup(s)::text FROM (SELECT mrr_agg('c' || customer_id, started, ended, mrr) AS s
                                        FROM (SELECT *, floor(random() * 5) AS part FROM subs) r
                                        GROUP BY part) p),
          (SELECT mrr_agg('c' || customer_id, started, ended, mrr)::text FROM subs),
          'rollup of random partitions, text ids');
SELECT is((SELECT s::text::mrr_summary::text FROM summary), (SELECT s::text FROM summary),
          'text form round-trips');

-- errors
SELECT throws_ok($$SELECT mrr_agg(1, DATE '2024-01-01', NULL, -1)$$, '22023', NULL, 'negative mrr');
SELECT throws_ok($$SELECT mrr_agg(1, DATE '2024-01-02', DATE '2024-01-01', 1)$$, '22023', NULL, 'ended < started');
SELECT throws_ok($$SELECT sbg_fit(0, true)$$, '22023', NULL, 'churned after 0 periods');
SELECT throws_ok($$SELECT derl(ROW(1, 2, NULL, NULL, NULL)::sbg_model, -1, 0.1)$$, '22023', NULL, 'renewals < 0');
SELECT throws_ok($$SELECT derl(ROW(1, 2, NULL, NULL, NULL)::sbg_model, 1, 'NaN')$$, '22023', NULL, 'discount rate NaN');
SELECT throws_ok($$SELECT 'v1 ids=bigint first=2024-01-01 last=2024-01-31 customers=1 changes=1 1:2024-01-05-1'::mrr_summary$$,
                 '22P02', NULL, 'malformed mrr_summary');

SELECT * FROM finish();
ROLLBACK;
