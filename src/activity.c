/*
 * activity.c
 *		activity_agg(customer_id, at) and rollup(activity): the set of active
 *		days per customer, as an expanded object while aggregating and as a
 *		compact byte stream when stored or shipped (layout in activity.h).
 *
 * The transition state is the activity type itself, not internal, so that
 * partial aggregation can run on Citus workers.  The executor keeps a
 * read-write expanded object whose memory context is a child of the
 * aggregate context without copying it (ExecAggTransReparent), so the
 * transition function updates one state in place for the whole scan: it
 * appends bigint rows to a run that is sorted into a flat part when full
 * (activity_sort_rows), and adds text and uuid rows to a hash table.  The
 * state is flattened only when a tuple is formed from it (storing it,
 * sending a partial state to a parallel leader) or when it is printed.
 */
#include "retention.h"

#include "activity.h"
#include "common/hashfn.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "port/pg_bitutils.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/memutils.h"
#include "utils/uuid.h"

/* small to start with: GROUP BY may build one summary per group */
#define ACTIVITY_INITIAL_SLOTS 16
#define ACTIVITY_KEY_BLOCK_MIN (1024)
#define ACTIVITY_KEY_BLOCK_MAX (64 * 1024)
#define ACTIVITY_MAX_SLOTS ((uint64) 1 << 32)

/* customers per step when a flat summary is merged into the hash table */
#define ACTIVITY_BATCH 1024
#define ACTIVITY_PREFETCH_DISTANCE 16
/* flat summaries a state keeps unmerged, and how many of a size are merged (see activity_keep_part) */
#define ACTIVITY_MAX_PARTS 32
#define ACTIVITY_MERGE_FAN_IN 4
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
/* digits of the radix sort of a run: 2048 counters fit the L1 cache */
#define RADIX_BITS 11

#if defined(__GNUC__) || defined(__clang__)
#define activity_prefetch(address) __builtin_prefetch(address)
#else
#define activity_prefetch(address) ((void) 0)
#endif

typedef struct ActivityBatchEntry
{
	int64		id;
	const char *key;
	int			keylen;
	uint32		hash;
	const DateADT *days;		/* ascending, distinct */
	int			count;
	ActivityCustomer *customer;
	bool		created;
} ActivityBatchEntry;

static const char *const id_kind_names[] = {NULL, "bigint", "text", "uuid"};


/* ---------------------------------------------------------------- */
/* varints                                                          */
/* ---------------------------------------------------------------- */

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

/* ---------------------------------------------------------------- */
/* malformed values                                                 */
/* ---------------------------------------------------------------- */

/*
 * A flat value that does not follow the layout.  From binary input that is
 * 22P03; anywhere else (a value on disk) it can only be corruption.
 */
pg_noreturn static void
reader_error(ActivityReader *reader, const char *detail)
{
	if (reader->error_code == ERRCODE_INVALID_BINARY_REPRESENTATION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid external binary value for type %s", "activity"),
				 errdetail("%s", detail)));
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("corrupted activity value"),
			 errdetail("%s", detail)));
}

static uint64
reader_varint_long(ActivityReader *reader)
{
	uint64		value = 0;
	int			shift = 0;

	for (;;)
	{
		uint8		byte;

		if (reader->cursor >= reader->end)
			reader_error(reader, "The value is truncated.");
		byte = *reader->cursor++;
		if (shift == 63 && byte > 1)
			reader_error(reader, "A number is out of range.");
		value |= (uint64) (byte & 0x7f) << shift;
		if ((byte & 0x80) == 0)
		{
			/* one spelling per number: no trailing zero groups */
			if (byte == 0 && shift > 0)
				reader_error(reader, "A number is not minimally encoded.");
			return value;
		}
		shift += 7;
	}
}

/* Most numbers of a flat value (day gaps, id steps) take one byte. */
static inline uint64
reader_varint(ActivityReader *reader)
{
	if (likely(reader->cursor < reader->end && *reader->cursor < 0x80))
		return *reader->cursor++;
	return reader_varint_long(reader);
}

/* ---------------------------------------------------------------- */
/* ids                                                              */
/* ---------------------------------------------------------------- */

/* Canonical id order: bigint by value; text and uuid bytewise, then by length. */
static inline int
compare_bytes(const char *a, int alen, const char *b, int blen)
{
	int			cmp = memcmp(a, b, Min(alen, blen));

	if (cmp != 0)
		return cmp;
	return (alen > blen) - (alen < blen);
}

static inline uint32
hash_bigint(int64 id)
{
	uint64		h = (uint64) id;

	/* the splitmix64 finalizer: sequential ids spread over all slots */
	h ^= h >> 30;
	h *= UINT64CONST(0xbf58476d1ce4e5b9);
	h ^= h >> 27;
	h *= UINT64CONST(0x94d049bb133111eb);
	h ^= h >> 31;
	return (uint32) h;
}

static inline uint32
hash_key(ActivityIdKind kind, int64 id, const char *bytes, int len)
{
	if (kind == ACTIVITY_ID_BIGINT)
		return hash_bigint(id);
	return hash_bytes((const unsigned char *) bytes, len);
}

pg_noreturn static void
id_kind_mismatch(ActivityIdKind a, ActivityIdKind b)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("cannot combine activity of %s customer ids with activity of %s customer ids",
					id_kind_names[a], id_kind_names[b]),
			 errhint("Aggregate and roll up activity of one customer id type at a time.")));
}

/* ---------------------------------------------------------------- */
/* the expanded object                                              */
/* ---------------------------------------------------------------- */

static void reader_begin_flat(ActivityReader *reader, const uint8 *data, Size len,
							  int error_code);

static Size activity_get_flat_size(ExpandedObjectHeader *eohptr);
static void activity_compute_flat_size(ActivityState *state);
static void activity_flatten_into(ExpandedObjectHeader *eohptr,
								  void *result, Size allocated_size);
static void activity_sort_rows(ActivityState *state);
static void writer_init(FlatWriter *writer, ActivityIdKind kind, MemoryContext context);
static void encode_parts(FlatWriter *writer, struct varlena **parts, int nparts);
static struct varlena *writer_to_varlena(FlatWriter *writer, MemoryContext context);

static const ExpandedObjectMethods activity_methods = {
	activity_get_flat_size,
	activity_flatten_into
};

StaticAssertDecl(sizeof(ActivityCustomer) == 32,
				 "two slots per cache line");

/*
 * A zeroed slot array aligned to 64 bytes, so that no 32-byte slot straddles
 * two cache lines (a lookup then costs one memory access, not two).
 */
static ActivityCustomer *
allocate_slots(ActivityState *state, uint64 count)
{
	char	   *raw = MemoryContextAllocExtended(state->hdr.eoh_context,
												 sizeof(ActivityCustomer) * count + PG_CACHE_LINE_SIZE,
												 MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);

	state->slots_allocation = raw;
	return (ActivityCustomer *) TYPEALIGN(PG_CACHE_LINE_SIZE, raw);
}

static ActivityState *
activity_state_create(MemoryContext parent, ActivityIdKind kind)
{
	MemoryContext context;
	ActivityState *state;

	context = AllocSetContextCreate(parent, "activity summary",
									ALLOCSET_SMALL_MINSIZE, ALLOCSET_SMALL_INITSIZE,
									ALLOCSET_DEFAULT_MAXSIZE);
	state = MemoryContextAllocZero(context, sizeof(ActivityState));
	EOH_init_header(&state->hdr, &activity_methods, context);
	state->id_kind = kind;
	writer_init(&state->flat, kind, context);
	state->mask = ACTIVITY_INITIAL_SLOTS - 1;
	state->slots = allocate_slots(state, ACTIVITY_INITIAL_SLOTS);
	return state;
}

static void
activity_grow(ActivityState *state)
{
	uint64		old_slots = (uint64) state->mask + 1;
	uint64		new_slots = old_slots * 2;
	ActivityCustomer *old = state->slots;
	void	   *old_allocation = state->slots_allocation;
	ActivityCustomer *slots;
	uint32		mask;

	if (new_slots > ACTIVITY_MAX_SLOTS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("activity summary of " INT64_FORMAT " customers is too large",
						state->ncustomers),
				 errhint("Partition the customers (for example GROUP BY customer_id %% 16) and add up the accessors' counts, which are additive over disjoint sets of customers.")));

	slots = allocate_slots(state, new_slots);
	mask = (uint32) (new_slots - 1);
	for (uint64 i = 0; i < old_slots; i++)
	{
		uint32		slot;

		if (old[i].ndays == 0)
			continue;
		slot = old[i].hash & mask;
		while (slots[slot].ndays != 0)
			slot = (slot + 1) & mask;
		slots[slot] = old[i];
	}
	pfree(old_allocation);
	state->slots = slots;
	state->mask = mask;
}

