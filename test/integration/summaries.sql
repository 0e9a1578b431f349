-- Materialized views holding every summary type of the extension, a table
-- holding one stored value of each (dumped as text, not recomputed), and one
-- view of every accessor's answers on them, as text.  Used by the dump/
-- restore and upgrade tests: the answers must be identical before and after.
-- The transition states that no aggregate of the extension returns
-- (churn_summary of churn_rate, btyd_histogram of the fits) are kept by
-- aggregates of their own over the extension's support functions.
SET search_path = public, retention;
SELECT setseed(0.77) \g /dev/null

CREATE TABLE answers AS
SELECT DATE '2024-01-01' + (i % 90) AS day,
       floor(random() * 11)::int AS nps_score,
       1 + floor(random() * 5)::int AS csat_score,
       floor(random() * 400)::float8 AS duration,
       random() < 0.7 AS churned
FROM generate_series(1, 5000) i;

CREATE AGGREGATE churn_state(date, date, date, date) (
    SFUNC = churn_agg_transfn, STYPE = churn_summary, COMBINEFUNC = churn_agg_combinefn);
CREATE AGGREGATE bgnbd_histogram(int, float8, float8) (
    SFUNC = bgnbd_fit_transfn, STYPE = btyd_histogram, COMBINEFUNC = btyd_histogram_combinefn);
CREATE AGGREGATE gammagamma_histogram(int, float8) (
    SFUNC = gammagamma_fit_transfn, STYPE = btyd_histogram, COMBINEFUNC = btyd_histogram_combinefn);
CREATE AGGREGATE histogram_rollup(btyd_histogram) (
    SFUNC = btyd_histogram_combinefn, STYPE = btyd_histogram);
CREATE AGGREGATE churn_rollup(churn_summary) (SFUNC = churn_agg_combinefn, STYPE = churn_summary);

CREATE TABLE btyd_customers AS
SELECT customer_id, frequency, floor(recency) AS recency, floor(tenure) AS tenure,
       round(monetary_value::numeric, 2)::float8 AS monetary_value
FROM btyd_simulate(3000, 0.25, 30, 0.8, 2.5, 30, 400, 6, 4, 15, 7);

CREATE MATERIALIZED VIEW nps_daily AS
SELECT day, nps_agg(nps_score) AS summary FROM answers GROUP BY day;
CREATE MATERIALIZED VIEW csat_daily AS
SELECT day, csat_agg(csat_score) AS summary, csat_agg(csat_score, 7) AS summary7
FROM answers GROUP BY day;

CREATE MATERIALIZED VIEW survival_daily AS
SELECT day, survival_agg(duration, churned) AS summary FROM answers GROUP BY day;

CREATE MATERIALIZED VIEW rfm_customers AS
SELECT (day - DATE '2024-01-01') % 37 AS customer_id,
       rfm_agg(day, (duration / 3)::numeric(10, 2), DATE '2024-03-15') AS summary
FROM answers GROUP BY 1;

CREATE MATERIALIZED VIEW activity_daily AS
SELECT day, activity_agg((i_customer % 300)::bigint, day) AS summary
FROM (SELECT *, (row_number() OVER ())::int * 7919 AS i_customer FROM answers) a
GROUP BY day;

-- churn_summary per month (issue 19): churn_agg from 0.2 on; on 0.1, which
-- has no aggregate returning it, the same counts through the text form
CREATE TABLE subscriptions AS
SELECT i AS id, DATE '2024-01-01' + (i * 7) % 120 - 30 AS started,
       CASE WHEN i % 4 = 0 THEN NULL ELSE DATE '2024-01-01' + (i * 7) % 120 - 30 + (i * 11) % 90 END AS ended
