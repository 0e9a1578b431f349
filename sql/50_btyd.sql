
-- ===================================================================
-- Predictive CLV: BG/NBD and Gamma-Gamma (src/btyd.c, src/btyd_histogram.c,
-- src/btyd_simulate.c, src/optimize.c, src/specfun.c)
-- ===================================================================

CREATE TYPE bgnbd_model AS (
    r float8,
    alpha float8,
    a float8,
    b float8,
    log_likelihood float8,
    customers bigint,
    converged boolean
);
COMMENT ON TYPE bgnbd_model IS
    'a fitted BG/NBD model: purchase rate ~ Gamma(shape r, rate alpha), dropout ~ Beta(a, b); total log-likelihood at the estimates, customers fitted, and whether the fit converged';

CREATE TYPE gammagamma_model AS (
    p float8,
    q float8,
    v float8,
    log_likelihood float8,
    customers bigint,
    converged boolean
);
COMMENT ON TYPE gammagamma_model IS
    'a fitted Gamma-Gamma spend model: spend per purchase ~ Gamma(shape p, rate nu), nu ~ Gamma(shape q, rate v); total log-likelihood, customers fitted (frequency > 0 and monetary_value > 0), convergence';

-- the transition state of the fits: a histogram of distinct customer summaries
CREATE TYPE btyd_histogram;

CREATE FUNCTION btyd_histogram_in(cstring) RETURNS btyd_histogram
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION btyd_histogram_out(btyd_histogram) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION btyd_histogram_recv(internal) RETURNS btyd_histogram
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION btyd_histogram_send(btyd_histogram) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE btyd_histogram (
    INPUT = btyd_histogram_in,
    OUTPUT = btyd_histogram_out,
    RECEIVE = btyd_histogram_recv,
    SEND = btyd_histogram_send,
    ALIGNMENT = double,
    STORAGE = extended
);
COMMENT ON TYPE btyd_histogram IS
    'transition state of bgnbd_fit and gammagamma_fit: each distinct customer summary with its count; text form "v1 kind=bgnbd penalizer=0 points=x:recency:tenure:count,..."';

