-- Every survey aggregate under a forced parallel plan equals the serial run.
SET search_path = public, retention;
SET extra_float_digits = 0;

CREATE TABLE survey (id int, channel int, nps_score int, csat_score int, csat7 int);
INSERT INTO survey
SELECT i, i % 3,
       CASE WHEN i % 97 = 0 THEN NULL ELSE (i::bigint * 7919) % 11 END,
       CASE WHEN i % 89 = 0 THEN NULL ELSE (i::bigint * 104729) % 5 + 1 END,
       (i * 31) % 7 + 1
FROM generate_series(1, 200000) i;
ANALYZE survey;

CREATE VIEW survey_kpis AS
SELECT channel,
       nps(nps_score) AS nps,
       nps_agg(nps_score)::text AS nps_summary,
       csat(csat_score) AS csat,
       csat_agg(csat_score)::text AS csat_summary,
       csat(csat7, 7) AS csat7,
       csat_agg(csat7, 7)::text AS csat7_summary
FROM survey GROUP BY ROLLUP (channel);

-- summaries of 50 parts, as a materialized view would keep them per day
CREATE TABLE survey_parts AS
SELECT id % 50 AS part, nps_agg(nps_score) AS n, csat_agg(csat_score) AS c,
       csat_agg(csat7, 7) AS c7
FROM survey GROUP BY 1;
ANALYZE survey_parts;
CREATE VIEW survey_rollups AS
SELECT rollup(n)::text AS nps_summary, rollup(c)::text AS csat_summary,
       rollup(c7)::text AS csat7_summary
FROM survey_parts;

SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial_kpis AS SELECT * FROM survey_kpis;
CREATE TEMP TABLE serial_rollups AS SELECT * FROM survey_rollups;
SELECT * FROM serial_kpis ORDER BY channel;

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;

-- each aggregate runs as Partial Aggregate in the workers
EXPLAIN (COSTS OFF) SELECT nps(nps_score), csat(csat_score), csat(csat7, 7) FROM survey;
EXPLAIN (COSTS OFF) SELECT nps_agg(nps_score), csat_agg(csat_score), csat_agg(csat7, 7) FROM survey;
EXPLAIN (COSTS OFF) SELECT rollup(n), rollup(c), rollup(c7) FROM survey_parts;

SELECT nps(nps_score), nps_agg(nps_score), csat(csat_score), csat_agg(csat_score),
       csat(csat7, 7), csat_agg(csat7, 7)
FROM survey;

-- identical results, grouped and ungrouped
SELECT (SELECT count(*) FROM survey_kpis) AS parallel_rows,
       (SELECT count(*) FROM (TABLE serial_kpis EXCEPT ALL SELECT * FROM survey_kpis) a) +
       (SELECT count(*) FROM (SELECT * FROM survey_kpis EXCEPT ALL TABLE serial_kpis) b) AS differing;
SELECT * FROM survey_rollups;
SELECT s = p AS rollups_identical
FROM (SELECT serial_rollups AS s FROM serial_rollups) a,
     (SELECT survey_rollups AS p FROM survey_rollups) b;
