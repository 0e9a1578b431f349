-- Every way the executor stores, copies, sorts and frees a summary, for every
-- summary type with a rollup: the answers must equal direct aggregation.
-- (The BTYD histograms have no rollup: their partial states are shipped
-- between parallel workers, checked at the end and in parallel_all.)
--
-- The paths differ between PostgreSQL versions in where memory comes from:
-- 17 and 18 form sort tuples in a bump context that cannot free a chunk,
-- hash aggregation spills and reloads states, window aggregates copy each
-- result, and values read from a table arrive with short or compressed
-- headers.  A summary that frees, reallocates or keeps memory it does not
-- own fails here (with assertion-enabled and valgrind servers, loudly).
SET search_path = public, retention;

-- Rows of each kind: 240 days, some days with thousands of rows so that
-- their summaries are compressed or stored out of line.
CREATE TABLE rows AS
SELECT DATE '2023-01-01' + d AS day,
       (i * 7919 + d * 31) % (CASE WHEN d % 40 = 0 THEN 4000 ELSE 60 END) AS customer_id,
       (i * 13 + d) % 11 AS score,
       1 + (i * 17 + d) % 5 AS csat_score,
       ((i * 37 + d * 11) % 500)::float8 AS duration,
       (i + d) % 3 <> 0 AS churned,
       ((i * 53 + d) % 9000) / 100.0 AS amount
FROM generate_series(0, 239) d,
     LATERAL generate_series(1, CASE WHEN d % 40 = 0 THEN 2000 ELSE 20 END) i;
ANALYZE rows;

-- One customer's purchases on 900 days (a large rfm_state).
CREATE TABLE purchases AS
SELECT c AS customer_id, DATE '2021-01-01' + d AS day, (c * 7 + d % 13)::numeric AS amount
FROM generate_series(0, 2) c, generate_series(0, 899) d
WHERE c = 0 OR d % 5 = 0;
ANALYZE purchases;

-- check_paths(rows, aggregate, coarse key, filter for the ungrouped case):
-- the summaries per (coarse key, day) are stored in a table, then rolled up
-- in each way; each answer is compared with the aggregate over the rows.
CREATE FUNCTION check_paths(source text, agg text, coarse text)
RETURNS TABLE (path text, ok boolean) LANGUAGE plpgsql AS $fn$
DECLARE
    direct_all text;
    direct_by_key text;
    got text;
    prefix_ok boolean;
