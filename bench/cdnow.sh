#!/usr/bin/env bash
# Validates bgnbd_fit and gammagamma_fit against the published CDNOW results:
# BG/NBD (Fader, Hardie & Lee 2005): r = 0.243, alpha = 4.414, a = 0.793,
# b = 2.426, LL = -9582.4; Gamma-Gamma (Fader & Hardie's note on the
# Gamma-Gamma spend model): p = 6.25, q = 3.74, v = 15.44 over 946 customers.
#
#   sudo bash bench/cdnow.sh path/to/CDNOW_sample.txt
#
# The file has one transaction per line: master id, customer id (1-2357),
# date YYYYMMDD, CDs bought, dollars.  The calibration period ends on
# 1997-09-30; times are in weeks (days / 7); frequency, recency and tenure
# follow the BTYD conventions (repeat purchases over distinct days), computed
# here in plain SQL.  Exits non-zero unless every published digit matches.
source "$(dirname "$0")/../tools/common.sh"
need_root "$@"
[ $# -eq 1 ] && [ -r "$1" ] || { echo "usage: $0 CDNOW_sample.txt" >&2; exit 2; }
DATA=$(readlink -f "$1")
install_packages
lock_install
build_and_install
cluster_start

psql -q -X -v ON_ERROR_STOP=1 <<'SQL'
CREATE EXTENSION retention;
CREATE TABLE cdnow (customer_id int, day date, cds int, dollars numeric);
SQL
awk 'NF == 5 { printf "%d,%s,%s,%s\n", $2, $3, $4, $5 }' "$DATA" |
    psql -q -X -v ON_ERROR_STOP=1 -c "\copy cdnow FROM STDIN (FORMAT csv)"

psql -X -v ON_ERROR_STOP=1 -P footer=off <<'SQL'
\set QUIET on
SET search_path = public, retention;
-- per customer and purchase day, then the BTYD summary in weeks
CREATE TABLE days AS
SELECT customer_id, day, sum(dollars) AS spend
FROM cdnow WHERE day <= DATE '1997-09-30' GROUP BY 1, 2;
CREATE TABLE summary AS
SELECT customer_id,
       (count(*) - 1)::int AS frequency,
       (max(day) - min(day)) / 7.0 AS recency,
       (DATE '1997-09-30' - min(day)) / 7.0 AS tenure,
       CASE WHEN count(*) > 1
            THEN (sum(spend) - (array_agg(spend ORDER BY day))[1]) / (count(*) - 1)
            ELSE 0 END::float8 AS monetary_value
FROM days GROUP BY 1;
CREATE TABLE fits AS
SELECT bgnbd_fit(frequency, recency::float8, tenure::float8) AS bg,
       gammagamma_fit(frequency, monetary_value) AS gg
FROM summary;
CREATE TABLE comparison (model text, quantity text, published numeric, fitted float8, digits int);
INSERT INTO comparison
SELECT 'BG/NBD', q, pub, fit, d FROM fits, LATERAL (VALUES
    ('r', 0.243, (bg).r, 3), ('alpha', 4.414, (bg).alpha, 3), ('a', 0.793, (bg).a, 3),
    ('b', 2.426, (bg).b, 3), ('log-likelihood', -9582.4, (bg).log_likelihood, 1),
    ('customers', 2357, (bg).customers, 0)) v(q, pub, fit, d)
UNION ALL
SELECT 'Gamma-Gamma', q, pub, fit, d FROM fits, LATERAL (VALUES
    ('p', 6.25, (gg).p, 2), ('q', 3.74, (gg).q, 2), ('v', 15.44, (gg).v, 2),
    ('customers', 946, (gg).customers, 0)) v(q, pub, fit, d);
\set QUIET off
\echo
\echo 'CDNOW sample, calibration period 1997-01-01 .. 1997-09-30, times in weeks'
SELECT (bg).converged AS "BG/NBD converged", (gg).converged AS "Gamma-Gamma converged" FROM fits;
SELECT model, quantity, published, round(fitted::numeric, digits) AS fitted,
       fitted AS "fitted (full precision)",
       round(fitted::numeric, digits) = published AS "matches"
FROM comparison;
\echo 'Time of one BG/NBD + Gamma-Gamma fit of the 2,357 customers (mean of 20)'
DO $$
DECLARE
    started timestamptz := clock_timestamp();
BEGIN
    FOR i IN 1 .. 20 LOOP
        PERFORM bgnbd_fit(frequency, recency::float8, tenure::float8),
                gammagamma_fit(frequency, monetary_value)
        FROM summary;
    END LOOP;
    RAISE NOTICE 'fit time: % ms',
        round(1000 * extract(epoch FROM clock_timestamp() - started) / 20, 1);
END $$;
\echo 'Scores of the first customers (times in weeks: 39-week horizon)'
SELECT customer_id, frequency, round(recency, 2) AS recency, round(tenure, 2) AS tenure,
       round(p_alive(bg, frequency, recency::float8, tenure::float8)::numeric, 4) AS p_alive,
       round(expected_purchases(bg, 39, frequency, recency::float8, tenure::float8)::numeric, 4)
           AS "purchases next 39 weeks",
       round(expected_spend(gg, frequency, monetary_value)::numeric, 2) AS expected_spend
FROM summary, fits ORDER BY customer_id LIMIT 5;
SELECT count(*) FILTER (WHERE NOT (round(fitted::numeric, digits) = published)) AS mismatches
FROM comparison \gset
\if :mismatches
\echo 'FAILED: the fit does not reproduce every published digit'
\q 1
\else
\echo 'every published digit reproduced'
\endif
SQL
