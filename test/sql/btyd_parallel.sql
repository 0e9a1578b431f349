-- bgnbd_fit and gammagamma_fit under a forced parallel plan equal the serial run,
-- grouped and ungrouped: the histogram state is merged by the combine function
-- and the fit sums its terms in the histogram's canonical order.
SET search_path = public, retention;
SET extra_float_digits = 0;

CREATE TABLE sim AS
SELECT customer_id, customer_id % 3 AS segment, frequency,
       floor(recency) AS recency, floor(tenure) AS tenure,
       round(monetary_value::numeric, 2)::float8 AS monetary_value
FROM btyd_simulate(60000, 0.25, 30, 0.8, 2.5, 30, 400, 6, 4, 15, 11);
ANALYZE sim;

CREATE VIEW fits AS
SELECT segment,
       bgnbd_fit(frequency, recency, tenure) AS bg,
       bgnbd_fit(frequency, recency, tenure, 0.01) AS bg_penalized,
       gammagamma_fit(frequency, monetary_value) AS gg
FROM sim GROUP BY segment;

SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial_fits AS SELECT * FROM fits;
CREATE TEMP TABLE serial_total AS
SELECT bgnbd_fit(frequency, recency, tenure) AS bg, gammagamma_fit(frequency, monetary_value) AS gg FROM sim;
SELECT (bg).customers, (bg).converged, (gg).customers AS gg_customers, (gg).converged AS gg_converged
FROM serial_total;
SELECT segment, (bg).customers, (bg).converged, (bg_penalized).converged AS penalized_converged,
       (gg).customers AS gg_customers, (gg).converged AS gg_converged
FROM serial_fits ORDER BY segment;

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;

EXPLAIN (COSTS OFF)
SELECT bgnbd_fit(frequency, recency, tenure), gammagamma_fit(frequency, monetary_value) FROM sim;
EXPLAIN (COSTS OFF) SELECT * FROM fits;

-- identical models, bit for bit
SELECT (SELECT count(*) FROM fits) AS parallel_rows,
       (SELECT count(*) FROM (TABLE serial_fits EXCEPT ALL SELECT * FROM fits) a) +
       (SELECT count(*) FROM (SELECT * FROM fits EXCEPT ALL TABLE serial_fits) b) AS differing;
SELECT p.bg = s.bg AS ungrouped_identical, p.gg = s.gg AS gg_identical
FROM (SELECT bgnbd_fit(frequency, recency, tenure) AS bg, gammagamma_fit(frequency, monetary_value) AS gg
      FROM sim) p, serial_total s;
