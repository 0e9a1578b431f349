#!/usr/bin/env bash
# The demo: builds and installs the extension, starts a throwaway cluster,
# generates the sample shop (fixed seed) and prints the KPI report.
source "$(dirname "$0")/common.sh"
need_root "$@"
build_and_start
psql -q -X -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION retention' -f "$TOP/demo/shop.sql"
for report in "$TOP"/demo/report/*.sql; do
    psql -X -q -v ON_ERROR_STOP=1 -P footer=off -f "$report"
done
mkdir -p "$TOP/demo/out"
psql -X -q -At -v ON_ERROR_STOP=1 -f "$TOP/demo/report.html.sql" -o "$TOP/demo/out/report.html"
say "the HTML report (cohort heatmap, lifecycle, survival curve, KPI tiles): $TOP/demo/out/report.html"
