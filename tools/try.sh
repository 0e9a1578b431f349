#!/usr/bin/env bash
# Developer aid: builds and installs this tree, starts a throwaway cluster
# with the extension created, and runs psql with the given arguments
# (e.g. -f some.sql, or -c 'SELECT ...').  Holds the install lock, so
# several checkouts on one machine never test each other's library.
source "$(dirname "$0")/common.sh"
need_root "$@"
build_and_start
psql -q -X -c 'CREATE EXTENSION retention'
if [ -n "${TRY_SCRIPT:-}" ]; then bash "$TRY_SCRIPT"; else psql -X "$@"; fi
check_server_log
