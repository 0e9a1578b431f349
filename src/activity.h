/*
 * activity.h
 *		The activity summary as its accessors (activity_report.c) see it: for
 *		each customer, the set of days on which it was active, read one
 *		customer at a time.
 *
 * How a summary is stored and aggregated is private to the activity_*.c
 * files (activity_internal.h).
 */
#ifndef RETENTION_ACTIVITY_H
#define RETENTION_ACTIVITY_H

#include "retention.h"

#include "utils/date.h"

typedef enum ActivityIdKind
{
	ACTIVITY_ID_BIGINT = 1,
	ACTIVITY_ID_TEXT = 2,
	ACTIVITY_ID_UUID = 3
} ActivityIdKind;

/* the bytes of a uuid id (a reader's key of that length) */
#define ACTIVITY_UUID_LEN 16

/*
 * Activity days are limited to the years 1 to 9999 (ISO 8601's range), so
 * that every bucket of every period is representable.
 */
#define ACTIVITY_MIN_DAY (-730119)	/* 0001-01-01 as a DateADT */
#define ACTIVITY_MAX_DAY 2921939	/* 9999-12-31 */

struct ActivityState;
struct FlatCursor;

/*
 * Reads the customers of a summary one at a time, whichever form it is in
 * (for accessors the order does not matter: the expanded form is walked in
 * hash order, the flat form in id order).  A flat value is validated as it
 * is read.
 */
typedef struct ActivityReader
{
	/* the whole summary */
	ActivityIdKind id_kind;
	int64		ncustomers;
	int64		ndays;
	DateADT		min_day;		/* range of all days (when ncustomers > 0) */
	DateADT		max_day;
	/* the current customer */
	int64		id;				/* bigint ids */
	const char *key;			/* text and uuid ids: keylen bytes */
	int			keylen;
	const DateADT *days;		/* ascending, distinct */
	int			count;
	/* the source: a hash table being walked, or a flat value being decoded */
	struct ActivityState *state;
	uint32		slot;
	struct FlatCursor *flat;
} ActivityReader;

extern void activity_reader_begin(ActivityReader *reader, Datum summary);
extern void activity_reader_begin_sorted(ActivityReader *reader, Datum summary);
extern bool activity_reader_next(ActivityReader *reader);
extern int	activity_reader_compare_ids(const ActivityReader *a, const ActivityReader *b);

#endif							/* RETENTION_ACTIVITY_H */
