/*
 * survival.c
 *		Customer survival: the survival summary (events and censorings per
 *		distinct duration), the Kaplan-Meier curve with Greenwood standard
 *		errors, the median lifetime and the restricted mean lifetime.
 *
 * The summary is a plain varlena holding an array of (time, events,
 * censored) entries.  Its first nsorted entries are sorted by time with
 * distinct times; while aggregating, entries whose time is not among them
 * are appended after them ("pending", unsorted, possibly repeating a time)
 * and merged in by a sort when there are as many pending as sorted entries,
 * so a row costs a binary search in the common case (few distinct durations,
 * such as whole days) and amortised O(log n) when every duration is new.
 * The array grows geometrically into a fresh allocation, which the executor
 * copies into the aggregate's context: O(n) copying in all.  Durations are
 * typically days, so even a table-wide summary has a few thousand entries;
 * a plain varlena is simpler and as fast as an expanded object here.
 *
 * Every stored or shipped value is canonical: no pending entries and no
 * slack (the final function, input and receive produce only those), but the
 * accessors and output functions accept either form.
 */
#include "retention.h"

#include <math.h>

#include "fmgr.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/float.h"

#define SURVIVAL_VERSION 1
#define SURVIVAL_INITIAL_CAPACITY 16
/* below this many pending entries a merge is not worth its sort */
#define SURVIVAL_MIN_PENDING 1024
/*
 * Survival probabilities within this relative distance above 0.5 count as
 * reaching 0.5: the product of the KM factors carries rounding errors of a
 * few units in the last place, and a curve that is exactly 1/2 in exact
 * arithmetic must give the same median however it was rounded.
 */
#define SURVIVAL_HALF_TOLERANCE 1e-12

typedef struct SurvivalEntry
{
	float8		time;			/* duration, finite and >= 0 */
	int64		events;			/* churned at this duration */
	int64		censored;		/* still customers at this duration */
} SurvivalEntry;

typedef struct SurvivalSummary
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	uint8		version;
	int32		nsorted;		/* entries[0, nsorted): sorted, distinct */
	int32		npending;		/* then npending unsorted entries */
	int32		capacity;		/* entries allocated */
	SurvivalEntry entries[FLEXIBLE_ARRAY_MEMBER];
} SurvivalSummary;

#define SURVIVAL_SIZE(capacity) \
	(offsetof(SurvivalSummary, entries) + (Size) (capacity) * sizeof(SurvivalEntry))
#define SURVIVAL_MAX_ENTRIES \
	((int32) Min((MaxAllocSize - offsetof(SurvivalSummary, entries)) / sizeof(SurvivalEntry), \
				 PG_INT32_MAX / 2))

#define PG_GETARG_SURVIVAL(n) ((SurvivalSummary *) PG_DETOAST_DATUM(PG_GETARG_DATUM(n)))

static SurvivalSummary *
survival_new(int32 capacity)
{
	SurvivalSummary *summary = palloc0(SURVIVAL_SIZE(capacity));

	SET_VARSIZE(summary, SURVIVAL_SIZE(capacity));
	summary->version = SURVIVAL_VERSION;
	summary->capacity = capacity;
	return summary;
}

/* A copy with room for capacity entries (at least those in use). */
static SurvivalSummary *
survival_copy(const SurvivalSummary *summary, int32 capacity)
{
	int32		used = summary->nsorted + summary->npending;
	SurvivalSummary *copy = survival_new(Max(capacity, used));

	copy->nsorted = summary->nsorted;
	copy->npending = summary->npending;
	memcpy(copy->entries, summary->entries, used * sizeof(SurvivalEntry));
	return copy;
}

static int
entry_time_cmp(const void *a, const void *b)
{
	float8		ta = ((const SurvivalEntry *) a)->time;
	float8		tb = ((const SurvivalEntry *) b)->time;

	return (ta > tb) - (ta < tb);
}

/* Adds the counts of b into a (same time). */
static void
entry_add(SurvivalEntry *a, const SurvivalEntry *b)
{
	a->events = count_add(a->events, b->events);
	a->censored = count_add(a->censored, b->censored);
}

