#!/usr/bin/env bash
# Scale-out across servers with what Debian ships: two more local clusters
# act as shards, reached from the test cluster (the coordinator) through
# postgres_fdw with the server option extensions 'retention', so that each
# shard computes its summaries itself; the coordinator rolls them up, and the
# answer must equal the single-server one.  Prints the bytes each summary
# costs on the wire.
set -euo pipefail
export PGOPTIONS="-c client_min_messages=warning"
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../tools/common.sh"
coordinator_host=$PGHOST coordinator_port=$PGPORT

# the same deterministic data everywhere; shard k keeps customer_id % 2 = k - 1
data="
CREATE TABLE answers AS
SELECT i % 1000 AS customer_id, DATE '2024-01-01' + i % 120 AS day,
       (i * 7) % 11 AS nps_score, 1 + (i * 3) % 5 AS csat_score,
       ((i * 13) % 700)::float8 AS duration, i % 3 <> 0 AS churned
FROM generate_series(1, 20000) i;"

db=retention_shards
psql -X -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
coordinator=(psql -X -q -v ON_ERROR_STOP=1 -d $db)
"${coordinator[@]}" -c 'CREATE EXTENSION retention' -c 'CREATE EXTENSION postgres_fdw' -c "$data"

for shard in 1 2; do
    cluster_new
    psql -X -q -v ON_ERROR_STOP=1 -h "$NEW_CLUSTER_DIR" -p "$NEW_CLUSTER_PORT" -U postgres -d postgres \
        -c 'CREATE EXTENSION retention' -c "$data" \
        -c "DELETE FROM answers WHERE customer_id % 2 <> $shard - 1"
    "${coordinator[@]}" <<SQL
CREATE SERVER shard$shard FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host '127.0.0.1', port '$NEW_CLUSTER_PORT', dbname 'postgres', extensions 'retention');
CREATE USER MAPPING FOR postgres SERVER shard$shard OPTIONS (user 'postgres');
CREATE SCHEMA shard$shard;
IMPORT FOREIGN SCHEMA public LIMIT TO (answers) FROM SERVER shard$shard INTO shard$shard;
SQL
done

# Each check: the per-shard summaries (computed remotely), rolled up on the
# coordinator, against the single-server summary.
check() {
    local name=$1 agg=$2
    local two_step="SELECT retention.rollup(s)::text FROM (
        SELECT $agg AS s FROM shard1.answers UNION ALL SELECT $agg FROM shard2.answers) x"
    local plan
    plan=$("${coordinator[@]}" -At -c "EXPLAIN (VERBOSE, COSTS OFF) $two_step")
    if [ "$(grep -c "Remote SQL: SELECT retention\." <<<"$plan")" != 2 ]; then
        echo "shards: $name was not computed on the shards:" >&2
        echo "$plan" >&2
        return 1
    fi
    local distributed single bytes
    distributed=$("${coordinator[@]}" -At -c "$two_step")
    single=$("${coordinator[@]}" -At -c "SELECT ($agg)::text FROM answers")
    if [ "$distributed" != "$single" ]; then
        echo "shards: $name differs: $distributed <> $single" >&2
        return 1
    fi
    bytes=$("${coordinator[@]}" -At -c "SELECT octet_length(($agg)::text) || ' bytes on the wire from shard 1 ('
        || round(octet_length(($agg)::text)::numeric / count(DISTINCT customer_id), 1) || ' per customer)'
        FROM shard1.answers")
    echo "shards: $name over 2 shards equals the single-server answer; $bytes"
}
check nps_summary "retention.nps_agg(nps_score)"
check csat_summary "retention.csat_agg(csat_score)"
check activity "retention.activity_agg(customer_id, day)"
check survival "retention.survival_agg(duration, churned)"

psql -X -q -c "DROP DATABASE $db"
# no backend of the shard clusters crashed (their logs go with them on exit)
check_server_log || exit 1