/* Copies id bytes into the state's key blocks (ids are never freed alone). */
static char *
activity_store_key(ActivityState *state, const char *bytes, int len)
{
	static char empty[1] = "";
	char	   *copy;

	if (len == 0)
		return empty;
	if ((Size) len > ACTIVITY_KEY_BLOCK_MAX / 4)
		copy = MemoryContextAlloc(state->hdr.eoh_context, len);
	else
	{
		if (state->key_block_free < (Size) len)
		{
			/* blocks double, so a summary of a few customers stays small */
			state->key_block_size = state->key_block_size == 0 ? ACTIVITY_KEY_BLOCK_MIN :
				Min(state->key_block_size * 2, ACTIVITY_KEY_BLOCK_MAX);
			while (state->key_block_size < (Size) len)
				state->key_block_size *= 2;
			state->key_block = MemoryContextAlloc(state->hdr.eoh_context,
												  state->key_block_size);
			state->key_block_free = state->key_block_size;
		}
		copy = state->key_block;
		state->key_block += len;
		state->key_block_free -= len;
	}
	memcpy(copy, bytes, len);
	return copy;
}

/* Grows the table so that `more` new customers fit at a load factor <= 3/4. */
static void
activity_reserve(ActivityState *state, int64 more)
{
	while ((uint64) (state->ncustomers + more) * 4 > ((uint64) state->mask + 1) * 3)
		activity_grow(state);
}

/*
 * The customer with this id; a new one is created with first_day as its only
 * day (*created says which).  Ids are compared in full, so two customers
 * whose hashes collide stay apart.  The caller has reserved room.
 */
static inline ActivityCustomer *
activity_lookup(ActivityState *state, uint32 hash, int64 id, const char *bytes, int len,
				DateADT first_day, bool *created)
{
	uint32		slot = hash & state->mask;
	ActivityCustomer *customer;

	for (;;)
	{
		customer = &state->slots[slot];
		if (customer->ndays == 0)
			break;
		if (customer->hash == hash &&
			(state->id_kind == ACTIVITY_ID_BIGINT ? customer->key.id == id :
			 (customer->keylen == len && memcmp(customer->key.bytes, bytes, len) == 0)))
		{
			*created = false;
			return customer;
		}
		slot = (slot + 1) & state->mask;
	}

	customer->hash = hash;
	customer->capacity = 0;
	if (state->id_kind == ACTIVITY_ID_BIGINT)
	{
		customer->key.id = id;
		customer->keylen = 0;
	}
	else
	{
		customer->key.bytes = activity_store_key(state, bytes, len);
		customer->keylen = len;
	}
	customer->days.inline_days[0] = first_day;
	customer->ndays = 1;
	state->ncustomers++;
	state->ndays++;
	*created = true;
	return customer;
}

/* Makes room for at least `needed` days. */
static DateADT *
customer_reserve(ActivityState *state, ActivityCustomer *customer, int needed)
{
	int			capacity;
	DateADT    *array;

	if (customer->capacity == 0)
	{
		if (needed <= 2)
			return customer->days.inline_days;
		capacity = 4;
		while (capacity < needed)
			capacity *= 2;
		array = MemoryContextAlloc(state->hdr.eoh_context, capacity * sizeof(DateADT));
		memcpy(array, customer->days.inline_days, customer->ndays * sizeof(DateADT));
		customer->days.array = array;
		customer->capacity = capacity;
		return array;
	}
	if (needed > customer->capacity)
	{
		capacity = customer->capacity;
		while (capacity < needed)
			capacity *= 2;
		customer->days.array = repalloc(customer->days.array, capacity * sizeof(DateADT));
		customer->capacity = capacity;
	}
	return customer->days.array;
}

