/*
 * summary_io.c
 *		The text and binary forms of every summary type (the dialect is
 *		described in summary_io.h): one reader and one writer per kind of
 *		value, each validating what it reads, and one error per form.
 */
#include "retention.h"

#include <math.h>

#include "common/int.h"
#include "common/shortest_dec.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "summary_io.h"
#include "utils/builtins.h"
#include "utils/datetime.h"

/* numerics longer than this are not written by numeric_out for our sums */
#define SUMMARY_MAX_NUMERIC_LEN 1000

/* ---------------------------------------------------------------- */
/* text form                                                        */
/* ---------------------------------------------------------------- */

void
summary_text_error(SummaryReader *reader, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%s\"",
					reader->type_name, reader->shown),
			 errdetail("%s", detail)));
}

void
summary_syntax_error(SummaryReader *reader, const char *expected)
{
	summary_text_error(reader,
					   psprintf("Expected %s at character %d.", expected,
								(int) (reader->cursor - reader->input) + 1));
}

/* Skips white space; says whether there was any. */
bool
summary_skip_spaces(SummaryReader *reader)
{
	const char *start = reader->cursor;

	while (*reader->cursor == ' ' || *reader->cursor == '\t' ||
		   *reader->cursor == '\n' || *reader->cursor == '\r')
		reader->cursor++;
	return reader->cursor != start;
}

/* Reads an unsigned decimal integer that fits in int64. */
static int64
read_digits(SummaryReader *reader, const char *expected)
{
	const char *p = reader->cursor;
	int64		value = 0;

	if (*p < '0' || *p > '9')
		summary_syntax_error(reader, expected);
	while (*p >= '0' && *p <= '9')
	{
		if (pg_mul_s64_overflow(value, 10, &value) ||
			pg_add_s64_overflow(value, *p - '0', &value))
			summary_syntax_error(reader, "a count no larger than 9223372036854775807");
		p++;
	}
	reader->cursor = p;
	return value;
}

/* "Format version 3 is not supported; ..." for a version outside oldest..newest */
static char *
unsupported_version(int64 found, int oldest, int newest)
{
	if (oldest == newest)
		return psprintf("Format version %lld is not supported; this version of retention reads version %d.",
						(long long) found, newest);
	return psprintf("Format version %lld is not supported; this version of retention reads versions %d to %d.",
					(long long) found, oldest, newest);
}

/* Starts reading: the text must open with "v<version>". */
void
summary_read_begin(SummaryReader *reader, const char *type_name,
				   const char *input, int version)
{
	(void) summary_read_begin_versions(reader, type_name, input, version, version);
}

/*
 * Starts reading a type whose input still reads older format versions: the
 * text must open with "v<version>", oldest <= version <= newest, which is
 * returned.
 */
int
summary_read_begin_versions(SummaryReader *reader, const char *type_name,
							const char *input, int oldest, int newest)
{
	int64		found;

	reader->type_name = type_name;
	reader->input = input;
	reader->shown = input;
	reader->cursor = input;
	summary_skip_spaces(reader);
	if (*reader->cursor != 'v')
		summary_syntax_error(reader, "a format version such as \"v1\"");
	reader->cursor++;
	found = read_digits(reader, "a format version number");
	if (found < oldest || found > newest)
		summary_text_error(reader, unsupported_version(found, oldest, newest));
	return (int) found;
}

/* Consumes " key=" (at least one space before the key). */
void
summary_read_key(SummaryReader *reader, const char *key)
{
	size_t		len = strlen(key);

	if (!summary_skip_spaces(reader) ||
		strncmp(reader->cursor, key, len) != 0 || reader->cursor[len] != '=')
		summary_syntax_error(reader, psprintf("\" %s=\"", key));
	reader->cursor += len + 1;
}

