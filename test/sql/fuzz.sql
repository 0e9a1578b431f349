-- Fuzzing with a fixed seed and a small budget (tools/fuzz.sh runs longer):
-- no input may crash the server, raise an error other than the one
-- documented for its kind of input (22P02 malformed text, 22P03 malformed
-- binary, 22003/22023/22008/22004/42804/54000 for arguments), hang, or be accepted
-- without round-tripping.  See test/fuzz/harness.sql.
SET search_path = public, retention;
-- a hang fails the run; a slow server does not (under valgrind the fuzz takes minutes)
SET statement_timeout = '30min';
SET client_min_messages = error;    -- fits on extreme inputs rightly warn of non-convergence
\getenv abs_srcdir PG_ABS_SRCDIR
\set ECHO none
\i :abs_srcdir/fuzz/harness.sql
\set ECHO all
SELECT setseed(0.31415) \g /dev/null
SELECT fuzz.text_inputs(400) \g /dev/null
SELECT fuzz.binary_inputs(200) \g /dev/null
SELECT fuzz.extreme_arguments() \g /dev/null
-- failures, per target and SQLSTATE, with the first message: none should be
-- listed, and the expected output lists those still open
SELECT what, sqlstate, count(*) AS attempts, min(message) AS message
FROM fuzz.failures GROUP BY what, sqlstate ORDER BY what, sqlstate;
SELECT last_value >= 1000 AS enough_attempts FROM fuzz.attempts;

-- every summary type's input and receive function and every function and
-- aggregate was tried (none missing)
SELECT t::text || ' ' || k AS never_tried
FROM fuzz.summary_types() t, unnest(ARRAY['input', 'receive']) k
WHERE NOT EXISTS (SELECT 1 FROM fuzz.outcomes o WHERE o.what = t::text || ' ' || k)
UNION ALL
SELECT p.oid::regprocedure::text
FROM pg_proc p
WHERE p.pronamespace = 'retention'::regnamespace
  AND NOT EXISTS (SELECT 1 FROM unnest(p.proargtypes::regtype[]) t
                  WHERE t IN ('internal'::regtype, 'cstring'::regtype))
  AND NOT EXISTS (SELECT 1 FROM fuzz.outcomes o WHERE o.what = p.oid::regprocedure::text);
-- input and receive functions that accepted nothing or rejected nothing,
-- functions that never returned (none expected)
SELECT kind, what, accepted, rejected FROM fuzz.coverage
WHERE accepted = 0 OR (rejected = 0 AND kind <> 'arguments')
ORDER BY kind, what;
-- the outcomes seen per kind of input
SELECT kind, string_agg(DISTINCT sqlstate, ' ' ORDER BY sqlstate) AS outcomes
FROM fuzz.coverage JOIN fuzz.outcomes USING (what)
GROUP BY kind ORDER BY kind;
