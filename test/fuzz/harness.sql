-- The fuzz harness: feeds every summary type's text input random and mutated
-- strings, every binary receive function random and mutated bytes (through
-- COPY ... FROM ... (FORMAT binary)), and every function and aggregate of
-- the extension extreme arguments.  Each attempt must end in a result or an
-- ERROR with the SQLSTATE documented for that kind of input (README): 22P02
-- for malformed text, 22P03 for malformed binary input, and for arguments
-- 22003 (out of range), 22023 (invalid parameter), 22008 (a date outside
-- the years 1 to 9999), 22004 (a NULL where a value is needed), 42804 (a
-- typed id argument unlike the summary's ids) or 54000 (a size limit).  Any other SQLSTATE (an
-- internal error, or a harness mistake such as 42883), a value that is
-- accepted but does not round-trip, or a crash (the session dies) is a
-- failure.  Functions, aggregates and types are discovered from the catalog;
-- the tables below give the valid samples and argument values they need, and
-- a missing entry is itself reported as a failure.
--
-- Used by test/sql/fuzz.sql (fixed seed, small budget) and tools/fuzz.sh
-- (random seed, any budget).

CREATE SCHEMA fuzz;

-- valid text forms of each summary or composite type
CREATE TABLE fuzz.samples (type regtype, sample text);
INSERT INTO fuzz.samples VALUES
    ('retention.nps_summary', 'v1 promoters=12 passives=5 detractors=3'),
    ('retention.nps_summary', 'v1 promoters=0 passives=0 detractors=0'),
    ('retention.nps_summary', 'v1 promoters=9223372036854775807 passives=9223372036854775807 detractors=1'),
    ('retention.csat_summary', 'v1 scale=5 counts=1,0,3,10,20'),
    ('retention.csat_summary', 'v1 scale=2 counts=0,0'),
    ('retention.csat_summary', 'v1 scale=10 counts=9223372036854775807,1,1,1,1,1,1,1,1,9223372036854775807'),
    ('retention.churn_summary', 'v1 period_start=2024-01-01 period_end=2024-03-31 customers_start=5 churned=3'),
    ('retention.churn_summary', 'v1 period_start=2024-01-01 period_end=2024-03-31 customers_start=0 churned=0'),
    ('retention.churn_summary', 'v1 period_start=2024-02-28 period_end=2024-02-29 customers_start=9223372036854775807 churned=9223372036854775807'),
    ('retention.survival', 'v1 n=10 entries=9:1:0,13:1:1,18:1:0,23:1:0,28:0:1,31:1:0,34:1:0,45:0:1,48:1:0,161:0:1'),
    ('retention.survival', 'v1 n=6 entries=0:1:0,1e-300:1:0,0.1:1:0,0.3:1:0,0.3333333333333333:0:1,2.5e+15:0:1'),
    ('retention.survival', 'v1 n=2 entries=0:9223372036854775806:0,1e308:0:1'),
    ('retention.btyd_histogram', 'v1 kind=bgnbd penalizer=0 points=0:0:10:3,1:2:10:2,4:9.5:12:1'),
    ('retention.btyd_histogram', 'v1 kind=bgnbd penalizer=0.25 points='),
    ('retention.btyd_histogram', 'v1 kind=gammagamma penalizer=0 points=2:12.5:0:1,5:30:0:9223372036854775807'),
    ('retention.bgnbd_model', '(0.243,4.414,0.793,2.426,-9582.4,2357,t,)'),
    ('retention.gammagamma_model', '(6.25,3.74,15.44,-4000,946,t,)'),
    ('retention.btyd_histogram', 'v1 kind=pnbd penalizer=0 points=0:0:10:3,1:2:10:2,4:9.5:12:1'),
    ('retention.btyd_histogram', 'v1 kind=mbgnbd penalizer=0.5 points=0:0:1e-300:1,3:7:7:2'),
    ('retention.btyd_histogram', 'v1 kind=bgbb penalizer=0 points=0:0:6:3464,2:5:6:173,6:6:6:1203'),
    ('retention.pnbd_model', '(0.553,10.578,0.606,11.669,-9595,2357,t,"{{1,0,0,0},{0,1,0,0},{0,0,1,0},{0,0,0,1}}")'),
    ('retention.mbgnbd_model', '(0.525,6.183,0.891,1.614,-9582,2357,t,)'),
    ('retention.bgbb_model', '(1.204,0.75,0.657,2.783,-33225.6,11104,t,)'),
    ('retention.bgnbd_model', '(0.243,4.414,0.793,2.426,-9582.4,2357,t,"{{1e-4,0,0,0},{0,0.1,0,0},{0,0,0.03,0},{0,0,0,0.5}}")'),
    ('retention.rfm_state', 'v2 amounts=numeric end=2024-12-31 orders=5 revenue=67.50 first_day_total=25.00 days=2024-01-10,2024-02-15,2024-03-01'),
    ('retention.rfm_state', 'v2 amounts=numeric end=2024-12-31 orders=0 revenue=0 first_day_total=0 days='),
    ('retention.rfm_state', 'v2 amounts=float8 end=2024-12-31 orders=2 revenue=0.30000000000000004 first_day_total=0.1 days=2024-01-01,2024-12-31'),
    ('retention.activity', 'v1 ids=bigint customers=0 days=0'),
    ('retention.activity', 'v1 ids=bigint customers=1 days=2 9:2024-05-01,2024-05-31'),
    ('retention.activity', 'v1 ids=bigint customers=2 days=2 -9223372036854775808:0001-01-01 9223372036854775807:9999-12-31'),
    ('retention.activity', 'v1 ids=text customers=2 days=3 "":2024-01-03 "al\"ice":2024-01-01,2024-01-02'),
    ('retention.activity', 'v1 ids=uuid customers=1 days=1 a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11:2024-01-01'),
    ('retention.rfm_state', 'v1 amounts=numeric end=5874897-12-31 orders=3 revenue=100000000000000000000000000000000000000000000000000.5 first_day_total=-0.0000000000000000000000000000000000000001 days=-4712-11-24,2024-12-31,5874897-12-31'),
    ('retention.rfm_state', 'v2 amounts=float8 end=2024-12-31 orders=12 revenue=3e+47-1e+20+5.551115123125783e-17 first_day_total=-1e-29 days=2024-01-01,2024-12-31'),
    ('retention.rfm_state', 'v1 amounts=float8 end=2024-12-31 orders=2 revenue=7085.714285714285 first_day_total=5314.285714285714 days=2024-06-01,2024-06-02');
