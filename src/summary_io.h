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
 * in binary ERROR 22P03 (invalid_binary_representation).  A type whose
 * format changed keeps reading its older versions, in both forms
 * (summary_read_begin_versions, summary_recv_versions and
 * SUMMARY_IN_COMPACT_VERSIONS), so that dumps and copies made with an
 * earlier release still load (the values a table stores are the type's own
 * business); output always writes the newest version.
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
 *	id		a customer id of one of three kinds (SUMMARY_ID_*): a bigint in
 *			decimal (-17); a text double-quoted with \" and \\ escaped
 *			("a \"b\""); a uuid in its standard lower-case form
 *			(a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11).
 *
 * In the binary form counts are int64, float8 as pq_sendfloat8 writes them,
 * dates int32 days since 2000-01-01, numerics their text (int32 length and
 * bytes).
 *
 * Compact text form: "v<version>b:" and the binary form in base 85 (the
 * digits of ZeroMQ's Z85, four bytes to five digits, a last group of k bytes
 * to k + 1 digits; summary_io.c), 1.25 times the binary size, for summaries
 * whose readable text grows with the data.  A type opts in with one line at
 * the top of its output function, SUMMARY_OUT_COMPACT(its_send, large), and
 * one at the top of its input function, SUMMARY_IN_COMPACT(its_recv, "type",
 * VERSION).  Input always accepts both forms and validates the compact one
 * exactly as binary receive does, but reports a malformed value as 22P02 like
 * any text.  Output writes the compact form as the setting
 * retention.summary_text says: 'readable' never, 'compact' always, 'auto'
 * (the default) when the binary form is longer than SUMMARY_COMPACT_ABOVE
 * bytes and the type says its large values are shorter that way (large =
 * SUMMARY_LARGE_COMPACT; SUMMARY_LARGE_READABLE for a type whose readable
 * text is the shorter one, which then is compact only when asked).
 */
#ifndef RETENTION_SUMMARY_IO_H
#define RETENTION_SUMMARY_IO_H

#include "postgres.h"

#include "lib/stringinfo.h"
#include "utils/date.h"
#include "utils/guc.h"
#include "utils/numeric.h"

#include "compat.h"

/* ---- text form ---- */

/* the kinds of customer id, as summaries store them in their kind byte */
#define SUMMARY_ID_BIGINT 1
#define SUMMARY_ID_TEXT 2
#define SUMMARY_ID_UUID 3
#define SUMMARY_UUID_LEN 16

typedef struct SummaryReader
{
	const char *type_name;		/* for error messages */
	const char *input;			/* the whole string, for error positions */
	const char *shown;			/* the input as error messages show it */
	const char *cursor;
} SummaryReader;

/* 22P02: "Expected <expected> at character <n>." */
pg_noreturn extern void summary_syntax_error(SummaryReader *reader, const char *expected);
/* 22P02 with a detail sentence of its own, for checks across fields */
pg_noreturn extern void summary_text_error(SummaryReader *reader, const char *detail);

extern void summary_read_begin(SummaryReader *reader, const char *type_name,
							   const char *input, int version);
/* for a type that still reads older versions: returns the one found */
extern int	summary_read_begin_versions(SummaryReader *reader, const char *type_name,
										const char *input, int oldest, int newest);
extern void summary_read_key(SummaryReader *reader, const char *key);
extern int	summary_read_word(SummaryReader *reader, const char *const *words, int nwords);
extern int64 summary_read_count(SummaryReader *reader);
extern double summary_read_float8(SummaryReader *reader);
extern Numeric summary_read_numeric(SummaryReader *reader);
extern Numeric summary_read_numeric_plain(SummaryReader *reader);
extern DateADT summary_read_date(SummaryReader *reader);
extern DateADT summary_read_date_range(SummaryReader *reader, DateADT min, DateADT max);
extern void summary_read_id(SummaryReader *reader, int kind, int64 *id, StringInfo key);
extern void summary_read_char(SummaryReader *reader, char c);
extern bool summary_skip_spaces(SummaryReader *reader);
extern void summary_read_end(SummaryReader *reader);

extern void summary_write_begin(StringInfo out, int version);
extern void summary_write_float8(StringInfo out, double value);
extern void summary_write_numeric(StringInfo out, Numeric value);
extern void summary_write_date(StringInfo out, DateADT value);
extern void summary_write_id(StringInfo out, int kind, int64 id, const char *key, int keylen);

/* The shortest decimal that reads back as exactly this double (palloc'd). */
extern char *float8_shortest(double value);

/* ---- binary form ---- */

/* 22P03 with a detail sentence */
pg_noreturn extern void summary_binary_error(const char *type_name, const char *detail);

extern void summary_recv_version(StringInfo buf, const char *type_name, int version);
extern int	summary_recv_versions(StringInfo buf, const char *type_name, int oldest, int newest);
extern int	summary_recv_byte(StringInfo buf, const char *type_name);
extern int64 summary_recv_count(StringInfo buf, const char *type_name);
extern double summary_recv_float8(StringInfo buf, const char *type_name);
extern Numeric summary_recv_numeric(StringInfo buf, const char *type_name);
extern DateADT summary_recv_date(StringInfo buf, const char *type_name);
extern void summary_recv_end(StringInfo buf, const char *type_name);

extern void summary_send_numeric(StringInfo buf, Numeric value);

/* ---- compact text form ---- */

typedef enum SummaryTextMode
{
	SUMMARY_TEXT_READABLE,
	SUMMARY_TEXT_COMPACT,
	SUMMARY_TEXT_AUTO
} SummaryTextMode;

/* 'auto' writes the compact form when the binary form is longer than this */
#define SUMMARY_COMPACT_ABOVE 1024

/* the setting retention.summary_text (defined in _PG_init) */
extern int	summary_text_mode;
extern const struct config_enum_entry summary_text_options[];

/* what 'auto' writes for a value above SUMMARY_COMPACT_ABOVE */
#define SUMMARY_LARGE_COMPACT true
#define SUMMARY_LARGE_READABLE false

/* The compact text of the output function's argument, or NULL for readable. */
extern char *summary_compact_out(FunctionCallInfo fcinfo, PGFunction send,
								 bool large_compact);
/* Whether an input string is in the compact form. */
extern bool summary_is_compact(const char *input);
/* The summary of a compact text, through the type's receive function. */
extern Datum summary_compact_in(const char *input, PGFunction recv,
								const char *type_name, int version);
extern Datum summary_compact_in_versions(const char *input, PGFunction recv,
										 const char *type_name, int oldest, int newest);

/* first line of an opted-in output function */
#define SUMMARY_OUT_COMPACT(send, large) \
	do { \
		char	   *compact_ = summary_compact_out(fcinfo, (send), (large)); \
		if (compact_ != NULL) \
			PG_RETURN_CSTRING(compact_); \
	} while (0)

/* first line of an opted-in input function */
#define SUMMARY_IN_COMPACT(recv, type_name, version) \
	do { \
		if (summary_is_compact(PG_GETARG_CSTRING(0))) \
			return summary_compact_in(PG_GETARG_CSTRING(0), (recv), (type_name), (version)); \
	} while (0)

/* the same for a type that still reads versions oldest..newest */
#define SUMMARY_IN_COMPACT_VERSIONS(recv, type_name, oldest, newest) \
	do { \
		if (summary_is_compact(PG_GETARG_CSTRING(0))) \
			return summary_compact_in_versions(PG_GETARG_CSTRING(0), (recv), (type_name), \
											   (oldest), (newest)); \
	} while (0)

#endif							/* RETENTION_SUMMARY_IO_H */
