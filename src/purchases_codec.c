/*
 * purchases_codec.c
 *		The flat form of the purchases summary (layout in purchases.h): the
 *		writer, the validating cursor and the k-way merge of sorted parts.
 *		Ids and days go through the activity codec; this file adds the day
 *		entries (rows and total) that follow them.
 */
#include "retention.h"

#include <math.h>

#include "miscadmin.h"
#include "purchases.h"
#include "summary_io.h"
#include "utils/float.h"

const char *const purchases_amount_kind_names[] = {NULL, "numeric", "float8"};

pg_noreturn static void
purchases_flat_error(int error_code, const char *detail)
{
	if (error_code == ERRCODE_INVALID_BINARY_REPRESENTATION)
		summary_binary_error("purchases", detail);
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("corrupted purchases value"),
			 errdetail("%s", detail)));
}

pg_noreturn void
purchases_kind_mismatch(PurchasesAmountKind a, PurchasesAmountKind b)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("cannot combine purchases of %s amounts with purchases of %s amounts",
					purchases_amount_kind_names[a], purchases_amount_kind_names[b]),
			 errhint("Aggregate amounts of one type into one summary: cast them all to numeric or all to float8.")));
}

/*
 * sum += add.  Numeric totals are exact: both are brought to the larger
 * scale; a total that leaves 37 digits is an error rather than a rounded
 * number.
 */
void
purchases_total_add(PurchasesAmountKind kind, PurchasesTotal *sum, const PurchasesTotal *add)
{
	if (kind == PURCHASES_FLOAT8)
	{
		double		r = sum->real + add->real;

		if (isinf(r))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("purchases total out of range: %s + %s overflows float8",
							float8out_internal(sum->real), float8out_internal(add->real)),
					 errhint("Cast the amounts to numeric, which purchases_agg sums exactly.")));
		sum->real = r;
	}
	else
	{
		int			scale = Max(sum->scale, add->scale);
		int128		a,
					b;

		if (!fixed_rescale(sum->fixed, scale - sum->scale, &a) ||
			!fixed_rescale(add->fixed, scale - add->scale, &b) ||
			!fixed_in_range(a + b))
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("purchases day total out of range: %s + %s",
							fixed_to_cstring(sum->fixed, sum->scale),
							fixed_to_cstring(add->fixed, add->scale)),
					 errhint("A customer's total of one day must have fewer than 37 significant digits and at most 30 decimal places; round the amounts.")));
		sum->fixed = a + b;
		sum->scale = scale;
	}
}

/* ---- writing ---- */

void
purchases_writer_init(PurchasesWriter *writer, ActivityIdKind id_kind,
					  PurchasesAmountKind amount_kind, MemoryContext context)
{
	memset(writer, 0, sizeof(PurchasesWriter));
	writer->amount_kind = amount_kind;
	writer->context = context;
	writer_init(&writer->days, id_kind, context);
}

static uint8 *
entries_reserve(PurchasesWriter *writer, Size more)
{
	if (writer->len + more > writer->size)
	{
		Size		size = Max(writer->size * 2, writer->len + more + 1024);

		if (size >= MaxAllocHugeSize / 2)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("purchases summary exceeds the size limit of a value"),
					 errhint("Split the rows into several summaries, for example by customer.")));
		writer->entries = writer->entries ?
			repalloc_huge(writer->entries, size) :
			MemoryContextAllocHuge(writer->context, size);
		writer->size = size;
	}
	return writer->entries + writer->len;
}

static inline uint8 *
int128_put(uint8 *p, int128 value)
{
	uint128		z = ((uint128) value << 1) ^ (uint128) (value >> 127);

	while (z >= 0x80)
	{
		*p++ = (uint8) (z | 0x80);
		z >>= 7;
	}
	*p++ = (uint8) z;
	return p;
}

