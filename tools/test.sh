#!/usr/bin/env bash
# Runs every test, on every supported PostgreSQL version:
#
#   1. PostgreSQL 15 (Debian 12's packages, this machine): the core suite
#      (tools/suite.sh: build with -Werror, pg_regress, pgTAP, crash check),
#      then the integration scripts (dump/restore, refresh, upgrade, BI
#      client, pg_cron, shards, HTML report, packaging), and the BTYD
#      mpmath references (50 and 60 digits) re-computed and compared with
#      the committed ones.
#   2. A debug PostgreSQL 15 built from Debian's source package with
#      assertions, memory-context checking and valgrind support
#      (tools/debug_server.sh): the core suite on it, which also enables the
#      extension's own assertion checks, then again with every backend under
#      valgrind (tools/valgrind.sh).
#   3. PostgreSQL 17 and 18 (Debian 13 and the next release's packages, in
#      Debian chroots: tools/chroot.sh): the core suite.
#
# Installs what is missing; the debug server and the chroots are cached in
# /var/cache/retention.  QUICK=1 runs only the core suite on 15.
source "$(dirname "$0")/common.sh"
need_root "$@"
status=0
failed=()
step() {
    local name=$1
    shift
    if ! "$@"; then
        status=1
        failed+=("$name")
    fi
}

step "PostgreSQL 15" bash "$TOP/tools/suite.sh"
if [ -n "${QUICK:-}" ]; then
    exit $status
fi

integration() {
    PACKAGES+=(python3-psycopg "postgresql-$PG_MAJOR-cron" chromium)
    build_and_start
    local script result=0
    for script in "$TOP"/test/integration/*.sh; do
        say "integration: $(basename "$script")"
        bash "$script" || { echo "FAILED: $script" >&2; result=1; }
    done
    check_server_log || result=1
    cluster_stop
    return $result
}
step "integration (PostgreSQL 15)" integration
step "BTYD mpmath references re-computed" bash "$TOP/test/check_btyd_reference.sh"

step "debug PostgreSQL 15" bash -c "PG_BIN=\$(bash '$TOP/tools/debug_server.sh') && PG_BIN=\$PG_BIN bash '$TOP/tools/suite.sh'"
step "debug PostgreSQL 15 under valgrind" bash "$TOP/tools/valgrind.sh"

for major in 17 18; do
    step "PostgreSQL $major" bash "$TOP/tools/chroot.sh" "$major"
done

if [ $status -eq 0 ]; then
    say "all tests passed: PostgreSQL 15, integration, debug 15, valgrind, 17, 18"
else
    say "TESTS FAILED: ${failed[*]}"
fi
exit $status
