
-- ===================================================================
-- Customer value: RFM, segments and ABC classes (src/rfm.c, src/abc.c)
-- ===================================================================

CREATE TYPE rfm_summary AS (
    first_order date,
    last_order date,
    orders bigint,
    revenue numeric,
    frequency int,
    recency int,
    tenure int,
    monetary_value float8
);
COMMENT ON TYPE rfm_summary IS
    'one customer''s RFM summary with the BTYD conventions: frequency = repeat purchase days, recency and tenure in days, monetary_value = mean total of the repeat days';

CREATE TYPE rfm_state;

CREATE FUNCTION rfm_state_in(cstring) RETURNS rfm_state
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rfm_state_out(rfm_state) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rfm_state_recv(internal) RETURNS rfm_state
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rfm_state_send(rfm_state) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE rfm_state (
    INPUT = rfm_state_in,
    OUTPUT = rfm_state_out,
    RECEIVE = rfm_state_recv,
    SEND = rfm_state_send,
    ALIGNMENT = double,
    STORAGE = extended
);
COMMENT ON TYPE rfm_state IS
    'one customer''s orders as rfm needs them (order count, exact revenue, first day''s total, distinct purchase days); text form "v1 amounts=numeric end=2024-12-31 orders=N revenue=R first_day_total=F days=2024-01-05,..."';

-- The transition state of most customers fits the 128 bytes its first
-- allocation has (SSPACE tells the planner, for hash aggregation).
CREATE FUNCTION rfm_transfn(rfm_state, date, numeric, date) RETURNS rfm_state
    AS 'MODULE_PATHNAME', 'rfm_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rfm_transfn(rfm_state, date, float8, date) RETURNS rfm_state
    AS 'MODULE_PATHNAME', 'rfm_float8_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rfm_transfn(rfm_state, timestamptz, numeric, date) RETURNS rfm_state
    AS 'MODULE_PATHNAME', 'rfm_timestamptz_transfn' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION rfm_transfn(rfm_state, timestamptz, float8, date) RETURNS rfm_state
    AS 'MODULE_PATHNAME', 'rfm_timestamptz_float8_transfn' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION rfm_combinefn(rfm_state, rfm_state) RETURNS rfm_state
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION rfm_agg_finalfn(rfm_state) RETURNS rfm_state
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION rfm(rfm_state) RETURNS rfm_summary
    AS 'MODULE_PATHNAME', 'rfm_finalfn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rfm(rfm_state) IS
    'the RFM summary of an rfm_state; NULL when no order was on or before the observation end';

CREATE AGGREGATE rfm(at date, amount numeric, observation_end date) (
    SFUNC = rfm_transfn,
    STYPE = rfm_state,
    SSPACE = 128,
    COMBINEFUNC = rfm_combinefn,
    FINALFUNC = rfm,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE rfm(date, numeric, date) IS
    'RFM summary of one customer''s orders (use with GROUP BY customer): rows after observation_end are ignored, revenue is exact';

CREATE AGGREGATE rfm(at date, amount float8, observation_end date) (
    SFUNC = rfm_transfn,
    STYPE = rfm_state,
    SSPACE = 128,
    COMBINEFUNC = rfm_combinefn,
    FINALFUNC = rfm,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE rfm(date, float8, date) IS
    'RFM summary of one customer''s orders with float8 amounts (summed as float8)';

CREATE AGGREGATE rfm(at timestamptz, amount numeric, observation_end date) (
    SFUNC = rfm_transfn,
    STYPE = rfm_state,
    SSPACE = 128,
    COMBINEFUNC = rfm_combinefn,
    FINALFUNC = rfm,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE rfm(timestamptz, numeric, date) IS
    'RFM summary of one customer''s orders, purchase times converted to dates in the session time zone';

CREATE AGGREGATE rfm(at timestamptz, amount float8, observation_end date) (
    SFUNC = rfm_transfn,
    STYPE = rfm_state,
    SSPACE = 128,
    COMBINEFUNC = rfm_combinefn,
    FINALFUNC = rfm,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE rfm(timestamptz, float8, date) IS
    'RFM summary of one customer''s orders with float8 amounts, purchase times converted in the session time zone';

CREATE AGGREGATE rfm_agg(at date, amount numeric, observation_end date) (
    SFUNC = rfm_transfn,
    STYPE = rfm_state,
    SSPACE = 128,
    COMBINEFUNC = rfm_combinefn,
    FINALFUNC = rfm_agg_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE rfm_agg(date, numeric, date) IS
    'rfm_state of one customer''s orders, to store and roll up; rfm(rfm_state) reads it';

CREATE AGGREGATE rfm_agg(at date, amount float8, observation_end date) (
    SFUNC = rfm_transfn,
    STYPE = rfm_state,
    SSPACE = 128,
    COMBINEFUNC = rfm_combinefn,
    FINALFUNC = rfm_agg_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE rfm_agg(date, float8, date) IS
    'rfm_state of one customer''s orders with float8 amounts';

CREATE AGGREGATE rfm_agg(at timestamptz, amount numeric, observation_end date) (
    SFUNC = rfm_transfn,
    STYPE = rfm_state,
    SSPACE = 128,
    COMBINEFUNC = rfm_combinefn,
    FINALFUNC = rfm_agg_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE rfm_agg(timestamptz, numeric, date) IS
    'rfm_state of one customer''s orders, purchase times converted in the session time zone';

CREATE AGGREGATE rfm_agg(at timestamptz, amount float8, observation_end date) (
    SFUNC = rfm_transfn,
    STYPE = rfm_state,
    SSPACE = 128,
    COMBINEFUNC = rfm_combinefn,
    FINALFUNC = rfm_agg_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE rfm_agg(timestamptz, float8, date) IS
    'rfm_state of one customer''s orders with float8 amounts, purchase times converted in the session time zone';

CREATE AGGREGATE rollup(rfm_state) (
    SFUNC = rfm_combinefn,
    STYPE = rfm_state,
    SSPACE = 128,
    COMBINEFUNC = rfm_combinefn,
    FINALFUNC = rfm_agg_finalfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE rollup(rfm_state) IS
    'merges rfm states of one customer (same observation end)';

CREATE FUNCTION rfm_segment(r int, f int, m int) RETURNS text
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rfm_segment(int, int, int) IS
    'RFM segment (Champions, Loyal Customers, ..., Lost) from recency, frequency and monetary quintile scores 1-5 (5 = best)';

CREATE FUNCTION abc_class(value numeric) RETURNS text
    AS 'MODULE_PATHNAME', 'abc_class' LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION abc_class(numeric) IS
    'ABC class of a row, used OVER (ORDER BY value DESC): A while the rows ahead hold < 80 % of the partition total, B while < 95 %, else C';

CREATE FUNCTION abc_class(value numeric, a_share float8, b_share float8) RETURNS text
    AS 'MODULE_PATHNAME', 'abc_class_shares' LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION abc_class(numeric, float8, float8) IS
    'ABC class of a row with the given share thresholds (0 < a_share < b_share <= 1)';
