-- The extension is trusted: a database owner without superuser can create
-- it, and look-alike objects planted beforehand in public and in pg_temp
-- (which PostgreSQL searches first for types) change nothing: every
-- aggregate's support functions and types, every type's I/O functions and
-- every function's argument and result types resolve to schema retention
-- (or pg_catalog), and calls return the extension's answers.
SET client_min_messages = warning;
SET search_path = public, retention;

-- the look-alikes, generated from this database's copy of the extension:
-- a composite type of each type's name, and a function of each function's
-- name with the same arguments, the extension's types replaced by the
-- planted ones (functions of pseudo-type arguments get an int instead)
SELECT string_agg(ddl, E'\n' ORDER BY kind, ddl) AS plants
FROM (SELECT 1 AS kind, format('CREATE TYPE %I.%I AS (planted int);', s, t.typname) AS ddl
      FROM pg_type t, unnest(ARRAY['public', 'pg_temp']) s
      WHERE t.typnamespace = 'retention'::regnamespace AND t.typtype IN ('b', 'c') AND t.typcategory <> 'A'
      UNION ALL
      SELECT DISTINCT 2, format('CREATE FUNCTION %I.%I(%s) RETURNS %s LANGUAGE sql AS %L;', s, p.proname,
                             coalesce((SELECT string_agg(CASE WHEN a.typtype = 'p' THEN 'int'
                                                              WHEN a.typnamespace = 'retention'::regnamespace
                                                              THEN format('%I.%I', s, a.typname)
                                                              ELSE format_type(a.oid, NULL) END, ', ' ORDER BY k)
                                       FROM unnest(p.proargtypes) WITH ORDINALITY x(typ, k)
                                       JOIN pg_type a ON a.oid = x.typ), ''),
                             'int', 'SELECT -1')
      FROM pg_proc p, unnest(ARRAY['public', 'pg_temp']) s
      WHERE p.pronamespace = 'retention'::regnamespace) d \gset

CREATE ROLE regress_retention_owner LOGIN;
CREATE DATABASE regress_retention_trusted OWNER regress_retention_owner;
\c regress_retention_trusted regress_retention_owner
SET client_min_messages = warning;
SELECT rolsuper FROM pg_roles WHERE rolname = current_user;
\set ECHO none
SELECT unnest(string_to_array(:'plants', E'\n')) \gexec
\set ECHO all
SELECT count(*) FILTER (WHERE n.nspname = 'public') > 0 AS planted_in_public,
       count(*) FILTER (WHERE n.oid = pg_my_temp_schema()) > 0 AS planted_in_pg_temp
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.prosrc = 'SELECT -1';
SET search_path = public;
CREATE EXTENSION retention;
SELECT extname, extnamespace::regnamespace, extowner::regrole,
       extversion = (SELECT default_version FROM pg_available_extensions WHERE name = extname) AS default_version
FROM pg_extension WHERE extname = 'retention';

-- every object the extension created lies in retention
SELECT classid::regclass AS catalog, objid, n.nspname
FROM pg_depend d
LEFT JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND p.oid = d.objid
LEFT JOIN pg_type t ON d.classid = 'pg_type'::regclass AND t.oid = d.objid
JOIN pg_namespace n ON n.oid = coalesce(p.pronamespace, t.typnamespace)
WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'retention')
  AND n.nspname <> 'retention';

-- what the extension's objects refer to, and the schema each reference
-- resolved to: aggregates' support functions and state types, types' I/O
-- functions, functions' argument and result types
CREATE TEMP VIEW refs AS
SELECT a.aggfnoid::regprocedure::text AS object, r.what, r.oid, r.is_type
FROM pg_aggregate a
JOIN pg_proc p ON p.oid = a.aggfnoid AND p.pronamespace = 'retention'::regnamespace,
LATERAL (VALUES ('transfn', a.aggtransfn::oid, false), ('finalfn', a.aggfinalfn, false),
                ('combinefn', a.aggcombinefn, false), ('serialfn', a.aggserialfn, false),
                ('deserialfn', a.aggdeserialfn, false), ('mtransfn', a.aggmtransfn, false),
                ('minvtransfn', a.aggminvtransfn, false), ('mfinalfn', a.aggmfinalfn, false),
                ('transtype', a.aggtranstype, true), ('mtranstype', a.aggmtranstype, true)) r(what, oid, is_type)
UNION ALL
SELECT t.oid::regtype::text, r.what, r.oid, false
FROM pg_type t,
LATERAL (VALUES ('input', t.typinput::oid), ('output', t.typoutput), ('receive', t.typreceive),
                ('send', t.typsend)) r(what, oid)
WHERE t.typnamespace = 'retention'::regnamespace
UNION ALL
SELECT p.oid::regprocedure::text, 'argument ' || k, x.typ, true
FROM pg_proc p, unnest(p.proargtypes) WITH ORDINALITY x(typ, k)
WHERE p.pronamespace = 'retention'::regnamespace
UNION ALL
SELECT p.oid::regprocedure::text, 'result', p.prorettype, true
FROM pg_proc p WHERE p.pronamespace = 'retention'::regnamespace;
CREATE TEMP VIEW resolved AS
SELECT r.object, r.what, r.is_type, n.nspname
FROM refs r
LEFT JOIN pg_proc p ON NOT r.is_type AND p.oid = r.oid
LEFT JOIN pg_type t ON r.is_type AND t.oid = r.oid
JOIN pg_namespace n ON n.oid = coalesce(p.pronamespace, t.typnamespace)
WHERE r.oid <> 0;

-- references to anything but retention and pg_catalog (none expected)
SELECT object, what, nspname FROM resolved WHERE nspname NOT IN ('retention', 'pg_catalog');
-- the aggregates' own support functions and state types are the extension's
-- (sbg_fit keeps a bigint[] of counts: a built-in state type)
SELECT what, count(*) > 0 AS checked,
       bool_and(nspname = 'retention' OR (what = 'transtype' AND nspname = 'pg_catalog')) AS all_in_retention
FROM resolved
WHERE what IN ('transfn', 'finalfn', 'combinefn', 'serialfn', 'deserialfn', 'transtype')
GROUP BY what ORDER BY what;

-- and calls, qualified or found through a search_path that puts the
-- planted objects first, give the extension's answers
SELECT retention.nps(s), retention.responses(retention.nps_agg(s))
FROM (VALUES (10), (9), (3)) v(s);
SELECT retention.rollup(x) FROM (SELECT retention.nps_agg(s) x FROM (VALUES (10), (0)) v(s)) y;
SET search_path = retention, public;
SELECT nps(s), responses(nps_agg(s)) FROM (VALUES (10), (9), (3)) v(s);
SELECT (bgnbd_fit(frequency, recency, tenure)).customers
FROM btyd_simulate(200, 0.25, 30, 0.8, 2.5, 30, 400, seed => 3);

\c contrib_regression postgres
SET client_min_messages = warning;
DROP DATABASE regress_retention_trusted;
DROP ROLE regress_retention_owner;
