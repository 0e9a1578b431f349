-- retention 0.1 -> 0.2.  CREATE EXTENSION retention installs 0.1 and runs
-- this script after it, so this file is the only place where 0.2 changes
-- the SQL surface; ALTER EXTENSION retention UPDATE runs it on a 0.1
-- database.  Sections are in area order.

-- complain if script is sourced in psql, rather than through CREATE EXTENSION
\echo Use "ALTER EXTENSION retention UPDATE" to load this file. \quit

-- ==== The BTYD model family (SPEC §9) ====
-- (src/pnbd.c, src/mbgnbd.c, src/bgbb.c, src/btyd_model.c, src/holdout.c)

-- Every fit stores the covariance of its estimates; models stored by 0.1
-- read with a NULL covariance.
ALTER TYPE bgnbd_model ADD ATTRIBUTE covariance float8[];
ALTER TYPE gammagamma_model ADD ATTRIBUTE covariance float8[];
COMMENT ON COLUMN bgnbd_model.covariance IS
    'covariance of (r, alpha, a, b): inverse Hessian of -log-likelihood at the estimates; NULL for models fitted by 0.1';
COMMENT ON COLUMN gammagamma_model.covariance IS
    'covariance of (p, q, v): inverse Hessian of -log-likelihood at the estimates; NULL for models fitted by 0.1';

COMMENT ON TYPE btyd_histogram IS
    'transition state of the BTYD fits: each distinct customer summary with its count; text form "v1 kind=bgnbd|gammagamma|pnbd|mbgnbd|bgbb penalizer=0 points=x:u:v:count,..."';

-- Pareto/NBD
CREATE TYPE pnbd_model AS (
    r float8,
    alpha float8,
    s float8,
    beta float8,
    log_likelihood float8,
    customers bigint,
    converged boolean,
    covariance float8[]
);
COMMENT ON TYPE pnbd_model IS
    'a fitted Pareto/NBD model: purchase rate ~ Gamma(shape r, rate alpha), dropout rate ~ Gamma(shape s, rate beta); total log-likelihood, customers, convergence, covariance of the estimates';

