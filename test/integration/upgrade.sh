#!/usr/bin/env bash
# Upgrade test: for every released version before the current one (README,
# "Released versions"), install it from its frozen script, build the
# materialized views of summaries.sql, ALTER EXTENSION retention UPDATE, and
# require identical answers.
set -euo pipefail
export PGOPTIONS="-c client_min_messages=warning"
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
current=$(sed -n "s/^default_version = '\(.*\)'/\1/p" "$top/retention.control")
released=$(sed -n '/^## Released versions/,/^## /s/^- \([0-9][0-9.]*\) .*/\1/p' "$top/README.md")
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
[ $tested -gt 0 ] || echo "upgrade: no released version before $current yet"
