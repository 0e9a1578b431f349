
-- ===================================================================
-- Survey KPIs: NPS and CSAT (src/survey.c)
-- ===================================================================

CREATE TYPE nps_summary;

CREATE FUNCTION nps_summary_in(cstring) RETURNS nps_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION nps_summary_out(nps_summary) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION nps_summary_recv(internal) RETURNS nps_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION nps_summary_send(nps_summary) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE nps_summary (
    INPUT = nps_summary_in,
    OUTPUT = nps_summary_out,
    RECEIVE = nps_summary_recv,
    SEND = nps_summary_send,
    ALIGNMENT = double,
    STORAGE = plain
);
COMMENT ON TYPE nps_summary IS
    'promoter, passive and detractor counts of NPS survey responses; text form "v1 promoters=P passives=S detractors=D"';

CREATE FUNCTION nps_agg_transfn(nps_summary, int) RETURNS nps_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION nps_agg_combinefn(nps_summary, nps_summary) RETURNS nps_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION nps(nps_summary) RETURNS float8
    AS 'MODULE_PATHNAME', 'nps_summary_nps' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION nps(nps_summary) IS
    'Net Promoter Score: 100 * (promoters - detractors) / responses, in points from -100 to 100';

CREATE AGGREGATE nps_agg(score int) (
    SFUNC = nps_agg_transfn,
    STYPE = nps_summary,
    COMBINEFUNC = nps_agg_combinefn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE nps_agg(int) IS
    'summary of NPS scores 0-10 (promoters 9-10, passives 7-8, detractors 0-6) for the nps accessors and rollup';

CREATE AGGREGATE nps(score int) (
    SFUNC = nps_agg_transfn,
    STYPE = nps_summary,
    COMBINEFUNC = nps_agg_combinefn,
    FINALFUNC = nps,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE nps(int) IS
    'Net Promoter Score of scores 0-10: 100 * (promoters - detractors) / responses';

CREATE AGGREGATE rollup(nps_summary) (
    SFUNC = nps_agg_combinefn,
    STYPE = nps_summary,
    COMBINEFUNC = nps_agg_combinefn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE rollup(nps_summary) IS 'merges NPS summaries';

CREATE FUNCTION promoters(nps_summary) RETURNS bigint
    AS 'MODULE_PATHNAME', 'nps_summary_promoters' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION promoters(nps_summary) IS 'responses scoring 9 or 10';
CREATE FUNCTION passives(nps_summary) RETURNS bigint
    AS 'MODULE_PATHNAME', 'nps_summary_passives' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION passives(nps_summary) IS 'responses scoring 7 or 8';
CREATE FUNCTION detractors(nps_summary) RETURNS bigint
    AS 'MODULE_PATHNAME', 'nps_summary_detractors' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION detractors(nps_summary) IS 'responses scoring 0 to 6';
CREATE FUNCTION responses(nps_summary) RETURNS bigint
    AS 'MODULE_PATHNAME', 'nps_summary_responses' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION responses(nps_summary) IS 'all responses';

CREATE FUNCTION nps_margin(nps_summary, confidence float8 DEFAULT 0.95) RETURNS float8
    AS 'MODULE_PATHNAME', 'nps_summary_margin' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION nps_margin(nps_summary, float8) IS
    'half-width in points of the normal-approximation confidence interval of NPS';

CREATE TYPE csat_summary;

CREATE FUNCTION csat_summary_in(cstring) RETURNS csat_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION csat_summary_out(csat_summary) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION csat_summary_recv(internal) RETURNS csat_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION csat_summary_send(csat_summary) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE csat_summary (
    INPUT = csat_summary_in,
    OUTPUT = csat_summary_out,
    RECEIVE = csat_summary_recv,
    SEND = csat_summary_send,
    ALIGNMENT = double,
    STORAGE = plain
);
COMMENT ON TYPE csat_summary IS
    'CSAT response counts per score on a 1..scale scale; text form "v1 scale=5 counts=c1,c2,c3,c4,c5"';

CREATE FUNCTION csat_agg_transfn(csat_summary, int) RETURNS csat_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION csat_agg_scale_transfn(csat_summary, int, int) RETURNS csat_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION csat_agg_combinefn(csat_summary, csat_summary) RETURNS csat_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION csat(csat_summary) RETURNS float8
    AS 'MODULE_PATHNAME', 'csat_summary_csat' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION csat(csat_summary) IS
    'share of responses in the top two boxes (score >= scale - 1), from 0 to 1';

CREATE AGGREGATE csat_agg(score int) (
    SFUNC = csat_agg_transfn,
    STYPE = csat_summary,
    COMBINEFUNC = csat_agg_combinefn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE csat_agg(int) IS 'summary of CSAT scores 1-5 for the csat accessors and rollup';

CREATE AGGREGATE csat_agg(score int, scale int) (
    SFUNC = csat_agg_scale_transfn,
    STYPE = csat_summary,
    COMBINEFUNC = csat_agg_combinefn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE csat_agg(int, int) IS 'summary of CSAT scores 1..scale (scale 2-10)';

CREATE AGGREGATE csat(score int) (
    SFUNC = csat_agg_transfn,
    STYPE = csat_summary,
    COMBINEFUNC = csat_agg_combinefn,
    FINALFUNC = csat,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE csat(int) IS 'share of CSAT scores 1-5 that are 4 or 5';

CREATE AGGREGATE csat(score int, scale int) (
    SFUNC = csat_agg_scale_transfn,
    STYPE = csat_summary,
    COMBINEFUNC = csat_agg_combinefn,
    FINALFUNC = csat,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE csat(int, int) IS 'share of CSAT scores 1..scale that are scale - 1 or scale';

CREATE AGGREGATE rollup(csat_summary) (
    SFUNC = csat_agg_combinefn,
    STYPE = csat_summary,
    COMBINEFUNC = csat_agg_combinefn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE rollup(csat_summary) IS 'merges CSAT summaries of the same scale';

CREATE FUNCTION responses(csat_summary) RETURNS bigint
    AS 'MODULE_PATHNAME', 'csat_summary_responses' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION responses(csat_summary) IS 'all responses';

CREATE FUNCTION mean_score(csat_summary) RETURNS float8
    AS 'MODULE_PATHNAME', 'csat_summary_mean_score' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mean_score(csat_summary) IS 'average score';
