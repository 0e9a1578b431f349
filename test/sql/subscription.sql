-- Contractual churn: churn_rate / retention_rate over subscriptions and over
-- counts, the churn_summary state, formula CLV, and their errors.
SET search_path = public, retention;
SET extra_float_digits = 0;

-- Hand-checked subscriptions for the first quarter of 2024 (period_start
-- 2024-01-01, period_end 2024-03-31).  Active on day d: started <= d < ended.
CREATE TABLE subs (id int, plan text, started date, ended date);
INSERT INTO subs VALUES
    (1, 'basic', '2023-01-01', NULL),          -- in S, still running
    (2, 'basic', '2023-06-01', '2024-02-01'),  -- in S, churned
    (3, 'basic', '2023-12-31', '2024-01-01'),  -- ended on period_start: not in S
    (4, 'plus',  '2024-01-01', '2024-03-31'),  -- starts on period_start: in S; gone on period_end: churned
    (5, 'plus',  '2024-02-01', '2024-03-01'),  -- started inside the period: not in S
    (6, 'plus',  '2023-03-01', '2024-04-01'),  -- in S, still active on period_end
    (7, 'plus',  '2023-03-01', '2024-03-30'),  -- in S, churned
    (8, 'plus',  NULL, NULL),                  -- skipped (no start)
    (9, 'basic', '2024-03-31', NULL);          -- starts on period_end: not in S
-- S = {1, 2, 4, 6, 7} = 5, churned = {2, 4, 7} = 3: churn 0.6, retention 0.4
SELECT churn_rate(started, ended, '2024-01-01', '2024-03-31'),
       retention_rate(started, ended, '2024-01-01', '2024-03-31')
FROM subs;
-- per plan: basic S = {1, 2}, churned {2}: 0.5; plus S = {4, 6, 7}, churned {4, 7}: 2/3
SELECT plan, churn_rate(started, ended, '2024-01-01', '2024-03-31'),
       retention_rate(started, ended, '2024-01-01', '2024-03-31')
FROM subs GROUP BY plan ORDER BY plan;
-- one rate per quarter of 2024 with GROUP BY the period
-- Q2, Q3, Q4: S = {1, 9} (6 ended on 2024-04-01, so it is not active on it), none churned: 0
SELECT to_char(q, 'YYYY-MM-DD') AS period_start, churn_rate(started, ended, q, (q + interval '3 months' - interval '1 day')::date)
FROM subs, (SELECT d::date AS q FROM generate_series(DATE '2024-01-01', '2024-10-01', '3 months') d) p
GROUP BY q ORDER BY q;

-- rows with a NULL start or period bound are skipped; no rows -> NULL
SELECT churn_rate(started, ended, NULL, '2024-03-31') AS null_period,
       churn_rate(started, ended, '2024-01-01', '2024-03-31') FILTER (WHERE started IS NULL) AS null_started,
       retention_rate(started, ended, '2024-01-01', '2024-03-31') FILTER (WHERE false) AS empty
FROM subs;
-- rows but nobody active on period_start: S = 0 -> NULL
SELECT churn_rate(started, ended, '2020-01-01', '2020-12-31') AS s_zero,
       retention_rate(started, ended, '2020-01-01', '2020-12-31') AS s_zero
FROM subs;
-- a subscription that ends the day it starts is never active
SELECT churn_rate(d, d, d, d + 1) FROM (VALUES (DATE '2024-05-05')) v(d);
-- infinite start and end dates are fine in the rows
SELECT churn_rate(s, e, '2024-01-01', '2024-12-31')
FROM (VALUES ('-infinity'::date, 'infinity'::date), ('-infinity', '2024-06-01')) v(s, e);

