/*
 * retention.h
 *		Included first by every file of the retention extension: the
 *		version differences (compat.h), argument checks with PostgreSQL-style
 *		errors, overflow-checked counting, the prologues of transition and
 *		combine functions, and the hash mixer.
 *
 * Other shared code has a header of its own: summary_io.h (the text and
 * binary forms of summary types), specfun.h (special functions), period.h
 * (the calendar), optimize.h (the BFGS minimiser), decimal.h (exact decimal
 * sums in 128-bit integers).
 */
#ifndef RETENTION_H
#define RETENTION_H

#include "postgres.h"

#include "common/int.h"
#include "fmgr.h"
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

/*
 * The prologue of a transition or combine function whose state is an
 * expanded object: the state in argument 0 when the running aggregate owns
 * it (to be changed in place), else NULL -- argument 0 is NULL, or a value
 * the function must not change -- and the caller builds a new state, empty
 * or a copy of argument 0, in *context: the aggregate context, or the
 * current one when called outside an aggregate.
 */
static inline ExpandedObjectHeader *
expanded_state_for_update(FunctionCallInfo fcinfo, const ExpandedObjectMethods *methods,
						  MemoryContext *context)
{
	MemoryContext aggcontext;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
	{
		*context = CurrentMemoryContext;
		return NULL;
	}
	*context = aggcontext;
	if (!PG_ARGISNULL(0) &&
		expanded_state_of_aggregate(PG_GETARG_DATUM(0), methods, aggcontext))
		return DatumGetEOHP(PG_GETARG_DATUM(0));
	return NULL;
}

/* ---- hashing ---- */

/*
 * The splitmix64 finalizer: every input bit affects every output bit, so
 * sequential keys spread over all slots of a hash table.
 */
static inline uint64
splitmix64_mix(uint64 z)
{
	z = (z ^ (z >> 30)) * UINT64CONST(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64CONST(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

#endif							/* RETENTION_H */
