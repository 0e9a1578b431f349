/*
 * purchases_codec.c
 *		The flat form of the purchases summary (layout in purchases.h): a
 *		customer's days with their totals (PurchasesDays), the writer, the
 *		validating cursor and the k-way merge of sorted parts.  Ids and days
 *		go through the activity codec; this file adds the entry blocks that
 *		follow them.
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
 * sum += add for numeric totals, exactly: both are brought to the larger
 * scale; a total that leaves 37 digits is an error rather than a rounded
 * number.
 */
void
purchases_fixed_add(PurchasesTotal *sum, const PurchasesTotal *add)
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

/* ---- float8 totals ---- */

/* A double (finite, of magnitude below 2^95) as an exact sum. */
void
purchases_float8_to_sum(double value, FloatSum *sum)
{
	float_sum_init(sum);
	float_sum_add_float8(sum, value, "purchases amount");
}

/*
 * The expansion of an exact sum: the nearest double, then the nearest
 * double to what is left, and so on until nothing is; the count of terms.
 * Each term lies on the sum's grid, so subtracting it is exact.
 */
static int
sum_terms(const FloatSum *sum, double *terms)
{
	FloatSum	rest = *sum;
	int			n = 0;

	do
	{
		double		term = float_sum_value(&rest);

		if (n == PURCHASES_MAX_TERMS)
			elog(ERROR, "float8 sum of more than %d terms", PURCHASES_MAX_TERMS);
		terms[n++] = term;
		float_sum_add_float8(&rest, -term, "purchases total");
	} while (!float_sum_is_zero(&rest));
	return n;
}

/*
 * Sets a float8 total to an exact sum: its nearest double and, when that is
 * not the sum, the sum itself (in the total's slot, or a new one).  Totals
 * of magnitude 2^95 or more are an error (22003), so that every stored
 * total can be summed again exactly.
 */
void
purchases_total_set_exact(PurchasesDays *days, PurchasesTotal *total, const FloatSum *sum)
{
	double		value = float_sum_value(sum);
	FloatSum	check;

	if (fabs(value) >= PURCHASES_FLOAT8_LIMIT)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("purchases day total %s is out of range", float8out_internal(value)),
				 errhint("Totals of one customer and day must be below 2^95 in magnitude; use numeric amounts for larger ones.")));
	total->real = value;
	purchases_float8_to_sum(value, &check);
	float_sum_subtract(&check, sum);
	if (float_sum_is_zero(&check))
	{
		total->exact = 0;
		return;
	}
	if (total->exact == 0)
	{
		if (days->nsums == days->sums_size)
		{
			days->sums_size = Max(16, days->sums_size * 2);
			days->sums = days->sums ? repalloc(days->sums, sizeof(FloatSum) * days->sums_size) :
				palloc(sizeof(FloatSum) * days->sums_size);
		}
		total->exact = ++days->nsums;
	}
	days->sums[total->exact - 1] = *sum;
}

/* ---- a customer's days ---- */

void
purchases_days_init(PurchasesDays *days, PurchasesAmountKind kind)
{
	memset(days, 0, sizeof(PurchasesDays));
	days->amount_kind = kind;
	days->scale = -1;
}

void
purchases_days_reset(PurchasesDays *days)
{
	days->count = 0;
	days->nsums = 0;
	days->scale = -1;
}

void
purchases_days_reserve(PurchasesDays *days, int count)
{
	int			size;

	if (count <= days->size)
		return;
	size = Max(64, days->size);
	while (size < count)
		size *= 2;
	if (days->days)
	{
		days->days = repalloc_huge(days->days, sizeof(DateADT) * size);
		days->rows = repalloc_huge(days->rows, sizeof(int64) * size);
		days->totals = repalloc_huge(days->totals, sizeof(PurchasesTotal) * size);
	}
	else
	{
		days->days = palloc_extended(sizeof(DateADT) * size, MCXT_ALLOC_HUGE);
		days->rows = palloc_extended(sizeof(int64) * size, MCXT_ALLOC_HUGE);
		days->totals = palloc_extended(sizeof(PurchasesTotal) * size, MCXT_ALLOC_HUGE);
	}
	days->size = size;
}