/*
 * Merges the pending entries into the sorted ones, in place: sorts them,
 * then merges both runs from the back into the array (the merged run is
 * never longer than the two together, and writing from the back never
 * overtakes the unread sorted entries).
 */
static void
survival_compact(SurvivalSummary *summary)
{
	SurvivalEntry *entries = summary->entries;
	SurvivalEntry *pending;
	int32		npending = summary->npending;
	int32		nunique = 0;
	int32		i,
				j,
				out;

	if (npending == 0)
		return;
	pending = palloc(npending * sizeof(SurvivalEntry));
	memcpy(pending, entries + summary->nsorted, npending * sizeof(SurvivalEntry));
	qsort(pending, npending, sizeof(SurvivalEntry), entry_time_cmp);
	for (i = 0; i < npending; i++)
	{
		if (nunique > 0 && pending[nunique - 1].time == pending[i].time)
			entry_add(&pending[nunique - 1], &pending[i]);
		else
			pending[nunique++] = pending[i];
	}

	/* count the merged length first, to merge from the back */
	out = 0;
	for (i = 0, j = 0; i < summary->nsorted || j < nunique; out++)
	{
		if (j == nunique || (i < summary->nsorted && entries[i].time < pending[j].time))
			i++;
		else if (i == summary->nsorted || pending[j].time < entries[i].time)
			j++;
		else
			i++, j++;
	}
	i = summary->nsorted - 1;
	j = nunique - 1;
	summary->nsorted = out;
	summary->npending = 0;
	while (j >= 0)
	{
		out--;
		if (i >= 0 && entries[i].time > pending[j].time)
			entries[out] = entries[i--];
		else if (i >= 0 && entries[i].time == pending[j].time)
		{
			SurvivalEntry merged = entries[i--];

			entry_add(&merged, &pending[j--]);
			entries[out] = merged;
		}
		else
			entries[out] = pending[j--];
	}
	/* entries[0 .. i] are already in place */
	Assert(out == i + 1);
	pfree(pending);
}

/* Index of the sorted entry with this time, or -1. */
static int32
survival_find(const SurvivalSummary *summary, float8 time)
{
	int32		lo = 0,
				hi = summary->nsorted - 1;

	while (lo <= hi)
	{
		int32		mid = lo + (hi - lo) / 2;
		float8		t = summary->entries[mid].time;

		if (t < time)
			lo = mid + 1;
		else if (t > time)
			hi = mid - 1;
		else
			return mid;
	}
	return -1;
}

/*
 * Adds counts at a time to a summary that may be changed in place; returns
 * it, or a larger copy when it had to grow.
 */
static SurvivalSummary *
survival_add(SurvivalSummary *summary, const SurvivalEntry *entry)
{
	int32		found = survival_find(summary, entry->time);
	int32		used;

	if (found >= 0)
	{
		entry_add(&summary->entries[found], entry);
		return summary;
	}
	/* rows often come in runs of one duration */
	used = summary->nsorted + summary->npending;
	if (summary->npending > 0 && summary->entries[used - 1].time == entry->time)
	{
		entry_add(&summary->entries[used - 1], entry);
		return summary;
	}
	if (used == summary->capacity)
	{
		survival_compact(summary);
		found = survival_find(summary, entry->time);
		if (found >= 0)
		{
			entry_add(&summary->entries[found], entry);
			return summary;
		}
		used = summary->nsorted;
		if (used >= summary->capacity / 2)
		{
			if (summary->capacity >= SURVIVAL_MAX_ENTRIES)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("survival summary exceeds %d distinct durations",
								SURVIVAL_MAX_ENTRIES),
						 errhint("Round the durations, e.g. to whole days.")));
			summary = survival_copy(summary,
									Min((int64) summary->capacity * 2, SURVIVAL_MAX_ENTRIES));
		}
	}
	summary->entries[used] = *entry;
	summary->npending++;
	if (summary->npending >= Max(summary->nsorted, SURVIVAL_MIN_PENDING))
		survival_compact(summary);
	return summary;
}

