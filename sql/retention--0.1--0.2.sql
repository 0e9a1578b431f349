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

CREATE TYPE mrr_summary;

CREATE FUNCTION mrr_summary_in(cstring) RETURNS mrr_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mrr_summary_out(mrr_summary) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mrr_summary_recv(internal) RETURNS mrr_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mrr_summary_send(mrr_summary) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE mrr_summary (
    INPUT = mrr_summary_in,
    OUTPUT = mrr_summary_out,
    RECEIVE = mrr_summary_recv,
    SEND = mrr_summary_send,
    ALIGNMENT = double,
    STORAGE = extended
);
COMMENT ON TYPE mrr_summary IS
    'each customer''s MRR as exact changes by day, with the first and last day of the data; text form "v1 ids=bigint first=YYYY-MM-DD last=YYYY-MM-DD customers=n changes=m id:day+amount,day-amount ..."';

CREATE FUNCTION mrr_agg_transfn(mrr_summary, bigint, date, date, numeric) RETURNS mrr_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION mrr_agg_transfn(mrr_summary, text, date, date, numeric) RETURNS mrr_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION mrr_agg_transfn(mrr_summary, uuid, date, date, numeric) RETURNS mrr_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION mrr_agg_transfn(mrr_summary, bigint, timestamptz, timestamptz, numeric)
    RETURNS mrr_summary
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION mrr_agg_transfn(mrr_summary, text, timestamptz, timestamptz, numeric)
    RETURNS mrr_summary
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION mrr_agg_transfn(mrr_summary, uuid, timestamptz, timestamptz, numeric)
    RETURNS mrr_summary
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION mrr_agg_combinefn(mrr_summary, mrr_summary) RETURNS mrr_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION mrr_agg_finalfn(mrr_summary) RETURNS mrr_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE mrr_agg(customer_id bigint, started date, ended date, mrr numeric) (
    SFUNC = mrr_agg_transfn, STYPE = mrr_summary, COMBINEFUNC = mrr_agg_combinefn,
    FINALFUNC = mrr_agg_finalfn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE mrr_agg(bigint, date, date, numeric) IS
    'MRR summary of subscription rows: the customer''s MRR on day d is the sum of mrr over its rows with started <= d < ended (ended NULL: open)';
CREATE AGGREGATE mrr_agg(customer_id text, started date, ended date, mrr numeric) (
    SFUNC = mrr_agg_transfn, STYPE = mrr_summary, COMBINEFUNC = mrr_agg_combinefn,
    FINALFUNC = mrr_agg_finalfn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE mrr_agg(text, date, date, numeric) IS
    'MRR summary of subscription rows with text customer ids';
CREATE AGGREGATE mrr_agg(customer_id uuid, started date, ended date, mrr numeric) (
    SFUNC = mrr_agg_transfn, STYPE = mrr_summary, COMBINEFUNC = mrr_agg_combinefn,
    FINALFUNC = mrr_agg_finalfn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE mrr_agg(uuid, date, date, numeric) IS
    'MRR summary of subscription rows with uuid customer ids';
CREATE AGGREGATE mrr_agg(customer_id bigint, started timestamptz, ended timestamptz, mrr numeric) (
    SFUNC = mrr_agg_transfn, STYPE = mrr_summary, COMBINEFUNC = mrr_agg_combinefn,
    FINALFUNC = mrr_agg_finalfn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE mrr_agg(bigint, timestamptz, timestamptz, numeric) IS
    'MRR summary of subscription rows, times converted to dates in the session time zone';
CREATE AGGREGATE mrr_agg(customer_id text, started timestamptz, ended timestamptz, mrr numeric) (
    SFUNC = mrr_agg_transfn, STYPE = mrr_summary, COMBINEFUNC = mrr_agg_combinefn,
    FINALFUNC = mrr_agg_finalfn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE mrr_agg(text, timestamptz, timestamptz, numeric) IS
    'MRR summary of subscription rows with text customer ids, times converted in the session time zone';
CREATE AGGREGATE mrr_agg(customer_id uuid, started timestamptz, ended timestamptz, mrr numeric) (
    SFUNC = mrr_agg_transfn, STYPE = mrr_summary, COMBINEFUNC = mrr_agg_combinefn,
    FINALFUNC = mrr_agg_finalfn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE mrr_agg(uuid, timestamptz, timestamptz, numeric) IS
    'MRR summary of subscription rows with uuid customer ids, times converted in the session time zone';

CREATE AGGREGATE rollup(mrr_summary) (
    SFUNC = mrr_agg_combinefn, STYPE = mrr_summary, COMBINEFUNC = mrr_agg_combinefn,
    FINALFUNC = mrr_agg_finalfn, PARALLEL = SAFE
);
COMMENT ON AGGREGATE rollup(mrr_summary) IS
    'merges MRR summaries (of the same customer id type)';

CREATE FUNCTION mrr_movements(summary mrr_summary, period text DEFAULT 'month')
    RETURNS TABLE (period date, mrr_start numeric, new numeric, expansion numeric,
                   contraction numeric, churned numeric, reactivation numeric, mrr_end numeric,
                   customers_start bigint, customers_end bigint,
                   gross_revenue_retention float8, net_revenue_retention float8, complete boolean)
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 24;
COMMENT ON FUNCTION mrr_movements(mrr_summary, text) IS
    'MRR waterfall per bucket: each customer''s MRR on the day before the bucket against its MRR on the bucket''s last day, as new, expansion, contraction, churned and reactivation; GRR and NRR; complete = the bucket ends on or before the last day of the data';
