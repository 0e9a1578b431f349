-- retention 0.1 -> 0.2.  CREATE EXTENSION retention installs 0.1 and runs
-- this script after it, so this file is the only place where 0.2 changes
-- the SQL surface; ALTER EXTENSION retention UPDATE runs it on a 0.1
-- database.  Sections are in area order.

-- complain if script is sourced in psql, rather than through CREATE EXTENSION
\echo Use "ALTER EXTENSION retention UPDATE" to load this file. \quit
