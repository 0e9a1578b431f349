#!/usr/bin/env bash
# The core suite (pg_regress and pgTAP) against the debug PostgreSQL 15 of
# tools/debug_server.sh with the postmaster and every backend under valgrind
# memcheck.  That server tells valgrind which bytes of its memory contexts
# are allocated, so a read or write past a palloc'd chunk, a read of freed
# memory or of uninitialised bytes is reported even inside a context.  Fails
# on any failed test and on any report with a frame in the extension;
# reports wholly inside PostgreSQL are counted and printed as a number.
#
#   bash tools/valgrind.sh        (about 10 minutes on 2 cores)
source "$(dirname "$0")/common.sh"
need_root "$@"
PACKAGES+=(valgrind)
PG_BIN=$(bash "$TOP/tools/debug_server.sh")
PG_CONFIG=$PG_BIN/pg_config
PATH=$PG_BIN:$PATH
UNDER_VALGRIND=1 build_and_start "autovacuum = off"
status=0
# pg_regress beside the pgTAP files, so that both cores work
CONCURRENT_SUITES=1 run_regress_and_tap || status=1
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$CLUSTER_DIR/data" -m fast -t 300 stop >/dev/null || true

say "valgrind reports"
# A frame is ours when it names the library or one of our source files.
ours_pattern="retention\\.so|\\(($(cd "$TOP/src" && ls *.c | sed 's/\./\\./' | paste -sd'|')):[0-9]+\\)"
total=$(cat "$CLUSTER_DIR"/valgrind.*.log | grep -cE '^==[0-9]+== [A-Z]' || true)
ours=$(cat "$CLUSTER_DIR"/valgrind.*.log | OURS=$ours_pattern awk '
    BEGIN { ours = ENVIRON["OURS"] }
    /^==[0-9]+== [A-Z]/ { if (record ~ ours) { n++; printf "%s", record > "/dev/stderr" } record = "" }
    { record = record $0 "\n" }
    END { if (record ~ ours) { n++; printf "%s", record > "/dev/stderr" } print n + 0 }')
echo "valgrind: $(ls "$CLUSTER_DIR"/valgrind.*.log | wc -l) processes, $total reports in all, $ours with a frame in the extension"
[ "$ours" = 0 ] || status=1
check_server_log || status=1
exit $status
