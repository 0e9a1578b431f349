/*
 * activity_internal.h
 *		Private to the activity_*.c files: the two representations of the
 *		activity summary and the functions that build and read them.
 *
 *		activity_codec.c  the flat form: varints, the writer, the validating
 *		                  cursor, the k-way merge of sorted flat parts
 *		activity_state.c  the expanded object: hash table, sorted runs of
 *		                  bigint rows, flat parts, flattening, and the
 *		                  ActivityReader over either form (activity.h);
 *		                  the radix sorts and the flat parts merged by size
 *		                  are shared with purchases (purchases.h)
 *		activity_io.c     text and binary input/output
 *		activity.c        the aggregates' transition and combine functions
 *
 * In memory, while aggregating, an expanded object (ActivityState): an
 * open-addressing hash table of customers, each with its sorted array of
 * distinct days, and flat parts (below) not merged yet.  The transition and
 * combine functions change it in place.
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
#ifndef RETENTION_ACTIVITY_INTERNAL_H
#define RETENTION_ACTIVITY_INTERNAL_H

#include "activity.h"

#include "port/pg_bitutils.h"
#include "utils/expandeddatum.h"

#define ACTIVITY_VERSION 1

/* text and uuid rows collected before they go into the hash table as a batch */
#define ACTIVITY_BATCH 1024

/*
 * bigint rows sorted into one part: 12 bytes each while collected, 8 more
 * while sorted, so a run costs at most 160 MB.  Assertion-enabled builds
 * use tiny runs, so that the regression tests go through many runs and
 * merges of parts.
 */
#ifdef USE_ASSERT_CHECKING
#define ACTIVITY_RUN_ROWS ((int64) 256)
#else
#define ACTIVITY_RUN_ROWS ((int64) 1 << 24)
#endif
#define ACTIVITY_FIRST_ROWS 64

/* "bigint", "text", "uuid" by ActivityIdKind */
extern const char *const activity_id_kind_names[];

/* ---- varints ---- */

static inline int
varint_size(uint64 value)
{
	int			size = 1;

	while (value >= 0x80)
	{
		value >>= 7;
		size++;
	}
	return size;
}

static inline uint8 *
varint_put(uint8 *p, uint64 value)
{
	while (value >= 0x80)
	{
		*p++ = (uint8) (value | 0x80);
		value >>= 7;
	}
	*p++ = (uint8) value;
	return p;
}

static inline uint64
zigzag_encode(int64 value)
{
	return ((uint64) value << 1) ^ (uint64) (value >> 63);
}

static inline int64
zigzag_decode(uint64 value)
{
	return (int64) (value >> 1) ^ -(int64) (value & 1);
}

/* Canonical id order: bigint by value; text and uuid bytewise, then by length. */
static inline int
compare_bytes(const char *a, int alen, const char *b, int blen)
{
	int			cmp = memcmp(a, b, Min(alen, blen));

	if (cmp != 0)
		return cmp;
	return (alen > blen) - (alen < blen);
}

/* ---- the flat form (activity_codec.c) ---- */

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
 * Decodes a flat value one customer at a time, checking it as it goes: ids
 * strictly ascending, days strictly ascending and in range, the counts in
 * the header exact, nothing left over.  A malformed value is an error with
 * error_code: 22P03 for binary input, XX001 (corruption) for anything else.
 */
typedef struct FlatCursor
{
	/* the header */
	ActivityIdKind id_kind;
	int64		ncustomers;
	int64		ndays;
	DateADT		min_day;		/* when ncustomers > 0 */
	DateADT		max_day;
	/* the bytes after the varlena header */
	const uint8 *start;
	Size		len;
	const uint8 *pos;
	const uint8 *end;
	int			error_code;
	int64		remaining_customers;
	int64		remaining_days;
	DateADT		seen_min_day;	/* range of the days read so far */
	DateADT		seen_max_day;
	/* the current customer */
	int64		id;
	const char *key;
	int			keylen;
	const DateADT *days;		/* points into buffer */
	int			count;
	const uint8 *encoded_days;	/* the days as encoded: count, first, gaps */
	Size		encoded_len;
	DateADT    *buffer;
	int			buffer_size;
} FlatCursor;

extern Size flat_header_size(int64 ncustomers, int64 ndays, DateADT min_day, DateADT max_day);
extern uint8 *flat_header_put(uint8 *p, ActivityIdKind kind, int64 ncustomers, int64 ndays,
							  DateADT min_day, DateADT max_day);

extern void writer_init(FlatWriter *writer, ActivityIdKind kind, MemoryContext context);
extern void writer_reset(FlatWriter *writer);
extern uint8 *writer_reserve(FlatWriter *writer, Size more);
extern void writer_add(FlatWriter *writer, int64 id, const char *key, int keylen,
					   const DateADT *days, int count);
extern void writer_add_encoded(FlatWriter *writer, const FlatCursor *cursor);
extern void writer_add_parts(FlatWriter *writer, struct varlena **parts, int nparts);
extern Size writer_flat_size(FlatWriter *writer);
extern void writer_copy_into(FlatWriter *writer, void *result, Size size);
extern struct varlena *writer_to_varlena(FlatWriter *writer, MemoryContext context);

extern void flat_cursor_begin(FlatCursor *cursor, const uint8 *data, Size len, int error_code);
extern int	compare_cursor_ids(const FlatCursor *a, const FlatCursor *b);