/* Adds one day to a customer's sorted set of distinct days. */
static inline void
customer_add_day(ActivityState *state, ActivityCustomer *customer, DateADT day)
{
	DateADT    *days;
	int			n = customer->ndays;
	int			position;

	days = ACTIVITY_CUSTOMER_DAYS(customer);
	if (days[n - 1] < day)
		position = n;			/* the common case: rows arrive in date order */
	else if (days[n - 1] == day)
		return;
	else
	{
		int			lo = 0,
					hi = n - 1;

		while (lo < hi)
		{
			int			mid = (lo + hi) / 2;

			if (days[mid] < day)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (days[lo] == day)
			return;
		position = lo;
	}

	days = customer_reserve(state, customer, n + 1);
	if (position < n)
		memmove(days + position + 1, days + position, (n - position) * sizeof(DateADT));
	days[position] = day;
	customer->ndays = n + 1;
	state->ndays++;
}

/* Adds a sorted set of distinct days to a customer: the union of both. */
static void
customer_add_days(ActivityState *state, ActivityCustomer *customer,
				  const DateADT *other, int count)
{
	DateADT    *days;
	DateADT    *merged;
	int			n = customer->ndays;
	int			i = 0,
				j = 0,
				k = 0;

	if (count == 0)
		return;
	if (count == 1)
	{
		customer_add_day(state, customer, other[0]);
		return;
	}
	if (other[0] > ACTIVITY_CUSTOMER_DAYS(customer)[n - 1])
	{
		/* all after the known days: append */
		days = customer_reserve(state, customer, n + count);
		memcpy(days + n, other, count * sizeof(DateADT));
		customer->ndays = n + count;
		state->ndays += count;
		return;
	}

	days = ACTIVITY_CUSTOMER_DAYS(customer);
	merged = palloc((n + count) * sizeof(DateADT));
	while (i < n || j < count)
	{
		if (j >= count || (i < n && days[i] < other[j]))
			merged[k++] = days[i++];
		else if (i >= n || other[j] < days[i])
			merged[k++] = other[j++];
		else
		{
			merged[k++] = days[i++];
			j++;
		}
	}
	days = customer_reserve(state, customer, k);
	memcpy(days, merged, k * sizeof(DateADT));
	pfree(merged);
	state->ndays += k - n;
	customer->ndays = k;
}

/*
 * Adds a batch of customers with their days.  The lookups of a batch are
 * independent, so the slot of a later entry is prefetched while an earlier
 * one is looked up, and likewise for the day arrays: with a table far larger
 * than the CPU caches this keeps several memory accesses in flight instead
 * of waiting for each in turn.
 */
static void
activity_insert_batch(ActivityState *state, ActivityBatchEntry *entries, int n)
{
	activity_reserve(state, n);
	state->flat_size = 0;

	for (int i = 0; i < n; i++)
	{
		entries[i].hash = hash_key(state->id_kind, entries[i].id, entries[i].key,
								   entries[i].keylen);
		if (state->ncustomers == 0 && i == 0)
			state->min_day = state->max_day = entries[i].days[0];
		state->min_day = Min(state->min_day, entries[i].days[0]);
		state->max_day = Max(state->max_day, entries[i].days[entries[i].count - 1]);
	}
	for (int i = 0; i < n; i++)
	{
		if (i + ACTIVITY_PREFETCH_DISTANCE < n)
			activity_prefetch(&state->slots[entries[i + ACTIVITY_PREFETCH_DISTANCE].hash &
											state->mask]);
		/* text and uuid ids are compared through a pointer: fetch those bytes too */
		if (state->id_kind != ACTIVITY_ID_BIGINT && i + ACTIVITY_PREFETCH_DISTANCE / 2 < n)
		{
			ActivityCustomer *ahead = &state->slots[entries[i + ACTIVITY_PREFETCH_DISTANCE / 2].hash &
													state->mask];

			if (ahead->ndays != 0)
				activity_prefetch(ahead->key.bytes);
		}
		entries[i].customer = activity_lookup(state, entries[i].hash, entries[i].id,
											  entries[i].key, entries[i].keylen,
											  entries[i].days[0], &entries[i].created);
	}
	for (int i = 0; i < n; i++)
	{
		ActivityBatchEntry *entry = &entries[i];

		if (i + ACTIVITY_PREFETCH_DISTANCE < n)
		{
			ActivityCustomer *ahead = entries[i + ACTIVITY_PREFETCH_DISTANCE].customer;

			if (ahead->capacity != 0)
				activity_prefetch(&ahead->days.array[ahead->ndays - 1]);
		}
		if (entry->created)
			customer_add_days(state, entry->customer, entry->days + 1, entry->count - 1);
		else
			customer_add_days(state, entry->customer, entry->days, entry->count);
	}
}

/* Adds everything a reader has not read yet to the hash table, a batch at a time. */
static void
activity_merge_hash(ActivityState *state, ActivityReader *reader)
{
	ActivityBatchEntry entries[ACTIVITY_BATCH];
	DateADT    *days = NULL;
	int64		days_used = 0;
	int64		days_size = 0;
	bool		more = true;

	if (reader->id_kind != state->id_kind)
		id_kind_mismatch(state->id_kind, reader->id_kind);
	Assert(state->id_kind != ACTIVITY_ID_BIGINT);
	while (more)
	{
		int			n = 0;

		days_used = 0;
		while (n < ACTIVITY_BATCH && (more = activity_reader_next(reader)))
		{
			/* a flat reader reuses its day buffer: keep a copy */
			if (days_used + reader->count > days_size)
			{
				days_size = Max(days_size * 2, days_used + reader->count + 1024);
				days = days ? repalloc_huge(days, days_size * sizeof(DateADT)) :
					palloc_extended(days_size * sizeof(DateADT), MCXT_ALLOC_HUGE);
				/* the copies already taken moved along with the buffer */
				days_used = 0;
				for (int i = 0; i < n; i++)
				{
					entries[i].days = days + days_used;
					days_used += entries[i].count;
				}
			}
			memcpy(days + days_used, reader->days, reader->count * sizeof(DateADT));
			entries[n].id = reader->id;
			entries[n].key = reader->key;
			entries[n].keylen = reader->keylen;
			entries[n].days = days + days_used;
			entries[n].count = reader->count;
			days_used += reader->count;
			n++;
		}
		if (n > 0)
			activity_insert_batch(state, entries, n);
		CHECK_FOR_INTERRUPTS();
	}
	if (days)
		pfree(days);
}

/*
 * Moves the flat parts into the hash table (text and uuid ids, before the
 * table changes).
 */
static void
activity_absorb_parts(ActivityState *state)
{
	int			nparts = state->nparts;

	state->nparts = 0;
	for (int i = 0; i < nparts; i++)
	{
		ActivityReader reader;

		reader_begin_flat(&reader, (const uint8 *) VARDATA(state->parts[i]),
						  VARSIZE(state->parts[i]) - VARHDRSZ, ERRCODE_DATA_CORRUPTED);
		activity_merge_hash(state, &reader);
		pfree(state->parts[i]);
	}
	state->flat_size = 0;
}

/* A part's size class: its size in bytes, rounded down to a power of 4. */
static inline int
part_size_class(const struct varlena *part)
{
	return pg_leftmost_one_pos32(VARSIZE(part)) / 2;
}

/* Merges the parts of size class max_class or below into one. */
static void
activity_merge_parts(ActivityState *state, int max_class)
{
	struct varlena **chosen = palloc(sizeof(struct varlena *) * state->nparts);
	int			nchosen = 0,
				kept = 0;
	FlatWriter	writer;

	for (int i = 0; i < state->nparts; i++)
	{
		if (part_size_class(state->parts[i]) <= max_class)
			chosen[nchosen++] = state->parts[i];
		else
			state->parts[kept++] = state->parts[i];
	}
	writer_init(&writer, state->id_kind, state->hdr.eoh_context);
	encode_parts(&writer, chosen, nchosen);
	state->parts[kept++] = writer_to_varlena(&writer, state->hdr.eoh_context);
	state->nparts = kept;
	for (int i = 0; i < nchosen; i++)
		pfree(chosen[i]);
	pfree(chosen);
}

/*
 * Keeps a flat part (allocated in the state's context).  Parts are merged
 * by size, as in a log-structured merge: once ACTIVITY_MERGE_FAN_IN parts
 * are of the new part's size class or smaller, those are merged into one
 * (which may cascade).  Each customer-day is then rewritten about
 * log4(summary size / part size) times however many parts arrive: a rollup
 * of thousands of daily summaries stays linear-logarithmic, and the few
 * parts of a parallel aggregate are merged once, when the value is read.
 */
static void
activity_keep_part(ActivityState *state, struct varlena *part)
{
	if (state->parts == NULL)
		state->parts = MemoryContextAlloc(state->hdr.eoh_context,
										  sizeof(struct varlena *) * ACTIVITY_MAX_PARTS);
	if (state->nparts == ACTIVITY_MAX_PARTS)
		activity_merge_parts(state, PG_INT32_MAX);
	state->parts[state->nparts++] = part;
	state->flat_size = 0;
	for (;;)
	{
		int			size_class = part_size_class(part);
		int			smaller = 0;

		for (int i = 0; i < state->nparts; i++)
			if (part_size_class(state->parts[i]) <= size_class)
				smaller++;
		if (smaller < ACTIVITY_MERGE_FAN_IN)
			break;
		activity_merge_parts(state, size_class);
		part = state->parts[state->nparts - 1];
	}
}

/*
 * Adds everything a fresh reader will read to a state.  A flat value is
 * kept as a part, so the combine step of a parallel aggregate (and a rollup)
 * costs a copy, and parts are merged in id order when the state is
 * flattened or read: always for bigint ids; for text and uuid ids while the
 * hash table is empty, and otherwise into the hash table.
 */
static void
activity_merge(ActivityState *state, ActivityReader *reader)
{
	if (reader->id_kind != state->id_kind)
		id_kind_mismatch(state->id_kind, reader->id_kind);
	if (reader->ncustomers == 0)
		return;
	if (reader->state == NULL &&
		(state->id_kind == ACTIVITY_ID_BIGINT ||
		 (state->ncustomers == 0 && state->nparts < ACTIVITY_MAX_PARTS)))
	{
		struct varlena *part = MemoryContextAllocExtended(state->hdr.eoh_context,
														  VARHDRSZ + reader->flat_len,
														  MCXT_ALLOC_HUGE);

		SET_VARSIZE(part, VARHDRSZ + reader->flat_len);
		memcpy(VARDATA(part), reader->flat_start, reader->flat_len);
		activity_keep_part(state, part);
		return;
	}
	/* bigint states are read as flat values, never through the table */
	Assert(state->id_kind != ACTIVITY_ID_BIGINT);
	if (state->nparts > 0)
		activity_absorb_parts(state);
	activity_merge_hash(state, reader);
}

/*
 * The state to update for argument 0: the aggregate's own read-write
 * expanded object as is, or else a new one (in the aggregate context)
 * holding a copy of whatever summary was passed.
 */
static ActivityState *
activity_state_for_update(FunctionCallInfo fcinfo, ActivityIdKind kind)
{
	MemoryContext aggcontext;
	bool		in_aggregate = AggCheckCallContext(fcinfo, &aggcontext) != 0;
	ActivityState *state;
	ActivityReader reader;

	if (!in_aggregate)
		aggcontext = CurrentMemoryContext;
	if (PG_ARGISNULL(0))
		return activity_state_create(aggcontext, kind);
	if (in_aggregate &&
		expanded_state_of_aggregate(PG_GETARG_DATUM(0), &activity_methods, aggcontext))
	{
		state = (ActivityState *) DatumGetEOHP(PG_GETARG_DATUM(0));
		if (state->id_kind != kind)
			id_kind_mismatch(state->id_kind, kind);
		return state;
	}
	activity_reader_begin(&reader, PG_GETARG_DATUM(0));
	if (reader.id_kind != kind)
		id_kind_mismatch(reader.id_kind, kind);
	state = activity_state_create(aggcontext, kind);
	activity_merge(state, &reader);
	return state;
}

/* ---------------------------------------------------------------- */
/* flattening                                                       */
/* ---------------------------------------------------------------- */

static int
compare_customers(const void *a, const void *b)
{
	const ActivityCustomer *x = *(ActivityCustomer *const *) a;
	const ActivityCustomer *y = *(ActivityCustomer *const *) b;

	return compare_bytes(x->key.bytes, x->keylen, y->key.bytes, y->keylen);
}

/* The flat header: version, id kind, counts, and the range of days. */
static Size
header_size(int64 ncustomers, int64 ndays, DateADT min_day, DateADT max_day)
{
	Size		size = 2 + varint_size(ncustomers) + varint_size(ndays);

	if (ncustomers > 0)
		size += varint_size(zigzag_encode(min_day)) + varint_size((uint64) (max_day - min_day));
	return size;
}

static uint8 *
header_put(uint8 *p, ActivityIdKind kind, int64 ncustomers, int64 ndays,
		   DateADT min_day, DateADT max_day)
{
	*p++ = ACTIVITY_VERSION;
	*p++ = (uint8) kind;
	p = varint_put(p, ncustomers);
	p = varint_put(p, ndays);
	if (ncustomers > 0)
	{
		p = varint_put(p, zigzag_encode(min_day));
		p = varint_put(p, (uint64) (max_day - min_day));
	}
	return p;
}

static void
writer_init(FlatWriter *writer, ActivityIdKind kind, MemoryContext context)
{
	memset(writer, 0, sizeof(FlatWriter));
	writer->id_kind = kind;
	writer->context = context;
}

/* Starts over, keeping the body's memory. */
static void
writer_reset(FlatWriter *writer)
{
	writer->len = 0;
	writer->ncustomers = 0;
	writer->ndays = 0;
	writer->previous_id = 0;
}

/* Room for `more` bytes after the body, growing it geometrically up to the 1 GB limit. */
static uint8 *
body_reserve(FlatWriter *writer, Size more)
{
	Size		needed = writer->len + more;

	if (needed > MaxAllocSize - 32)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("activity summary exceeds the 1 GB limit of a PostgreSQL value after " INT64_FORMAT " customers and " INT64_FORMAT " customer-days",
						writer->ncustomers, writer->ndays),
				 errhint("Partition the customers (for example GROUP BY customer_id %% 16) and add up the accessors' counts, which are additive over disjoint sets of customers.")));
	if (needed > writer->size)
	{
		Size		size = Max(writer->size * 2, Max(needed, 1024));

		size = Min(size, MaxAllocSize);
		writer->body = writer->body ?
			repalloc_huge(writer->body, size) :
			MemoryContextAllocExtended(writer->context, size, MCXT_ALLOC_HUGE);
		writer->size = size;
	}
	return writer->body + writer->len;
}

