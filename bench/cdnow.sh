#!/usr/bin/env bash
# Validates bgnbd_fit and gammagamma_fit against the published CDNOW results
# from the raw transactions: BG/NBD (Fader, Hardie & Lee 2005): r = 0.243,
# alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4; Gamma-Gamma (Fader &
# Hardie's note on the Gamma-Gamma spend model): p = 6.25, q = 3.74,
# v = 15.44 over 946 customers.  Also times the two fits.
#
#   sudo bash bench/cdnow.sh path/to/CDNOW_sample.txt           check
#   sudo bash bench/cdnow.sh --write path/to/CDNOW_sample.txt   (re)write the fixture
#
# The file has one transaction per line: master id, customer id (1-2357),
# date YYYYMMDD, CDs bought, dollars.  The calibration period ends on
# 1997-09-30; frequency, recency and tenure follow the BTYD conventions
# (repeat purchases over distinct days), computed here in plain SQL.  The
# per-customer summaries must equal test/data/cdnow_summary.csv (the fixture
# test/sql/cdnow.sql fits in every test run), and the fits must reproduce
# every published digit; calibration_holdout over purchases_agg of the same
# transactions must give the same summaries and test/data/cdnow_holdout.csv's
# holdout days; the script exits non-zero otherwise.
source "$(dirname "$0")/../tools/common.sh"
need_root "$@"
write=
[ "${1:-}" = --write ] && { write=1; shift; }
[ $# -eq 1 ] && [ -r "$1" ] || { echo "usage: $0 [--write] CDNOW_sample.txt" >&2; exit 2; }
DATA=$(readlink -f "$1")
FIXTURE=$TOP/test/data/cdnow_summary.csv
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

# per customer: purchase days in the calibration period, in days
psql -q -X -v ON_ERROR_STOP=1 <<'SQL'
CREATE TABLE days AS
SELECT customer_id, day, sum(dollars) AS spend
FROM cdnow WHERE day <= DATE '1997-09-30' GROUP BY 1, 2;
CREATE TABLE cdnow_summary AS
SELECT customer_id, (count(*) - 1)::int AS frequency, max(day) - min(day) AS recency_days,
       DATE '1997-09-30' - min(day) AS tenure_days,
       sum(spend) - (array_agg(spend ORDER BY day))[1] AS repeat_spend
FROM days GROUP BY 1;
SQL
derived=$(mktemp)
trap 'rm -f "$derived"; cluster_stop' EXIT
psql -q -X -v ON_ERROR_STOP=1 -o "$derived" \
    -c "\copy (SELECT * FROM cdnow_summary ORDER BY customer_id) TO STDOUT (FORMAT csv, HEADER)"
if [ -n "$write" ]; then
    { grep '^#' "$FIXTURE"; cat "$derived"; } >"$derived.new"
    mv "$derived.new" "$FIXTURE"
    say "wrote $FIXTURE"
elif ! diff <(grep -v '^#' "$FIXTURE") "$derived" >/dev/null; then
    echo "FAILED: the summaries derived from $DATA differ from $FIXTURE" >&2
    exit 1
else
    echo "the $(($(wc -l <"$derived") - 1)) summaries derived from the transactions equal $FIXTURE"
fi

# The same summaries through the purchases summary (SPEC section 8):
# calibration_holdout at 1997-09-30 / 1998-06-30 must give every customer's
# frequency, recency, tenure and repeat spend as the plain SQL above, and the
# holdout purchase days of test/data/cdnow_holdout.csv.
HOLDOUT=$TOP/test/data/cdnow_holdout.csv
psql -q -X -v ON_ERROR_STOP=1 <<SQL
SET search_path = public, retention;
CREATE TABLE holdout_fixture (customer_id int PRIMARY KEY, frequency_holdout int);
\copy holdout_fixture FROM PROGRAM 'grep -v "^#" $HOLDOUT' (FORMAT csv, HEADER)
CREATE TABLE through_purchases AS
SELECT * FROM calibration_holdout(NULL::bigint,
    (SELECT purchases_agg(customer_id::bigint, day, dollars) FROM cdnow),
    DATE '1997-09-30', DATE '1998-06-30');
DO \$\$
DECLARE
    differing bigint;
BEGIN
    SELECT count(*) INTO differing
    FROM cdnow_summary s FULL JOIN through_purchases p USING (customer_id)
    FULL JOIN holdout_fixture h USING (customer_id)
    WHERE p.frequency_cal IS DISTINCT FROM s.frequency
       OR p.recency_cal IS DISTINCT FROM s.recency_days
       OR p.tenure_cal IS DISTINCT FROM s.tenure_days
       OR abs(p.monetary_value_cal * p.frequency_cal - s.repeat_spend) > 1e-9
       OR p.frequency_holdout IS DISTINCT FROM h.frequency_holdout
       OR p.duration_holdout IS DISTINCT FROM 273;
    IF differing > 0 THEN
        RAISE EXCEPTION 'calibration_holdout differs from the plain-SQL summaries for % customers', differing;
    END IF;
END \$\$;
SQL
echo "calibration_holdout(purchases_agg(...), '1997-09-30', '1998-06-30') gives the same" \
     "$(($(wc -l <"$derived") - 1)) calibration summaries and the holdout days of $(basename "$HOLDOUT")"

echo "code measured: $(git -C "$TOP" log -1 --format='%h %cs' -- src sql 2>/dev/null || echo unknown)"
psql -X -v ON_ERROR_STOP=1 -P footer=off <<'SQL'
\set QUIET on
SET search_path = public, retention;
-- the BTYD summary in weeks, as test/sql/cdnow.sql computes it
CREATE TABLE summary AS
SELECT customer_id, frequency,
       (recency_days / 7.0)::float8 AS recency, (tenure_days / 7.0)::float8 AS tenure,
       CASE WHEN frequency > 0 THEN repeat_spend / frequency ELSE 0 END::float8 AS monetary_value
FROM cdnow_summary;
CREATE TABLE fits AS
SELECT bgnbd_fit(frequency, recency, tenure) AS bg, gammagamma_fit(frequency, monetary_value) AS gg
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
    ('customers', 946, (gg).customers, 0)) v(q, pub, fit, d)
