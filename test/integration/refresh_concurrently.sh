#!/usr/bin/env bash
# REFRESH MATERIALIZED VIEW CONCURRENTLY of daily summaries while another
# session keeps inserting rows (bounded: a few seconds).  At least two
# refreshes must have completed while rows arrived, each seeing more rows
# than were there before the writer started and fewer than it left at the
# end; afterwards the view must equal the summaries computed directly from
# the table.
set -euo pipefail
export PGOPTIONS="-c client_min_messages=warning"
db=retention_refresh
psql -X -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
psql -X -q -v ON_ERROR_STOP=1 -d $db <<'SQL'
CREATE EXTENSION retention;
CREATE TABLE answers (day date, score int);
INSERT INTO answers SELECT DATE '2024-01-01' + i % 30, i % 11 FROM generate_series(1, 3000) i;
CREATE MATERIALIZED VIEW nps_daily AS
    SELECT day, retention.nps_agg(score) AS summary FROM answers GROUP BY day;
CREATE UNIQUE INDEX ON nps_daily (day);
CREATE PROCEDURE insert_for(seconds float8) LANGUAGE plpgsql AS $$
DECLARE
    stop timestamptz := clock_timestamp() + seconds * interval '1 second';
    i int := 0;
BEGIN
    WHILE clock_timestamp() < stop LOOP
        INSERT INTO answers SELECT DATE '2024-01-01' + (i + k) % 45, (i * k) % 11
        FROM generate_series(1, 50) k;
        COMMIT;
        PERFORM pg_sleep(0.005);
        i := i + 1;
    END LOOP;
END $$;
SQL

initial=$(psql -X -At -d $db -c 'SELECT count(*) FROM answers')
psql -X -q -v ON_ERROR_STOP=1 -d $db -c 'CALL insert_for(4)' &
writer=$!
refreshes=0
seen=()     # the rows each refresh's view covers
while kill -0 $writer 2>/dev/null; do
    seen+=("$(psql -X -q -At -v ON_ERROR_STOP=1 -d $db \
        -c 'REFRESH MATERIALIZED VIEW CONCURRENTLY nps_daily' \
        -c 'SELECT sum(retention.responses(summary)) FROM nps_daily')")
    refreshes=$((refreshes + 1))
done
wait $writer
psql -X -q -v ON_ERROR_STOP=1 -d $db -c 'REFRESH MATERIALIZED VIEW CONCURRENTLY nps_daily'

differing=$(psql -X -At -d $db -c "
    SELECT count(*) FROM (
        (SELECT day, summary::text FROM nps_daily
         EXCEPT SELECT day, retention.nps_agg(score)::text FROM answers GROUP BY day)
        UNION ALL
        (SELECT day, retention.nps_agg(score)::text FROM answers GROUP BY day
         EXCEPT SELECT day, summary::text FROM nps_daily)) d")
rows=$(psql -X -At -d $db -c 'SELECT count(*) FROM answers')
psql -X -q -c "DROP DATABASE $db"
during=0
for n in "${seen[@]}"; do
    [ "$n" -gt "$initial" ] && [ "$n" -lt "$rows" ] && during=$((during + 1))
done
if [ "$during" -lt 2 ]; then
    echo "refresh concurrently: only $during of $refreshes refreshes saw rows arrive" \
         "(rows covered: ${seen[*]}; $initial before, $rows after)" >&2
    exit 1
fi
if [ "$differing" != 0 ]; then
    echo "refresh concurrently: $differing days differ from the table" >&2
    exit 1
fi
echo "refresh concurrently: $during of $refreshes refreshes ran while rows arrived" \
     "($initial rows before, $rows after); view equals the table"
