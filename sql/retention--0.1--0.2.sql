-- retention 0.1 -> 0.2.  CREATE EXTENSION retention installs 0.1 and runs
-- this script after it, so this file is the only place where 0.2 changes
-- the SQL surface; ALTER EXTENSION retention UPDATE runs it on a 0.1
-- database.  Sections are in area order.

-- complain if script is sourced in psql, rather than through CREATE EXTENSION
\echo Use "ALTER EXTENSION retention UPDATE" to load this file. \quit

-- ==== Retention as product teams define it (SPEC §7) ====
-- (src/activity_product.c, src/activity_stages.c; doc/product-retention.md)

-- cohort_retention gains the mode argument and the complete column.  The
-- 0.1 function cannot change its result columns in place, and dropping it
-- would fail (or take the user's views with it) wherever a view reads it; so
-- it is renamed and kept for such views, which go on answering as before.
-- Recreate a view to get the new columns.
ALTER FUNCTION cohort_retention(activity, text) RENAME TO cohort_retention_0_1;
COMMENT ON FUNCTION cohort_retention_0_1(activity, text) IS
    'the cohort_retention of release 0.1 (without complete), kept for views created under 0.1; use cohort_retention';

CREATE FUNCTION cohort_retention(activity, period text DEFAULT 'month', mode text DEFAULT 'on',
    OUT cohort date, OUT period_offset int, OUT cohort_size bigint, OUT active bigint,
    OUT retention float8, OUT complete boolean)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'activity_cohort_retention_mode' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    ROWS 1000;
COMMENT ON FUNCTION cohort_retention(activity, text, text) IS
    'cohort triangle: per cohort (bucket of the first active day) and offset, members active in bucket cohort + offset (mode ''on'') or in it or any later bucket (''on_or_after''); period ''N days'' for rolling N-day retention; complete when the bucket has ended by the last day of the data';

CREATE FUNCTION cohort_retention(starts activity, returns activity, period text DEFAULT 'month',
    mode text DEFAULT 'on',
    OUT cohort date, OUT period_offset int, OUT cohort_size bigint, OUT active bigint,
    OUT retention float8, OUT complete boolean)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'activity_cohort_retention_two' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    ROWS 1000;
COMMENT ON FUNCTION cohort_retention(activity, activity, text, text) IS
    'cohort triangle with separate events: the cohort is the bucket of the first day in starts; active at an offset with a day in returns in that bucket (or, ''on_or_after'', any later one) on or after the first start day';

CREATE FUNCTION bracket_retention(activity, bounds int[], period text DEFAULT 'month',
    OUT cohort date, OUT bracket int, OUT from_day int, OUT to_day int,
    OUT cohort_size bigint, OUT active bigint, OUT retention float8, OUT complete boolean)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'activity_bracket_retention' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    ROWS 1000;
COMMENT ON FUNCTION bracket_retention(activity, int[], text) IS
    'per cohort and bracket [from_day, to_day) of days since the first day: members active in the bracket; complete when every member has been observed through to_day - 1 days';

CREATE FUNCTION active_customers(activity, window_days int DEFAULT 28,
    OUT day date, OUT active bigint)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'activity_active_customers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    ROWS 1000;
COMMENT ON FUNCTION active_customers(activity, int) IS
    'per day from the first to the last day of the data: customers active in the window_days days ending on it (DAU 1, WAU 7, MAU 28)';

CREATE FUNCTION inactivity_churn(activity, inactive_days int, period text DEFAULT 'month',
    OUT period date, OUT live_start bigint, OUT new bigint, OUT reactivated bigint,
    OUT churned bigint, OUT live_end bigint, OUT churn_rate float8, OUT complete boolean)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'activity_inactivity_churn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    ROWS 100;
COMMENT ON FUNCTION inactivity_churn(activity, int, text) IS
    'churn by silence: live = active in the last inactive_days days; per period live at its start and end, new, reactivated and churned events (live_end = live_start + new + reactivated - churned), and the share of live_start not live at the end';

CREATE FUNCTION customer_stages(id_type anyelement, summary activity, period text, at date,
    OUT customer_id anyelement, OUT stage text, OUT first_active date, OUT last_active date,
    OUT active_days int)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'activity_customer_stages' LANGUAGE C IMMUTABLE PARALLEL SAFE
    ROWS 1000;
COMMENT ON FUNCTION customer_stages(anyelement, activity, text, date) IS
    'each customer''s stage (new, returning, resurrecting, dormant, lost) at the end of the bucket of at, with its first and last day and days active up to then; pass NULL::bigint, NULL::text or NULL::uuid first to get ids in that type';

CREATE FUNCTION stage_transitions(activity, period text DEFAULT 'month',
    OUT period date, OUT from_stage text, OUT to_stage text, OUT customers bigint,
    OUT complete boolean)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'activity_stage_transitions' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    ROWS 1000;
COMMENT ON FUNCTION stage_transitions(activity, text) IS
    'per period after the first: customers by their stage in the period before (NULL for new customers) and in the period, the flows of a Sankey diagram';

CREATE FUNCTION time_to_repeat(activity, n int DEFAULT 2, OUT days int, OUT customers bigint)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'activity_time_to_repeat' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    ROWS 365;
COMMENT ON FUNCTION time_to_repeat(activity, int) IS
    'histogram of the days from a customer''s first to its n-th distinct active day (customers with n or more days)';

CREATE FUNCTION repeat_within(activity, days int, period text DEFAULT 'month',
    OUT cohort date, OUT cohort_size bigint, OUT repeated bigint, OUT rate float8,
    OUT complete boolean)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'activity_repeat_within' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    ROWS 100;
COMMENT ON FUNCTION repeat_within(activity, int, text) IS
    'per cohort (bucket of the first day): members with a second active day within days days of the first, and their share';
