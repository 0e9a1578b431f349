-- Retention as product teams define it (SPEC §7), on small data sets whose
-- every answer is worked out by hand in the comments.
CREATE SCHEMA product_retention;
SET search_path = product_retention, public, retention;
SET extra_float_digits = 0;
SET DateStyle = 'ISO, YMD';

-- ---- cohort_retention: 'on' and 'on_or_after' (SPEC §7's example) ----
-- Daily cohort of 2024-01-01 (day 0): customer 1 active on days 0 and 5,
-- customer 2 on days 0 and 1, customer 3 on days 0 and 3; customer 4 comes
-- on day 6 only, so the data runs to day 6 (offsets 0-6 for the first cohort).
CREATE TABLE example AS
SELECT activity_agg(c::bigint, DATE '2024-01-01' + d) AS a
FROM (VALUES (1, 0), (1, 5), (2, 0), (2, 1), (3, 0), (3, 3), (4, 6)) v(c, d);
-- 'on': 1, 1/3, 0, 1/3, 0, 1/3, 0
SELECT period_offset, active, round(retention::numeric, 4) AS retention, complete
FROM cohort_retention((SELECT a FROM example), 'day')
WHERE cohort = DATE '2024-01-01';
-- 'on_or_after': active at k when active at k or later: 1, 1, 2/3, 2/3, 1/3, 1/3, 0
SELECT period_offset, active, round(retention::numeric, 4) AS retention, complete
FROM cohort_retention((SELECT a FROM example), 'day', 'on_or_after')
WHERE cohort = DATE '2024-01-01';
-- the same summary as starts and returns is the one-summary form
SELECT (SELECT array_agg(c ORDER BY c) FROM cohort_retention((SELECT a FROM example), (SELECT a FROM example), 'day', m) c)
     = (SELECT array_agg(c ORDER BY c) FROM cohort_retention((SELECT a FROM example), 'day', m) c) AS same
FROM unnest(ARRAY['on', 'on_or_after']) m;
-- 'N days' with a mode: offsets of 2 days from each first day, cohorts by
-- day.  Cohort day 0: offset 0 (days 0-1) all three; 1 (days 2-3) customer 3;
-- 2 (days 4-5) customer 1; 3 (day 6 only: incomplete) nobody.
SELECT cohort, period_offset, active, complete FROM cohort_retention((SELECT a FROM example), '2 days');
SELECT cohort, period_offset, active, complete FROM cohort_retention((SELECT a FROM example), '2 days', 'on_or_after');

-- ---- cohort_retention of starts and returns, and complete ----
-- Signups (starts) and purchases (returns), by month.  Last day of the data:
-- 2024-03-10 (a purchase), so March is incomplete.
--   a: signs up Jan 20, bought Jan 5 (before signing up: not counted) and Feb 2
--   b: signs up Jan 31, buys Jan 31 and Mar 10
--   c: signs up Feb 14, never buys
--   d: buys Feb 1 without signing up: in no cohort
CREATE TABLE signups AS
SELECT activity_agg(c, d::date) AS a
FROM (VALUES ('a', '2024-01-20'), ('b', '2024-01-31'), ('c', '2024-02-14')) v(c, d);
CREATE TABLE purchases AS
SELECT activity_agg(c, d::date) AS a
FROM (VALUES ('a', '2024-01-05'), ('a', '2024-02-02'), ('b', '2024-01-31'), ('b', '2024-03-10'),
             ('d', '2024-02-01')) v(c, d);
-- January cohort {a, b}: offset 0 {b}; 1 {a}; 2 {b}.  February cohort {c}: nobody.
SELECT * FROM cohort_retention((SELECT a FROM signups), (SELECT a FROM purchases));
-- on_or_after: January 0 {a, b}, 1 {a, b}, 2 {b}
SELECT * FROM cohort_retention((SELECT a FROM signups), (SELECT a FROM purchases), 'month', 'on_or_after');
-- no purchases at all: the cohorts, with nobody active
SELECT * FROM cohort_retention((SELECT a FROM signups), 'v1 ids=text customers=0 days=0'::activity);
-- §2's triangle also reports complete: by quarter, Q1 2024 has ended by
-- the last day only if the data reaches March 31
SELECT cohort, period_offset, active, complete FROM cohort_retention((SELECT a FROM purchases), 'quarter');
SELECT cohort, period_offset, complete
FROM cohort_retention((SELECT activity_agg(1::bigint, d) FROM unnest(ARRAY[DATE '2024-01-01', '2024-03-31']) d), 'quarter');

-- ---- bracket_retention: brackets at the data's edge ----
-- Brackets {0,1,8,31}: day 0, days 1-7, days 8-30.  Last day: 2024-02-02.
--   x: first Jan 1, active Jan 5 (day 4) and Jan 20 (day 19)
--   y: first Jan 25, active Feb 2 (day 8: the second bracket's first day)
--   z: first Feb 2 (the last day of the data)
-- January cohort {x, y}: [0,1) 2 complete; [1,8) {x}, complete (Jan 25 + 7
-- = Feb 1 <= Feb 2); [8,31) {x, y}, incomplete (Jan 25 + 30 > Feb 2).
-- February cohort {z}: [0,1) complete; the others incomplete.
CREATE TABLE brackets AS
SELECT activity_agg(c, d::date) AS a
FROM (VALUES (1, '2024-01-01'), (1, '2024-01-05'), (1, '2024-01-20'), (2, '2024-01-25'),
             (2, '2024-02-02'), (3, '2024-02-02')) v(c, d);
SELECT * FROM bracket_retention((SELECT a FROM brackets), '{0,1,8,31}');
-- one bracket, by ISO week: x's week (Jan 1) and y's (Jan 22) and z's (Jan 29)
SELECT * FROM bracket_retention((SELECT a FROM brackets), '{1,31}', 'week');

-- ---- active_customers ----
-- Example data, window 2: day 0: {1,2,3}; 1: {1,2,3} (day 0 still counts);
-- 2: {2}; 3: {3}; 4: {3}; 5: {1}; 6: {1, 4}
SELECT * FROM active_customers((SELECT a FROM example), 2);
-- default 28 days: everybody from day 0 on
SELECT * FROM active_customers((SELECT a FROM example)) WHERE day IN ('2024-01-01', '2024-01-07');
-- DAU
SELECT array_agg(active ORDER BY day) AS dau FROM active_customers((SELECT a FROM example), 1);

-- ---- inactivity_churn: churns and reactivates twice within one month ----
-- inactive_days = 3: live on D when active in [D - 2, D].
--   A: Dec 31 (live to Jan 2, churns Jan 3), Jan 10 (reactivates; churns
--      Jan 13), Jan 20 (reactivates; churns Jan 23), Jan 31 (reactivates,
--      live to Feb 2: its churn on Feb 3 is after the data's last bucket)
--   B: Dec 30 (live to Jan 1, churns Jan 2)
--   C: Jan 15 (new, churns Jan 18)
-- December: live_start 0, new 2 (A, B), live_end 2.
-- January: live_start 2, new 1 (C), reactivated 3 (A), churned 5 (B Jan 2,
-- A Jan 3, 13, 23, C Jan 18), live_end 2 + 1 + 3 - 5 = 1 (A); churn_rate: of
-- {A, B} live on Dec 31, B is not live on Jan 31: 1/2.
CREATE TABLE silence AS
SELECT activity_agg(c, d::date) AS a
FROM (VALUES ('A', '2023-12-31'), ('A', '2024-01-10'), ('A', '2024-01-20'), ('A', '2024-01-31'),
             ('B', '2023-12-30'), ('C', '2024-01-15')) v(c, d);
SELECT * FROM inactivity_churn((SELECT a FROM silence), 3);
-- by week: identity in every row; the week of Jan 29 is incomplete
SELECT *, live_end = live_start + new + reactivated - churned AS identity
FROM inactivity_churn((SELECT a FROM silence), 3, 'week');
-- a long silence window: nobody churns within the data
SELECT * FROM inactivity_churn((SELECT a FROM silence), 60);

-- ---- customer_stages and stage_transitions ----
-- By month, the six-customer shop (customer: active months):
--   1: Nov Dec Jan;  2: Nov;  3: Nov Jan;  4: Dec Jan Feb;  5: Feb;  6: Dec Feb
CREATE TABLE shop AS
SELECT activity_agg(c::bigint, d::date) AS a
FROM (VALUES (1, '2023-11-03'), (1, '2023-11-20'), (1, '2023-12-15'), (1, '2024-01-02'),
             (2, '2023-11-10'), (3, '2023-11-25'), (3, '2024-01-31'),
             (4, '2023-12-31'), (4, '2024-01-01'), (4, '2024-02-14'),
             (5, '2024-02-29'), (6, '2023-12-01'), (6, '2024-02-01')) v(c, d);
-- In January (as of Jan 31): 1 returning (Dec, Jan), 2 lost (Nov only),
-- 3 resurrecting (Nov, Jan), 4 returning, 6 dormant (Dec, not Jan); 5 is not
-- a customer yet.  Days count up to Jan 31.
SELECT * FROM customer_stages(NULL::bigint, (SELECT a FROM shop), 'month', DATE '2024-01-15')
ORDER BY customer_id;
-- In February: 1 dormant, 2 lost, 3 dormant, 4 returning, 5 new, 6 resurrecting
SELECT customer_id, stage, active_days
FROM customer_stages(NULL::bigint, (SELECT a FROM shop), 'month', DATE '2024-02-29')
ORDER BY customer_id;
-- before the first day: nobody; long after: everybody lost
SELECT count(*) FROM customer_stages(NULL::bigint, (SELECT a FROM shop), 'month', DATE '2023-10-31');
SELECT stage, count(*) FROM customer_stages(NULL::bigint, (SELECT a FROM shop), 'year', DATE '2030-01-01')
GROUP BY 1;
-- text and uuid ids come back in their own type and join without casts
CREATE TABLE crm (customer_id text PRIMARY KEY, email text);
INSERT INTO crm VALUES ('A', 'a@example.com'), ('B', 'b@example.com'), ('C', 'c@example.com');
SELECT crm.email, s.stage, s.last_active, pg_typeof(s.customer_id) AS id_type
FROM customer_stages(NULL::text, (SELECT a FROM silence), 'month', DATE '2024-01-31') s
JOIN crm USING (customer_id) ORDER BY 1;
SELECT pg_typeof(customer_id), stage
FROM customer_stages(NULL::uuid, (SELECT activity_agg('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, DATE '2024-01-01')),
                     'week', DATE '2024-01-01');
-- Flows by month.  December: 1 new -> returning, 2 new -> dormant,
-- 3 new -> dormant, 4 and 6 new (from NULL).  January: 1 returning ->
-- returning, 2 dormant -> lost, 3 dormant -> resurrecting, 4 new ->
-- returning, 6 new -> dormant.  February: 1 returning -> dormant, 2 lost ->
-- lost, 3 resurrecting -> dormant, 4 returning -> returning, 5 new,
-- 6 dormant -> resurrecting.
SELECT * FROM stage_transitions((SELECT a FROM shop));
-- every bucket's flows add up to the customers whose stage is defined there
SELECT period, sum(customers) FROM stage_transitions((SELECT a FROM shop)) GROUP BY 1 ORDER BY 1;

-- ---- repeat timing ----
-- Shop, days from the first to the second day: 1: 17; 3: 67; 4: 1; 6: 62
SELECT * FROM time_to_repeat((SELECT a FROM shop)) WHERE customers > 0;
SELECT count(*) AS rows, min(days), max(days), sum(customers) FROM time_to_repeat((SELECT a FROM shop));
-- third day: 1: Nov 3 -> Dec 15 = 42; 4: Dec 31 -> Feb 14 = 45
SELECT * FROM time_to_repeat((SELECT a FROM shop), 3) WHERE customers > 0;
SELECT * FROM time_to_repeat((SELECT a FROM shop), 5);
-- second day within 30 days: November {1 (17 days)} of {1, 2, 3}; December
-- {4 (1 day)} of {4, 6}; February {5}: nobody, incomplete (Feb 29 + 30 >
-- Feb 29); November is complete (Nov 25 + 30 = Dec 25)
SELECT * FROM repeat_within((SELECT a FROM shop), 30);
SELECT * FROM repeat_within((SELECT a FROM shop), 70, 'quarter');

-- ---- NULL and empty summaries: no rows ----
SELECT count(*) FROM cohort_retention(NULL::activity, 'month', 'on_or_after');
SELECT count(*) FROM cohort_retention(NULL::activity, (SELECT a FROM shop));
SELECT count(*) FROM bracket_retention(NULL, '{1,8}');
SELECT count(*) FROM active_customers(NULL);
SELECT count(*) FROM inactivity_churn(NULL, 30);
SELECT count(*) FROM customer_stages(NULL::bigint, NULL, 'month', DATE '2024-01-01');
SELECT count(*) FROM customer_stages(NULL::bigint, (SELECT a FROM shop), 'month', NULL);
SELECT count(*) FROM stage_transitions(NULL);
SELECT count(*) FROM time_to_repeat(NULL);
SELECT count(*) FROM repeat_within(NULL, 30);
CREATE TABLE empty AS SELECT 'v1 ids=bigint customers=0 days=0'::activity AS a;
SELECT (SELECT count(*) FROM cohort_retention((SELECT a FROM empty), 'day', 'on_or_after')) AS cohort,
       (SELECT count(*) FROM cohort_retention((SELECT a FROM empty), (SELECT a FROM shop))) AS cohort_two,
       (SELECT count(*) FROM bracket_retention((SELECT a FROM empty), '{1,8}')) AS bracket,
       (SELECT count(*) FROM active_customers((SELECT a FROM empty))) AS live,
       (SELECT count(*) FROM inactivity_churn((SELECT a FROM empty), 30)) AS churn,
       (SELECT count(*) FROM customer_stages(NULL::bigint, (SELECT a FROM empty), 'month', DATE '2024-01-01')) AS stages,
       (SELECT count(*) FROM stage_transitions((SELECT a FROM empty))) AS transitions,
       (SELECT count(*) FROM time_to_repeat((SELECT a FROM empty))) AS repeat_days,
       (SELECT count(*) FROM repeat_within((SELECT a FROM empty), 30)) AS repeat_rate;

-- ---- errors: each shows its message, then its SQLSTATE ----
SELECT * FROM cohort_retention((SELECT a FROM shop), 'month', 'after');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM cohort_retention((SELECT a FROM shop), 'fortnight', 'on');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM cohort_retention((SELECT a FROM shop), (SELECT a FROM signups));
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM bracket_retention((SELECT a FROM shop), '{1,8,8}');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM bracket_retention((SELECT a FROM shop), '{8,1}');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM bracket_retention((SELECT a FROM shop), '{-1,8}');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM bracket_retention((SELECT a FROM shop), '{1}');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM bracket_retention((SELECT a FROM shop), (SELECT array_agg(i) FROM generate_series(0, 64) i));
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM bracket_retention((SELECT a FROM shop), '{1,NULL}');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM bracket_retention((SELECT a FROM shop), '{{1,2},{3,4}}');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM bracket_retention((SELECT a FROM shop), '{1,8}', '30 days');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM active_customers((SELECT a FROM shop), 0);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM active_customers((SELECT a FROM shop), 3661);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM inactivity_churn((SELECT a FROM shop), 0);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM inactivity_churn((SELECT a FROM shop), 30, 'monthly');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM customer_stages(NULL::int, (SELECT a FROM shop), 'month', DATE '2024-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM customer_stages(NULL::text, (SELECT a FROM shop), 'month', DATE '2024-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM customer_stages(NULL::bigint, (SELECT a FROM shop), '7 days', DATE '2024-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM customer_stages(NULL::bigint, (SELECT a FROM shop), 'month', 'infinity');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM stage_transitions((SELECT a FROM shop), 'decade');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM time_to_repeat((SELECT a FROM shop), 1);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM time_to_repeat((SELECT a FROM shop), 1001);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM repeat_within((SELECT a FROM shop), 0);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM repeat_within((SELECT a FROM shop), 30, 'week_funday');
\echo :LAST_ERROR_SQLSTATE
-- a daily flow table over 10,000 years: more than 20 million cells
SELECT count(*) FROM stage_transitions(
    (SELECT activity_agg(i, CASE WHEN i < 6 THEN DATE '0001-01-01' + i::int ELSE DATE '9999-12-31' END)
     FROM generate_series(0, 6) i), 'day');
\echo :LAST_ERROR_SQLSTATE

SET client_min_messages = warning;
DROP SCHEMA product_retention CASCADE;
