#!/usr/bin/env bash
# Upgrade test: for every released version before the current one (each has
# a frozen install script sql/retention--X.Y.sql, or is reached from one by
# upgrade scripts), install it, build the materialized views of
# summaries.sql, ALTER EXTENSION retention UPDATE, and require identical
# answers.  The first release has nothing to upgrade from; any later version
# must find an earlier one.
set -euo pipefail
export PGOPTIONS="-c client_min_messages=warning"
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
current=$(sed -n "s/^default_version = '\(.*\)'/\1/p" "$top/retention.control")
# released versions: the frozen install scripts and the targets of upgrade scripts
released=$(cd "$top/sql" && ls retention--*.sql | sed -n 's/^retention--\([0-9.]*\)\.sql$/\1/p;s/^retention--[0-9.]*--\([0-9.]*\)\.sql$/\1/p' | sort -uV)
tested=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for old in $released; do
    [ "$old" = "$current" ] && continue
    db=retention_upgrade
    psql -X -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
    psql -X -q -v ON_ERROR_STOP=1 -d $db -c "CREATE EXTENSION retention VERSION '$old'" \
        -f "$here/summaries.sql"
    answers='SELECT area, key, answer FROM accessor_answers ORDER BY 1, 2, 3'
    psql -X -At -d $db -c "$answers" >"$work/before"
    psql -X -q -v ON_ERROR_STOP=1 -d $db -c 'ALTER EXTENSION retention UPDATE'
    psql -X -At -d $db -c "$answers" >"$work/after"
    diff -u "$work/before" "$work/after" || { echo "upgrade $old -> $current: answers differ" >&2; exit 1; }
    psql -X -q -c "DROP DATABASE $db"
    echo "upgrade $old -> $current: answers identical"
    tested=$((tested + 1))
done
# Only the first release has nothing to upgrade from (and no upgrade script).
if [ $tested -eq 0 ]; then
    if ls "$top"/sql/retention--*--*.sql >/dev/null 2>&1; then
        echo "upgrade: upgrade scripts exist but no released version before $current was found" >&2
        exit 1
    fi
    echo "upgrade: $current is the first release"
fi
