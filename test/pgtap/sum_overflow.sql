-- Range limits of the summaries' sums: rfm sums float8 amounts exactly
-- (float_sum.h), so an amount of magnitude 2^95 or more is an error (22003),
-- and so is a rollup whose sum leaves the range of exact sums (2^158); never
-- a sum that wraps around, or that a state's text form could not read back.
BEGIN;
SET LOCAL search_path = public, retention;
SET LOCAL retention.summary_text = readable;
SELECT plan(5);

SELECT throws_ok(
    $$SELECT rfm(d, a, DATE '2024-12-31')
      FROM (VALUES (DATE '2024-01-01', 1e308::float8), ('2024-02-01', 1e308)) v(d, a)$$,
    '22003', NULL, 'rfm: a float8 amount of 1e308 is 22003');
SELECT throws_ok(
    $$SELECT rfm(d, a, DATE '2024-12-31')
      FROM (VALUES (DATE '2024-02-01', -1e308::float8), ('2024-01-01', 1e308), ('2024-01-01', 1e308)) v(d, a)$$,
    '22003', NULL, 'rfm: a float8 amount of -1e308 is 22003');
SELECT throws_ok(
    $$SELECT rollup(s) FROM (VALUES
        ('v2 amounts=float8 end=2024-12-31 orders=1 revenue=2e47 first_day_total=2e47 days=2024-01-01'::rfm_state),
        ('v2 amounts=float8 end=2024-12-31 orders=1 revenue=2e47 first_day_total=2e47 days=2024-01-02'::rfm_state)) v(s)$$,
    '22003', NULL, 'rollup(rfm_state): float8 revenues whose sum leaves the range are 22003');

-- sums of large amounts are exact, and their text form reads back
SELECT is((SELECT (rfm(d, a, DATE '2024-12-31')).revenue
           FROM (VALUES (DATE '2024-01-01', 3e28::float8), ('2024-02-01', -3e28), ('2024-03-01', 3e28),
                        ('2024-03-01', 1)) v(d, a)),
          (3e28::float8 + 1)::numeric, 'rfm: float8 revenue of large amounts that cancel');
SELECT is((SELECT rollup(s)::text::rfm_state::text FROM (VALUES
             ('v2 amounts=float8 end=2024-12-31 orders=1 revenue=1.5e47 first_day_total=1.5e47 days=2024-01-01'::rfm_state),
             ('v2 amounts=float8 end=2024-12-31 orders=1 revenue=1.5e47+1 first_day_total=1.5e47+1 days=2024-01-02'::rfm_state)) v(s)),
          'v2 amounts=float8 end=2024-12-31 orders=2 revenue=3e+47+1 first_day_total=1.5e+47 days=2024-01-01,2024-01-02',
          'rollup(rfm_state) of large float8 revenues round-trips through text');

SELECT * FROM finish();
ROLLBACK;
