-- Survey KPIs: NPS and CSAT, their summaries, accessors, rollup and errors.
SET search_path = public, retention;
SET extra_float_digits = 0;

-- A hand-checked survey: scores 0..10 once each plus two more 10s.
-- promoters: 9, 10, 10, 10 = 4; passives: 7, 8 = 2; detractors: 0..6 = 7.
-- NPS = 100 * (4 - 7) / 13 = -23.0769...
CREATE TABLE answers (channel text, score int);
INSERT INTO answers SELECT 'web', s FROM generate_series(0, 10) s;
INSERT INTO answers VALUES ('app', 10), ('app', 10), ('app', NULL);

SELECT nps(score), nps_agg(score) FROM answers;
SELECT channel, nps, promoters(s), passives(s), detractors(s), responses(s)
FROM (SELECT channel, nps_agg(score) AS s, nps(score) FROM answers GROUP BY channel) x
ORDER BY channel;

-- the one-step aggregate equals the accessor on the summary
SELECT nps(score) = nps(nps_agg(score)) AS same FROM answers;

-- NULL-only and empty input give NULL (not 0)
SELECT nps(score) AS all_null, nps_agg(score) IS NULL AS summary_null
FROM answers WHERE score IS NULL;
SELECT nps(score) AS empty, nps_agg(score) IS NULL AS summary_null FROM answers WHERE false;

-- only promoters: +100; only detractors: -100; the margin is not 0 even when
-- everyone agrees (adjusted Wald: 3/4 pseudo promoter and detractor, n + 3)
SELECT nps(s), nps_margin(nps_agg(s)) FROM (VALUES (9), (10)) v(s);
SELECT nps(s), nps_margin(nps_agg(s)) FROM (VALUES (0), (6)) v(s);

-- nps_margin: 40 promoters, 20 detractors, n = 100; with the pseudo-counts
-- p+ = 40.75 / 103, p- = 20.75 / 103:
-- 1.959964 * 100 * sqrt((p+ + p- - (p+ - p-)^2) / 103) = 14.4439...
SELECT round(nps_margin(s)::numeric, 4) AS margin_95,
       round(nps_margin(s, 0.99)::numeric, 4) AS margin_99,
       round(nps_margin(s, 0.90)::numeric, 4) AS margin_90
FROM (SELECT 'v1 promoters=40 passives=40 detractors=20'::nps_summary AS s) x;

-- text form round-trips exactly, whitespace is tolerated on input
SELECT 'v1 promoters=3 passives=0 detractors=9223372036854775806'::nps_summary;
SELECT '  v1   promoters=3 passives=2	detractors=1  '::nps_summary;
SELECT nps(s), responses(s), nps_margin(s)
FROM (SELECT 'v1 promoters=0 passives=0 detractors=0'::nps_summary AS s) x;
SELECT nps_agg(score)::text::nps_summary::text = nps_agg(score)::text AS round_trip FROM answers;

-- rollup merges summaries and skips NULL ones
SELECT rollup(s) FROM (
    SELECT nps_agg(score) AS s FROM answers GROUP BY channel
    UNION ALL SELECT NULL::nps_summary) x;
SELECT rollup(s) IS NULL AS empty_rollup FROM (SELECT NULL::nps_summary AS s) x;

-- window use
SELECT score, nps(score) OVER (ORDER BY score ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)
FROM answers WHERE channel = 'web' AND score >= 5 ORDER BY score;

-- CSAT on the default 1-5 scale: scores 1, 2, 3, 4, 4, 5, 5, 5 -> 5 of 8 in the top two
CREATE TABLE ratings (score int, scale int);
INSERT INTO ratings SELECT s, 5 FROM unnest(ARRAY[1, 2, 3, 4, 4, 5, 5, 5, NULL]) s;
SELECT csat(score), csat_agg(score), responses(csat_agg(score)), mean_score(csat_agg(score))
FROM ratings;
SELECT csat(score, scale), csat_agg(score, scale) FROM ratings;
SELECT csat(score) = csat(csat_agg(score)) AS same FROM ratings;

-- other scales: 1-10 (top two boxes 9, 10) and 1-2 (everything is top two)
SELECT csat(s, 10), csat_agg(s, 10), mean_score(csat_agg(s, 10)) FROM generate_series(1, 10) s;
SELECT csat(s, 2), csat_agg(s, 2) FROM (VALUES (1), (2), (2)) v(s);

-- NULL scores, NULL scales, empty input
SELECT csat(score) AS all_null, csat_agg(score) IS NULL AS summary_null FROM ratings WHERE score IS NULL;
SELECT csat(score, NULL) AS null_scale FROM ratings;
SELECT csat(score) AS empty, csat_agg(score, 7) IS NULL AS summary_null FROM ratings WHERE false;

