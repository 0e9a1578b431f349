#!/usr/bin/env bash
# The demo's HTML report renders: generated from SQL over the sample shop,
# opened in headless Chromium (Debian's), its DOM must hold the KPI tiles and
# the three charts with their marks, and the screenshot must be non-blank.
set -euo pipefail
export PGOPTIONS="-c client_min_messages=warning"
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db=retention_report
psql -X -q -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
psql -X -q -v ON_ERROR_STOP=1 -d $db -c 'CREATE EXTENSION retention' -f "$top/demo/shop.sql" >/dev/null
psql -X -q -At -v ON_ERROR_STOP=1 -d $db -f "$top/demo/report.html.sql" -o "$work/report.html"
psql -X -q -c "DROP DATABASE $db"

chromium=(chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run
          --disable-background-networking --disable-component-update --disable-sync
          --user-data-dir="$work/profile" --hide-scrollbars --window-size=1100,1500)
timeout 120 "${chromium[@]}" --dump-dom "file://$work/report.html" >"$work/dom.html" 2>/dev/null
timeout 120 "${chromium[@]}" --screenshot="$work/report.png" "file://$work/report.html" >/dev/null 2>&1

count() { grep -o "$1" "$work/dom.html" | wc -l; }
tiles=$(count 'class="tile"') svgs=$(count '<svg') rects=$(count '<rect') paths=$(count '<path')
png=$(stat -c %s "$work/report.png")
if [ "$tiles" -lt 7 ] || [ "$svgs" -ne 3 ] || [ "$rects" -lt 300 ] || [ "$paths" -lt 1 ] || [ "$png" -lt 20000 ]; then
    echo "html report: rendered DOM has $tiles tiles, $svgs charts, $rects rects, $paths paths; screenshot $png bytes" >&2
    exit 1
fi
echo "html report: Chromium rendered $tiles KPI tiles and $svgs charts ($rects cells and bars, the survival curve); screenshot $png bytes"
