-- Predictive CLV: BG/NBD and Gamma-Gamma fits, scores, the histogram state, errors.
SET search_path = public, retention;
SET extra_float_digits = 0;

-- One customer's BG/NBD log-likelihood at r = alpha = a = b = 1, by hand:
--   x = 0, T = 1:  ln[(1 + 1)^-1] = -ln 2 = -0.693147180560
--   x = 1, t_x = 1, T = 2:  B(1, 2)/B(1, 1) * Γ(2)/Γ(1) * 1
--     * [(1 + 2)^-2 + 1/(1 + 1 - 1) * (1 + 1)^-2] = 1/2 * (1/9 + 1/4) = 13/72
--     ln(13/72) = -1.711716761555
--   x = 2, t_x = 3, T = 4, r = 2, alpha = 1, a = 1, b = 2:
--     B(1, 4)/B(1, 2) = (1/4)/(1/2) = 1/2; Γ(4)/Γ(2) = 6; 1^2 = 1
--     bracket: 5^-4 + 1/(2 + 2 - 1) * 4^-4 = 1/625 + 1/768
--     ln(1/2 * 6 * (1/625 + 1/768)) = ln(0.00870625) = -4.743714120436
SELECT round(bgnbd_log_likelihood(1, 1, 1, 1, 0, 0, 1)::numeric, 12) AS x0,
       round(ln(2)::numeric, 12) AS minus_expected_x0,
       round(bgnbd_log_likelihood(1, 1, 1, 1, 1, 1, 2)::numeric, 12) AS x1,
       round(ln(13.0 / 72)::numeric, 12) AS expected_x1,
       round(bgnbd_log_likelihood(2, 1, 1, 2, 2, 3, 4)::numeric, 12) AS x2,
       round(ln(3 * (1.0 / 625 + 1.0 / 768))::numeric, 12) AS expected_x2;

-- Gamma-Gamma, p = q = v = 1, x = 1, m = 1:
--   Γ(2)/(Γ(1)Γ(1)) * 1^1 * 1^0 * 1^1 / (1 + 1)^2 = 1/4
-- and p = 2, q = 3, v = 4, x = 2, m = 5:
--   Γ(7)/(Γ(4)Γ(3)) * 4^3 * 5^3 * 2^4 / (4 + 10)^7 = 60 * 64 * 125 * 16 / 14^7
SELECT round(gammagamma_log_likelihood(1, 1, 1, 1, 1)::numeric, 12) AS gg1,
       round(ln(0.25)::numeric, 12) AS expected_gg1,
       round(gammagamma_log_likelihood(2, 3, 4, 2, 5)::numeric, 12) AS gg2,
       round(ln(60.0 * 64 * 125 * 16 / 14 ^ 7)::numeric, 12) AS expected_gg2;

-- Gradients at the same points (d/dr, d/dalpha, d/da, d/db): for x = 0, T = 1 at 1, 1, 1, 1
-- LL = lnΓ(r) - lnΓ(r) + r ln α - r ln(α + T): d/dr = ln α - ln(α + 1) = -ln 2,
-- d/dα = r/α - r/(α + 1) = 1/2, d/da = d/db = 0 (B(a, b)/B(a, b)).
SELECT array(SELECT round(g::numeric, 12) FROM unnest(bgnbd_log_likelihood_gradient(1, 1, 1, 1, 0, 0, 1)) g)
    AS gradient_x0;

-- P(alive): x = 0 is alive; x = 1, t_x = 1, T = 2 at 1, 1, 1, 1: 1 / (1 + 1/1 * (3/2)^2) = 4/13
-- expected_spend at p = 2, q = 3, v = 4: x = 2, m = 5: 2 * (4 + 10) / (4 + 3 - 1) = 4.6667;
-- x = 0: the population mean p v / (q - 1) = 4.
SELECT p_alive(m, 0, 0, 10) AS alive_x0,
       round(p_alive(m, 1, 1, 2)::numeric, 12) AS alive_x1, round(4 / 13.0, 12) AS expected,
       round(expected_spend(g, 2, 5)::numeric, 12) AS spend_x2,
       expected_spend(g, 0, 0) AS spend_x0,
       expected_spend(g, 0, 123) AS spend_x0_ignores_m
