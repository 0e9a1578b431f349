-- Exact float8 sums (float_sum.h), through rfm with float8 amounts: each
-- amount taken exactly (below 2^-44 to the nearest 2^-96), the sum rounded to
-- float8 once, so that serial, parallel and rolled-up states agree bit for
-- bit and equal the exact sum of the amounts rounded once.
BEGIN;
SET LOCAL search_path = public, retention;
SET LOCAL retention.summary_text = readable;
SELECT plan(43);

-- Exact decimals of doubles: 2^n for -160 <= n <= 160, and a double's exact
-- value as its 53-bit integer mantissa times a power of two (for values of
-- magnitude 2^-108 to 2^160, which covers every term of a sum's text form).
CREATE TEMP TABLE p2 AS
WITH RECURSIVE up(n, v) AS (SELECT 0, 1::numeric UNION ALL SELECT n + 1, v * 2 FROM up WHERE n < 160),
               down(n, v) AS (SELECT 0, 1::numeric UNION ALL SELECT n - 1, v * 0.5 FROM down WHERE n > -160)
SELECT * FROM up UNION SELECT * FROM down;
CREATE UNIQUE INDEX ON p2 (n);
CREATE FUNCTION pg_temp.exact(x float8) RETURNS numeric LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN x = 0 THEN 0::numeric
                ELSE sign(x)::numeric * (abs(x) * 2::float8 ^ (52 - e))::bigint::numeric
                     * (SELECT v FROM p2 WHERE n = e - 52) END
    FROM (SELECT CASE WHEN abs(x) * 2::float8 ^ (52 - e0) >= 2::float8 ^ 53 THEN e0 + 1
                      WHEN abs(x) * 2::float8 ^ (52 - e0) < 2::float8 ^ 52 THEN e0 - 1
                      ELSE e0 END AS e
          FROM (SELECT floor(ln(abs(x)) / ln(2::float8))::int AS e0) a) b
$$;
-- the value of a sum in the text form: the exact sum of its terms
CREATE FUNCTION pg_temp.terms_value(t text) RETURNS numeric LANGUAGE sql STABLE AS $$
    SELECT sum(pg_temp.exact(m[1]::float8))
    FROM regexp_matches(t, '[+-]?[0-9.]+(?:e[+-]?[0-9]+)?', 'g') m
$$;
CREATE FUNCTION pg_temp.field(s rfm_state, key text) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT substring(s::text FROM ' ' || key || '=(\S+)')
$$;

SELECT is(pg_temp.exact(0.1), 0.1000000000000000055511151231257827021181583404541015625,
          'test helper: the exact value of the double 0.1');
SELECT is(pg_temp.exact(-3e20), -300000000000000000000::numeric, 'test helper: an integer double');

-- 1. Against the exact sum.  40 customers, 500 orders each on random days,
-- amounts of every kind: decimals with cents, fractions like x/7 (as in the
-- issue), full 53-bit mantissas with exponents from 2^-44 to 2^80 and either
-- sign (so that sums cancel and round at every bit position), and zeros.
SELECT setseed(0.18);
CREATE TEMP TABLE wide AS
SELECT c, d,
       CASE k WHEN 0 THEN round((random() * 1000)::numeric, 2)::float8
              WHEN 1 THEN floor(random() * 20000) / 7.0::float8
              WHEN 2 THEN (CASE WHEN random() < 0.5 THEN -1 ELSE 1 END)
                          * (2::float8 ^ 52 + floor(random() * 2::float8 ^ 52))
                          * 2::float8 ^ (floor(random() * 125)::int - 96)
              WHEN 3 THEN 0
              ELSE random() * 1e6 - 5e5 END AS a
FROM (SELECT c, DATE '2024-01-01' + floor(random() * 60)::int AS d,
             CASE WHEN c % 4 = 0 THEN 2 ELSE floor(random() * 5)::int END AS k
      FROM generate_series(1, 40) c, generate_series(1, 500) i) x;
CREATE TEMP TABLE wide_exact AS
SELECT c, sum(pg_temp.exact(a)) AS revenue,
       sum(pg_temp.exact(a)) FILTER (WHERE d = first_day) AS first_total,
       count(DISTINCT d) - 1 AS frequency
FROM wide JOIN (SELECT c, min(d) AS first_day FROM wide GROUP BY c) f USING (c)
GROUP BY c;
CREATE TEMP TABLE wide_rfm AS
SELECT c, rfm_agg(d, a, DATE '2024-12-31') AS s FROM wide GROUP BY c;

SELECT is((SELECT count(*) FROM wide_rfm JOIN wide_exact e USING (c)
           WHERE pg_temp.terms_value(pg_temp.field(s, 'revenue')) <> e.revenue
              OR pg_temp.terms_value(pg_temp.field(s, 'first_day_total')) <> e.first_total),
          0::bigint, 'the state holds the exact sums: its text terms add up to them');
SELECT is((SELECT count(*) FROM wide_rfm JOIN wide_exact e USING (c)
           WHERE (regexp_match(pg_temp.field(s, 'revenue'), '^-?[0-9.]+(?:e[+-]?[0-9]+)?'))[1]::float8
                 <> e.revenue::float8),
          0::bigint, 'the first term is the exact sum rounded to float8 once');
SELECT is((SELECT count(*) FROM wide_rfm JOIN wide_exact e USING (c)
           WHERE (rfm(s)).revenue <> e.revenue::float8::numeric),
          0::bigint, 'revenue is the exact sum rounded to float8, as numeric');
SELECT is((SELECT count(*) FROM wide_rfm JOIN wide_exact e USING (c)
           WHERE (rfm(s)).monetary_value IS DISTINCT FROM (e.revenue - e.first_total)::float8 / e.frequency),
          0::bigint, 'monetary_value is the exact total of the repeat days rounded once, divided by frequency');
SELECT cmp_ok((SELECT count(*) FROM wide_rfm WHERE pg_temp.field(s, 'revenue') ~ '.[+-]'), '>', 10::bigint,
              'most sums are not one double: the data exercise the remainders');
SELECT is((SELECT count(*) FROM wide_rfm WHERE s::text::rfm_state::text <> s::text),
          0::bigint, 'text round trip');

-- the compact text form goes through the binary form
SET LOCAL retention.summary_text = compact;
CREATE TEMP TABLE wide_compact AS SELECT c, s::text AS compact FROM wide_rfm;
SET LOCAL retention.summary_text = readable;
SELECT is((SELECT count(*) FROM wide_rfm JOIN wide_compact USING (c)
           WHERE compact NOT LIKE 'v2b:%' OR compact::rfm_state::text <> s::text),
          0::bigint, 'binary round trip (through the compact text form)');

-- 2. The issue's example: 1,000 customers of 300 orders of 124/7, 100 a day
-- on three days.  A float8 sum gave 5314.2857142857 serially and
-- 5314.28571428571 in parallel.
CREATE TABLE issue_orders AS
SELECT c, DATE '2024-01-01' + i % 3 AS d, 124 / 7.0::float8 AS a
FROM generate_series(1, 1000) c, generate_series(1, 300) i ORDER BY random();
ANALYZE issue_orders;
SELECT is((SELECT count(*) FROM (SELECT rfm(d, a, DATE '2024-12-31') r FROM issue_orders GROUP BY c) x
           WHERE (r).revenue <> (300 * pg_temp.exact(124 / 7.0::float8))::float8::numeric
              OR (r).monetary_value <> (200 * pg_temp.exact(124 / 7.0::float8))::float8 / 2),
          0::bigint, 'the issue''s example: every customer has the exact revenue and monetary_value');
SELECT is((SELECT ((r).revenue, (r).monetary_value)::text
           FROM (SELECT rfm(d, a, DATE '2024-12-31') r FROM issue_orders WHERE c = 1) x),
          '(5314.28571428571,1771.4285714285716)',
          'the issue''s example: revenue 5314.28571428571 (the double 5314.2857142857147), monetary_value 1771.4285714285716');

-- 3. Serial = forced parallel = rollup of random partitions, bit for bit:
-- 300,000 orders of 1,000 customers, float8 amounts like the issue's.
CREATE TABLE split_orders AS
SELECT 1 + floor(random() * 1000)::int AS c, DATE '2024-01-01' + floor(random() * 365)::int AS d,
       CASE WHEN random() < 0.5 THEN floor(random() * 20000) / 7.0 ELSE random() * 1000 END AS a,
       floor(random() * 1000)::int AS bucket
FROM generate_series(1, 300000);
ANALYZE split_orders;
SET LOCAL max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE split_serial AS
SELECT c, rfm_agg(d, a, DATE '2024-12-31')::text AS s, rfm(d, a, DATE '2024-12-31')::text AS r
FROM split_orders GROUP BY c;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_leader_participation = off;
SET LOCAL enable_hashagg = off;
CREATE FUNCTION pg_temp.plan_of(q text) RETURNS text LANGUAGE plpgsql AS $f$
DECLARE r text; acc text := '';
BEGIN
    FOR r IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP acc := acc || r || E'\n'; END LOOP;
    RETURN acc;
END $f$;
SELECT matches(pg_temp.plan_of($$SELECT c, rfm_agg(d, a, DATE '2024-12-31') FROM split_orders GROUP BY c$$),
               'Partial GroupAggregate', 'the plan aggregates partially in workers');
SELECT is((SELECT count(*) FROM split_serial
           FULL JOIN (SELECT c, rfm_agg(d, a, DATE '2024-12-31')::text AS s,
                             rfm(d, a, DATE '2024-12-31')::text AS r
                      FROM split_orders GROUP BY c) p USING (c)
           WHERE p.s IS DISTINCT FROM split_serial.s OR p.r IS DISTINCT FROM split_serial.r),
          0::bigint, 'forced parallel (sorted groups) = serial, bit for bit');
SET LOCAL enable_hashagg = on;
SET LOCAL enable_sort = off;
SELECT is((SELECT count(*) FROM split_serial
           FULL JOIN (SELECT c, rfm_agg(d, a, DATE '2024-12-31')::text AS s,
                             rfm(d, a, DATE '2024-12-31')::text AS r
                      FROM split_orders GROUP BY c) p USING (c)
           WHERE p.s IS DISTINCT FROM split_serial.s OR p.r IS DISTINCT FROM split_serial.r),
          0::bigint, 'forced parallel (hashed groups) = serial, bit for bit');
RESET enable_sort;
SET LOCAL max_parallel_workers_per_gather = 0;
SELECT is((SELECT count(*) FROM split_serial
           FULL JOIN (SELECT c, rollup(s ORDER BY random())::text AS s, rfm(rollup(s ORDER BY random()))::text AS r
                      FROM (SELECT c, rfm_agg(d, a, DATE '2024-12-31') AS s
                            FROM split_orders GROUP BY c, bucket % k) x GROUP BY c) p USING (c)
           WHERE p.s IS DISTINCT FROM split_serial.s OR p.r IS DISTINCT FROM split_serial.r),
          0::bigint, format('rollup of %s random partitions in random order = serial, bit for bit', k))
FROM unnest(ARRAY[2, 7, 300]) k;
SELECT is((SELECT count(*) FROM split_serial
           FULL JOIN (SELECT c, rfm_agg(d, a, DATE '2024-12-31')::text AS s,
                             rfm(d, a, DATE '2024-12-31')::text AS r
                      FROM (SELECT * FROM split_orders ORDER BY random()) o GROUP BY c) p USING (c)
           WHERE p.s IS DISTINCT FROM split_serial.s OR p.r IS DISTINCT FROM split_serial.r),
          0::bigint, 'rows in random order = serial, bit for bit');

-- 4. Tricky values, each the orders of one customer.
CREATE FUNCTION pg_temp.state_of(amounts float8[], days int[] DEFAULT NULL) RETURNS rfm_state
LANGUAGE sql STABLE AS $$
    SELECT rfm_agg(DATE '2024-01-01' + coalesce(days[i], 0), amounts[i], DATE '2024-12-31')
    FROM generate_subscripts(amounts, 1) i
$$;
SELECT is(pg_temp.field(pg_temp.state_of(array_fill(0.1::float8, ARRAY[10])), 'revenue'),
          '1+5.551115123125783e-17', '0.1 ten times: 1 + 2^-54 exactly, which rounds to 1');
SELECT is((rfm(pg_temp.state_of(array_fill(0.1::float8, ARRAY[10])))).revenue, 1::numeric,
          '0.1 ten times: revenue 1 (a float8 sum gives 0.9999999999999999)');
SELECT is(pg_temp.field(pg_temp.state_of(array_fill(1e-30::float8, ARRAY[1000])), 'revenue'), '0',
          '1e-30, below half of 2^-96, counts as 0 however often it is added');
SELECT is(pg_temp.field(pg_temp.state_of(ARRAY[2::float8 ^ -96, 1.5 * 2::float8 ^ -96, 2.5 * 2::float8 ^ -96]), 'revenue'),
          (5 * 2::float8 ^ -96)::text, 'values below 2^-44 round to the nearest 2^-96, ties to even (1 + 2 + 2 units)');
SELECT is(pg_temp.state_of(ARRAY['-0'::float8, '-0'::float8], ARRAY[0, 1])::text,
          'v2 amounts=float8 end=2024-12-31 orders=2 revenue=0 first_day_total=0 days=2024-01-01,2024-01-02',
          '-0 amounts sum to 0');
SELECT is((rfm(pg_temp.state_of(ARRAY['-0'::float8, '-0'::float8], ARRAY[0, 1]))).monetary_value::text, '0',
          '-0 amounts: monetary_value 0, not -0');
SELECT is((rfm(pg_temp.state_of(ARRAY[1e20, 1, -1e20]))).revenue, 1::numeric,
          'cancellation: 1e20 + 1 - 1e20 = 1 (a float8 sum gives 0)');
SELECT is(((rfm(s)).revenue, (rfm(s)).monetary_value)::text, '(6,1)',
          'cancellation: first day 5, then 1e20 + 1 - 1e20: revenue 6, monetary_value 1 (float8 sums: 0 and -5)')
FROM pg_temp.state_of(ARRAY[5, 1e20, 1, -1e20], ARRAY[0, 1, 1, 1]) s;
SELECT is(pg_temp.field(pg_temp.state_of(ARRAY[2::float8 ^ 53, 1]), 'revenue'), '9.007199254740992e+15+1',
          'tie: 2^53 + 1 rounds to even, 2^53');
SELECT is(pg_temp.field(pg_temp.state_of(ARRAY[2::float8 ^ 53, 3]), 'revenue'), '9.007199254740996e+15-1',
          'tie: 2^53 + 3 rounds to even, 2^53 + 4');
SELECT is(pg_temp.field(pg_temp.state_of(ARRAY[2::float8 ^ 53, 1, 2::float8 ^ -96]), 'revenue'),
          '9.007199254740994e+15-1+' || (2::float8 ^ -96)::text, 'just above a tie: 2^53 + 1 + 2^-96 rounds up');
SELECT is(pg_temp.field(pg_temp.state_of(ARRAY[-(2::float8 ^ 53), -1, -(2::float8 ^ -96)]), 'revenue'),
          '-9.007199254740994e+15+1-' || (2::float8 ^ -96)::text, 'just below a negative tie rounds down');
SELECT is(pg_temp.field(pg_temp.state_of(ARRAY[1, 2::float8 ^ -53]), 'revenue'), '1+1.1102230246251565e-16',
          'tie below 1 + 2^-52: rounds to even, 1');
SELECT is(pg_temp.field(pg_temp.state_of(array_fill(2::float8 ^ 95 - 2::float8 ^ 42, ARRAY[4])), 'revenue'),
          (4 * (2::float8 ^ 95 - 2::float8 ^ 42))::text, 'the largest amounts, below 2^95, sum beyond 2^95');
SELECT is((SELECT pg_temp.terms_value(pg_temp.field(rfm_agg(DATE '2024-01-01', a, DATE '2024-12-31'), 'revenue'))
           FROM (SELECT (2::float8 ^ 95 - 2::float8 ^ 42) * (CASE WHEN i % 3 = 0 THEN -1 ELSE 1 END) AS a
                 FROM generate_series(1, 3000) i
                 UNION ALL SELECT i FROM generate_series(1, 3000) i) x),
          1000 * pg_temp.exact(2::float8 ^ 95 - 2::float8 ^ 42) + 4501500,
          'sums far beyond 2^95 are exact');
SELECT is((SELECT s::text::rfm_state::text = s::text FROM (SELECT rfm_agg(DATE '2024-01-01', a, DATE '2024-12-31') s
           FROM (SELECT (2::float8 ^ 95 - 2::float8 ^ 42) * (1 + i % 2) / 2 + 2::float8 ^ -40 * i AS a
                 FROM generate_series(1, 3000) i) x) y),
          true, 'a sum beyond 2^95 with a remainder round-trips through text');
SELECT throws_ok($$SELECT rfm(DATE '2024-01-01', 2::float8 ^ 95, DATE '2024-12-31')$$, '22003',
                 'amount 3.961408125713217e+28 is out of range for an exact float8 sum', 'an amount of 2^95 is 22003');
SELECT throws_ok($$SELECT rfm(DATE '2024-01-01', -1e300::float8, DATE '2024-12-31')$$, '22003', NULL,
                 'an amount of -1e300 is 22003');
SELECT throws_ok($$SELECT rfm(DATE '2024-01-01', 'NaN'::float8, DATE '2024-12-31')$$, '22023', NULL,
                 'NaN is 22023');

-- 5. The range of sums (magnitudes below 2^158) on input and in rollup.
SELECT is(('v2 amounts=float8 end=2024-12-31 orders=1 revenue=3e+47 first_day_total=3e+47 days=2024-01-01'::rfm_state)::text,
          'v2 amounts=float8 end=2024-12-31 orders=1 revenue=3e+47 first_day_total=3e+47 days=2024-01-01',
          'a sum of 3e47 reads back');
SELECT is(('v2 amounts=float8 end=2024-12-31 orders=1 revenue=3.6537540933272573e+47-1 first_day_total=0 days=2024-01-01'::rfm_state)::text,
          'v2 amounts=float8 end=2024-12-31 orders=1 revenue=3.6537540933272573e+47-1 first_day_total=0 days=2024-01-01',
          '2^158 - 1, the largest sums, are written as 2^158 and a negative rest, and read back');
SELECT throws_ok($$SELECT 'v2 amounts=float8 end=2024-12-31 orders=1 revenue=4e47 first_day_total=0 days=2024-01-01'::rfm_state$$,
                 '22P02', NULL, 'a sum of 4e47 (beyond 2^158) is 22P02');
SELECT is(('v2 amounts=float8 end=2024-12-31 orders=1 revenue=3e47+3e47-3e47 first_day_total=0 days=2024-01-01'::rfm_state)::text,
          'v2 amounts=float8 end=2024-12-31 orders=1 revenue=3e+47 first_day_total=0 days=2024-01-01',
          'terms may add up beyond the range on the way');
SELECT throws_ok($$SELECT 'v2 amounts=float8 end=2024-12-31 orders=1 revenue=3e47+3e47+3e47-3e47-3e47 first_day_total=0 days=2024-01-01'::rfm_state$$,
                 '22P02', NULL, 'terms whose running sum overflows 256 bits are 22P02');
SELECT throws_ok($$SELECT rollup(s) FROM (VALUES
        ('v2 amounts=float8 end=2024-12-31 orders=1 revenue=3e47 first_day_total=3e47 days=2024-01-01'::rfm_state),
        ('v2 amounts=float8 end=2024-12-31 orders=1 revenue=3e47 first_day_total=3e47 days=2024-01-02'::rfm_state)) v(s)$$,
                 '22003', NULL, 'rollup(rfm_state): sums that leave the range are 22003');

SELECT * FROM finish();
ROLLBACK;
