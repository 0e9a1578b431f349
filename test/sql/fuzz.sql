-- Fuzzing with a fixed seed and a small budget (tools/fuzz.sh runs longer):
-- no input may crash the server, raise an internal error, hang, or be
-- accepted without round-tripping.  See test/fuzz/harness.sql.
SET search_path = public, retention;
SET statement_timeout = '120s';
SET client_min_messages = error;    -- fits on extreme inputs rightly warn of non-convergence
\getenv abs_srcdir PG_ABS_SRCDIR
\set ECHO none
\i :abs_srcdir/fuzz/harness.sql
\set ECHO all
SELECT setseed(0.31415) \g /dev/null
SELECT fuzz.text_inputs(400) \g /dev/null
SELECT fuzz.binary_inputs(200) \g /dev/null
SELECT fuzz.extreme_arguments() \g /dev/null
SELECT what, input, sqlstate, message FROM fuzz.failures;
SELECT last_value >= 1000 AS enough_attempts FROM fuzz.attempts;
