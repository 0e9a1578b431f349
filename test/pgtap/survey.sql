-- Survey KPIs: properties and error codes.
BEGIN;
SET LOCAL search_path = public, retention;
SELECT plan(25);

SELECT setseed(0.42);
CREATE TEMP TABLE answers AS
SELECT i AS id,
       CASE WHEN random() < 0.02 THEN NULL ELSE floor(random() * 11)::int END AS nps_score,
       CASE WHEN random() < 0.02 THEN NULL ELSE 1 + floor(random() * 5)::int END AS csat_score,
       1 + floor(random() * 10)::int AS csat10,
       floor(random() * 1000)::int AS bucket
FROM generate_series(1, 20000) i;

-- the definitions, in plain SQL
SELECT is((SELECT nps(nps_score) FROM answers),
          (SELECT 100.0 * (count(*) FILTER (WHERE nps_score >= 9) - count(*) FILTER (WHERE nps_score <= 6))
                  / count(nps_score) FROM answers)::float8,
          'nps = 100 * (promoters - detractors) / responses');
SELECT is((SELECT array[promoters(s), passives(s), detractors(s), responses(s)]
           FROM (SELECT nps_agg(nps_score) s FROM answers) x),
          (SELECT array[count(*) FILTER (WHERE nps_score >= 9), count(*) FILTER (WHERE nps_score IN (7, 8)),
                        count(*) FILTER (WHERE nps_score <= 6), count(nps_score)] FROM answers),
          'nps_summary counts match count(*) FILTER');
SELECT is((SELECT csat(csat_score) FROM answers),
          (SELECT count(*) FILTER (WHERE csat_score >= 4)::float8 / count(csat_score) FROM answers),
          'csat = share of 4 and 5');
SELECT is((SELECT csat(csat10, 10) FROM answers),
          (SELECT count(*) FILTER (WHERE csat10 >= 9)::float8 / count(*) FROM answers),
          'csat on a 10-point scale = share of 9 and 10');
SELECT ok((SELECT abs(mean_score(csat_agg(csat_score)) - avg(csat_score)::float8) < 1e-12 FROM answers),
          'mean_score = avg(score)');

-- rollup of random partitions equals the direct summary, for several partitionings
SELECT is((SELECT rollup(s)::text FROM (SELECT nps_agg(nps_score) s FROM answers GROUP BY bucket % k) x),
          (SELECT nps_agg(nps_score)::text FROM answers),
          format('rollup of nps_agg over %s partitions = nps_agg', k))
FROM unnest(ARRAY[1, 7, 1000]) k;
SELECT is((SELECT rollup(s)::text FROM (SELECT csat_agg(csat_score) s FROM answers GROUP BY bucket % k) x),
          (SELECT csat_agg(csat_score)::text FROM answers),
          format('rollup of csat_agg over %s partitions = csat_agg', k))
FROM unnest(ARRAY[1, 13, 1000]) k;

-- text round trip of random summaries
SELECT is((SELECT count(*) FROM (SELECT nps_agg(nps_score) s FROM answers GROUP BY bucket) x
           WHERE s::text::nps_summary::text <> s::text), 0::bigint, 'nps_summary text round trip');
SELECT is((SELECT count(*) FROM (SELECT csat_agg(csat10, 10) s FROM answers GROUP BY bucket) x
           WHERE s::text::csat_summary::text <> s::text), 0::bigint, 'csat_summary text round trip');

-- nps_margin: the normal quantile behind it
SELECT ok(abs(nps_margin('v1 promoters=1 passives=0 detractors=1', 0.95) - 1.959963984540054 * 100 * sqrt(0.7 / 5)) < 1e-9,
          'nps_margin uses z(0.975) = 1.959963984540054');
SELECT ok(abs(nps_margin('v1 promoters=1 passives=0 detractors=1', 0.99) - 2.5758293035489 * 100 * sqrt(0.7 / 5)) < 1e-9,
          'nps_margin uses z(0.995) = 2.5758293035489');

-- errors
SELECT throws_ok($$SELECT nps(11)$$, '22003', 'NPS score 11 is out of range', 'NPS score above 10');
SELECT throws_ok($$SELECT nps_agg(-3)$$, '22003', 'NPS score -3 is out of range', 'NPS score below 0');
SELECT throws_ok($$SELECT csat(0)$$, '22003', 'CSAT score 0 is out of range', 'CSAT score below 1');
SELECT throws_ok($$SELECT csat_agg(8, 7)$$, '22003', 'CSAT score 8 is out of range', 'CSAT score above scale');
SELECT throws_ok($$SELECT csat(1, 11)$$, '22023', 'CSAT scale 11 is out of range', 'CSAT scale above 10');
SELECT throws_ok($$SELECT csat_agg(1, 1)$$, '22023', 'CSAT scale 1 is out of range', 'CSAT scale below 2');
SELECT throws_ok($$SELECT rollup(s) FROM (VALUES ('v1 scale=5 counts=1,1,1,1,1'::csat_summary),
                                                 ('v1 scale=3 counts=1,1,1')) v(s)$$,
                 '22023', NULL, 'rollup of CSAT summaries of different scales');
SELECT throws_ok($$SELECT nps_margin('v1 promoters=1 passives=1 detractors=1', 0)$$, '22023', NULL,
                 'confidence 0');
SELECT throws_ok($$SELECT 'v1 promoters=1'::nps_summary$$, '22P02', NULL, 'truncated nps_summary text');
SELECT throws_ok($$SELECT 'v1 scale=5 counts=1,2,x,4,5'::csat_summary$$, '22P02', NULL, 'malformed csat_summary text');

SELECT * FROM finish();
ROLLBACK;
