/*
 * activity_state.c
 *		The expanded object behind activity_agg and rollup(activity): a hash
 *		table of customers (text and uuid ids), sorted runs of bigint rows
 *		kept as flat parts and merged by size, flattening on demand, and the
 *		ActivityReader over either form.
 *
 * The executor keeps a read-write expanded object whose memory context is a
 * child of the aggregate context without copying it (ExecAggTransReparent),
 * so the transition function updates one state in place for the whole scan.
 * The state is flattened only when a tuple is formed from it (storing it,
 * sending a partial state to a parallel leader) or when it is printed.
 */
#include "retention.h"

#include "activity_internal.h"
#include "common/hashfn.h"
#include "miscadmin.h"
#include "port/pg_bitutils.h"
#include "utils/memutils.h"

/* small to start with: GROUP BY may build one summary per group */
#define ACTIVITY_INITIAL_SLOTS 16
#define ACTIVITY_KEY_BLOCK_MIN (1024)
#define ACTIVITY_KEY_BLOCK_MAX (64 * 1024)
#define ACTIVITY_MAX_SLOTS ((uint64) 1 << 32)

/*
 * customers per step when a flat summary is merged into the hash table:
 * ACTIVITY_BATCH; lookups prefetched this far ahead
 */
#define ACTIVITY_PREFETCH_DISTANCE 16
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

static inline uint32
hash_key(ActivityIdKind kind, int64 id, const char *bytes, int len)
{
	if (kind == ACTIVITY_ID_BIGINT)
		return (uint32) splitmix64_mix((uint64) id);
	return hash_bytes((const unsigned char *) bytes, len);
}

void
activity_id_kind_mismatch(ActivityIdKind a, ActivityIdKind b)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("cannot combine activity of %s customer ids with activity of %s customer ids",
					activity_id_kind_names[a], activity_id_kind_names[b]),
			 errhint("Aggregate and roll up activity of one customer id type at a time.")));
}

/* ---------------------------------------------------------------- */
/* the hash table                                                   */
/* ---------------------------------------------------------------- */

static Size activity_get_flat_size(ExpandedObjectHeader *eohptr);
static struct varlena *activity_merge_flat(struct varlena **parts, int nparts,
										   MemoryContext context, void *arg);
static void activity_compute_flat_size(ActivityState *state);
static void activity_flatten_into(ExpandedObjectHeader *eohptr,
								  void *result, Size allocated_size);

const ExpandedObjectMethods activity_methods = {
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

ActivityState *
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
	sorted_parts_init(&state->parts, context, activity_merge_flat, state);
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
		activity_id_kind_mismatch(state->id_kind, reader->id_kind);
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
	int			nparts = state->parts.nparts;

	state->parts.nparts = 0;
	for (int i = 0; i < nparts; i++)
	{
		ActivityReader reader;

		activity_reader_begin_flat(&reader, (const uint8 *) VARDATA(state->parts.parts[i]),
								   VARSIZE(state->parts.parts[i]) - VARHDRSZ,
								   ERRCODE_DATA_CORRUPTED);
		activity_merge_hash(state, &reader);
		pfree(state->parts.parts[i]);
	}
	state->flat_size = 0;
}

/* ---------------------------------------------------------------- */
/* flat parts merged by size (shared with purchases)                */
/* ---------------------------------------------------------------- */

void
sorted_parts_init(SortedParts *set, MemoryContext context, PartsMergeFunction merge,
				  void *merge_arg)
{
	memset(set, 0, sizeof(SortedParts));
	set->context = context;
	set->merge = merge;
	set->merge_arg = merge_arg;
}

/* A part's size class: its size in bytes, rounded down to a power of 4. */
static inline int
part_size_class(const struct varlena *part)
{
	return pg_leftmost_one_pos32(VARSIZE(part)) / 2;
}

