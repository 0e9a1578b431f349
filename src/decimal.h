/*
 * decimal.h
 *		Exact decimal arithmetic in 128-bit integers (decimal.c): a value is
 *		an int128 counting units of 10^-scale, and numerics are read
 *		straight from their stored form without allocating.  The rfm
 *		aggregate sums revenue this way, moving to numeric arithmetic only
 *		when a sum leaves the fixed range.
 */
#ifndef RETENTION_DECIMAL_H
#define RETENTION_DECIMAL_H

#include "postgres.h"

#include "utils/numeric.h"

#ifndef HAVE_INT128
#error "retention needs a compiler with a 128-bit integer type"
#endif

/* the most decimal places a fixed-point value has */
#define DECIMAL_MAX_SCALE 30

extern int128 decimal_pow10_table[38];

/* 10^k as int128, for 0 <= k <= 37 */
static inline int128
pow10_128(int k)
{
	if (decimal_pow10_table[0] == 0)
	{
		decimal_pow10_table[0] = 1;
		for (int i = 1; i < 38; i++)
			decimal_pow10_table[i] = decimal_pow10_table[i - 1] * 10;
	}
	return decimal_pow10_table[k];
}

/* Fixed-point magnitudes stay below 10^37, so adding two cannot overflow. */
#define FIXED_LIMIT pow10_128(37)

static inline bool
fixed_in_range(int128 v)
{
	return v < FIXED_LIMIT && v > -FIXED_LIMIT;
}

/* v * 10^k, or false when the result would leave the fixed range */
static inline bool
fixed_rescale(int128 v, int k, int128 *result)
{
	if (k == 0)
	{
		*result = v;
		return true;
	}
	if (v == 0)
	{
		*result = 0;
		return true;
	}
	if (k > 36 || v >= FIXED_LIMIT / pow10_128(k) || v <= -FIXED_LIMIT / pow10_128(k))
		return false;
	*result = v * pow10_128(k);
	return true;
}

extern bool numeric_to_fixed(Datum datum, int128 *value, int *scale, bool *special);
extern char *fixed_to_cstring(int128 value, int scale);
extern Numeric fixed_to_numeric(int128 value, int scale);

#endif							/* RETENTION_DECIMAL_H */