/* Reads one of a few words (an enumerated field); returns its index. */
int
summary_read_word(SummaryReader *reader, const char *const *words, int nwords)
{
	StringInfoData expected;

	for (int i = 0; i < nwords; i++)
	{
		size_t		len = strlen(words[i]);

		if (strncmp(reader->cursor, words[i], len) == 0)
		{
			reader->cursor += len;
			return i;
		}
	}
	initStringInfo(&expected);
	for (int i = 0; i < nwords; i++)
		appendStringInfo(&expected, "%s\"%s\"",
						 i == 0 ? "" : i == nwords - 1 ? " or " : ", ", words[i]);
	summary_syntax_error(reader, expected.data);
}

int64
summary_read_count(SummaryReader *reader)
{
	return read_digits(reader, "a non-negative integer");
}

void
summary_read_char(SummaryReader *reader, char c)
{
	if (*reader->cursor != c)
		summary_syntax_error(reader, psprintf("\"%c\"", c));
	reader->cursor++;
}

/* Only whitespace may follow the last field. */
void
summary_read_end(SummaryReader *reader)
{
	summary_skip_spaces(reader);
	if (*reader->cursor != '\0')
		summary_syntax_error(reader, "the end of the input");
}

void
summary_write_begin(StringInfo out, int version)
{
	appendStringInfo(out, "v%d", version);
}

/*
 * The end of [+-]digits[.digits][e[+-]digits] (or .digits) at p: a plain
 * decimal, so that no hexadecimal, "inf" or "nan" spelling reaches the
 * conversion functions.  NULL if there is none, with *bad where it fails.
 */
