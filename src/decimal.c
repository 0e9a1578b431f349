/*
 * decimal.c
 *		Exact decimal values in 128-bit integers (decimal.h): conversion
 *		from numeric's stored form, and back to text and numeric.
 */
#include "retention.h"

#include "decimal.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"

int128		decimal_pow10_table[38];

/*
 * The stored form of numeric (numeric.c; fixed on disk since pg_upgrade must
 * read it): a 16-bit header word, in the long form followed by a 16-bit
 * weight, then base-10000 digits, the first of weight `weight`.
 */
#define NUMERIC_SIGN_MASK		0xC000
#define NUMERIC_NEG				0x4000
#define NUMERIC_SHORT			0x8000
#define NUMERIC_SPECIAL			0xC000
#define NUMERIC_SHORT_SIGN_MASK	0x2000
#define NUMERIC_SHORT_DSCALE_MASK 0x1F80
#define NUMERIC_SHORT_DSCALE_SHIFT 7
#define NUMERIC_SHORT_WEIGHT_SIGN_MASK 0x0040
#define NUMERIC_SHORT_WEIGHT_MASK 0x003F
#define NUMERIC_DSCALE_MASK		0x3FFF

/*
 * Reads a numeric datum as value * 10^-scale with scale its display scale,
 * without copying or allocating (short varlena headers are read in place).
 * Returns false when it does not fit; *special is set for NaN and infinities.
 */
bool
numeric_to_fixed(Datum datum, int128 *value, int *scale, bool *special)
{
	struct varlena *v = (struct varlena *) PG_DETOAST_DATUM_PACKED(datum);
	const char *p = VARDATA_ANY(v);
	int			len = VARSIZE_ANY_EXHDR(v);
	uint16		header;
	bool		negative;
	int			dscale,
				weight,
				ndigits,
				natural;
	const char *digits;
	int128		acc = 0;
	int128		digit_limit = pow10_128(33);

	*special = false;
	if (len < (int) sizeof(uint16))
		return false;
	memcpy(&header, p, sizeof(uint16));
	if ((header & NUMERIC_SIGN_MASK) == NUMERIC_SPECIAL)
	{
		*special = true;
		return false;
	}
	if (header & NUMERIC_SHORT)
	{
		negative = (header & NUMERIC_SHORT_SIGN_MASK) != 0;
		dscale = (header & NUMERIC_SHORT_DSCALE_MASK) >> NUMERIC_SHORT_DSCALE_SHIFT;
		weight = header & NUMERIC_SHORT_WEIGHT_MASK;
		if (header & NUMERIC_SHORT_WEIGHT_SIGN_MASK)
			weight -= NUMERIC_SHORT_WEIGHT_MASK + 1;
		digits = p + sizeof(uint16);
	}
	else
	{
		int16		w;

		if (len < (int) (2 * sizeof(uint16)))
			return false;
		negative = (header & NUMERIC_SIGN_MASK) == NUMERIC_NEG;
		dscale = header & NUMERIC_DSCALE_MASK;
		memcpy(&w, p + sizeof(uint16), sizeof(int16));
		weight = w;
		digits = p + 2 * sizeof(uint16);
	}
	if (dscale > DECIMAL_MAX_SCALE)
		return false;
	ndigits = (len - (int) (digits - p)) / (int) sizeof(int16);

	natural = ndigits == 0 ? dscale : 4 * (ndigits - 1 - weight);

	/* the common case: up to 16 decimal digits, in 64-bit arithmetic */
	if (ndigits <= 4 && natural >= dscale && natural - dscale <= 4)
	{
		uint64		small = 0;
		uint64		unit = 1;

		for (int i = 0; i < ndigits; i++)
		{
			int16		d;

			memcpy(&d, digits + i * sizeof(int16), sizeof(int16));
			if (d < 0 || d > 9999)
				return false;
			small = small * 10000 + d;
		}
		for (int i = dscale; i < natural; i++)
			unit *= 10;
		/* only trailing zeros lie beyond the display scale */
		if (small % unit != 0)
			return false;
		small /= unit;
		*value = negative ? -(int128) small : (int128) small;
		*scale = dscale;
		return true;
	}

	for (int i = 0; i < ndigits; i++)
	{
		int16		d;

		memcpy(&d, digits + i * sizeof(int16), sizeof(int16));
		if (d < 0 || d > 9999 || acc >= digit_limit)
			return false;
		acc = acc * 10000 + d;
	}

	/* acc counts units of 10^-natural; bring it to 10^-dscale */
	if (natural > dscale)
	{
		int			k = natural - dscale;

		/* only trailing zeros lie beyond the display scale */
		if (k > 36 || acc % pow10_128(k) != 0)
			return false;
		acc /= pow10_128(k);
	}
	else if (!fixed_rescale(acc, dscale - natural, &acc))
		return false;

	*value = negative ? -acc : acc;
	*scale = dscale;
	return true;
}

/* value * 10^-scale as decimal text ("-12.50") */
char *
fixed_to_cstring(int128 value, int scale)
{
	char		buf[64];
	char	   *end = buf + sizeof(buf) - 1;
	char	   *p = end;
	bool		negative = value < 0;
	uint128		magnitude = negative ? -(uint128) value : (uint128) value;
	int			produced = 0;

	*p = '\0';
	while (magnitude > 0 || produced <= scale)
	{
		if (produced == scale && scale > 0)
			*--p = '.';
		*--p = '0' + (int) (magnitude % 10);
		magnitude /= 10;
		produced++;
	}
	if (negative)
		*--p = '-';
	return pstrdup(p);
}

Numeric
fixed_to_numeric(int128 value, int scale)
{
	if (value >= PG_INT64_MIN && value <= PG_INT64_MAX)
		return scale == 0 ? int64_to_numeric((int64) value) :
			int64_div_fast_to_numeric((int64) value, scale);
	return DatumGetNumeric(DirectFunctionCall3(numeric_in,
											   CStringGetDatum(fixed_to_cstring(value, scale)),
											   ObjectIdGetDatum(InvalidOid),
											   Int32GetDatum(-1)));
}
