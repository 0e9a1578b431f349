#!/usr/bin/env bash
# Generates the standard data set (SPEC §6) in a throwaway cluster and prints,
# for each case in bench/cases/*.bench, the ratio of the KPI's median time to
# each baseline's, all measured alternately in one session.
#
#   bash bench/run.sh [runs]        (default 5 timed rounds; median reported)
#
# A case file is a list of lines:
#   setup: <SQL>                    untimed, run once before timing
#   case: <name>                    starts a case; later lines belong to it
#   workers: <n>                    max_parallel_workers_per_gather for it
#   kpi: <SQL>                      the extension's query
#   base: <label> | <workers or empty> | <SQL>     a baseline to compare with
source "$(dirname "$0")/../tools/common.sh"
need_root "$@"
RUNS=${1:-5}
install_packages
lock_install
build_and_install
cluster_start "shared_buffers = '4GB'" "work_mem = '1GB'" "max_parallel_workers = 4" \
    "jit = off" "max_wal_size = '8GB'"

sql_literal() { printf "\$q\$%s\$q\$" "$1"; }

say "generating the standard data set"
psql -q -X -c 'CREATE EXTENSION retention' -f "$TOP/bench/data.sql" -f "$TOP/bench/timing.sql"

cases=$(mktemp)
for file in "$TOP"/bench/cases/*.bench; do
    group= workers=0
    while IFS= read -r line || [ -n "$line" ]; do
        case "$line" in
        setup:*) echo "${line#setup:}" >>"$cases.setup" ;;
        case:*) group=$(echo "${line#case:}" | sed 's/^ *//') ;;
        workers:*) workers=$(echo "${line#workers:}" | tr -d ' ') ;;
        kpi:*)
            echo "INSERT INTO bench.cases (case_group, label, is_kpi, workers, query) VALUES ($(sql_literal "$group"), 'kpi', true, $workers, $(sql_literal "${line#kpi:}"));" >>"$cases" ;;
        base:*)
            IFS='|' read -r label w query <<<"${line#base:}"
            w=$(echo "$w" | tr -d ' ')
            echo "INSERT INTO bench.cases (case_group, label, is_kpi, workers, query) VALUES ($(sql_literal "$group"), $(sql_literal "$(echo "$label" | sed 's/^ *//; s/ *$//')"), false, ${w:-$workers}, $(sql_literal "$query"));" >>"$cases" ;;
        esac
    done <"$file"
done
[ -f "$cases.setup" ] && { say "case setup"; psql -q -X -v ON_ERROR_STOP=1 -f "$cases.setup"; }
psql -q -X -v ON_ERROR_STOP=1 -f "$cases"
rm -f "$cases" "$cases.setup"

say "timing ($RUNS rounds after a warm-up, medians)"
psql -q -X -v ON_ERROR_STOP=1 -c "CALL bench.run($RUNS)"
psql -X -P footer=off -c 'SELECT * FROM bench.report'
