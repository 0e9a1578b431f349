/*
 * retention.h
 *		Declarations shared by every area of the retention extension:
 *		argument checks with PostgreSQL-style errors, overflow-checked
 *		counting, the summary-type text/binary I/O helpers, and the special
 *		functions.
 *
 * Every summary type is a varlena whose first byte after the length word is a
 * format version.  Its text form starts with "v<version>" and continues with
 * "key=value" fields in a fixed order; its binary form starts with the same
 * version byte.  Input of either form is fully validated, so a summary that
 * reaches an accessor is always well formed.
 */
#ifndef RETENTION_H
#define RETENTION_H

#include "postgres.h"

#include "common/int.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/expandeddatum.h"
#include "utils/memutils.h"

#include "compat.h"

/* ---- argument checks ---- */

/* An int argument outside [lo, hi] -> 22003 naming it and the range. */
static inline void
check_int_range(const char *what, int value, int lo, int hi)
{
	if (value < lo || value > hi)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s %d is out of range", what, value),
				 errhint("A %s must be between %d and %d.", what, lo, hi)));
}

/* An overflow-checked sum of two counts (summaries can come from text). */
static inline int64
count_add(int64 a, int64 b)
{
	int64		sum;

	if (pg_add_s64_overflow(a, b, &sum))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("count out of range while merging summaries")));
	return sum;
}

/* ---- transition and combine functions of fixed-size summaries ---- */

/* A NULL input leaves the state as it is (which may still be NULL). */
static inline Datum
state_unchanged(FunctionCallInfo fcinfo)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	PG_RETURN_DATUM(PG_GETARG_DATUM(0));
}

/*
 * A combine function with a NULL side answers with the other side (the
 * executor copies a state it did not allocate): returns true and sets
 * *result then, false when both sides are present.
 */
static inline bool
combine_null_side(FunctionCallInfo fcinfo, Datum *result)
{
	if (!PG_ARGISNULL(0) && !PG_ARGISNULL(1))
		return false;
	if (PG_ARGISNULL(0) && PG_ARGISNULL(1))
	{
		fcinfo->isnull = true;
		*result = (Datum) 0;
	}
	else
		*result = PG_ARGISNULL(0) ? PG_GETARG_DATUM(1) : PG_GETARG_DATUM(0);
	return true;
}

/*
 * The summary in argument argno, writable.  Inside an aggregate the state
 * belongs to the aggregate and is changed in place, which keeps these
 * aggregates as cheap as count(); called directly from SQL, a copy.
 */
static inline void *
summary_for_update(FunctionCallInfo fcinfo, int argno)
{
	if (AggCheckCallContext(fcinfo, NULL))
		return PG_GETARG_POINTER(argno);
	return PG_DETOAST_DATUM_COPY(PG_GETARG_DATUM(argno));
}

/*
 * The datum is a read-write expanded object of the given kind that the
 * running aggregate keeps as its state (its memory context hangs under the
 * aggregate's), so the transition function may change it in place.  Any
 * other expanded object -- read-only, another aggregate's, a function
 * result -- must be copied first.
 */
static inline bool
expanded_state_of_aggregate(Datum datum, const ExpandedObjectMethods *methods,
							MemoryContext aggcontext)
{
	return DatumIsReadWriteExpandedObject(datum, false, -1) &&
		DatumGetEOHP(datum)->eoh_methods == methods &&
		MemoryContextGetParent(DatumGetEOHP(datum)->eoh_context) == aggcontext;
}

/* ---- summary text form: "v1 key=value key=value ..." (summary_io.c) ---- */

typedef struct SummaryReader
{
	const char *type_name;		/* for error messages */
	const char *input;			/* the whole string, for error messages */
	const char *cursor;
} SummaryReader;

extern void summary_read_begin(SummaryReader *reader, const char *type_name,
							   const char *input, int version);
extern void summary_read_key(SummaryReader *reader, const char *key);
extern int64 summary_read_count(SummaryReader *reader);
extern void summary_read_char(SummaryReader *reader, char c);
extern void summary_read_end(SummaryReader *reader);
pg_noreturn extern void summary_syntax_error(SummaryReader *reader, const char *expected);

extern void summary_write_begin(StringInfo out, int version);

/* ---- summary binary form (summary_io.c) ---- */

extern void summary_recv_version(StringInfo buf, const char *type_name,
								 int version);
extern int64 summary_recv_count(StringInfo buf, const char *type_name);
extern int	summary_recv_byte(StringInfo buf, const char *type_name);
extern void summary_recv_end(StringInfo buf, const char *type_name);

/* ---- special functions (specfun.c) ---- */

extern double normal_quantile(double p);
extern double log_gamma(double x);
extern double digamma(double x);
extern double log_beta(double a, double b);
extern double hyp2f1(double a, double b, double c, double z);
extern double hyp2f1_minus_one_over_b(double a, double b, double c, double z);

/* ---- float8 fields of summaries (summary_io.c) ---- */

/*
 * Text: written in the shortest form that reads back as the same double
 * (as float8out does with extra_float_digits > 0, whatever the session's
 * setting), read back exactly; only finite decimal numbers are accepted.
 * Binary: 8 bytes as pq_sendfloat8 writes them.
 */
extern void summary_write_float8(StringInfo out, double value);
extern double summary_read_float8(SummaryReader *reader);
extern double summary_recv_float8(StringInfo buf, const char *type_name);
extern char *float8_shortest(double value);

#endif							/* RETENTION_H */