/* A canonical copy: compacted, without slack. */
static SurvivalSummary *
survival_canonical_copy(const SurvivalSummary *summary)
{
	SurvivalSummary *copy = survival_copy(summary, 0);

	survival_compact(copy);
	copy->capacity = copy->nsorted;
	SET_VARSIZE(copy, SURVIVAL_SIZE(copy->capacity));
	return copy;
}

/* The summary argument n in canonical form (compacted if need be). */
static SurvivalSummary *
survival_getarg(FunctionCallInfo fcinfo, int n)
{
	SurvivalSummary *summary = PG_GETARG_SURVIVAL(n);

	if (summary->npending > 0)
		summary = survival_canonical_copy(summary);
	return summary;
}

/* ---------------------------------------------------------------- */
/* text and binary forms                                            */
/* ---------------------------------------------------------------- */

/*
 * Text: "v1 n=3 entries=0.5:1:0,2:0:1,7:2:1" — n entries time:events:censored
 * with strictly increasing finite times >= 0 and at least one row each.
 */
static void
survival_check_entry(SummaryReader *reader, const SurvivalSummary *summary,
					 const SurvivalEntry *entry, int64 *total)
{
	int32		n = summary->nsorted;

	if (entry->time < 0 || (n > 0 && entry->time <= summary->entries[n - 1].time))
		summary_syntax_error(reader,
							 "durations that are not negative and strictly increasing");
	if ((entry->events == 0 && entry->censored == 0) ||
		pg_add_s64_overflow(*total, entry->events, total) ||
		pg_add_s64_overflow(*total, entry->censored, total))
		summary_syntax_error(reader,
							 "counts that are not both zero and total at most 9223372036854775807");
}

PG_FUNCTION_INFO_V1(survival_in);
Datum
survival_in(PG_FUNCTION_ARGS)
{
	char	   *input = PG_GETARG_CSTRING(0);
	SummaryReader reader;
	SurvivalSummary *summary;
	int64		n;
	int64		total = 0;

	summary_read_begin(&reader, "survival", input, SURVIVAL_VERSION);
	summary_read_key(&reader, "n");
	n = summary_read_count(&reader);
	/* each entry takes at least 6 characters ("0:1:0,") */
	if (n > ((int64) strlen(input) + 1) / 6 || n > SURVIVAL_MAX_ENTRIES)
		summary_syntax_error(&reader, "a number of entries that the input holds");
	summary = survival_new((int32) n);
	summary_read_key(&reader, "entries");
	for (int64 i = 0; i < n; i++)
	{
		SurvivalEntry entry;

		if (i > 0)
			summary_read_char(&reader, ',');
		entry.time = summary_read_float8(&reader);
		summary_read_char(&reader, ':');
		entry.events = summary_read_count(&reader);
		summary_read_char(&reader, ':');
		entry.censored = summary_read_count(&reader);
		if (entry.time == 0)
			entry.time = 0;		/* -0 is 0 */
		survival_check_entry(&reader, summary, &entry, &total);
		summary->entries[summary->nsorted++] = entry;
	}
	summary_read_end(&reader);

	PG_RETURN_POINTER(summary);
}

PG_FUNCTION_INFO_V1(survival_out);
Datum
survival_out(PG_FUNCTION_ARGS)
{
	SurvivalSummary *summary = survival_getarg(fcinfo, 0);
	StringInfoData out;

	initStringInfo(&out);
	summary_write_begin(&out, SURVIVAL_VERSION);
	appendStringInfo(&out, " n=%d entries=", summary->nsorted);
	for (int32 i = 0; i < summary->nsorted; i++)
	{
		const SurvivalEntry *entry = &summary->entries[i];

		if (i > 0)
			appendStringInfoChar(&out, ',');
		summary_write_float8(&out, entry->time);
		appendStringInfo(&out, ":" INT64_FORMAT ":" INT64_FORMAT,
						 entry->events, entry->censored);
	}
	PG_RETURN_CSTRING(out.data);
}

static pg_attribute_noreturn() void
survival_binary_error(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid external binary value for type %s", "survival"),
			 errdetail("%s", detail)));
}

