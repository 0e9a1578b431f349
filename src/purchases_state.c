/*
 * purchases_state.c
 *		The expanded object of purchases_agg (PurchasesState, purchases.h):
 *		rows collected a run at a time, each run sorted by (id, day) into a
 *		flat part, parts merged by size (activity's SortedParts), and
 *		flattening.
 *
 * A bigint row is sorted as activity sorts it (the id above the day in one
 * 64-bit key, radix-sorted) with its amount carried along as a 64-bit
 * payload, so the rows of a customer-day come out together, in sequential
 * passes over memory, and their totals are added up as the run is encoded.
 */
#include "retention.h"

#include "miscadmin.h"
#include "purchases.h"

#define PURCHASES_FIRST_ROWS 64

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
	sorted_parts_init(&state->parts, context, purchases_merge_flat, NULL);
	return state;
}

/* Room for one more collected row (sorting the run when it is full). */
void
purchases_add_row_space(PurchasesState *state)
{
	MemoryContext context = state->hdr.eoh_context;
	int64		run_rows = state->id_kind == ACTIVITY_ID_BIGINT ?
		PURCHASES_RUN_ROWS : PURCHASES_KEY_RUN_ROWS;
	int64		size;

	if (state->npending == state->pending_size && state->pending_size == run_rows)
		purchases_sort_rows(state);
	if (state->days == NULL && state->pending_size > 0)
		state->days = MemoryContextAllocHuge(context, state->pending_size * sizeof(DateADT));
	if (state->npending < state->pending_size)
		return;
	size = state->pending_size == 0 ? PURCHASES_FIRST_ROWS : state->pending_size * 2;
	state->rows = state->rows ? repalloc_huge(state->rows, size * sizeof(SortPair)) :
		MemoryContextAllocHuge(context, size * sizeof(SortPair));
	state->days = state->days ? repalloc_huge(state->days, size * sizeof(DateADT)) :
		MemoryContextAllocHuge(context, size * sizeof(DateADT));
	state->pending_size = size;
}

/* Keeps a numeric amount too wide for a payload; the row's payload refers to it. */
void
purchases_add_wide(PurchasesState *state, int64 row, int128 fixed, int scale)
{
	if (state->nwide == state->wide_size)
	{
		state->wide_size = Max(16, state->wide_size * 2);
		state->wide = state->wide ?
			repalloc_huge(state->wide, state->wide_size * sizeof(PurchasesWide)) :
			MemoryContextAllocHuge(state->hdr.eoh_context, state->wide_size * sizeof(PurchasesWide));
	}
	state->wide[state->nwide].fixed = fixed;
	state->wide[state->nwide].scale = scale;
	state->rows[row].value = ((uint64) state->nwide << 1) | PURCHASES_PAYLOAD_WIDE;
	state->nwide++;
}

/* Adds a copy of a flat purchases value (of this state's kinds) as a part. */
void
purchases_keep_flat(PurchasesState *state, const struct varlena *flat)
{
	PurchasesCursor cursor;
	struct varlena *part;
	Size		size = VARSIZE_ANY_EXHDR(flat) + VARHDRSZ;

	purchases_cursor_begin(&cursor, flat, ERRCODE_DATA_CORRUPTED);
	if (cursor.ids.id_kind != state->id_kind)
		activity_id_kind_mismatch(state->id_kind, cursor.ids.id_kind);
	if (cursor.amount_kind != state->amount_kind)
		purchases_kind_mismatch(state->amount_kind, cursor.amount_kind);
	if (cursor.ids.ncustomers == 0)
		return;
	part = MemoryContextAllocExtended(state->hdr.eoh_context, size, MCXT_ALLOC_HUGE);
	SET_VARSIZE(part, size);
	memcpy(VARDATA(part), VARDATA_ANY(flat), size - VARHDRSZ);
	sorted_parts_keep(&state->parts, part);
	state->flat_ready = false;
}

/* ---- sorting a run ---- */

/* A text or uuid row, sorted by comparison. */
typedef struct KeyRow
{
	Size		offset;			/* of the id in the state's keys */
	int			len;
	DateADT		day;
	uint64		value;
} KeyRow;

static const char *sorting_keys;

static int
compare_key_rows(const void *x, const void *y)
{
	const KeyRow *a = (const KeyRow *) x;
	const KeyRow *b = (const KeyRow *) y;
	int			cmp = compare_bytes(sorting_keys + a->offset, a->len,
									sorting_keys + b->offset, b->len);

	if (cmp != 0)
		return cmp;
	return (a->day > b->day) - (a->day < b->day);
}

/* A bigint row whose id and day do not pack into 64 bits. */
typedef struct WideRow
{
	int64		id;
	DateADT		day;
	uint64		value;
} WideRow;

static int
compare_wide_rows(const void *x, const void *y)
{
	const WideRow *a = (const WideRow *) x;
	const WideRow *b = (const WideRow *) y;

	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return (a->day > b->day) - (a->day < b->day);
}

