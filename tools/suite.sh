#!/usr/bin/env bash
# The core suite on one PostgreSQL server: builds with warnings as errors,
# installs, starts a throwaway cluster, runs pg_regress and the pgTAP files,
# and fails on any failure or crashed backend.  tools/test.sh runs it on
# every supported version; PG_MAJOR picks Debian's server of that version,
# PG_BIN another server's bin directory (the debug build).
source "$(dirname "$0")/common.sh"
need_root "$@"
build_and_start
status=0
run_regress_and_tap || status=1
check_server_log || status=1
exit $status
