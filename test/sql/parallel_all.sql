-- Parallel = serial for every aggregate of the extension, discovered from the
-- catalog: each must have a sample call below (a new aggregate without one
-- is listed as missing).  Each call runs once serially and once under a
-- forced parallel plan without the leader's participation, and must show,
-- from EXPLAIN ANALYZE of that very run: a Partial Aggregate, both planned
-- workers launched, rows scanned by each of them (so the combine function
-- really merged two partial states), and results identical to the serial
-- run, bit for bit (float8 in its shortest exact text form).  Grouped calls
-- split each group's rows between the workers, by sort and by hash.
SET search_path = public, retention;
SET extra_float_digits = 1;     -- float8 text round-trips exactly

-- one fixed data set with a column for every kind of argument, some NULLs
CREATE TABLE fixture AS
SELECT i AS id,
       i % 500 AS customer_id,
       CASE WHEN i % 97 = 0 THEN NULL ELSE (i * 37) % 11 END AS nps_score,
       CASE WHEN i % 89 = 0 THEN NULL ELSE 1 + (i * 13) % 5 END AS csat_score,
       1 + (i * 7) % 7 AS csat7,
       DATE '2023-01-01' + (i * 17) % 700 AS day,
       TIMESTAMPTZ '2023-01-01 00:00:00+00' + ((i * 7919) % 60000000) * interval '1 second' AS at,
       DATE '2023-01-01' + (i * 29) % 600 AS started,
       CASE WHEN i % 3 = 0 THEN NULL ELSE DATE '2023-01-01' + (i * 29) % 600 + (i * 13) % 400 END AS ended,
       ((i * 31) % 1000) / 4.0 AS duration,
       i % 4 <> 0 AS churned
FROM generate_series(1, 60000) i;
ANALYZE fixture;
CREATE TABLE btyd_fixture AS
SELECT customer_id, customer_id % 3 AS segment, frequency, recency, tenure,
       round(monetary_value::numeric, 2)::float8 AS monetary_value
FROM retention.btyd_simulate(60000, 0.25, 30, 0.8, 2.5, 30, 400, 6, 4, 15, 11),
     generate_series(1, 4) copy;    -- each customer 4 times: a longer scan, the same fit
ANALYZE btyd_fixture;

-- summaries kept per part, as a materialized view would keep them: enough
-- parts to fill many pages, so that both workers get some
CREATE TABLE fixture_parts AS
SELECT id % 20000 AS part,
       nps_agg(nps_score) AS nps_s,
       csat_agg(csat_score) AS csat_s,
       survival_agg(duration, churned) AS survival_s,
       rfm_agg(day, duration, DATE '2024-06-30') AS rfm_s,
       activity_agg(customer_id, day) AS activity_s
FROM fixture GROUP BY 1;
ANALYZE fixture_parts;
SELECT pg_relation_size('fixture_parts') / current_setting('block_size')::int >= 100 AS parts_fill_pages;

