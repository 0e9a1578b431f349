/*
 * purchases_state.c
 *		The expanded object of purchases_agg (PurchasesState, purchases.h):
 *		rows collected a run at a time, each run sorted by (id, day) into a
 *		flat part (a radix sort of packed keys for bigint ids, a comparison
 *		sort otherwise), parts merged by size, and flattening.
 */
#include "retention.h"

#include "miscadmin.h"
#include "port/pg_bitutils.h"
#include "purchases.h"

#define PURCHASES_MAX_PARTS 32
#define PURCHASES_MERGE_FAN_IN 4
#define PURCHASES_FIRST_ROWS 64
#define RADIX_BITS 11

static Size purchases_get_flat_size(ExpandedObjectHeader *eohptr);
static void purchases_flatten_into(ExpandedObjectHeader *eohptr, void *result, Size size);

const ExpandedObjectMethods purchases_methods = {
	purchases_get_flat_size,
	purchases_flatten_into
};

PurchasesState *
purchases_state_create(MemoryContext parent, ActivityIdKind id_kind,
					   PurchasesAmountKind amount_kind)
{
	MemoryContext context = AllocSetContextCreate(parent, "purchases summary",
												  ALLOCSET_DEFAULT_SIZES);
	PurchasesState *state = MemoryContextAllocZero(context, sizeof(PurchasesState));

	EOH_init_header(&state->hdr, &purchases_methods, context);
	state->id_kind = id_kind;
	state->amount_kind = amount_kind;
	return state;
}

/* Room for one more collected row (sorting the run when it is full). */
void
purchases_add_row_space(PurchasesState *state)
{
	MemoryContext context = state->hdr.eoh_context;
	int64		size;

	if (state->npending < state->pending_size)
		return;
	if (state->pending_size == PURCHASES_RUN_ROWS)
	{
		purchases_sort_rows(state);
		return;
	}
	size = state->pending_size == 0 ? PURCHASES_FIRST_ROWS : state->pending_size * 2;
#define GROW(field, type) \
	state->field = state->field ? repalloc_huge(state->field, size * sizeof(type)) : \
		MemoryContextAllocHuge(context, size * sizeof(type))
	GROW(ids, int64);
	GROW(days, DateADT);
	if (state->amount_kind == PURCHASES_NUMERIC)
	{
		GROW(fixed, int128);
		GROW(scales, uint8);
	}
	else
		GROW(real, double);
#undef GROW
	state->pending_size = size;
}

/* ---- parts ---- */

static inline int
part_size_class(const struct varlena *part)
{
	return pg_leftmost_one_pos32(VARSIZE(part)) / 2;
}

static void
purchases_merge_parts(PurchasesState *state, int max_class)
{
	struct varlena **chosen = palloc(sizeof(struct varlena *) * state->nparts);
	int			nchosen = 0,
				kept = 0;

	for (int i = 0; i < state->nparts; i++)
	{
		if (part_size_class(state->parts[i]) <= max_class)
			chosen[nchosen++] = state->parts[i];
		else
			state->parts[kept++] = state->parts[i];
	}
	state->parts[kept++] = purchases_merge_flat(chosen, nchosen, state->hdr.eoh_context);
	state->nparts = kept;
	for (int i = 0; i < nchosen; i++)
		pfree(chosen[i]);
	pfree(chosen);
}

/* Keeps a part (in the state's context), merging parts by size as activity does. */
static void
purchases_keep_part(PurchasesState *state, struct varlena *part)
{
	if (state->parts == NULL)
		state->parts = MemoryContextAlloc(state->hdr.eoh_context,
										  sizeof(struct varlena *) * PURCHASES_MAX_PARTS);
	if (state->nparts == PURCHASES_MAX_PARTS)
		purchases_merge_parts(state, PG_INT32_MAX);
	state->parts[state->nparts++] = part;
	state->flat_ready = false;
	for (;;)
	{
		int			size_class = part_size_class(part);
		int			smaller = 0;

		for (int i = 0; i < state->nparts; i++)
			if (part_size_class(state->parts[i]) <= size_class)
				smaller++;
		if (smaller < PURCHASES_MERGE_FAN_IN)
			break;
		purchases_merge_parts(state, size_class);
		part = state->parts[state->nparts - 1];
	}
}

/* Adds a copy of a flat purchases value (of this state's kinds) as a part. */
void
purchases_keep_flat(PurchasesState *state, const struct varlena *flat)
{
	PurchasesCursor cursor;
	struct varlena *part;
	Size		size = VARSIZE_ANY_EXHDR(flat) + VARHDRSZ;

	purchases_cursor_begin(&cursor, flat, ERRCODE_DATA_CORRUPTED);
	if (cursor.days.id_kind != state->id_kind)
		activity_id_kind_mismatch(state->id_kind, cursor.days.id_kind);
	if (cursor.amount_kind != state->amount_kind)
		purchases_kind_mismatch(state->amount_kind, cursor.amount_kind);
	if (cursor.days.ncustomers == 0)
		return;
	part = MemoryContextAllocExtended(state->hdr.eoh_context, size, MCXT_ALLOC_HUGE);
	SET_VARSIZE(part, size);
	memcpy(VARDATA(part), VARDATA_ANY(flat), size - VARHDRSZ);
	purchases_keep_part(state, part);
}

