-- The exact decimal sums behind rfm's revenue (src/decimal.c): amounts at
-- and beyond the edges of int64 (2^63, 2^64), of the 128-bit fixed range
-- (10^37) and of int128 (2^127), at display scales up to 30 and beyond,
-- against numeric's own sum, digit for digit, however the rows are ordered
-- or split.
BEGIN;
SET LOCAL search_path = public, retention;
SELECT plan(5);

CREATE TEMP TABLE edges AS
SELECT c AS customer_id, DATE '2024-01-01' + i::int AS day, a AS amount
FROM (VALUES
    (1, ARRAY[9223372036854775807, 1]::numeric[]),
    (2, ARRAY[18446744073709551615, 1, 0.5]),
    (3, ARRAY[-9223372036854775808, -1, -18446744073709551616]),
    (4, ARRAY[9999999999999999999999999999999999999, 1]),
    (5, ARRAY[-9999999999999999999999999999999999999, -1, 1]),
    (6, ARRAY[170141183460469231731687303715884105727, 1]),
    (7, ARRAY[85070591730234615865843651857942052864, 85070591730234615865843651857942052864]),
    (8, ARRAY[-170141183460469231731687303715884105728, 0.000000000000000000000000000001]),
    (9, ARRAY[0.000000000000000000000000000001, 0.0000000000000000000000000000001]),
    (10, ARRAY[1.5, -1.50, 0.000]),
    (11, ARRAY[0.1, 99999999999999999999999999999999999999.9, -99999999999999999999999999999999999999.9])
) v(c, amounts)
CROSS JOIN LATERAL unnest(amounts) WITH ORDINALITY AS u(a, i);

CREATE TEMP TABLE expected AS
SELECT customer_id, sum(amount) AS revenue FROM edges GROUP BY customer_id;

SELECT is((SELECT count(*) FROM expected e
           JOIN (SELECT customer_id, (rfm(day, amount, DATE '2024-12-31')).revenue
                 FROM edges GROUP BY customer_id) r USING (customer_id)
           WHERE r.revenue::text IS DISTINCT FROM e.revenue::text),
          0::bigint, 'revenue equals sum(amount) digit for digit at the edges of int64, 10^37 and int128');

SELECT is((SELECT count(*) FROM expected e
           JOIN (SELECT customer_id, (rfm(day, amount, DATE '2024-12-31' ORDER BY amount DESC)).revenue
                 FROM edges GROUP BY customer_id) r USING (customer_id)
           WHERE r.revenue::text IS DISTINCT FROM e.revenue::text),
          0::bigint, 'the same in the opposite order of rows');

-- each customer's rows split into one state per row, rolled up
SELECT is((SELECT count(*) FROM expected e
           JOIN (SELECT customer_id, (rfm(rollup(s))).revenue
                 FROM (SELECT customer_id, rfm_agg(day, amount, DATE '2024-12-31') AS s
                       FROM edges GROUP BY customer_id, day) x
                 GROUP BY customer_id) r USING (customer_id)
           WHERE r.revenue::text IS DISTINCT FROM e.revenue::text),
          0::bigint, 'the same rolled up from one state per row');

-- the states' text form (numeric sums as numeric_out writes them) round-trips
SELECT is((SELECT count(*)
           FROM (SELECT rfm_agg(day, amount, DATE '2024-12-31') AS s FROM edges GROUP BY customer_id) x
           WHERE s::text::rfm_state::text <> s::text),
          0::bigint, 'text form of the states round-trips');

SELECT is((SELECT string_agg(r.revenue::text, ' ' ORDER BY customer_id)
           FROM (SELECT customer_id, (rfm(day, amount, DATE '2024-12-31')).revenue
                 FROM edges GROUP BY customer_id) r),
          '9223372036854775808 18446744073709551616.5 -27670116110564327425 10000000000000000000000000000000000000 -9999999999999999999999999999999999999 170141183460469231731687303715884105728 170141183460469231731687303715884105728 -170141183460469231731687303715884105727.999999999999999999999999999999 0.0000000000000000000000000000011 0.000 0.1',
          'revenues, as numeric writes them');

SELECT * FROM finish();
ROLLBACK;
