-- The BTYD model family (Pareto/NBD, MBG/NBD, BG/BB): published fits,
-- hand-checked likelihoods, scores, confint, parallel = serial, errors.
CREATE SCHEMA btyd_family;
SET search_path = btyd_family, public, retention;
SET extra_float_digits = 0;

-- CDNOW: the 2,357 customers of the CDNOW sample (Fader & Hardie's
-- CDNOW_sample.txt) summarised at the end of the 39-week calibration period,
-- 1997-09-30: repeat purchases over distinct days, days from the first to the
-- last purchase and to the end (test/data/cdnow_calibration.csv).  Weeks = days / 7.
CREATE TABLE cdnow (customer_id int, frequency int, recency_days int, tenure_days int);
\copy cdnow FROM 'test/data/cdnow_calibration.csv' (FORMAT csv, HEADER)
CREATE VIEW cdnow_weeks AS
SELECT customer_id, frequency, recency_days / 7.0::float8 AS recency,
       tenure_days / 7.0::float8 AS tenure
FROM cdnow;
SELECT count(*), sum(frequency) FROM cdnow;

CREATE TABLE cdnow_fits AS
SELECT bgnbd_fit(frequency, recency, tenure) AS bg,
       pnbd_fit(frequency, recency, tenure) AS pn,
       mbgnbd_fit(frequency, recency, tenure) AS mb
FROM cdnow_weeks;

