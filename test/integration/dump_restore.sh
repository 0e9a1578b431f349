#!/usr/bin/env bash
# pg_dump a database whose materialized views hold every summary type,
# restore it into a fresh database, and require every accessor's answers to
# be identical.  Runs inside tools/test.sh's cluster (PGHOST etc. set).
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

# every summary type an aggregate returns must be held by some materialized view
missing=$(psql -X -At -d retention_dump_source -c "
    SELECT string_agg(t.oid::regtype::text, ', ')
    FROM pg_type t
    WHERE t.typnamespace = 'retention'::regnamespace AND t.typtype = 'b' AND t.typcategory <> 'A'
      AND t.oid IN (SELECT prorettype FROM pg_proc WHERE prokind = 'a')
      AND NOT EXISTS (SELECT 1 FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                      WHERE c.relkind = 'm' AND a.atttypid = t.oid)")
if [ -n "$missing" ]; then
    echo "dump/restore: no materialized view in summaries.sql holds: $missing" >&2
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