-- text round trip and rollup
SELECT 'v1 scale=7 counts=1,0,0,0,0,0,9223372036854775807'::csat_summary;
SELECT csat(s), responses(s), mean_score(s)
FROM (SELECT 'v1 scale=3 counts=0,0,0'::csat_summary AS s) x;
SELECT rollup(s), csat(rollup(s)) FROM (
    SELECT csat_agg(score) AS s FROM ratings GROUP BY score % 2
    UNION ALL SELECT NULL) x;

-- binary form: send, then receive, through a binary COPY file on the server
\set SHOW_CONTEXT never
CREATE FUNCTION pg_temp.binary_copy(source text, target text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    file text := current_setting('data_directory') || '/retention_survey.bin';
BEGIN
    EXECUTE format('COPY (%s) TO %L (FORMAT binary)', source, file);
    EXECUTE format('COPY %I FROM %L (FORMAT binary)', target, file);
END $$;
CREATE TABLE nps_copy (s nps_summary);
CREATE TABLE csat_copy (s csat_summary);
SELECT pg_temp.binary_copy('SELECT nps_agg(score) FROM answers', 'nps_copy');
SELECT pg_temp.binary_copy('SELECT csat_agg(score, scale) FROM ratings', 'csat_copy');
SELECT * FROM nps_copy, csat_copy;
SELECT nps_summary_send(s) FROM nps_copy;
SELECT csat_summary_send(s) FROM csat_copy;

-- Errors: each shows its message, then its SQLSTATE.
SELECT nps(s) FROM (VALUES (10), (11)) v(s);
\echo :LAST_ERROR_SQLSTATE
SELECT nps_agg(s) FROM (VALUES (-1)) v(s);
\echo :LAST_ERROR_SQLSTATE
SELECT nps_margin('v1 promoters=1 passives=1 detractors=1', 1.0);
\echo :LAST_ERROR_SQLSTATE
SELECT nps_margin('v1 promoters=1 passives=1 detractors=1', 'NaN');
\echo :LAST_ERROR_SQLSTATE
SELECT csat(s) FROM (VALUES (0)) v(s);
\echo :LAST_ERROR_SQLSTATE
SELECT csat(s) FROM (VALUES (6)) v(s);
\echo :LAST_ERROR_SQLSTATE
SELECT csat(s, 7) FROM (VALUES (8)) v(s);
\echo :LAST_ERROR_SQLSTATE
SELECT csat(3, 1);
\echo :LAST_ERROR_SQLSTATE
SELECT csat_agg(3, 11);
\echo :LAST_ERROR_SQLSTATE
SELECT csat(s, sc) FROM (VALUES (3, 5), (3, 7)) v(s, sc);
\echo :LAST_ERROR_SQLSTATE
SELECT rollup(s) FROM (VALUES ('v1 scale=5 counts=1,1,1,1,1'::csat_summary),
                              ('v1 scale=7 counts=1,1,1,1,1,1,1')) v(s);
\echo :LAST_ERROR_SQLSTATE
SELECT rollup(s) FROM (VALUES ('v1 promoters=9223372036854775807 passives=0 detractors=0'::nps_summary),
                              ('v1 promoters=1 passives=0 detractors=0')) v(s);
\echo :LAST_ERROR_SQLSTATE

-- malformed text input
SELECT ''::nps_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v2 promoters=1 passives=2 detractors=3'::nps_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 promoters=1 passives=2'::nps_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 promoters=-1 passives=2 detractors=3'::nps_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 promoters=1 passives=2 detractors=3 extra'::nps_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 promoters=99999999999999999999 passives=2 detractors=3'::nps_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 scale=1 counts=1'::csat_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 scale=5 counts=1,2,3,4'::csat_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 scale=5 counts=1,2,3,4,5,6'::csat_summary;
\echo :LAST_ERROR_SQLSTATE

-- malformed binary input: raw bytes as the single field of a binary COPY
-- (version 2; a negative count; trailing bytes; a truncated value; scale 11)
SELECT pg_temp.binary_copy($$SELECT '\x02000000000000000100000000000000020000000000000003'::bytea$$, 'nps_copy');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.binary_copy($$SELECT '\x01ffffffffffffffff00000000000000020000000000000003'::bytea$$, 'nps_copy');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.binary_copy($$SELECT '\x010000000000000001000000000000000200000000000000030000'::bytea$$, 'nps_copy');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.binary_copy($$SELECT '\x0100000000000000010000000000000002'::bytea$$, 'nps_copy');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.binary_copy($$SELECT '\x010b0000000000000001'::bytea$$, 'csat_copy');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS rows_unchanged FROM nps_copy;