-- Pareto/NBD (Fader, Hardie & Lee 2005, "A note on deriving the Pareto/NBD
-- model"): r = 0.553, alpha = 10.578, s = 0.606, beta = 11.669, LL = -9595.0
SELECT round((pn).r::numeric, 3) AS r, round((pn).alpha::numeric, 3) AS alpha,
       round((pn).s::numeric, 3) AS s, round((pn).beta::numeric, 3) AS beta,
       round((pn).log_likelihood::numeric, 1) AS ll, (pn).customers, (pn).converged
FROM cdnow_fits;
-- MBG/NBD (Batislam, Denizel & Filiztekin 2007): r = 0.525, alpha = 6.183, a = 0.891, b = 1.614
SELECT round((mb).r::numeric, 3) AS r, round((mb).alpha::numeric, 3) AS alpha,
       round((mb).a::numeric, 3) AS a, round((mb).b::numeric, 3) AS b,
       round((mb).log_likelihood::numeric, 1) AS ll, (mb).customers, (mb).converged
FROM cdnow_fits;

-- BG/BB: the donations of Fader, Hardie & Shang (2010), 11,104 donors, 6
-- opportunities (1996-2001 after a first donation in 1995): alpha = 1.204,
-- beta = 0.750, gamma = 0.657, delta = 2.783, LL = -33,225.6
CREATE TABLE donations AS
SELECT frequency, recency, opportunities
FROM (VALUES (0, 0, 6, 3464), (1, 1, 6, 1091), (1, 2, 6, 277), (1, 3, 6, 129), (1, 4, 6, 78),
             (1, 5, 6, 119), (1, 6, 6, 129), (2, 2, 6, 613), (2, 3, 6, 255), (2, 4, 6, 155),
             (2, 5, 6, 173), (2, 6, 6, 234), (3, 3, 6, 322), (3, 4, 6, 181), (3, 5, 6, 225),
             (3, 6, 6, 357), (4, 4, 6, 240), (4, 5, 6, 284), (4, 6, 6, 512), (5, 5, 6, 335),
             (5, 6, 6, 728), (6, 6, 6, 1203)) v(frequency, recency, opportunities, donors),
     generate_series(1, donors);
CREATE TABLE donation_fit AS SELECT bgbb_fit(frequency, recency, opportunities) AS bb FROM donations;
SELECT round((bb).alpha::numeric, 3) AS alpha, round((bb).beta::numeric, 3) AS beta,
       round((bb).gamma::numeric, 3) AS gamma, round((bb).delta::numeric, 3) AS delta,
       round((bb).log_likelihood::numeric, 1) AS ll, (bb).customers, (bb).converged
FROM donation_fit;

-- confint: standard errors from the inverse Hessian (BG/NBD on CDNOW: lifetimes'
-- summary prints r 0.0126, alpha 0.378, a 0.186, b 0.705), Wald intervals
SELECT parameter, round(estimate::numeric, 4) AS estimate, round(std_error::numeric, 4) AS se,
       round(lower::numeric, 4) AS lower, round(upper::numeric, 4) AS upper
FROM cdnow_fits, confint(bg);
SELECT parameter, round(estimate::numeric, 4) AS estimate, round(std_error::numeric, 4) AS se,
       round(lower::numeric, 4) AS lower, round(upper::numeric, 4) AS upper
FROM cdnow_fits, confint(pn, 0.9);
SELECT parameter, round(std_error::numeric, 4) AS se FROM cdnow_fits, confint(mb);
SELECT parameter, round(std_error::numeric, 4) AS se FROM donation_fit, confint(bb);
SELECT parameter, round(std_error::numeric, 3) AS se
FROM (SELECT gammagamma_fit(x, m) AS gg
      FROM generate_series(1, 400) i, LATERAL (SELECT 1 + i % 7 AS x, 5 + (i * 7919 % 101) / 4.0 AS m) v) f,
     confint(gg);
-- a model without covariance (as stored by 0.1, or built by hand): no intervals
SELECT * FROM confint(ROW(0.243, 4.414, 0.793, 2.426, -9582.4, 2357, true, NULL)::bgnbd_model);
-- the covariance is symmetric and its diagonal positive
SELECT array_dims((pn).covariance) AS dims,
       (pn).covariance[1][2] = (pn).covariance[2][1] AND (pn).covariance[3][4] = (pn).covariance[4][3] AS symmetric
FROM cdnow_fits;

-- One Pareto/NBD customer by hand at alpha = beta (z = 0, where the series is 1):
--   L = Γ(r+x)/Γ(r) α^r β^s [(α+T)^-(r+x) (β+T)^-s
--       + s/(r+s+x) ((α+t_x)^-(r+s+x) - (α+T)^-(r+s+x))]
-- r = 2, α = β = 1, s = 1, x = 1, t_x = 1, T = 2: Γ(3)/Γ(2) = 2;
--   3^-3 3^-1 + 1/4 (2^-4 - 3^-4) = 1/81 + 65/5184
SELECT round(pnbd_log_likelihood(2, 1, 1, 1, 1, 1, 2)::numeric, 12) AS ll,
       round(ln(2 * (1.0 / 81 + 65.0 / 5184))::numeric, 12) AS by_hand;
-- x = 0, T = 3, r = s = α = β = 1: (1/4)(1/4) + 1/2 (1 - 4^-2) = 1/16 + 15/32 = 17/32
SELECT round(pnbd_log_likelihood(1, 1, 1, 1, 0, 0, 3)::numeric, 12) AS ll,
       round(ln(17.0 / 32)::numeric, 12) AS by_hand;
-- P(alive) there is the first term's share: (1/16) / (17/32) = 2/17
SELECT round(p_alive(ROW(1, 1, 1, 1, NULL, NULL, NULL, NULL)::pnbd_model, 0, 0, 3)::numeric, 12) AS p,
       round(2 / 17.0, 12) AS by_hand;
-- thousands of repeat purchases stay finite (the textbook 2F1 form overflows here)
SELECT round(pnbd_log_likelihood(0.553, 10.578, 0.606, 11.669, 5000, 38.995, 39)::numeric, 6) AS ll_5000,
       round(p_alive(pn, 5000, 38.995, 39)::numeric, 10) AS alive_5000,
       round(p_alive(pn, 20000, 30, 39)::numeric, 10) AS alive_20000_gone_quiet,
       round(expected_purchases(pn, 1, 5000, 38.995, 39)::numeric, 4) AS next_week
FROM cdnow_fits;
-- the gradient matches a central difference of the log-likelihood
SELECT bool_and(abs(g[k] - (pnbd_log_likelihood(r + d1, a + d2, s + d3, b + d4, 3, 20, 30)
                          - pnbd_log_likelihood(r - d1, a - d2, s - d3, b - d4, 3, 20, 30)) / 2e-6)
                <= 1e-6 * greatest(1, abs(g[k]))) AS gradient_ok
FROM (SELECT 0.7 r, 8.0 a, 0.4 s, 12.0 b, pnbd_log_likelihood_gradient(0.7, 8, 0.4, 12, 3, 20, 30) g) p,
     LATERAL (VALUES (1, 1e-6, 0, 0, 0), (2, 0, 1e-6, 0, 0), (3, 0, 0, 1e-6, 0), (4, 0, 0, 0, 1e-6))
         v(k, d1, d2, d3, d4);

-- scores for a few CDNOW customers (weeks)
SELECT customer_id, frequency, round(recency::numeric, 2) AS recency, round(tenure::numeric, 2) AS tenure,
       round(p_alive(bg, frequency, recency, tenure)::numeric, 4) AS bg_alive,
       round(p_alive(pn, frequency, recency, tenure)::numeric, 4) AS pn_alive,
       round(p_alive(mb, frequency, recency, tenure)::numeric, 4) AS mb_alive,
       round(expected_purchases(pn, 39, frequency, recency, tenure)::numeric, 4) AS pn_39,
       round(expected_purchases(mb, 39, frequency, recency, tenure)::numeric, 4) AS mb_39
FROM cdnow_weeks, cdnow_fits WHERE customer_id IN (1, 2, 3, 18, 1516, 2357) ORDER BY customer_id;
-- new customers: expected repeat purchases in their first 39 and 78 weeks
SELECT round(expected_purchases(pn, 39)::numeric, 4) AS pn_39, round(expected_purchases(pn, 78)::numeric, 4) AS pn_78,
       round(expected_purchases(mb, 39)::numeric, 4) AS mb_39, round(expected_purchases(mb, 78)::numeric, 4) AS mb_78,
       expected_purchases(pn, 0) AS pn_0
FROM cdnow_fits;
-- MBG/NBD: a customer without repeat purchases is not surely alive
SELECT round(p_alive(mb, 0, 0, 30)::numeric, 4) AS mb_alive_x0, p_alive(bg, 0, 0, 30) AS bg_alive_x0
FROM cdnow_fits;
-- clv with a Gamma-Gamma model, days (alpha and beta times 7)
SELECT round(clv(ROW((pn).r, (pn).alpha * 7, (pn).s, (pn).beta * 7, NULL, NULL, NULL, NULL)::pnbd_model,
                 ROW(6.25, 3.74, 15.44, NULL, NULL, NULL, NULL)::gammagamma_model,
                 2, 30.43 * 7, 38.86 * 7, 22.5, 12, 0.01)::numeric, 4) AS pn_clv,
       round(clv(ROW((mb).r, (mb).alpha * 7, (mb).a, (mb).b, NULL, NULL, NULL, NULL)::mbgnbd_model,
                 ROW(6.25, 3.74, 15.44, NULL, NULL, NULL, NULL)::gammagamma_model,
                 2, 30.43 * 7, 38.86 * 7, 22.5, 12, 0.01)::numeric, 4) AS mb_clv
FROM cdnow_fits;

-- purchase_probability: the distribution of a new customer's repeat purchases
-- in the first t weeks; it sums to 1 (to 1e-12) and its mean is expected_purchases
SELECT t, abs(sum(purchase_probability(bg, k, t)) - 1) < 1e-12 AS bg_sums_to_1,
       abs(sum(purchase_probability(mb, k, t)) - 1) < 1e-12 AS mb_sums_to_1,
       abs(sum(purchase_probability(pn, k, t)) - 1) < 1e-12 AS pn_sums_to_1,
       abs(sum(k * purchase_probability(bg, k, t)) - expected_purchases(bg, t)) < 1e-9 AS bg_mean,
       abs(sum(k * purchase_probability(mb, k, t)) - expected_purchases(mb, t)) < 1e-9 AS mb_mean,
       abs(sum(k * purchase_probability(pn, k, t)) - expected_purchases(pn, t)) < 1e-9 AS pn_mean
FROM cdnow_fits, (VALUES (1.0), (39), (78)) v(t), generate_series(0, 400) k
GROUP BY t, bg, mb, pn ORDER BY t;
SELECT k, round(purchase_probability(bg, k, 39)::numeric, 6) AS bg,
       round(purchase_probability(mb, k, 39)::numeric, 6) AS mb,
       round(purchase_probability(pn, k, 39)::numeric, 6) AS pn
FROM cdnow_fits, generate_series(0, 4) k ORDER BY k;
SELECT purchase_probability(pn, 0, 0) AS p0, purchase_probability(pn, 3, 0) AS p3 FROM cdnow_fits;

-- BG/BB scores (FHS 2010 report P(alive in 2002) and expected donations 2002-2006)
SELECT frequency, recency,
       round(p_alive(bb, frequency, recency, 6)::numeric, 4) AS alive,
       round(expected_purchases(bb, 5, frequency, recency, 6)::numeric, 4) AS next_5
FROM donation_fit, (VALUES (0, 0), (1, 1), (3, 6), (6, 6), (5, 5)) v(frequency, recency)
ORDER BY frequency, recency;
-- by hand, alpha = beta = gamma = delta = 1, x = 0, n = 1:
--   L = B(1, 2)/B(1, 1) B(1, 2)/B(1, 1) + B(1, 1)/B(1, 1) B(2, 1)/B(1, 1) = 1/4 + 1/2 = 3/4
SELECT round(exp(bgbb_log_likelihood(1, 1, 1, 1, 0, 0, 1))::numeric, 12) AS l, 0.75 AS by_hand;

-- the penalizer shrinks, and every fit type accepts one
SELECT (pnbd_fit(frequency, recency, tenure, 0.1)).r < (pn).r AS pn_shrinks,
       (mbgnbd_fit(frequency, recency, tenure, 0.1)).converged AS mb_penalized
FROM cdnow_weeks, cdnow_fits GROUP BY pn;
SELECT (bgbb_fit(frequency, recency, opportunities, 0.01)).alpha < (SELECT (bb).alpha FROM donation_fit) AS bb_shrinks
FROM donations;

-- the transition states: text forms of the new kinds round-trip
SELECT 'v1 kind=pnbd penalizer=0 points=0:0:10:3,2:4.5:10:1'::btyd_histogram;
SELECT 'v1 kind=mbgnbd penalizer=0.5 points=1:2:3:4'::btyd_histogram;
SELECT 'v1 kind=bgbb penalizer=0 points=0:0:6:5,2:3:6:1'::btyd_histogram;
SET client_min_messages = error;
SELECT (pnbd_fit_finalfn('v1 kind=pnbd penalizer=0 points=0:0:10:3,2:4.5:10:1,5:9:10:2,1:1:4:1')).customers AS fits_from_text;
RESET client_min_messages;
SELECT 'v1 kind=bgbb penalizer=0 points=2:1.5:6:1'::btyd_histogram;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 kind=bgbb penalizer=0 points=0:2:6:1'::btyd_histogram;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 kind=pnbdx penalizer=0 points='::btyd_histogram;
\echo :LAST_ERROR_SQLSTATE

-- NULLs are skipped; no rows give NULL
SELECT pnbd_fit(f, r, t) IS NULL AS empty_pn, mbgnbd_fit(f, r, t) IS NULL AS empty_mb
FROM (VALUES (NULL::int, 1.0::float8, 2.0::float8)) v(f, r, t);
SELECT bgbb_fit(f, r, n) IS NULL AS empty_bb FROM (VALUES (1, NULL::int, 3)) v(f, r, n);

-- parallel plans give the serial models, bit for bit
CREATE TABLE sim AS
SELECT customer_id, frequency, floor(recency) AS recency, floor(tenure) AS tenure
FROM btyd_simulate(60000, 0.25, 30, 0.8, 2.5, 30, 400, seed => 11);
CREATE TABLE sim_bb AS SELECT * FROM donations, generate_series(1, 3);
ANALYZE sim;
ANALYZE sim_bb;
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial AS
SELECT pnbd_fit(frequency, recency, tenure) AS pn, mbgnbd_fit(frequency, recency, tenure) AS mb FROM sim;
CREATE TEMP TABLE serial_bb AS SELECT bgbb_fit(frequency, recency, opportunities) AS bb FROM sim_bb;
SET parallel_setup_cost = 0;
-- a fit's combine function declares the cost of a big merge (cpu_operator_cost
-- units), which keeps small tables' fits serial unless operators cost next to nothing
SET parallel_tuple_cost = 0.01;
SET cpu_operator_cost = 1e-8;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF)
SELECT pnbd_fit(frequency, recency, tenure), mbgnbd_fit(frequency, recency, tenure) FROM sim;
SELECT (SELECT pn FROM serial)::text = pnbd_fit(frequency, recency, tenure)::text AS pn_identical,
       (SELECT mb FROM serial)::text = mbgnbd_fit(frequency, recency, tenure)::text AS mb_identical,
       (SELECT (pn).converged FROM serial) AS pn_converged