/*
 * Encodes one customer onto the flat body (layout in activity.h), in id
 * order, and counts it in the flat header's fields.
 */
static void
encode_days(FlatWriter *writer, int64 id, const char *key, int keylen,
			const DateADT *days, int count)
{
	uint8	   *start = body_reserve(writer, 10 + 10 + keylen + 10 + 10 + (Size) 5 * count);
	uint8	   *p = start;

	if (writer->id_kind == ACTIVITY_ID_BIGINT)
	{
		p = varint_put(p, (uint64) id - (uint64) writer->previous_id);
		writer->previous_id = id;
	}
	else
	{
		if (writer->id_kind == ACTIVITY_ID_TEXT)
			p = varint_put(p, keylen);
		memcpy(p, key, keylen);
		p += keylen;
	}
	p = varint_put(p, count);
	p = varint_put(p, zigzag_encode(days[0]));
	for (int d = 1; d < count; d++)
		p = varint_put(p, (uint64) (days[d] - days[d - 1] - 1));
	writer->len += p - start;

	if (writer->ncustomers == 0)
		writer->min_day = days[0], writer->max_day = days[count - 1];
	writer->min_day = Min(writer->min_day, days[0]);
	writer->max_day = Max(writer->max_day, days[count - 1]);
	writer->ncustomers++;
	writer->ndays += count;
}

static void
encode_customer(FlatWriter *writer, const ActivityCustomer *customer)
{
	encode_days(writer, customer->key.id, customer->key.bytes, customer->keylen,
				ACTIVITY_CUSTOMER_DAYS(customer), customer->ndays);
}

/* The size of the flat value written so far. */
static Size
writer_flat_size(FlatWriter *writer)
{
	Size		size = VARHDRSZ + header_size(writer->ncustomers, writer->ndays,
											  writer->min_day, writer->max_day) + writer->len;

	if (size > MaxAllocSize)
		(void) body_reserve(writer, MaxAllocSize);	/* raises the 54000 error */
	return size;
}

static void
writer_copy_into(FlatWriter *writer, void *result, Size size)
{
	uint8	   *p = (uint8 *) result + VARHDRSZ;

	SET_VARSIZE(result, size);
	p = header_put(p, writer->id_kind, writer->ncustomers, writer->ndays,
				   writer->min_day, writer->max_day);
	memcpy(p, writer->body, writer->len);
	if ((Size) (p + writer->len - (uint8 *) result) != size)
		elog(ERROR, "activity summary flattened to %zu bytes instead of %zu",
			 (Size) (p + writer->len - (uint8 *) result), size);
}

/* The flat value written, in `context`; the writer's body is freed. */
static struct varlena *
writer_to_varlena(FlatWriter *writer, MemoryContext context)
{
	Size		size = writer_flat_size(writer);
	struct varlena *result = MemoryContextAllocExtended(context, size, MCXT_ALLOC_HUGE);

	writer_copy_into(writer, result, size);
	if (writer->body)
		pfree(writer->body);
	writer->body = NULL;
	writer->size = 0;
	return result;
}

/* The union of two ascending sets of distinct days; returns its size. */
static int
union_days(const DateADT *a, int na, const DateADT *b, int nb, DateADT *out)
{
	int			i = 0,
				j = 0,
				k = 0;

	while (i < na && j < nb)
	{
		if (a[i] < b[j])
			out[k++] = a[i++];
		else if (b[j] < a[i])
			out[k++] = b[j++];
		else
		{
			out[k++] = a[i++];
			j++;
		}
	}
	while (i < na)
		out[k++] = a[i++];
	while (j < nb)
		out[k++] = b[j++];
	return k;
}

static inline int
compare_reader_ids(const ActivityReader *a, const ActivityReader *b)
{
	if (a->id_kind == ACTIVITY_ID_BIGINT)
		return (a->id > b->id) - (a->id < b->id);
	return compare_bytes(a->key, a->keylen, b->key, b->keylen);
}

/*
 * Encodes the union of the state's flat parts.  Each part is sorted by id,
 * so this is a k-way merge: no hashing, sequential reads, and the customers
 * come out in id order as the flat form wants them.
 */
static void
encode_parts(FlatWriter *writer, struct varlena **parts, int k)
{
	ActivityReader *readers = palloc(sizeof(ActivityReader) * k);
	bool	   *live = palloc(sizeof(bool) * k);
	DateADT    *merged = NULL;
	DateADT    *scratch = NULL;
	int64		merged_size = 0;

	for (int i = 0; i < k; i++)
	{
		reader_begin_flat(&readers[i], (const uint8 *) VARDATA(parts[i]),
						  VARSIZE(parts[i]) - VARHDRSZ, ERRCODE_DATA_CORRUPTED);
		live[i] = activity_reader_next(&readers[i]);
	}
	for (int64 n = 0;; n++)
	{
		int			best = -1;
		const DateADT *days;
		int			count;

		for (int i = 0; i < k; i++)
			if (live[i] && (best < 0 || compare_reader_ids(&readers[i], &readers[best]) < 0))
				best = i;
		if (best < 0)
			break;

		days = readers[best].days;
		count = readers[best].count;
		for (int i = best + 1; i < k; i++)
		{
			DateADT    *swap;

			if (!live[i] || compare_reader_ids(&readers[i], &readers[best]) != 0)
				continue;
			if (count + readers[i].count > merged_size)
			{
				merged_size = Max(merged_size * 2, count + readers[i].count);
				if (merged)
				{
					/* days may point into merged: keep it valid */
					scratch = repalloc(scratch, sizeof(DateADT) * merged_size);
					if (days == merged)
					{
						merged = repalloc(merged, sizeof(DateADT) * merged_size);
						days = merged;
					}
					else
						merged = repalloc(merged, sizeof(DateADT) * merged_size);
				}
				else
				{
					merged = palloc(sizeof(DateADT) * merged_size);
					scratch = palloc(sizeof(DateADT) * merged_size);
				}
			}
			count = union_days(days, count, readers[i].days, readers[i].count, scratch);
			swap = merged;
			merged = scratch;
			scratch = swap;
			days = merged;
		}
		encode_days(writer, readers[best].id, readers[best].key, readers[best].keylen,
					days, count);

		/* advance every part that had this customer (best last: others compare to it) */
		for (int i = best + 1; i < k; i++)
			if (live[i] && compare_reader_ids(&readers[i], &readers[best]) == 0)
				live[i] = activity_reader_next(&readers[i]);
		live[best] = activity_reader_next(&readers[best]);
		if ((n & 0xffff) == 0)
			CHECK_FOR_INTERRUPTS();
	}
}

/*
 * Radix sort of 64-bit keys, least significant digit first: per digit of
 * RADIX_BITS bits a counting pass and a stable scatter pass, both
 * sequential in `keys`; digits every key shares are skipped.  The result is
 * in `keys`; `scratch` has room for n keys.
 */
static void
radix_sort(uint64 *keys, uint64 *scratch, int64 n, int bits)
{
	const uint64 mask = (1 << RADIX_BITS) - 1;
	int64		counts[1 << RADIX_BITS];
	uint64	   *from = keys;
	uint64	   *to = scratch;

	for (int shift = 0; shift < bits && n > 0; shift += RADIX_BITS)
	{
		int64		position = 0;
		uint64	   *swap;

		memset(counts, 0, sizeof(counts));
		for (int64 i = 0; i < n; i++)
			counts[(from[i] >> shift) & mask]++;
		if (counts[(from[0] >> shift) & mask] == n)
			continue;
		for (int d = 0; d <= (int) mask; d++)
		{
			int64		count = counts[d];

			counts[d] = position;
			position += count;
		}
		for (int64 i = 0; i < n; i++)
			to[counts[(from[i] >> shift) & mask]++] = from[i];
		swap = from;
		from = to;
		to = swap;
		CHECK_FOR_INTERRUPTS();
	}
	if (from != keys)
		memcpy(keys, from, sizeof(uint64) * n);
}

/* A bigint row, for runs whose ids spread too far to pack into 64 bits. */
typedef struct BigintRow
{
	int64		id;
	DateADT		day;
} BigintRow;

static int
compare_rows(const void *a, const void *b)
{
	const BigintRow *x = (const BigintRow *) a;
	const BigintRow *y = (const BigintRow *) b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return (x->day > y->day) - (x->day < y->day);
}

static inline int
bit_width(uint64 value)
{
	return value == 0 ? 0 : pg_leftmost_one_pos64(value) + 1;
}

/*
 * Turns rows sorted by (id, day) into encoded customers: the days of the
 * current customer are gathered, each once, and written when the id changes.
 */