/* Binary: version byte, int64 n, then n x (float8 time, int64 events, int64 censored). */
PG_FUNCTION_INFO_V1(survival_recv);
Datum
survival_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	SurvivalSummary *summary;
	int64		n;
	int64		total = 0;

	summary_recv_version(buf, "survival", SURVIVAL_VERSION);
	n = summary_recv_count(buf, "survival");
	if (n > (buf->len - buf->cursor) / 24 || n > SURVIVAL_MAX_ENTRIES)
		survival_binary_error("The value is truncated.");
	summary = survival_new((int32) n);
	for (int64 i = 0; i < n; i++)
	{
		SurvivalEntry entry;

		entry.time = summary_recv_float8(buf, "survival");
		entry.events = summary_recv_count(buf, "survival");
		entry.censored = summary_recv_count(buf, "survival");
		if (!isfinite(entry.time) || entry.time < 0)
			survival_binary_error(psprintf("Duration %s is not a finite number >= 0.",
										   float8_shortest(entry.time)));
		if (entry.time == 0)
			entry.time = 0;
		if (i > 0 && entry.time <= summary->entries[i - 1].time)
			survival_binary_error("The durations are not strictly increasing.");
		if ((entry.events == 0 && entry.censored == 0) ||
			pg_add_s64_overflow(total, entry.events, &total) ||
			pg_add_s64_overflow(total, entry.censored, &total))
			survival_binary_error("An entry has no rows, or the counts overflow.");
		summary->entries[summary->nsorted++] = entry;
	}
	summary_recv_end(buf, "survival");

	PG_RETURN_POINTER(summary);
}

PG_FUNCTION_INFO_V1(survival_send);
Datum
survival_send(PG_FUNCTION_ARGS)
{
	SurvivalSummary *summary = survival_getarg(fcinfo, 0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, SURVIVAL_VERSION);
	pq_sendint64(&buf, summary->nsorted);
	for (int32 i = 0; i < summary->nsorted; i++)
	{
		pq_sendfloat8(&buf, summary->entries[i].time);
		pq_sendint64(&buf, summary->entries[i].events);
		pq_sendint64(&buf, summary->entries[i].censored);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* ---------------------------------------------------------------- */
/* aggregation                                                      */
/* ---------------------------------------------------------------- */

/*
 * The state argument 0, ready to be changed: in place inside an aggregate,
 * else a copy; a summary the executor handed over as it was stored (rollup's
 * first input, possibly with a short header) is copied too.
 */
static SurvivalSummary *
survival_state(FunctionCallInfo fcinfo)
{
	if (AggCheckCallContext(fcinfo, NULL))
	{
		SurvivalSummary *state = (SurvivalSummary *) PG_GETARG_POINTER(0);

		if (!VARATT_IS_EXTENDED(state) && state->capacity >= state->nsorted + state->npending &&
			VARSIZE(state) == SURVIVAL_SIZE(state->capacity))
			return state;
	}
	return survival_copy(PG_GETARG_SURVIVAL(0), 0);
}

/* survival_agg_transfn(state, duration float8, churned boolean) */
PG_FUNCTION_INFO_V1(survival_agg_transfn);
Datum
survival_agg_transfn(PG_FUNCTION_ARGS)
{
	SurvivalSummary *state;
	SurvivalEntry entry;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}

	entry.time = PG_GETARG_FLOAT8(1);
	if (!isfinite(entry.time))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("duration %s is not a finite number", float8_shortest(entry.time)),
				 errhint("A duration is the finite time from the start of a customer's life to churn or to the end of observation.")));
	if (entry.time < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("duration %s is negative", float8_shortest(entry.time)),
				 errhint("A duration is the time from the start of a customer's life to churn or to the end of observation, zero or more.")));
	if (entry.time == 0)
		entry.time = 0;			/* -0 and 0 are one duration */
	entry.events = PG_GETARG_BOOL(2) ? 1 : 0;
	entry.censored = 1 - entry.events;

	if (PG_ARGISNULL(0))
		state = survival_new(SURVIVAL_INITIAL_CAPACITY);
	else
		state = survival_state(fcinfo);
	PG_RETURN_POINTER(survival_add(state, &entry));
}

