#!/usr/bin/env bash
# Scheduled refreshes for real: in a cluster with pg_cron preloaded, a daily
# summary materialized view is refreshed CONCURRENTLY by a cron job; after new
# rows arrive, the job's next run (pg_cron 1.4 schedules by the minute, so
# this waits at most ~75 s) must make the monthly roll-up see them.
set -euo pipefail
export PGOPTIONS="-c client_min_messages=warning"
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../tools/common.sh"
cluster_new "shared_preload_libraries = 'pg_cron'" "cron.database_name = 'postgres'" \
    "cron.use_background_workers = on" "max_worker_processes = 16"
sql=(psql -X -q -At -v ON_ERROR_STOP=1 -h "$NEW_CLUSTER_DIR" -p "$NEW_CLUSTER_PORT" -U postgres -d postgres)

"${sql[@]}" <<'SQL'
CREATE EXTENSION retention;
CREATE EXTENSION pg_cron;
CREATE TABLE answers (day date, score int);
INSERT INTO answers SELECT DATE '2024-03-01' + i % 20, (i * 7) % 11 FROM generate_series(1, 2000) i;
CREATE MATERIALIZED VIEW nps_daily AS
    SELECT day, retention.nps_agg(score) AS summary FROM answers GROUP BY day;
CREATE UNIQUE INDEX ON nps_daily (day);       -- REFRESH ... CONCURRENTLY needs one
SELECT cron.schedule('refresh-nps-daily', '* * * * *',
                     'REFRESH MATERIALIZED VIEW CONCURRENTLY nps_daily') \g /dev/null
-- new rows: more answers on known days and a new day
INSERT INTO answers SELECT DATE '2024-03-10' + i % 25, 10 FROM generate_series(1, 500) i;
SQL

rollup="SELECT retention.responses(retention.rollup(summary)) || ' ' || retention.nps(retention.rollup(summary))
        FROM nps_daily"
direct="SELECT count(score) || ' ' || retention.nps(score) FROM answers"
before=$("${sql[@]}" -c "$rollup")
want=$("${sql[@]}" -c "$direct")
[ "$before" != "$want" ] || { echo "pg_cron: the view already saw the new rows" >&2; exit 1; }
for second in $(seq 1 90); do
    [ "$("${sql[@]}" -c "$rollup")" = "$want" ] && break
    sleep 1
done
got=$("${sql[@]}" -c "$rollup")
runs=$("${sql[@]}" -c "SELECT count(*) FROM cron.job_run_details WHERE status = 'succeeded'")
if [ "$got" != "$want" ] || [ "$runs" -lt 1 ]; then
    echo "pg_cron: after ${second}s the roll-up is '$got', expected '$want' ($runs succeeded runs)" >&2
    "${sql[@]}" -c 'SELECT status, return_message FROM cron.job_run_details' >&2
    exit 1
fi
# no backend of the pg_cron cluster crashed (its log goes with it on exit)
check_server_log || exit 1
echo "pg_cron: the scheduled REFRESH ... CONCURRENTLY ran ($runs succeeded) and the roll-up moved from '$before' to '$got' within ${second}s"