typedef struct SortedRows
{
	FlatWriter *writer;
	int64		id;
	DateADT    *days;
	int			count;
	int			size;
} SortedRows;

static inline void
sorted_rows_add(SortedRows *rows, int64 id, DateADT day)
{
	if (rows->count > 0 && id != rows->id)
	{
		encode_days(rows->writer, rows->id, NULL, 0, rows->days, rows->count);
		rows->count = 0;
		if ((rows->writer->ncustomers & 0xffff) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	rows->id = id;
	if (rows->count > 0 && rows->days[rows->count - 1] == day)
		return;
	if (rows->count == rows->size)
	{
		rows->size *= 2;
		rows->days = repalloc_huge(rows->days, sizeof(DateADT) * rows->size);
	}
	rows->days[rows->count++] = day;
}

static void
sorted_rows_end(SortedRows *rows)
{
	if (rows->count > 0)
		encode_days(rows->writer, rows->id, NULL, 0, rows->days, rows->count);
	pfree(rows->days);
}

/*
 * Sorts the collected bigint rows by (id, day) and keeps them as a flat
 * part, each customer's days once.  A row packs into one 64-bit key, the id
 * above the day, both relative to the run's smallest (a run's days span a
 * few thousand values, its ids rarely more than 2^40), and a radix sort
 * orders the keys in a few sequential passes.  Runs whose ids spread wider
 * fall back to a comparison sort.
 */
static void
activity_sort_rows(ActivityState *state)
{
	int64		n = state->npending;
	int64	   *ids = state->pending_ids;
	const DateADT *days = state->pending_days;
	int64		min_id = PG_INT64_MAX,
				max_id = PG_INT64_MIN;
	DateADT		min_day = PG_INT32_MAX,
				max_day = PG_INT32_MIN;
	int			day_bits,
				id_bits;
	FlatWriter	writer;
	SortedRows	sorted = {&writer, 0, NULL, 0, 64};

	if (n == 0)
		return;
	for (int64 i = 0; i < n; i++)
	{
		min_id = Min(min_id, ids[i]);
		max_id = Max(max_id, ids[i]);
		min_day = Min(min_day, days[i]);
		max_day = Max(max_day, days[i]);
	}
	day_bits = bit_width((uint64) (max_day - min_day));
	id_bits = bit_width((uint64) max_id - (uint64) min_id);

	writer_init(&writer, ACTIVITY_ID_BIGINT, CurrentMemoryContext);
	(void) body_reserve(&writer, Min((Size) n * 3, MaxAllocSize / 2));
	sorted.days = palloc(sizeof(DateADT) * sorted.size);

	if (id_bits + day_bits <= 64)
	{
		/* the keys take the place of the ids */
		uint64	   *keys = (uint64 *) ids;
		uint64	   *scratch = palloc_extended(sizeof(uint64) * n, MCXT_ALLOC_HUGE);
		uint64		day_mask = ((uint64) 1 << day_bits) - 1;

		for (int64 i = 0; i < n; i++)
			keys[i] = (((uint64) ids[i] - (uint64) min_id) << day_bits) |
				(uint64) (days[i] - min_day);
		radix_sort(keys, scratch, n, id_bits + day_bits);
		pfree(scratch);
		for (int64 i = 0; i < n; i++)
			sorted_rows_add(&sorted, (int64) ((uint64) min_id + (keys[i] >> day_bits)),
							min_day + (DateADT) (keys[i] & day_mask));
	}
	else
	{
		BigintRow  *rows = palloc_extended(sizeof(BigintRow) * n, MCXT_ALLOC_HUGE);

		for (int64 i = 0; i < n; i++)
		{
			rows[i].id = ids[i];
			rows[i].day = days[i];
		}
		qsort(rows, n, sizeof(BigintRow), compare_rows);
		for (int64 i = 0; i < n; i++)
			sorted_rows_add(&sorted, rows[i].id, rows[i].day);
		pfree(rows);
	}
	sorted_rows_end(&sorted);

	state->npending = 0;
	activity_keep_part(state, writer_to_varlena(&writer, state->hdr.eoh_context));
}

/*
 * Adds the collected text or uuid rows to the hash table, as one batch (so
 * that the lookups overlap their memory accesses).
 */
static void
activity_add_keys(ActivityState *state)
{
	ActivityBatchEntry entries[ACTIVITY_BATCH];
	int			n = (int) state->npending;

	if (n == 0)
		return;
	if (state->nparts > 0)
		activity_absorb_parts(state);
	for (int i = 0; i < n; i++)
	{
		Size		end = i + 1 < n ? (Size) state->pending_ids[i + 1] : state->pending_keys_used;

		entries[i].id = 0;
		entries[i].key = state->pending_keys + state->pending_ids[i];
		entries[i].keylen = (int) (end - (Size) state->pending_ids[i]);
		entries[i].days = &state->pending_days[i];
		entries[i].count = 1;
	}
	state->npending = 0;
	state->pending_keys_used = 0;
	activity_insert_batch(state, entries, n);
}

/* Adds the rows still collected and gives their buffers back. */
static void
activity_finish_rows(ActivityState *state)
{
	if (state->id_kind == ACTIVITY_ID_BIGINT)
		activity_sort_rows(state);
	else
		activity_add_keys(state);
	if (state->pending_ids)
	{
		pfree(state->pending_ids);
		pfree(state->pending_days);
		state->pending_ids = NULL;
		state->pending_days = NULL;
		state->pending_size = 0;
	}
	if (state->pending_keys)
	{
		pfree(state->pending_keys);
		state->pending_keys = NULL;
		state->pending_keys_size = 0;
	}
}

/*
 * The flat size; computing it encodes the whole value (customers in id
 * order) once, and flatten_into then only copies it.  A single part is
 * already the flat value.
 */
static Size
activity_get_flat_size(ExpandedObjectHeader *eohptr)
{
	ActivityState *state = (ActivityState *) eohptr;
	MemoryContext caller;

	if (state->flat_size != 0 && state->npending == 0)
		return state->flat_size;

	/*
	 * The executor calls this in whatever memory context it is in: forming a
	 * sort tuple, that is a bump context on PostgreSQL 17 and later, which
	 * cannot free or reallocate a chunk.  The work below frees what it
	 * allocates, so it runs in a child of the state's own context, deleted
	 * at the end (with anything an error left behind).
	 */
	caller = MemoryContextSwitchTo(AllocSetContextCreate(state->hdr.eoh_context,
														 "activity flattening",
														 ALLOCSET_DEFAULT_SIZES));
	activity_compute_flat_size(state);
	MemoryContextDelete(MemoryContextSwitchTo(caller));
	return state->flat_size;
}

/* Encodes the state onto its flat writer (or finds the one part) and sets flat_size. */
static void
activity_compute_flat_size(ActivityState *state)
{
	FlatWriter *writer = &state->flat;

	activity_finish_rows(state);
	if (state->flat_size != 0)
		return;
	if (state->nparts == 1)
	{
		state->flat_size = VARSIZE(state->parts[0]);
		return;
	}

	writer_reset(writer);
	if (state->nparts > 0)
	{
		Size		parts_size = 0;

		for (int i = 0; i < state->nparts; i++)
			parts_size += VARSIZE(state->parts[i]);
		(void) body_reserve(writer, Min(parts_size, MaxAllocSize / 2));
		encode_parts(writer, state->parts, state->nparts);
	}
	else
	{
		/* the hash table (text and uuid ids), sorted by id */
		int64		n = 0;
		ActivityCustomer **sorted = MemoryContextAllocExtended(state->hdr.eoh_context,
															   sizeof(ActivityCustomer *) * Max(state->ncustomers, 1),
															   MCXT_ALLOC_HUGE);

		for (uint64 i = 0; i <= state->mask; i++)
			if (state->slots[i].ndays != 0)
				sorted[n++] = &state->slots[i];
		Assert(n == state->ncustomers);
		qsort(sorted, n, sizeof(ActivityCustomer *), compare_customers);
		for (int64 i = 0; i < n; i++)
		{
			encode_customer(writer, sorted[i]);
			if ((i & 0xffff) == 0)
				CHECK_FOR_INTERRUPTS();
		}
		pfree(sorted);
	}
	state->flat_size = writer_flat_size(writer);
}

static void
activity_flatten_into(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	ActivityState *state = (ActivityState *) eohptr;

	Assert(state->flat_size == allocated_size);
	if (state->nparts == 1)
		memcpy(result, state->parts[0], allocated_size);
	else
		writer_copy_into(&state->flat, result, allocated_size);
}

/* ---------------------------------------------------------------- */
/* reading either form                                              */
/* ---------------------------------------------------------------- */

static void
reader_begin_flat(ActivityReader *reader, const uint8 *data, Size len, int error_code)
{
	uint64		value;

	memset(reader, 0, sizeof(ActivityReader));
	reader->error_code = error_code;
	reader->flat_start = data;
	reader->flat_len = len;
	reader->cursor = data;
	reader->end = data + len;
	if (len < 2)
		reader_error(reader, "The value is truncated.");
	if (data[0] != ACTIVITY_VERSION)
		reader_error(reader, psprintf("Format version %d is not supported; this version of retention reads version %d.",
									  data[0], ACTIVITY_VERSION));
	if (data[1] < ACTIVITY_ID_BIGINT || data[1] > ACTIVITY_ID_UUID)
		reader_error(reader, psprintf("Customer id type %d is not 1 (bigint), 2 (text) or 3 (uuid).", data[1]));
	reader->id_kind = (ActivityIdKind) data[1];
	reader->cursor += 2;
	value = reader_varint(reader);
	if (value > PG_INT64_MAX)
		reader_error(reader, "The customer count is out of range.");
	reader->ncustomers = reader->remaining_customers = (int64) value;
	value = reader_varint(reader);
	if (value > PG_INT64_MAX || value < (uint64) reader->ncustomers)
		reader_error(reader, "The day count is smaller than the customer count.");
	reader->ndays = reader->remaining_days = (int64) value;
	if (reader->ncustomers > 0)
	{
		int64		min_day = zigzag_decode(reader_varint(reader));
		uint64		span = reader_varint(reader);

		if (min_day < ACTIVITY_MIN_DAY || min_day > ACTIVITY_MAX_DAY ||
			span > (uint64) (ACTIVITY_MAX_DAY - min_day))
			reader_error(reader, "The range of days is outside the years 1 to 9999.");
		reader->min_day = (DateADT) min_day;
		reader->max_day = (DateADT) (min_day + (int64) span);
		/* the first and last day seen must be these */
		reader->seen_min_day = reader->max_day;
		reader->seen_max_day = reader->min_day;
	}
	if (reader->ncustomers == 0 && reader->cursor != reader->end)
		reader_error(reader, "Bytes follow the last customer.");
}

void
activity_reader_begin(ActivityReader *reader, Datum summary)
{
	if (VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(summary)) &&
		DatumGetEOHP(summary)->eoh_methods == &activity_methods)
	{
		ActivityState *state = (ActivityState *) DatumGetEOHP(summary);

		/* rows still collected count as part of the value */
		activity_finish_rows(state);
		if (state->nparts == 1)
		{
			reader_begin_flat(reader, (const uint8 *) VARDATA(state->parts[0]),
							  VARSIZE(state->parts[0]) - VARHDRSZ, ERRCODE_DATA_CORRUPTED);
			return;
		}
		if (state->nparts > 1)
		{
			/* parts are read through their merged flat form */
			Size		size = EOH_get_flat_size(&state->hdr);
			void	   *flat = palloc_extended(size, MCXT_ALLOC_HUGE);

			EOH_flatten_into(&state->hdr, flat, size);
			reader_begin_flat(reader, (const uint8 *) VARDATA(flat), size - VARHDRSZ,
							  ERRCODE_DATA_CORRUPTED);
			return;
		}
		memset(reader, 0, sizeof(ActivityReader));
		reader->state = state;
		reader->id_kind = state->id_kind;
		reader->ncustomers = state->ncustomers;
		reader->ndays = state->ndays;
		reader->min_day = state->min_day;
		reader->max_day = state->max_day;
	}
	else
	{
		struct varlena *flat = PG_DETOAST_DATUM(summary);

		reader_begin_flat(reader, (const uint8 *) VARDATA_ANY(flat), VARSIZE_ANY_EXHDR(flat),
						  ERRCODE_DATA_CORRUPTED);
	}
}

/*
 * Advances to the next customer; false at the end.  Flat values are checked
 * as they are read: ids strictly ascending, days strictly ascending and in
 * range, the counts in the header exact, nothing left over.
 */
bool
activity_reader_next(ActivityReader *reader)
{
	uint64		value;
	int64		day;
	int			count;

	if (reader->state)
	{
		ActivityState *state = reader->state;

		while ((uint64) reader->slot <= state->mask)
		{
			ActivityCustomer *customer = &state->slots[reader->slot++];

			if (customer->ndays == 0)
				continue;
			reader->id = customer->key.id;
			reader->key = customer->key.bytes;
			reader->keylen = customer->keylen;
			reader->days = ACTIVITY_CUSTOMER_DAYS(customer);
			reader->count = customer->ndays;
			if (reader->id_kind == ACTIVITY_ID_BIGINT)
				reader->key = NULL;
			return true;
		}
		return false;
	}

	if (reader->remaining_customers == 0)
	{
		if (reader->cursor != reader->end)
			reader_error(reader, "Bytes follow the last customer.");
		if (reader->remaining_days != 0)
			reader_error(reader, "The day count does not match the customers' days.");
		if (reader->ncustomers > 0 &&
			(reader->seen_min_day != reader->min_day || reader->seen_max_day != reader->max_day))
			reader_error(reader, "The range of days in the header does not match the customers' days.");
		return false;
	}

	/* the id, ascending */
	if (reader->id_kind == ACTIVITY_ID_BIGINT)
	{
		bool		first = reader->remaining_customers == reader->ncustomers;
		int64		id;

		value = reader_varint(reader);
		id = (int64) ((uint64) reader->id + value);
		if (!first && (value == 0 || id <= reader->id))
			reader_error(reader, "Customer ids are not strictly ascending.");
		reader->id = id;
	}
	else
	{
		const char *previous = reader->key;
		int			previous_len = reader->keylen;
		bool		first = reader->remaining_customers == reader->ncustomers;
		uint64		len = ACTIVITY_UUID_LEN;

		if (reader->id_kind == ACTIVITY_ID_TEXT)
		{
			len = reader_varint(reader);
			if (len > (uint64) (reader->end - reader->cursor))
				reader_error(reader, "The value is truncated.");
		}
		else if (reader->end - reader->cursor < ACTIVITY_UUID_LEN)
			reader_error(reader, "The value is truncated.");
		reader->key = (const char *) reader->cursor;
		reader->keylen = (int) len;
		reader->cursor += len;
		if (!first && compare_bytes(previous, previous_len, reader->key, reader->keylen) >= 0)
			reader_error(reader, "Customer ids are not strictly ascending.");
		if (reader->id_kind == ACTIVITY_ID_TEXT &&
			!pg_verifymbstr(reader->key, reader->keylen, true))
			reader_error(reader, "A customer id is not valid text in the database encoding.");
	}

	/* the days, ascending */
	value = reader_varint(reader);
	if (value == 0 || value > (uint64) reader->remaining_days ||
		value > (uint64) (ACTIVITY_MAX_DAY - ACTIVITY_MIN_DAY + 1))
		reader_error(reader, "A customer's day count is zero or exceeds the total.");
	count = (int) Min(value, (uint64) PG_INT32_MAX);
	if (count > reader->buffer_size)
	{
		int			size = Max(64, reader->buffer_size);

		while (size < count)
			size *= 2;
		if (reader->buffer)
			pfree(reader->buffer);
		reader->buffer = MemoryContextAllocHuge(CurrentMemoryContext, size * sizeof(DateADT));
		reader->buffer_size = size;
	}
	day = zigzag_decode(reader_varint(reader));
	if (day < reader->min_day || day > reader->max_day)
		reader_error(reader, "A day is outside the range of days in the header.");
	reader->buffer[0] = (DateADT) day;
	for (int i = 1; i < count; i++)
	{
		/* days ascend: the next one, day + value + 1, must not pass max_day */
		value = reader_varint(reader);
		if (value >= (uint64) (reader->max_day - day))
			reader_error(reader, "A day is outside the range of days in the header.");
		day += (int64) value + 1;
		reader->buffer[i] = (DateADT) day;
	}
	reader->seen_min_day = Min(reader->seen_min_day, reader->buffer[0]);
	reader->seen_max_day = Max(reader->seen_max_day, reader->buffer[count - 1]);
	reader->days = reader->buffer;
	reader->count = count;
	reader->remaining_customers--;
	reader->remaining_days -= count;
	return true;
}

/* ---------------------------------------------------------------- */
/* text I/O                                                         */
/* ---------------------------------------------------------------- */

/*
 * Text form: "v1 ids=bigint customers=2 days=3 17:2024-01-05,2024-02-01
 * 42:2023-12-31" -- customers in canonical id order, each with its days in
 * ascending order.  Text ids are double-quoted with \" and \\ escaped; uuids
 * are written in their standard form.
 */

static void
append_day(StringInfo out, DateADT day)
{
	int			year,
				month,
				mday;

	j2date(day + POSTGRES_EPOCH_JDATE, &year, &month, &mday);
	appendStringInfo(out, "%04d-%02d-%02d", year, month, mday);
}

static void
append_id(StringInfo out, const ActivityReader *reader)
{
	static const char hex[] = "0123456789abcdef";

	switch (reader->id_kind)
	{
		case ACTIVITY_ID_BIGINT:
			appendStringInfo(out, INT64_FORMAT, reader->id);
			break;
		case ACTIVITY_ID_TEXT:
			appendStringInfoChar(out, '"');
			for (int i = 0; i < reader->keylen; i++)
			{
				char		c = reader->key[i];

				if (c == '"' || c == '\\')
					appendStringInfoChar(out, '\\');
				appendStringInfoChar(out, c);
			}
			appendStringInfoChar(out, '"');
			break;
		case ACTIVITY_ID_UUID:
			for (int i = 0; i < ACTIVITY_UUID_LEN; i++)
			{
				uint8		b = (uint8) reader->key[i];

				if (i == 4 || i == 6 || i == 8 || i == 10)
					appendStringInfoChar(out, '-');
				appendStringInfoChar(out, hex[b >> 4]);
				appendStringInfoChar(out, hex[b & 0xf]);
			}
			break;
	}
}

/* The flat form of any activity datum (an expanded one is flattened). */
static struct varlena *
activity_flat(Datum summary)
{
	return PG_DETOAST_DATUM(summary);
}

PG_FUNCTION_INFO_V1(activity_out);
Datum
activity_out(PG_FUNCTION_ARGS)
{
	ActivityReader reader;
	StringInfoData out;

	activity_reader_begin(&reader, PointerGetDatum(activity_flat(PG_GETARG_DATUM(0))));
	initStringInfo(&out);
	summary_write_begin(&out, ACTIVITY_VERSION);
	appendStringInfo(&out, " ids=%s customers=" INT64_FORMAT " days=" INT64_FORMAT,
					 id_kind_names[reader.id_kind], reader.ncustomers, reader.ndays);
	while (activity_reader_next(&reader))
	{
		appendStringInfoChar(&out, ' ');
		append_id(&out, &reader);
		for (int i = 0; i < reader.count; i++)
		{
			appendStringInfoChar(&out, i == 0 ? ':' : ',');
			append_day(&out, reader.days[i]);
		}
		CHECK_FOR_INTERRUPTS();
	}
	PG_RETURN_CSTRING(out.data);
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Reads a fixed number of decimal digits. */
static int
read_fixed_digits(SummaryReader *reader, int digits, const char *expected)
{
	int			value = 0;

	for (int i = 0; i < digits; i++)
	{
		char		c = reader->cursor[i];

		if (c < '0' || c > '9')
			summary_syntax_error(reader, expected);
		value = value * 10 + (c - '0');
	}
	reader->cursor += digits;
	return value;
}

static DateADT
read_day(SummaryReader *reader)
{
	const char *start = reader->cursor;
	int			year,
				month,
				mday;

	year = read_fixed_digits(reader, 4, "a date YYYY-MM-DD");
	summary_read_char(reader, '-');
	month = read_fixed_digits(reader, 2, "a date YYYY-MM-DD");
	summary_read_char(reader, '-');
	mday = read_fixed_digits(reader, 2, "a date YYYY-MM-DD");
	if (year < 1 || month < 1 || month > 12 || mday < 1 ||
		mday > day_tab[isleap(year)][month - 1])
	{
		reader->cursor = start;
		summary_syntax_error(reader, "a valid date between 0001-01-01 and 9999-12-31");
	}
	return date2j(year, month, mday) - POSTGRES_EPOCH_JDATE;
}

static int64
read_bigint_id(SummaryReader *reader)
{
	bool		negative = false;
	uint64		value = 0;
	const char *p = reader->cursor;

	if (*p == '-')
	{
		negative = true;
		p++;
	}
	if (*p < '0' || *p > '9')
		summary_syntax_error(reader, "a bigint customer id");
	while (*p >= '0' && *p <= '9')
	{
		value = value * 10 + (*p - '0');
		if (value > (uint64) PG_INT64_MAX + (negative ? 1 : 0))
			summary_syntax_error(reader, "a customer id in the range of bigint");
		p++;
	}
	reader->cursor = p;
	return negative ? (int64) (0 - value) : (int64) value;
}

static void
read_text_id(SummaryReader *reader, StringInfo id)
{
	summary_read_char(reader, '"');
	resetStringInfo(id);
	for (;;)
	{
		char		c = *reader->cursor;

		if (c == '\0')
			summary_syntax_error(reader, "a closing double quote");
		reader->cursor++;
		if (c == '"')
			break;
		if (c == '\\')
		{
			c = *reader->cursor;
			if (c != '"' && c != '\\')
				summary_syntax_error(reader, "\\\" or \\\\ after a backslash");
			reader->cursor++;
		}
		appendStringInfoChar(id, c);
	}
}

static void
read_uuid_id(SummaryReader *reader, uint8 *uuid)
{
	const char *p = reader->cursor;

	for (int i = 0; i < ACTIVITY_UUID_LEN; i++)
	{
		int			hi,
					lo;

		if (i == 4 || i == 6 || i == 8 || i == 10)
		{
			if (*p != '-')
				summary_syntax_error(reader, "a uuid customer id such as a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
			p++;
		}
		hi = hex_value(p[0]);
		lo = hi < 0 ? -1 : hex_value(p[1]);
		if (lo < 0)
			summary_syntax_error(reader, "a uuid customer id such as a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
		uuid[i] = (uint8) (hi << 4 | lo);
		p += 2;
	}
	reader->cursor = p;
}

PG_FUNCTION_INFO_V1(activity_in);
Datum
activity_in(PG_FUNCTION_ARGS)
{
	char	   *input = PG_GETARG_CSTRING(0);
	SummaryReader reader;
	ActivityIdKind kind;
	int64		ncustomers,
				ndays,
				days_seen = 0;
	int64		previous_id = 0;
	DateADT		min_day = 0,
				max_day = 0;
	Size		header;
	StringInfoData body;
	StringInfoData id;
	StringInfoData previous_key;
	struct varlena *result;

	summary_read_begin(&reader, "activity", input, ACTIVITY_VERSION);
	summary_read_key(&reader, "ids");
	if (strncmp(reader.cursor, "bigint", 6) == 0)
		kind = ACTIVITY_ID_BIGINT;
	else if (strncmp(reader.cursor, "text", 4) == 0)
		kind = ACTIVITY_ID_TEXT;
	else if (strncmp(reader.cursor, "uuid", 4) == 0)
		kind = ACTIVITY_ID_UUID;
	else
		summary_syntax_error(&reader, "bigint, text or uuid");
	reader.cursor += strlen(id_kind_names[kind]);
	summary_read_key(&reader, "customers");
	ncustomers = summary_read_count(&reader);
	summary_read_key(&reader, "days");
	ndays = summary_read_count(&reader);

	initStringInfo(&body);
	initStringInfo(&id);
	initStringInfo(&previous_key);

	for (int64 c = 0; c < ncustomers; c++)
	{
		const char *start;
		const char *customer_start;
		int			count = 0;
		DateADT		previous_day = 0;
		StringInfoData days;
		uint8		uuid[ACTIVITY_UUID_LEN];

		start = reader.cursor;
		while (*reader.cursor == ' ' || *reader.cursor == '\t' ||
			   *reader.cursor == '\n' || *reader.cursor == '\r')
			reader.cursor++;
		if (reader.cursor == start)
			summary_syntax_error(&reader, "a space before the next customer");
		customer_start = reader.cursor;

		enlargeStringInfo(&body, 32);
		if (kind == ACTIVITY_ID_BIGINT)
		{
			int64		customer = read_bigint_id(&reader);

			if (c > 0 && customer <= previous_id)
			{
				reader.cursor = customer_start;
				summary_syntax_error(&reader, "customer ids in strictly ascending order");
			}
			body.len = (char *) varint_put((uint8 *) body.data + body.len,
										   (uint64) customer - (uint64) previous_id) - body.data;
			previous_id = customer;
		}
		else
		{
			if (kind == ACTIVITY_ID_TEXT)
				read_text_id(&reader, &id);
			else
			{
				read_uuid_id(&reader, uuid);
				resetStringInfo(&id);
				appendBinaryStringInfo(&id, (char *) uuid, ACTIVITY_UUID_LEN);
			}
			if (c > 0 && compare_bytes(previous_key.data, previous_key.len, id.data, id.len) >= 0)
			{
				reader.cursor = customer_start;
				summary_syntax_error(&reader, "customer ids in strictly ascending order (bytewise)");
			}
			if (kind == ACTIVITY_ID_TEXT)
			{
				enlargeStringInfo(&body, 10);
				body.len = (char *) varint_put((uint8 *) body.data + body.len, id.len) - body.data;
			}
			appendBinaryStringInfo(&body, id.data, id.len);
			resetStringInfo(&previous_key);
			appendBinaryStringInfo(&previous_key, id.data, id.len);
		}

		/* the days go after their count, so collect them first */
		initStringInfo(&days);
		do
		{
			const char *day_start;
			DateADT		day;

			summary_read_char(&reader, count == 0 ? ':' : ',');
			day_start = reader.cursor;
			day = read_day(&reader);
			if (count > 0 && day <= previous_day)
			{
				reader.cursor = day_start;
				summary_syntax_error(&reader, "days in strictly ascending order");
			}
			if (c == 0 && count == 0)
				min_day = max_day = day;
			min_day = Min(min_day, day);
			max_day = Max(max_day, day);
			enlargeStringInfo(&days, 10);
			days.len = (char *) varint_put((uint8 *) days.data + days.len,
										   count == 0 ? zigzag_encode(day) :
										   (uint64) (day - previous_day - 1)) - days.data;
			previous_day = day;
			count++;
		} while (*reader.cursor == ',');

		enlargeStringInfo(&body, 10);
		body.len = (char *) varint_put((uint8 *) body.data + body.len, count) - body.data;
		appendBinaryStringInfo(&body, days.data, days.len);
		pfree(days.data);
		days_seen += count;
		CHECK_FOR_INTERRUPTS();
	}
	summary_read_end(&reader);
	if (days_seen != ndays)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s: \"%s\"", "activity", input),
				 errdetail("The header says days=" INT64_FORMAT " but the customers have " INT64_FORMAT " days.",
						   ndays, days_seen)));

	header = header_size(ncustomers, ndays, min_day, max_day);
	result = palloc(VARHDRSZ + header + body.len);
	SET_VARSIZE(result, VARHDRSZ + header + body.len);
	header_put((uint8 *) VARDATA(result), kind, ncustomers, ndays, min_day, max_day);
	memcpy(VARDATA(result) + header, body.data, body.len);
	PG_RETURN_POINTER(result);
}

/* ---------------------------------------------------------------- */
/* binary I/O: the flat byte stream itself                          */
/* ---------------------------------------------------------------- */

PG_FUNCTION_INFO_V1(activity_recv);
Datum
activity_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			len = buf->len - buf->cursor;
	ActivityReader reader;
	struct varlena *result;

	/* validate everything before accepting it */
	reader_begin_flat(&reader, (const uint8 *) buf->data + buf->cursor, len,
					  ERRCODE_INVALID_BINARY_REPRESENTATION);
	while (activity_reader_next(&reader))
		CHECK_FOR_INTERRUPTS();

	result = palloc(VARHDRSZ + len);
	SET_VARSIZE(result, VARHDRSZ + len);
	memcpy(VARDATA(result), buf->data + buf->cursor, len);
	buf->cursor = buf->len;
	PG_RETURN_POINTER(result);
}