UNION ALL
SELECT 'BG/NBD', 'E[purchases in 39 weeks | x = 2, t_x = 30.43, T = 38.86]', 1.226,
       expected_purchases(bg, 39, 2, 30.43, 38.86), 3 FROM fits;
\set QUIET off
\echo
\echo 'CDNOW sample, calibration period 1997-01-01 .. 1997-09-30, times in weeks'
SELECT (bg).converged AS "BG/NBD converged", (gg).converged AS "Gamma-Gamma converged" FROM fits;
SELECT model, quantity, published, round(fitted::numeric, digits) AS fitted,
       fitted AS "fitted (full precision)",
       round(fitted::numeric, digits) = published AS "matches"
FROM comparison;
\set QUIET on
CREATE FUNCTION pg_temp.fit_ms() RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE
    started timestamptz := clock_timestamp();
BEGIN
    FOR i IN 1 .. 20 LOOP
        PERFORM bgnbd_fit(frequency, recency, tenure), gammagamma_fit(frequency, monetary_value)
        FROM summary;
    END LOOP;
    RETURN round(1000 * extract(epoch FROM clock_timestamp() - started) / 20, 1);
END $$;
\set QUIET off
\echo 'Time of one BG/NBD + Gamma-Gamma fit of the 2,357 customers (mean of 20)'
SELECT pg_temp.fit_ms() AS "fit time, ms";
-- any mismatch (or a fit that did not converge) is an error, and with
-- ON_ERROR_STOP psql exits non-zero
\set QUIET on
DO $$
DECLARE
    mismatches bigint;
BEGIN
    SELECT count(*) INTO mismatches FROM comparison
    WHERE round(fitted::numeric, digits) IS DISTINCT FROM published;
    IF mismatches > 0 OR NOT (SELECT (bg).converged AND (gg).converged FROM fits) THEN
        RAISE EXCEPTION 'FAILED: % of % published values not reproduced', mismatches,
            (SELECT count(*) FROM comparison);
    END IF;
END $$;
\echo 'every published digit reproduced'
SQL
