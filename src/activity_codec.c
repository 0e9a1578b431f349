/*
 * activity_codec.c
 *		The flat form of the activity summary (layout in activity_internal.h):
 *		writing it customer by customer, merging sorted flat parts into one,
 *		and decoding it with full validation.
 */
#include "retention.h"

#include "activity_internal.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "summary_io.h"

const char *const activity_id_kind_names[] = {NULL, "bigint", "text", "uuid"};

/*
 * A flat value that does not follow the layout.  From binary input that is
 * 22P03; anywhere else (a value on disk) it can only be corruption.
 */
pg_noreturn static void
cursor_error(FlatCursor *cursor, const char *detail)
{
	if (cursor->error_code == ERRCODE_INVALID_BINARY_REPRESENTATION)
		summary_binary_error("activity", detail);
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("corrupted activity value"),
			 errdetail("%s", detail)));
}

static uint64
cursor_varint_long(FlatCursor *cursor)
{
	uint64		value = 0;
	int			shift = 0;

	for (;;)
	{
		uint8		byte;

		if (cursor->pos >= cursor->end)
			cursor_error(cursor, "The value is truncated.");
		byte = *cursor->pos++;
		if (shift == 63 && byte > 1)
			cursor_error(cursor, "A number is out of range.");
		value |= (uint64) (byte & 0x7f) << shift;
		if ((byte & 0x80) == 0)
		{
			/* one spelling per number: no trailing zero groups */
			if (byte == 0 && shift > 0)
				cursor_error(cursor, "A number is not minimally encoded.");
			return value;
		}
		shift += 7;
	}
}

/* Most numbers of a flat value (day gaps, id steps) take one byte. */
static inline uint64
cursor_varint(FlatCursor *cursor)
{
	if (likely(cursor->pos < cursor->end && *cursor->pos < 0x80))
		return *cursor->pos++;
	return cursor_varint_long(cursor);
}

/* The flat header: version, id kind, counts, and the range of days. */
Size
flat_header_size(int64 ncustomers, int64 ndays, DateADT min_day, DateADT max_day)
{
	Size		size = 2 + varint_size(ncustomers) + varint_size(ndays);

	if (ncustomers > 0)
		size += varint_size(zigzag_encode(min_day)) + varint_size((uint64) (max_day - min_day));
	return size;
}

