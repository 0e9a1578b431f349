/*
 * period.c
 *		The calendar: period names and the bucket of a day (see period.h).
 *
 * Dates are PostgreSQL's DateADT, days since 2000-01-01 in the proleptic
 * Gregorian calendar.  The conversions to and from (year, month, day) are
 * done in int64 so that the bucket after the last representable date still
 * has a well-defined start.
 */
#include "retention.h"

#include <ctype.h>

#include "miscadmin.h"
#include "period.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#define PERIOD_HINT_CALENDAR "Accepted periods are day, week (ISO weeks, starting Monday), week_<weekday> such as week_sunday, month, quarter and year."
#define PERIOD_HINT_ROLLING "Accepted periods are day, week (ISO weeks, starting Monday), week_<weekday> such as week_sunday, month, quarter, year, and 'N days' for rolling N-day retention."

#define MAX_ROLLING_DAYS 1000000

static const char *const weekday_names[7] = {
	"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"
};

/* 2000-01-01 (DateADT 0) is day 10957 after 1970-01-01 */
#define DATEADT_FROM_UNIX_DAYS 10957

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's method). */
static int64
days_from_civil(int64 year, int64 month, int64 day)
{
	int64		era,
				yoe,
				doy,
				doe;

	year -= month <= 2;
	era = (year >= 0 ? year : year - 399) / 400;
	yoe = year - era * 400;
	doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64 days, int64 *year, int *month)
{
	int64		z = days + 719468;
	int64		era = (z >= 0 ? z : z - 146096) / 146097;
	int64		doe = z - era * 146097;
	int64		yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64		doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64		mp = (5 * doy + 2) / 153;

	*month = (int) (mp < 10 ? mp + 3 : mp - 9);
	*year = yoe + era * 400 + (*month <= 2);
}

static int64
floor_div(int64 a, int64 b)
{
	int64		q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/* DateADT of a weekday-w day, the origin of week buckets (2000-01-01 is a Saturday). */
static int64
week_anchor(int week_start)
{
	return (week_start + 1) % 7;
}

pg_noreturn static void
invalid_period(const char *name, int options)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid period \"%s\"", name),
			 errhint("%s", (options & PERIOD_ALLOW_ROLLING) ?
					 PERIOD_HINT_ROLLING : PERIOD_HINT_CALENDAR)));
}

/* Reads "N days" / "N day" (surrounding spaces allowed); false if it is not. */
static bool
parse_rolling(const char *name, int *days)
{
	const char *p = name;
	int64		n = 0;

	while (isspace((unsigned char) *p))
		p++;
	if (!isdigit((unsigned char) *p))
		return false;
	while (isdigit((unsigned char) *p))
	{
		n = n * 10 + (*p - '0');
		if (n > MAX_ROLLING_DAYS)
			return false;
		p++;
	}
	if (!isspace((unsigned char) *p))
		return false;
	while (isspace((unsigned char) *p))
		p++;
	if (pg_strncasecmp(p, "day", 3) != 0)
		return false;
	p += 3;
	if (*p == 's' || *p == 'S')
		p++;
	while (isspace((unsigned char) *p))
		p++;
	if (*p != '\0' || n < 1)
		return false;
	*days = (int) n;
	return true;
}

void
period_parse(const char *name, int options, Period *period)
{
	memset(period, 0, sizeof(Period));

	if (pg_strcasecmp(name, "day") == 0)
		period->kind = PERIOD_DAY;
	else if (pg_strcasecmp(name, "week") == 0)
	{
		period->kind = PERIOD_WEEK;
		period->week_start = 1;
	}
	else if (pg_strncasecmp(name, "week_", 5) == 0)
	{
		int			w;

		for (w = 0; w < 7; w++)
			if (pg_strcasecmp(name + 5, weekday_names[w]) == 0)
				break;
		if (w == 7)
			invalid_period(name, options);
		period->kind = PERIOD_WEEK;
		period->week_start = w;
	}
	else if (pg_strcasecmp(name, "month") == 0)
		period->kind = PERIOD_MONTH;
	else if (pg_strcasecmp(name, "quarter") == 0)
		period->kind = PERIOD_QUARTER;
	else if (pg_strcasecmp(name, "year") == 0)
		period->kind = PERIOD_YEAR;
	else if ((options & PERIOD_ALLOW_ROLLING) && parse_rolling(name, &period->days))
		period->kind = PERIOD_ROLLING_DAYS;
	else
		invalid_period(name, options);
}

