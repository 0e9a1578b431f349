-- Catalog guarantees that hold for every object of the extension, so a new
-- function or aggregate that breaks one fails here without a test of its own.
SET search_path = public, retention;

-- every aggregate: a combine function, a real (non-pseudo) transition type,
-- PARALLEL SAFE; lists the offenders (none expected)
SELECT a.aggfnoid::regprocedure AS aggregate,
       a.aggcombinefn = 0 AS no_combine,
       t.typtype = 'p' AS pseudo_transition_type,
       p.proparallel <> 's' AS not_parallel_safe
FROM pg_aggregate a
JOIN pg_proc p ON p.oid = a.aggfnoid
JOIN pg_type t ON t.oid = a.aggtranstype
WHERE p.pronamespace = 'retention'::regnamespace
  AND (a.aggcombinefn = 0 OR t.typtype = 'p' OR p.proparallel <> 's')
ORDER BY 1::text;

-- no function is SECURITY DEFINER, every one is PARALLEL SAFE, and every
-- support function of an aggregate is parallel safe too
SELECT p.oid::regprocedure AS function, p.prosecdef, p.proparallel
FROM pg_proc p
WHERE p.pronamespace = 'retention'::regnamespace
  AND (p.prosecdef OR p.proparallel <> 's')
ORDER BY 1::text;

-- every user-facing function, aggregate and type has a comment
SELECT p.oid::regprocedure AS uncommented
FROM pg_proc p
WHERE p.pronamespace = 'retention'::regnamespace
  AND obj_description(p.oid, 'pg_proc') IS NULL
  AND p.proname !~ '_(in|out|recv|send|transfn|combinefn|finalfn|serialfn|deserialfn|support)$'
  AND NOT EXISTS (SELECT 1 FROM pg_type t WHERE t.typinput = p.oid OR t.typoutput = p.oid
                  OR t.typreceive = p.oid OR t.typsend = p.oid)
ORDER BY 1::text;
SELECT t.oid::regtype AS uncommented_type
FROM pg_type t
WHERE t.typnamespace = 'retention'::regnamespace
  AND ((t.typtype = 'b' AND t.typcategory <> 'A') OR
       (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))
  AND obj_description(t.oid, 'pg_type') IS NULL
ORDER BY 1::text;

-- every summary type: version-prefixed text I/O plus binary send/receive
SELECT t.oid::regtype AS summary_type_without_binary_io
FROM pg_type t
WHERE t.typnamespace = 'retention'::regnamespace
  AND t.typtype = 'b' AND t.typcategory <> 'A'
  AND (t.typreceive = 0 OR t.typsend = 0)
ORDER BY 1::text;

-- functions not written in C must pin their search_path, so that objects
-- planted in the caller's search_path cannot change what they do
SELECT p.oid::regprocedure AS unpinned_function, l.lanname
FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
WHERE p.pronamespace = 'retention'::regnamespace
  AND l.lanname NOT IN ('c', 'internal')
  AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%')
ORDER BY 1::text;