static const char *
decimal_end(const char *p, const char **bad)
{
	int			mantissa_digits = 0;

	*bad = p;
	if (*p == '+' || *p == '-')
		p++;
	while (*p >= '0' && *p <= '9')
		p++, mantissa_digits++;
	if (*p == '.')
	{
		p++;
		while (*p >= '0' && *p <= '9')
			p++, mantissa_digits++;
	}
	if (mantissa_digits == 0)
		return NULL;
	if (*p == 'e' || *p == 'E')
	{
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (*p < '0' || *p > '9')
		{
			*bad = p;
			return NULL;
		}
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return p;
}

/* The decimal at the cursor, or a syntax error naming what was expected. */
static const char *
read_decimal(SummaryReader *reader)
{
	const char *bad;
	const char *end = decimal_end(reader->cursor, &bad);

	if (end == NULL)
	{
		bool		in_exponent = bad != reader->cursor;

		reader->cursor = bad;
		summary_syntax_error(reader, in_exponent ? "the digits of an exponent" :
							 "a finite decimal number");
	}
	return end;
}

/*
 * A float8: a plain decimal that strtod converts with correct rounding; one
 * that overflows, or underflows to zero, is not what summary_write_float8
 * writes.
 */
double
summary_read_float8(SummaryReader *reader)
{
	const char *end = read_decimal(reader);
	char	   *copy = pnstrdup(reader->cursor, end - reader->cursor);
	char	   *copy_end;
	double		value;

	errno = 0;
	value = strtod(copy, &copy_end);
	if (*copy_end != '\0' || !isfinite(value))
		summary_syntax_error(reader, "a finite decimal number");
	/* subnormal values set ERANGE too, and round-trip */
	if (errno == ERANGE && value == 0.0)
		summary_syntax_error(reader, "a decimal number within the range of float8");
	pfree(copy);
	reader->cursor = end;
	return value;
}

void
summary_write_float8(StringInfo out, double value)
{
	char		buf[DOUBLE_SHORTEST_DECIMAL_LEN];

	double_to_shortest_decimal_buf(value, buf);
	appendStringInfoString(out, buf);
}

char *
float8_shortest(double value)
{
	char	   *buf = palloc(DOUBLE_SHORTEST_DECIMAL_LEN);

	double_to_shortest_decimal_buf(value, buf);
	return buf;
}

/*
 * A finite numeric from its text, or NULL.  The syntax is checked here and
 * the length bounded, so that numeric_in can only agree.
 */
static Numeric
numeric_of_text(const char *text, int len)
{
	const char *bad;

	const char *exponent;

	if (len > SUMMARY_MAX_NUMERIC_LEN || decimal_end(text, &bad) != text + len)
		return NULL;
	/* an exponent of more than 4 digits overflows numeric_in (22003), not 22P02 */
	exponent = strpbrk(text, "eE");
	if (exponent != NULL && strspn(exponent + 1 + (exponent[1] == '+' || exponent[1] == '-'),
								   "0123456789") > 4)
		return NULL;
	return DatumGetNumeric(DirectFunctionCall3(numeric_in, CStringGetDatum(text),
											   ObjectIdGetDatum(InvalidOid),
											   Int32GetDatum(-1)));
}

Numeric
summary_read_numeric(SummaryReader *reader)
{
	const char *end = read_decimal(reader);
	Numeric		value;

	value = numeric_of_text(pnstrdup(reader->cursor, end - reader->cursor),
							end - reader->cursor);
	if (value == NULL)
		summary_syntax_error(reader, psprintf("a decimal number of at most %d characters",
											  SUMMARY_MAX_NUMERIC_LEN));
	reader->cursor = end;
	return value;
}

/*
 * A numeric without exponent, [+-]digits[.digits], of any length numeric
 * holds: for values that are the user's own numerics rather than sums.
 */
Numeric
summary_read_numeric_plain(SummaryReader *reader)
{
	const char *p = reader->cursor;
	int			digits = 0;
	char	   *copy;

	if (*p == '+' || *p == '-')
		p++;
	while (*p >= '0' && *p <= '9')
		p++, digits++;
	if (*p == '.')
	{
		p++;
		while (*p >= '0' && *p <= '9')
			p++, digits++;
	}
	if (digits == 0)
		summary_syntax_error(reader, "a finite decimal number");
	copy = pnstrdup(reader->cursor, p - reader->cursor);
	reader->cursor = p;
	return DatumGetNumeric(DirectFunctionCall3(numeric_in, CStringGetDatum(copy),
											   ObjectIdGetDatum(InvalidOid),
											   Int32GetDatum(-1)));
}

void
summary_write_numeric(StringInfo out, Numeric value)
{
	appendStringInfoString(out, DatumGetCString(DirectFunctionCall1(numeric_out,
																	NumericGetDatum(value))));
}

/* Reads exactly `digits` decimal digits, or returns -1. */
static int
fixed_digits(const char *p, int digits)
{
	int			value = 0;

	for (int i = 0; i < digits; i++)
	{
		if (p[i] < '0' || p[i] > '9')
			return -1;
		value = value * 10 + (p[i] - '0');
	}
	return value;
}

/*
 * A finite date: [-]YYYY-MM-DD, astronomical years (summary_io.h), four year
 * digits or more without a leading zero beyond four.
 */
DateADT
summary_read_date(SummaryReader *reader)
{
	const char *p = reader->cursor;
	bool		negative = false;
	int			year = 0,
				digits = 0,
				month,
				mday;
	int			julian;

	if (*p == '-')
	{
		negative = true;
		p++;
	}
	while (*p >= '0' && *p <= '9' && digits < 8)
	{
		year = year * 10 + (*p++ - '0');
		digits++;
	}
	month = p[0] == '-' ? fixed_digits(p + 1, 2) : -1;
	mday = month >= 0 && p[3] == '-' ? fixed_digits(p + 4, 2) : -1;
	if (digits < 4 || (digits > 4 && reader->cursor[negative] == '0') || mday < 0 ||
		(p[6] >= '0' && p[6] <= '9') || (negative && year == 0))
		summary_syntax_error(reader, "a date YYYY-MM-DD");
	if (negative)
		year = -year;
	if (month < 1 || month > 12 || mday < 1 ||
		mday > day_tab[isleap(year) ? 1 : 0][month - 1] ||
		!IS_VALID_JULIAN(year, month, mday))
		summary_syntax_error(reader, "a valid date");
	julian = date2j(year, month, mday) - POSTGRES_EPOCH_JDATE;
	if (!IS_VALID_DATE(julian))
		summary_syntax_error(reader, "a valid date");
	reader->cursor = p + 6;
	return (DateADT) julian;
}

void
summary_write_date(StringInfo out, DateADT value)
{
	int			year,
				month,
				mday;

	if (DATE_NOT_FINITE(value))
		elog(ERROR, "summary date is not finite");
	j2date(value + POSTGRES_EPOCH_JDATE, &year, &month, &mday);
	appendStringInfo(out, "%s%04d-%02d-%02d", year < 0 ? "-" : "", abs(year), month, mday);
}

/* A date of the text form that must also lie within [min, max]. */
DateADT
summary_read_date_range(SummaryReader *reader, DateADT min, DateADT max)
{
	const char *start = reader->cursor;
	DateADT		value = summary_read_date(reader);

	if (value < min || value > max)
	{
		StringInfoData expected;

		initStringInfo(&expected);
		appendStringInfoString(&expected, "a valid date from ");
		summary_write_date(&expected, min);
		appendStringInfoString(&expected, " to ");
		summary_write_date(&expected, max);
		reader->cursor = start;
		summary_syntax_error(reader, expected.data);
	}
	return value;
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * A customer id of the kind (summary_io.h): a bigint into *id, a text (valid
 * in the database encoding) or the 16 bytes of a uuid into key.
 */
void
summary_read_id(SummaryReader *reader, int kind, int64 *id, StringInfo key)
{
	const char *p = reader->cursor;

	resetStringInfo(key);
	*id = 0;
	if (kind == SUMMARY_ID_BIGINT)
	{
		bool		negative = *p == '-';
		uint64		value = 0;

		if (negative)
			p++;
		if (*p < '0' || *p > '9')
			summary_syntax_error(reader, "a bigint customer id");
		while (*p >= '0' && *p <= '9')
		{
			value = value * 10 + (*p - '0');
			if (value > (uint64) PG_INT64_MAX + (negative ? 1 : 0))
				summary_syntax_error(reader, "a customer id in the range of bigint");
			p++;
		}
		reader->cursor = p;
		*id = negative ? (int64) (0 - value) : (int64) value;
	}
	else if (kind == SUMMARY_ID_TEXT)
	{
		summary_read_char(reader, '"');
		for (;;)
		{
			char		c = *reader->cursor;

			if (c == '\0')
				summary_syntax_error(reader, "a closing double quote");
			reader->cursor++;
			if (c == '"')
				break;
			if (c == '\\')
			{
				c = *reader->cursor;
				if (c != '"' && c != '\\')
					summary_syntax_error(reader, "\\\" or \\\\ after a backslash");
				reader->cursor++;
			}
			appendStringInfoChar(key, c);
		}
		if (!pg_verifymbstr(key->data, key->len, true))
			summary_text_error(reader, "A customer id is not valid text in the database encoding.");
	}
	else if (kind == SUMMARY_ID_UUID)
	{
		for (int i = 0; i < SUMMARY_UUID_LEN; i++)
		{
			int			hi,
						lo;

			if (i == 4 || i == 6 || i == 8 || i == 10)
			{
				if (*p != '-')
					summary_syntax_error(reader, "a uuid customer id such as a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
				p++;
			}
			hi = hex_value(p[0]);
			lo = hi < 0 ? -1 : hex_value(p[1]);
			if (lo < 0)
				summary_syntax_error(reader, "a uuid customer id such as a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
			appendStringInfoChar(key, (char) (hi << 4 | lo));
			p += 2;
		}
		reader->cursor = p;
	}
	else
		elog(ERROR, "unknown customer id kind %d", kind);
}

/* A customer id of the kind: id for a bigint, else key (keylen bytes). */
void
summary_write_id(StringInfo out, int kind, int64 id, const char *key, int keylen)
{
	static const char hex[] = "0123456789abcdef";

	switch (kind)
	{
		case SUMMARY_ID_BIGINT:
			appendStringInfo(out, INT64_FORMAT, id);
			break;
		case SUMMARY_ID_TEXT:
			appendStringInfoChar(out, '"');
			for (int i = 0; i < keylen; i++)
			{
				if (key[i] == '"' || key[i] == '\\')
					appendStringInfoChar(out, '\\');
				appendStringInfoChar(out, key[i]);
			}
			appendStringInfoChar(out, '"');
			break;
		case SUMMARY_ID_UUID:
			Assert(keylen == SUMMARY_UUID_LEN);
			for (int i = 0; i < SUMMARY_UUID_LEN; i++)
			{
				uint8		b = (uint8) key[i];

				if (i == 4 || i == 6 || i == 8 || i == 10)
					appendStringInfoChar(out, '-');
				appendStringInfoChar(out, hex[b >> 4]);
				appendStringInfoChar(out, hex[b & 0xf]);
			}
			break;
		default:
			elog(ERROR, "unknown customer id kind %d", kind);
	}
}

/* ---------------------------------------------------------------- */
/* binary form                                                      */
/* ---------------------------------------------------------------- */

void
summary_binary_error(const char *type_name, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid external binary value for type %s", type_name),
			 errdetail("%s", detail)));
}

/* Binary input ends early: say so in the type's terms, not the protocol's. */
static void
require_bytes(StringInfo buf, const char *type_name, int needed)
{
	if (buf->len - buf->cursor < needed)
		summary_binary_error(type_name, "The value is truncated.");
}

void
summary_recv_version(StringInfo buf, const char *type_name, int version)
{
	(void) summary_recv_versions(buf, type_name, version, version);
}

/* The version byte, which must lie in oldest..newest. */
int
summary_recv_versions(StringInfo buf, const char *type_name, int oldest, int newest)
{
	int			found;

	require_bytes(buf, type_name, 1);
	found = pq_getmsgbyte(buf);

	if (found < oldest || found > newest)
		summary_binary_error(type_name, unsupported_version(found, oldest, newest));
	return found;
}

int
summary_recv_byte(StringInfo buf, const char *type_name)
{
	require_bytes(buf, type_name, 1);
	return pq_getmsgbyte(buf);
}

int64
summary_recv_count(StringInfo buf, const char *type_name)
{
	int64		count;

	require_bytes(buf, type_name, sizeof(int64));
	count = pq_getmsgint64(buf);
	if (count < 0)
		summary_binary_error(type_name,
							 psprintf("Count %lld is negative.", (long long) count));
	return count;
}

double
summary_recv_float8(StringInfo buf, const char *type_name)
{
	require_bytes(buf, type_name, sizeof(float8));
	return pq_getmsgfloat8(buf);
}

/* A finite numeric, sent as its text: int32 length, then the bytes. */
Numeric
summary_recv_numeric(StringInfo buf, const char *type_name)
{
	int32		len;
	char	   *text;
	Numeric		value;

	require_bytes(buf, type_name, 4);
	len = pq_getmsgint(buf, 4);
	if (len <= 0 || len > SUMMARY_MAX_NUMERIC_LEN)
		summary_binary_error(type_name, "A decimal number has an invalid length.");
	require_bytes(buf, type_name, len);
	text = pnstrdup(pq_getmsgbytes(buf, len), len);
	value = numeric_of_text(text, len);
	if (value == NULL)
		summary_binary_error(type_name, "A decimal number is not a finite decimal number.");
	return value;
}

void
summary_send_numeric(StringInfo buf, Numeric value)
{
	char	   *text = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(value)));
	int			len = strlen(text);

	pq_sendint32(buf, len);
	pq_sendbytes(buf, text, len);
}