-- setting: a planner setting name=value for the call (sort or hash grouping)
CREATE TABLE sample_calls (aggregate regprocedure, query text, setting text);
INSERT INTO sample_calls VALUES
    ('nps(int)', 'SELECT nps(nps_score) FROM fixture'),
    ('nps_agg(int)', 'SELECT nps_agg(nps_score) FROM fixture'),
    ('rollup(nps_summary)', 'SELECT rollup(nps_s) FROM fixture_parts'),
    ('csat(int)', 'SELECT csat(csat_score) FROM fixture'),
    ('csat(int, int)', 'SELECT csat(csat7, 7) FROM fixture'),
    ('csat_agg(int)', 'SELECT csat_agg(csat_score) FROM fixture'),
    ('csat_agg(int, int)', 'SELECT csat_agg(csat7, 7) FROM fixture'),
    ('rollup(csat_summary)', 'SELECT rollup(csat_s) FROM fixture_parts'),
    ('churn_rate(date, date, date, date)',
     $$SELECT churn_rate(started, ended, DATE '2023-06-01', DATE '2023-12-31') FROM fixture$$),
    ('churn_rate(timestamptz, timestamptz, timestamptz, timestamptz)',
     $$SELECT churn_rate(started::timestamptz, ended::timestamptz, '2023-06-01', '2023-12-31') FROM fixture$$),
    ('retention_rate(date, date, date, date)',
     $$SELECT retention_rate(started, ended, DATE '2023-06-01', DATE '2023-12-31') FROM fixture$$),
    ('retention_rate(timestamptz, timestamptz, timestamptz, timestamptz)',
     $$SELECT retention_rate(started::timestamptz, ended::timestamptz, '2023-06-01', '2023-12-31') FROM fixture$$),
    ('survival_agg(float8, boolean)', 'SELECT survival_agg(duration, churned) FROM fixture'),
    ('rollup(survival)', 'SELECT rollup(survival_s) FROM fixture_parts'),
    ('rfm(date, numeric, date)', $$SELECT rfm(day, duration, DATE '2024-06-30') FROM fixture$$),
    ('rfm(date, float8, date)', $$SELECT rfm(day, duration::float8, DATE '2024-06-30') FROM fixture$$),
    ('rfm(timestamptz, numeric, date)', $$SELECT rfm(at, duration, DATE '2024-06-30') FROM fixture$$),
    ('rfm(timestamptz, float8, date)', $$SELECT rfm(at, duration::float8, DATE '2024-06-30') FROM fixture$$),
    ('rfm_agg(date, numeric, date)', $$SELECT rfm_agg(day, duration, DATE '2024-06-30') FROM fixture$$),
    ('rfm_agg(date, float8, date)', $$SELECT rfm_agg(day, duration::float8, DATE '2024-06-30') FROM fixture$$),
    ('rfm_agg(timestamptz, numeric, date)', $$SELECT rfm_agg(at, duration, DATE '2024-06-30') FROM fixture$$),
    ('rfm_agg(timestamptz, float8, date)', $$SELECT rfm_agg(at, duration::float8, DATE '2024-06-30') FROM fixture$$),
    ('rollup(rfm_state)', 'SELECT rollup(rfm_s) FROM fixture_parts'),
    ('activity_agg(bigint, date)', 'SELECT activity_agg(customer_id, day) FROM fixture'),
    ('activity_agg(text, date)', $$SELECT activity_agg('c' || customer_id, day) FROM fixture$$),
    ('activity_agg(uuid, date)', $$SELECT activity_agg(md5(customer_id::text)::uuid, day) FROM fixture$$),
    ('activity_agg(bigint, timestamptz)', 'SELECT activity_agg(customer_id, at) FROM fixture'),
    ('activity_agg(text, timestamptz)', $$SELECT activity_agg('c' || customer_id, at) FROM fixture$$),
    ('activity_agg(uuid, timestamptz)', $$SELECT activity_agg(md5(customer_id::text)::uuid, at) FROM fixture$$),
    ('rollup(activity)', 'SELECT rollup(activity_s) FROM fixture_parts'),
    ('bgnbd_fit(int, float8, float8)', 'SELECT bgnbd_fit(frequency, recency, tenure) FROM btyd_fixture'),
    ('bgnbd_fit(int, float8, float8, float8)',
     'SELECT bgnbd_fit(frequency, recency, tenure, 0.01) FROM btyd_fixture'),
    ('gammagamma_fit(int, float8)', 'SELECT gammagamma_fit(frequency, monetary_value) FROM btyd_fixture');

-- grouped: each group's rows split between the workers, merged by sort and by hash
INSERT INTO sample_calls VALUES
    ('rfm(date, numeric, date)',
     $$SELECT customer_id, rfm(day, duration, DATE '2024-06-30') FROM fixture GROUP BY customer_id$$,
     'enable_hashagg=off'),
    ('rfm(date, numeric, date)',
     $$SELECT customer_id, rfm(day, duration, DATE '2024-06-30') FROM fixture GROUP BY customer_id$$,
     'enable_sort=off'),
    ('rfm_agg(timestamptz, float8, date)',
     $$SELECT customer_id, rfm_agg(at, duration::float8, DATE '2024-06-30') FROM fixture GROUP BY customer_id$$,
     'enable_hashagg=off'),
    ('nps(int)', 'SELECT customer_id % 3, nps(nps_score), csat(csat_score), csat(csat7, 7) FROM fixture GROUP BY 1',
     'enable_hashagg=off'),
    ('churn_rate(date, date, date, date)',
     $$SELECT customer_id % 3, churn_rate(started, ended, DATE '2023-06-01', DATE '2023-12-31'),
              survival_agg(duration, churned) FROM fixture GROUP BY 1$$, 'enable_sort=off'),
    ('survival_agg(float8, boolean)', 'SELECT survival_agg(id / 7.0, id % 3 = 0) FROM fixture', NULL),
    ('activity_agg(bigint, date)',
     'SELECT customer_id % 7, activity_agg(customer_id, day) FROM fixture GROUP BY 1', 'enable_sort=off'),
    ('bgnbd_fit(int, float8, float8)',
     $$SELECT segment, bgnbd_fit(frequency, recency, tenure), bgnbd_fit(frequency, recency, tenure, 0.01),
              gammagamma_fit(frequency, monetary_value) FROM btyd_fixture GROUP BY segment$$,
     'enable_hashagg=off');

