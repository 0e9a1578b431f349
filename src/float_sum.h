/*
 * float_sum.h
 *		A sum of float8 values that does not depend on the order in which they
 *		were added or on how they were split into partial sums (float_sum.c).
 *
 * A plain float8 sum rounds after every addition, so a parallel plan, a
 * rollup of partitions or a shard merge give a sum a few units in the last
 * place away from the serial one.  A FloatSum is an integer number of units
 * of 2^-FLOAT_SUM_FRACTION_BITS in 256 bits: each value is rounded once onto
 * that grid (exactly, for every float8 of magnitude at least 2^-44, and to
 * the nearest 2^-96 below that), integer addition is associative, and the
 * result is rounded to a float8 once, correctly.  Values of magnitude
 * 2^FLOAT_SUM_MAX_EXPONENT (about 4e28) or more are refused (22003), which
 * leaves room for 2^63 additions: every sum of so many lies in the range
 * of sums, magnitudes below 2^FLOAT_SUM_RANGE_EXPONENT (about 3.7e47),
 * where the top two bits agree, so that adding two sums of the range
 * cannot wrap around; float_sum_add checks that the result is still in it
 * (adding summaries read from text past it is 22003, never a wrap-around).
 * Input accepts any sum of the range.
 *
 * In a summary's text form a sum is the float8 nearest to it followed by the
 * remainders, each the float8 nearest to what is left: "10.3" when the sum
 * is that double exactly, "5314.28571428571+3.1e-13" when it is not.  Each
 * term is a float8 in the dialect of summary_io.h, so the form is readable
 * and exact.  In the binary form a sum is its four 64-bit words, low first.
 */
#ifndef RETENTION_FLOAT_SUM_H
#define RETENTION_FLOAT_SUM_H

#include "postgres.h"

#include "lib/stringinfo.h"

#include "summary_io.h"

#define FLOAT_SUM_WORDS 4
#define FLOAT_SUM_FRACTION_BITS 96
#define FLOAT_SUM_MAX_EXPONENT 95
#define FLOAT_SUM_RANGE_EXPONENT 158

typedef struct FloatSum
{
	uint64		word[FLOAT_SUM_WORDS];	/* two's complement, low word first */
} FloatSum;

static inline void
float_sum_init(FloatSum *sum)
{
	memset(sum, 0, sizeof(FloatSum));
}

/* sum += value; value finite, else an error (what_for names the sum) */
extern void float_sum_add_float8(FloatSum *sum, double value, const char *what_for);

/* sum += value, exactly */
extern void float_sum_add_int64(FloatSum *sum, int64 value);

/*
 * sum = value, a sum kept as one float8 (in an older format): false when
 * its magnitude is not below 2^FLOAT_SUM_RANGE_EXPONENT
 */
extern bool float_sum_set_float8(FloatSum *sum, double value);

/*
 * Whether the sum lies in the range of sums, -2^FLOAT_SUM_RANGE_EXPONENT <=
 * sum < 2^FLOAT_SUM_RANGE_EXPONENT: its top two bits agree, so that adding
 * two sums of that range cannot wrap around.
 */
static inline bool
float_sum_in_range(const FloatSum *sum)
{
	uint64		top_bits = sum->word[FLOAT_SUM_WORDS - 1] >> 62;

	return top_bits == 0 || top_bits == 3;
}

/* sum += other in 256 bits, unchecked: float_sum_add checks the range */
static inline void
float_sum_add_words(FloatSum *sum, const FloatSum *other)
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

/* 22003: a sum left the range */
pg_noreturn extern void float_sum_out_of_range(void);

/*
 * sum += other, both in range (so the 256 bits cannot wrap), and 22003 when
 * the result is not; inline, as aggregates add once or twice a row
 */
static inline void
float_sum_add(FloatSum *sum, const FloatSum *other)
{
	float_sum_add_words(sum, other);
	if (unlikely(!float_sum_in_range(sum)))
		float_sum_out_of_range();
}

/* sum -= other (checked as float_sum_add) */
extern void float_sum_subtract(FloatSum *sum, const FloatSum *other);

/* the float8 nearest to the sum (ties to even) */
extern double float_sum_value(const FloatSum *sum);

extern bool float_sum_is_zero(const FloatSum *sum);
extern bool float_sum_is_negative(const FloatSum *sum);


extern void summary_write_float_sum(StringInfo out, const FloatSum *sum);
extern void summary_read_float_sum(SummaryReader *reader, FloatSum *sum);
extern void summary_send_float_sum(StringInfo buf, const FloatSum *sum);
extern void summary_recv_float_sum(StringInfo buf, const char *type_name, FloatSum *sum);

#endif							/* RETENTION_FLOAT_SUM_H */