/* A finite date: int32 days since 2000-01-01. */
DateADT
summary_recv_date(StringInfo buf, const char *type_name)
{
	DateADT		value;

	require_bytes(buf, type_name, 4);
	value = (DateADT) pq_getmsgint(buf, 4);
	if (!IS_VALID_DATE(value) || DATE_NOT_FINITE(value))
		summary_binary_error(type_name, "A date is not a valid finite date.");
	return value;
}

void
summary_recv_end(StringInfo buf, const char *type_name)
{
	if (buf->cursor != buf->len)
		summary_binary_error(type_name,
							 psprintf("%d bytes follow the last field.", buf->len - buf->cursor));
}

/* ---------------------------------------------------------------- */
/* compact text form: "v<version>b:" and the binary form in base 85 */
/* ---------------------------------------------------------------- */

int			summary_text_mode = SUMMARY_TEXT_AUTO;

const struct config_enum_entry summary_text_options[] = {
	{"readable", SUMMARY_TEXT_READABLE, false},
	{"compact", SUMMARY_TEXT_COMPACT, false},
	{"auto", SUMMARY_TEXT_AUTO, false},
	{NULL, 0, false}
};

/*
 * Base 85 with the alphabet of ZeroMQ's Z85 (no quote, backslash or white
 * space, so COPY and SQL literals carry it unescaped): each group of four
 * bytes, a big-endian uint32, is five digits, most significant first; a last
 * group of k < 4 bytes is its big-endian value in k + 1 digits.
 */