/* the cursors of a k-way merge by id (activity_codec.c) */
typedef struct CursorHeap
{
	FlatCursor **cursors;		/* the caller's cursors, by index */
	int		   *order;			/* indexes, heap-ordered by id */
	int			n;
} CursorHeap;

extern void cursor_heap_init(CursorHeap *heap, FlatCursor **cursors, int k);
extern void cursor_heap_push(CursorHeap *heap, int i);
extern int	cursor_heap_take_smallest(CursorHeap *heap, int *taken);
extern bool flat_cursor_next(FlatCursor *cursor);

/* ---- sorted runs and flat parts, shared with purchases and mrr (activity_state.c) ---- */

/*
 * A row to sort by key carrying a payload (purchases_agg: the amount).
 * Sorting keys alone (activity_agg) uses half the memory.
 */
typedef struct SortPair
{
	uint64		key;
	uint64		value;
} SortPair;

extern void radix_sort_keys(uint64 *keys, uint64 *scratch, int64 n, int bits);
extern void radix_sort_pairs(SortPair *items, SortPair *scratch, int64 n, int bits);
extern void radix_sort_words_above(uint64 *words, uint64 *scratch, int64 n, int low);

static inline int
bit_width(uint64 value)
{
	return value == 0 ? 0 : pg_leftmost_one_pos64(value) + 1;
}

/*
 * A bigint id and a day packed into one word that sorts as (id, day): the
 * id's offset from the smallest above the day's offset from the smallest.
 * The rows' range is gathered with id_day_range_add; id_day_range_fit then
 * sets the widths and says whether a key fits 64 bits (ids rarely spread
 * over more than 2^40, days over a few thousand).  Used by the radix sorts
 * of activity, purchases and mrr.
 */
typedef struct IdDayRange
{
	int64		min_id;
	int64		max_id;
	DateADT		min_day;
	DateADT		max_day;
	int			id_bits;		/* set by id_day_range_fit */
	int			day_bits;
} IdDayRange;

#define ID_DAY_RANGE_EMPTY {PG_INT64_MAX, PG_INT64_MIN, PG_INT32_MAX, PG_INT32_MIN, 0, 0}

static inline void
id_day_range_add(IdDayRange *range, int64 id, DateADT day)
{
	range->min_id = Min(range->min_id, id);
	range->max_id = Max(range->max_id, id);
	range->min_day = Min(range->min_day, day);
	range->max_day = Max(range->max_day, day);
}

static inline bool
id_day_range_fit(IdDayRange *range)
{
	range->day_bits = bit_width((uint64) ((int64) range->max_day - range->min_day));
	range->id_bits = bit_width((uint64) range->max_id - (uint64) range->min_id);
	return range->id_bits + range->day_bits <= 64;
}

static inline uint64
id_day_key(const IdDayRange *range, int64 id, DateADT day)
{
	return (((uint64) id - (uint64) range->min_id) << range->day_bits) |
		(uint64) ((int64) day - range->min_day);
}

static inline int64
id_day_key_id(const IdDayRange *range, uint64 key)
{
	return (int64) ((uint64) range->min_id + (key >> range->day_bits));
}

static inline DateADT
id_day_key_day(const IdDayRange *range, uint64 key)
{
	return range->min_day + (DateADT) (key & (((uint64) 1 << range->day_bits) - 1));
}

/* parts kept unmerged at most, and how many of a size class are merged */
#define SORTED_PARTS_MAX 128
#define SORTED_PARTS_FAN_IN 32

/* Merges flat parts (each sorted by id) into one new value in `context`. */
typedef struct varlena *(*PartsMergeFunction) (struct varlena **parts, int nparts,
											   MemoryContext context, void *arg);

/*
 * Flat parts, each sorted by id, not merged yet: sorted runs of rows, and
 * summaries added by a combine function or a rollup.  They are merged by
 * size (sorted_parts_keep), so however many parts arrive, each
 * customer-day is rewritten a logarithmic number of times.
 */
typedef struct SortedParts
{
	struct varlena **parts;		/* in `context` */
	int			nparts;
	MemoryContext context;
	PartsMergeFunction merge;
	void	   *merge_arg;
} SortedParts;

extern void sorted_parts_init(SortedParts *set, MemoryContext context,
							  PartsMergeFunction merge, void *merge_arg);
extern void sorted_parts_keep(SortedParts *set, struct varlena *part);
extern void sorted_parts_merge_all(SortedParts *set);

/* ---- the expanded object (activity_state.c) ---- */

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
	SortedParts parts;
	/* the flat form, computed on demand */
	FlatWriter	flat;
	Size		flat_size;		/* 0: not computed since the last change */
} ActivityState;

extern const ExpandedObjectMethods activity_methods;

extern ActivityState *activity_state_create(MemoryContext parent, ActivityIdKind kind);
extern void activity_merge(ActivityState *state, ActivityReader *reader);
extern void activity_sort_rows(ActivityState *state);
extern void activity_add_keys(ActivityState *state);
pg_noreturn extern void activity_id_kind_mismatch(ActivityIdKind a, ActivityIdKind b);

extern void activity_reader_begin_flat(ActivityReader *reader, const uint8 *data, Size len,
									   int error_code);

#endif							/* RETENTION_ACTIVITY_INTERNAL_H */