FROM (SELECT ROW(1, 1, 1, 1, NULL, NULL, NULL, NULL)::bgnbd_model AS m,
             ROW(2, 3, 4, NULL, NULL, NULL, NULL)::gammagamma_model AS g) x;

-- E[purchases] at t = 0 is 0; for a new customer it equals the conditional
-- expectation with x = 0 at T = 0 (its values against FHL's eq. 7 are in
-- test/pgtap/btyd_reference.sql); a = 1 exactly (the 0/0 of the textbook
-- form) lies between a = 1 - 1e-9 and a = 1 + 1e-9.
SELECT expected_purchases(m, 0) AS at_zero,
       expected_purchases(m, 0, 3, 5, 9) AS at_zero_customer,
       expected_purchases(m, 52) = expected_purchases(m, 52, 0, 0, 0) AS new_is_x0_at_T0
FROM (SELECT ROW(0.243, 4.414, 0.793, 2.426, NULL, NULL, NULL, NULL)::bgnbd_model AS m) x;
SELECT round(expected_purchases(ROW(0.5, 10, 1 - 1e-9, 3, NULL, NULL, NULL, NULL)::bgnbd_model, 39, 2, 30, 39)::numeric, 7) AS below,
       round(expected_purchases(ROW(0.5, 10, 1, 3, NULL, NULL, NULL, NULL)::bgnbd_model, 39, 2, 30, 39)::numeric, 7) AS at_one,
       round(expected_purchases(ROW(0.5, 10, 1 + 1e-9, 3, NULL, NULL, NULL, NULL)::bgnbd_model, 39, 2, 30, 39)::numeric, 7) AS above;

-- Fits: NULL rows are skipped; empty and NULL-only input give NULL.
CREATE TABLE customers (id int, frequency int, recency float8, tenure float8, monetary_value float8);
INSERT INTO customers VALUES
    (1, 0, 0, 30, 0), (2, 1, 10, 30, 5), (3, 3, 25, 30, 60), (4, 0, 0, 20, 0),
    (5, 2, 5, 20, 8), (6, 5, 18, 20, 150), (7, 1, 1, 10, 3), (8, 0, 0, 10, 0),
    (9, NULL, 3, 10, 1), (10, 1, NULL, 10, 40), (11, 1, 2, NULL, NULL), (12, 4, 9, 12, 0);
SELECT bgnbd_fit(frequency, recency, tenure) IS NULL AS empty,
       gammagamma_fit(frequency, monetary_value) IS NULL AS gg_empty
FROM customers WHERE false;
SELECT bgnbd_fit(frequency, recency, tenure) IS NULL AS all_null
FROM customers WHERE frequency IS NULL;
-- Gamma-Gamma skips frequency 0 and monetary value 0: customers 2, 3, 5, 6, 7, 10 enter
SELECT (gammagamma_fit(frequency, monetary_value)).customers AS gg_customers,
       gammagamma_fit(frequency, monetary_value) IS NULL AS none
FROM customers WHERE monetary_value = 0;
-- (the WARNINGs' details name the parameter that ran off and where the optimizer left it,
-- which depends on the last digits of the arithmetic: only their messages are shown)
\set VERBOSITY terse
SELECT (gammagamma_fit(frequency, monetary_value)).customers AS gg_customers,
       (gammagamma_fit(frequency, monetary_value)).converged AS gg_converged FROM customers;

-- Six customers cannot identify a Gamma-Gamma model (p runs off), nine can fit a BG/NBD
-- model; a fit's log-likelihood is the sum of the customers' at its estimates, and its
-- gradient there vanishes.
CREATE TABLE fit AS
SELECT (SELECT bgnbd_fit(frequency, recency, tenure) FROM customers) AS m,
       gammagamma_fit(frequency, monetary_value) AS g
FROM btyd_simulate(500, 1, 1, 1, 1, 10, 10, 6, 4, 15, 3);
\set VERBOSITY default
SELECT (m).customers, (m).converged, (g).customers AS gg_customers, (g).converged AS gg_converged FROM fit;
SELECT abs(sum(bgnbd_log_likelihood((m).r, (m).alpha, (m).a, (m).b, frequency, recency, tenure))
           - (m).log_likelihood) < 1e-10 AS ll_is_sum
