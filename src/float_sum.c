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

/*
 * Every sum lies in [-2^254, 2^254) units, where its top two bits agree
 * with its sign: the sum of two such sums then cannot overflow the 256 bits,
 * so it can be checked after it is formed.  2^63 additions of values below
 * 2^95 stay in that range.
 */
static bool
in_range(const FloatSum *sum)
{
	uint64		top_bits = sum->word[FLOAT_SUM_WORDS - 1] >> 62;

	return top_bits == 0 || top_bits == 3;
}

/* sum += other, unchecked */
static void
add_words(FloatSum *sum, const FloatSum *other)
{
	uint64		carry = 0;

	for (int i = 0; i < FLOAT_SUM_WORDS; i++)
	{
		uint64		a = sum->word[i];
		uint64		w = a + other->word[i];
		uint64		c = (w < a) ? 1 : 0;

		w += carry;
		c |= (w < carry) ? 1 : 0;
		sum->word[i] = w;
		carry = c;
	}
}

void
float_sum_add(FloatSum *sum, const FloatSum *other)
{
	add_words(sum, other);
	if (!in_range(sum))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("float8 sum out of range"),
				 errdetail("An exact float8 sum must stay below 2^%d in magnitude.",
						   FLOAT_SUM_RANGE_EXPONENT)));
}

void
float_sum_subtract(FloatSum *sum, const FloatSum *other)
{
	FloatSum	minus = *other;

	negate(&minus);
	float_sum_add(sum, &minus);
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

/*
 * The value on the grid, rounded to the nearest unit (ties to even), or false
 * when it is not finite or of magnitude above 2^FLOAT_SUM_RANGE_EXPONENT
 * (2^254 units, the largest a sum can be).  Only values below 2^-44 are
 * rounded.
 */
static bool
float_to_grid(double value, FloatSum *grid)
{
	int			exponent;
	double		fraction;
	uint64		mantissa;
	int			shift;

	float_sum_init(grid);
	if (!isfinite(value) || fabs(value) > ldexp(1.0, FLOAT_SUM_RANGE_EXPONENT))
		return false;
	if (value == 0.0)
		return true;

	/* |value| = mantissa * 2^(exponent - 53), mantissa < 2^53 */
	fraction = frexp(fabs(value), &exponent);
	mantissa = (uint64) ldexp(fraction, 53);
	shift = exponent - 53 + FLOAT_SUM_FRACTION_BITS;

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

	if (value < 0)
		negate(grid);
	return true;
}

void
float_sum_add_float8(FloatSum *sum, double value, const char *what_for)
{
	FloatSum	grid;

	if (!(fabs(value) < ldexp(1.0, FLOAT_SUM_MAX_EXPONENT)) || !float_to_grid(value, &grid))
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

		shift = bitlen > 64 ? bitlen - 64 : 0;
		high = 0;
		for (int b = 0; b < 64 && b + shift < bitlen; b++)
		{
			int			pos = b + shift;

			if ((magnitude.word[pos / 64] >> (pos % 64)) & 1)
				high |= UINT64CONST(1) << b;
		}
		for (int pos = 0; pos < shift && !sticky; pos++)
			if ((magnitude.word[pos / 64] >> (pos % 64)) & 1)
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

	do
	{
		double		term = float_sum_value(&rest);
		FloatSum	grid;

		/*
		 * The nearest double to a grid value lies on the grid, and to a sum
		 * in range it is at most 2^FLOAT_SUM_RANGE_EXPONENT: the rest
		 * shrinks with every term.
		 */
		if (!float_to_grid(term, &grid))
			elog(ERROR, "float sum term %g is not on the grid", term);
		float_sum_subtract(&rest, &grid);
		if (terms > 0 && term >= 0)
			appendStringInfoChar(out, '+');
		summary_write_float8(out, term);
		terms++;
	} while (!float_sum_is_zero(&rest));
}

void
summary_read_float_sum(SummaryReader *reader, FloatSum *sum)
{
	int			terms = 0;

	float_sum_init(sum);
	do
	{
		FloatSum	grid;

		if (terms > 0 && *reader->cursor == '+')
			reader->cursor++;
		if (terms == FLOAT_SUM_MAX_TERMS)
			summary_syntax_error(reader, "no more than 8 terms in a sum");
		if (!float_to_grid(summary_read_float8(reader), &grid))
			summary_syntax_error(reader, "terms of magnitude at most 2^158");
		/* both within 2^254 units: the raw sum cannot overflow */
		add_words(sum, &grid);
		if (!in_range(sum))
			summary_syntax_error(reader, "a sum of magnitude below 2^158");
		terms++;
	} while (*reader->cursor == '+' || *reader->cursor == '-');
}

void
summary_send_float_sum(StringInfo buf, const FloatSum *sum)
{
	for (int i = 0; i < FLOAT_SUM_WORDS; i++)
		pq_sendint64(buf, (int64) sum->word[i]);
}

/* The four words, of a sum in range (in_range). */
void
summary_recv_float_sum(StringInfo buf, const char *type_name, FloatSum *sum)
{
	if (buf->len - buf->cursor < FLOAT_SUM_WORDS * (int) sizeof(uint64))
		summary_binary_error(type_name, "The value is truncated.");
	for (int i = 0; i < FLOAT_SUM_WORDS; i++)
		sum->word[i] = (uint64) pq_getmsgint64(buf);
	if (!in_range(sum))
		summary_binary_error(type_name, "A float8 sum is out of range.");
}
