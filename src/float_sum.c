/*
 * float_sum.c
 *		Split-invariant float8 sums in 256-bit fixed point (see float_sum.h).
 */
#include "postgres.h"

#include <math.h>

#include "libpq/pqformat.h"
#include "utils/float.h"

#include "float_sum.h"

/* at most this many terms in the text form (six always suffice) */
#define FLOAT_SUM_MAX_TERMS 8

static bool
is_negative(const FloatSum *sum)
{
	return (sum->word[FLOAT_SUM_WORDS - 1] >> 63) != 0;
}

static void
negate(FloatSum *sum)
{
	uint64		carry = 1;

	for (int i = 0; i < FLOAT_SUM_WORDS; i++)
	{
		uint64		w = ~sum->word[i] + carry;

		carry = (carry && w == 0) ? 1 : 0;
		sum->word[i] = w;
	}
}

void
float_sum_subtract(FloatSum *sum, const FloatSum *other)
{
	FloatSum	minus = *other;

	negate(&minus);
	float_sum_add(sum, &minus);
}

void
float_sum_out_of_range(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("float8 sum out of range"),
			 errdetail("An exact float8 sum must stay below 2^%d in magnitude.",
					   FLOAT_SUM_RANGE_EXPONENT)));
}

bool
float_sum_is_negative(const FloatSum *sum)
{
	return is_negative(sum);
}

bool
float_sum_is_zero(const FloatSum *sum)
{
	for (int i = 0; i < FLOAT_SUM_WORDS; i++)
		if (sum->word[i] != 0)
			return false;
	return true;
}

/* sum += other, or false when the 256-bit result wrapped around */
static bool
add_without_wrap(FloatSum *sum, const FloatSum *other)
{
	bool		sum_negative = is_negative(sum);
	bool		other_negative = is_negative(other);

	float_sum_add_words(sum, other);
	return sum_negative != other_negative || is_negative(sum) == sum_negative;
}

/*
 * The value on the grid, rounded to the nearest unit (ties to even), or false
 * when it is not finite or its magnitude is 2^max_exponent or more.  Only
 * values below 2^-44 are rounded.  max_exponent is at most
 * FLOAT_SUM_RANGE_EXPONENT + 1: a magnitude below 2^159 is below 2^255
 * units, which 256 bits of two's complement hold.
 */
static bool
float_to_grid(double value, int max_exponent, FloatSum *grid)
{
	uint64		bits;
	int			biased;
	uint64		mantissa;
	int			shift;

	Assert(max_exponent <= FLOAT_SUM_RANGE_EXPONENT + 1);
	float_sum_init(grid);

	/*
	 * The fields of the IEEE 754 double, rather than frexp() and ldexp(): this
	 * runs once for every row an aggregate adds.
	 */
	memcpy(&bits, &value, sizeof(bits));
	biased = (int) ((bits >> 52) & 0x7FF);
	mantissa = bits & ((UINT64CONST(1) << 52) - 1);
	if (biased == 0x7FF || biased - 1023 >= max_exponent)
		return false;			/* not finite, or too large */
	if (biased == 0)
		return true;			/* zero, or subnormal: far below half a unit */

	/* |value| = mantissa * 2^(biased - 1075), 2^52 <= mantissa < 2^53 */
	mantissa |= UINT64CONST(1) << 52;
	shift = biased - 1075 + FLOAT_SUM_FRACTION_BITS;

	if (shift >= 0)
	{
		int			word = shift / 64,
					bit = shift % 64;

		grid->word[word] = mantissa << bit;
		if (bit > 0 && word + 1 < FLOAT_SUM_WORDS)
			grid->word[word + 1] = mantissa >> (64 - bit);
	}
	else if (-shift <= 53)
	{
		int			drop = -shift;
		uint64		kept = mantissa >> drop;
		uint64		rest = mantissa & ((UINT64CONST(1) << drop) - 1);
		uint64		half = UINT64CONST(1) << (drop - 1);

		if (rest > half || (rest == half && (kept & 1)))
			kept++;
		grid->word[0] = kept;
	}
	/* else: below half a unit, zero */

	if (bits >> 63)
		negate(grid);
	return true;
}

void
float_sum_add_float8(FloatSum *sum, double value, const char *what_for)
{
	FloatSum	grid;

	if (!float_to_grid(value, FLOAT_SUM_MAX_EXPONENT, &grid))
		ereport(ERROR,
				(errcode(isfinite(value) ? ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE :
						 ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s %s is out of range for an exact float8 sum",
						what_for, float8out_internal(value)),
				 errhint("Amounts must be finite and of magnitude below 2^%d; use numeric amounts for larger ones.",
						 FLOAT_SUM_MAX_EXPONENT)));
	float_sum_add(sum, &grid);
}

/* An integer is a whole number of units 2^FLOAT_SUM_FRACTION_BITS. */
void
float_sum_add_int64(FloatSum *sum, int64 value)
{
	FloatSum	grid;
	uint64		magnitude = value < 0 ? -(uint64) value : (uint64) value;

	StaticAssertStmt(FLOAT_SUM_FRACTION_BITS == 96, "an integer starts in bit 32 of word 1");
	float_sum_init(&grid);
	grid.word[1] = magnitude << 32;
	grid.word[2] = magnitude >> 32;
	if (value < 0)
		negate(&grid);
	float_sum_add(sum, &grid);
}

