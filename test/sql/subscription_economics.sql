-- Subscription economics (SPEC §10): the shifted-beta-geometric fit against
-- Fader & Hardie's published numbers, its projection against the held-out
-- years, DERL and retention elasticity against direct sums of their series,
-- the MRR summary and its movements, text and binary forms, errors, and
-- parallel = serial.
-- own schema: other tests of the suite leave tables named customers and subs
CREATE SCHEMA subscription_economics;
SET search_path = subscription_economics, public, retention;
SET extra_float_digits = 0;

-- Fader & Hardie (2007), "How to project customer retention", Table 1:
-- customers still active at the start of each year, of 1,000 per cohort.
CREATE TABLE cohorts (cohort text, year int, active int);
INSERT INTO cohorts VALUES
    ('regular', 0, 1000), ('regular', 1, 631), ('regular', 2, 468), ('regular', 3, 382),
    ('regular', 4, 326), ('regular', 5, 289), ('regular', 6, 262), ('regular', 7, 241),
    ('regular', 8, 223), ('regular', 9, 207), ('regular', 10, 194), ('regular', 11, 183),
    ('regular', 12, 173),
    ('high_end', 0, 1000), ('high_end', 1, 869), ('high_end', 2, 743), ('high_end', 3, 653),
    ('high_end', 4, 593), ('high_end', 5, 551), ('high_end', 6, 517), ('high_end', 7, 491),
    ('high_end', 8, 468), ('high_end', 9, 445), ('high_end', 10, 427), ('high_end', 11, 409),
    ('high_end', 12, 394);

-- one row per customer, calibrated on years 1-7: lost at the end of year t,
-- or still active after 7 years
CREATE TABLE customers AS
SELECT c.cohort, c.year AS periods, true AS churned
FROM cohorts c JOIN cohorts p ON p.cohort = c.cohort AND p.year = c.year - 1,
     generate_series(1, p.active - c.active)
WHERE c.year <= 7
UNION ALL
SELECT cohort, 7, false FROM cohorts, generate_series(1, active) WHERE year = 7;

-- published: regular alpha 0.704, beta 1.182, LL -1680.27;
-- high end alpha 0.668, beta 3.806, LL -1611.16
SELECT cohort, round((m).alpha::numeric, 3) AS alpha, round((m).beta::numeric, 3) AS beta,
       round((m).log_likelihood::numeric, 2) AS log_likelihood, (m).customers, (m).converged
FROM (SELECT cohort, sbg_fit(periods, churned) AS m FROM customers GROUP BY cohort) x
ORDER BY cohort;

-- the same fit from a survival summary
SELECT cohort, sbg_fit(survival_agg(periods, churned)) = sbg_fit(periods, churned) AS same_fit
FROM customers GROUP BY cohort ORDER BY cohort;

-- projection of years 8-12 against the data held out
SELECT c.cohort, c.year, c.active AS actual, round(1000 * s.survival)::int AS projected,
       round(1000 * s.survival) - c.active AS error
FROM cohorts c
JOIN (SELECT cohort, sbg_fit(periods, churned) AS m FROM customers GROUP BY cohort) f USING (cohort),
     LATERAL sbg_curve(f.m, 12) s
WHERE s.period = c.year AND c.year >= 8
ORDER BY c.cohort, c.year;

-- the curve: S(0) = 1 with no retention rate, r_t = (beta + t - 1) / (alpha + beta + t - 1)
SELECT period, round(survival::numeric, 6) AS survival, round(retention_rate::numeric, 6) AS retention_rate
FROM sbg_curve(ROW(0.668, 3.806, NULL, NULL, NULL)::sbg_model, 4);

-- DERL: Fader & Hardie (2010), alpha 0.668, beta 3.806, 7 renewals, d = 0.10 -> 7.53
CREATE TABLE model AS SELECT ROW(0.668, 3.806, NULL, NULL, NULL)::sbg_model AS m;
SELECT round(derl(m, 7, 0.10)::numeric, 4) AS derl,
       round(retention_elasticity(m, 0.10, 7)::numeric, 2) AS elasticity