FROM customers, fit
WHERE frequency IS NOT NULL AND recency IS NOT NULL AND tenure IS NOT NULL
GROUP BY m;
SELECT abs(sum(gammagamma_log_likelihood((g).p, (g).q, (g).v, frequency, monetary_value))
           - (g).log_likelihood) < 1e-9 AS gg_ll_is_sum
FROM btyd_simulate(500, 1, 1, 1, 1, 10, 10, 6, 4, 15, 3), fit
WHERE frequency > 0
GROUP BY g;
SELECT k, abs(sum(p * (bgnbd_log_likelihood_gradient((m).r, (m).alpha, (m).a, (m).b, frequency, recency, tenure))[k]))
          / count(*) < 1e-7 AS stationary
FROM customers, fit, LATERAL (VALUES (1, (m).r), (2, (m).alpha), (3, (m).a), (4, (m).b)) v(k, p)
WHERE frequency IS NOT NULL AND recency IS NOT NULL AND tenure IS NOT NULL
GROUP BY k, m ORDER BY k;

-- No repeat purchases at all: the dropout is not identified, reported as a WARNING
-- and converged = false.
\set VERBOSITY terse
SELECT (m).converged, (m).customers
FROM (SELECT bgnbd_fit(0, 0, t) AS m FROM generate_series(1, 50) t) x;
-- An empty histogram fits to NULL.
SELECT bgnbd_fit_finalfn('v1 kind=bgnbd penalizer=0 points=') IS NULL AS empty_bgnbd,
       gammagamma_fit_finalfn('v1 kind=gammagamma penalizer=0 points=') IS NULL AS empty_gg;

-- Too little heterogeneity in dropout: a and b run off to infinity with a/(a + b) fixed
SELECT (bgnbd_fit_finalfn('v1 kind=bgnbd penalizer=0 points=0:0:30:2,1:10:30:1,3:25:30:1,0:0:20:1,2:5:20:1,5:18:20:1,1:1:10:1,0:0:10:1,4:9:12:1'::btyd_histogram)).converged;
\set VERBOSITY default

-- The histogram state: text form (canonical order, duplicates merged), the fits of it
SELECT 'v1 kind=bgnbd penalizer=0 points=1:2:10:1,0:0:10:3,1:2:10:2'::btyd_histogram;
SELECT '  v1 kind=gammagamma penalizer=0 points=2:12.5:0:1 '::btyd_histogram;
SELECT 'v1 kind=bgnbd penalizer=0.25 points='::btyd_histogram;
SELECT 'v1 kind=bgnbd penalizer=0 points=0:0:1e-300:1,3:0.1:0.30000000000000004:9223372036854775807'::btyd_histogram;
SELECT 'v1 kind=bgnbd penalizer=0 points=1:8.69169475979376e-310:10:3'::btyd_histogram; -- subnormal
SELECT h::text::btyd_histogram::text = h::text AS round_trip
FROM (SELECT 'v1 kind=bgnbd penalizer=0 points=0:0:38.857142857142854:3,2:30.428571428571427:38.857142857142854:1'::btyd_histogram AS h) x;
SELECT (bgnbd_fit_finalfn('v1 kind=bgnbd penalizer=0 points=0:0:30:1,1:10:30:1,3:25:30:1,0:0:20:1,2:5:20:1,5:18:20:1,1:1:10:1,0:0:10:1,4:9:12:1'::btyd_histogram)).log_likelihood
     = (m).log_likelihood AS same_as_aggregate
FROM fit;