static const char base85_digits[] =
"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

/* a base 85 digit's value, -1 for any other byte */
static int8 base85_value[256];
static bool base85_value_ready = false;

static void
base85_value_init(void)
{
	memset(base85_value, -1, sizeof(base85_value));
	for (int i = 0; i < 85; i++)
		base85_value[(uint8) base85_digits[i]] = (int8) i;
	base85_value_ready = true;
}

/* writes `ndigits` base 85 digits of value, most significant first */
static inline void
base85_put(char *dst, uint32 value, int ndigits)
{
	for (int k = ndigits - 1; k >= 0; k--)
	{
		dst[k] = base85_digits[value % 85];
		value /= 85;
	}
}

char *
summary_compact_out(FunctionCallInfo fcinfo, PGFunction send, bool large_compact)
{
	bytea	   *binary;
	const uint8 *src;
	Size		len,
				prefix,
				outlen,
				i;
	char	   *out,
			   *dst;
	char		version_text[16];

	if (summary_text_mode == SUMMARY_TEXT_READABLE ||
		(summary_text_mode == SUMMARY_TEXT_AUTO && !large_compact))
		return NULL;
	binary = DatumGetByteaPP(DirectFunctionCall1(send, PG_GETARG_DATUM(0)));
	len = VARSIZE_ANY_EXHDR(binary);
	if (len == 0)
		elog(ERROR, "summary binary form is empty");
	if (summary_text_mode == SUMMARY_TEXT_AUTO && len <= SUMMARY_COMPACT_ABOVE)
		return NULL;

	src = (const uint8 *) VARDATA_ANY(binary);
	prefix = snprintf(version_text, sizeof(version_text), "v%db:", src[0]);
	outlen = prefix + len / 4 * 5 + (len % 4 == 0 ? 0 : len % 4 + 1);
	if (outlen >= MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("summary is too large for its compact text form"),
				 errdetail("Its binary form has %zu bytes.", len)));
	out = palloc(outlen + 1);
	memcpy(out, version_text, prefix);
	dst = out + prefix;
	for (i = 0; i + 4 <= len; i += 4)
	{
		base85_put(dst, ((uint32) src[i] << 24) | ((uint32) src[i + 1] << 16) |
				   ((uint32) src[i + 2] << 8) | src[i + 3], 5);
		dst += 5;
	}
	if (i < len)
	{
		uint32		value = 0;
		int			left = len - i;

		for (int k = 0; k < left; k++)
			value = (value << 8) | src[i + k];
		base85_put(dst, value, left + 1);
		dst += left + 1;
	}
	*dst = '\0';
	Assert(dst - out == outlen);
	return out;
}