FROM model;

-- against the series summed directly: S(n + 1 + k) / S(n) / (1 + d)^k
CREATE FUNCTION series_terms(alpha float8, beta float8, n int, d float8, rho float8 DEFAULT 1)
RETURNS TABLE (k int, term float8) LANGUAGE sql AS $$
    SELECT k, exp(sum(ln(least(1, rho * (beta + t - 1) / (alpha + beta + t - 1))))
                  OVER (ORDER BY k)) / (1 + d) ^ k
    FROM generate_series(0, 5000) k, LATERAL (SELECT n + 1 + k AS t) x
$$;
SELECT abs(derl(m, 7, 0.10) - (SELECT sum(term) FROM series_terms(0.668, 3.806, 7, 0.10))) < 1e-9
       AS derl_equals_sum,
       abs(retention_elasticity(m, 0.10, 7) -
           (ln((SELECT sum(term) FROM series_terms(0.668, 3.806, 7, 0.10, 1.000001))) -
            ln((SELECT sum(term) FROM series_terms(0.668, 3.806, 7, 0.10, 0.999999)))) /
           (ln(1.000001) - ln(0.999999))) < 1e-5 AS elasticity_equals_derivative
FROM model;
SELECT abs(derl(m, 0, 0.10) - (SELECT sum(term) FROM series_terms(0.668, 3.806, 0, 0.10))) < 1e-9
       AS new_customer_derl_equals_sum
FROM model;

-- clv = margin x derl; renewals defaults to 0
SELECT round(clv(m, 100, 0.10, 7)::numeric, 2) AS clv_after_7, round(clv(m, 100, 0.10)::numeric, 2) AS clv_new,
       clv(m, 100, 0.10) = 100 * derl(m, 0, 0.10) AS clv_is_margin_times_derl,
       clv(m, 0, 0.10) AS zero_margin
FROM model;

-- no discounting: (beta + n) / (alpha - 1) for alpha > 1, infinite otherwise;
-- elasticity (alpha + beta + n - 1) / (alpha - 2) for alpha > 2
SELECT derl(ROW(1.5, 3, NULL, NULL, NULL)::sbg_model, 2, 0) AS derl_closed_form,
       derl(m, 7, 0) AS derl_heavy_tail,
       retention_elasticity(ROW(2.5, 3, NULL, NULL, NULL)::sbg_model, 0, 2) AS elasticity_closed_form,
       retention_elasticity(ROW(1.5, 3, NULL, NULL, NULL)::sbg_model, 0, 2) AS elasticity_heavy_tail
FROM model;
-- and the discounted series tends to them
SELECT derl(ROW(3.5, 3, NULL, NULL, NULL)::sbg_model, 2, 0) AS derl_closed_form,
       round(derl(ROW(3.5, 3, NULL, NULL, NULL)::sbg_model, 2, 1e-6)::numeric, 4) AS derl_small_rate,
       retention_elasticity(ROW(3.5, 3, NULL, NULL, NULL)::sbg_model, 0, 2) AS elasticity_closed_form,
       round(retention_elasticity(ROW(3.5, 3, NULL, NULL, NULL)::sbg_model, 1e-6, 2)::numeric, 4)
       AS elasticity_small_rate;

-- what +5 % retention is worth, from the elasticity and from the series
SELECT round((100 * (1.05 ^ retention_elasticity(m, 0.10, 7) - 1))::numeric, 1) AS pct_from_elasticity,
       round((100 * ((SELECT sum(term) FROM series_terms(0.668, 3.806, 7, 0.10, 1.05)) /
                     derl(m, 7, 0.10) - 1))::numeric, 1) AS pct_from_series
FROM model;

-- NULL rows are skipped; no rows give NULL
SELECT sbg_fit(periods, churned) FROM customers WHERE false;
SELECT (sbg_fit(p, c)).customers FROM (VALUES (1, true), (NULL, true), (2, NULL), (3, false)) v(p, c);
SELECT derl(NULL::sbg_model, 1, 0.1), sbg_fit(NULL::survival);

