-- retention--<version>.sql: built by make from sql/*.sql in file-name order

-- complain if script is sourced in psql, rather than through CREATE EXTENSION
\echo Use "CREATE EXTENSION retention" to load this file. \quit