/*
 * survival_agg_combinefn(a, b): the merge of two summaries.  Both the
 * combine function and the transition function of rollup(survival).
 */
PG_FUNCTION_INFO_V1(survival_agg_combinefn);
Datum
survival_agg_combinefn(PG_FUNCTION_ARGS)
{
	SurvivalSummary *state;
	SurvivalSummary *other;
	int32		used,
				other_used;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	other = PG_GETARG_SURVIVAL(1);
	if (PG_ARGISNULL(0))
		PG_RETURN_POINTER(survival_copy(other, 0));

	state = survival_state(fcinfo);
	used = state->nsorted + state->npending;
	other_used = other->nsorted + other->npending;
	if ((int64) used + other_used > SURVIVAL_MAX_ENTRIES)
	{
		survival_compact(state);
		used = state->nsorted;
		if ((int64) used + other_used > SURVIVAL_MAX_ENTRIES)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("survival summary exceeds %d distinct durations",
							SURVIVAL_MAX_ENTRIES),
					 errhint("Round the durations, e.g. to whole days.")));
	}
	if (used + other_used > state->capacity)
		state = survival_copy(state, Min(Max((int64) state->capacity * 2, used + other_used),
										 SURVIVAL_MAX_ENTRIES));
	/* all of other's entries join the pending ones, merged at once */
	memcpy(state->entries + used, other->entries, other_used * sizeof(SurvivalEntry));
	state->npending += other_used;
	survival_compact(state);

	PG_RETURN_POINTER(state);
}

/* survival_agg_finalfn(state): the canonical summary (the state is left as is) */
PG_FUNCTION_INFO_V1(survival_agg_finalfn);
Datum
survival_agg_finalfn(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	PG_RETURN_POINTER(survival_canonical_copy(PG_GETARG_SURVIVAL(0)));
}

/* ---------------------------------------------------------------- */
/* Kaplan-Meier                                                     */
/* ---------------------------------------------------------------- */

typedef struct KmStep
{
	float8		time;
	int64		at_risk;		/* durations >= time */
	int64		events;
	int64		censored;		/* censored in [time, next event time) */
	float8		survival;		/* S(time), after this time's events */
	float8		std_error;		/* Greenwood; NaN once S = 0 */
} KmStep;

/*
 * The Kaplan-Meier curve at each event time, in *steps (palloc'd);
 * returns their number.  At time t with n at risk (durations >= t, so a
 * customer censored at t counts as at risk when the events at t happen, the
 * usual convention) and d events, S(t) = S(t-) * (1 - d / n), and Greenwood's
 * variance is S(t)^2 * sum over event times u <= t of d / (n (n - d)).
 * Censorings at a time without events only shrink later risk sets; they are
 * reported in the "censored" count of the last event time before them
 * (those before the first event time show as at_risk < all rows).
 */
static int32
km_steps(const SurvivalSummary *summary, KmStep **steps)
{
	int64		at_risk = 0;
	int32		nsteps = 0;
	float8		survival = 1.0;
	float8		greenwood = 0.0;
	KmStep	   *step = NULL;

	for (int32 i = 0; i < summary->nsorted; i++)
		at_risk = count_add(at_risk,
							count_add(summary->entries[i].events, summary->entries[i].censored));

	*steps = palloc(Max(summary->nsorted, 1) * sizeof(KmStep));
	for (int32 i = 0; i < summary->nsorted; i++)
	{
		const SurvivalEntry *entry = &summary->entries[i];

		CHECK_FOR_INTERRUPTS();
		if (entry->events > 0)
		{
			float8		n = (float8) at_risk;
			float8		d = (float8) entry->events;

			survival *= (n - d) / n;
			if (entry->events < at_risk)
				greenwood += d / (n * (n - d));
			else
				greenwood = get_float8_nan();
			step = &(*steps)[nsteps++];
			step->time = entry->time;
			step->at_risk = at_risk;
			step->events = entry->events;
			step->censored = 0;
			step->survival = survival;
			step->std_error = survival * sqrt(greenwood);
		}
		if (step != NULL)
			step->censored += entry->censored;
		at_risk -= entry->events + entry->censored;
	}
	return nsteps;
}