/* ---- sorting a run ---- */

typedef struct SortItem
{
	uint64		key;
	int64		row;
} SortItem;

/* LSD radix sort of items by key (stable, so rows of a key keep their order). */
static void
radix_sort_items(SortItem *items, SortItem *scratch, int64 n, int bits)
{
	const uint64 mask = (1 << RADIX_BITS) - 1;
	int64		counts[1 << RADIX_BITS];
	SortItem   *from = items;
	SortItem   *to = scratch;

	for (int shift = 0; shift < bits && n > 0; shift += RADIX_BITS)
	{
		int64		position = 0;
		SortItem   *swap;

		memset(counts, 0, sizeof(counts));
		for (int64 i = 0; i < n; i++)
			counts[(from[i].key >> shift) & mask]++;
		if (counts[(from[0].key >> shift) & mask] == n)
			continue;
		for (int d = 0; d <= (int) mask; d++)
		{
			int64		count = counts[d];

			counts[d] = position;
			position += count;
		}
		for (int64 i = 0; i < n; i++)
			to[counts[(from[i].key >> shift) & mask]++] = from[i];
		swap = from;
		from = to;
		to = swap;
		CHECK_FOR_INTERRUPTS();
	}
	if (from != items)
		memcpy(items, from, sizeof(SortItem) * n);
}

/* for the comparison sort */
static PurchasesState *sorting_state;

static inline int
compare_row_ids(const PurchasesState *state, int64 a, int64 b)
{
	if (state->id_kind == ACTIVITY_ID_BIGINT)
		return (state->ids[a] > state->ids[b]) - (state->ids[a] < state->ids[b]);
	else
	{
		Size		aend = a + 1 < state->npending ? (Size) state->ids[a + 1] : state->keys_used;
		Size		bend = b + 1 < state->npending ? (Size) state->ids[b + 1] : state->keys_used;

		return compare_bytes(state->keys + state->ids[a], (int) (aend - state->ids[a]),
							 state->keys + state->ids[b], (int) (bend - state->ids[b]));
	}
}

static int
compare_items(const void *x, const void *y)
{
	const SortItem *a = (const SortItem *) x;
	const SortItem *b = (const SortItem *) y;
	int			cmp = compare_row_ids(sorting_state, a->row, b->row);

	if (cmp != 0)
		return cmp;
	cmp = (sorting_state->days[a->row] > sorting_state->days[b->row]) -
		(sorting_state->days[a->row] < sorting_state->days[b->row]);
	if (cmp != 0)
		return cmp;
	/* arrival order, so float8 totals do not depend on qsort */
	return (a->row > b->row) - (a->row < b->row);
}

static inline int
bit_width(uint64 value)
{
	return value == 0 ? 0 : pg_leftmost_one_pos64(value) + 1;
}

/*
 * Sorts the collected rows by (id, day) and keeps them as a flat part, the
 * rows of each customer-day added up in the order they came.
 */
