#!/usr/bin/env bash
# Generates the standard data set (SPEC §6) in a throwaway cluster, checks
# that each case's KPI gives the same answer as its hand-written SQL (and
# stops with an error if not), prints facts about the data (sizes, counts,
# memory), then, for each case in bench/cases/*.bench, the median times of
# the KPI and each baseline and their ratio, all measured alternately in one
# session.
#
#   bash bench/run.sh [runs]        (default 5 timed rounds; median reported)
#   SCALE=0.1 bash bench/run.sh 3   (a tenth of the standard data set)
#   CASES='25_*' bash bench/run.sh  (only the case files matching the pattern)
#
# The output is what bench/results/ keeps (bench/results/README.md).
#
# A case file is a list of lines:
#   setup: <SQL>                    untimed, run once before timing
#   fact: <label> | <SQL>           a value about the data, in a fresh session
#   case: <name>                    starts a case; later lines belong to it
#   workers: <n>                    max_parallel_workers_per_gather for it
#   kpi: <SQL>                      the extension's query
#   base: <label> | <workers or empty> | <SQL>     a baseline to compare with
#   check: <SQL>                    must return true before timing (the KPI's
#                                   answer equals the hand-written SQL's)
# In any line, @BENCH@ stands for this directory (a script a baseline runs
# through COPY ... TO PROGRAM, as the server's user, in the data directory).
source "$(dirname "$0")/../tools/common.sh"
need_root "$@"
RUNS=${1:-5}
SCALE=${SCALE:-1}
# the reference of 56_btyd_real_valued.bench
install_packages python3-numpy python3-scipy
lock_install
build_and_install
cluster_start "shared_buffers = '4GB'" "work_mem = '1GB'" "max_parallel_workers = 4" \
    "jit = off" "max_wal_size = '8GB'"

scaled() { awk -v n="$1" -v s="$SCALE" 'BEGIN { printf "%d", n * s }'; }
sql_literal() { printf "\$q\$%s\$q\$" "$1"; }
trim() { sed 's/^ *//; s/ *$//'; }

echo "bench/run.sh $RUNS (SCALE=$SCALE: $(scaled 1000000) customers, $(scaled 10000000) orders," \
     "$(scaled 10000000) survey responses)"
echo "code measured: $(git -C "$TOP" log -1 --format='%h %cs' -- src sql 2>/dev/null || echo unknown)" \
     "$(git -C "$TOP" status --porcelain -- src sql 2>/dev/null | grep -q . && echo '(with local changes)')"
echo "machine: $(nproc) cores, $(free -g | awk '/^Mem/ { print $2 }') GiB; $(psql -X -At -c 'SELECT version()' | cut -d, -f1)"

say "generating the standard data set"
psql -q -X -v customers="$(scaled 1000000)" -v orders="$(scaled 10000000)" \
    -v responses="$(scaled 10000000)" \
    -c 'CREATE EXTENSION retention' -f "$TOP/bench/data.sql" -f "$TOP/bench/timing.sql"

cases=$(mktemp)
facts=$(mktemp)
for file in "$TOP"/bench/cases/${CASES:-*}.bench; do
    group= workers=0
    while IFS= read -r line || [ -n "$line" ]; do
        line=${line//@BENCH@/$TOP/bench}
        case "$line" in
        setup:*) echo "${line#setup:}" | sed 's/;* *$/;/' >>"$cases.setup" ;;
        fact:*) echo "${line#fact:}" >>"$facts" ;;
        case:*) group=$(echo "${line#case:}" | trim) ;;
        workers:*) workers=$(echo "${line#workers:}" | tr -d ' ') ;;
        kpi:*)
            echo "INSERT INTO bench.cases (case_group, label, is_kpi, workers, query) VALUES ($(sql_literal "$group"), 'kpi', true, $workers, $(sql_literal "${line#kpi:}"));" >>"$cases" ;;
        base:*)
            IFS='|' read -r label w query <<<"${line#base:}"
            w=$(echo "$w" | tr -d ' ')
            echo "INSERT INTO bench.cases (case_group, label, is_kpi, workers, query) VALUES ($(sql_literal "$group"), $(sql_literal "$(echo "$label" | trim)"), false, ${w:-$workers}, $(sql_literal "$query"));" >>"$cases" ;;
        check:*)
            echo "INSERT INTO bench.checks (case_group, query) VALUES ($(sql_literal "$group"), $(sql_literal "${line#check:}"));" >>"$cases" ;;
        esac
    done <"$file"
done
[ -f "$cases.setup" ] && { say "case setup"; psql -q -X -v ON_ERROR_STOP=1 -v scale="$SCALE" -f "$cases.setup"; }
psql -q -X -v ON_ERROR_STOP=1 -f "$cases"
rm -f "$cases" "$cases.setup"

say "checking that each KPI answers as its hand-written SQL"
psql -q -X -v ON_ERROR_STOP=1 -c 'CALL bench.verify()'
echo
echo "checks passed (the KPI's answer equals the hand-written SQL's):"
psql -X -At -F ': ' -c 'SELECT case_group, count(*) FROM bench.checks WHERE passed GROUP BY 1 ORDER BY 1' |
    sed 's/^/  /'

say "facts about the data"
echo
echo "facts (each in a fresh session):"
while IFS='|' read -r label query; do
    printf '  %s: %s\n' "$(echo "$label" | trim)" "$(psql -X -At -v ON_ERROR_STOP=1 -c "$query")"
done <"$facts"
rm -f "$facts"

say "timing ($RUNS rounds after a warm-up, medians)"
psql -q -X -v ON_ERROR_STOP=1 -c "CALL bench.run($RUNS)"
echo
psql -X -P footer=off -c 'SELECT * FROM bench.report'
