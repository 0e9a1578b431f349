#!/usr/bin/env bash
# The demo's HTML report renders: generated from SQL over the sample shop,
# opened in headless Chromium (Debian's).  Every KPI tile of the rendered DOM
# must show the number that plain SQL (no function of the extension, except
# the Kaplan-Meier median) computes from the shop's tables, in the report's
# format; the heatmap must have one cell per (cohort, month) of the triangle,
# the lifecycle chart four bars per month, the survival curve its path, and
# the screenshot must be non-blank.
set -euo pipefail
export PGOPTIONS="-c client_min_messages=warning"
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db=retention_report
psql -X -q -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
psql -X -q -v ON_ERROR_STOP=1 -d $db -c 'CREATE EXTENSION retention' -f "$top/demo/shop.sql" >/dev/null
psql -X -q -At -v ON_ERROR_STOP=1 -d $db -f "$top/demo/report.html.sql" -o "$work/report.html"

# the tiles' numbers, recomputed
psql -X -q -At -v ON_ERROR_STOP=1 -d $db -o "$work/expected_tiles" <<'SQL'
WITH days AS (SELECT DISTINCT customer_id, order_date FROM shop.orders),
months AS (SELECT DISTINCT customer_id, date_trunc('month', order_date)::date AS m FROM shop.orders),
last AS (SELECT max(m) AS m FROM months),
churn AS (
    SELECT 1 - count(*) FILTER (WHERE EXISTS (SELECT 1 FROM months b WHERE b.customer_id = a.customer_id
                                               AND b.m = (SELECT m FROM last)))::float8 / count(*) AS rate
    FROM months a WHERE a.m = ((SELECT m FROM last) - interval '1 month')::date
),
nps AS (
    SELECT 100 * (count(*) FILTER (WHERE score >= 9) - count(*) FILTER (WHERE score <= 6))::float8 / count(score) AS nps
    FROM shop.nps_answers
)
SELECT label || '|' || value FROM (
    SELECT 'Customers' AS label, count(DISTINCT customer_id)::text AS value FROM shop.orders
    UNION ALL
    SELECT 'Revenue', to_char(sum(amount), 'FM999,999,990') FROM shop.orders
    UNION ALL
    SELECT 'Repeat-purchase rate', to_char(100 * (count(*) FILTER (WHERE n >= 2)::float8 / count(*)), 'FM990.0') || ' %'
    FROM (SELECT customer_id, count(*) AS n FROM days GROUP BY 1) x
    UNION ALL
    SELECT 'Monthly churn', to_char(100 * rate, 'FM990.0') || ' %' FROM churn
    UNION ALL
    SELECT 'NPS', to_char(nps, 'FM990.0') FROM nps
    UNION ALL
    SELECT 'CSAT', to_char(100 * (count(*) FILTER (WHERE score >= 4)::float8 / count(score)), 'FM990') || ' %'
    FROM shop.csat_answers
    UNION ALL
    SELECT 'Median subscription',
           coalesce(to_char(retention.median_lifetime(retention.survival_agg(
               (coalesce(ended, DATE '2024-12-31') - started)::float8, ended IS NOT NULL)), 'FM99990') || ' days',
               'not reached')
    FROM shop.subscriptions) t
ORDER BY 1;
SQL
# the charts' marks, recomputed: heatmap cells (cohort months to the last
# month), lifecycle bars (4 per month from the first month to one after the
# last) plus 4 legend squares
expected_rects=$(psql -X -q -At -v ON_ERROR_STOP=1 -d $db -c "
    WITH months AS (SELECT DISTINCT customer_id, date_trunc('month', order_date)::date AS m FROM shop.orders),
    cohorts AS (SELECT DISTINCT min(m) AS c FROM months GROUP BY customer_id),
    span AS (SELECT min(m) AS first, max(m) AS last FROM months),
    n_months AS (SELECT ((extract(year FROM last) - extract(year FROM first)) * 12
                         + extract(month FROM last) - extract(month FROM first) + 1)::int AS n FROM span)
    SELECT (SELECT sum(((extract(year FROM last) - extract(year FROM c)) * 12
                        + extract(month FROM last) - extract(month FROM c) + 1)::int) FROM cohorts, span)
           + 4 * (SELECT n FROM n_months) + 4")
expected_lifecycle_periods=$(psql -X -q -At -d $db -c "SELECT count(*) FROM retention.lifecycle((SELECT retention.activity_agg(customer_id, order_date) FROM shop.orders), 'month')")
psql -X -q -c "DROP DATABASE $db"

chromium=(chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run
          --disable-background-networking --disable-component-update --disable-sync
          --user-data-dir="$work/profile" --hide-scrollbars --window-size=1100,1500)
timeout 120 "${chromium[@]}" --dump-dom "file://$work/report.html" >"$work/dom.html" 2>/dev/null
timeout 120 "${chromium[@]}" --screenshot="$work/report.png" "file://$work/report.html" >/dev/null 2>&1

grep -o '<div class="label">[^<]*</div><div class="value">[^<]*</div>' "$work/dom.html" |
    sed 's|<div class="label">\([^<]*\)</div><div class="value">\([^<]*\)</div>|\1\|\2|' | sort >"$work/tiles"
status=0
if ! diff -u "$work/expected_tiles" "$work/tiles"; then
    echo "html report: the rendered tiles differ from the numbers recomputed in plain SQL" >&2
    status=1
fi
count() { grep -o "$1" "$work/dom.html" | wc -l; }
svgs=$(count '<svg') rects=$(count '<rect') paths=$(count '<path')
png=$(stat -c %s "$work/report.png")
if [ "$svgs" -ne 3 ] || [ "$rects" -ne "$expected_rects" ] || [ "$paths" -ne 1 ] || [ "$png" -lt 20000 ]; then
    echo "html report: rendered DOM has $svgs charts (3 expected), $rects rects ($expected_rects expected:" \
         "heatmap cells, 4 per lifecycle month over $expected_lifecycle_periods months, 4 legend squares)," \
         "$paths paths (1 expected); screenshot $png bytes" >&2
    status=1
fi
[ $status -eq 0 ] || exit 1
echo "html report: Chromium rendered $(wc -l <"$work/tiles") KPI tiles equal to plain SQL and 3 charts" \
     "($rects cells and bars as the data implies, the survival curve); screenshot $png bytes"
