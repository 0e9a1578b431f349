-- Customer survival: survival_agg, the Kaplan-Meier curve, median and
-- restricted mean lifetime, rollup, text and binary forms, errors.
SET search_path = public, retention;
SET extra_float_digits = 0;

-- Reference 1: the "Maintained" arm of the AML trial (R: survival::aml,
-- x == "Maintained"), durations in weeks, + = censored:
-- 9, 13, 13+, 18, 23, 28+, 31, 34, 45+, 48, 161+.
-- R's summary(survfit(Surv(time, status) ~ 1)) prints
--  time n.risk n.event survival std.err
--     9     11       1    0.909  0.0867
--    13     10       1    0.818  0.1163
--    18      8       1    0.716  0.1397
--    23      7       1    0.614  0.1526
--    31      5       1    0.491  0.1642
--    34      4       1    0.368  0.1627
--    48      2       1    0.184  0.1535
-- median 31; print(fit, print.rmean = TRUE) gives the restricted mean 52.6
-- up to 161.
CREATE TABLE aml (weeks float8, relapsed boolean);
INSERT INTO aml VALUES (9, true), (13, true), (13, false), (18, true), (23, true), (28, false),
    (31, true), (34, true), (45, false), (48, true), (161, false);
SELECT survival_agg(weeks, relapsed) FROM aml;
SELECT time, at_risk, events, censored, round(survival::numeric, 3) AS survival,
       round(std_error::numeric, 4) AS std_error
FROM survival_curve((SELECT survival_agg(weeks, relapsed) FROM aml));
SELECT median_lifetime(s), round(mean_lifetime(s, 161)::numeric, 1) AS rmean_161
FROM (SELECT survival_agg(weeks, relapsed) AS s FROM aml) x;

-- Reference 2: the 6-MP arm of Freireich's leukaemia trial (Gehan 1965), weeks
-- of remission: 6, 6, 6, 6+, 7, 9+, 10, 10+, 11+, 13, 16, 17+, 19+, 20+, 22, 23,
-- 25+, 32+, 32+, 34+, 35+.  Textbook KM values: 0.857 0.807 0.753 0.690 0.627
-- 0.538 0.448, standard errors 0.0764 0.0869 0.0963 0.1068 0.1141 0.1282
-- 0.1346, median 23.
CREATE TABLE sixmp (weeks float8, relapsed boolean);
INSERT INTO sixmp
SELECT abs(w), w > 0
FROM unnest(ARRAY[6, 6, 6, -6, 7, -9, 10, -10, -11, 13, 16, -17, -19, -20, 22, 23, -25,
                  -32, -32, -34, -35]) w;
SELECT time, at_risk, events, censored, round(survival::numeric, 3) AS survival,
       round(std_error::numeric, 4) AS std_error
FROM survival_curve((SELECT survival_agg(weeks, relapsed) FROM sixmp));
SELECT median_lifetime(survival_agg(weeks, relapsed)) FROM sixmp;

-- A hand-worked case with an event at 0, ties of events and censorings, and
-- censorings at times without events: 0, 0+, 1+, 2, 2, 2+, 3+, 4, 5+.
-- t = 0: 9 at risk, 1 event: S = 8/9, Greenwood sum 1/72, se 0.104757;
--        censored until the next event time: 0+ and 1+ = 2
-- t = 2: 6 at risk, 2 events: S = 8/9 * 4/6 = 0.592593, sum + 2/24, se 0.184773;
--        censored 2+ and 3+ = 2
-- t = 4: 2 at risk, 1 event: S = 0.296296, sum + 1/2, se 0.228978; censored 5+
-- median 4 (S(2) > 0.5); restricted means: up to 5: 2 * 8/9 + 2 * 16/27 + 8/27
-- = 3.259259; up to 1: 8/9; up to 0: 0; up to 100: 3.259259 + 95 * 8/27 = 31.407407
CREATE TABLE hand (d float8, churned boolean);
INSERT INTO hand VALUES (0, true), (0, false), (1, false), (2, true), (2, true), (2, false),
    (3, false), (4, true), (5, false), (NULL, true), (7, NULL);
SELECT survival_agg(d, churned) FROM hand;
SELECT time, at_risk, events, censored, round(survival::numeric, 6) AS survival,
       round(std_error::numeric, 6) AS std_error
