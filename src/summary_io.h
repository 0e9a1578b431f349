/*
 * summary_io.h
 *		The one dialect every summary type speaks in its text and binary
 *		forms (summary_io.c): a reader and a writer per kind of value, and one
 *		error per form.
 *
 * Every summary type is a varlena whose first byte after the length word is a
 * format version.  Its text form starts with "v<version>" and continues with
 * " key=value" fields in a fixed order; its binary form starts with the same
 * version byte.  Input of either form is fully validated, so a summary that
 * reaches an accessor is always well formed: anything unexpected in text is
 * ERROR 22P02 (invalid_text_representation) saying what was expected where,
 * in binary ERROR 22P03 (invalid_binary_representation).
 *
 * Values in the text form, whatever the session's settings (DateStyle,
 * extra_float_digits, lc_numeric):
 *
 *	count	a non-negative decimal integer that fits in int64: 0, 42.
 *	float8	the shortest decimal that reads back as the same double, in
 *			the plain or exponent form float8out uses (0.1, 1e-07); only
 *			finite values, never "NaN" or "Infinity".
 *	numeric	as numeric_out writes it (-12.50); on input also an exponent
 *			(1e50), never "NaN" or "Infinity".
 *	date	ISO 8601 calendar date with astronomical year numbering:
 *			YYYY-MM-DD, at least four year digits, year 0 being 1 BC and
 *			-0001 2 BC (so 44 BC is -0043-03-15); never "infinity".  Unlike
 *			PostgreSQL's " BC" suffix, it has no space, so every value is
 *			one word of the text form.
 *
 * In the binary form counts are int64, float8 as pq_sendfloat8 writes them,
 * dates int32 days since 2000-01-01, numerics their text (int32 length and
 * bytes).
 */
#ifndef RETENTION_SUMMARY_IO_H
#define RETENTION_SUMMARY_IO_H

#include "postgres.h"

#include "lib/stringinfo.h"
#include "utils/date.h"
#include "utils/numeric.h"

#include "compat.h"

/* ---- text form ---- */

typedef struct SummaryReader
{
	const char *type_name;		/* for error messages */
	const char *input;			/* the whole string, for error messages */
	const char *cursor;
} SummaryReader;

/* 22P02: "Expected <expected> at character <n>." */
pg_noreturn extern void summary_syntax_error(SummaryReader *reader, const char *expected);
/* 22P02 with a detail sentence of its own, for checks across fields */
pg_noreturn extern void summary_text_error(SummaryReader *reader, const char *detail);

extern void summary_read_begin(SummaryReader *reader, const char *type_name,
							   const char *input, int version);
extern void summary_read_key(SummaryReader *reader, const char *key);
extern int	summary_read_word(SummaryReader *reader, const char *const *words, int nwords);
extern int64 summary_read_count(SummaryReader *reader);
extern double summary_read_float8(SummaryReader *reader);
extern Numeric summary_read_numeric(SummaryReader *reader);
extern DateADT summary_read_date(SummaryReader *reader);
extern void summary_read_char(SummaryReader *reader, char c);
extern bool summary_skip_spaces(SummaryReader *reader);
extern void summary_read_end(SummaryReader *reader);

extern void summary_write_begin(StringInfo out, int version);
extern void summary_write_float8(StringInfo out, double value);
extern void summary_write_numeric(StringInfo out, Numeric value);
extern void summary_write_date(StringInfo out, DateADT value);

/* The shortest decimal that reads back as exactly this double (palloc'd). */
extern char *float8_shortest(double value);

/* ---- binary form ---- */

/* 22P03 with a detail sentence */
pg_noreturn extern void summary_binary_error(const char *type_name, const char *detail);

extern void summary_recv_version(StringInfo buf, const char *type_name, int version);
extern int	summary_recv_byte(StringInfo buf, const char *type_name);
extern int64 summary_recv_count(StringInfo buf, const char *type_name);
extern double summary_recv_float8(StringInfo buf, const char *type_name);
extern Numeric summary_recv_numeric(StringInfo buf, const char *type_name);
extern DateADT summary_recv_date(StringInfo buf, const char *type_name);
extern void summary_recv_end(StringInfo buf, const char *type_name);

extern void summary_send_numeric(StringInfo buf, Numeric value);

#endif							/* RETENTION_SUMMARY_IO_H */
