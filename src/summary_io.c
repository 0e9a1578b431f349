/*
 * summary_io.c
 *		The one pattern every summary type follows for its text and binary
 *		forms (see retention.h): a leading format version, then fields in a
 *		fixed order, each validated as it is read.
 *
 * Text input errors are 22P02 (invalid_text_representation) and say what was
 * expected where; binary input errors are 22P03, as for PostgreSQL's own
 * types.
 */
#include "retention.h"

#include "libpq/pqformat.h"

void
summary_syntax_error(SummaryReader *reader, const char *expected)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%s\"",
					reader->type_name, reader->input),
			 errdetail("Expected %s at character %d.", expected,
					   (int) (reader->cursor - reader->input) + 1)));
}

static void
skip_spaces(SummaryReader *reader)
{
	while (*reader->cursor == ' ' || *reader->cursor == '\t' ||
		   *reader->cursor == '\n' || *reader->cursor == '\r')
		reader->cursor++;
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

/* Starts reading: the text must open with "v<version>". */
void
summary_read_begin(SummaryReader *reader, const char *type_name,
				   const char *input, int version)
{
	int64		found;

	reader->type_name = type_name;
	reader->input = input;
	reader->cursor = input;
	skip_spaces(reader);
	if (*reader->cursor != 'v')
		summary_syntax_error(reader, "a format version such as \"v1\"");
	reader->cursor++;
	found = read_digits(reader, "a format version number");
	if (found != version)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s: \"%s\"", type_name, input),
				 errdetail("Format version %lld is not supported; this version of retention reads version %d.",
						   (long long) found, version)));
}

/* Consumes " key=" (at least one space before the key). */
void
summary_read_key(SummaryReader *reader, const char *key)
{
	size_t		len = strlen(key);
	const char *start = reader->cursor;

	skip_spaces(reader);
	if (reader->cursor == start ||
		strncmp(reader->cursor, key, len) != 0 || reader->cursor[len] != '=')
	{
		char	   *expected = psprintf("\" %s=\"", key);

		summary_syntax_error(reader, expected);
	}
	reader->cursor += len + 1;
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
	{
		char	   *expected = psprintf("\"%c\"", c);

		summary_syntax_error(reader, expected);
	}
	reader->cursor++;
}

/* Only whitespace may follow the last field. */
void
summary_read_end(SummaryReader *reader)
{
	skip_spaces(reader);
	if (*reader->cursor != '\0')
		summary_syntax_error(reader, "the end of the input");
}

void
summary_write_begin(StringInfo out, int version)
{
	appendStringInfo(out, "v%d", version);
}

pg_noreturn static void
binary_error(const char *type_name, const char *detail)
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
		binary_error(type_name, "The value is truncated.");
}

void
summary_recv_version(StringInfo buf, const char *type_name, int version)
{
	int			found;

	require_bytes(buf, type_name, 1);
	found = pq_getmsgbyte(buf);

	if (found != version)
		binary_error(type_name,
					 psprintf("Format version %d is not supported; this version of retention reads version %d.",
							  found, version));
}

int64
summary_recv_count(StringInfo buf, const char *type_name)
{
	int64		count;

	require_bytes(buf, type_name, sizeof(int64));
	count = pq_getmsgint64(buf);
	if (count < 0)
		binary_error(type_name,
					 psprintf("Count %lld is negative.", (long long) count));
	return count;
}

int
summary_recv_byte(StringInfo buf, const char *type_name)
{
	require_bytes(buf, type_name, 1);
	return pq_getmsgbyte(buf);
}

void
summary_recv_end(StringInfo buf, const char *type_name)
{
	if (buf->cursor != buf->len)
		binary_error(type_name,
					 psprintf("%d bytes follow the last field.", buf->len - buf->cursor));
}

/* ---------------------------------------------------------------- */
/* float8 fields                                                    */
/* ---------------------------------------------------------------- */

#include <math.h>

#include "common/shortest_dec.h"

/* The shortest decimal that reads back as exactly this double (palloc'd). */
char *
float8_shortest(double value)
{
	char	   *buf = palloc(DOUBLE_SHORTEST_DECIMAL_LEN);

	double_to_shortest_decimal_buf(value, buf);
	return buf;
}

void
summary_write_float8(StringInfo out, double value)
{
	char		buf[DOUBLE_SHORTEST_DECIMAL_LEN];

	double_to_shortest_decimal_buf(value, buf);
	appendStringInfoString(out, buf);
}

/*
 * Reads [+-]digits[.digits][e[+-]digits] (or .digits): a plain decimal, so
 * that no hexadecimal, "inf" or "nan" spelling slips through strtod, which
 * then converts it with correct rounding.
 */
double
summary_read_float8(SummaryReader *reader)
{
	const char *start = reader->cursor;
	const char *p = start;
	int			mantissa_digits = 0;
	char	   *copy;
	char	   *end;
	double		value;

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
		summary_syntax_error(reader, "a finite decimal number");
	if (*p == 'e' || *p == 'E')
	{
		const char *exponent = p + 1;

		if (*exponent == '+' || *exponent == '-')
			exponent++;
		if (*exponent < '0' || *exponent > '9')
		{
			reader->cursor = exponent;
			summary_syntax_error(reader, "the digits of an exponent");
		}
		while (*exponent >= '0' && *exponent <= '9')
			exponent++;
		p = exponent;
	}

	copy = pnstrdup(start, p - start);
	value = strtod(copy, &end);
	if (*end != '\0' || !isfinite(value))
		summary_syntax_error(reader, "a finite decimal number");
	pfree(copy);
	reader->cursor = p;
	return value;
}

double
summary_recv_float8(StringInfo buf, const char *type_name)
{
	require_bytes(buf, type_name, sizeof(float8));
	return pq_getmsgfloat8(buf);
}
