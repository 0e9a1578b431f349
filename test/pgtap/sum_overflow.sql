-- Range limits of the summaries' sums: a float8 sum that would overflow is
-- an error (22003, as in sum(float8)), never an infinite sum that a state's
-- text form could not read back.
BEGIN;
SET LOCAL search_path = public, retention;
SELECT plan(5);

SELECT throws_ok(
    $$SELECT rfm(d, a, DATE '2024-12-31')
      FROM (VALUES (DATE '2024-01-01', 1e308::float8), ('2024-02-01', 1e308)) v(d, a)$$,
    '22003', NULL, 'rfm: float8 revenue over two days that overflows is 22003');
SELECT throws_ok(
    $$SELECT rfm(d, a, DATE '2024-12-31')
      FROM (VALUES (DATE '2024-02-01', -1e308::float8), ('2024-01-01', 1e308), ('2024-01-01', 1e308)) v(d, a)$$,
    '22003', NULL, 'rfm: a first day''s float8 total that overflows is 22003');
SELECT throws_ok(
    $$SELECT rollup(s) FROM (VALUES
        ('v1 amounts=float8 end=2024-12-31 orders=1 revenue=1e308 first_day_total=1e308 days=2024-01-01'::rfm_state),
        ('v1 amounts=float8 end=2024-12-31 orders=1 revenue=1e308 first_day_total=1e308 days=2024-01-02'::rfm_state)) v(s)$$,
    '22003', NULL, 'rollup(rfm_state): float8 revenues whose sum overflows are 22003');

-- sums that stay finite are fine, and their text form reads back
SELECT is((SELECT (rfm(d, a, DATE '2024-12-31')).revenue
           FROM (VALUES (DATE '2024-01-01', 1e308::float8), ('2024-02-01', -1e308), ('2024-03-01', 1e308)) v(d, a)),
          1e308::float8::numeric, 'rfm: float8 revenue near the top of the range');
SELECT is((SELECT rollup(s)::text::rfm_state::text FROM (VALUES
             ('v1 amounts=float8 end=2024-12-31 orders=1 revenue=1e308 first_day_total=1e308 days=2024-01-01'::rfm_state),
             ('v1 amounts=float8 end=2024-12-31 orders=1 revenue=-1e308 first_day_total=-1e308 days=2024-01-02'::rfm_state)) v(s)),
          'v1 amounts=float8 end=2024-12-31 orders=2 revenue=0 first_day_total=1e+308 days=2024-01-01,2024-01-02',
          'rollup(rfm_state) of large float8 revenues round-trips through text');

SELECT * FROM finish();
ROLLBACK;