-- timestamptz overloads: the day in the session time zone
SET TimeZone = 'UTC';
-- in UTC, 2024-01-01 00:30+00 ends on day 2024-01-01 = period_start: not in S
SELECT churn_rate(s, e, TIMESTAMPTZ '2024-01-01 12:00+00', TIMESTAMPTZ '2024-03-31 00:00+00') AS utc
FROM (VALUES (TIMESTAMPTZ '2023-05-01 10:00+00', TIMESTAMPTZ '2024-01-01 00:30+00'),
             ('2023-05-01 10:00+00', '2024-02-15 08:00+00'),
             ('2023-05-01 10:00+00', NULL)) v(s, e);
SET TimeZone = 'America/New_York';
-- in New York the same end is on 2023-12-31, before the period: still not in S;
-- the period starts on 2024-01-01 07:00 local, so the rates are the same
SELECT churn_rate(s, e, TIMESTAMPTZ '2024-01-01 12:00+00', TIMESTAMPTZ '2024-03-31 00:00+00') AS new_york,
       retention_rate(s, e, TIMESTAMPTZ '2024-01-01 12:00+00', TIMESTAMPTZ '2024-03-31 00:00+00') AS new_york
FROM (VALUES (TIMESTAMPTZ '2023-05-01 10:00+00', TIMESTAMPTZ '2024-01-01 00:30+00'),
             ('2023-05-01 10:00+00', '2024-02-15 08:00+00'),
             ('2023-05-01 10:00+00', NULL)) v(s, e);
-- where the zone matters: a subscription ends 2024-03-31 05:00+00 (01:00 in New
-- York) and the period ends 2024-03-31 02:00+00 (2024-03-30 22:00 in New York).
-- In UTC both fall on 2024-03-31: churned by period_end (1); in New York it
-- ends on the 31st, after the period's last day the 30th: retained (0).
CREATE VIEW zone_case AS
SELECT churn_rate(s, e, TIMESTAMPTZ '2024-01-02 00:00+00', TIMESTAMPTZ '2024-03-31 02:00+00')
FROM (VALUES (TIMESTAMPTZ '2023-05-01 10:00+00', TIMESTAMPTZ '2024-03-31 05:00+00')) v(s, e);
SELECT churn_rate AS new_york FROM zone_case;
SET TimeZone = 'UTC';
SELECT churn_rate AS utc FROM zone_case;
RESET TimeZone;

-- the formulas over counts; the textbook example: S = 150, N = 50, E = 193
SELECT retention_rate(150, 193, 50) AS crr, churn_rate(150, 7) AS churn,
       churn_rate(0, 0) AS no_customers, retention_rate(0, 10, 10) AS no_customers,
       retention_rate(10, 0, 0) AS all_lost, churn_rate(10, 10) AS all_lost,
       retention_rate(10, 15, 5) AS all_kept;
SELECT churn_rate(NULL, 1) IS NULL AS strict, retention_rate(1, NULL, 1) IS NULL AS strict;

-- churn_summary text form round-trips, dates in ISO form (astronomical years) whatever the DateStyle
SET DateStyle = 'SQL, DMY';
SELECT 'v1 period_start=2024-01-01 period_end=2024-03-31 customers_start=5 churned=3'::churn_summary;
SELECT ' v1  period_start=-0043-03-15 period_end=5874897-12-31 customers_start=0 churned=0 '::churn_summary;
SELECT 'v1 period_start=2024-02-28 period_end=2024-02-29 customers_start=9223372036854775807 churned=9223372036854775807'::churn_summary;
RESET DateStyle;
SELECT churn_agg_churn_finalfn('v1 period_start=2024-01-01 period_end=2024-03-31 customers_start=5 churned=3') AS churn,
       churn_agg_retention_finalfn('v1 period_start=2024-01-01 period_end=2024-03-31 customers_start=5 churned=3') AS retention,
       churn_agg_churn_finalfn('v1 period_start=2024-01-01 period_end=2024-03-31 customers_start=0 churned=0') AS empty;
-- the state of the aggregate, rebuilt by its transition and combine functions
SELECT churn_agg_transfn(churn_agg_transfn(NULL, '2023-01-01', '2024-02-01', '2024-01-01', '2024-03-31'),
                         '2023-01-01', NULL, '2024-01-01', '2024-03-31');