FROM generate_series(1, 2000) i;
DO $$
BEGIN
    IF to_regprocedure('retention.churn_agg(date, date, daterange)') IS NOT NULL THEN
        EXECUTE $q$CREATE MATERIALIZED VIEW churn_monthly AS
            SELECT lower(p) AS month, churn_agg(started, ended, p) AS summary
            FROM subscriptions, (SELECT daterange(m::date, (m + interval '1 month')::date) AS p
                                 FROM generate_series(DATE '2024-01-01', '2024-04-01', '1 month') m) x
            GROUP BY p$q$;
    ELSE
        EXECUTE $q$CREATE MATERIALIZED VIEW churn_monthly AS
            SELECT m AS month,
                   format('v1 period_start=%s period_end=%s customers_start=%s churned=%s',
                          to_char(m, 'YYYY-MM-DD'), to_char(n, 'YYYY-MM-DD'),
                          count(*) FILTER (WHERE started <= m AND (ended IS NULL OR m < ended)),
                          count(*) FILTER (WHERE started <= m AND m < ended AND ended <= n))::churn_summary AS summary
            FROM subscriptions, (SELECT m::date, (m + interval '1 month')::date AS n
                                 FROM generate_series(DATE '2024-01-01', '2024-04-01', '1 month') m) x
            GROUP BY m, n$q$;
    END IF;
END $$;

-- fitted models (composite values): a model stored by one release must read
-- in the next, where its type may have gained fields (NULL for it)
CREATE MATERIALIZED VIEW btyd_models AS
SELECT bgnbd_fit(frequency, recency, tenure) AS bg, gammagamma_fit(frequency, monetary_value) AS gg
FROM btyd_simulate(3000, 0.25, 30, 0.8, 2.5, 30, 400, seed => 5);

CREATE MATERIALIZED VIEW churn_daily AS
SELECT day, churn_state(day - 200, CASE WHEN churned THEN day - 200 + duration::int END,
                        DATE '2023-09-01', DATE '2023-11-30') AS summary
FROM answers GROUP BY day;

CREATE MATERIALIZED VIEW btyd_weekly AS
SELECT customer_id % 7 AS weekday, bgnbd_histogram(frequency, recency, tenure) AS bgnbd,
       gammagamma_histogram(frequency, monetary_value) AS gammagamma
FROM btyd_customers GROUP BY 1;

-- one stored value of every summary type, dumped as its text form
CREATE TABLE stored_summaries AS
SELECT (SELECT nps_agg(nps_score) FROM answers) AS nps,
       (SELECT csat_agg(csat_score) FROM answers) AS csat,
       (SELECT churn_state(day - 200, CASE WHEN churned THEN day - 200 + duration::int END,
                           DATE '2023-09-01', DATE '2023-11-30') FROM answers) AS churn,
       (SELECT survival_agg(duration, churned) FROM answers) AS survival,
       (SELECT rfm_agg(day, (duration / 3)::numeric(10, 2), DATE '2024-03-15') FROM answers) AS rfm,
       (SELECT activity_agg((duration * 7)::bigint % 300, day) FROM answers) AS activity,
       (SELECT bgnbd_histogram(frequency, recency, tenure) FROM btyd_customers) AS bgnbd,
       (SELECT gammagamma_histogram(frequency, monetary_value) FROM btyd_customers) AS gammagamma;

-- The fields a model had in 0.1, so that answers compare across releases
-- whose model types gained fields (0.2: the covariance of the estimates).
CREATE FUNCTION bgnbd_fields(m bgnbd_model) RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT concat_ws(',', m.r, m.alpha, m.a, m.b, m.log_likelihood, m.customers, m.converged) $$;
CREATE FUNCTION gammagamma_fields(m gammagamma_model) RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT concat_ws(',', m.p, m.q, m.v, m.log_likelihood, m.customers, m.converged) $$;

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
FROM survival_daily GROUP BY 2
UNION ALL
SELECT 'rfm', customer_id::text, concat_ws(' ', summary, rfm(summary))
FROM rfm_customers
UNION ALL
SELECT 'rfm rollup', (customer_id % 2)::text, concat_ws(' ', rollup(summary), rfm(rollup(summary)))
FROM rfm_customers GROUP BY 2
UNION ALL
SELECT 'activity', day::text, concat_ws(' ', summary, customers(summary), repeat_purchase_rate(summary))
FROM activity_daily
UNION ALL
SELECT 'activity rollup ' || p, c::text, c::text
FROM (SELECT rollup(summary) AS a FROM activity_daily) x,
     unnest(ARRAY['month', 'week_sunday', '30 days']) p,
     LATERAL cohort_retention(a, p) c
