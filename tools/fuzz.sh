#!/usr/bin/env bash
# The long fuzz run: the harness of test/fuzz/harness.sql with a random seed
# (or the one given) and a budget per type, in a throwaway cluster; prints
# the outcome counts per function and SQLSTATE and fails on any failure or
# crashed backend.
#
#   bash tools/fuzz.sh [budget per type, default 20000] [seed in -1..1]
source "$(dirname "$0")/common.sh"
need_root "$@"
BUDGET=${1:-20000}
SEED=${2:-$(awk 'BEGIN { srand(); printf "%.6f", rand() * 2 - 1 }')}
build_and_start
say "fuzzing with budget $BUDGET per type, seed $SEED"
psql -q -X -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION retention' -f "$TOP/test/fuzz/harness.sql"
psql -X -v ON_ERROR_STOP=1 -P footer=off <<SQL
SET search_path = public, retention;
SELECT setseed($SEED) \g /dev/null
SELECT fuzz.text_inputs($BUDGET) \g /dev/null
SELECT fuzz.binary_inputs($BUDGET / 2) \g /dev/null
SELECT fuzz.extreme_arguments() \g /dev/null
SELECT regexp_replace(what, '\(.*', '') AS what, sqlstate, sum(n) AS attempts
FROM fuzz.outcomes GROUP BY 1, 2 ORDER BY 1, 2;
SELECT last_value AS attempts FROM fuzz.attempts;
SELECT * FROM fuzz.failures;
SQL
failures=$(psql -X -At -c 'SELECT count(*) FROM fuzz.failures')
check_server_log
[ "$failures" = 0 ] || { echo "FAILED: $failures failures" >&2; exit 1; }
say "no failures"