void
purchases_days_exact(const PurchasesDays *days, int index, FloatSum *sum)
{
	const PurchasesTotal *total = &days->totals[index];

	if (total->exact)
		*sum = days->sums[total->exact - 1];
	else
		purchases_float8_to_sum(total->real, sum);
}

void
purchases_days_add(PurchasesDays *days, int index, int64 rows, const PurchasesTotal *total,
				   const FloatSum *exact)
{
	PurchasesTotal *sum = &days->totals[index];

	days->rows[index] += rows;
	if (days->amount_kind == PURCHASES_NUMERIC)
		purchases_fixed_add(sum, total);
	else
	{
		FloatSum	a,
					b;

		purchases_days_exact(days, index, &a);
		if (exact)
			b = *exact;
		else
			purchases_float8_to_sum(total->real, &b);
		float_sum_add(&a, &b);
		purchases_total_set_exact(days, sum, &a);
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
	writer_init(&writer->ids, id_kind, context);
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

/* Room for about this many bytes of ids and days, and of entries. */
void
purchases_writer_reserve(PurchasesWriter *writer, Size ids, Size entries)
{
	(void) writer_reserve(&writer->ids, Min(ids, MaxAllocSize / 2));
	(void) entries_reserve(writer, Min(entries, MaxAllocSize / 2));
}

static inline uint8 *
uint128_put(uint8 *p, uint128 value)
{
	if (value >> 64 == 0)
		return varint_put(p, (uint64) value);
	while (value >= 0x80)
	{
		*p++ = (uint8) (value | 0x80);
		value >>= 7;
	}
	*p++ = (uint8) value;
	return p;
}

static inline uint8 *
double_put(uint8 *p, double value)
{
	uint64		bits;

	memcpy(&bits, &value, 8);
	for (int b = 0; b < 8; b++)
		*p++ = (uint8) (bits >> (8 * b));
	return p;
}

void
purchases_writer_add(PurchasesWriter *writer, int64 id, const char *key, int keylen,
					 const PurchasesDays *days)
{
	int			count = days->count;
	const PurchasesTotal *totals = days->totals;
	int			multi = 0;
	uint64		header = 0;
	uint8	   *start,
			   *p;
	int			previous = -1;

	writer_add(&writer->ids, id, key, keylen, days->days, count);
	if (writer->amount_kind == PURCHASES_NUMERIC)
	{
		int			scale = totals[0].scale;
		bool		negative = false;

		for (int d = 0; d < count; d++)
		{
			multi += days->rows[d] > 1;
			if (totals[d].scale != scale)
				scale = PURCHASES_MIXED_SCALES;
			negative |= totals[d].fixed < 0;
		}
		header = (negative ? PURCHASES_SIGNED : 0) | ((uint64) scale << PURCHASES_SCALE_SHIFT);
	}
	else
	{
		for (int d = 0; d < count; d++)
			multi += days->rows[d] > 1;
	}
	header |= (uint64) multi << PURCHASES_MULTI_SHIFT;

	/* per day at most a scale byte and 19 bytes of total, or 8 bytes */
	start = entries_reserve(writer, 10 + (Size) count * 20 +
							(Size) multi * (20 + (PURCHASES_MAX_TERMS - 1) * 8));
	p = varint_put(start, header);
	for (int d = 0; d < count && multi > 0; d++)
	{
		if (days->rows[d] <= 1)
			continue;
		p = varint_put(p, (uint64) (d - previous - 1));
		p = varint_put(p, (uint64) (days->rows[d] - 2));
		previous = d;
		if (writer->amount_kind == PURCHASES_FLOAT8)
		{
			double		terms[PURCHASES_MAX_TERMS];
			int			n = 1;

			if (totals[d].exact)
				n = sum_terms(&days->sums[totals[d].exact - 1], terms);
			p = varint_put(p, (uint64) (n - 1));
			for (int t = 1; t < n; t++)
				p = double_put(p, terms[t]);
		}
	}
	if (writer->amount_kind == PURCHASES_FLOAT8)
	{
		for (int d = 0; d < count; d++)
			p = double_put(p, totals[d].real);
	}
	else
	{
		bool		mixed = ((header >> PURCHASES_SCALE_SHIFT) & 31) == PURCHASES_MIXED_SCALES;

		for (int d = 0; d < count; d++)
		{
			int128		v = totals[d].fixed;

			if (mixed)
				*p++ = (uint8) totals[d].scale;
			if (header & PURCHASES_SIGNED)
				p = uint128_put(p, ((uint128) v << 1) ^ (uint128) (v >> 127));
			else
				p = uint128_put(p, (uint128) v);
		}
	}
	writer->len += p - start;
}

struct varlena *
purchases_writer_finish(PurchasesWriter *writer, MemoryContext context)
{
	Size		ids_size = writer_flat_size(&writer->ids);	/* with its varlena header */
	Size		body = ids_size - VARHDRSZ;
	Size		size = VARHDRSZ + 2 + varint_size(body) + body + writer->len;
	struct varlena *result;
	uint8	   *p;

	if (size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("purchases summary of %zu bytes exceeds the limit of %zu bytes of a value",
						size, (Size) MaxAllocSize),
				 errhint("Split the rows into several summaries, for example by customer or by month.")));
	result = MemoryContextAlloc(context, size);
	p = (uint8 *) VARDATA(result) + 2 + varint_size(body);
	/*
	 * The activity value first, its varlena header in the bytes before the
	 * body, which the purchases header then takes (it starts 3 or more
	 * bytes into the value, so no byte before `result` is written).
	 */
	writer_copy_into(&writer->ids, p - VARHDRSZ, ids_size);
	SET_VARSIZE(result, size);
	p = (uint8 *) VARDATA(result);
	*p++ = PURCHASES_VERSION;
	*p++ = (uint8) writer->amount_kind;
	p = varint_put(p, body);
	p += body;
	if (writer->len > 0)
		memcpy(p, writer->entries, writer->len);
	if (writer->ids.body)
		pfree(writer->ids.body);
	if (writer->entries)
		pfree(writer->entries);
	writer->ids.body = NULL;
	writer->entries = NULL;
	return result;
}

/* ---- reading ---- */

static uint64
entry_varint(PurchasesCursor *cursor)
{
	uint64		value = 0;
	int			shift = 0;

	if (likely(cursor->pos < cursor->end && *cursor->pos < 0x80))
		return *cursor->pos++;
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

/* A total's varint: usually one to three bytes, at most 19. */
static inline uint128
entry_varint128(PurchasesCursor *cursor)
{
	const uint8 *p = cursor->pos;
	uint128		value;
	int			shift;

	if (likely(cursor->end - p >= 3))
	{
		if (p[0] < 0x80)
		{
			cursor->pos = p + 1;
			return p[0];
		}
		if (p[1] < 0x80 && p[1] != 0)
		{
			cursor->pos = p + 2;
			return (p[0] & 0x7f) | ((uint64) p[1] << 7);
		}
		if (p[1] >= 0x80 && p[2] < 0x80 && p[2] != 0)
		{
			cursor->pos = p + 3;
			return (p[0] & 0x7f) | ((uint64) (p[1] & 0x7f) << 7) | ((uint64) p[2] << 14);
		}
	}
	value = 0;
	shift = 0;
	for (;;)
	{
		uint8		byte;

		if (cursor->pos >= cursor->end)
			purchases_flat_error(cursor->error_code, "The value is truncated.");
		byte = *cursor->pos++;
		if (shift == 126 && byte > 3)
			purchases_flat_error(cursor->error_code, "A total is out of range.");
		value |= (uint128) (byte & 0x7f) << shift;
		if ((byte & 0x80) == 0)
		{
			if (byte == 0 && shift > 0)
				purchases_flat_error(cursor->error_code, "A number is not minimally encoded.");
			return value;
		}
		shift += 7;
	}
}

static double
entry_double(PurchasesCursor *cursor)
{
	uint64		bits = 0;
	double		value;

	if (cursor->end - cursor->pos < 8)
		purchases_flat_error(cursor->error_code, "The value is truncated.");
	for (int b = 0; b < 8; b++)
		bits |= (uint64) cursor->pos[b] << (8 * b);
	cursor->pos += 8;
	memcpy(&value, &bits, 8);
	return value;
}

/* A float8 term as the writer writes it: finite, below 2^95, on the grid, not -0. */
static double
entry_term(PurchasesCursor *cursor)
{
	double		value = entry_double(cursor);
	double		magnitude = fabs(value);

	if (!(magnitude < PURCHASES_FLOAT8_LIMIT))
		purchases_flat_error(cursor->error_code, "A total is not a finite number below 2^95.");
	if (magnitude < PURCHASES_FLOAT8_GRID_EXACT)
	{
		FloatSum	sum;

		if (value == 0 && signbit(value))
			purchases_flat_error(cursor->error_code, "A total is negative zero.");
		purchases_float8_to_sum(value, &sum);
		if (float_sum_value(&sum) != value)
			purchases_flat_error(cursor->error_code, "A total is not a multiple of 2^-96.");
	}
	return value;
}

/* The activity body inside a flat purchases value (validated by the cursor). */
void
purchases_cursor_activity(const struct varlena *flat, const uint8 **body, Size *len)
{
	PurchasesCursor cursor;

	purchases_cursor_begin(&cursor, flat, ERRCODE_DATA_CORRUPTED);
	*body = cursor.ids.start;
	*len = cursor.ids.len;
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
	flat_cursor_begin(&cursor->ids, cursor->pos, (Size) body, error_code);
	cursor->pos += body;
	if (cursor->ids.ncustomers == 0 && cursor->pos != cursor->end)
		purchases_flat_error(error_code, "Bytes follow the last customer.");
	purchases_days_init(&cursor->current, cursor->amount_kind);
}

/*
 * The days of rows > 1 and, for float8, the terms of their totals beyond
 * the first: terms[d * (PURCHASES_MAX_TERMS - 1) ...], nterms[d] of them.
 */
static void
read_multi_days(PurchasesCursor *cursor, PurchasesDays *current, uint64 multi,
				double *terms, int *nterms)
{
	int			n = current->count;
	int			d = -1;

	if (multi > (uint64) n)
		purchases_flat_error(cursor->error_code, "More days have several rows than the customer has days.");
	for (uint64 i = 0; i < multi; i++)
	{
		uint64		gap = entry_varint(cursor);
		uint64		rows = entry_varint(cursor);

		if (gap >= (uint64) (n - d - 1))
			purchases_flat_error(cursor->error_code, "A day with several rows is past the customer's days.");
		d += (int) gap + 1;
		if (rows > (uint64) PG_INT64_MAX - 2)
			purchases_flat_error(cursor->error_code, "A number of rows is out of range.");
		current->rows[d] = (int64) rows + 2;
		if (cursor->amount_kind == PURCHASES_FLOAT8)
		{
			uint64		k = entry_varint(cursor);

			if (k >= PURCHASES_MAX_TERMS)
				purchases_flat_error(cursor->error_code, "A total has too many terms.");
			nterms[d] = (int) k;
			for (uint64 t = 0; t < k; t++)
			{
				double		term = entry_term(cursor);

				if (term == 0)
					purchases_flat_error(cursor->error_code, "A term of a total is zero.");
				terms[d * (PURCHASES_MAX_TERMS - 1) + t] = term;
			}
		}
	}
}

/*
 * The exact total of a float8 day stored as several terms: their sum, whose
 * expansion must be those very terms (so that a total has one encoding).
 */
static void
read_float8_total(PurchasesCursor *cursor, PurchasesDays *current, int d,
				  const double *rest, int nrest)
{
	FloatSum	sum,
				term;
	double		expected[PURCHASES_MAX_TERMS];

	purchases_float8_to_sum(current->totals[d].real, &sum);
	for (int t = 0; t < nrest; t++)
	{
		purchases_float8_to_sum(rest[t], &term);
		float_sum_add(&sum, &term);
	}
	if (fabs(float_sum_value(&sum)) >= PURCHASES_FLOAT8_LIMIT)
		purchases_flat_error(cursor->error_code, "A total is not a finite number below 2^95.");
	if (sum_terms(&sum, expected) != nrest + 1 || expected[0] != current->totals[d].real)
		purchases_flat_error(cursor->error_code, "A float8 total is not in its canonical form.");
	for (int t = 0; t < nrest; t++)
		if (expected[t + 1] != rest[t])
			purchases_flat_error(cursor->error_code, "A float8 total is not in its canonical form.");
	purchases_total_set_exact(current, &current->totals[d], &sum);
}

bool
purchases_cursor_next(PurchasesCursor *cursor)
{
	PurchasesDays *current = &cursor->current;
	int			n;
	uint64		header,
				multi;

	if (!flat_cursor_next(&cursor->ids))
	{
		if (cursor->pos != cursor->end)
			purchases_flat_error(cursor->error_code, "Bytes follow the last customer.");
		return false;
	}
	n = cursor->ids.count;
	purchases_days_reset(current);
	purchases_days_reserve(current, n);
	memcpy(current->days, cursor->ids.days, sizeof(DateADT) * n);
	for (int d = 0; d < n; d++)
		current->rows[d] = 1;
	current->count = n;

	header = entry_varint(cursor);
	multi = header >> PURCHASES_MULTI_SHIFT;
	if (cursor->amount_kind == PURCHASES_NUMERIC)
	{
		int			scale = (int) (header >> PURCHASES_SCALE_SHIFT) & 31;
		bool		is_signed = (header & PURCHASES_SIGNED) != 0;
		bool		negative = false;
		bool		differ = false;

		if (multi > 0)
			read_multi_days(cursor, current, multi, NULL, NULL);
		if (scale != PURCHASES_MIXED_SCALES && scale > DECIMAL_MAX_SCALE)
			purchases_flat_error(cursor->error_code, "A scale is out of range.");
		for (int d = 0; d < n; d++)
		{
			PurchasesTotal *t = &current->totals[d];
			uint128		z;

			if (scale == PURCHASES_MIXED_SCALES)
			{
				if (cursor->pos >= cursor->end)
					purchases_flat_error(cursor->error_code, "The value is truncated.");
				t->scale = *cursor->pos++;
				if (t->scale > DECIMAL_MAX_SCALE)
					purchases_flat_error(cursor->error_code, "A scale is out of range.");
				differ |= t->scale != current->totals[0].scale;
			}
			else
				t->scale = scale;
			z = entry_varint128(cursor);
			if (is_signed)
				t->fixed = (int128) (z >> 1) ^ -(int128) (z & 1);
			else
			{
				if (z >> 127)
					purchases_flat_error(cursor->error_code, "A total is out of range.");
				t->fixed = (int128) z;
			}
			if (z >> 64 && !fixed_in_range(t->fixed))
				purchases_flat_error(cursor->error_code, "A total is out of range.");
			negative |= t->fixed < 0;
			t->exact = 0;
			t->real = 0;
		}
		if (is_signed != negative)
			purchases_flat_error(cursor->error_code, "The sign flag of a customer does not match its totals.");
		if (scale == PURCHASES_MIXED_SCALES && !differ)
			purchases_flat_error(cursor->error_code, "A customer's scales are marked as differing but are all equal.");
		current->scale = scale == PURCHASES_MIXED_SCALES ? -1 : scale;
	}
	else
	{
		double	   *terms = NULL;
		int		   *nterms = NULL;

		if (header & ((1 << PURCHASES_MULTI_SHIFT) - 1))
			purchases_flat_error(cursor->error_code, "A float8 entry header has flags set.");
		if (multi > 0)
		{
			terms = palloc_extended(sizeof(double) * n * (PURCHASES_MAX_TERMS - 1), MCXT_ALLOC_HUGE);
			nterms = palloc0_array(int, n);
			read_multi_days(cursor, current, multi, terms, nterms);
		}
		for (int d = 0; d < n; d++)
		{
			PurchasesTotal *t = &current->totals[d];

			t->real = entry_term(cursor);
			t->exact = 0;
			t->fixed = 0;
			t->scale = 0;
		}
		if (multi > 0)
		{
			for (int d = 0; d < n; d++)
				if (nterms[d] > 0)
					read_float8_total(cursor, current, d,
									  &terms[d * (PURCHASES_MAX_TERMS - 1)], nterms[d]);
			pfree(terms);
			pfree(nterms);
		}
	}
	return true;
}

/* ---- merging ---- */

/* out = the union of a and b, the rows and totals of a day in both added up */
static void
union_days(PurchasesDays *out, const PurchasesDays *a, const PurchasesDays *b)
{
	int			i = 0,
				j = 0;
	FloatSum	exact;

	purchases_days_reset(out);
	purchases_days_reserve(out, a->count + b->count);
	while (i < a->count || j < b->count)
	{
		const PurchasesDays *from;
		int			k;

		if (j >= b->count || (i < a->count && a->days[i] < b->days[j]))
			from = a, k = i++;
		else if (i >= a->count || b->days[j] < a->days[i])
			from = b, k = j++;
		else
		{
			const PurchasesTotal *t = &b->totals[j];

			if (a->totals[i].exact)
				purchases_days_append(out, a->days[i], a->rows[i], &a->totals[i],
									  &a->sums[a->totals[i].exact - 1]);
			else
				purchases_days_append(out, a->days[i], a->rows[i], &a->totals[i], NULL);
			if (t->exact)
				exact = b->sums[t->exact - 1];
			purchases_days_add(out, out->count - 1, b->rows[j], t, t->exact ? &exact : NULL);
			i++;
			j++;
			continue;
		}
		purchases_days_append(out, from->days[k], from->rows[k], &from->totals[k],
							  from->totals[k].exact ? &from->sums[from->totals[k].exact - 1] : NULL);
	}
}

/*
 * Merges flat parts, each sorted by id, into one: a customer in several
 * parts gets the union of its days, the rows and totals of a day in several
 * parts added up (exactly, for float8 too, so the result does not depend
 * on the order of the parts).  A customer in one part only is written as
 * it was read.
 */
struct varlena *
purchases_merge_flat(struct varlena **parts, int nparts, MemoryContext context, void *arg)
{
	PurchasesCursor *cursors = palloc(sizeof(PurchasesCursor) * nparts);
	FlatCursor **ids_cursors = palloc(sizeof(FlatCursor *) * nparts);
	int		   *taken = palloc(sizeof(int) * nparts);
	CursorHeap	heap;
	int			ntaken;
	PurchasesWriter writer;
	ActivityIdKind id_kind = 0;
	PurchasesAmountKind amount_kind = 0;
	Size		ids = 0,
				entries = 0;
	PurchasesDays merged[2];
	int64		done = 0;

	cursor_heap_init(&heap, ids_cursors, nparts);
	for (int i = 0; i < nparts; i++)
	{
		purchases_cursor_begin(&cursors[i], parts[i], ERRCODE_DATA_CORRUPTED);
		ids_cursors[i] = &cursors[i].ids;
		if (i == 0)
		{
			id_kind = cursors[i].ids.id_kind;
			amount_kind = cursors[i].amount_kind;
		}
		else if (cursors[i].ids.id_kind != id_kind)
			activity_id_kind_mismatch(id_kind, cursors[i].ids.id_kind);
		else if (cursors[i].amount_kind != amount_kind)
			purchases_kind_mismatch(amount_kind, cursors[i].amount_kind);
		if (purchases_cursor_next(&cursors[i]))
			cursor_heap_push(&heap, i);
		ids += cursors[i].ids.len;
		entries += VARSIZE_ANY(parts[i]) - cursors[i].ids.len;
	}
	purchases_days_init(&merged[0], amount_kind);
	purchases_days_init(&merged[1], amount_kind);
	purchases_writer_init(&writer, id_kind, amount_kind, CurrentMemoryContext);
	purchases_writer_reserve(&writer, ids, entries);

	while ((ntaken = cursor_heap_take_smallest(&heap, taken)) > 0)
	{
		int			first = taken[0];
		const PurchasesDays *days = &cursors[first].current;
		int			out = 0;

		for (int t = 1; t < ntaken; t++)
		{
			union_days(&merged[out], days, &cursors[taken[t]].current);
			days = &merged[out];
			out = 1 - out;
		}
		purchases_writer_add(&writer, cursors[first].ids.id, cursors[first].ids.key,
							 cursors[first].ids.keylen, days);
		/* advance every part that had this customer */
		for (int t = 0; t < ntaken; t++)
			if (purchases_cursor_next(&cursors[taken[t]]))
				cursor_heap_push(&heap, taken[t]);
		if ((++done & 0xffff) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return purchases_writer_finish(&writer, context);
}