/* Merges the parts of size class max_class or below into one. */
static void
sorted_parts_merge(SortedParts *set, int max_class)
{
	struct varlena **chosen = palloc(sizeof(struct varlena *) * set->nparts);
	int			nchosen = 0,
				kept = 0;

	for (int i = 0; i < set->nparts; i++)
	{
		if (part_size_class(set->parts[i]) <= max_class)
			chosen[nchosen++] = set->parts[i];
		else
			set->parts[kept++] = set->parts[i];
	}
	set->parts[kept++] = set->merge(chosen, nchosen, set->context, set->merge_arg);
	set->nparts = kept;
	for (int i = 0; i < nchosen; i++)
		pfree(chosen[i]);
	pfree(chosen);
}

/* Merges all parts into one (nothing to do for one or none). */
void
sorted_parts_merge_all(SortedParts *set)
{
	if (set->nparts > 1)
		sorted_parts_merge(set, PG_INT32_MAX);
}

/*
 * Keeps a flat part (allocated in the set's context).  Parts are merged
 * by size, as in a log-structured merge: once SORTED_PARTS_FAN_IN parts
 * are of the new part's size class or smaller, those are merged into one
 * (which may cascade).  Each customer-day is then rewritten about
 * log32(summary size / part size) times however many parts arrive: a rollup
 * of thousands of daily summaries stays linear-logarithmic, and the few
 * parts of a parallel aggregate or the 32 shard summaries of a distributed
 * one are merged once, when the value is read (a wide fan-in costs little,
 * as writer_add_parts keeps its cursors in a heap).
 */
void
sorted_parts_keep(SortedParts *set, struct varlena *part)
{
	if (set->parts == NULL)
		set->parts = MemoryContextAlloc(set->context,
										sizeof(struct varlena *) * SORTED_PARTS_MAX);
	if (set->nparts == SORTED_PARTS_MAX)
		sorted_parts_merge(set, PG_INT32_MAX);
	set->parts[set->nparts++] = part;
	for (;;)
	{
		int			size_class = part_size_class(part);
		int			smaller = 0;

		for (int i = 0; i < set->nparts; i++)
			if (part_size_class(set->parts[i]) <= size_class)
				smaller++;
		if (smaller < SORTED_PARTS_FAN_IN)
			break;
		sorted_parts_merge(set, size_class);
		part = set->parts[set->nparts - 1];
	}
}

/* Merges activity parts: the union of each customer's days. */
static struct varlena *
activity_merge_flat(struct varlena **parts, int nparts, MemoryContext context, void *arg)
{
	ActivityState *state = (ActivityState *) arg;
	FlatWriter	writer;

	writer_init(&writer, state->id_kind, context);
	writer_add_parts(&writer, parts, nparts);
	return writer_to_varlena(&writer, context);
}

/* Keeps a flat part; the flat form changes. */
static void
activity_keep_part(ActivityState *state, struct varlena *part)
{
	sorted_parts_keep(&state->parts, part);
	state->flat_size = 0;
}

/*
 * Adds everything a fresh reader will read to a state.  A flat value is
 * kept as a part, so the combine step of a parallel aggregate (and a rollup)
 * costs a copy, and parts are merged in id order when the state is
 * flattened or read: always for bigint ids; for text and uuid ids while the
 * hash table is empty, and otherwise into the hash table.
 */
void
activity_merge(ActivityState *state, ActivityReader *reader)
{
	if (reader->id_kind != state->id_kind)
		activity_id_kind_mismatch(state->id_kind, reader->id_kind);
	if (reader->ncustomers == 0)
		return;
	if (reader->state == NULL &&
		(state->id_kind == ACTIVITY_ID_BIGINT ||
		 (state->ncustomers == 0 && state->parts.nparts < SORTED_PARTS_MAX)))
	{
		struct varlena *part = MemoryContextAllocExtended(state->hdr.eoh_context,
														  VARHDRSZ + reader->flat->len,
														  MCXT_ALLOC_HUGE);

		SET_VARSIZE(part, VARHDRSZ + reader->flat->len);
		memcpy(VARDATA(part), reader->flat->start, reader->flat->len);
		activity_keep_part(state, part);
		return;
	}
	/* bigint states are read as flat values, never through the table */
	Assert(state->id_kind != ACTIVITY_ID_BIGINT);
	if (state->parts.nparts > 0)
		activity_absorb_parts(state);
	activity_merge_hash(state, reader);
}

