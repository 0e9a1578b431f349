-- The bench harness: first checks that each case's KPI gives the same answer
-- as its hand-written SQL (bench.verify, which raises an error otherwise),
-- then times each case's queries alternately in one session (one warm-up
-- run, then `runs` timed rounds, the order reversed every other round) and
-- reports median times and ratios.
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
-- per case: queries that must return true (the KPI's answer = the hand SQL's)
CREATE TABLE bench.checks (ord serial, case_group text, query text, passed boolean);

CREATE PROCEDURE bench.verify() LANGUAGE plpgsql AS $$
DECLARE
    c record;
    ok boolean;
BEGIN
    FOR c IN SELECT * FROM bench.checks ORDER BY ord LOOP
        EXECUTE c.query INTO ok;
        UPDATE bench.checks SET passed = coalesce(ok, false) WHERE ord = c.ord;
        COMMIT;
        IF NOT coalesce(ok, false) THEN
            RAISE EXCEPTION 'bench case "%": the KPI and the hand-written SQL give different answers', c.case_group
                USING DETAIL = 'check: ' || c.query;
        END IF;
    END LOOP;
END $$;

-- The peak private memory (MB) of this backend after running the query:
-- the peak resident set less the shared buffers and files mapped (/proc).
-- Run in a fresh session.
CREATE FUNCTION bench.private_peak_mb(query text) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE
    status text;
BEGIN
    EXECUTE query;
    status := pg_read_file('/proc/self/status');
    RETURN round(((substring(status from 'VmHWM:\s+(\d+)')::bigint
                   - substring(status from 'RssShmem:\s+(\d+)')::bigint
                   - substring(status from 'RssFile:\s+(\d+)')::bigint) / 1024.0), 1);
END $$;

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
       round((b.ms / k.ms)::numeric, 2) AS "speed-up",
       round(k.ms::numeric) AS "kpi ms",
       round(b.ms::numeric) AS "baseline ms"
FROM bench.medians k JOIN bench.medians b USING (case_group)
WHERE k.is_kpi AND NOT b.is_kpi
ORDER BY k.case_group, b.ord;
