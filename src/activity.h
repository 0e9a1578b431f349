/*
 * activity.h
 *		The activity summary: for each customer, the set of days on which it
 *		was active.  Shared by the aggregate and I/O (activity.c) and the
 *		accessors (activity_report.c).
 *
 * Two representations:
 *
 * In memory, while aggregating, an expanded object (ActivityState): an
 * open-addressing hash table of customers, each with its sorted array of
 * distinct days.  The transition and combine functions change it in place.
 *
 * Flat (stored, sent to a parallel leader or a Citus coordinator), a varlena
 * holding a byte stream of LEB128 varints:
 *
 *		version byte (1), id kind byte (1 bigint, 2 text, 3 uuid),
 *		varint customers, varint days (the sum over customers),
 *		if there are customers: zigzag varint of the first day of all,
 *		varint of (last day of all - first day),
 *		then per customer, in ascending id order:
 *			id:   bigint: varint of (id - previous id) as uint64, the first
 *			            one relative to 0;
 *			      text: varint byte length, the bytes;
 *			      uuid: 16 bytes;
 *			varint n (>= 1), zigzag varint of the first day (DateADT),
 *			n - 1 varints of (gap between consecutive days - 1).
 *
 * Days are ascending and distinct, so a customer active every few weeks
 * costs one byte per day.  Ids are sorted so that the flat form (and the
 * text form) of a summary depends only on its contents, never on the order
 * the rows arrived in.
 */
#ifndef RETENTION_ACTIVITY_H
#define RETENTION_ACTIVITY_H

#include "retention.h"

#include "utils/date.h"
#include "utils/expandeddatum.h"

#define ACTIVITY_VERSION 1

typedef enum ActivityIdKind
{
	ACTIVITY_ID_BIGINT = 1,
	ACTIVITY_ID_TEXT = 2,
	ACTIVITY_ID_UUID = 3
} ActivityIdKind;

#define ACTIVITY_UUID_LEN 16

/*
 * Activity days are limited to the years 1 to 9999 (ISO 8601's range), so
 * that every text form is a plain YYYY-MM-DD and every bucket of every
 * period is representable.
 */
#define ACTIVITY_MIN_DAY (-730119)	/* 0001-01-01 as a DateADT */
#define ACTIVITY_MAX_DAY 2921939	/* 9999-12-31 */

/* One customer of the in-memory hash table. */
typedef struct ActivityCustomer
{
	uint32		hash;
	int32		ndays;			/* distinct days; 0 marks an empty slot */
	int32		capacity;		/* size of days.array; 0 while days are inline */
	int32		keylen;			/* text and uuid ids: bytes at key.bytes */
	union
	{
		int64		id;			/* bigint ids */
		char	   *bytes;		/* text and uuid ids */
	}			key;
	union
	{
		DateADT		inline_days[2];
		DateADT    *array;
	}			days;
} ActivityCustomer;

#define ACTIVITY_CUSTOMER_DAYS(c) \
	((c)->capacity == 0 ? (c)->days.inline_days : (c)->days.array)

/*
 * Writes customers, in id order, onto a growing flat body and keeps the
 * counts and the range of days its header needs.
 */
typedef struct FlatWriter
{
	ActivityIdKind id_kind;
	MemoryContext context;		/* where the body lives */
	uint8	   *body;
	Size		len;
	Size		size;
	int64		ncustomers;
	int64		ndays;
	DateADT		min_day;		/* when ncustomers > 0 */
	DateADT		max_day;
	int64		previous_id;	/* bigint ids are stored as differences */
} FlatWriter;

/*
 * The expanded object.  Customers with text and uuid ids live in the hash
 * table.  Rows with bigint ids are collected as they come and, a run at a
 * time, sorted by (id, day) into flat parts; the parts are merged in id
 * order when the value is flattened or read.  A sort of a run touches memory
 * sequentially, where a hash table of a million customers costs a cache
 * miss per row.
 */
typedef struct ActivityState
{
	ExpandedObjectHeader hdr;
	ActivityIdKind id_kind;
	uint32		mask;			/* slots - 1; slots is a power of 2 */
	int64		ncustomers;
	int64		ndays;
	DateADT		min_day;		/* range of all days (when ncustomers > 0) */
	DateADT		max_day;
	ActivityCustomer *slots;
	void	   *slots_allocation;	/* what to pfree: slots are cache-line aligned */
	char	   *key_block;		/* bump allocator for id bytes */
	Size		key_block_free;
	Size		key_block_size;
	/*
	 * Rows not added yet: bigint rows until a run is sorted into a part
	 * (activity_sort_rows); text and uuid rows until a batch goes into the
	 * hash table (activity_add_keys), their ids copied into pending_keys and
	 * pending_ids holding where each starts.
	 */
	int64	   *pending_ids;
	DateADT    *pending_days;
	int64		npending;
	int64		pending_size;
	char	   *pending_keys;
	Size		pending_keys_used;
	Size		pending_keys_size;
	/* flat summaries, each sorted by id, not merged yet */
	struct varlena **parts;
	int			nparts;
	/* the flat form, computed on demand */
	FlatWriter	flat;
	Size		flat_size;		/* 0: not computed since the last change */
} ActivityState;

/*
 * Reads customers one at a time from either representation (for accessors
 * the order does not matter: the expanded form is walked in hash order, the
 * flat form in id order).
 */
typedef struct ActivityReader
{
	ActivityIdKind id_kind;
	int64		ncustomers;
	int64		ndays;
	DateADT		min_day;		/* range of all days (when ncustomers > 0) */
	DateADT		max_day;
	/* expanded source */
	ActivityState *state;
	uint32		slot;
	/* flat source */
	const uint8 *flat_start;	/* the bytes after the varlena header */
	Size		flat_len;
	const uint8 *cursor;
	const uint8 *end;
	int64		remaining_customers;
	int64		remaining_days;
	int			error_code;		/* SQLSTATE of a malformed value */
	DateADT		seen_min_day;	/* flat source: range of the days read so far */
	DateADT		seen_max_day;
	/* the current customer */
	int64		id;
	const char *key;
	int			keylen;
	const DateADT *days;
	int			count;
	DateADT    *buffer;			/* flat source: decoded days */
	int			buffer_size;
} ActivityReader;

extern void activity_reader_begin(ActivityReader *reader, Datum summary);
extern bool activity_reader_next(ActivityReader *reader);

#endif							/* RETENTION_ACTIVITY_H */