FROM survival_curve((SELECT survival_agg(d, churned) FROM hand));
SELECT median_lifetime(s), round(mean_lifetime(s, 5)::numeric, 6) AS up_to_5,
       round(mean_lifetime(s, 1)::numeric, 6) AS up_to_1, mean_lifetime(s, 0) AS up_to_0,
       round(mean_lifetime(s, 100)::numeric, 6) AS up_to_100,
       round((2 * 8 / 9.0 + 2 * 16 / 27.0 + 96 * 8 / 27.0), 6) AS by_hand
FROM (SELECT survival_agg(d, churned) AS s FROM hand) x;

-- the curve reaches 0: the last standard error is NULL (R prints NaN)
SELECT time, at_risk, events, censored, survival, std_error IS NULL AS se_null
FROM survival_curve((SELECT survival_agg(d, true) FROM generate_series(1, 3) d));
-- median where S is exactly 0.5 in exact arithmetic: 6 events at 1..6 give
-- S(3) = 5/6 * 4/5 * 3/4 = 1/2 (R's survfit would report the midpoint 3.5)
SELECT median_lifetime(survival_agg(d, true)) FROM generate_series(1, 6) d;
SELECT median_lifetime(survival_agg(d, true)) FROM generate_series(1, 4) d;
-- never reaches 0.5: NULL; no events at all: no curve, NULL median, mean = horizon
SELECT median_lifetime(survival_agg(d, d % 4 = 0)) AS median FROM generate_series(1, 10) d;
SELECT (SELECT count(*) FROM survival_curve(s)) AS curve_rows, median_lifetime(s),
       mean_lifetime(s, 10) AS mean
FROM (SELECT survival_agg(d, false) AS s FROM generate_series(1, 3) d) x;

-- NULL-only and empty input give NULL
SELECT survival_agg(d, churned) IS NULL AS all_null FROM hand WHERE d IS NULL OR churned IS NULL;
SELECT survival_agg(d, churned) IS NULL AS empty FROM hand WHERE false;

-- text form: exact durations, shortest form whatever extra_float_digits says
SELECT survival_agg(d, c) FROM (VALUES (0.1::float8, true), (1 / 3.0, false), (1e-300, true),
    (2.5e15, false), (-0.0, true), (0.1 + 0.2, true)) v(d, c);
SELECT survival_agg(d, c)::text::survival::text = survival_agg(d, c)::text AS round_trip,
       (SELECT array_agg(time ORDER BY time) FROM survival_curve(survival_agg(d, c)::text::survival))
       = array_agg(d ORDER BY d) FILTER (WHERE c) AS exact_times
FROM (SELECT random() AS d, random() < 0.5 AS c FROM generate_series(1, 1000)) x;
SELECT 'v1 n=0 entries='::survival AS empty_summary;
SELECT (SELECT count(*) FROM survival_curve(s)) AS curve_rows, median_lifetime(s), mean_lifetime(s, 1)
FROM (SELECT 'v1 n=0 entries='::survival AS s) x;
SELECT ' v1  n=2 entries=-0:1:0,1.5E+2:0:9223372036854775806 '::survival;

-- rollup merges summaries (and skips NULL ones) into the summary of all rows
SELECT rollup(s) FROM (
    SELECT survival_agg(d, churned) AS s FROM hand GROUP BY d::int % 2
    UNION ALL SELECT NULL::survival) x;
SELECT rollup(s) IS NULL AS empty_rollup FROM (SELECT NULL::survival AS s) x;
-- the transition and combine functions called directly (not as aggregates)
SELECT survival_agg_transfn(survival_agg_transfn(NULL, 2, true), 1, false);
SELECT survival_agg_combinefn('v1 n=2 entries=1:1:0,3:0:2', 'v1 n=2 entries=2:1:1,3:1:0');

-- window use: the median lifetime of each signup month's customers so far
SELECT m, median_lifetime(survival_agg(d, c) OVER (ORDER BY m))
FROM (VALUES (1, 10::float8, true), (2, 20, true), (3, 30, false), (4, 5, true)) v(m, d, c)
ORDER BY m;

-- binary form through a binary COPY file on the server
\set SHOW_CONTEXT never
CREATE FUNCTION pg_temp.binary_copy(source text, target text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    file text := current_setting('data_directory') || '/retention_survival.bin';
BEGIN
    EXECUTE format('COPY (%s) TO %L (FORMAT binary)', source, file);
    EXECUTE format('COPY %I FROM %L (FORMAT binary)', target, file);
END $$;
CREATE TABLE survival_copy (s survival);
SELECT pg_temp.binary_copy('SELECT survival_agg(d, churned) FROM hand', 'survival_copy');
SELECT pg_temp.binary_copy($$SELECT 'v1 n=1 entries=0.1:1:2'::survival$$, 'survival_copy');
SELECT s, survival_send(s) FROM survival_copy;

-- Errors: each shows its message, then its SQLSTATE.
SELECT survival_agg(d, true) FROM (VALUES (1), ('NaN'::float8)) v(d);
\echo :LAST_ERROR_SQLSTATE
SELECT survival_agg(d, false) FROM (VALUES ('Infinity'::float8)) v(d);
\echo :LAST_ERROR_SQLSTATE
SELECT survival_agg(d, false) FROM (VALUES ('-Infinity'::float8)) v(d);
\echo :LAST_ERROR_SQLSTATE
SELECT survival_agg(d, true) FROM (VALUES (-0.5::float8)) v(d);
\echo :LAST_ERROR_SQLSTATE
SELECT mean_lifetime('v1 n=1 entries=1:1:0', -1);
\echo :LAST_ERROR_SQLSTATE
SELECT mean_lifetime('v1 n=1 entries=1:1:0', 'Infinity');
\echo :LAST_ERROR_SQLSTATE
SELECT mean_lifetime('v1 n=1 entries=1:1:0', 'NaN');
\echo :LAST_ERROR_SQLSTATE

-- malformed text input
SELECT 'v1 n=2 entries=1:1:0'::survival;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 n=1 entries=1:1:0,2:1:0'::survival;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 n=2 entries=2:1:0,1:1:0'::survival;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 n=2 entries=1:1:0,1:0:1'::survival;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 n=1 entries=1:0:0'::survival;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 n=1 entries=-1:1:0'::survival;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 n=1 entries=NaN:1:0'::survival;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 n=1 entries=inf:1:0'::survival;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 n=1 entries=0x10:1:0'::survival;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 n=1 entries=1e999:1:0'::survival;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 n=1 entries=1e:1:0'::survival;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 n=1 entries=1:-1:0'::survival;
\echo :LAST_ERROR_SQLSTATE
-- a total beyond 2^63 - 1 (what a rollup can produce) reads back, so a
-- dump of it restores; the curve then reports the overflow
SELECT 'v1 n=2 entries=1:9223372036854775807:0,2:1:0'::survival;
SELECT * FROM survival_curve('v1 n=2 entries=1:9223372036854775807:0,2:1:0');
\echo :LAST_ERROR_SQLSTATE
SELECT rollup(s)::text::survival AS rolled_up_reads_back
FROM (VALUES ('v1 n=1 entries=1:9223372036854775807:0'::survival), ('v1 n=1 entries=2:1:0')) v(s);
SELECT 'v1 n=99999999 entries=1:1:0'::survival;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v2 n=1 entries=1:1:0'::survival;
\echo :LAST_ERROR_SQLSTATE
SELECT 'v1 n=1 entries=1:1:0 extra'::survival;
\echo :LAST_ERROR_SQLSTATE

-- malformed binary input: version 2; entries not increasing; a NaN duration;
-- a negative count; an entry of no rows; more entries announced than sent;
-- trailing bytes
SELECT pg_temp.binary_copy($$SELECT '\x0200000000000000013ff000000000000000000000000000010000000000000000'::bytea$$, 'survival_copy');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.binary_copy($$SELECT '\x0100000000000000024000000000000000000000000000000100000000000000003ff000000000000000000000000000010000000000000000'::bytea$$, 'survival_copy');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.binary_copy($$SELECT '\x0100000000000000017ff800000000000000000000000000010000000000000000'::bytea$$, 'survival_copy');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.binary_copy($$SELECT '\x0100000000000000013ff0000000000000ffffffffffffffff0000000000000000'::bytea$$, 'survival_copy');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.binary_copy($$SELECT '\x0100000000000000013ff000000000000000000000000000000000000000000000'::bytea$$, 'survival_copy');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.binary_copy($$SELECT '\x0100000000000000023ff000000000000000000000000000010000000000000000'::bytea$$, 'survival_copy');
\echo :LAST_ERROR_SQLSTATE
SELECT pg_temp.binary_copy($$SELECT '\x0100000000000000013ff00000000000000000000000000001000000000000000000'::bytea$$, 'survival_copy');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS rows_unchanged FROM survival_copy;


-- one entry per distinct duration, however many rows share one: 60,000 rows
-- of (i * 7919 % 5003) / 7.0 days
SELECT substring(survival_agg((i * 7919 % 5003) / 7.0, i % 3 = 0)::text from 'n=([0-9]+)')::bigint AS entries,
       count(DISTINCT ((i * 7919 % 5003) / 7.0)::float8) AS distinct_durations
FROM generate_series(1, 60000) i;