INSERT INTO fuzz.samples VALUES
    ('retention.purchases', 'v2 ids=bigint amounts=numeric customers=0 days=0'),
    ('retention.purchases', 'v2 ids=bigint amounts=numeric customers=2 days=3 -5:2024-01-01/2/1.50,2024-01-09/1/-2 7:0001-01-01/1/0'),
    ('retention.purchases', 'v2 ids=text amounts=float8 customers=2 days=2 "":9999-12-31/1/1e-300 "a\"b":2024-01-01/3/0.1'),
    ('retention.purchases', 'v2 ids=uuid amounts=numeric customers=1 days=1 a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11:2024-01-01/1/-99999999999999999999999999.999999'),
    ('retention.purchases', 'v2 ids=bigint amounts=float8 customers=2 days=3 1:2024-01-01/3/0.30000000000000004-2.7755575615628914e-17,2024-01-05/1/-2.5 9:2024-02-01/2/1e+28+1.5e-20'),
    ('retention.purchases', 'v2 ids=bigint amounts=numeric customers=2 days=4 3:2024-01-01/1/12.50,2024-01-02/300/4 4:2024-01-01/1/199,2024-03-01/2/0.5');

-- subscription economics (SPEC §10)
INSERT INTO fuzz.samples VALUES
    ('retention.sbg_model', '(0.668,3.806,-1611.16,1000,t)'),
    ('retention.sbg_model', '(1e-300,1e300,0,1,f)'),
    ('bigint[]', '{0,0,120,5,80,900}'),
    ('bigint[]', '{0,1}'),
    ('retention.mrr_summary', 'v1 ids=bigint first=2024-01-01 last=2024-06-30 customers=2 changes=3 17:2024-01-05+49.00,2024-03-01-49.00 42:2024-02-01+10'),
    ('retention.mrr_summary', 'v1 ids=bigint first=0001-01-01 last=9999-12-31 customers=1 changes=2 -9223372036854775808:0001-01-01+0.000000000000000000001,9999-12-31+100000000000000000000'),
    ('retention.mrr_summary', 'v1 ids=text first=2024-01-01 last=2024-01-31 customers=2 changes=2 "":2024-01-01+1 "a\"b":2024-01-31+2.5'),
    ('retention.mrr_summary', 'v1 ids=uuid first=2024-01-01 last=2024-01-01 customers=0 changes=0');