PG_FUNCTION_INFO_V1(activity_send);
Datum
activity_send(PG_FUNCTION_ARGS)
{
	struct varlena *flat = activity_flat(PG_GETARG_DATUM(0));
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbytes(&buf, VARDATA_ANY(flat), VARSIZE_ANY_EXHDR(flat));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* ---------------------------------------------------------------- */
/* the aggregates                                                   */
/* ---------------------------------------------------------------- */

static DateADT
check_day(DateADT day)
{
	if (day < ACTIVITY_MIN_DAY || day > ACTIVITY_MAX_DAY)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("activity date %s is out of range",
						DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(day)))),
				 errhint("Activity dates must be between 0001-01-01 and 9999-12-31.")));
	return day;
}

static DateADT
day_of_timestamptz(Datum at)
{
	/* the session time zone decides the day, hence STABLE */
	return check_day(DatumGetDateADT(DirectFunctionCall1(timestamptz_date, at)));
}

/* The shared body of every activity_agg transition function. */
static Datum
activity_accumulate(FunctionCallInfo fcinfo, ActivityIdKind kind, DateADT day)
{
	ActivityState *state = activity_state_for_update(fcinfo, kind);
	int64		id = 0;
	const char *bytes = NULL;
	int			len = 0;

	if (kind == ACTIVITY_ID_BIGINT)
		id = PG_GETARG_INT64(1);
	else if (kind == ACTIVITY_ID_TEXT)
	{
		text	   *t = PG_GETARG_TEXT_PP(1);

		bytes = VARDATA_ANY(t);
		len = VARSIZE_ANY_EXHDR(t);
	}
	else
	{
		bytes = (const char *) PG_GETARG_UUID_P(1)->data;
		len = ACTIVITY_UUID_LEN;
	}

	if (kind == ACTIVITY_ID_BIGINT)
	{
		/* collected, then sorted a run at a time (activity_sort_rows) */
		if (state->npending == state->pending_size)
		{
			if (state->pending_size == ACTIVITY_RUN_ROWS)
				activity_sort_rows(state);
			else
			{
				int64		size = state->pending_size == 0 ? ACTIVITY_FIRST_ROWS :
					state->pending_size * 2;

				state->pending_ids = state->pending_ids ?
					repalloc_huge(state->pending_ids, size * sizeof(int64)) :
					MemoryContextAllocHuge(state->hdr.eoh_context, size * sizeof(int64));
				state->pending_days = state->pending_days ?
					repalloc_huge(state->pending_days, size * sizeof(DateADT)) :
					MemoryContextAllocHuge(state->hdr.eoh_context, size * sizeof(DateADT));
				state->pending_size = size;
			}
		}
		state->pending_ids[state->npending] = id;
		state->pending_days[state->npending] = day;
		state->npending++;
		state->flat_size = 0;
		PG_RETURN_DATUM(EOHPGetRWDatum(&state->hdr));
	}

	/* text and uuid ids point into the current row: collect a copy */
	if (state->npending == ACTIVITY_BATCH)
		activity_add_keys(state);
	if (state->pending_ids == NULL)
	{
		state->pending_ids = MemoryContextAlloc(state->hdr.eoh_context,
												ACTIVITY_BATCH * sizeof(int64));
		state->pending_days = MemoryContextAlloc(state->hdr.eoh_context,
												 ACTIVITY_BATCH * sizeof(DateADT));
		state->pending_size = ACTIVITY_BATCH;
	}
	if (state->pending_keys_used + len > state->pending_keys_size)
	{
		Size		size = Max(state->pending_keys_size * 2, state->pending_keys_used + len + 1024);

		state->pending_keys = state->pending_keys ?
			repalloc_huge(state->pending_keys, size) :
			MemoryContextAllocHuge(state->hdr.eoh_context, size);
		state->pending_keys_size = size;
	}
	memcpy(state->pending_keys + state->pending_keys_used, bytes, len);
	state->pending_ids[state->npending] = (int64) state->pending_keys_used;
	state->pending_days[state->npending] = day;
	state->pending_keys_used += len;
	state->npending++;
	state->flat_size = 0;
	PG_RETURN_DATUM(EOHPGetRWDatum(&state->hdr));
}