/* "v", digits, "b": the start of a compact form (after any white space) */
bool
summary_is_compact(const char *input)
{
	const char *p = input;

	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (*p++ != 'v' || *p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	return *p == 'b';
}

/* The input, cut short for an error message. */
static const char *
compact_excerpt(const char *input)
{
	if (strlen(input) <= 60)
		return input;
	return psprintf("%.57s...", input);
}

Datum
summary_compact_in(const char *input, PGFunction recv, const char *type_name,
				   int version)
{
	return summary_compact_in_versions(input, recv, type_name, version, version);
}

/*
 * The same for a type whose receive function still reads older versions
 * (it checks the version byte again, and reads what follows as that version
 * defines it).
 */
Datum
summary_compact_in_versions(const char *input, PGFunction recv, const char *type_name,
							int oldest, int newest)
{
	SummaryReader reader;
	int64		found;
	const char *start,
			   *end;
	Size		ndigits,
				len;
	StringInfoData buf;
	uint8	   *dst;
	MemoryContext context = CurrentMemoryContext;
	volatile Datum result = (Datum) 0;

	if (!base85_value_ready)
		base85_value_init();
	/* the version check and its message are those of the readable form */
	reader.type_name = type_name;
	reader.input = input;
	reader.shown = compact_excerpt(input);
	reader.cursor = input;
	summary_skip_spaces(&reader);
	summary_read_char(&reader, 'v');
	found = summary_read_count(&reader);
	if (found < oldest || found > newest)
		summary_text_error(&reader, unsupported_version(found, oldest, newest));
	summary_read_char(&reader, 'b');
	summary_read_char(&reader, ':');

	start = reader.cursor;
	end = start;
	while (base85_value[(uint8) *end] >= 0)
		end++;
	ndigits = end - start;
	reader.cursor = end;
	if (ndigits == 0)
		summary_syntax_error(&reader, "the base 85 digits of the binary form");
	if (ndigits % 5 == 1)
		summary_syntax_error(&reader, "a base 85 digit");
	summary_read_end(&reader);

	len = ndigits / 5 * 4 + (ndigits % 5 == 0 ? 0 : ndigits % 5 - 1);
	initStringInfo(&buf);
	enlargeStringInfo(&buf, len + 1);
	dst = (uint8 *) buf.data;
	for (Size i = 0; i < ndigits; i += 5)
	{
		int			group = Min(ndigits - i, 5);
		int			bytes = group - 1;
		uint64		value = 0;

		for (int k = 0; k < group; k++)
			value = value * 85 + base85_value[(uint8) start[i + k]];
		if (value >> (8 * bytes) != 0)
		{
			/* more than the group's bytes hold: not what output writes */
			reader.cursor = start + i;
			summary_syntax_error(&reader, psprintf("a group of base 85 digits worth at most %d bytes",
												   bytes));
		}
		for (int k = bytes - 1; k >= 0; k--)
			*dst++ = (uint8) (value >> (8 * k));
	}
	buf.len = (char *) dst - buf.data;
	buf.data[buf.len] = '\0';
	Assert(buf.len == len);

	/* the binary form's own checks, reported as a text error */
	PG_TRY();
	{
		result = DirectFunctionCall3(recv, PointerGetDatum(&buf),
									 ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(context);
		edata = CopyErrorData();
		if (edata->sqlerrcode != ERRCODE_INVALID_BINARY_REPRESENTATION)
			PG_RE_THROW();
		FlushErrorState();
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s: \"%s\"",
						type_name, compact_excerpt(input)),
				 errdetail("The compact form's binary value is invalid: %s",
						   edata->detail ? edata->detail : edata->message)));
	}
	PG_END_TRY();
	return result;
}