void
purchases_writer_add(PurchasesWriter *writer, int64 id, const char *key, int keylen,
					 const DateADT *days, const int64 *rows,
					 const PurchasesTotal *totals, int count)
{
	uint8	   *start = entries_reserve(writer, (Size) count * (10 + 1 + 19));
	uint8	   *p = start;

	writer_add(&writer->days, id, key, keylen, days, count);
	for (int d = 0; d < count; d++)
	{
		p = varint_put(p, (uint64) rows[d]);
		if (writer->amount_kind == PURCHASES_NUMERIC)
		{
			*p++ = (uint8) totals[d].scale;
			p = int128_put(p, totals[d].fixed);
		}
		else
		{
			uint64		bits;

			memcpy(&bits, &totals[d].real, 8);
			for (int b = 0; b < 8; b++)
				*p++ = (uint8) (bits >> (8 * b));
		}
	}
	writer->len += p - start;
}

struct varlena *
purchases_writer_finish(PurchasesWriter *writer, MemoryContext context)
{
	Size		days_size = writer_flat_size(&writer->days);	/* with its varlena header */
	Size		body = days_size - VARHDRSZ;
	Size		size = VARHDRSZ + 2 + varint_size(body) + body + writer->len;
	struct varlena *result;
	struct varlena *days;
	uint8	   *p;

	if (size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("purchases summary of %zu bytes exceeds the limit of %zu bytes of a value",
						size, (Size) MaxAllocSize),
				 errhint("Split the rows into several summaries, for example by customer or by month.")));
	days = palloc_extended(days_size, MCXT_ALLOC_HUGE);
	writer_copy_into(&writer->days, days, days_size);
	result = MemoryContextAlloc(context, size);
	SET_VARSIZE(result, size);
	p = (uint8 *) VARDATA(result);
	*p++ = PURCHASES_VERSION;
	*p++ = (uint8) writer->amount_kind;
	p = varint_put(p, body);
	memcpy(p, VARDATA(days), body);
	p += body;
	if (writer->len > 0)
		memcpy(p, writer->entries, writer->len);
	pfree(days);
	if (writer->days.body)
		pfree(writer->days.body);
	if (writer->entries)
		pfree(writer->entries);
	writer->days.body = NULL;
	writer->entries = NULL;
	return result;
}

/* ---- reading ---- */

static uint64
entry_varint(PurchasesCursor *cursor)
{
	uint64		value = 0;
	int			shift = 0;

	for (;;)
	{
		uint8		byte;

		if (cursor->pos >= cursor->end)
			purchases_flat_error(cursor->error_code, "The value is truncated.");
		byte = *cursor->pos++;
		if (shift == 63 && byte > 1)
			purchases_flat_error(cursor->error_code, "A number is out of range.");
		value |= (uint64) (byte & 0x7f) << shift;
		if ((byte & 0x80) == 0)
		{
			if (byte == 0 && shift > 0)
				purchases_flat_error(cursor->error_code, "A number is not minimally encoded.");
			return value;
		}
		shift += 7;
	}
}

static int128
entry_int128(PurchasesCursor *cursor)
{
	uint128		z = 0;
	int			shift = 0;

	for (;;)
	{
		uint8		byte;

		if (cursor->pos >= cursor->end)
			purchases_flat_error(cursor->error_code, "The value is truncated.");
		byte = *cursor->pos++;
		if (shift > 126)
			purchases_flat_error(cursor->error_code, "A total is out of range.");
		z |= (uint128) (byte & 0x7f) << shift;
		if ((byte & 0x80) == 0)
		{
			if (byte == 0 && shift > 0)
				purchases_flat_error(cursor->error_code, "A number is not minimally encoded.");
			break;
		}
		shift += 7;
	}
	return (int128) (z >> 1) ^ -(int128) (z & 1);
}

/* The activity body inside a flat purchases value (validated by the cursor). */
void
purchases_cursor_activity(const struct varlena *flat, const uint8 **body, Size *len)
{
	PurchasesCursor cursor;

	purchases_cursor_begin(&cursor, flat, ERRCODE_DATA_CORRUPTED);
	*body = cursor.days.start;
	*len = cursor.days.len;
}