bool
float_sum_set_float8(FloatSum *sum, double value)
{
	FloatSum	grid;

	if (!float_to_grid(value, FLOAT_SUM_RANGE_EXPONENT, &grid) || !float_sum_in_range(&grid))
		return false;
	*sum = grid;
	return true;
}

double
float_sum_value(const FloatSum *sum)
{
	FloatSum	magnitude = *sum;
	bool		negative = is_negative(sum);
	int			top;
	uint64		high;
	int			shift;
	double		result;

	if (negative)
		negate(&magnitude);

	for (top = FLOAT_SUM_WORDS - 1; top >= 0 && magnitude.word[top] == 0; top--)
		;
	if (top < 0)
		return 0.0;

	/*
	 * The 64 bits from the highest set bit down, with a sticky low bit when
	 * anything below them is set: a 64-bit integer converts to double with
	 * correct rounding, and the sticky bit lies below the rounding position,
	 * so the conversion rounds as the whole number would.
	 */
	{
		int			lead = 63 - __builtin_clzll(magnitude.word[top]);
		int			bitlen = top * 64 + lead + 1;
		bool		sticky = false;
		int			word,
					bit;

		shift = bitlen > 64 ? bitlen - 64 : 0;
		word = shift / 64;
		bit = shift % 64;
		high = magnitude.word[word] >> bit;
		if (bit > 0 && word + 1 < FLOAT_SUM_WORDS)
			high |= magnitude.word[word + 1] << (64 - bit);
		if (bit > 0 && (magnitude.word[word] & ((UINT64CONST(1) << bit) - 1)) != 0)
			sticky = true;
		for (int i = 0; i < word; i++)
			if (magnitude.word[i] != 0)
				sticky = true;
		if (sticky)
			high |= 1;
	}

	result = ldexp((double) high, shift - FLOAT_SUM_FRACTION_BITS);
	return negative ? -result : result;
}

void
summary_write_float_sum(StringInfo out, const FloatSum *sum)
{
	FloatSum	rest = *sum;
	int			terms = 0;

	Assert(float_sum_in_range(sum));
	do
	{
		double		term = float_sum_value(&rest);
		FloatSum	grid;

		/*
		 * The double nearest to a grid value lies on the grid, and is at most
		 * 2^FLOAT_SUM_RANGE_EXPONENT for a sum in range, so it converts
		 * exactly, and the rest shrinks by 52 bits or more a term.
		 */
		if (!float_to_grid(term, FLOAT_SUM_RANGE_EXPONENT + 1, &grid) ||
			terms == FLOAT_SUM_MAX_TERMS)
			elog(ERROR, "float8 sum cannot be written");
		float_sum_subtract(&rest, &grid);
		if (terms > 0 && term >= 0)
			appendStringInfoChar(out, '+');
		summary_write_float8(out, term);
		terms++;
	} while (!float_sum_is_zero(&rest));
}

/*
 * Reads the terms; each is rounded onto the grid (a written one always lies
 * on it) and is at most 2^FLOAT_SUM_RANGE_EXPONENT in magnitude (the first
 * term of a sum just below that is the power itself), and the sum must be in
 * range.  Only the whole sum is checked, as the running sum of a written
 * form may pass the range on its way (2^158 - 1 is "2^158" then "-1"); the
 * 256 bits hold such a running sum, and one that wraps around is refused.
 */
void
summary_read_float_sum(SummaryReader *reader, FloatSum *sum)
{
	const char *out_of_range = psprintf("a sum of magnitude below 2^%d",
										FLOAT_SUM_RANGE_EXPONENT);
	int			terms = 0;

	float_sum_init(sum);
	do
	{
		FloatSum	grid;
		double		term;

		if (terms > 0 && *reader->cursor == '+')
			reader->cursor++;
		if (terms == FLOAT_SUM_MAX_TERMS)
			summary_syntax_error(reader, "no more than 8 terms in a sum");
		term = summary_read_float8(reader);
		if (fabs(term) > ldexp(1.0, FLOAT_SUM_RANGE_EXPONENT) ||
			!float_to_grid(term, FLOAT_SUM_RANGE_EXPONENT + 1, &grid))
			summary_syntax_error(reader, psprintf("terms of magnitude at most 2^%d",
												  FLOAT_SUM_RANGE_EXPONENT));
		if (!add_without_wrap(sum, &grid))
			summary_syntax_error(reader, out_of_range);
		terms++;
	} while (*reader->cursor == '+' || *reader->cursor == '-');
	if (!float_sum_in_range(sum))
		summary_syntax_error(reader, out_of_range);
}

void
summary_send_float_sum(StringInfo buf, const FloatSum *sum)
{
	for (int i = 0; i < FLOAT_SUM_WORDS; i++)
		pq_sendint64(buf, (int64) sum->word[i]);
}

/*
 * The four words; the sum must be in range (as any sum of 2^63 terms below
 * 2^95 is), so that adding two such sums cannot wrap around.
 */
void
summary_recv_float_sum(StringInfo buf, const char *type_name, FloatSum *sum)
{
	if (buf->len - buf->cursor < FLOAT_SUM_WORDS * (int) sizeof(uint64))
		summary_binary_error(type_name, "The value is truncated.");
	for (int i = 0; i < FLOAT_SUM_WORDS; i++)
		sum->word[i] = (uint64) pq_getmsgint64(buf);
	if (!float_sum_in_range(sum))
		summary_binary_error(type_name, "A float8 sum is out of range.");
}