FROM sim;
EXPLAIN (COSTS OFF) SELECT bgbb_fit(frequency, recency, opportunities) FROM sim_bb;
SELECT (SELECT bb FROM serial_bb)::text = bgbb_fit(frequency, recency, opportunities)::text AS bb_identical,
       (SELECT (bb).converged FROM serial_bb) AS bb_converged
FROM sim_bb;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET cpu_operator_cost;
RESET min_parallel_table_scan_size;

-- bad input: 22023 naming the value
SELECT pnbd_fit(-1, 0, 1);
\echo :LAST_ERROR_SQLSTATE
SELECT pnbd_fit(2, 5, 3);
\echo :LAST_ERROR_SQLSTATE
SELECT pnbd_fit(1, 1, 2, -0.5);
\echo :LAST_ERROR_SQLSTATE
SELECT mbgnbd_fit(0, 1, 2);
\echo :LAST_ERROR_SQLSTATE
SELECT bgbb_fit(2, 1, 6);
\echo :LAST_ERROR_SQLSTATE
SELECT bgbb_fit(1, 7, 6);
\echo :LAST_ERROR_SQLSTATE
SELECT bgbb_fit(0, 2, 6);
\echo :LAST_ERROR_SQLSTATE
SELECT p_alive(ROW(0.5, -1, 0.5, 1, NULL, NULL, NULL, NULL)::pnbd_model, 1, 1, 2);
\echo :LAST_ERROR_SQLSTATE
SELECT p_alive(ROW(0.5, NULL, 0.5, 1, NULL, NULL, NULL, NULL)::mbgnbd_model, 1, 1, 2);
\echo :LAST_ERROR_SQLSTATE
SELECT expected_purchases(ROW(0.5, 1, 0.5, 1, NULL, NULL, NULL, NULL)::pnbd_model, -1);
\echo :LAST_ERROR_SQLSTATE
SELECT expected_purchases(ROW(1, 1, 1, 1, NULL, NULL, NULL, NULL)::bgbb_model, -1, 0, 0, 6);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM confint(ROW(0.5, 1, 0.5, 1, NULL, NULL, NULL, NULL)::pnbd_model, 1.5);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM confint(ROW(0.5, 1, 0.5, 1, NULL, NULL, NULL, '{1,2}')::pnbd_model);
\echo :LAST_ERROR_SQLSTATE
SELECT clv(ROW(0.5, 1, 0.5, 1, NULL, NULL, NULL, NULL)::pnbd_model,
           ROW(6.25, 3.74, 15.44, NULL, NULL, NULL, NULL)::gammagamma_model, 1, 1, 2, 10, -1, 0.01);
