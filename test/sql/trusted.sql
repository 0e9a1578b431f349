-- The extension is trusted: a database owner without superuser can create
-- it, and objects planted in public or in the caller's search_path do not
-- change what its functions do.
SET client_min_messages = warning;
CREATE ROLE regress_retention_owner LOGIN;
CREATE DATABASE regress_retention_trusted OWNER regress_retention_owner;
\c regress_retention_trusted regress_retention_owner
SELECT rolsuper FROM pg_roles WHERE rolname = current_user;
CREATE EXTENSION retention;
SELECT extname, extversion FROM pg_extension WHERE extname = 'retention';

-- look-alikes planted where an unqualified name would find them first
CREATE SCHEMA planted;
CREATE FUNCTION planted.nps(int) RETURNS float8 LANGUAGE sql AS 'SELECT 42::float8';
CREATE FUNCTION planted.responses(retention.nps_summary) RETURNS bigint LANGUAGE sql AS 'SELECT -1::bigint';
CREATE FUNCTION public.count_add(bigint, bigint) RETURNS bigint LANGUAGE sql AS 'SELECT 0::bigint';
CREATE TYPE public.nps_summary AS (x int);
SET search_path = planted, public, retention;
SELECT retention.nps(s), retention.responses(retention.nps_agg(s))
FROM (VALUES (10), (9), (3)) v(s);
SELECT retention.rollup(x) FROM (SELECT retention.nps_agg(s) x FROM (VALUES (10), (0)) v(s)) y;

\c contrib_regression postgres
SET client_min_messages = warning;
DROP DATABASE regress_retention_trusted;
DROP ROLE regress_retention_owner;