-- subscription economics (SPEC §10)
CREATE TABLE sbg_fixture AS
SELECT least(t, 12) AS periods, t <= 12 AS churned
FROM (SELECT 1 + floor(ln(1 - ((i * 7919) % 10007) / 10007.0) / ln(0.95 - (i % 10) * 0.05))::int AS t
      FROM generate_series(1, 60000) i) x;
ANALYZE sbg_fixture;
CREATE TABLE mrr_parts AS
SELECT id % 20000 AS part, mrr_agg(customer_id::bigint, started, ended, duration::numeric) AS mrr_s
FROM fixture GROUP BY 1;
ANALYZE mrr_parts;
INSERT INTO sample_calls VALUES
    ('sbg_fit(int, boolean)', 'SELECT sbg_fit(periods, churned) FROM sbg_fixture'),
    ('mrr_agg(bigint, date, date, numeric)',
     'SELECT mrr_agg(customer_id::bigint, started, ended, duration::numeric) FROM fixture'),
    ('mrr_agg(text, date, date, numeric)',
     $$SELECT mrr_agg('c' || customer_id, started, ended, duration::numeric) FROM fixture$$),
    ('mrr_agg(uuid, date, date, numeric)',
     'SELECT mrr_agg(md5(customer_id::text)::uuid, started, ended, duration::numeric) FROM fixture'),
    ('mrr_agg(bigint, timestamptz, timestamptz, numeric)',
     'SELECT mrr_agg(customer_id::bigint, started::timestamptz, ended::timestamptz, duration::numeric) FROM fixture'),
    ('mrr_agg(text, timestamptz, timestamptz, numeric)',
     $$SELECT mrr_agg('c' || customer_id, started::timestamptz, ended::timestamptz, duration::numeric) FROM fixture$$),
    ('mrr_agg(uuid, timestamptz, timestamptz, numeric)',
     'SELECT mrr_agg(md5(customer_id::text)::uuid, started::timestamptz, ended::timestamptz, duration::numeric) FROM fixture'),
    ('rollup(mrr_summary)', 'SELECT rollup(mrr_s) FROM mrr_parts');

-- issue 19: churn over a daterange period, churn_agg and rollup(churn_summary)
CREATE TABLE fixture_churn_parts AS
SELECT id % 20000 AS part, churn_agg(started, ended, daterange('2023-06-01', '2024-01-01')) AS churn_s
FROM fixture GROUP BY 1;
INSERT INTO sample_calls VALUES
    ('churn_agg(date, date, daterange)',
     $$SELECT churn_agg(started, ended, daterange('2023-06-01', '2024-01-01')) FROM fixture$$),
    ('churn_agg(timestamptz, timestamptz, daterange)',
     $$SELECT churn_agg(started::timestamptz, ended::timestamptz, '[2023-06-01,2024-01-01)') FROM fixture$$),
    ('churn_rate(date, date, daterange)',
     $$SELECT churn_rate(started, ended, period_range('month', DATE '2023-06-01')) FROM fixture$$),
    ('churn_rate(timestamptz, timestamptz, daterange)',
     $$SELECT churn_rate(started::timestamptz, ended::timestamptz, '[2023-06-01,2024-01-01)') FROM fixture$$),
    ('retention_rate(date, date, daterange)',
     $$SELECT retention_rate(started, ended, period_range('quarter', DATE '2023-06-01')) FROM fixture$$),
    ('retention_rate(timestamptz, timestamptz, daterange)',
     $$SELECT retention_rate(started::timestamptz, ended::timestamptz, '[2023-06-01,2024-01-01)') FROM fixture$$),
    ('rollup(churn_summary)', 'SELECT rollup(churn_s) FROM fixture_churn_parts');