/* NULL ids and NULL dates are skipped (the transition functions are not strict). */
#define ACTIVITY_SKIP_NULLS() \
	do { \
		if (PG_ARGISNULL(1) || PG_ARGISNULL(2)) \
		{ \
			if (PG_ARGISNULL(0)) \
				PG_RETURN_NULL(); \
			PG_RETURN_DATUM(PG_GETARG_DATUM(0)); \
		} \
	} while (0)

#define ACTIVITY_TRANSFN(name, kind, day_expr) \
PG_FUNCTION_INFO_V1(name); \
Datum \
name(PG_FUNCTION_ARGS) \
{ \
	ACTIVITY_SKIP_NULLS(); \
	return activity_accumulate(fcinfo, kind, day_expr); \
}

ACTIVITY_TRANSFN(activity_agg_transfn_bigint_date, ACTIVITY_ID_BIGINT, check_day(PG_GETARG_DATEADT(2)))
ACTIVITY_TRANSFN(activity_agg_transfn_text_date, ACTIVITY_ID_TEXT, check_day(PG_GETARG_DATEADT(2)))
ACTIVITY_TRANSFN(activity_agg_transfn_uuid_date, ACTIVITY_ID_UUID, check_day(PG_GETARG_DATEADT(2)))
ACTIVITY_TRANSFN(activity_agg_transfn_bigint_timestamptz, ACTIVITY_ID_BIGINT, day_of_timestamptz(PG_GETARG_DATUM(2)))
ACTIVITY_TRANSFN(activity_agg_transfn_text_timestamptz, ACTIVITY_ID_TEXT, day_of_timestamptz(PG_GETARG_DATUM(2)))
ACTIVITY_TRANSFN(activity_agg_transfn_uuid_timestamptz, ACTIVITY_ID_UUID, day_of_timestamptz(PG_GETARG_DATUM(2)))

/*
 * activity_agg_combinefn(a activity, b activity): the union per customer.
 * The combine function of activity_agg and the transition function of
 * rollup(activity); NULL on either side is skipped.
 */
PG_FUNCTION_INFO_V1(activity_agg_combinefn);
Datum
activity_agg_combinefn(PG_FUNCTION_ARGS)
{
	ActivityState *state;
	ActivityReader reader;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	activity_reader_begin(&reader, PG_GETARG_DATUM(1));
	state = activity_state_for_update(fcinfo, reader.id_kind);
	activity_merge(state, &reader);
	PG_RETURN_DATUM(EOHPGetRWDatum(&state->hdr));
}