-- at the boundary: converged = false with a WARNING
SELECT (m).converged, (m).customers
FROM (SELECT sbg_fit(t, false) AS m FROM generate_series(1, 10) t) x;      -- nobody churns
SELECT (m).converged
FROM (SELECT sbg_fit(1, c) AS m FROM (VALUES (true), (false), (false)) v(c)) x;  -- one period only

-- errors
SELECT sbg_fit(0, true);
\echo :LAST_ERROR_SQLSTATE
SELECT sbg_fit(-1, false);
\echo :LAST_ERROR_SQLSTATE
SELECT sbg_fit(1000000, false);
\echo :LAST_ERROR_SQLSTATE
SELECT sbg_fit(survival_agg(d, true)) FROM (VALUES (1.5), (2)) v(d);
\echo :LAST_ERROR_SQLSTATE
SELECT sbg_fit(survival_agg(d, true)) FROM (VALUES (0), (2)) v(d);
\echo :LAST_ERROR_SQLSTATE
SELECT derl(m, -1, 0.1) FROM model;
\echo :LAST_ERROR_SQLSTATE
SELECT derl(m, 1, -0.1) FROM model;
\echo :LAST_ERROR_SQLSTATE
SELECT derl(m, 1, 'NaN') FROM model;
\echo :LAST_ERROR_SQLSTATE
SELECT derl(m, 1, 'Infinity') FROM model;
\echo :LAST_ERROR_SQLSTATE
SELECT derl(m, 1, 1e-9) FROM model;
\echo :LAST_ERROR_SQLSTATE
SELECT retention_elasticity(m, -0.1) FROM model;
\echo :LAST_ERROR_SQLSTATE
SELECT clv(m, 'Infinity', 0.1) FROM model;
\echo :LAST_ERROR_SQLSTATE
SELECT derl(ROW(-1, 3, NULL, NULL, NULL)::sbg_model, 1, 0.1);
\echo :LAST_ERROR_SQLSTATE
SELECT derl(ROW(NULL, 3, NULL, NULL, NULL)::sbg_model, 1, 0.1);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM sbg_curve(ROW(1, 3, NULL, NULL, NULL)::sbg_model, -1);
\echo :LAST_ERROR_SQLSTATE
SELECT sbg_fit_finalfn('{0,1,-1,0}');
\echo :LAST_ERROR_SQLSTATE
SELECT sbg_fit_finalfn('{{0,1},{1,0}}');
\echo :LAST_ERROR_SQLSTATE

-- ===== MRR =====
-- customer 1: new in January; 2: new in January, churns in March (its
-- subscription ends on March 1), reactivates in May; 3: new in February,
-- upgrades in April; 4: downgrades in March; 5: subscribes and cancels
-- within June, which no month-end sees; 6: a free plan (mrr 0).
CREATE TABLE subs (customer_id bigint, started date, ended date, mrr numeric);
INSERT INTO subs VALUES
    (1, '2024-01-10', NULL, 100),
    (2, '2024-01-05', '2024-03-01', 50),
    (2, '2024-05-01', NULL, 60),
    (3, '2024-02-01', '2024-04-01', 30.00),
    (3, '2024-04-01', NULL, 45.50),
    (4, '2024-01-01', '2024-03-15', 80),
    (4, '2024-03-15', NULL, 20),
    (5, '2024-06-10', '2024-06-20', 99),
    (6, '2024-02-01', NULL, 0),
    (NULL, '2024-01-01', NULL, 10),
    (7, NULL, NULL, 10),
    (8, '2024-01-01', NULL, NULL);
SELECT mrr_agg(customer_id, started, ended, mrr) FROM subs;
SELECT * FROM mrr_movements((SELECT mrr_agg(customer_id, started, ended, mrr) FROM subs));
SELECT period, new, expansion, contraction, churned, reactivation, mrr_end, complete
FROM mrr_movements((SELECT mrr_agg(customer_id, started, ended, mrr) FROM subs), 'quarter');
SELECT period, mrr_start, mrr_end, customers_end, complete
FROM mrr_movements((SELECT mrr_agg(customer_id, started, ended, mrr) FROM subs), 'week')
WHERE period BETWEEN '2024-02-26' AND '2024-03-18';

