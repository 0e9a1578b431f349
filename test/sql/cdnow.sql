-- Validation on CDNOW: bgnbd_fit and gammagamma_fit reproduce the published
-- fits of the 2,357-customer CDNOW sample from its per-customer summaries
-- (test/data/cdnow_summary.csv, derived from CDNOW_sample.txt by
-- bench/cdnow.sh): BG/NBD (Fader, Hardie & Lee 2005, "Counting Your
-- Customers the Easy Way", table of estimates): r = 0.243, alpha = 4.414,
-- a = 0.793, b = 2.426, LL = -9582.4; Gamma-Gamma (Fader & Hardie, "The
-- Gamma-Gamma Model of Monetary Value", 2013): p = 6.25, q = 3.74,
-- v = 15.44 over the 946 customers with repeat purchases.  Times in weeks.
SET search_path = public, retention;
\getenv abs_srcdir PG_ABS_SRCDIR
\cd :abs_srcdir
CREATE TABLE cdnow_summary (customer_id int PRIMARY KEY, frequency int, recency_days int,
                            tenure_days int, repeat_spend numeric);
\copy cdnow_summary FROM PROGRAM 'grep -v "^#" data/cdnow_summary.csv' (FORMAT csv, HEADER)
SELECT count(*) AS customers, sum(frequency) AS repeat_purchase_days,
       count(*) FILTER (WHERE frequency > 0) AS repeat_buyers, sum(repeat_spend) AS repeat_spend
FROM cdnow_summary;

CREATE VIEW cdnow_customers AS
SELECT customer_id, frequency,
       (recency_days / 7.0)::float8 AS recency, (tenure_days / 7.0)::float8 AS tenure,
       CASE WHEN frequency > 0 THEN repeat_spend / frequency ELSE 0 END::float8 AS monetary_value
FROM cdnow_summary;
CREATE TABLE cdnow_fit AS
SELECT bgnbd_fit(frequency, recency, tenure) AS bg, gammagamma_fit(frequency, monetary_value) AS gg
FROM cdnow_customers;
SELECT (bg).converged AS bgnbd_converged, (gg).converged AS gammagamma_converged FROM cdnow_fit;

-- every published digit
SELECT model, quantity, published, round(fitted::numeric, digits) AS fitted,
       round(fitted::numeric, digits) = published AS matches
FROM cdnow_fit, LATERAL (VALUES
    ('BG/NBD', 'r', 0.243, (bg).r, 3), ('BG/NBD', 'alpha', 4.414, (bg).alpha, 3),
    ('BG/NBD', 'a', 0.793, (bg).a, 3), ('BG/NBD', 'b', 2.426, (bg).b, 3),
    ('BG/NBD', 'log-likelihood', -9582.4, (bg).log_likelihood, 1),
    ('BG/NBD', 'customers', 2357, (bg).customers, 0),
    ('Gamma-Gamma', 'p', 6.25, (gg).p, 2), ('Gamma-Gamma', 'q', 3.74, (gg).q, 2),
    ('Gamma-Gamma', 'v', 15.44, (gg).v, 2), ('Gamma-Gamma', 'customers', 946, (gg).customers, 0))
    v(model, quantity, published, fitted, digits);

-- the paper's example customer (x = 2, t_x = 30.43, T = 38.86 weeks):
-- 1.226 expected purchases in the next 39 weeks (customer 1 below)
SELECT round(expected_purchases(bg, 39, 2, 30.43, 38.86)::numeric, 3) AS example_customer_39_weeks
FROM cdnow_fit;
-- the first customers' scores, to 4 digits
SELECT customer_id, frequency, round(recency::numeric, 2) AS recency, round(tenure::numeric, 2) AS tenure,
       round(p_alive(bg, frequency, recency, tenure)::numeric, 4) AS p_alive,
       round(expected_purchases(bg, 39, frequency, recency, tenure)::numeric, 4) AS purchases_39_weeks,
       round(expected_spend(gg, frequency, monetary_value)::numeric, 2) AS expected_spend
FROM cdnow_customers, cdnow_fit ORDER BY customer_id LIMIT 5;