void
purchases_sort_rows(PurchasesState *state)
{
	int64		n = state->npending;
	SortItem   *items;
	PurchasesWriter writer;
	MemoryContext context,
				old;
	DateADT    *days;
	int64	   *rows;
	PurchasesTotal *totals;
	int			size = 64,
				count = 0;
	int64		current = -1;
	struct varlena *part;

	if (n == 0)
		return;
	context = AllocSetContextCreate(state->hdr.eoh_context, "purchases run",
									ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(context);
	items = palloc_extended(sizeof(SortItem) * n, MCXT_ALLOC_HUGE);

	if (state->id_kind == ACTIVITY_ID_BIGINT)
	{
		int64		min_id = PG_INT64_MAX,
					max_id = PG_INT64_MIN;
		DateADT		min_day = PG_INT32_MAX,
					max_day = PG_INT32_MIN;
		int			day_bits,
					id_bits;

		for (int64 i = 0; i < n; i++)
		{
			min_id = Min(min_id, state->ids[i]);
			max_id = Max(max_id, state->ids[i]);
			min_day = Min(min_day, state->days[i]);
			max_day = Max(max_day, state->days[i]);
		}
		day_bits = bit_width((uint64) (max_day - min_day));
		id_bits = bit_width((uint64) max_id - (uint64) min_id);
		if (id_bits + day_bits <= 64)
		{
			SortItem   *scratch = palloc_extended(sizeof(SortItem) * n, MCXT_ALLOC_HUGE);

			for (int64 i = 0; i < n; i++)
			{
				items[i].key = (((uint64) state->ids[i] - (uint64) min_id) << day_bits) |
					(uint64) (state->days[i] - min_day);
				items[i].row = i;
			}
			radix_sort_items(items, scratch, n, id_bits + day_bits);
			pfree(scratch);
		}
		else
		{
			for (int64 i = 0; i < n; i++)
				items[i].row = i;
			sorting_state = state;
			qsort(items, n, sizeof(SortItem), compare_items);
		}
	}
	else
	{
		for (int64 i = 0; i < n; i++)
			items[i].row = i;
		sorting_state = state;
		qsort(items, n, sizeof(SortItem), compare_items);
	}

	purchases_writer_init(&writer, state->id_kind, state->amount_kind, context);
	days = palloc(sizeof(DateADT) * size);
	rows = palloc(sizeof(int64) * size);
	totals = palloc(sizeof(PurchasesTotal) * size);
	for (int64 i = 0; i <= n; i++)
	{
		int64		r = i < n ? items[i].row : -1;
		PurchasesTotal amount;

		if (current >= 0 && (r < 0 || compare_row_ids(state, current, r) != 0))
		{
			if (state->id_kind == ACTIVITY_ID_BIGINT)
				purchases_writer_add(&writer, state->ids[current], NULL, 0,
									 days, rows, totals, count);
			else
			{
				Size		end = current + 1 < n ? (Size) state->ids[current + 1] : state->keys_used;

				purchases_writer_add(&writer, 0, state->keys + state->ids[current],
									 (int) (end - state->ids[current]),
									 days, rows, totals, count);
			}
			count = 0;
			if ((writer.days.ncustomers & 0xffff) == 0)
				CHECK_FOR_INTERRUPTS();
		}
		if (r < 0)
			break;
		current = r;
		memset(&amount, 0, sizeof(amount));
		if (state->amount_kind == PURCHASES_NUMERIC)
		{
			amount.fixed = state->fixed[r];
			amount.scale = state->scales[r];
		}
		else
			amount.real = state->real[r];
		if (count > 0 && days[count - 1] == state->days[r])
		{
			rows[count - 1]++;
			purchases_total_add(state->amount_kind, &totals[count - 1], &amount);
			continue;
		}
		if (count == size)
		{
			size *= 2;
			days = repalloc_huge(days, sizeof(DateADT) * size);
			rows = repalloc_huge(rows, sizeof(int64) * size);
			totals = repalloc_huge(totals, sizeof(PurchasesTotal) * size);
		}
		days[count] = state->days[r];
		rows[count] = 1;
		totals[count] = amount;
		count++;
	}
	part = purchases_writer_finish(&writer, state->hdr.eoh_context);
	MemoryContextSwitchTo(old);
	MemoryContextDelete(context);
	state->npending = 0;
	state->keys_used = 0;
	purchases_keep_part(state, part);
}

/* ---- flattening ---- */

/* The state as one flat part (an empty value when it has no customers). */
static void
purchases_compute_flat(PurchasesState *state)
{
	purchases_sort_rows(state);
	if (state->nparts > 1)
		purchases_merge_parts(state, PG_INT32_MAX);
	if (state->nparts == 0)
	{
		PurchasesWriter writer;

		purchases_writer_init(&writer, state->id_kind, state->amount_kind, CurrentMemoryContext);
		purchases_keep_part(state, purchases_writer_finish(&writer, state->hdr.eoh_context));
	}
	state->flat_ready = true;
}

static Size
purchases_get_flat_size(ExpandedObjectHeader *eohptr)
{
	PurchasesState *state = (PurchasesState *) eohptr;
	MemoryContext caller;

	if (state->flat_ready && state->npending == 0)
		return VARSIZE(state->parts[0]);

	/*
	 * The caller's context may be a bump context (PostgreSQL 17 and later,
	 * forming a sort tuple), which cannot free: the work runs in a child of
	 * the state's own context, deleted at the end.
	 */
	caller = MemoryContextSwitchTo(AllocSetContextCreate(state->hdr.eoh_context,
														 "purchases flattening",
														 ALLOCSET_DEFAULT_SIZES));
	purchases_compute_flat(state);
	MemoryContextDelete(MemoryContextSwitchTo(caller));
	return VARSIZE(state->parts[0]);
}

static void
purchases_flatten_into(ExpandedObjectHeader *eohptr, void *result, Size size)
{
	PurchasesState *state = (PurchasesState *) eohptr;

	Assert(state->flat_ready && VARSIZE(state->parts[0]) == size);
	memcpy(result, state->parts[0], size);
}

/* The flat form of any purchases datum (an expanded one is flattened). */
struct varlena *
purchases_flat(Datum summary)
{
	return PG_DETOAST_DATUM(summary);
}
