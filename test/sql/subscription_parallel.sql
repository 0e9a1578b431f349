-- churn_rate, retention_rate, survival_agg and rollup(survival) under a
-- forced parallel plan equal the serial run.
SET search_path = public, retention;
SET extra_float_digits = 0;
SET TimeZone = 'UTC';

CREATE TABLE subscriptions (id int, plan int, started date, ended date,
                            started_at timestamptz, ended_at timestamptz);
INSERT INTO subscriptions
SELECT i, i % 3, s, e, s + time '10:00', e + time '23:30'
FROM (SELECT i, DATE '2022-01-01' + ((i::bigint * 7919) % 900)::int AS s,
             CASE WHEN i % 5 = 0 THEN NULL
                  ELSE DATE '2022-01-01' + ((i::bigint * 7919) % 900 + (i::bigint * 104729) % 500)::int END AS e
      FROM generate_series(1, 200000) i) x;
ANALYZE subscriptions;

CREATE VIEW subscription_kpis AS
SELECT plan,
       churn_rate(started, ended, '2024-01-01', '2024-03-31') AS churn,
       retention_rate(started, ended, '2024-01-01', '2024-03-31') AS retention,
       churn_rate(started_at, ended_at, TIMESTAMPTZ '2024-01-01 00:00+00', TIMESTAMPTZ '2024-03-31 00:00+00') AS churn_tz,
       survival_agg(coalesce(ended, DATE '2024-06-30') - started, ended IS NOT NULL)::text AS survival,
       median_lifetime(survival_agg(coalesce(ended, DATE '2024-06-30') - started, ended IS NOT NULL)) AS median
FROM subscriptions GROUP BY ROLLUP (plan);

-- summaries of 50 parts, as a materialized view would keep them
CREATE TABLE survival_parts AS
SELECT id % 50 AS part, survival_agg(coalesce(ended, DATE '2024-06-30') - started, ended IS NOT NULL) AS s
FROM subscriptions GROUP BY 1;
ANALYZE survival_parts;
CREATE VIEW survival_rollup AS SELECT rollup(s)::text AS survival FROM survival_parts;

SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial_kpis AS SELECT * FROM subscription_kpis;
CREATE TEMP TABLE serial_rollup AS SELECT * FROM survival_rollup;
CREATE TEMP TABLE serial_distinct AS
SELECT survival_agg(id / 7.0, id % 3 = 0)::text AS s FROM subscriptions;
SELECT plan, churn, retention, churn_tz, length(survival) AS survival_text, median
FROM serial_kpis ORDER BY plan;

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;

-- each aggregate runs as Partial Aggregate in the workers
EXPLAIN (COSTS OFF)
SELECT churn_rate(started, ended, '2024-01-01', '2024-03-31'),
       retention_rate(started_at, ended_at, TIMESTAMPTZ '2024-01-01 00:00+00', TIMESTAMPTZ '2024-03-31 00:00+00')
FROM subscriptions;
EXPLAIN (COSTS OFF)
SELECT survival_agg(coalesce(ended, DATE '2024-06-30') - started, ended IS NOT NULL) FROM subscriptions;
EXPLAIN (COSTS OFF) SELECT rollup(s) FROM survival_parts;

SELECT churn_rate(started, ended, '2024-01-01', '2024-03-31'),
       retention_rate(started_at, ended_at, TIMESTAMPTZ '2024-01-01 00:00+00', TIMESTAMPTZ '2024-03-31 00:00+00'),
       median_lifetime(survival_agg(coalesce(ended, DATE '2024-06-30') - started, ended IS NOT NULL))
FROM subscriptions;

-- identical results, grouped and ungrouped
SELECT (SELECT count(*) FROM subscription_kpis) AS parallel_rows,
       (SELECT count(*) FROM (TABLE serial_kpis EXCEPT ALL SELECT * FROM subscription_kpis) a) +
       (SELECT count(*) FROM (SELECT * FROM subscription_kpis EXCEPT ALL TABLE serial_kpis) b) AS differing;
SELECT s.survival = p.survival AS rollups_identical,
       s.survival = (SELECT survival FROM serial_kpis WHERE plan IS NULL) AS rollup_equals_direct
FROM serial_rollup s, survival_rollup p;
-- many distinct durations (each row its own): identical summary, and as many
-- entries as distinct durations
SELECT survival_agg(id / 7.0, id % 3 = 0)::text = (SELECT s FROM serial_distinct) AS distinct_identical,
       substring(survival_agg(id / 7.0, id % 3 = 0)::text from 'n=([0-9]+)')::bigint
       = count(DISTINCT (id / 7.0)::float8) AS entries_ok
FROM subscriptions;