-- issue 19: survey scores of type smallint, bigint and numeric
INSERT INTO sample_calls VALUES
    ('nps(smallint)', 'SELECT nps(nps_score::smallint) FROM fixture'),
    ('nps_agg(smallint)', 'SELECT nps_agg(nps_score::smallint) FROM fixture'),
    ('nps(bigint)', 'SELECT nps(nps_score::bigint) FROM fixture'),
    ('nps_agg(bigint)', 'SELECT nps_agg(nps_score::bigint) FROM fixture'),
    ('nps(numeric)', 'SELECT nps(nps_score::numeric) FROM fixture'),
    ('nps_agg(numeric)', 'SELECT nps_agg(nps_score::numeric) FROM fixture'),
    ('csat(smallint)', 'SELECT csat(csat_score::smallint) FROM fixture'),
    ('csat(smallint, int)', 'SELECT csat(csat7::smallint, 7) FROM fixture'),
    ('csat_agg(smallint)', 'SELECT csat_agg(csat_score::smallint) FROM fixture'),
    ('csat_agg(smallint, int)', 'SELECT csat_agg(csat7::smallint, 7) FROM fixture'),
    ('csat(bigint)', 'SELECT csat(csat_score::bigint) FROM fixture'),
    ('csat(bigint, int)', 'SELECT csat(csat7::bigint, 7) FROM fixture'),
    ('csat_agg(bigint)', 'SELECT csat_agg(csat_score::bigint) FROM fixture'),
    ('csat_agg(bigint, int)', 'SELECT csat_agg(csat7::bigint, 7) FROM fixture'),
    ('csat(numeric)', 'SELECT csat(csat_score::numeric(3,1)) FROM fixture'),
    ('csat(numeric, int)', 'SELECT csat(csat7::numeric, 7) FROM fixture'),
    ('csat_agg(numeric)', 'SELECT csat_agg(csat_score::numeric(3,1)) FROM fixture'),
    ('csat_agg(numeric, int)', 'SELECT csat_agg(csat7::numeric, 7) FROM fixture');

-- issue 19: rfm up to a timestamptz observation_end
INSERT INTO sample_calls VALUES
    ('rfm(timestamptz, numeric, timestamptz)', $$SELECT rfm(at, duration, TIMESTAMPTZ '2024-06-30 12:00+00') FROM fixture$$),
    ('rfm(timestamptz, float8, timestamptz)', $$SELECT rfm(at, duration::float8, TIMESTAMPTZ '2024-06-30 12:00+00') FROM fixture$$),
    ('rfm_agg(timestamptz, numeric, timestamptz)', $$SELECT rfm_agg(at, duration, TIMESTAMPTZ '2024-06-30 12:00+00') FROM fixture$$),
    ('rfm_agg(timestamptz, float8, timestamptz)', $$SELECT rfm_agg(at, duration::float8, TIMESTAMPTZ '2024-06-30 12:00+00') FROM fixture$$);

-- the BTYD model family (btyd_family.sql)
INSERT INTO sample_calls VALUES
    ('pnbd_fit(int, float8, float8)', 'SELECT pnbd_fit(frequency, recency, tenure) FROM btyd_fixture'),
    ('pnbd_fit(int, float8, float8, float8)',
     'SELECT pnbd_fit(frequency, recency, tenure, 0.01) FROM btyd_fixture'),
    ('mbgnbd_fit(int, float8, float8)', 'SELECT mbgnbd_fit(frequency, recency, tenure) FROM btyd_fixture'),
    ('mbgnbd_fit(int, float8, float8, float8)',
     'SELECT mbgnbd_fit(frequency, recency, tenure, 0.01) FROM btyd_fixture'),
    ('bgbb_fit(int, int, int)',
     $$SELECT bgbb_fit(x, CASE WHEN x = 0 THEN 0 ELSE greatest(x, t) END, n)
       FROM (SELECT least(frequency, n) AS x, floor(recency / 30)::int AS t, n
             FROM (SELECT *, floor(tenure / 30)::int AS n FROM btyd_fixture) m) f$$),
    ('bgbb_fit(int, int, int, float8)',
     $$SELECT bgbb_fit(x, CASE WHEN x = 0 THEN 0 ELSE greatest(x, t) END, n, 0.01)
       FROM (SELECT least(frequency, n) AS x, floor(recency / 30)::int AS t, n
             FROM (SELECT *, floor(tenure / 30)::int AS n FROM btyd_fixture) m) f$$);