/* ---------------------------------------------------------------- */
/* sorted runs of bigint rows                                       */
/* ---------------------------------------------------------------- */

/*
 * Radix sort of items of `words` 64-bit words by bits [low, low + bits) of
 * their first word, least significant digit first: one counting pass for
 * all digits, then per digit of RADIX_BITS bits a stable scatter pass,
 * sequential in the items; digits every key shares are skipped.  The result
 * is in `items`; `scratch` has room for n items.  Inlined with words a
 * constant, so each caller gets a loop that moves its items whole.
 */
static pg_attribute_always_inline void
radix_sort_words(uint64 *items, uint64 *scratch, int64 n, int low, int bits, const int words)
{
	const uint64 mask = (1 << RADIX_BITS) - 1;
	int			ndigits = (bits + RADIX_BITS - 1) / RADIX_BITS;
	int64	   *counts;
	uint64	   *from = items;
	uint64	   *to = scratch;

	if (n == 0 || ndigits == 0)
		return;
	counts = palloc0(sizeof(int64) * ndigits << RADIX_BITS);
	for (int64 i = 0; i < n; i++)
	{
		uint64		key = from[i * words] >> low;

		for (int d = 0; d < ndigits; d++)
			counts[(d << RADIX_BITS) + ((key >> (d * RADIX_BITS)) & mask)]++;
	}
	CHECK_FOR_INTERRUPTS();
	for (int d = 0; d < ndigits; d++)
	{
		int64	   *count = counts + (d << RADIX_BITS);
		int			shift = low + d * RADIX_BITS;
		int64		position = 0;
		uint64	   *swap;

		if (count[(from[0] >> shift) & mask] == n)
			continue;
		for (int v = 0; v <= (int) mask; v++)
		{
			int64		c = count[v];

			count[v] = position;
			position += c;
		}
		for (int64 i = 0; i < n; i++)
		{
			const uint64 *item = from + i * words;
			uint64	   *target = to + count[(item[0] >> shift) & mask]++ * words;

			for (int w = 0; w < words; w++)
				target[w] = item[w];
		}
		swap = from;
		from = to;
		to = swap;
		CHECK_FOR_INTERRUPTS();
	}
	if (from != items)
		memcpy(items, from, sizeof(uint64) * words * n);
	pfree(counts);
}

/* Sorts 64-bit keys (activity_agg's packed rows). */
void
radix_sort_keys(uint64 *keys, uint64 *scratch, int64 n, int bits)
{
	radix_sort_words(keys, scratch, n, 0, bits, 1);
}

/* the first digit when items are sorted most significant digit first */
#define TOP_BITS 8

/*
 * Sorts items by bits [low, low + bits) of their first word, stably.  Keys
 * of more than two digits are first scattered by their top TOP_BITS bits
 * into `scratch`, then each of those buckets, a few hundred kilobytes, is
 * sorted by the remaining bits least significant digit first while it stays
 * in the cache, back into `items`: one pass through main memory where
 * sorting whole keys by least significant digits takes three.
 */