-- an ordinary value of each argument type, used for the other arguments
-- while one argument takes its extreme values
CREATE TABLE fuzz.normal_args (type regtype PRIMARY KEY, value text);
INSERT INTO fuzz.normal_args VALUES
    ('int', '5'), ('bigint', '42'), ('float8', '0.5'), ('numeric', '19.99'),
    ('boolean', 'true'), ('text', 'month'), ('date', '2024-03-15'),
    ('timestamptz', '2024-03-15 12:00:00+00'), ('uuid', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
-- the typed NULL that picks the type of customer_id (customer_stages,
-- customer_rfm, calibration_holdout)
INSERT INTO fuzz.normal_args VALUES ('anyelement', '42');

-- ordinary arguments for functions that the values above do not suit; each
-- function must return for some of its arguments (fuzz.coverage)
CREATE TABLE fuzz.normal_call_args (function regprocedure PRIMARY KEY, args text[]);
INSERT INTO fuzz.normal_call_args VALUES
    ('retention.abc_class(numeric, float8, float8)', ARRAY['19.99', '0.8', '0.95']),
    ('retention.abc_class(float8, float8, float8)', ARRAY['19.99', '0.8', '0.95']),
    ('retention.abc_class(bigint, float8, float8)', ARRAY['20', '0.8', '0.95']);

CREATE TABLE fuzz.extreme_args (type regtype, value text);
INSERT INTO fuzz.extreme_args VALUES
    ('int', NULL), ('int', '0'), ('int', '-1'), ('int', '2147483647'), ('int', '-2147483648'),
    ('bigint', NULL), ('bigint', '0'), ('bigint', '-1'),
    ('bigint', '9223372036854775807'), ('bigint', '-9223372036854775808'),
    ('float8', NULL), ('float8', '0'), ('float8', '-0'), ('float8', '-1'), ('float8', 'NaN'),
    ('float8', 'Infinity'), ('float8', '-Infinity'), ('float8', '1e308'), ('float8', '-1e308'),
    ('float8', '5e-324'), ('float8', '1'),
    ('numeric', NULL), ('numeric', '0'), ('numeric', '-1'), ('numeric', 'NaN'),
    ('numeric', '1e100'), ('numeric', '-1e100'), ('numeric', '0.000000000000000000001'),
    ('boolean', NULL), ('boolean', 'false'),
    ('text', NULL), ('text', ''), ('text', 'x'), ('text', '0 days'), ('text', '-7 days'),
    ('text', '2147483648 days'), ('text', 'week_funday'), ('text', 'week_'), ('text', 'MONTH'),
    ('date', NULL), ('date', 'infinity'), ('date', '-infinity'), ('date', '4713-01-01 BC'),
    ('date', '5874897-12-31'), ('date', '2000-02-29'),
    ('timestamptz', NULL), ('timestamptz', 'infinity'), ('timestamptz', '-infinity'),
    ('timestamptz', '4713-01-01 00:00:00+00 BC'), ('timestamptz', '294276-12-31 23:59:59+00'),
    ('uuid', NULL), ('uuid', '00000000-0000-0000-0000-000000000000');

CREATE TABLE fuzz.failures (what text, input text, sqlstate text, message text);
CREATE SEQUENCE fuzz.attempts;     -- not rolled back with a failed attempt
CREATE TABLE fuzz.outcomes (what text, sqlstate text, n bigint, PRIMARY KEY (what, sqlstate));

CREATE FUNCTION fuzz.count_outcome(what text, sqlstate text) RETURNS void LANGUAGE sql AS $$
    INSERT INTO fuzz.outcomes VALUES (what, sqlstate, 1)
    ON CONFLICT (what, sqlstate) DO UPDATE SET n = fuzz.outcomes.n + 1
$$;

-- the SQLSTATEs each kind of attempt may end in
CREATE TABLE fuzz.documented_errors (kind text, code text);
INSERT INTO fuzz.documented_errors VALUES
    ('input', '22P02'), ('receive', '22P03'),
    ('arguments', '22003'), ('arguments', '22023'), ('arguments', '22008'), ('arguments', '54000'),
    ('arguments', '22004'),     -- a NULL where a value is needed (a bracket bound)
    ('arguments', '42804');     -- a typed id argument unlike the summary's ids

-- Runs one statement; records it as a failure when it raises an error other
-- than those documented for its kind.  Returns the SQLSTATE, or NULL when it
-- succeeded.
CREATE FUNCTION fuzz.try(what text, kind text, statement text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval('fuzz.attempts');
    EXECUTE statement;
    PERFORM fuzz.count_outcome(what, 'ok');
    RETURN NULL;
EXCEPTION WHEN OTHERS THEN
    PERFORM fuzz.count_outcome(what, SQLSTATE);
    IF NOT EXISTS (SELECT 1 FROM fuzz.documented_errors d WHERE d.kind = try.kind AND d.code = SQLSTATE) THEN
        INSERT INTO fuzz.failures VALUES (what, statement, SQLSTATE, SQLERRM);
    END IF;
    RETURN SQLSTATE;
END $$;

CREATE FUNCTION fuzz.random_int(lo int, hi int) RETURNS int LANGUAGE sql AS $$
    SELECT lo + floor(random() * (hi - lo + 1))::int
$$;

-- characters that summary text forms are made of, and some that they are not
CREATE FUNCTION fuzz.random_char() RETURNS text LANGUAGE sql AS $$
    SELECT substr(E'v0123456789=, .-+eE\tpromtersascld{}()[]:;"''\\xn', fuzz.random_int(1, 44), 1)
$$;

CREATE FUNCTION fuzz.random_string() RETURNS text LANGUAGE sql AS $$
    SELECT string_agg(fuzz.random_char(), '') FROM generate_series(1, fuzz.random_int(0, 60))
$$;

-- One random edit of a string: delete, insert, replace, duplicate, truncate,
-- or swap a number for an extreme one.
CREATE FUNCTION fuzz.mutate(s text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    pos int := fuzz.random_int(1, greatest(length(s), 1));
    len int := fuzz.random_int(1, 12);
BEGIN
    CASE fuzz.random_int(1, 7)
    WHEN 1 THEN RETURN overlay(s PLACING '' FROM pos FOR len);
    WHEN 2 THEN RETURN overlay(s PLACING fuzz.random_char() FROM pos FOR 0);
    WHEN 3 THEN RETURN overlay(s PLACING fuzz.random_char() FROM pos FOR 1);
    WHEN 4 THEN RETURN overlay(s PLACING substr(s, pos, len) FROM pos FOR 0);
    WHEN 5 THEN RETURN left(s, pos - 1);
    WHEN 6 THEN RETURN regexp_replace(s, '[0-9]+',
                (ARRAY['99999999999999999999', '-1', '9223372036854775807', '0', '1e308',
                       'nan', '-0', '4294967296'])[fuzz.random_int(1, 8)],
                'g');
    ELSE RETURN regexp_replace(s, '[0-9]+', fuzz.random_int(0, 300)::text);
    END CASE;
END $$;

CREATE FUNCTION fuzz.mutate_bytes(b bytea) RETURNS bytea LANGUAGE plpgsql AS $$
DECLARE
    pos int := fuzz.random_int(0, greatest(length(b) - 1, 0));
BEGIN
    IF length(b) = 0 THEN
        RETURN '\x00'::bytea;
    END IF;
    CASE fuzz.random_int(1, 6)
    WHEN 1 THEN RETURN set_byte(b, pos, fuzz.random_int(0, 255));
    WHEN 2 THEN RETURN substr(b, 1, pos);
    WHEN 3 THEN RETURN b || substr(b, 1, fuzz.random_int(1, 16));
    WHEN 4 THEN RETURN set_byte(b, pos, 255);
    WHEN 5 THEN RETURN overlay(b PLACING '\xffffffffffffffff'::bytea FROM pos + 1 FOR 8);
    ELSE RETURN decode(md5(random()::text) || md5(random()::text), 'hex');
    END CASE;
END $$;

-- An accepted text must round-trip through output and input unchanged.
CREATE FUNCTION fuzz.check_round_trip(type regtype, input text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    once text;
    twice text;
BEGIN
    EXECUTE format('SELECT %L::%s::text', input, type) INTO once;
    EXECUTE format('SELECT %L::%s::text', once, type) INTO twice;
    IF once IS DISTINCT FROM twice THEN
        INSERT INTO fuzz.failures VALUES (type || ' text round trip', input, NULL, once || ' <> ' || twice);
    END IF;
END $$;

CREATE FUNCTION fuzz.summary_types() RETURNS SETOF regtype LANGUAGE sql AS $$
    SELECT t.oid::regtype FROM pg_type t
    WHERE t.typnamespace = 'retention'::regnamespace AND t.typtype = 'b' AND t.typcategory <> 'A'
    ORDER BY 1::text
$$;

-- Text input: random strings and mutations of valid samples.
CREATE FUNCTION fuzz.text_inputs(budget int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    summary_type regtype;
    samples text[];
    input text;
BEGIN
    FOR summary_type IN SELECT * FROM fuzz.summary_types() LOOP
        samples := ARRAY(SELECT s.sample FROM fuzz.samples s WHERE s.type = summary_type);
        IF cardinality(samples) = 0 THEN
            INSERT INTO fuzz.failures VALUES (summary_type || ' has no sample in fuzz.samples', NULL, NULL, NULL);
            CONTINUE;
        END IF;
        FOR i IN 1 .. budget LOOP
            IF random() < 0.2 THEN
                input := fuzz.random_string();
            ELSE
                input := samples[fuzz.random_int(1, cardinality(samples))];
                FOR j IN 1 .. fuzz.random_int(1, 3) LOOP
                    input := fuzz.mutate(input);
                END LOOP;
            END IF;
            IF fuzz.try(summary_type || ' input', 'input', format('SELECT %L::%s', input, summary_type)) IS NULL THEN
                PERFORM fuzz.check_round_trip(summary_type, input);
            END IF;
        END LOOP;
    END LOOP;
END $$;

-- Binary input: mutated send() output and random bytes, written as the one
-- field of a binary COPY file and read back into a column of the type.
CREATE FUNCTION fuzz.binary_inputs(budget int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    summary_type regtype;
    send_fn regproc;
    valid bytea[];
    bytes bytea;
    file text := current_setting('data_directory') || '/fuzz.bin';
    accepted text;
BEGIN
    FOR summary_type IN SELECT * FROM fuzz.summary_types() LOOP
        SELECT typsend INTO send_fn FROM pg_type WHERE oid = summary_type;
        EXECUTE format('SELECT array_agg(%s(s.sample::%s)) FROM fuzz.samples s WHERE s.type = %L::regtype',
                       send_fn, summary_type, summary_type) INTO valid;
        CONTINUE WHEN valid IS NULL;
        EXECUTE format('CREATE TEMP TABLE fuzz_target (value %s)', summary_type);
        FOR i IN 1 .. budget LOOP
            bytes := valid[fuzz.random_int(1, cardinality(valid))];
            FOR j IN 1 .. fuzz.random_int(1, 3) LOOP
                bytes := fuzz.mutate_bytes(bytes);
            END LOOP;
            EXECUTE format('COPY (SELECT %L::bytea) TO %L (FORMAT binary)', bytes, file);
            IF fuzz.try(summary_type || ' receive', 'receive', format('COPY fuzz_target FROM %L (FORMAT binary)', file)) IS NULL THEN
                EXECUTE 'SELECT value::text FROM fuzz_target' INTO accepted;
                PERFORM fuzz.check_round_trip(summary_type, accepted);
                TRUNCATE fuzz_target;
            END IF;
        END LOOP;
        DROP TABLE fuzz_target;
    END LOOP;
END $$;

-- A literal of the given type, or NULL.
-- (anyelement: the typed id argument of customer_stages, customer_rfm and
-- calibration_holdout, given as a bigint)
CREATE FUNCTION fuzz.literal(value text, type regtype) RETURNS text LANGUAGE sql AS $$
    SELECT CASE WHEN value IS NULL THEN format('NULL::%s', type)
                WHEN type = 'anyelement'::regtype THEN format('%L::bigint', value)
                ELSE format('%L::%s', value, type) END
$$;

-- The values one argument takes: the type's extremes, or the samples of a
-- summary or composite type (with NULL).
CREATE FUNCTION fuzz.argument_values(type regtype) RETURNS SETOF text LANGUAGE sql AS $$
    SELECT value FROM fuzz.extreme_args e WHERE e.type = $1
    UNION ALL SELECT sample FROM fuzz.samples s WHERE s.type = $1
    UNION ALL SELECT NULL WHERE EXISTS (SELECT 1 FROM fuzz.samples s WHERE s.type = $1)
$$;

CREATE FUNCTION fuzz.normal_value(type regtype) RETURNS text LANGUAGE sql AS $$
    SELECT coalesce((SELECT value FROM fuzz.normal_args n WHERE n.type = $1),
                    (SELECT sample FROM fuzz.samples s WHERE s.type = $1 LIMIT 1))
$$;

-- Every function and aggregate: each argument in turn takes each of its
-- extreme values while the others are ordinary.
CREATE FUNCTION fuzz.extreme_arguments() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    f record;
    args text[];
    call text;
    value text;
BEGIN
    FOR f IN
        SELECT p.oid, p.oid::regprocedure::text AS signature, p.prokind,
               ARRAY(SELECT unnest(p.proargtypes::regtype[])) AS types,  -- 1-based
               (SELECT n.args FROM fuzz.normal_call_args n WHERE n.function = p.oid) AS normal
        FROM pg_proc p
        WHERE p.pronamespace = 'retention'::regnamespace
          AND NOT EXISTS (SELECT 1 FROM unnest(p.proargtypes::regtype[]) t
                          WHERE t IN ('internal'::regtype, 'cstring'::regtype))
        ORDER BY 2
    LOOP
        IF EXISTS (SELECT 1 FROM unnest(f.types) t WHERE fuzz.normal_value(t) IS NULL) THEN
            INSERT INTO fuzz.failures VALUES (f.signature || ' has an argument type without a value in fuzz.normal_args or fuzz.samples', NULL, NULL, NULL);
            CONTINUE;
        END IF;
        IF cardinality(f.types) = 0 THEN    -- no arguments: one call
            PERFORM fuzz.try(f.signature, 'arguments', format('SELECT count(*) FROM %s() AS r', f.oid::regproc));
        END IF;
        FOR position IN 1 .. cardinality(f.types) LOOP
            FOR value IN SELECT * FROM fuzz.argument_values(f.types[position]) LOOP
                args := ARRAY(SELECT fuzz.literal(CASE WHEN i = position THEN value
                                                       ELSE coalesce(f.normal[i], fuzz.normal_value(f.types[i])) END,
                                                  f.types[i])
                              FROM generate_subscripts(f.types, 1) i ORDER BY i);
                IF f.prokind = 'a' THEN
                    -- the extreme row alone, and after an ordinary row
                    call := format('SELECT %s(%s)', f.oid::regproc, array_to_string(args, ', '));
                    PERFORM fuzz.try(f.signature, 'arguments', call);
                    call := format('SELECT %s(%s) FROM (VALUES (1), (2)) v(k)', f.oid::regproc,
                                   array_to_string(ARRAY(
                                       SELECT format('CASE WHEN k = 1 THEN %s ELSE %s END',
                                                     fuzz.literal(coalesce(f.normal[i], fuzz.normal_value(f.types[i])), f.types[i]),
                                                     args[i])
                                       FROM generate_subscripts(f.types, 1) i ORDER BY i), ', '));
                ELSIF f.prokind = 'w' THEN
                    -- a window over an ordinary row and the extreme one
                    call := format('SELECT %s(%s) OVER (ORDER BY k) FROM (VALUES (1), (2)) v(k)',
                                   f.oid::regproc,
                                   array_to_string(ARRAY(
                                       SELECT format('CASE WHEN k = 1 THEN %s ELSE %s END',
                                                     fuzz.literal(coalesce(f.normal[i], fuzz.normal_value(f.types[i])), f.types[i]),
                                                     args[i])
                                       FROM generate_subscripts(f.types, 1) i ORDER BY i), ', '));
                ELSE
                    call := format('SELECT count(*) FROM %s(%s) AS r', f.oid::regproc,
                                   array_to_string(args, ', '));
                END IF;
                PERFORM fuzz.try(f.signature, 'arguments', call);
            END LOOP;
        END LOOP;
    END LOOP;
END $$;

-- Retention as product teams define it (SPEC §7): bracket bounds and the
-- id type argument of customer_stages
INSERT INTO fuzz.normal_args VALUES ('int[]', '{1,8,31}');
INSERT INTO fuzz.extreme_args VALUES
    ('int[]', NULL), ('int[]', '{}'), ('int[]', '{1}'), ('int[]', '{0,2147483647}'),
    ('int[]', '{-2147483648,0}'), ('int[]', '{5,3}'), ('int[]', '{1,1}'), ('int[]', '{1,NULL}'),
    ('int[]', '{{1,2},{3,4}}'), ('int[]', '[5:6]={0,1}');

-- issue 19: argument types of the first-hour additions
INSERT INTO fuzz.normal_args VALUES ('daterange', '[2024-01-01,2024-04-01)');
INSERT INTO fuzz.extreme_args VALUES
    ('daterange', NULL), ('daterange', 'empty'), ('daterange', '(,)'), ('daterange', '[2024-01-01,)'),
    ('daterange', '[-infinity,infinity)'), ('daterange', '[4713-01-01 BC,5874897-12-31]'),
    ('daterange', '[2024-02-29,2024-02-29]');
INSERT INTO fuzz.normal_args VALUES ('smallint', '5');
INSERT INTO fuzz.extreme_args VALUES
    ('smallint', NULL), ('smallint', '0'), ('smallint', '-1'), ('smallint', '32767'), ('smallint', '-32768');

-- What the attempts ended in, per kind and target: every summary type's
-- input and receive function must have accepted some values and rejected
-- others, and every function and aggregate must have returned for some of
-- its arguments (a harness that builds wrong calls gets errors only).
CREATE VIEW fuzz.coverage AS
SELECT CASE WHEN what LIKE '% input' THEN 'input' WHEN what LIKE '% receive' THEN 'receive'
            ELSE 'arguments' END AS kind,
       what,
       coalesce(sum(n) FILTER (WHERE sqlstate = 'ok'), 0) AS accepted,
       coalesce(sum(n) FILTER (WHERE sqlstate <> 'ok'), 0) AS rejected
FROM fuzz.outcomes GROUP BY what;

-- model checking against a holdout period (SPEC §9): the first sample is of
-- the bgnbd_model sample above, so that holdout_check's transition function
-- accepts its ordinary arguments
INSERT INTO fuzz.samples VALUES
    ('retention.holdout_summary', 'v1 model=bgnbd r=0.243 alpha=4.414 a=0.793 b=2.426 abs_error=3.6913531709334926+2.220446049250313e-16 squared_error=2.803905834472941+1.6653345369377348e-16 frequencies=0:2:1:0.6945573049306036,1:1:0:0.7489350636574649,2:1:2:1.2260281747671442,10:1:7:6.1359149188649065'),
    ('retention.holdout_summary', 'v1 model=pnbd r=0.553 alpha=10.578 s=0.606 beta=11.669 abs_error=3.25 squared_error=4.5 frequencies=0:10:2:1.25,4:1:6:5.5'),
    ('retention.holdout_summary', 'v1 model=mbgnbd r=1 alpha=2 a=3 b=4 abs_error=0 squared_error=0 frequencies='),
    ('retention.holdout_summary', 'v1 model=bgbb alpha=1.204 beta=0.75 gamma=0.657 delta=2.783 abs_error=6e+28 squared_error=1e+40+1e-20 frequencies=0:9223372036854775806:9223372036854775807:1e+30+3e-29,2147483647:1:0:0');