-- purchases (SPEC §8)
CREATE TABLE purchases_parts AS
SELECT id % 20000 AS part, purchases_agg(customer_id, day, duration) AS purchases_s
FROM fixture GROUP BY 1;
ANALYZE purchases_parts;
INSERT INTO sample_calls
SELECT format('purchases_agg(%s, %s, %s)', i, a, m)::regprocedure,
       format('SELECT purchases_agg(%s, %s, %s) FROM fixture',
              CASE i WHEN 'bigint' THEN 'customer_id' WHEN 'text' THEN $$'c' || customer_id$$
                     ELSE 'md5(customer_id::text)::uuid' END,
              CASE a WHEN 'date' THEN 'day' ELSE 'at' END,
              CASE m WHEN 'numeric' THEN 'duration' ELSE 'duration::float8' END)
FROM unnest(ARRAY['bigint', 'text', 'uuid']) i, unnest(ARRAY['date', 'timestamptz']) a,
     unnest(ARRAY['numeric', 'float8']) m;
INSERT INTO sample_calls VALUES
    ('rollup(purchases)', 'SELECT rollup(purchases_s) FROM purchases_parts');

-- model checking against a holdout period (holdout.sql): a quarter of the
-- BTYD fixture's customers with holdout purchases, some NULL, and one model
-- per type, a constant (exact sums: the summaries are equal bit for bit)
CREATE TABLE holdout_fixture AS
SELECT customer_id, segment, frequency, recency, tenure,
       CASE WHEN customer_id % 101 = 0 THEN NULL ELSE (customer_id * 37 + frequency) % 4 END AS holdout,
       least(frequency, floor(tenure / 30)::int) AS x_bb,
       CASE WHEN frequency = 0 THEN 0
            ELSE greatest(least(frequency, floor(tenure / 30)::int), floor(recency / 30)::int) END AS tx_bb,
       floor(tenure / 30)::int AS n_bb
FROM btyd_fixture WHERE customer_id % 4 = 0;
ANALYZE holdout_fixture;
CREATE TABLE holdout_parts AS      -- a part per customer: pages enough for two workers
SELECT customer_id AS part,
       holdout_check(ROW(0.25, 30, 0.8, 2.5, NULL, NULL, NULL, NULL)::bgnbd_model,
                     frequency, recency, tenure, holdout, 90) AS holdout_s
FROM holdout_fixture GROUP BY 1;
ANALYZE holdout_parts;
INSERT INTO sample_calls VALUES
    ('holdout_check(bgnbd_model, int, float8, float8, bigint, float8)',
     $$SELECT holdout_check(ROW(0.25, 30, 0.8, 2.5, NULL, NULL, NULL, NULL)::bgnbd_model,
                            frequency, recency, tenure, holdout, 90) FROM holdout_fixture$$),
    ('holdout_check(pnbd_model, int, float8, float8, bigint, float8)',
     $$SELECT holdout_check(ROW(0.25, 30, 0.6, 40, NULL, NULL, NULL, NULL)::pnbd_model,
                            frequency, recency, tenure, holdout, 90) FROM holdout_fixture$$),
    ('holdout_check(mbgnbd_model, int, float8, float8, bigint, float8)',
     $$SELECT holdout_check(ROW(0.25, 30, 0.8, 2.5, NULL, NULL, NULL, NULL)::mbgnbd_model,
                            frequency, recency, tenure, holdout, 90) FROM holdout_fixture$$),
    ('holdout_check(bgbb_model, int, int, int, bigint, int)',
     $$SELECT holdout_check(ROW(1.2, 0.75, 0.66, 2.8, NULL, NULL, NULL, NULL)::bgbb_model,
                            x_bb, tx_bb, n_bb, least(holdout, 3), 3) FROM holdout_fixture$$),
    ('rollup(holdout_summary)', 'SELECT rollup(holdout_s) FROM holdout_parts');
INSERT INTO sample_calls VALUES
    ('holdout_check(bgnbd_model, int, float8, float8, bigint, float8)',
     $$SELECT segment, holdout_check(ROW(0.25, 30, 0.8, 2.5, NULL, NULL, NULL, NULL)::bgnbd_model,
                                     frequency, recency, tenure, holdout, 90)
       FROM holdout_fixture GROUP BY segment$$, 'enable_hashagg=off'),
    ('holdout_check(pnbd_model, int, float8, float8, bigint, float8)',
     $$SELECT segment, holdout_check(ROW(0.25, 30, 0.6, 40, NULL, NULL, NULL, NULL)::pnbd_model,
                                     frequency, recency, tenure, holdout, 90)
       FROM holdout_fixture GROUP BY segment$$, 'enable_sort=off');

