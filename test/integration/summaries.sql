-- Materialized views holding every summary type of the extension, and one
-- view of every accessor's answers on them, as text.  Used by the dump/
-- restore and upgrade tests: the answers must be identical before and after.
SET search_path = public, retention;
SELECT setseed(0.77) \g /dev/null

CREATE TABLE answers AS
SELECT DATE '2024-01-01' + (i % 90) AS day,
       floor(random() * 11)::int AS nps_score,
       1 + floor(random() * 5)::int AS csat_score,
       floor(random() * 400)::float8 AS duration,
       random() < 0.7 AS churned
FROM generate_series(1, 5000) i;

CREATE MATERIALIZED VIEW nps_daily AS
SELECT day, nps_agg(nps_score) AS summary FROM answers GROUP BY day;
CREATE MATERIALIZED VIEW csat_daily AS
SELECT day, csat_agg(csat_score) AS summary, csat_agg(csat_score, 7) AS summary7
FROM answers GROUP BY day;

CREATE MATERIALIZED VIEW survival_daily AS
SELECT day, survival_agg(duration, churned) AS summary FROM answers GROUP BY day;

CREATE VIEW accessor_answers AS
SELECT 'nps' AS area, day::text AS key,
       concat_ws(' ', summary, nps(summary), promoters(summary), passives(summary),
                 detractors(summary), responses(summary), nps_margin(summary)) AS answer
FROM nps_daily
UNION ALL
SELECT 'nps rollup', date_trunc('month', day)::date::text,
       concat_ws(' ', rollup(summary), nps(rollup(summary)))
FROM nps_daily GROUP BY 2
UNION ALL
SELECT 'csat', day::text,
       concat_ws(' ', summary, summary7, csat(summary), responses(summary), mean_score(summary))
FROM csat_daily
UNION ALL
SELECT 'csat rollup', date_trunc('month', day)::date::text,
       concat_ws(' ', rollup(summary), csat(rollup(summary)))
FROM csat_daily GROUP BY 2
UNION ALL
SELECT 'survival', day::text,
       concat_ws(' ', summary, median_lifetime(summary), mean_lifetime(summary, 200),
                 (SELECT string_agg(c::text, ';') FROM survival_curve(summary) c))
FROM survival_daily
UNION ALL
SELECT 'survival rollup', date_trunc('month', day)::date::text,
       concat_ws(' ', rollup(summary), median_lifetime(rollup(summary)))
FROM survival_daily GROUP BY 2;