UNION ALL
SELECT 'lifecycle', l::text, l::text FROM (SELECT rollup(summary) AS a FROM activity_daily) x, lifecycle(a, 'week') l
UNION ALL
SELECT 'period retention', r::text, r::text FROM (SELECT rollup(summary) AS a FROM activity_daily) x, period_retention(a) r
UNION ALL
SELECT 'stickiness', s::text, s::text FROM (SELECT rollup(summary) AS a FROM activity_daily) x, stickiness(a, 'day', 'month') s
UNION ALL
SELECT 'churn monthly', month::text, summary::text FROM churn_monthly
UNION ALL
SELECT 'btyd models', x::text,
       concat_ws(' ', round((bg).r::numeric, 6), round((bg).alpha::numeric, 4), (bg).customers, (bg).converged,
                 round(p_alive(bg, x, 3.0 * x, 200)::numeric, 10),
                 round(expected_purchases(bg, 30, x, 3.0 * x, 200)::numeric, 10),
                 round(expected_spend(gg, x, 20)::numeric, 8), round((gg).q::numeric, 6))
FROM btyd_models, generate_series(0, 4) x
UNION ALL
SELECT 'churn', day::text,
       concat_ws(' ', summary, churn_agg_churn_finalfn(summary), churn_agg_retention_finalfn(summary))
FROM churn_daily
UNION ALL
SELECT 'churn rollup', date_trunc('month', day)::date::text,
       concat_ws(' ', churn_rollup(summary), churn_agg_churn_finalfn(churn_rollup(summary)))
FROM churn_daily GROUP BY 2
UNION ALL
SELECT 'btyd histogram', weekday::text, concat_ws(' ', bgnbd, gammagamma) FROM btyd_weekly
UNION ALL
SELECT 'btyd fits', 'all weekdays',
       concat_ws(' ', bgnbd_fields(bgnbd_fit_finalfn(histogram_rollup(bgnbd))),
                 gammagamma_fields(gammagamma_fit_finalfn(histogram_rollup(gammagamma))))
FROM btyd_weekly
UNION ALL
SELECT 'stored', 'text forms', concat_ws(' ', nps, csat, churn, survival, rfm, activity, bgnbd, gammagamma)
FROM stored_summaries
UNION ALL
SELECT 'stored', 'answers',
       concat_ws(' ', nps(nps), csat(csat), churn_agg_churn_finalfn(churn), median_lifetime(survival), rfm(rfm),
                 customers(activity), bgnbd_fields(bgnbd_fit_finalfn(bgnbd)),
                 gammagamma_fields(gammagamma_fit_finalfn(gammagamma)))
FROM stored_summaries;

-- subscription economics (SPEC §10, release 0.2): only where the extension
-- has it, so that the upgrade test can build these views on 0.1 too
DO $$
BEGIN
    IF to_regtype('retention.mrr_summary') IS NULL THEN
        RETURN;
    END IF;
    CREATE MATERIALIZED VIEW mrr_daily AS
    SELECT day, mrr_agg((i_customer % 300)::bigint, day, day + (i_customer % 200)::int,
                        (duration / 4)::numeric(10, 2)) AS summary
    FROM (SELECT *, (row_number() OVER ())::int * 7919 AS i_customer FROM answers) a
    GROUP BY day;
    CREATE TABLE stored_mrr AS SELECT rollup(summary) AS summary FROM mrr_daily;
    EXECUTE format('CREATE OR REPLACE VIEW accessor_answers AS %s UNION ALL %s',
                   rtrim(pg_get_viewdef('accessor_answers'::regclass), E'; \n'),
                   $q$SELECT 'mrr', day::text, summary::text FROM mrr_daily
                      UNION ALL
                      SELECT 'mrr movements', m::text, m::text
                      FROM (SELECT rollup(summary) AS s FROM mrr_daily) x, mrr_movements(s, 'week') m
                      UNION ALL
                      SELECT 'mrr stored', m::text, m::text FROM stored_mrr, mrr_movements(summary, 'month') m$q$);
