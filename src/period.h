/*
 * period.h
 *		The calendar shared by every accessor that takes a period: parsing
 *		'day' / 'week' / 'week_<weekday>' / 'month' / 'quarter' / 'year' /
 *		'N days', and the bucket of a day.
 *
 * Calendar buckets are numbered by a bucket index: consecutive buckets have
 * consecutive indexes, so "the bucket before p" is p - 1 and the distance
 * between two buckets is a subtraction.  period_start() maps an index back to
 * the first day of its bucket.
 */
#ifndef RETENTION_PERIOD_H
#define RETENTION_PERIOD_H

#include "postgres.h"

#include "utils/date.h"

typedef enum PeriodKind
{
	PERIOD_DAY,
	PERIOD_WEEK,				/* seven days from a given weekday */
	PERIOD_MONTH,
	PERIOD_QUARTER,
	PERIOD_YEAR,
	PERIOD_ROLLING_DAYS			/* 'N days', counted from each customer's first day */
} PeriodKind;

typedef struct Period
{
	PeriodKind	kind;
	int			week_start;		/* PERIOD_WEEK: 0 = Sunday ... 6 = Saturday */
	int			days;			/* PERIOD_ROLLING_DAYS: N */
} Period;

/* Options of period_parse. */
#define PERIOD_ALLOW_ROLLING	0x01	/* accept 'N days' */

/*
 * Parses a period name; anything else is ERROR 22023 naming the value, with
 * a hint listing the accepted names.
 */
extern void period_parse(const char *name, int options, Period *period);
extern void period_parse_text(text *name, int options, Period *period);

/* The canonical name of a period, as period_parse accepts it. */
extern char *period_name(const Period *period);

/* Index of the calendar bucket holding day (not for PERIOD_ROLLING_DAYS). */
extern int64 period_index(const Period *period, DateADT day);

/* First day of the bucket with the given index. */
extern DateADT period_start(const Period *period, int64 index);

/*
 * A cursor for walking days in ascending order: period_cursor_index() only
 * recomputes the bucket when day leaves the current one, so a sorted run of
 * days costs one comparison each.
 */
typedef struct PeriodCursor
{
	const Period *period;
	DateADT		start;			/* current bucket is [start, end) */
	DateADT		end;
	int64		index;
} PeriodCursor;

extern void period_cursor_init(PeriodCursor *cursor, const Period *period);

static inline int64
period_cursor_index(PeriodCursor *cursor, DateADT day)
{
	if (day < cursor->start || day >= cursor->end)
	{
		cursor->index = period_index(cursor->period, day);
		cursor->start = period_start(cursor->period, cursor->index);
		cursor->end = period_start(cursor->period, cursor->index + 1);
	}
	return cursor->index;
}

/*
 * The bucket index of every day of a range, precomputed: for a report over
 * millions of customer-days a table lookup beats calendar arithmetic.  The
 * range is at most the years 1 to 9999 (3.7 million days, 15 MB).
 */
typedef struct PeriodTable
{
	DateADT		first_day;
	DateADT		last_day;
	int64		first_index;	/* bucket index of first_day */
	int32	   *offsets;		/* bucket index - first_index, per day */
} PeriodTable;

extern void period_table_init(PeriodTable *table, const Period *period,
							  DateADT first_day, DateADT last_day);

static inline int64
period_table_index(const PeriodTable *table, DateADT day)
{
	Assert(day >= table->first_day && day <= table->last_day);
	return table->first_index + table->offsets[day - table->first_day];
}

#endif							/* RETENTION_PERIOD_H */
