-- Long work honours statement_timeout: a fit over 300,000 customers and a
-- weekly cohort triangle over 25 years are cancelled promptly with
-- 57014, and the session goes on working.
SET search_path = public, retention;
CREATE TABLE many AS
SELECT * FROM btyd_simulate(300000, 0.25, 30, 0.8, 2.5, 30, 400, seed => 5);
CREATE TABLE long_activity AS
SELECT activity_agg(i % 20000, DATE '2000-01-01' + ((i::bigint * 7919) % 9000)::int) AS a
FROM generate_series(1, 400000) i;

SET statement_timeout = '20ms';
SELECT bgnbd_fit(frequency, recency, tenure) FROM many;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM long_activity, cohort_retention(a, 'week');
\echo :LAST_ERROR_SQLSTATE
RESET statement_timeout;
SELECT count(*) > 0 AS session_still_works FROM long_activity, cohort_retention(a, 'year');