-- the identity, exactly
SELECT bool_and(mrr_end = mrr_start + new + reactivation + expansion - contraction - churned) AS identity,
       bool_and(mrr_start = previous_end) AS chained
FROM (SELECT *, coalesce(lag(mrr_end) OVER (ORDER BY period), 0) AS previous_end
      FROM mrr_movements((SELECT mrr_agg(customer_id, started, ended, mrr) FROM subs))) m;

-- text, uuid and timestamptz forms
SELECT mrr_agg('c' || customer_id, started, ended, mrr) FROM subs WHERE customer_id < 3;
SELECT mrr_agg(md5(customer_id::text)::uuid, started::timestamptz, ended::timestamptz, mrr)
FROM subs WHERE customer_id < 3;
SELECT mrr_agg(E'a"b\\c', DATE '2024-01-01', NULL, 1);
SELECT mrr_agg(E'a"b\\c', DATE '2024-01-01', NULL, 1)::text::mrr_summary::text;

-- rollup of parts equals the summary of all rows
SELECT (SELECT rollup(s)::text FROM (SELECT mrr_agg(customer_id, started, ended, mrr) s
                                     FROM subs GROUP BY customer_id % 2, started) x)
     = (SELECT mrr_agg(customer_id, started, ended, mrr)::text FROM subs) AS rollup_equals_direct;

-- text round trip; empty and NULL input
SELECT s::text::mrr_summary::text = s::text AS round_trip
FROM (SELECT mrr_agg(customer_id, started, ended, mrr) s FROM subs) x;
SELECT mrr_agg(customer_id, started, ended, mrr) FROM subs WHERE false;
SELECT mrr_agg(customer_id, started, ended, mrr) FROM subs WHERE customer_id = 6;
SELECT * FROM mrr_movements((SELECT mrr_agg(customer_id, started, ended, mrr) FROM subs WHERE customer_id = 6));
SELECT * FROM mrr_movements('v1 ids=bigint first=2024-01-01 last=2024-01-31 customers=0 changes=0', 'month');

-- errors
SELECT mrr_agg(1, DATE '2024-01-01', NULL, -5);
\echo :LAST_ERROR_SQLSTATE
SELECT mrr_agg(1, DATE '2024-02-01', DATE '2024-01-01', 5);
\echo :LAST_ERROR_SQLSTATE
SELECT mrr_agg(1, DATE '2024-02-01', NULL, 'NaN');
\echo :LAST_ERROR_SQLSTATE
SELECT mrr_agg(1, DATE 'infinity', NULL, 5);
\echo :LAST_ERROR_SQLSTATE
SELECT mrr_agg(1, DATE '10000-01-01', NULL, 5);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mrr_movements((SELECT mrr_agg(customer_id, started, ended, mrr) FROM subs), 'fortnight');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mrr_movements((SELECT mrr_agg(customer_id, started, ended, mrr) FROM subs), '7 days');
\echo :LAST_ERROR_SQLSTATE
SELECT rollup(s) FROM (SELECT mrr_agg(1, DATE '2024-01-01', NULL, 1)
                       UNION ALL SELECT mrr_agg('x', DATE '2024-01-01', NULL, 1)) v(s);
