-- Long work honours statement_timeout and stops at once, also where no table
-- scan runs under it whose per-row checks would cancel the query anyway: a
-- fit's final function over one stored histogram of 500,000 distinct
-- customers, and a daily cohort report of millions of rows from one stored
-- activity summary.  Uncancelled, each takes about a second on the test
-- machine; under a 50 ms statement_timeout each must end with 57014 within
-- 250 ms of the statement's start, and the session goes on working.  On a
-- slower server (under valgrind, say) both times grow with the time of a
-- fixed reference workload, measured first.
SET search_path = public, retention;
SET client_min_messages = error;    -- the fit warns that it does not converge

-- the fits' transition state, kept: an aggregate without a final function
CREATE AGGREGATE bgnbd_histogram(int, float8, float8) (
    SFUNC = bgnbd_fit_transfn, STYPE = btyd_histogram, COMBINEFUNC = btyd_histogram_combinefn);
CREATE TABLE stored_histogram AS
SELECT bgnbd_histogram(f, CASE WHEN f = 0 THEN 0 ELSE t * u END, t) AS h
FROM (SELECT (i * 7) % 11 / 2 AS f, 30 + (i * 0.6180339887) % 370 AS t, (i * 0.4142135623) % 1 AS u
      FROM generate_series(1, 500000) i) x;
SELECT (SELECT substring(h::text from 'points=(.{0,40})') FROM stored_histogram) AS histogram_begins,
       (SELECT length(h::text) > 10000000 FROM stored_histogram) AS over_10_mb_of_text;
CREATE TABLE long_activity AS
SELECT activity_agg(i % 20000, DATE '2000-01-01' + ((i::bigint * 7919) % 9000)::int) AS a
FROM generate_series(1, 400000) i;
SELECT customers(a) FROM long_activity;

-- true when the query is cancelled (57014) within bound of the statement's
-- start; false when it fails otherwise, finishes, or is cancelled late
CREATE FUNCTION pg_temp.cancelled_within(query text, bound interval) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE query;
    RETURN false;
EXCEPTION WHEN query_canceled THEN
    RETURN clock_timestamp() - statement_timestamp() < bound;
END $$;

-- the timeout: 50 ms, or 4 x the reference workload (about 10 ms on the test
-- machine) if that is longer; the bound: 5 x the timeout
CREATE FUNCTION pg_temp.set_timeout() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    reference interval := '1 hour';
    started timestamptz;
    timeout interval;
BEGIN
    FOR i IN 1 .. 3 LOOP
        started := clock_timestamp();
        PERFORM count(*) FROM generate_series(1, 100000);
        reference := least(reference, clock_timestamp() - started);
    END LOOP;
    timeout := greatest(interval '50 ms', 4 * reference);
    PERFORM set_config('statement_timeout', (1000 * extract(epoch FROM timeout))::int::text, false);
    PERFORM set_config('cancellation.bound', (5 * timeout)::text, false);
END $$;
SELECT pg_temp.set_timeout();

SELECT pg_temp.cancelled_within('SELECT bgnbd_fit_finalfn(h) FROM stored_histogram',
                                current_setting('cancellation.bound')::interval) AS fit_cancelled_at_once;
SELECT pg_temp.cancelled_within($$SELECT count(*) FROM long_activity, cohort_retention(a, 'day')$$,
                                current_setting('cancellation.bound')::interval) AS report_cancelled_at_once;
-- and as an error to the client
SELECT (bgnbd_fit_finalfn(h)).r FROM stored_histogram;
\echo :LAST_ERROR_SQLSTATE
RESET statement_timeout;
SELECT count(*) > 0 AS session_still_works FROM long_activity, cohort_retention(a, 'year');
