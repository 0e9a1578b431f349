#!/usr/bin/env bash
# pg_dump a database whose materialized views and a table hold every summary
# type (each base type of the extension), restore it into a fresh database,
# and require every accessor's answers to be identical.  Runs inside
# tools/test.sh's cluster (PGHOST etc. set).
set -euo pipefail
export PGOPTIONS="-c client_min_messages=warning"
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

psql -X -q -v ON_ERROR_STOP=1 \
    -c 'DROP DATABASE IF EXISTS retention_dump_source' -c 'DROP DATABASE IF EXISTS retention_dump_target' \
    -c 'CREATE DATABASE retention_dump_source' -c 'CREATE DATABASE retention_dump_target'
psql -X -q -v ON_ERROR_STOP=1 -d retention_dump_source -c 'CREATE EXTENSION retention' \
    -f "$here/summaries.sql"

# every summary type (whether an aggregate returns it or keeps it as its
# state) must be held by a materialized view and by a table
missing=$(psql -X -At -d retention_dump_source -c "
    SELECT string_agg(t.oid::regtype::text || ' in a ' || k.kind, ', ')
    FROM pg_type t, (VALUES ('m', 'materialized view'), ('r', 'table')) k(relkind, kind)
    WHERE t.typnamespace = 'retention'::regnamespace AND t.typtype = 'b' AND t.typcategory <> 'A'
      AND NOT EXISTS (SELECT 1 FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                      WHERE c.relkind = k.relkind AND a.atttypid = t.oid)")
if [ -n "$missing" ]; then
    echo "dump/restore: summaries.sql holds no $missing" >&2
    exit 1
fi

pg_dump -Fc -d retention_dump_source -f "$work/dump"
pg_restore --exit-on-error -d retention_dump_target "$work/dump"

answers='SELECT area, key, answer FROM accessor_answers ORDER BY 1, 2, 3'
psql -X -At -d retention_dump_source -c "$answers" >"$work/before"
psql -X -At -d retention_dump_target -c "$answers" >"$work/after"
if ! diff -u "$work/before" "$work/after"; then
    echo "dump/restore: answers differ after restore" >&2
    exit 1
fi
echo "dump/restore: $(wc -l <"$work/before") accessor answers identical after pg_dump + pg_restore"
psql -X -q -c 'DROP DATABASE retention_dump_source' -c 'DROP DATABASE retention_dump_target'