END $$;

-- purchases (SPEC §8, release 0.2), likewise only where the extension has it
DO $$
BEGIN
    IF to_regtype('retention.purchases') IS NULL THEN
        RETURN;
    END IF;
    CREATE MATERIALIZED VIEW purchases_daily AS
    SELECT day, purchases_agg((duration * 7)::bigint % 300, day, (duration / 3)::numeric(10, 2)) AS summary
    FROM answers GROUP BY day;
    CREATE TABLE stored_purchases AS SELECT rollup(summary) AS summary FROM purchases_daily;
    EXECUTE format('CREATE OR REPLACE VIEW accessor_answers AS %s UNION ALL %s',
                   rtrim(pg_get_viewdef('accessor_answers'::regclass), E'; \n'),
                   $q$SELECT 'purchases', day::text, summary::text FROM purchases_daily
                      UNION ALL
                      SELECT 'purchases rfm', r::text, r::text
                      FROM stored_purchases, customer_rfm(NULL::bigint, summary, DATE '2024-03-31') r
                      UNION ALL
                      SELECT 'purchases revenue', c::text, c::text
                      FROM stored_purchases, cohort_revenue(summary, 'month') c$q$);
END $$;

-- model checking against a holdout period (SPEC §9, release 0.2), likewise
-- only where the extension has it
DO $$
BEGIN
    IF to_regtype('retention.holdout_summary') IS NULL THEN
        RETURN;
    END IF;
    CREATE MATERIALIZED VIEW holdout_weekly AS
    SELECT customer_id % 7 AS weekday,
           holdout_check(ROW(0.25, 30, 0.8, 2.5, NULL, NULL, NULL, NULL)::bgnbd_model,
                         frequency, recency, tenure, (customer_id * 37 + frequency)::int % 4, 90) AS summary
    FROM btyd_customers GROUP BY 1;
    CREATE TABLE stored_holdout AS SELECT rollup(summary) AS summary FROM holdout_weekly;
    EXECUTE format('CREATE OR REPLACE VIEW accessor_answers AS %s UNION ALL %s',
                   rtrim(pg_get_viewdef('accessor_answers'::regclass), E'; \n'),
                   $q$SELECT 'holdout', weekday::text, summary::text FROM holdout_weekly
                      UNION ALL
                      SELECT 'holdout by frequency', h::text, h::text
                      FROM stored_holdout, holdout_by_frequency(summary, 5) h
                      UNION ALL
                      SELECT 'holdout error', e::text, e::text FROM stored_holdout, holdout_error(summary) e$q$);
END $$;

-- rfm with float8 amounts (issue 18: summed exactly from release 0.2 on, in
-- rfm_state's format version 2; stored states of version 1 answer as they did)
CREATE MATERIALIZED VIEW rfm_float_customers AS
SELECT (day - DATE '2024-01-01') % 37 AS customer_id,
       rfm_agg(day, duration / 7, DATE '2024-03-15') AS summary
FROM answers GROUP BY 1;
DO $$
BEGIN
    EXECUTE format('CREATE OR REPLACE VIEW accessor_answers AS %s UNION ALL %s',
                   rtrim(pg_get_viewdef('accessor_answers'::regclass), E'; \n'),
                   $q$SELECT 'rfm float8', customer_id::text, concat_ws(' ', summary, rfm(summary))
                      FROM rfm_float_customers
                      UNION ALL
                      SELECT 'rfm float8 rollup', (customer_id % 2)::text,
                             concat_ws(' ', rollup(summary), rfm(rollup(summary)))
                      FROM rfm_float_customers GROUP BY 2$q$);
END $$;