static pg_attribute_always_inline void
radix_sort_top_first(uint64 *items, uint64 *scratch, int64 n, int low, int bits,
					 const int words)
{
	const uint64 mask = (1 << TOP_BITS) - 1;
	int			shift = low + bits - TOP_BITS;
	int64		start[(1 << TOP_BITS) + 1];
	int64		next[1 << TOP_BITS];

	if (bits <= 2 * RADIX_BITS || n < (1 << 16))
	{
		radix_sort_words(items, scratch, n, low, bits, words);
		return;
	}
	memset(next, 0, sizeof(next));
	for (int64 i = 0; i < n; i++)
		next[(items[i * words] >> shift) & mask]++;
	start[0] = 0;
	for (int v = 0; v <= (int) mask; v++)
	{
		start[v + 1] = start[v] + next[v];
		next[v] = start[v];
	}
	for (int64 i = 0; i < n; i++)
	{
		uint64	   *target = scratch + next[(items[i * words] >> shift) & mask]++ * words;

		for (int w = 0; w < words; w++)
			target[w] = items[i * words + w];
	}
	CHECK_FOR_INTERRUPTS();
	for (int v = 0; v <= (int) mask; v++)
	{
		int64		count = start[v + 1] - start[v];

		if (count == 0)
			continue;
		/* sorted from scratch into items: the copy first, then the sort in place */
		memcpy(items + start[v] * words, scratch + start[v] * words,
			   sizeof(uint64) * words * count);
		radix_sort_words(items + start[v] * words, scratch + start[v] * words, count,
						 low, bits - TOP_BITS, words);
	}
}

/* Sorts pairs by key, stably (purchases_agg's rows). */
void
radix_sort_pairs(SortPair *items, SortPair *scratch, int64 n, int bits)
{
	StaticAssertStmt(sizeof(SortPair) == 2 * sizeof(uint64), "a pair is two words");
	radix_sort_top_first((uint64 *) items, (uint64 *) scratch, n, 0, bits, 2);
}

/*
 * Sorts 64-bit words by their bits from `low` up, stably (purchases_agg's
 * rows whose key and amount share one word).
 */
