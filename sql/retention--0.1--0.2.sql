-- retention 0.1 -> 0.2.  CREATE EXTENSION retention installs 0.1 and runs
-- this script after it, so this file is the only place where 0.2 changes
-- the SQL surface; ALTER EXTENSION retention UPDATE runs it on a 0.1
-- database.  Sections are in area order.

-- complain if script is sourced in psql, rather than through CREATE EXTENSION
\echo Use "ALTER EXTENSION retention UPDATE" to load this file. \quit

-- ==== Subscription economics (SPEC §10) ====
-- src/sbg.c: the shifted-beta-geometric model; src/mrr.c: MRR movements.

CREATE TYPE sbg_model AS (
    alpha float8,
    beta float8,
    log_likelihood float8,
    customers bigint,
    converged boolean
);
COMMENT ON TYPE sbg_model IS
    'a fitted shifted-beta-geometric model: churn probability per period ~ Beta(alpha, beta) across customers; total log-likelihood at the estimates, customers fitted, and whether the fit converged';

CREATE FUNCTION sbg_fit_transfn(bigint[], int, boolean) RETURNS bigint[]
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION sbg_fit_combinefn(bigint[], bigint[]) RETURNS bigint[]
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION sbg_fit_finalfn(bigint[]) RETURNS sbg_model
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE sbg_fit(periods int, churned boolean) (
    SFUNC = sbg_fit_transfn,
    STYPE = bigint[],
    COMBINEFUNC = sbg_fit_combinefn,
    FINALFUNC = sbg_fit_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE sbg_fit(int, boolean) IS
    'maximum-likelihood shifted-beta-geometric fit: churned = true is a customer lost at the end of period "periods" (>= 1), false one still active after "periods" periods (>= 0)';

CREATE FUNCTION sbg_fit(survival) RETURNS sbg_model
    AS 'MODULE_PATHNAME', 'sbg_fit_survival' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sbg_fit(survival) IS
    'shifted-beta-geometric fit of a survival summary whose durations are whole numbers of periods';

CREATE FUNCTION sbg_curve(model sbg_model, periods int)
    RETURNS TABLE (period int, survival float8, retention_rate float8)
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION sbg_curve(sbg_model, int) IS
    'projected survival S(t) and retention rate r_t = (beta + t - 1) / (alpha + beta + t - 1) for t = 0 .. periods (r_0 is NULL)';

CREATE FUNCTION derl(model sbg_model, renewals int, discount_rate float8) RETURNS float8
    AS 'MODULE_PATHNAME', 'sbg_derl' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION derl(sbg_model, int, float8) IS
    'discounted expected residual lifetime, in payments, of a customer who has made "renewals" renewals (Fader & Hardie 2010)';

CREATE FUNCTION clv(model sbg_model, margin float8, discount_rate float8, renewals int DEFAULT 0)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'sbg_clv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv(sbg_model, float8, float8, int) IS
    'residual value of a subscriber: margin per period x derl(model, renewals, discount_rate)';

CREATE FUNCTION retention_elasticity(model sbg_model, discount_rate float8, renewals int DEFAULT 0)
    RETURNS float8
    AS 'MODULE_PATHNAME', 'sbg_retention_elasticity' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention_elasticity(sbg_model, float8, int) IS
    'elasticity of the residual value with respect to retention: +1 % on every future retention rate gives about +elasticity % residual value';