CREATE FUNCTION bgnbd_fit_transfn(btyd_histogram, int, float8, float8) RETURNS btyd_histogram
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION bgnbd_fit_penalized_transfn(btyd_histogram, int, float8, float8, float8)
    RETURNS btyd_histogram
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION gammagamma_fit_transfn(btyd_histogram, int, float8) RETURNS btyd_histogram
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION btyd_histogram_combinefn(btyd_histogram, btyd_histogram) RETURNS btyd_histogram
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION bgnbd_fit_finalfn(btyd_histogram) RETURNS bgnbd_model
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION gammagamma_fit_finalfn(btyd_histogram) RETURNS gammagamma_model
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE bgnbd_fit(frequency int, recency float8, tenure float8) (
    SFUNC = bgnbd_fit_transfn,
    STYPE = btyd_histogram,
    COMBINEFUNC = btyd_histogram_combinefn,
    FINALFUNC = bgnbd_fit_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE bgnbd_fit(int, float8, float8) IS
    'maximum-likelihood BG/NBD fit of (frequency = repeat purchases, recency = first to last purchase, tenure = first purchase to the end of observation), times in any one unit';

CREATE AGGREGATE bgnbd_fit(frequency int, recency float8, tenure float8, penalizer float8) (
    SFUNC = bgnbd_fit_penalized_transfn,
    STYPE = btyd_histogram,
    COMBINEFUNC = btyd_histogram_combinefn,
    FINALFUNC = bgnbd_fit_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE bgnbd_fit(int, float8, float8, float8) IS
    'BG/NBD fit minimising -(mean log-likelihood) + penalizer * (r^2 + (alpha / max tenure)^2 + a^2 + b^2)';

CREATE AGGREGATE gammagamma_fit(frequency int, monetary_value float8) (
    SFUNC = gammagamma_fit_transfn,
    STYPE = btyd_histogram,
    COMBINEFUNC = btyd_histogram_combinefn,
    FINALFUNC = gammagamma_fit_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE gammagamma_fit(int, float8) IS
    'maximum-likelihood Gamma-Gamma fit of the average spend of repeat purchases; customers with frequency 0 or monetary_value 0 are skipped';

CREATE FUNCTION p_alive(model bgnbd_model, frequency int, recency float8, tenure float8)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'bgnbd_p_alive' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION p_alive(bgnbd_model, int, float8, float8) IS
    'probability that the customer is still active at the end of observation';

CREATE FUNCTION expected_purchases(model bgnbd_model, t float8, frequency int, recency float8,
                                   tenure float8)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'bgnbd_expected_purchases_customer' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION expected_purchases(bgnbd_model, float8, int, float8, float8) IS
    'expected purchases of the customer in the next t time units (the unit of the fit)';

CREATE FUNCTION expected_purchases(model bgnbd_model, t float8) RETURNS float8
    AS 'MODULE_PATHNAME', 'bgnbd_expected_purchases_new' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION expected_purchases(bgnbd_model, float8) IS
    'expected repeat purchases of a new customer in its first t time units';

CREATE FUNCTION expected_spend(model gammagamma_model, frequency int, monetary_value float8)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'gammagamma_expected_spend_customer' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION expected_spend(gammagamma_model, int, float8) IS
    'expected average spend per purchase of the customer, given its frequency and average spend';

CREATE FUNCTION clv(purchases bgnbd_model, spend gammagamma_model, frequency int, recency float8,
                    tenure float8, monetary_value float8, months int,
                    monthly_discount_rate float8)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'btyd_clv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv(bgnbd_model, gammagamma_model, int, float8, float8, float8, int, float8) IS
    'discounted expected spend over the next months (30-day months, times in days): sum over i of expected_spend * purchases in month i / (1 + rate)^i';

-- diagnostics: one customer's log-likelihood, as the fits compute it
CREATE FUNCTION bgnbd_log_likelihood(r float8, alpha float8, a float8, b float8,
                                     frequency int, recency float8, tenure float8)
    RETURNS float8
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION bgnbd_log_likelihood(float8, float8, float8, float8, int, float8, float8) IS
    'log-likelihood of one customer under BG/NBD parameters (bgnbd_fit maximises its sum)';

CREATE FUNCTION bgnbd_log_likelihood_gradient(r float8, alpha float8, a float8, b float8,
                                              frequency int, recency float8, tenure float8)
    RETURNS float8[]
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION bgnbd_log_likelihood_gradient(float8, float8, float8, float8, int, float8, float8) IS
    'partial derivatives of bgnbd_log_likelihood with respect to r, alpha, a and b';

CREATE FUNCTION gammagamma_log_likelihood(p float8, q float8, v float8, frequency int,
                                          monetary_value float8)
    RETURNS float8
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION gammagamma_log_likelihood(float8, float8, float8, int, float8) IS
    'log-likelihood of one customer''s average spend under Gamma-Gamma parameters (frequency > 0, monetary_value > 0)';

CREATE FUNCTION gammagamma_log_likelihood_gradient(p float8, q float8, v float8, frequency int,
                                                   monetary_value float8)
    RETURNS float8[]
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION gammagamma_log_likelihood_gradient(float8, float8, float8, int, float8) IS
    'partial derivatives of gammagamma_log_likelihood with respect to p, q and v';

CREATE FUNCTION btyd_simulate(customers bigint, r float8, alpha float8, a float8, b float8,
                              min_tenure float8, max_tenure float8,
                              p float8 DEFAULT 6, q float8 DEFAULT 4, v float8 DEFAULT 15,
                              seed bigint DEFAULT 0)
    RETURNS TABLE (customer_id bigint, frequency int, recency float8, tenure float8,
                   monetary_value float8)
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 1000;
COMMENT ON FUNCTION btyd_simulate(bigint, float8, float8, float8, float8, float8, float8, float8, float8, float8, bigint) IS
    'deterministic simulation of customers following the BG/NBD and Gamma-Gamma models exactly, tenures uniform in [min_tenure, max_tenure]';

-- special functions
CREATE FUNCTION ln_gamma(x float8) RETURNS float8
    AS 'MODULE_PATHNAME', 'sql_ln_gamma' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ln_gamma(float8) IS 'natural logarithm of the gamma function, x > 0';
CREATE FUNCTION digamma(x float8) RETURNS float8
    AS 'MODULE_PATHNAME', 'sql_digamma' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION digamma(float8) IS 'the digamma function (derivative of ln_gamma), x > 0';
CREATE FUNCTION ln_beta(a float8, b float8) RETURNS float8
    AS 'MODULE_PATHNAME', 'sql_ln_beta' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ln_beta(float8, float8) IS 'natural logarithm of the beta function, a, b > 0';
CREATE FUNCTION hyp2f1(a float8, b float8, c float8, z float8) RETURNS float8
    AS 'MODULE_PATHNAME', 'sql_hyp2f1' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION hyp2f1(float8, float8, float8, float8) IS
    'Gauss hypergeometric function 2F1(a, b; c; z) for -1 < z < 1';

CREATE FUNCTION bfgs_selftest(OUT problem text, OUT converged boolean, OUT iterations int,
                              OUT evaluations int, OUT distance float8)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION bfgs_selftest() IS
    'diagnostic: runs the fits'' BFGS minimiser on classic test problems (Rosenbrock, an ill-conditioned quadratic, a problem undefined beyond a barrier) and reports convergence and the distance from the known minimiser';