void
radix_sort_words_above(uint64 *words, uint64 *scratch, int64 n, int low)
{
	radix_sort_top_first(words, scratch, n, low, 64 - low, 1);
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
		writer_add(rows->writer, rows->id, NULL, 0, rows->days, rows->count);
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
		writer_add(rows->writer, rows->id, NULL, 0, rows->days, rows->count);
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
void
activity_sort_rows(ActivityState *state)
{
	int64		n = state->npending;
	int64	   *ids = state->pending_ids;
	const DateADT *days = state->pending_days;
	IdDayRange	range = ID_DAY_RANGE_EMPTY;
	FlatWriter	writer;
	SortedRows	sorted = {&writer, 0, NULL, 0, 64};

	if (n == 0)
		return;
	for (int64 i = 0; i < n; i++)
		id_day_range_add(&range, ids[i], days[i]);

	writer_init(&writer, ACTIVITY_ID_BIGINT, CurrentMemoryContext);
	(void) writer_reserve(&writer, Min((Size) n * 3, MaxAllocSize / 2));
	sorted.days = palloc(sizeof(DateADT) * sorted.size);

	if (id_day_range_fit(&range))
	{
		/* the keys take the place of the ids */
		uint64	   *keys = (uint64 *) ids;
		uint64	   *scratch = palloc_extended(sizeof(uint64) * n, MCXT_ALLOC_HUGE);

		for (int64 i = 0; i < n; i++)
			keys[i] = id_day_key(&range, ids[i], days[i]);
		radix_sort_keys(keys, scratch, n, range.id_bits + range.day_bits);
		pfree(scratch);
		for (int64 i = 0; i < n; i++)
			sorted_rows_add(&sorted, id_day_key_id(&range, keys[i]),
							id_day_key_day(&range, keys[i]));
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
void
activity_add_keys(ActivityState *state)
{
	ActivityBatchEntry entries[ACTIVITY_BATCH];
	int			n = (int) state->npending;

	if (n == 0)
		return;
	if (state->parts.nparts > 0)
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

static void
encode_customer(FlatWriter *writer, const ActivityCustomer *customer)
{
	writer_add(writer, customer->key.id, customer->key.bytes, customer->keylen,
			   ACTIVITY_CUSTOMER_DAYS(customer), customer->ndays);
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
	if (state->parts.nparts == 1)
	{
		state->flat_size = VARSIZE(state->parts.parts[0]);
		return;
	}

	writer_reset(writer);
	if (state->parts.nparts > 0)
	{
		Size		parts_size = 0;

		for (int i = 0; i < state->parts.nparts; i++)
			parts_size += VARSIZE(state->parts.parts[i]);
		(void) writer_reserve(writer, Min(parts_size, MaxAllocSize / 2));
		writer_add_parts(writer, state->parts.parts, state->parts.nparts);
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
	if (state->parts.nparts == 1)
		memcpy(result, state->parts.parts[0], allocated_size);
	else
		writer_copy_into(&state->flat, result, allocated_size);
}

/* ---------------------------------------------------------------- */
/* reading either form                                              */
/* ---------------------------------------------------------------- */

/* Starts reading a flat value (the bytes after its varlena header). */
void
activity_reader_begin_flat(ActivityReader *reader, const uint8 *data, Size len, int error_code)
{
	FlatCursor *cursor = palloc(sizeof(FlatCursor));

	flat_cursor_begin(cursor, data, len, error_code);
	memset(reader, 0, sizeof(ActivityReader));
	reader->flat = cursor;
	reader->id_kind = cursor->id_kind;
	reader->ncustomers = cursor->ncustomers;
	reader->ndays = cursor->ndays;
	reader->min_day = cursor->min_day;
	reader->max_day = cursor->max_day;
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
		if (state->parts.nparts == 1)
		{
			activity_reader_begin_flat(reader, (const uint8 *) VARDATA(state->parts.parts[0]),
									   VARSIZE(state->parts.parts[0]) - VARHDRSZ,
									   ERRCODE_DATA_CORRUPTED);
			return;
		}
		if (state->parts.nparts > 1)
		{
			/* parts are read through their merged flat form */
			Size		size = EOH_get_flat_size(&state->hdr);
			void	   *flat = palloc_extended(size, MCXT_ALLOC_HUGE);

			EOH_flatten_into(&state->hdr, flat, size);
			activity_reader_begin_flat(reader, (const uint8 *) VARDATA(flat), size - VARHDRSZ,
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

		activity_reader_begin_flat(reader, (const uint8 *) VARDATA_ANY(flat),
								   VARSIZE_ANY_EXHDR(flat), ERRCODE_DATA_CORRUPTED);
	}
}

/*
 * As activity_reader_begin, but the customers come in id order also from a
 * state that holds them in its hash table (text and uuid ids aggregated in
 * this query), which is then flattened first: for accessors that walk two
 * summaries side by side.
 */
void
activity_reader_begin_sorted(ActivityReader *reader, Datum summary)
{
	activity_reader_begin(reader, summary);
	if (reader->state != NULL)
	{
		ActivityState *state = reader->state;
		Size		size = EOH_get_flat_size(&state->hdr);
		void	   *flat = palloc_extended(size, MCXT_ALLOC_HUGE);

		EOH_flatten_into(&state->hdr, flat, size);
		activity_reader_begin_flat(reader, (const uint8 *) VARDATA(flat), size - VARHDRSZ,
								   ERRCODE_DATA_CORRUPTED);
	}
}

/* The order of two readers' current customers (both of one id kind). */
int
activity_reader_compare_ids(const ActivityReader *a, const ActivityReader *b)
{
	if (a->id_kind == ACTIVITY_ID_BIGINT)
		return (a->id > b->id) - (a->id < b->id);
	return compare_bytes(a->key, a->keylen, b->key, b->keylen);
}

/*
 * Advances to the next customer; false at the end.  The hash table is
 * walked slot by slot; a flat value is decoded (and checked) by its cursor.
 */
bool
activity_reader_next(ActivityReader *reader)
{
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
	if (!flat_cursor_next(reader->flat))
		return false;
	reader->id = reader->flat->id;
	reader->key = reader->flat->key;
	reader->keylen = reader->flat->keylen;
	reader->days = reader->flat->days;
	reader->count = reader->flat->count;
	return true;
}