CREATE FUNCTION pnbd_fit_transfn(btyd_histogram, int, float8, float8) RETURNS btyd_histogram
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION pnbd_fit_transfn(btyd_histogram, int, float8, float8, float8) RETURNS btyd_histogram
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION pnbd_fit_finalfn(btyd_histogram) RETURNS pnbd_model
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE pnbd_fit(frequency int, recency float8, tenure float8) (
    SFUNC = pnbd_fit_transfn,
    STYPE = btyd_histogram,
    COMBINEFUNC = btyd_histogram_combinefn,
    FINALFUNC = pnbd_fit_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE pnbd_fit(int, float8, float8) IS
    'maximum-likelihood Pareto/NBD fit of (frequency, recency, tenure), times in any one unit';

CREATE AGGREGATE pnbd_fit(frequency int, recency float8, tenure float8, penalizer float8) (
    SFUNC = pnbd_fit_transfn,
    STYPE = btyd_histogram,
    COMBINEFUNC = btyd_histogram_combinefn,
    FINALFUNC = pnbd_fit_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE pnbd_fit(int, float8, float8, float8) IS
    'Pareto/NBD fit minimising -(mean log-likelihood) + penalizer * (r^2 + (alpha / max tenure)^2 + s^2 + (beta / max tenure)^2)';

CREATE FUNCTION p_alive(model pnbd_model, frequency int, recency float8, tenure float8)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'pnbd_p_alive' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION p_alive(pnbd_model, int, float8, float8) IS
    'probability that the customer is still active at the end of observation (Pareto/NBD)';

CREATE FUNCTION expected_purchases(model pnbd_model, t float8, frequency int, recency float8,
                                   tenure float8)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'pnbd_expected_purchases_customer' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION expected_purchases(pnbd_model, float8, int, float8, float8) IS
    'expected purchases of the customer in the next t time units (Pareto/NBD)';

CREATE FUNCTION expected_purchases(model pnbd_model, t float8) RETURNS float8
    AS 'MODULE_PATHNAME', 'pnbd_expected_purchases_new' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION expected_purchases(pnbd_model, float8) IS
    'expected repeat purchases of a new customer in its first t time units (Pareto/NBD)';

CREATE FUNCTION clv(purchases pnbd_model, spend gammagamma_model, frequency int, recency float8,
                    tenure float8, monetary_value float8, months int,
                    monthly_discount_rate float8)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'pnbd_clv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv(pnbd_model, gammagamma_model, int, float8, float8, float8, int, float8) IS
    'discounted expected spend over the next months with Pareto/NBD purchases (30-day months, times in days)';

CREATE FUNCTION pnbd_log_likelihood(r float8, alpha float8, s float8, beta float8,
                                    frequency int, recency float8, tenure float8)
    RETURNS float8
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION pnbd_log_likelihood(float8, float8, float8, float8, int, float8, float8) IS
    'log-likelihood of one customer under Pareto/NBD parameters (pnbd_fit maximises its sum)';

CREATE FUNCTION pnbd_log_likelihood_gradient(r float8, alpha float8, s float8, beta float8,
                                             frequency int, recency float8, tenure float8)
    RETURNS float8[]
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION pnbd_log_likelihood_gradient(float8, float8, float8, float8, int, float8, float8) IS
    'partial derivatives of pnbd_log_likelihood with respect to r, alpha, s and beta';

-- confint: Wald intervals from the stored covariance, one C function for every model type
CREATE FUNCTION confint(model bgnbd_model, level float8 DEFAULT 0.95)
    RETURNS TABLE (parameter text, estimate float8, std_error float8, lower float8, upper float8)
    AS 'MODULE_PATHNAME', 'btyd_confint' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 4;
COMMENT ON FUNCTION confint(bgnbd_model, float8) IS
    'per parameter: estimate, standard error and Wald interval estimate +- z * std_error at the level (NULL std_error for models without covariance)';
CREATE FUNCTION confint(model gammagamma_model, level float8 DEFAULT 0.95)
    RETURNS TABLE (parameter text, estimate float8, std_error float8, lower float8, upper float8)
    AS 'MODULE_PATHNAME', 'btyd_confint' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 3;
COMMENT ON FUNCTION confint(gammagamma_model, float8) IS
    'per parameter: estimate, standard error and Wald interval estimate +- z * std_error at the level (NULL std_error for models without covariance)';
CREATE FUNCTION confint(model pnbd_model, level float8 DEFAULT 0.95)
    RETURNS TABLE (parameter text, estimate float8, std_error float8, lower float8, upper float8)
    AS 'MODULE_PATHNAME', 'btyd_confint' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 4;
COMMENT ON FUNCTION confint(pnbd_model, float8) IS
    'per parameter: estimate, standard error and Wald interval estimate +- z * std_error at the level (NULL std_error without covariance)';

-- MBG/NBD
CREATE TYPE mbgnbd_model AS (
    r float8,
    alpha float8,
    a float8,
    b float8,
    log_likelihood float8,
    customers bigint,
    converged boolean,
    covariance float8[]
);
COMMENT ON TYPE mbgnbd_model IS
    'a fitted MBG/NBD model: purchase rate ~ Gamma(shape r, rate alpha), dropout probability at the first and every repeat purchase ~ Beta(a, b); total log-likelihood, customers, convergence, covariance of the estimates';

CREATE FUNCTION mbgnbd_fit_transfn(btyd_histogram, int, float8, float8) RETURNS btyd_histogram
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION mbgnbd_fit_transfn(btyd_histogram, int, float8, float8, float8) RETURNS btyd_histogram
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION mbgnbd_fit_finalfn(btyd_histogram) RETURNS mbgnbd_model
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE mbgnbd_fit(frequency int, recency float8, tenure float8) (
    SFUNC = mbgnbd_fit_transfn,
    STYPE = btyd_histogram,
    COMBINEFUNC = btyd_histogram_combinefn,
    FINALFUNC = mbgnbd_fit_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE mbgnbd_fit(int, float8, float8) IS
    'maximum-likelihood MBG/NBD fit of (frequency, recency, tenure), times in any one unit';

CREATE AGGREGATE mbgnbd_fit(frequency int, recency float8, tenure float8, penalizer float8) (
    SFUNC = mbgnbd_fit_transfn,
    STYPE = btyd_histogram,
    COMBINEFUNC = btyd_histogram_combinefn,
    FINALFUNC = mbgnbd_fit_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE mbgnbd_fit(int, float8, float8, float8) IS
    'MBG/NBD fit minimising -(mean log-likelihood) + penalizer * (r^2 + (alpha / max tenure)^2 + a^2 + b^2)';

CREATE FUNCTION p_alive(model mbgnbd_model, frequency int, recency float8, tenure float8)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'mbgnbd_p_alive' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION p_alive(mbgnbd_model, int, float8, float8) IS
    'probability that the customer is still active at the end of observation (MBG/NBD: below 1 even without repeat purchases)';

CREATE FUNCTION expected_purchases(model mbgnbd_model, t float8, frequency int, recency float8,
                                   tenure float8)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'mbgnbd_expected_purchases_customer' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION expected_purchases(mbgnbd_model, float8, int, float8, float8) IS
    'expected purchases of the customer in the next t time units (MBG/NBD)';

CREATE FUNCTION expected_purchases(model mbgnbd_model, t float8) RETURNS float8
    AS 'MODULE_PATHNAME', 'mbgnbd_expected_purchases_new' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION expected_purchases(mbgnbd_model, float8) IS
    'expected repeat purchases of a new customer in its first t time units (MBG/NBD)';

CREATE FUNCTION clv(purchases mbgnbd_model, spend gammagamma_model, frequency int, recency float8,
                    tenure float8, monetary_value float8, months int,
                    monthly_discount_rate float8)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'mbgnbd_clv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv(mbgnbd_model, gammagamma_model, int, float8, float8, float8, int, float8) IS
    'discounted expected spend over the next months with MBG/NBD purchases (30-day months, times in days)';

CREATE FUNCTION confint(model mbgnbd_model, level float8 DEFAULT 0.95)
    RETURNS TABLE (parameter text, estimate float8, std_error float8, lower float8, upper float8)
    AS 'MODULE_PATHNAME', 'btyd_confint' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 4;
COMMENT ON FUNCTION confint(mbgnbd_model, float8) IS
    'per parameter: estimate, standard error and Wald interval estimate +- z * std_error at the level (NULL std_error without covariance)';

-- BG/BB
CREATE TYPE bgbb_model AS (
    alpha float8,
    beta float8,
    gamma float8,
    delta float8,
    log_likelihood float8,
    customers bigint,
    converged boolean,
    covariance float8[]
);
COMMENT ON TYPE bgbb_model IS
    'a fitted BG/BB model: purchase probability per opportunity ~ Beta(alpha, beta), dropout probability per opportunity ~ Beta(gamma, delta); total log-likelihood, customers, convergence, covariance of the estimates';

CREATE FUNCTION bgbb_fit_transfn(btyd_histogram, int, int, int) RETURNS btyd_histogram
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION bgbb_fit_transfn(btyd_histogram, int, int, int, float8) RETURNS btyd_histogram
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION bgbb_fit_finalfn(btyd_histogram) RETURNS bgbb_model
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE bgbb_fit(frequency int, recency int, opportunities int) (
    SFUNC = bgbb_fit_transfn,
    STYPE = btyd_histogram,
    COMBINEFUNC = btyd_histogram_combinefn,
    FINALFUNC = bgbb_fit_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE bgbb_fit(int, int, int) IS
    'maximum-likelihood BG/BB fit of (frequency = opportunities with a purchase, recency = the last such opportunity, 0 if none, opportunities)';

CREATE AGGREGATE bgbb_fit(frequency int, recency int, opportunities int, penalizer float8) (
    SFUNC = bgbb_fit_transfn,
    STYPE = btyd_histogram,
    COMBINEFUNC = btyd_histogram_combinefn,
    FINALFUNC = bgbb_fit_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE bgbb_fit(int, int, int, float8) IS
    'BG/BB fit minimising -(mean log-likelihood) + penalizer * (alpha^2 + beta^2 + gamma^2 + delta^2)';

CREATE FUNCTION p_alive(model bgbb_model, frequency int, recency int, opportunities int)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'bgbb_p_alive' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION p_alive(bgbb_model, int, int, int) IS
    'probability that the customer is alive at the next opportunity (BG/BB)';

CREATE FUNCTION expected_purchases(model bgbb_model, future_opportunities int, frequency int,
                                   recency int, opportunities int)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'bgbb_expected_purchases_customer' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION expected_purchases(bgbb_model, int, int, int, int) IS
    'expected purchases of the customer in the next future_opportunities opportunities (BG/BB)';

CREATE FUNCTION bgbb_log_likelihood(alpha float8, beta float8, gamma float8, delta float8,
                                    frequency int, recency int, opportunities int)
    RETURNS float8
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION bgbb_log_likelihood(float8, float8, float8, float8, int, int, int) IS
    'log-likelihood of one customer under BG/BB parameters (bgbb_fit maximises its sum)';

CREATE FUNCTION confint(model bgbb_model, level float8 DEFAULT 0.95)
    RETURNS TABLE (parameter text, estimate float8, std_error float8, lower float8, upper float8)
    AS 'MODULE_PATHNAME', 'btyd_confint' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 4;
COMMENT ON FUNCTION confint(bgbb_model, float8) IS
    'per parameter: estimate, standard error and Wald interval estimate +- z * std_error at the level (NULL std_error without covariance)';

CREATE FUNCTION mbgnbd_log_likelihood(r float8, alpha float8, a float8, b float8,
                                      frequency int, recency float8, tenure float8)
    RETURNS float8
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mbgnbd_log_likelihood(float8, float8, float8, float8, int, float8, float8) IS
    'log-likelihood of one customer under MBG/NBD parameters (mbgnbd_fit maximises its sum)';

-- purchase_probability: the distribution of a new customer's repeat purchases
CREATE FUNCTION purchase_probability(model bgnbd_model, k int, t float8) RETURNS float8
    AS 'MODULE_PATHNAME', 'bgnbd_purchase_probability' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION purchase_probability(bgnbd_model, int, float8) IS
    'probability that a new customer makes exactly k repeat purchases in (0, t] (BG/NBD)';
CREATE FUNCTION purchase_probability(model mbgnbd_model, k int, t float8) RETURNS float8
    AS 'MODULE_PATHNAME', 'mbgnbd_purchase_probability' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION purchase_probability(mbgnbd_model, int, float8) IS
    'probability that a new customer makes exactly k repeat purchases in (0, t] (MBG/NBD)';
CREATE FUNCTION purchase_probability(model pnbd_model, k int, t float8) RETURNS float8
    AS 'MODULE_PATHNAME', 'pnbd_purchase_probability' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION purchase_probability(pnbd_model, int, float8) IS
    'probability that a new customer makes exactly k repeat purchases in (0, t] (Pareto/NBD)';