uint8 *
flat_header_put(uint8 *p, ActivityIdKind kind, int64 ncustomers, int64 ndays,
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

void
writer_init(FlatWriter *writer, ActivityIdKind kind, MemoryContext context)
{
	memset(writer, 0, sizeof(FlatWriter));
	writer->id_kind = kind;
	writer->context = context;
}

/* Starts over, keeping the body's memory. */
void
writer_reset(FlatWriter *writer)
{
	writer->len = 0;
	writer->ncustomers = 0;
	writer->ndays = 0;
	writer->previous_id = 0;
}

/* Room for `more` bytes after the body, growing it geometrically up to the 1 GB limit. */
uint8 *
writer_reserve(FlatWriter *writer, Size more)
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
 * Encodes one customer onto the flat body (layout in activity_internal.h), in id
 * order, and counts it in the flat header's fields.
 */
/* Encodes a customer's id (a delta from the previous one for bigint ids). */
static inline uint8 *
put_id(FlatWriter *writer, uint8 *p, int64 id, const char *key, int keylen)
{
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
	return p;
}

/* Counts a customer's days in the flat header's fields. */
static inline void
count_customer(FlatWriter *writer, DateADT first, DateADT last, int count)
{
	if (writer->ncustomers == 0)
		writer->min_day = first, writer->max_day = last;
	writer->min_day = Min(writer->min_day, first);
	writer->max_day = Max(writer->max_day, last);
	writer->ncustomers++;
	writer->ndays += count;
}

void
writer_add(FlatWriter *writer, int64 id, const char *key, int keylen,
			const DateADT *days, int count)
{
	uint8	   *start = writer_reserve(writer, 10 + 10 + keylen + 10 + 10 + (Size) 5 * count);
	uint8	   *p = put_id(writer, start, id, key, keylen);

	p = varint_put(p, count);
	p = varint_put(p, zigzag_encode(days[0]));
	for (int d = 1; d < count; d++)
		p = varint_put(p, (uint64) (days[d] - days[d - 1] - 1));
	writer->len += p - start;
	count_customer(writer, days[0], days[count - 1], count);
}

/*
 * Adds a cursor's current customer as it is encoded: the days' encoding
 * does not depend on the customers around it, so a customer that only one
 * part has is copied rather than encoded again.
 */
void
writer_add_encoded(FlatWriter *writer, const FlatCursor *cursor)
{
	uint8	   *start = writer_reserve(writer, 10 + 10 + cursor->keylen + cursor->encoded_len);
	uint8	   *p = put_id(writer, start, cursor->id, cursor->key, cursor->keylen);

	memcpy(p, cursor->encoded_days, cursor->encoded_len);
	p += cursor->encoded_len;
	writer->len += p - start;
	count_customer(writer, cursor->days[0], cursor->days[cursor->count - 1], cursor->count);
}

/* The size of the flat value written so far. */
Size
writer_flat_size(FlatWriter *writer)
{
	Size		size = VARHDRSZ + flat_header_size(writer->ncustomers, writer->ndays,
											  writer->min_day, writer->max_day) + writer->len;

	if (size > MaxAllocSize)
		(void) writer_reserve(writer, MaxAllocSize);	/* raises the 54000 error */
	return size;
}

void
writer_copy_into(FlatWriter *writer, void *result, Size size)
{
	uint8	   *p = (uint8 *) result + VARHDRSZ;

	SET_VARSIZE(result, size);
	p = flat_header_put(p, writer->id_kind, writer->ncustomers, writer->ndays,
				   writer->min_day, writer->max_day);
	memcpy(p, writer->body, writer->len);
	if ((Size) (p + writer->len - (uint8 *) result) != size)
		elog(ERROR, "activity summary flattened to %zu bytes instead of %zu",
			 (Size) (p + writer->len - (uint8 *) result), size);
}

/* The flat value written, in `context`; the writer's body is freed. */
struct varlena *
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

int
compare_cursor_ids(const FlatCursor *a, const FlatCursor *b)
{
	if (a->id_kind == ACTIVITY_ID_BIGINT)
		return (a->id > b->id) - (a->id < b->id);
	return compare_bytes(a->key, a->keylen, b->key, b->keylen);
}

/* Is cursor a's customer before cursor b's? (bigint ids compared inline: this runs per customer of every part) */
static inline bool
cursor_before(const FlatCursor *a, const FlatCursor *b)
{
	if (a->id_kind == ACTIVITY_ID_BIGINT)
		return a->id < b->id;
	return compare_bytes(a->key, a->keylen, b->key, b->keylen) < 0;
}

/*
 * The cursors of a k-way merge in a binary heap, smallest id on top: a
 * merge of k parts costs O(log k) comparisons per customer of a part, so
 * that 32 shard summaries (or the parts a rollup keeps) merge in one pass.
 */
void
cursor_heap_init(CursorHeap *heap, FlatCursor **cursors, int k)
{
	heap->cursors = cursors;
	heap->order = palloc(sizeof(int) * Max(k, 1));
	heap->n = 0;
}

/* Adds cursor i (positioned on a customer). */
void
cursor_heap_push(CursorHeap *heap, int i)
{
	int			pos = heap->n++;

	while (pos > 0 && cursor_before(heap->cursors[i], heap->cursors[heap->order[(pos - 1) / 2]]))
	{
		heap->order[pos] = heap->order[(pos - 1) / 2];
		pos = (pos - 1) / 2;
	}
	heap->order[pos] = i;
}

/* Removes the top cursor and restores the heap order. */
static void
cursor_heap_pop(CursorHeap *heap)
{
	int			moving = heap->order[--heap->n];
	int			pos = 0;

	for (;;)
	{
		int			child = 2 * pos + 1;

		if (child >= heap->n)
			break;
		if (child + 1 < heap->n &&
			cursor_before(heap->cursors[heap->order[child + 1]], heap->cursors[heap->order[child]]))
			child++;
		if (!cursor_before(heap->cursors[heap->order[child]], heap->cursors[moving]))
			break;
		heap->order[pos] = heap->order[child];
		pos = child;
	}
	if (heap->n > 0)
		heap->order[pos] = moving;
}

/*
 * Takes every cursor on the smallest id out of the heap, into taken[] (the
 * first one taken is a cursor with that id); returns how many, 0 at the end.
 * The caller advances them and pushes back those with customers left.
 */
int
cursor_heap_take_smallest(CursorHeap *heap, int *taken)
{
	int			ntaken = 0;
	const FlatCursor *smallest;

	if (heap->n == 0)
		return 0;
	smallest = heap->cursors[heap->order[0]];
	do
	{
		taken[ntaken++] = heap->order[0];
		cursor_heap_pop(heap);
	} while (heap->n > 0 && compare_cursor_ids(heap->cursors[heap->order[0]], smallest) == 0);
	return ntaken;
}

/*
 * Adds the union of flat parts (each sorted by id) to a writer.  This is
 * a k-way merge through a binary heap of cursors: no hashing, sequential
 * reads, O(log k) comparisons per customer of a part however many parts a
 * rollup of shard or partition summaries brings, and the customers come
 * out in id order as the flat form wants them.
 */
void
writer_add_parts(FlatWriter *writer, struct varlena **parts, int k)
{
	FlatCursor *cursors = palloc(sizeof(FlatCursor) * k);
	FlatCursor **pointers = palloc(sizeof(FlatCursor *) * k);
	int		   *taken = palloc(sizeof(int) * k);
	CursorHeap	heap;
	int			ntaken;
	DateADT    *merged = NULL;
	DateADT    *scratch = NULL;
	int64		merged_size = 0;

	cursor_heap_init(&heap, pointers, k);
	for (int i = 0; i < k; i++)
	{
		pointers[i] = &cursors[i];
		flat_cursor_begin(&cursors[i], (const uint8 *) VARDATA(parts[i]),
						  VARSIZE(parts[i]) - VARHDRSZ, ERRCODE_DATA_CORRUPTED);
		if (flat_cursor_next(&cursors[i]))
			cursor_heap_push(&heap, i);
	}

	for (int64 n = 0; (ntaken = cursor_heap_take_smallest(&heap, taken)) > 0; n++)
	{
		int			best = taken[0];
		const DateADT *days = cursors[best].days;
		int			count = cursors[best].count;

		for (int t = 1; t < ntaken; t++)
		{
			const FlatCursor *other = &cursors[taken[t]];
			DateADT    *swap;

			if (count + other->count > merged_size)
			{
				merged_size = Max(merged_size * 2, count + other->count);
				/* days may point into merged: keep it valid */
				if (days == merged)
				{
					merged = repalloc(merged, sizeof(DateADT) * merged_size);
					days = merged;
				}
				else if (merged)
					merged = repalloc(merged, sizeof(DateADT) * merged_size);
				else
					merged = palloc(sizeof(DateADT) * merged_size);
				scratch = scratch ? repalloc(scratch, sizeof(DateADT) * merged_size) :
					palloc(sizeof(DateADT) * merged_size);
			}
			count = union_days(days, count, other->days, other->count, scratch);
			swap = merged;
			merged = scratch;
			scratch = swap;
			days = merged;
		}
		if (ntaken == 1)
			writer_add_encoded(writer, &cursors[best]);
		else
			writer_add(writer, cursors[best].id, cursors[best].key, cursors[best].keylen,
					   days, count);

		/* advance the parts taken and put those with customers left back */
		for (int t = 0; t < ntaken; t++)
			if (flat_cursor_next(&cursors[taken[t]]))
				cursor_heap_push(&heap, taken[t]);
		if ((n & 0xffff) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	pfree(cursors);
	pfree(pointers);
	pfree(taken);
	pfree(heap.order);
	if (merged)
		pfree(merged);
	if (scratch)
		pfree(scratch);
}

/* ---------------------------------------------------------------- */
/* decoding                                                         */
/* ---------------------------------------------------------------- */

/* Starts decoding len bytes of a flat value: reads and checks the header. */
void
flat_cursor_begin(FlatCursor *cursor, const uint8 *data, Size len, int error_code)
{
	uint64		value;

	memset(cursor, 0, sizeof(FlatCursor));
	cursor->error_code = error_code;
	cursor->start = data;
	cursor->len = len;
	cursor->pos = data;
	cursor->end = data + len;
	if (len < 2)
		cursor_error(cursor, "The value is truncated.");
	if (data[0] != ACTIVITY_VERSION)
		cursor_error(cursor, psprintf("Format version %d is not supported; this version of retention reads version %d.",
									  data[0], ACTIVITY_VERSION));
	if (data[1] < ACTIVITY_ID_BIGINT || data[1] > ACTIVITY_ID_UUID)
		cursor_error(cursor, psprintf("Customer id type %d is not 1 (bigint), 2 (text) or 3 (uuid).", data[1]));
	cursor->id_kind = (ActivityIdKind) data[1];
	cursor->pos += 2;
	value = cursor_varint(cursor);
	if (value > PG_INT64_MAX)
		cursor_error(cursor, "The customer count is out of range.");
	cursor->ncustomers = cursor->remaining_customers = (int64) value;
	value = cursor_varint(cursor);
	if (value > PG_INT64_MAX || value < (uint64) cursor->ncustomers)
		cursor_error(cursor, "The day count is smaller than the customer count.");
	cursor->ndays = cursor->remaining_days = (int64) value;
	if (cursor->ncustomers > 0)
	{
		int64		min_day = zigzag_decode(cursor_varint(cursor));
		uint64		span = cursor_varint(cursor);

		if (min_day < ACTIVITY_MIN_DAY || min_day > ACTIVITY_MAX_DAY ||
			span > (uint64) (ACTIVITY_MAX_DAY - min_day))
			cursor_error(cursor, "The range of days is outside the years 1 to 9999.");
		cursor->min_day = (DateADT) min_day;
		cursor->max_day = (DateADT) (min_day + (int64) span);
		/* the first and last day seen must be these */
		cursor->seen_min_day = cursor->max_day;
		cursor->seen_max_day = cursor->min_day;
	}
	if (cursor->ncustomers == 0 && cursor->pos != cursor->end)
		cursor_error(cursor, "Bytes follow the last customer.");
}


/* Advances to the next customer; false at the end (see FlatCursor). */
bool
flat_cursor_next(FlatCursor *cursor)
{
	uint64		value;
	int64		day;
	int			count;

	if (cursor->remaining_customers == 0)
	{
		if (cursor->pos != cursor->end)
			cursor_error(cursor, "Bytes follow the last customer.");
		if (cursor->remaining_days != 0)
			cursor_error(cursor, "The day count does not match the customers' days.");
		if (cursor->ncustomers > 0 &&
			(cursor->seen_min_day != cursor->min_day || cursor->seen_max_day != cursor->max_day))
			cursor_error(cursor, "The range of days in the header does not match the customers' days.");
		return false;
	}

	/* the id, ascending */
	if (cursor->id_kind == ACTIVITY_ID_BIGINT)
	{
		bool		first = cursor->remaining_customers == cursor->ncustomers;
		int64		id;

		value = cursor_varint(cursor);
		id = (int64) ((uint64) cursor->id + value);
		if (!first && (value == 0 || id <= cursor->id))
			cursor_error(cursor, "Customer ids are not strictly ascending.");
		cursor->id = id;
	}
	else
	{
		const char *previous = cursor->key;
		int			previous_len = cursor->keylen;
		bool		first = cursor->remaining_customers == cursor->ncustomers;
		uint64		len = ACTIVITY_UUID_LEN;

		if (cursor->id_kind == ACTIVITY_ID_TEXT)
		{
			len = cursor_varint(cursor);
			if (len > (uint64) (cursor->end - cursor->pos))
				cursor_error(cursor, "The value is truncated.");
		}
		else if (cursor->end - cursor->pos < ACTIVITY_UUID_LEN)
			cursor_error(cursor, "The value is truncated.");
		cursor->key = (const char *) cursor->pos;
		cursor->keylen = (int) len;
		cursor->pos += len;
		if (!first && compare_bytes(previous, previous_len, cursor->key, cursor->keylen) >= 0)
			cursor_error(cursor, "Customer ids are not strictly ascending.");
		if (cursor->id_kind == ACTIVITY_ID_TEXT &&
			!pg_verifymbstr(cursor->key, cursor->keylen, true))
			cursor_error(cursor, "A customer id is not valid text in the database encoding.");
	}

	/* the days, ascending */
	cursor->encoded_days = cursor->pos;
	value = cursor_varint(cursor);
	if (value == 0 || value > (uint64) cursor->remaining_days ||
		value > (uint64) (ACTIVITY_MAX_DAY - ACTIVITY_MIN_DAY + 1))
		cursor_error(cursor, "A customer's day count is zero or exceeds the total.");
	count = (int) Min(value, (uint64) PG_INT32_MAX);
	if (count > cursor->buffer_size)
	{
		int			size = Max(64, cursor->buffer_size);

		while (size < count)
			size *= 2;
		if (cursor->buffer)
			pfree(cursor->buffer);
		cursor->buffer = MemoryContextAllocHuge(CurrentMemoryContext, size * sizeof(DateADT));
		cursor->buffer_size = size;
	}
	day = zigzag_decode(cursor_varint(cursor));
	if (day < cursor->min_day || day > cursor->max_day)
		cursor_error(cursor, "A day is outside the range of days in the header.");
	cursor->buffer[0] = (DateADT) day;
	for (int i = 1; i < count; i++)
	{
		/* days ascend: the next one, day + value + 1, must not pass max_day */
		value = cursor_varint(cursor);
		if (value >= (uint64) (cursor->max_day - day))
			cursor_error(cursor, "A day is outside the range of days in the header.");
		day += (int64) value + 1;
		cursor->buffer[i] = (DateADT) day;
	}
	cursor->seen_min_day = Min(cursor->seen_min_day, cursor->buffer[0]);
	cursor->seen_max_day = Max(cursor->seen_max_day, cursor->buffer[count - 1]);
	cursor->days = cursor->buffer;
	cursor->count = count;
	cursor->encoded_len = cursor->pos - cursor->encoded_days;
	cursor->remaining_customers--;
	cursor->remaining_days -= count;
	return true;
}
