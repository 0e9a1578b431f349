-- Demo report: survey KPIs.
\pset footer off
\echo
\echo '== Customer voice: NPS and CSAT =='
\echo
\echo 'NPS over both years, with its 95 % confidence interval'
SELECT round(retention.nps(s)::numeric, 1) AS nps,
       round(retention.nps_lower(s)::numeric, 1) AS "95 % from",
       round(retention.nps_upper(s)::numeric, 1) AS "95 % to",
       retention.promoters(s) AS promoters, retention.passives(s) AS passives,
       retention.detractors(s) AS detractors, retention.responses(s) AS responses
FROM (SELECT retention.nps_agg(score) AS s FROM shop.nps_answers) x;

\echo 'NPS per quarter, rolled up from monthly summaries (as a materialized view would keep them)'
WITH monthly AS (
    SELECT date_trunc('month', answered_on)::date AS month, retention.nps_agg(score) AS s
    FROM shop.nps_answers GROUP BY 1
)
SELECT date_trunc('quarter', month)::date AS quarter,
       round(retention.nps(retention.rollup(s))::numeric, 1) AS nps,
       round(retention.nps_lower(retention.rollup(s))::numeric, 1) AS "95 % from",
       round(retention.nps_upper(retention.rollup(s))::numeric, 1) AS "95 % to",
       retention.responses(retention.rollup(s)) AS responses
FROM monthly GROUP BY 1 ORDER BY 1;

\echo 'CSAT per channel (share of 4 and 5 on a 1-5 scale)'
SELECT channel,
       round(retention.csat(s)::numeric, 3) AS csat,
       round(retention.mean_score(s)::numeric, 2) AS mean_score,
       retention.responses(s) AS responses
FROM (SELECT channel, retention.csat_agg(score) AS s FROM shop.csat_answers GROUP BY 1) x
ORDER BY channel;