/*
 * A narrow numeric payload in fewer bits: the units zigzag-coded above the
 * scale, so small amounts of either sign take few bits.
 */
static inline uint64
compact_amount(uint64 value)
{
	int64		fixed = (int64) value >> PURCHASES_PAYLOAD_SHIFT;

	return (zigzag_encode(fixed) << 5) | ((value >> 1) & 31);
}

static inline uint64
expand_amount(uint64 compact)
{
	int64		fixed = zigzag_decode(compact >> 5);

	return ((uint64) fixed << PURCHASES_PAYLOAD_SHIFT) | ((compact & 31) << 1);
}

/*
 * Turns rows sorted by (id, day) into encoded customers: the rows of a
 * customer-day are added up, a customer's days gathered and written when
 * the id changes.
 */
typedef struct RunEncoder
{
	PurchasesState *state;
	PurchasesWriter writer;
	PurchasesDays days;
	bool		started;
	int64		id;
	const char *key;
	int			keylen;
} RunEncoder;

static void
run_flush(RunEncoder *run)
{
	if (run->days.count == 0)
		return;
	purchases_writer_add(&run->writer, run->id, run->key, run->keylen, &run->days);
	purchases_days_reset(&run->days);
	if ((run->writer.ids.ncustomers & 0xffff) == 0)
		CHECK_FOR_INTERRUPTS();
}

static inline void
run_add(RunEncoder *run, int64 id, const char *key, int keylen, DateADT day, uint64 value)
{
	PurchasesDays *days = &run->days;
	PurchasesTotal amount;
	int			last = days->count - 1;

	if (run->state->id_kind == ACTIVITY_ID_BIGINT ? id != run->id :
		(keylen != run->keylen || memcmp(key, run->key, keylen) != 0))
	{
		run_flush(run);
		run->id = id;
		run->key = key;
		run->keylen = keylen;
		last = -1;
	}
	if (run->state->amount_kind == PURCHASES_FLOAT8)
	{
		memcpy(&amount.real, &value, sizeof(double));
		amount.fixed = 0;
		amount.scale = 0;
	}
	else if (value & PURCHASES_PAYLOAD_WIDE)
	{
		const PurchasesWide *wide = &run->state->wide[value >> 1];

		amount.fixed = wide->fixed;
		amount.scale = wide->scale;
		amount.real = 0;
	}
	else
	{
		amount.fixed = (int64) value >> PURCHASES_PAYLOAD_SHIFT;
		amount.scale = (int) (value >> 1) & 31;
		amount.real = 0;
	}
	amount.exact = 0;
	if (last >= 0 && days->days[last] == day)
	{
		PurchasesTotal *total = &days->totals[last];

		/* the common repeat: same scale, sums far from the limit of 10^37 */
		if (run->state->amount_kind == PURCHASES_NUMERIC && total->scale == amount.scale &&
			fixed_in_range(total->fixed + amount.fixed))
		{
			days->rows[last]++;
			total->fixed += amount.fixed;
		}
		else
			purchases_days_add(days, last, 1, &amount, NULL);
		return;
	}
	purchases_days_append(days, day, 1, &amount, NULL);
}

/*
 * Sorts the collected rows by (id, day) and keeps them as a flat part, the
 * rows of each customer-day added up.  Bigint rows pack the id above the
 * day into one 64-bit key, both relative to the run's smallest, and a radix
 * sort orders the (key, amount) pairs in a few sequential passes; runs
 * whose ids spread too far for that, and text and uuid ids, are sorted by
 * comparison.  Float8 totals are exact sums, so the order of a day's rows
 * does not matter.
 */