SELECT churn_agg_combinefn('v1 period_start=2024-01-01 period_end=2024-03-31 customers_start=5 churned=3',
                           'v1 period_start=2024-01-01 period_end=2024-03-31 customers_start=2 churned=1');

-- binary form through a binary COPY file on the server
\set SHOW_CONTEXT never
CREATE FUNCTION pg_temp.binary_copy(source text, target text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    file text := current_setting('data_directory') || '/retention_subscription.bin';
BEGIN
    EXECUTE format('COPY (%s) TO %L (FORMAT binary)', source, file);
    EXECUTE format('COPY %I FROM %L (FORMAT binary)', target, file);
END $$;
CREATE TABLE churn_copy (s churn_summary);
SELECT pg_temp.binary_copy($$SELECT 'v1 period_start=2024-01-01 period_end=2024-03-31 customers_start=5 churned=3'::churn_summary
                             UNION ALL SELECT 'v1 period_start=-4712-01-01 period_end=5874897-12-31 customers_start=0 churned=0'$$,
                           'churn_copy');
SELECT s, churn_summary_send(s) FROM churn_copy;

-- formula CLV
-- 50 per order x 2 orders a month x 36 months = 3600
SELECT clv(50, 2, 36) AS clv, clv(0, 2, 36) AS zero;
-- infinite horizon m r / (1 + d - r): 100 * 0.8 / 0.3 = 266.67; r = 0 -> 0; r = 1, d = 0.1 -> 1000
SELECT clv_retention(100, 0.8, 0.1) AS clv, clv_retention(100, 0, 0.1) AS r0,
       clv_retention(100, 1, 0.1) AS r1, clv_retention(-20, 0.5, 0) AS loss;
-- finite horizon: 3 periods at r = 0.8, d = 0.1: 100 (0.8/1.1 + 0.8^2/1.1^2 + 0.8^3/1.1^3) = 164.087
SELECT clv_retention(100, 0.8, 0.1, 3) AS three,
       100 * (0.8 / 1.1 + 0.8 ^ 2 / 1.1 ^ 2 + 0.8 ^ 3 / 1.1 ^ 3) AS by_hand,
       clv_retention(100, 0.8, 0.1, 0) AS zero_periods,
       clv_retention(100, 1, 0, 12) AS r1_d0,
       clv_retention(100, 0.8, 0.1, 2000000000) AS long,
       clv_retention(100, 0.999999999, 0, 1000) AS near_one;

-- Errors: each shows its message, then its SQLSTATE.
SELECT churn_rate(started, ended, '2024-03-31', '2024-03-31') FROM subs;
\echo :LAST_ERROR_SQLSTATE
SELECT retention_rate(started, ended, '2024-03-31', '2024-01-01') FROM subs;
\echo :LAST_ERROR_SQLSTATE
SELECT churn_rate(started, ended, '2024-01-01', 'infinity') FROM subs;
\echo :LAST_ERROR_SQLSTATE
SELECT churn_rate(s, e, '2024-01-01', '2024-03-31') FROM (VALUES (DATE '2024-02-01', DATE '2024-01-31')) v(s, e);
\echo :LAST_ERROR_SQLSTATE
SELECT churn_rate(started, ended, p, '2024-12-31') FROM subs, (VALUES (DATE '2024-01-01'), ('2024-02-01')) v(p);
\echo :LAST_ERROR_SQLSTATE
SELECT churn_rate(started, ended, '2024-01-01', p) FROM subs, (VALUES (DATE '2024-03-31'), ('2024-01-01')) v(p);
\echo :LAST_ERROR_SQLSTATE
SELECT churn_rate(s, e, TIMESTAMPTZ '2024-01-01 10:00+00', TIMESTAMPTZ '2024-01-01 12:00+00')
FROM (VALUES (TIMESTAMPTZ '2023-01-01 00:00+00', NULL::timestamptz)) v(s, e);
\echo :LAST_ERROR_SQLSTATE
SELECT churn_agg_combinefn('v1 period_start=2024-01-01 period_end=2024-03-31 customers_start=5 churned=3',
                           'v1 period_start=2024-01-01 period_end=2024-04-01 customers_start=2 churned=1');
\echo :LAST_ERROR_SQLSTATE
SELECT churn_rate(-1, 0);
\echo :LAST_ERROR_SQLSTATE
SELECT churn_rate(10, -1);
\echo :LAST_ERROR_SQLSTATE
SELECT churn_rate(10, 11);
\echo :LAST_ERROR_SQLSTATE
SELECT retention_rate(-150, 193, 50);
\echo :LAST_ERROR_SQLSTATE
SELECT retention_rate(150, 40, 50);
\echo :LAST_ERROR_SQLSTATE
SELECT retention_rate(150, 250, 50);
\echo :LAST_ERROR_SQLSTATE
SELECT retention_rate(0, 1, 0);
\echo :LAST_ERROR_SQLSTATE
SELECT clv(-50, 2, 36);
\echo :LAST_ERROR_SQLSTATE
SELECT clv(50, 'NaN', 36);
\echo :LAST_ERROR_SQLSTATE
SELECT clv(50, 2, 'Infinity');
\echo :LAST_ERROR_SQLSTATE
SELECT clv_retention(100, 1.2, 0.1);
\echo :LAST_ERROR_SQLSTATE
SELECT clv_retention(100, -0.1, 0.1);
\echo :LAST_ERROR_SQLSTATE
SELECT clv_retention(100, 'NaN', 0.1);
\echo :LAST_ERROR_SQLSTATE
SELECT clv_retention(100, 0.8, -0.1);
\echo :LAST_ERROR_SQLSTATE
SELECT clv_retention(100, 1, 0);
\echo :LAST_ERROR_SQLSTATE
SELECT clv_retention('Infinity', 0.8, 0.1);
\echo :LAST_ERROR_SQLSTATE
SELECT clv_retention(100, 0.8, 0.1, -1);
\echo :LAST_ERROR_SQLSTATE

-- malformed text input
SELECT 'v1 period_start=2024-01-01 period_end=2024-03-31 customers_start=5'::churn_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v2 period_start=2024-01-01 period_end=2024-03-31 customers_start=5 churned=3'::churn_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 period_start=2024-02-30 period_end=2024-03-31 customers_start=5 churned=3'::churn_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 period_start=-0000-01-01 period_end=2024-03-31 customers_start=5 churned=3'::churn_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 period_start=01/01/2024 period_end=2024-03-31 customers_start=5 churned=3'::churn_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 period_start=infinity period_end=2024-03-31 customers_start=5 churned=3'::churn_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 period_start=2024-03-31 period_end=2024-03-31 customers_start=5 churned=3'::churn_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 period_start=2024-01-01 period_end=2024-03-31 customers_start=5 churned=6'::churn_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 period_start=5874898-01-01 period_end=5874898-03-31 customers_start=5 churned=3'::churn_summary;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 period_start=0044-03-15 BC period_end=2024-03-31 customers_start=5 churned=3'::churn_summary;
\echo :LAST_ERROR_SQLSTATE

-- malformed binary input: version 2; churned > customers_start; a period bound
-- out of the date range; a period ending before it starts; trailing bytes
SELECT pg_temp.binary_copy($$SELECT '\x02000000008000223e000000008000229800000000000000050000000000000003'::bytea$$, 'churn_copy');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.binary_copy($$SELECT '\x01000000008000223e000000008000229800000000000000050000000000000006'::bytea$$, 'churn_copy');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.binary_copy($$SELECT '\x01000000007fda97a6000000008000229800000000000000050000000000000003'::bytea$$, 'churn_copy');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.binary_copy($$SELECT '\x010000000080002298000000008000229800000000000000050000000000000003'::bytea$$, 'churn_copy');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.binary_copy($$SELECT '\x01000000008000223e000000008000229800000000000000050000000000000003ff'::bytea$$, 'churn_copy');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS rows_unchanged FROM churn_copy;