void
purchases_cursor_begin(PurchasesCursor *cursor, const struct varlena *flat, int error_code)
{
	const uint8 *p = (const uint8 *) VARDATA_ANY(flat);
	const uint8 *end = p + VARSIZE_ANY_EXHDR(flat);
	uint64		body;

	memset(cursor, 0, sizeof(PurchasesCursor));
	cursor->error_code = error_code;
	if (end - p < 3)
		purchases_flat_error(error_code, "The value is truncated.");
	if (p[0] != PURCHASES_VERSION)
		purchases_flat_error(error_code,
							 psprintf("Format version %d is not supported; this version of retention reads version %d.",
									  p[0], PURCHASES_VERSION));
	if (p[1] != PURCHASES_NUMERIC && p[1] != PURCHASES_FLOAT8)
		purchases_flat_error(error_code,
							 psprintf("Amount kind %d is not 1 (numeric) or 2 (float8).", p[1]));
	cursor->amount_kind = (PurchasesAmountKind) p[1];
	cursor->pos = p + 2;
	cursor->end = end;
	body = entry_varint(cursor);
	if (body > (uint64) (end - cursor->pos))
		purchases_flat_error(error_code, "The value is truncated.");
	flat_cursor_begin(&cursor->days, cursor->pos, (Size) body, error_code);
	cursor->pos += body;
	if (cursor->days.ncustomers == 0 && cursor->pos != cursor->end)
		purchases_flat_error(error_code, "Bytes follow the last customer.");
}

bool
purchases_cursor_next(PurchasesCursor *cursor)
{
	int			n;

	if (!flat_cursor_next(&cursor->days))
	{
		if (cursor->pos != cursor->end)
			purchases_flat_error(cursor->error_code, "Bytes follow the last customer.");
		return false;
	}
	n = cursor->days.count;
	if (n > cursor->size)
	{
		int			size = Max(n, cursor->size * 2);

		if (cursor->rows)
		{
			pfree(cursor->rows);
			pfree(cursor->totals);
		}
		cursor->rows = palloc(sizeof(int64) * size);
		cursor->totals = palloc(sizeof(PurchasesTotal) * size);
		cursor->size = size;
	}
	for (int d = 0; d < n; d++)
	{
		uint64		rows = entry_varint(cursor);
		PurchasesTotal *t = &cursor->totals[d];

		if (rows == 0 || rows > PG_INT64_MAX)
			purchases_flat_error(cursor->error_code, "A day has no rows.");
		cursor->rows[d] = (int64) rows;
		if (cursor->amount_kind == PURCHASES_NUMERIC)
		{
			if (cursor->pos >= cursor->end)
				purchases_flat_error(cursor->error_code, "The value is truncated.");
			t->scale = *cursor->pos++;
			if (t->scale > DECIMAL_MAX_SCALE)
				purchases_flat_error(cursor->error_code, "A scale is out of range.");
			t->fixed = entry_int128(cursor);
			if (!fixed_in_range(t->fixed))
				purchases_flat_error(cursor->error_code, "A total is out of range.");
			t->real = 0;
		}
		else
		{
			uint64		bits = 0;

			if (cursor->end - cursor->pos < 8)
				purchases_flat_error(cursor->error_code, "The value is truncated.");
			for (int b = 0; b < 8; b++)
				bits |= (uint64) cursor->pos[b] << (8 * b);
			cursor->pos += 8;
			memcpy(&t->real, &bits, 8);
			if (isnan(t->real) || isinf(t->real))
				purchases_flat_error(cursor->error_code, "A total is not a finite number.");
			t->fixed = 0;
			t->scale = 0;
		}
	}
	return true;
}

/* ---- merging ---- */

static int
compare_cursor_ids(const FlatCursor *a, const FlatCursor *b)
{
	if (a->id_kind == ACTIVITY_ID_BIGINT)
		return (a->id > b->id) - (a->id < b->id);
	return compare_bytes(a->key, a->keylen, b->key, b->keylen);
}

/*
 * Merges flat parts, each sorted by id, into one: a customer in several
 * parts gets the union of its days, the rows and totals of a day in several
 * parts added up.  Parts come in the order they were made, and days are
 * added in that order, so a serial aggregate sums float8 totals the same
 * way every time.
 */
