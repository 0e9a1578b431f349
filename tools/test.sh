#!/usr/bin/env bash
# Runs every test: builds with warnings as errors, installs, starts a
# throwaway cluster, runs the pg_regress suite and the pgTAP files, and
# fails on any failure or crashed backend.  Safe to run repeatedly.
source "$(dirname "$0")/common.sh"
need_root "$@"
install_packages python3-psycopg "postgresql-$PG_MAJOR-cron"
lock_install
build_and_install
cluster_start
status=0

say "pg_regress"
if ! make -C "$TOP" -s installcheck; then
    status=1
    [ -f "$TOP/regression.diffs" ] && cat "$TOP/regression.diffs"
fi

say "pgTAP"
psql -q -X -c 'CREATE DATABASE retention_tap'
psql -q -X -d retention_tap -c 'CREATE EXTENSION pgtap' -c 'CREATE EXTENSION retention'
pg_prove -d retention_tap --failures "$TOP"/test/pgtap/*.sql || status=1

if [ -n "${QUICK:-}" ]; then     # developers: pg_regress and pgTAP only
    check_server_log || status=1
    exit $status
fi

say "integration: dump/restore, refresh, upgrade, BI client, pg_cron, shards"
for script in "$TOP"/test/integration/*.sh; do
    bash "$script" || { echo "FAILED: $script" >&2; status=1; }
done

# The regression suite again against a build with assertions enabled,
# which also re-checks every summary the extension reads.
say "pg_regress, assertion-enabled build"
EXTRA_COPT=-DUSE_ASSERT_CHECKING build_and_install
if ! make -C "$TOP" -s installcheck; then
    status=1
    [ -f "$TOP/regression.diffs" ] && cat "$TOP/regression.diffs"
fi

check_server_log || status=1
cluster_stop

say "pg_regress with every backend under valgrind"
bash "$TOP/tools/valgrind.sh" || status=1

if [ $status -eq 0 ]; then say "all tests passed"; else say "TESTS FAILED"; fi
exit $status