\echo :LAST_ERROR_SQLSTATE
SELECT purchase_probability(ROW(0.5, 1, 0.5, 1, NULL, NULL, NULL, NULL)::pnbd_model, -1, 3);
\echo :LAST_ERROR_SQLSTATE
-- 22003 where the Pareto/NBD likelihood cannot be computed (beta / alpha beyond float8)
SELECT p_alive(ROW(0.5, 1e-300, 0.5, 1e300, NULL, NULL, NULL, NULL)::pnbd_model, 0, 0, 1);
\echo :LAST_ERROR_SQLSTATE
-- a boundary: no repeat purchases at all gives converged = false and a WARNING
SELECT (m).converged FROM (SELECT pnbd_fit(0, 0, t) AS m FROM generate_series(1, 50) t) x;
SELECT (m).converged FROM (SELECT mbgnbd_fit(0, 0, t) AS m FROM generate_series(1, 50) t) x;

-- a model stored by release 0.1 (in a table and a materialized view) reads after
-- ALTER EXTENSION UPDATE, with a NULL covariance and so NULL intervals
SELECT current_database() AS regression_db \gset
CREATE DATABASE btyd_family_upgrade;
\c btyd_family_upgrade
SET client_min_messages = warning;
CREATE EXTENSION retention VERSION '0.1';
CREATE TABLE stored AS
SELECT retention.bgnbd_fit(frequency, recency, tenure) AS bg,
       retention.gammagamma_fit(frequency, monetary_value) AS gg
