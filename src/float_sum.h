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
 * leaves room for 2^63 additions; a sum stays below
 * 2^FLOAT_SUM_RANGE_EXPONENT in magnitude, and adding sums (merging
 * summaries read from text) past that is 22003 too, never a wrap-around.
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
#define FLOAT_SUM_RANGE_EXPONENT 158	/* 2^254 units */

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

/* sum += other; 22003 past the range of a sum */
extern void float_sum_add(FloatSum *sum, const FloatSum *other);

/* sum -= other */
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