-- binary form: send, then receive, through a binary COPY file on the server
\set SHOW_CONTEXT never
CREATE FUNCTION pg_temp.binary_copy(source text, target text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    file text := current_setting('data_directory') || '/retention_btyd.bin';
BEGIN
    EXECUTE format('COPY (%s) TO %L (FORMAT binary)', source, file);
    EXECUTE format('COPY %I FROM %L (FORMAT binary)', target, file);
END $$;
CREATE TABLE histogram_copy (h btyd_histogram);
SELECT pg_temp.binary_copy($$SELECT 'v1 kind=bgnbd penalizer=0.5 points=0:0:7:2,1:3.5:7:1'::btyd_histogram$$, 'histogram_copy');
SELECT * FROM histogram_copy;
SELECT btyd_histogram_send(h) FROM histogram_copy;

-- clv: 12 months of 30 days, discounted monthly, equals the sum written out in SQL
SELECT round(clv(m, g, 3, 100, 200, 25, 12, 0.01)::numeric, 9) AS clv,
       round((SELECT sum(expected_spend(g, 3, 25)
                         * (expected_purchases(m, 30 * i, 3, 100, 200) - expected_purchases(m, 30 * (i - 1), 3, 100, 200))
                         / 1.01 ^ i)
              FROM generate_series(1, 12) i)::numeric, 9) AS written_out,
       clv(m, g, 3, 100, 200, 25, 0, 0.01) AS zero_months
FROM (SELECT ROW(0.243, 4.414 * 7, 0.793, 2.426, NULL, NULL, NULL, NULL)::bgnbd_model AS m,
             ROW(6.25, 3.74, 15.44, NULL, NULL, NULL, NULL)::gammagamma_model AS g) x;

-- Errors: each shows its message, then its SQLSTATE.
SELECT bgnbd_fit(f, r, t) FROM (VALUES (-1, 0.0, 5.0)) v(f, r, t);
\echo :LAST_ERROR_SQLSTATE
SELECT bgnbd_fit(f, r, t) FROM (VALUES (2, 6.0, 5.0)) v(f, r, t);
\echo :LAST_ERROR_SQLSTATE
SELECT bgnbd_fit(f, r, t) FROM (VALUES (2, -1.0, 5.0)) v(f, r, t);
\echo :LAST_ERROR_SQLSTATE
SELECT bgnbd_fit(f, r, t) FROM (VALUES (0, 2.0, 5.0)) v(f, r, t);
\echo :LAST_ERROR_SQLSTATE
SELECT bgnbd_fit(f, r, t) FROM (VALUES (1, 2.0, 'Infinity'::float8)) v(f, r, t);
\echo :LAST_ERROR_SQLSTATE
SELECT bgnbd_fit(f, r, t) FROM (VALUES (1, 'NaN'::float8, 5.0)) v(f, r, t);
\echo :LAST_ERROR_SQLSTATE
SELECT bgnbd_fit(f, r, t, p) FROM (VALUES (1, 2.0, 5.0, -0.1)) v(f, r, t, p);
\echo :LAST_ERROR_SQLSTATE
SELECT bgnbd_fit(f, r, t, p) FROM (VALUES (1, 2.0, 5.0, 0.1), (1, 2.0, 5.0, 0.2)) v(f, r, t, p);
\echo :LAST_ERROR_SQLSTATE
SELECT gammagamma_fit(f, m) FROM (VALUES (-2, 10.0)) v(f, m);
\echo :LAST_ERROR_SQLSTATE
-- a negative monetary value is skipped (no customer left: NULL); NaN is an error
SELECT gammagamma_fit(f, m) FROM (VALUES (2, -10.0)) v(f, m);
SELECT gammagamma_fit(f, m) FROM (VALUES (2, 'NaN'::float8)) v(f, m);
\echo :LAST_ERROR_SQLSTATE
SELECT p_alive(ROW(0, 1, 1, 1, NULL, NULL, NULL, NULL)::bgnbd_model, 1, 1, 2);
\echo :LAST_ERROR_SQLSTATE
SELECT p_alive(ROW(1, 1, 1, NULL, NULL, NULL, NULL, NULL)::bgnbd_model, 1, 1, 2);
\echo :LAST_ERROR_SQLSTATE
SELECT p_alive(ROW(1, 1, 1, 1, NULL, NULL, NULL, NULL)::bgnbd_model, 1, 3, 2);
\echo :LAST_ERROR_SQLSTATE
SELECT expected_purchases(ROW(1, 1, 1, 1, NULL, NULL, NULL, NULL)::bgnbd_model, -1);
\echo :LAST_ERROR_SQLSTATE
SELECT expected_spend(ROW(1, 0.5, 1, NULL, NULL, NULL, NULL)::gammagamma_model, 0, 0);
\echo :LAST_ERROR_SQLSTATE
SELECT expected_spend(ROW(1, 1, -1, NULL, NULL, NULL, NULL)::gammagamma_model, 1, 10);
\echo :LAST_ERROR_SQLSTATE
SELECT clv(ROW(1, 1, 1, 1, NULL, NULL, NULL, NULL)::bgnbd_model, ROW(1, 2, 1, NULL, NULL, NULL, NULL)::gammagamma_model, 1, 1, 2, 10, -1, 0.01);
\echo :LAST_ERROR_SQLSTATE
SELECT clv(ROW(1, 1, 1, 1, NULL, NULL, NULL, NULL)::bgnbd_model, ROW(1, 2, 1, NULL, NULL, NULL, NULL)::gammagamma_model, 1, 1, 2, 10, 12, -0.01);
\echo :LAST_ERROR_SQLSTATE
SELECT gammagamma_log_likelihood(1, 1, 1, 0, 10);
\echo :LAST_ERROR_SQLSTATE
SELECT bgnbd_fit_finalfn('v1 kind=gammagamma penalizer=0 points=1:5:0:1');
\echo :LAST_ERROR_SQLSTATE
SELECT btyd_histogram_combinefn('v1 kind=bgnbd penalizer=0 points=0:0:1:1', 'v1 kind=gammagamma penalizer=0 points=1:1:0:1');
\echo :LAST_ERROR_SQLSTATE
SELECT gammagamma_fit_transfn('v1 kind=bgnbd penalizer=0 points=0:0:1:1', 1, 10);
\echo :LAST_ERROR_SQLSTATE
SELECT btyd_histogram_combinefn('v1 kind=bgnbd penalizer=0 points=0:0:1:1', 'v1 kind=bgnbd penalizer=0.5 points=0:0:1:1');
\echo :LAST_ERROR_SQLSTATE
SELECT btyd_histogram_combinefn('v1 kind=bgnbd penalizer=0 points=0:0:1:1', 'v1 kind=bgnbd penalizer=0 points=0:0:1:2,1:1:2:1');
SELECT hyp2f1(1, 1, -2, 0.5);
\echo :LAST_ERROR_SQLSTATE
SELECT hyp2f1(1, 1, 2, 1);
\echo :LAST_ERROR_SQLSTATE
SELECT ln_gamma(0);
\echo :LAST_ERROR_SQLSTATE
SELECT digamma(-1);
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM btyd_simulate(10, 1, 1, 1, 1, 5, 2);
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM btyd_simulate(2000000000, 1, 1, 1, 1, 5, 10);
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM btyd_simulate(10, 1e300, 1, 1, 1e300, 5, 10);
\echo :LAST_ERROR_SQLSTATE
SELECT clv(ROW(1, 1, 1, 1, NULL, NULL, NULL, NULL)::bgnbd_model, ROW(1, 2, 1, NULL, NULL, NULL, NULL)::gammagamma_model, 1, 1, 2, 10, 1201, 0.01);
\echo :LAST_ERROR_SQLSTATE

-- malformed text input
SELECT 'v1 kind=pareto penalizer=0 points='::btyd_histogram;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 kind=bgnbd penalizer=-1 points='::btyd_histogram;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 kind=bgnbd penalizer=0 points=1:5:4:1'::btyd_histogram;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 kind=bgnbd penalizer=0 points=0:1:4:1'::btyd_histogram;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 kind=bgnbd penalizer=0 points=1:1:4:0'::btyd_histogram;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 kind=bgnbd penalizer=0 points=1:1:4:1,'::btyd_histogram;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 kind=bgnbd penalizer=0 points=1:1:inf:1'::btyd_histogram;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 kind=bgnbd penalizer=0 points=1:1:1e400:1'::btyd_histogram;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 kind=bgnbd penalizer=0 points=1:1e-400:4:1'::btyd_histogram;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 kind=gammagamma penalizer=0 points=0:5:0:1'::btyd_histogram;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v2 kind=bgnbd penalizer=0 points='::btyd_histogram;
\echo :LAST_ERROR_SQLSTATE

-- malformed binary input (version 2; kind 9; a point with recency > tenure; truncated)
SELECT pg_temp.binary_copy($$SELECT '\x0201000000000000000000000000000000'::bytea$$, 'histogram_copy');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.binary_copy($$SELECT '\x0109000000000000000000000000000000'::bytea$$, 'histogram_copy');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.binary_copy($$SELECT '\x01010000000000000000000000000000000100000001401400000000000040100000000000000000000000000001'::bytea$$, 'histogram_copy');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.binary_copy($$SELECT '\x010100000000000000000000000000000001000000013ff000000000'::bytea$$, 'histogram_copy');
\echo :LAST_ERROR_SQLSTATE