/*
 * survival_curve(survival) -> SETOF (time, at_risk, events, censored,
 * survival, std_error): one row per event time.  std_error is NULL where the
 * curve reaches 0 (all at risk churned; R shows NaN there).
 */
PG_FUNCTION_INFO_V1(survival_curve);
Datum
survival_curve(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx;
	KmStep	   *steps;

	if (SRF_IS_FIRSTCALL())
	{
		MemoryContext oldcontext;
		TupleDesc	tupdesc;

		funcctx = SRF_FIRSTCALL_INIT();
		oldcontext = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
		if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "survival_curve must be declared to return a row type");
		funcctx->tuple_desc = BlessTupleDesc(tupdesc);
		funcctx->max_calls = km_steps(survival_getarg(fcinfo, 0), &steps);
		funcctx->user_fctx = steps;
		MemoryContextSwitchTo(oldcontext);
	}

	funcctx = SRF_PERCALL_SETUP();
	steps = (KmStep *) funcctx->user_fctx;
	if (funcctx->call_cntr < funcctx->max_calls)
	{
		KmStep	   *step = &steps[funcctx->call_cntr];
		Datum		values[6];
		bool		nulls[6] = {false, false, false, false, false, false};

		values[0] = Float8GetDatum(step->time);
		values[1] = Int64GetDatum(step->at_risk);
		values[2] = Int64GetDatum(step->events);
		values[3] = Int64GetDatum(step->censored);
		values[4] = Float8GetDatum(step->survival);
		values[5] = Float8GetDatum(step->std_error);
		nulls[5] = isnan(step->std_error);
		SRF_RETURN_NEXT(funcctx,
						HeapTupleGetDatum(heap_form_tuple(funcctx->tuple_desc, values, nulls)));
	}
	SRF_RETURN_DONE(funcctx);
}

/*
 * median_lifetime(survival): the smallest event time at which S <= 0.5
 * (SPEC's definition; where S is exactly 0.5 on an interval, R's survfit
 * reports the midpoint to the next event time instead).  NULL if the curve
 * stays above 0.5.
 */
PG_FUNCTION_INFO_V1(survival_median_lifetime);
Datum
survival_median_lifetime(PG_FUNCTION_ARGS)
{
	KmStep	   *steps;
	int32		nsteps = km_steps(survival_getarg(fcinfo, 0), &steps);

	for (int32 i = 0; i < nsteps; i++)
		if (steps[i].survival <= 0.5 * (1.0 + SURVIVAL_HALF_TOLERANCE))
			PG_RETURN_FLOAT8(steps[i].time);
	PG_RETURN_NULL();
}

/*
 * mean_lifetime(survival, horizon): the restricted mean lifetime, the area
 * under the KM step function from 0 to horizon (as R's rmean = horizon);
 * beyond the last duration the curve stays at its last value.  NULL for a
 * summary of no rows.
 */
PG_FUNCTION_INFO_V1(survival_mean_lifetime);
Datum
survival_mean_lifetime(PG_FUNCTION_ARGS)
{
	SurvivalSummary *summary = survival_getarg(fcinfo, 0);
	float8		horizon = PG_GETARG_FLOAT8(1);
	KmStep	   *steps;
	int32		nsteps;
	float8		area = 0.0;
	float8		previous = 0.0;
	float8		survival = 1.0;

	if (!isfinite(horizon) || horizon < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("horizon %s is not a finite number >= 0", float8_shortest(horizon)),
				 errhint("The restricted mean lifetime integrates the survival curve from 0 to a finite horizon, such as the longest observed duration.")));
	if (summary->nsorted == 0)
		PG_RETURN_NULL();

	nsteps = km_steps(summary, &steps);
	for (int32 i = 0; i < nsteps && steps[i].time < horizon; i++)
	{
		area += survival * (steps[i].time - previous);
		previous = steps[i].time;
		survival = steps[i].survival;
	}
	area += survival * (horizon - previous);
	PG_RETURN_FLOAT8(area);
}
