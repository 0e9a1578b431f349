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

# The compact text form on the wire: an activity partial from a shard is its
# binary form in base 85 (retention.summary_text = auto), at most 1.3 times
# the binary size.
read -r text_bytes binary_bytes < <("${coordinator[@]}" -At -F ' ' -c "
    SELECT octet_length(s::text), octet_length(retention.activity_send(s))
    FROM (SELECT retention.activity_agg(customer_id, day) AS s FROM shard1.answers) x")
if [ $((text_bytes * 10)) -gt $((binary_bytes * 13)) ]; then
    echo "shards: activity costs $text_bytes bytes as text against $binary_bytes binary" >&2
    exit 1
fi
echo "shards: activity from shard 1 is $text_bytes bytes as text, $binary_bytes binary ($(awk "BEGIN { printf \"%.3f\", $text_bytes / $binary_bytes }") x)"

# timestamptz overloads are STABLE (the day depends on TimeZone), and
# postgres_fdw ships only immutable functions: it fetches the rows and the
# coordinator aggregates them in its own session's zone.  (Citus does push
# them down: doc/production.md.)
at="(day::timestamp AT TIME ZONE 'UTC') + interval '23 hours 30 minutes'"
two_step="SELECT retention.rollup(s)::text FROM (
        SELECT retention.activity_agg(customer_id, $at) AS s FROM shard1.answers
        UNION ALL SELECT retention.activity_agg(customer_id, $at) FROM shard2.answers) x"
if "${coordinator[@]}" -At -c "EXPLAIN (VERBOSE, COSTS OFF) $two_step" | grep -q "Remote SQL: SELECT retention\."; then
    echo "shards: a timestamptz aggregate was shipped to a shard" >&2
    exit 1
fi
distributed=$("${coordinator[@]}" -At -c "SET TimeZone = 'Asia/Tokyo'" -c "$two_step")
utc=$("${coordinator[@]}" -At -c "SET TimeZone = 'UTC'" -c "SELECT retention.activity_agg(customer_id, $at)::text FROM answers")
tokyo=$("${coordinator[@]}" -At -c "SET TimeZone = 'Asia/Tokyo'" -c "SELECT retention.activity_agg(customer_id, $at)::text FROM answers")
if [ "$distributed" != "$tokyo" ] || [ "$distributed" = "$utc" ]; then
    echo "shards: timestamptz days were not taken in the coordinator session's zone" >&2
    exit 1
fi
echo "shards: timestamptz aggregates stay on the coordinator, in its session's zone"

# GROUP BY ROLLUP written as UNION ALL (doc/production.md, for Citus): the
# same answers as ROLLUP on one server.
churn="retention.churn_rate(day, CASE WHEN churned THEN day + duration::int END, '2024-02-01', '2024-05-01'),
       retention.retention_rate(day, CASE WHEN churned THEN day + duration::int END, '2024-02-01', '2024-05-01')"
both="(SELECT * FROM shard1.answers UNION ALL SELECT * FROM shard2.answers)"
union_all=$("${coordinator[@]}" -At -c "
    SELECT customer_id % 3 AS plan, $churn FROM $both a GROUP BY 1
    UNION ALL
    SELECT NULL, $churn FROM $both a
    ORDER BY plan")
rollup=$("${coordinator[@]}" -At -c "SELECT customer_id % 3 AS plan, $churn FROM answers GROUP BY ROLLUP (1) ORDER BY plan")
if [ "$union_all" != "$rollup" ]; then
    echo "shards: the UNION ALL form differs from GROUP BY ROLLUP: $union_all <> $rollup" >&2
    exit 1
fi
echo "shards: GROUP BY ROLLUP and its UNION ALL form agree ($(wc -l <<<"$rollup") rows)"

psql -X -q -c "DROP DATABASE $db"
# no backend of the shard clusters crashed (their logs go with them on exit)
check_server_log || exit 1