FROM retention.btyd_simulate(2000, 0.25, 30, 0.8, 2.5, 30, 400, seed => 3);
CREATE MATERIALIZED VIEW stored_view AS SELECT * FROM stored;
CREATE TEMP TABLE before AS
SELECT retention.p_alive(bg, 2, 50, 300) AS alive, retention.expected_spend(gg, 2, 20) AS spend FROM stored;
ALTER EXTENSION retention UPDATE;
SELECT (bg).covariance IS NULL AS bg_cov_null, (gg).covariance IS NULL AS gg_cov_null,
       retention.p_alive(bg, 2, 50, 300) = (SELECT alive FROM before) AS same_alive,
       retention.expected_spend(gg, 2, 20) = (SELECT spend FROM before) AS same_spend
FROM stored_view;
SELECT parameter, estimate IS NOT NULL AS has_estimate, std_error, lower, upper
FROM stored, retention.confint(bg);
REFRESH MATERIALIZED VIEW stored_view;
SELECT (bg).covariance IS NULL AS still_null FROM stored_view;
-- a new fit stores it
SELECT array_dims((retention.bgnbd_fit(frequency, recency, tenure)).covariance)
FROM retention.btyd_simulate(2000, 0.25, 30, 0.8, 2.5, 30, 400, seed => 3);
\c :regression_db
DROP DATABASE btyd_family_upgrade;
SET client_min_messages = warning;
DROP SCHEMA btyd_family CASCADE;