struct varlena *
purchases_merge_flat(struct varlena **parts, int nparts, MemoryContext context)
{
	PurchasesCursor *cursors = palloc(sizeof(PurchasesCursor) * nparts);
	bool	   *live = palloc(sizeof(bool) * nparts);
	PurchasesWriter writer;
	ActivityIdKind id_kind = 0;
	PurchasesAmountKind amount_kind = 0;
	Size		total = 0;
	DateADT    *days = NULL;
	int64	   *rows = NULL;
	PurchasesTotal *totals = NULL;
	int			size = 0;
	int64		done = 0;
	struct varlena *result;

	for (int i = 0; i < nparts; i++)
	{
		purchases_cursor_begin(&cursors[i], parts[i], ERRCODE_DATA_CORRUPTED);
		if (i == 0)
		{
			id_kind = cursors[i].days.id_kind;
			amount_kind = cursors[i].amount_kind;
		}
		else if (cursors[i].days.id_kind != id_kind)
			activity_id_kind_mismatch(id_kind, cursors[i].days.id_kind);
		else if (cursors[i].amount_kind != amount_kind)
			purchases_kind_mismatch(amount_kind, cursors[i].amount_kind);
		live[i] = purchases_cursor_next(&cursors[i]);
		total += VARSIZE_ANY(parts[i]);
	}
	purchases_writer_init(&writer, id_kind, amount_kind, CurrentMemoryContext);
	(void) writer_reserve(&writer.days, Min(total, MaxAllocSize / 2));

	for (;;)
	{
		int			first = -1;
		int			count = 0;
		FlatCursor	current;

		for (int i = 0; i < nparts; i++)
			if (live[i] && (first < 0 ||
							compare_cursor_ids(&cursors[i].days, &cursors[first].days) < 0))
				first = i;
		if (first < 0)
			break;
		/* the id (its bytes stay in the part) outlives the cursor's move */
		current = cursors[first].days;
		for (int i = first; i < nparts; i++)
		{
			PurchasesCursor *c = &cursors[i];
			int			n = c->days.count;
			int			merged = 0,
						a = 0,
						b = 0;

			if (!live[i] || compare_cursor_ids(&c->days, &current) != 0)
				continue;
			if (count + n > size)
			{
				int			grown = Max(count + n, size * 2);

				days = days ? repalloc(days, sizeof(DateADT) * grown) : palloc(sizeof(DateADT) * grown);
				rows = rows ? repalloc(rows, sizeof(int64) * grown) : palloc(sizeof(int64) * grown);
				totals = totals ? repalloc(totals, sizeof(PurchasesTotal) * grown) :
					palloc(sizeof(PurchasesTotal) * grown);
				size = grown;
			}
			if (count == 0)
			{
				memcpy(days, c->days.days, sizeof(DateADT) * n);
				memcpy(rows, c->rows, sizeof(int64) * n);
				memcpy(totals, c->totals, sizeof(PurchasesTotal) * n);
				count = n;
			}
			else
			{
				/* union in place, from the back: room for count + n */
				int			out = count + n;

				a = count - 1;
				b = n - 1;
				while (b >= 0)
				{
					out--;
					if (a >= 0 && days[a] > c->days.days[b])
					{
						days[out] = days[a];
						rows[out] = rows[a];
						totals[out] = totals[a];
						a--;
					}
					else if (a >= 0 && days[a] == c->days.days[b])
					{
						days[out] = days[a];
						rows[out] = rows[a] + c->rows[b];
						totals[out] = totals[a];
						purchases_total_add(amount_kind, &totals[out], &c->totals[b]);
						a--;
						b--;
						merged++;
					}
					else
					{
						days[out] = c->days.days[b];
						rows[out] = c->rows[b];
						totals[out] = c->totals[b];
						b--;
					}
				}
				/* close the gap the merged days left */
				if (out > a + 1)
				{
					int			tail = count + n - out;

					memmove(&days[a + 1], &days[out], sizeof(DateADT) * tail);
					memmove(&rows[a + 1], &rows[out], sizeof(int64) * tail);
					memmove(&totals[a + 1], &totals[out], sizeof(PurchasesTotal) * tail);
				}
				count = count + n - merged;
			}
			live[i] = purchases_cursor_next(c);
		}
		purchases_writer_add(&writer, current.id, current.key, current.keylen,
							 days, rows, totals, count);
		if ((++done & 0xffff) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	result = purchases_writer_finish(&writer, context);
	return result;
}