\echo :LAST_ERROR_SQLSTATE
SELECT 'v2 ids=bigint first=2024-01-01 last=2024-01-31 customers=0 changes=0'::mrr_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 ids=int first=2024-01-01 last=2024-01-31 customers=0 changes=0'::mrr_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 ids=bigint first=2024-02-30 last=2024-03-31 customers=0 changes=0'::mrr_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 ids=bigint first=2024-03-01 last=2024-01-31 customers=0 changes=0'::mrr_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 ids=bigint first=2024-01-01 last=2024-01-31 customers=1 changes=1 5:2024-01-02-3'::mrr_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 ids=bigint first=2024-01-01 last=2024-01-31 customers=1 changes=1 5:2024-01-02+0'::mrr_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 ids=bigint first=2024-01-01 last=2024-01-31 customers=1 changes=2 5:2024-01-03+3,2024-01-02+1'::mrr_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 ids=bigint first=2024-01-01 last=2024-01-31 customers=2 changes=2 6:2024-01-03+3 5:2024-01-02+1'::mrr_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 ids=bigint first=2024-01-01 last=2024-01-31 customers=1 changes=1 5:2024-02-02+1'::mrr_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 ids=bigint first=2024-01-01 last=2024-01-31 customers=1 changes=1 5:2024-01-02+1 junk'::mrr_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 ids=bigint first=2024-01-01 last=2024-01-31 customers=2 changes=1 5:2024-01-02+1'::mrr_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 ids=bigint first=2024-01-01 last=2024-01-31 customers=1 changes=1 5:2024-01-02+NaN'::mrr_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 ids=text first=2024-01-01 last=2024-01-31 customers=1 changes=1 "a:2024-01-02+1'::mrr_summary;
\echo :LAST_ERROR_SQLSTATE

-- binary round trip through COPY
CREATE TABLE mrr_copy (s mrr_summary);
INSERT INTO mrr_copy SELECT mrr_agg(customer_id, started, ended, mrr) FROM subs;
INSERT INTO mrr_copy SELECT mrr_agg('c' || customer_id, started, ended, mrr) FROM subs;
INSERT INTO mrr_copy SELECT mrr_agg(md5(customer_id::text)::uuid, started, ended, mrr) FROM subs;
CREATE TABLE mrr_copy2 (s mrr_summary);
DO $$
DECLARE
    file text := current_setting('data_directory') || '/retention_mrr.bin';
BEGIN
    EXECUTE format('COPY mrr_copy TO %L (FORMAT binary)', file);
    EXECUTE format('COPY mrr_copy2 FROM %L (FORMAT binary)', file);
END $$;
SELECT (SELECT array_agg(s::text ORDER BY s::text) FROM mrr_copy) =
       (SELECT array_agg(s::text ORDER BY s::text) FROM mrr_copy2) AS binary_round_trip;
-- the binary form: version 1, id kind 1 (bigint), first and last day as
-- days since 2000-01-01, customers, then id, changes, day and numeric
SELECT mrr_summary_send('v1 ids=bigint first=2000-01-01 last=2000-01-02 customers=1 changes=1 7:2000-01-02+1.5');

-- ===== parallel = serial, bit for bit =====
CREATE TABLE many_subs AS
SELECT i % 5000 AS customer_id,
       DATE '2022-01-01' + (i * 37) % 900 AS started,
       CASE WHEN i % 3 = 0 THEN NULL ELSE DATE '2022-01-01' + (i * 37) % 900 + (i * 13) % 500 END AS ended,
       ((i * 7) % 200)::numeric / 4 AS mrr
FROM generate_series(1, 60000) i;
ANALYZE many_subs;
CREATE TABLE many_customers AS SELECT c.* FROM customers c, generate_series(1, 30);
ANALYZE many_customers;
SET max_parallel_workers_per_gather = 0;
CREATE TABLE serial AS
SELECT (SELECT sbg_fit(periods, churned)::text FROM many_customers) AS fit,
       (SELECT mrr_agg(customer_id, started, ended, mrr)::text FROM many_subs) AS mrr;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT sbg_fit(periods, churned) FROM many_customers;
EXPLAIN (COSTS OFF) SELECT mrr_agg(customer_id, started, ended, mrr) FROM many_subs;
SELECT fit = (SELECT sbg_fit(periods, churned)::text FROM many_customers) AS sbg_fit_identical,
       mrr = (SELECT mrr_agg(customer_id, started, ended, mrr)::text FROM many_subs) AS mrr_agg_identical
FROM serial;
RESET parallel_leader_participation;
RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA subscription_economics CASCADE;
RESET client_min_messages;