void
period_parse_text(text *name, int options, Period *period)
{
	period_parse(text_to_cstring(name), options, period);
}

char *
period_name(const Period *period)
{
	switch (period->kind)
	{
		case PERIOD_DAY:
			return pstrdup("day");
		case PERIOD_WEEK:
			return psprintf("week_%s", weekday_names[period->week_start]);
		case PERIOD_MONTH:
			return pstrdup("month");
		case PERIOD_QUARTER:
			return pstrdup("quarter");
		case PERIOD_YEAR:
			return pstrdup("year");
		case PERIOD_ROLLING_DAYS:
			return psprintf("%d days", period->days);
	}
	return NULL;				/* keep the compiler quiet */
}

int64
period_index(const Period *period, DateADT day)
{
	int64		year;
	int			month;

	switch (period->kind)
	{
		case PERIOD_DAY:
			return day;
		case PERIOD_WEEK:
			return floor_div((int64) day - week_anchor(period->week_start), 7);
		case PERIOD_MONTH:
			civil_from_days((int64) day + DATEADT_FROM_UNIX_DAYS, &year, &month);
			return year * 12 + (month - 1);
		case PERIOD_QUARTER:
			civil_from_days((int64) day + DATEADT_FROM_UNIX_DAYS, &year, &month);
			return year * 4 + (month - 1) / 3;
		case PERIOD_YEAR:
			civil_from_days((int64) day + DATEADT_FROM_UNIX_DAYS, &year, &month);
			return year;
		case PERIOD_ROLLING_DAYS:
			break;
	}
	elog(ERROR, "period_index: not a calendar period");
	return 0;					/* keep the compiler quiet */
}

/*
 * The start of a bucket as a DateADT, clamped to the int32 range (the start
 * of the bucket after the last representable date is still "after" it).
 */
DateADT
period_start(const Period *period, int64 index)
{
	int64		day = 0;

	switch (period->kind)
	{
		case PERIOD_DAY:
			day = index;
			break;
		case PERIOD_WEEK:
			day = index * 7 + week_anchor(period->week_start);
			break;
		case PERIOD_MONTH:
			day = days_from_civil(floor_div(index, 12), index - floor_div(index, 12) * 12 + 1, 1) -
				DATEADT_FROM_UNIX_DAYS;
			break;
		case PERIOD_QUARTER:
			day = days_from_civil(floor_div(index, 4), (index - floor_div(index, 4) * 4) * 3 + 1, 1) -
				DATEADT_FROM_UNIX_DAYS;
			break;
		case PERIOD_YEAR:
			day = days_from_civil(index, 1, 1) - DATEADT_FROM_UNIX_DAYS;
			break;
		case PERIOD_ROLLING_DAYS:
			elog(ERROR, "period_start: not a calendar period");
	}
	if (day > PG_INT32_MAX)
		return PG_INT32_MAX;
	if (day < PG_INT32_MIN)
		return PG_INT32_MIN;
	return (DateADT) day;
}

void
period_cursor_init(PeriodCursor *cursor, const Period *period)
{
	cursor->period = period;
	/* an empty bucket: the first lookup computes the real one */
	cursor->start = 1;
	cursor->end = 0;
	cursor->index = 0;
}

void
period_table_init(PeriodTable *table, const Period *period, DateADT first_day,
				  DateADT last_day)
{
	PeriodCursor cursor;
	int64		days = (int64) last_day - first_day + 1;

	if (days < 1 || days > MaxAllocHugeSize / sizeof(int32))
		elog(ERROR, "period_table_init: invalid range of days");
	table->first_day = first_day;
	table->last_day = last_day;
	table->first_index = period_index(period, first_day);
	table->offsets = palloc_extended(sizeof(int32) * days, MCXT_ALLOC_HUGE);
	period_cursor_init(&cursor, period);
	for (int64 d = 0; d < days; d++)
	{
		table->offsets[d] = (int32) (period_cursor_index(&cursor, (DateADT) (first_day + d)) -
									 table->first_index);
		if ((d & 0xffff) == 0)
			CHECK_FOR_INTERRUPTS();
	}
}