BEGIN
    EXECUTE format('CREATE TEMP TABLE daily AS
                    SELECT %s AS key, day, %s AS s FROM %s GROUP BY 1, 2', coarse, agg, source);
    EXECUTE format('SELECT (%s)::text FROM %s', agg, source) INTO direct_all;
    EXECUTE format('SELECT string_agg(key || '':'' || s::text, '' '' ORDER BY key)
                    FROM (SELECT %s AS key, %s AS s FROM %s GROUP BY 1) g', coarse, agg, source)
        INTO direct_by_key;

    -- stored summaries (short, compressed and out-of-line headers)
    SELECT rollup(s)::text INTO got FROM daily;
    path := 'stored, ungrouped'; ok := got = direct_all; RETURN NEXT;

    PERFORM set_config('enable_hashagg', 'off', true);
    SELECT string_agg(key || ':' || r::text, ' ' ORDER BY key) INTO got
    FROM (SELECT key, rollup(s) AS r FROM daily GROUP BY key) g;
    path := 'stored, grouped by sorting'; ok := got = direct_by_key; RETURN NEXT;
    PERFORM set_config('enable_hashagg', 'on', true);

    PERFORM set_config('enable_sort', 'off', true);
    PERFORM set_config('work_mem', '64kB', true);
    SELECT string_agg(key || ':' || r::text, ' ' ORDER BY key) INTO got
    FROM (SELECT key, rollup(s) AS r FROM daily GROUP BY key) g;
    path := 'stored, grouped by hashing, spilled'; ok := got = direct_by_key; RETURN NEXT;
    PERFORM set_config('enable_sort', 'on', true);
    PERFORM set_config('work_mem', '4MB', true);

    -- summaries made by an inner aggregate and passed on without being stored
    PERFORM set_config('enable_hashagg', 'off', true);
    EXECUTE format('SELECT string_agg(key || '':'' || r::text, '' '' ORDER BY key)
                    FROM (SELECT key, rollup(s) AS r
                          FROM (SELECT %s AS key, day, %s AS s FROM %s GROUP BY 1, 2) d
                          GROUP BY key) g', coarse, agg, source) INTO got;
    path := 'inner aggregate, sorted into groups'; ok := got = direct_by_key; RETURN NEXT;
    PERFORM set_config('enable_hashagg', 'on', true);

    EXECUTE format('SELECT rollup(s ORDER BY day DESC)::text
                    FROM (SELECT day, %s AS s FROM %s GROUP BY day) d', agg, source) INTO got;
    path := 'inner aggregate, sorted as datums'; ok := got = direct_all; RETURN NEXT;

    EXECUTE format('SELECT rollup(s)::text
                    FROM (SELECT day, %s AS s FROM %s GROUP BY day ORDER BY day DESC LIMIT 100000) d',
                   agg, source) INTO got;
    path := 'inner aggregate, rows sorted'; ok := got = direct_all; RETURN NEXT;

    EXECUTE format('WITH d AS MATERIALIZED (SELECT day, %s AS s FROM %s GROUP BY day)
                    SELECT rollup(a.s)::text FROM d a JOIN d b USING (day)', agg, source) INTO got;
    path := 'inner aggregate, materialized and joined'; ok := got = direct_all; RETURN NEXT;

    -- window aggregates: a moving frame restarts the aggregate for every row,
    -- a growing frame keeps it and copies each result; each must equal the
    -- grouped rollup of the same days (itself checked against the rows above)
    SELECT bool_and(w.r::text = g.r::text) INTO prefix_ok
    FROM (SELECT key, day, rollup(s) OVER (PARTITION BY key ORDER BY day
                                           RANGE BETWEEN interval '6 days' PRECEDING AND CURRENT ROW) AS r
          FROM daily) w
    JOIN (SELECT a.key, a.day, rollup(b.s) AS r FROM daily a
          JOIN daily b ON b.key = a.key AND b.day BETWEEN a.day - 6 AND a.day
          GROUP BY a.key, a.day) g USING (key, day);
    path := 'window, moving frame'; ok := prefix_ok; RETURN NEXT;

    SELECT bool_and(w.r::text = g.r::text) INTO prefix_ok
    FROM (SELECT key, day, rollup(s) OVER (PARTITION BY key ORDER BY day) AS r FROM daily) w
    JOIN (SELECT a.key, a.day, rollup(b.s) AS r FROM daily a
          JOIN daily b ON b.key = a.key AND b.day <= a.day
          WHERE extract(doy FROM a.day)::int % 25 = 0   -- some of the days: n^2 otherwise
          GROUP BY a.key, a.day) g USING (key, day);
    path := 'window, growing frame'; ok := prefix_ok; RETURN NEXT;

    DROP TABLE daily;
END
$fn$;

SELECT 'nps_summary' AS type, * FROM check_paths('rows', 'nps_agg(score)', 'date_trunc(''month'', day)::date');
SELECT 'csat_summary' AS type, * FROM check_paths('rows', 'csat_agg(csat_score, 5)', 'date_trunc(''month'', day)::date');
SELECT 'activity bigint' AS type, * FROM check_paths('rows', 'activity_agg(customer_id::bigint, day)', 'date_trunc(''month'', day)::date');
SELECT 'activity text' AS type, * FROM check_paths('rows', 'activity_agg(''c'' || customer_id, day)', 'date_trunc(''month'', day)::date');
SELECT 'activity uuid' AS type, * FROM check_paths('rows', 'activity_agg(md5(customer_id::text)::uuid, day)', 'date_trunc(''month'', day)::date');
SELECT 'survival' AS type, * FROM check_paths('rows', 'survival_agg(duration, churned)', 'date_trunc(''month'', day)::date');
SELECT 'rfm_state' AS type, * FROM check_paths('purchases', 'rfm_agg(day, amount, DATE ''2023-12-31'')', 'customer_id');
SELECT 'purchases' AS type, * FROM check_paths('rows', 'purchases_agg(customer_id::bigint, day, amount)', 'date_trunc(''month'', day)::date');
SELECT 'purchases text' AS type, * FROM check_paths('rows', 'purchases_agg(''c'' || customer_id, day, amount::float8)', 'date_trunc(''month'', day)::date');
SELECT 'mrr_summary' AS type, * FROM check_paths('rows', 'mrr_agg(customer_id::bigint, day, day + 30, amount)', 'date_trunc(''month'', day)::date');
SELECT 'churn_summary' AS type, * FROM check_paths('rows', 'churn_agg(day, CASE WHEN churned THEN day + duration::int END, daterange(''2023-03-01'', ''2023-06-01''))', 'date_trunc(''month'', day)::date');
SELECT 'holdout_summary' AS type, * FROM check_paths('rows', 'holdout_check(ROW(0.25, 30, 0.8, 2.5, NULL, NULL, NULL, NULL)::bgnbd_model, score, CASE WHEN score = 0 THEN 0 ELSE duration END, duration + 10, csat_score, 30)', 'date_trunc(''month'', day)::date');

-- Partial states shipped from parallel workers through tuple queues, and
-- combined in the leader, grouped and not.
CREATE TABLE daily_all AS
SELECT day, nps_agg(score) AS nps_s, csat_agg(csat_score, 5) AS csat_s,
       activity_agg(customer_id::bigint, day) AS act_s, activity_agg('c' || customer_id, day) AS act_text_s,
       survival_agg(duration, churned) AS surv_s
FROM rows GROUP BY day;
ANALYZE daily_all;
CREATE VIEW parallel_answers AS
SELECT 'direct' AS how, md5(nps_agg(score)::text || csat_agg(csat_score, 5)::text ||
                            activity_agg(customer_id::bigint, day)::text ||
                            activity_agg('c' || customer_id, day)::text ||
                            survival_agg(duration, churned)::text) AS answer
FROM rows
UNION ALL
SELECT 'rollup', md5(rollup(nps_s)::text || rollup(csat_s)::text || rollup(act_s)::text ||
                     rollup(act_text_s)::text || rollup(surv_s)::text)
FROM daily_all
UNION ALL
SELECT 'rollup by month', md5(string_agg(m::text || a, ' ' ORDER BY m))
FROM (SELECT date_trunc('month', day) AS m,
             rollup(nps_s)::text || rollup(act_s)::text || rollup(surv_s)::text AS a
      FROM daily_all GROUP BY 1) g;

SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial_answers AS SELECT * FROM parallel_answers;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SELECT how, s.answer = p.answer AS parallel_equals_serial
FROM serial_answers s JOIN parallel_answers p USING (how) ORDER BY how;
SELECT (SELECT answer FROM serial_answers WHERE how = 'direct') =
       (SELECT answer FROM serial_answers WHERE how = 'rollup') AS rollup_equals_direct;
