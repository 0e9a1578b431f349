#!/usr/bin/env bash
# Runs bi_client.py against the test cluster as a BI tool would connect:
# TCP on 127.0.0.1, a password-authenticated read-only role.
set -euo pipefail
export PGOPTIONS="-c client_min_messages=warning"
here=$(cd "$(dirname "$0")" && pwd)
db=retention_bi
psql -X -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $db" -c "DROP ROLE IF EXISTS bi_reader" \
    -c "CREATE DATABASE $db" -c "CREATE ROLE bi_reader LOGIN PASSWORD 'bi-secret'"
psql -X -q -v ON_ERROR_STOP=1 -d $db <<'SQL'
CREATE EXTENSION retention;
CREATE TABLE survey AS
SELECT DATE '2024-01-01' + i % 90 AS day,
       (ARRAY['web', 'app'])[1 + i % 2] AS channel,
       CASE WHEN i % 50 = 0 THEN NULL ELSE (i * 7) % 11 END AS score
FROM generate_series(1, 3000) i;
CREATE TABLE orders AS
SELECT 1 + (i * 7919) % 300 AS customer_id,
       DATE '2023-01-01' + ((i * 104729) % 540) AS order_date,
       round(((i * 31) % 9000) / 100.0 + 5, 2) AS amount
FROM generate_series(1, 4000) i;
CREATE MATERIALIZED VIEW nps_daily AS
SELECT day, retention.nps_agg(score) AS summary FROM survey GROUP BY day;
CREATE VIEW nps_daily_view AS
SELECT date_trunc('month', day)::date AS month, summary FROM nps_daily;
GRANT USAGE ON SCHEMA retention TO bi_reader;
GRANT SELECT ON survey, orders, nps_daily, nps_daily_view TO bi_reader;
SQL
BI_CONNINFO="host=127.0.0.1 port=$PGPORT dbname=$db user=bi_reader password=bi-secret" \
    /usr/bin/python3 "$here/bi_client.py"   # Debian's python3, which has python3-psycopg
psql -X -q -c "DROP DATABASE $db" -c "DROP ROLE bi_reader"
