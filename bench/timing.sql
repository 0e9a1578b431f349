-- The bench harness: times each case's queries alternately in one session
-- (one warm-up run, then `runs` timed rounds, the order reversed every other
-- round) and reports median ratios.
\set ON_ERROR_STOP 1
CREATE TABLE bench.cases (
    ord serial,
    case_group text,
    label text,
    is_kpi boolean,
    workers int,
    query text
);
CREATE TABLE bench.timings (ord int, round int, ms float8);

CREATE FUNCTION bench.time_query(query text, workers int) RETURNS float8
LANGUAGE plpgsql AS $$
DECLARE
    started timestamptz;
BEGIN
    PERFORM set_config('max_parallel_workers_per_gather', workers::text, true);
    started := clock_timestamp();
    EXECUTE query;
    RETURN 1000 * extract(epoch FROM clock_timestamp() - started);
END $$;

CREATE PROCEDURE bench.run(runs int) LANGUAGE plpgsql AS $$
DECLARE
    c record;
BEGIN
    FOR round IN 0 .. runs LOOP
        FOR c IN SELECT * FROM bench.cases
                 ORDER BY case_group, CASE WHEN round % 2 = 0 THEN ord ELSE -ord END LOOP
            INSERT INTO bench.timings VALUES (c.ord, round, bench.time_query(c.query, c.workers));
            COMMIT;
        END LOOP;
    END LOOP;
END $$;

CREATE VIEW bench.medians AS
SELECT c.ord, c.case_group, c.label, c.is_kpi,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY t.ms) AS ms
FROM bench.cases c JOIN bench.timings t USING (ord)
WHERE t.round > 0
GROUP BY c.ord, c.case_group, c.label, c.is_kpi;

CREATE VIEW bench.report AS
SELECT k.case_group AS "case",
       b.label AS "baseline",
       round((k.ms / b.ms)::numeric, 2) AS "kpi time / baseline",
       round((b.ms / k.ms)::numeric, 2) AS "speed-up"
FROM bench.medians k JOIN bench.medians b USING (case_group)
WHERE k.is_kpi AND NOT b.is_kpi
ORDER BY k.case_group, b.ord;