void
purchases_sort_rows(PurchasesState *state)
{
	int64		n = state->npending;
	SortPair   *rows = state->rows;
	RunEncoder	run;
	MemoryContext context,
				old;
	struct varlena *part;

	if (n == 0)
		return;
	context = AllocSetContextCreate(state->hdr.eoh_context, "purchases run",
									ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(context);
	memset(&run, 0, sizeof(run));
	run.state = state;
	purchases_writer_init(&run.writer, state->id_kind, state->amount_kind, context);
	purchases_writer_reserve(&run.writer, (Size) n * 2, (Size) n * 3);
	purchases_days_init(&run.days, state->amount_kind);

	if (state->id_kind == ACTIVITY_ID_BIGINT)
	{
		IdDayRange	range = ID_DAY_RANGE_EMPTY;
		bool		fits;
		uint64		amount_bits = 0;	/* of the numeric amounts as compact_amount()s */
		bool		packable = state->amount_kind == PURCHASES_NUMERIC;

		for (int64 i = 0; i < n; i++)
		{
			id_day_range_add(&range, (int64) rows[i].key, state->days[i]);
			if (packable)
			{
				packable = (rows[i].value & PURCHASES_PAYLOAD_WIDE) == 0;
				amount_bits |= compact_amount(rows[i].value);
			}
		}
		fits = id_day_range_fit(&range);
		if (packable && range.id_bits + range.day_bits + bit_width(amount_bits) <= 64)
		{
			/*
			 * The common case of shop data: key and amount fit one word, the
			 * key on top, so the sort moves half the bytes and needs half the
			 * second array.  The words take the place of the pairs.
			 */
			uint64	   *words = (uint64 *) rows;
			int			low = 64 - Max(range.id_bits + range.day_bits, 1);
			uint64		amount_mask = ((uint64) 1 << low) - 1;
			uint64	   *scratch;

			for (int64 i = 0; i < n; i++)
			{
				uint64		key = id_day_key(&range, (int64) rows[i].key, state->days[i]);
				uint64		amount = compact_amount(rows[i].value);

				words[i] = (key << low) | amount;
			}
			pfree(state->days);
			state->days = NULL;
			scratch = palloc_extended(sizeof(uint64) * n, MCXT_ALLOC_HUGE);
			radix_sort_words_above(words, scratch, n, low);
			pfree(scratch);
			for (int64 i = 0; i < n; i++)
			{
				uint64		key = words[i] >> low;

				run_add(&run, id_day_key_id(&range, key), NULL, 0, id_day_key_day(&range, key),
						expand_amount(words[i] & amount_mask));
			}
		}
		else if (fits)
		{
			SortPair   *scratch;

			for (int64 i = 0; i < n; i++)
				rows[i].key = id_day_key(&range, (int64) rows[i].key, state->days[i]);
			/* the days are in the keys now: their room goes to the sort */
			pfree(state->days);
			state->days = NULL;
			scratch = palloc_extended(sizeof(SortPair) * n, MCXT_ALLOC_HUGE);
			radix_sort_pairs(rows, scratch, n, range.id_bits + range.day_bits);
			pfree(scratch);
			for (int64 i = 0; i < n; i++)
				run_add(&run, id_day_key_id(&range, rows[i].key), NULL, 0,
						id_day_key_day(&range, rows[i].key), rows[i].value);
		}
		else
		{
			WideRow    *sorted = palloc_extended(sizeof(WideRow) * n, MCXT_ALLOC_HUGE);

			for (int64 i = 0; i < n; i++)
			{
				sorted[i].id = (int64) rows[i].key;
				sorted[i].day = state->days[i];
				sorted[i].value = rows[i].value;
			}
			qsort(sorted, n, sizeof(WideRow), compare_wide_rows);
			for (int64 i = 0; i < n; i++)
				run_add(&run, sorted[i].id, NULL, 0, sorted[i].day, sorted[i].value);
		}
	}
	else
	{
		KeyRow	   *sorted = palloc_extended(sizeof(KeyRow) * n, MCXT_ALLOC_HUGE);

		for (int64 i = 0; i < n; i++)
		{
			Size		end = i + 1 < n ? (Size) rows[i + 1].key : state->keys_used;

			sorted[i].offset = (Size) rows[i].key;
			sorted[i].len = (int) (end - sorted[i].offset);
			sorted[i].day = state->days[i];
			sorted[i].value = rows[i].value;
		}
		sorting_keys = state->keys;
		qsort(sorted, n, sizeof(KeyRow), compare_key_rows);
		run.keylen = -1;		/* unlike the first id */
		for (int64 i = 0; i < n; i++)
			run_add(&run, 0, state->keys + sorted[i].offset, sorted[i].len, sorted[i].day,
					sorted[i].value);
	}
	run_flush(&run);

	part = purchases_writer_finish(&run.writer, state->hdr.eoh_context);
	MemoryContextSwitchTo(old);
	MemoryContextDelete(context);
	state->npending = 0;
	state->keys_used = 0;
	state->nwide = 0;
	sorted_parts_keep(&state->parts, part);
	state->flat_ready = false;
}

/* ---- flattening ---- */

/* The state as one flat part (an empty value when it has no customers). */
static void
purchases_compute_flat(PurchasesState *state)
{
	purchases_sort_rows(state);
	sorted_parts_merge_all(&state->parts);
	if (state->parts.nparts == 0)
	{
		PurchasesWriter writer;

		purchases_writer_init(&writer, state->id_kind, state->amount_kind, CurrentMemoryContext);
		sorted_parts_keep(&state->parts, purchases_writer_finish(&writer, state->hdr.eoh_context));
	}
	state->flat_ready = true;
}

static Size
purchases_get_flat_size(ExpandedObjectHeader *eohptr)
{
	PurchasesState *state = (PurchasesState *) eohptr;
	MemoryContext caller;

	if (state->flat_ready && state->npending == 0)
		return VARSIZE(state->parts.parts[0]);

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
	return VARSIZE(state->parts.parts[0]);
}

static void
purchases_flatten_into(ExpandedObjectHeader *eohptr, void *result, Size size)
{
	PurchasesState *state = (PurchasesState *) eohptr;

	Assert(state->flat_ready && VARSIZE(state->parts.parts[0]) == size);
	memcpy(result, state->parts.parts[0], size);
}

/* The flat form of any purchases datum (an expanded one is flattened). */
struct varlena *
purchases_flat(Datum summary)
{
	return PG_DETOAST_DATUM(summary);
}