-- aggregates without a sample call (none expected)
SELECT a.aggfnoid::regprocedure AS missing_sample_call
FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
WHERE p.pronamespace = 'retention'::regnamespace
  AND a.aggfnoid NOT IN (SELECT aggregate FROM sample_calls)
ORDER BY 1::text;

-- Runs the query under the current settings (and the call's setting),
-- storing its rows as one text in temp table parallel_result, and returns
-- what EXPLAIN ANALYZE saw of that run.
CREATE FUNCTION pg_temp.run(query text, setting text, OUT partial_plan boolean,
                            OUT workers_launched boolean, OUT rows_in_each_worker boolean)
LANGUAGE plpgsql AS $$
DECLARE
    plan jsonb;
    gather jsonb;
    partial jsonb;
BEGIN
    -- the calls run in one transaction: a call's setting must not outlive it
    PERFORM set_config('enable_sort', 'on', true), set_config('enable_hashagg', 'on', true);
    IF setting IS NOT NULL THEN
        PERFORM set_config(split_part(setting, '=', 1), split_part(setting, '=', 2), true);
    END IF;
    DROP TABLE IF EXISTS parallel_result;
    EXECUTE format('EXPLAIN (ANALYZE, VERBOSE, COSTS OFF, TIMING OFF, SUMMARY OFF, FORMAT JSON) '
                   'CREATE TEMP TABLE parallel_result AS '
                   'SELECT string_agg(r::text, %L ORDER BY r::text) AS result FROM (%s) r',
                   E'\n', query) INTO plan;
    partial_plan := false;
    workers_launched := false;
    rows_in_each_worker := false;
    FOR gather IN SELECT jsonb_path_query(plan, 'strict $.**?(@."Node Type" like_regex "^Gather")') LOOP
        workers_launched := (gather->>'Workers Planned')::int = 2 AND (gather->>'Workers Launched')::int = 2;
    END LOOP;
    FOR partial IN SELECT jsonb_path_query(plan, 'strict $.**?(@."Partial Mode" == "Partial")') LOOP
        partial_plan := true;
        -- the input of the partial aggregate, as each worker saw it
        rows_in_each_worker := workers_launched
            AND jsonb_array_length(partial->'Plans'->0->'Workers') = 2
            AND (SELECT bool_and((w->>'Actual Rows')::numeric > 0)
                 FROM jsonb_array_elements(partial->'Plans'->0->'Workers') w);
    END LOOP;
END $$;

SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE results (aggregate regprocedure, query text, setting text, serial text,
                           parallel text, partial_plan boolean, workers_launched boolean,
                           rows_in_each_worker boolean);
DO $$
DECLARE
    c record;
BEGIN
    FOR c IN SELECT * FROM sample_calls LOOP
        PERFORM pg_temp.run(c.query, c.setting);
        INSERT INTO results (aggregate, query, setting, serial)
        SELECT c.aggregate, c.query, c.setting, result FROM parallel_result;
    END LOOP;
END $$;

SET parallel_setup_cost = 0;
-- a fit's combine function declares the cost of a big merge (cpu_operator_cost
-- units), which keeps small tables' fits serial unless operators cost next to nothing
SET parallel_tuple_cost = 0.01;
SET cpu_operator_cost = 1e-8;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;

-- A run where one worker took every page before the other started proves
-- nothing: such a run is repeated, up to fifty times (a busy machine starts
-- the second worker late).
DO $$
DECLARE
    c record;
    seen record;
BEGIN
    FOR c IN SELECT * FROM results LOOP
        FOR attempt IN 1 .. 50 LOOP
            seen := pg_temp.run(c.query, c.setting);
            EXIT WHEN seen.rows_in_each_worker OR NOT seen.partial_plan;
        END LOOP;
        UPDATE results SET parallel = (SELECT result FROM parallel_result),
                           partial_plan = seen.partial_plan, workers_launched = seen.workers_launched,
                           rows_in_each_worker = seen.rows_in_each_worker
        WHERE (aggregate, query, setting) IS NOT DISTINCT FROM (c.aggregate, c.query, c.setting);
    END LOOP;
END $$;

SELECT aggregate, setting, partial_plan, workers_launched, rows_in_each_worker,
       serial IS NOT NULL AS has_result,
       parallel IS NOT DISTINCT FROM serial AS parallel_equals_serial
FROM results
ORDER BY aggregate::text, query, setting;
