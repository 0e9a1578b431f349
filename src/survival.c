/*
 * survival.c
 *		Customer survival: the survival summary (events and censorings per
 *		distinct duration), the Kaplan-Meier curve with Greenwood standard
 *		errors, the median lifetime and the restricted mean lifetime.
 *
 * The summary is a plain varlena holding an array of (time, events,
 * censored) entries, one per distinct duration.  A stored or shipped value
 * is canonical: entries sorted by time, no slack.  While aggregating, the
 * state also carries an open-addressing hash table of entry indexes after
 * the entries, so a row costs one hash probe whatever the number of distinct
 * durations, and entries are appended in arrival order; the final function
 * (and output, send and the accessors, for a state that escaped unfinished)
 * sorts a copy.  The arrays grow geometrically into a fresh allocation,
 * which the executor copies into the aggregate's context: O(n) copying in
 * all.  Durations are typically days, so even a table-wide summary has a few
 * thousand entries; a plain varlena is simpler and as fast as an expanded
 * object here.
 */
#include "retention.h"

#include <math.h>

#include "fmgr.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "summary_io.h"
#include "utils/float.h"

/* the compact text form goes through the binary form */
extern Datum survival_send(PG_FUNCTION_ARGS);
extern Datum survival_recv(PG_FUNCTION_ARGS);

#define SURVIVAL_VERSION 1
#define SURVIVAL_INITIAL_CAPACITY 16
/*
 * Survival probabilities within this relative distance above 0.5 count as
 * reaching 0.5: the product of the KM factors carries rounding errors of a
 * few units in the last place, and a curve that is exactly 1/2 in exact
 * arithmetic must give the same median however it was rounded.
 */
#define SURVIVAL_HALF_TOLERANCE 1e-12

typedef struct SurvivalEntry
{
	float8		time;			/* duration, finite and >= 0 (never -0) */
	int64		events;			/* churned at this duration */
	int64		censored;		/* still customers at this duration */
} SurvivalEntry;

typedef struct SurvivalSummary
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	uint8		version;
	bool		sorted;			/* entries are in increasing time order */
	int32		nentries;		/* entries in use, distinct times */
	int32		capacity;		/* entries allocated */
	int32		nslots;			/* hash slots after the entries: 0 or a
								 * power of 2 >= 2 * capacity */
	SurvivalEntry entries[FLEXIBLE_ARRAY_MEMBER];
	/* int32 slots[nslots]: 1 + index of the entry hashed there, 0 = free */
} SurvivalSummary;

#define SURVIVAL_SIZE(capacity, nslots) \
	(offsetof(SurvivalSummary, entries) + (Size) (capacity) * sizeof(SurvivalEntry) + \
	 (Size) (nslots) * sizeof(int32))
/* with its hash table, a state of this many entries still fits in 1 GB */
#define SURVIVAL_MAX_ENTRIES (1 << 24)
#define SURVIVAL_SLOTS(s) \
	((int32 *) ((char *) (s)->entries + (Size) (s)->capacity * sizeof(SurvivalEntry)))

#define PG_GETARG_SURVIVAL(n) \
	survival_checked((SurvivalSummary *) PG_DETOAST_DATUM(PG_GETARG_DATUM(n)))

static inline int32 *survival_probe(SurvivalSummary *summary, float8 time);

/*
 * Input validation and the aggregates guarantee these invariants, for the
 * canonical form (sorted, no hash table, no slack) and for the form of a
 * state that escaped an aggregate (a parallel worker's partial state, or
 * the result of calling the combine function by hand); assertion-enabled
 * builds check them again on every summary that is read.  The total count
 * is not bounded: merging may take it past 2^63 - 1, input accepts such a
 * value so that a dump of it restores, and km_steps reports it as an error.
 */
static inline SurvivalSummary *
survival_checked(SurvivalSummary *summary)
{
#ifdef USE_ASSERT_CHECKING
	Assert(summary->version == SURVIVAL_VERSION);
	Assert(summary->nentries >= 0 && summary->nentries <= summary->capacity &&
		   summary->capacity <= SURVIVAL_MAX_ENTRIES);
	/* a hash table has at least two slots per entry, a power of 2 of them */
	Assert(summary->nslots == 0 ||
		   (summary->nslots >= 2 * summary->capacity &&
			(summary->nslots & (summary->nslots - 1)) == 0));
	/* only states carry a hash table, slack, and unsorted entries */
	Assert(summary->nslots > 0 || (summary->sorted && summary->capacity == summary->nentries));
	Assert(VARSIZE(summary) == SURVIVAL_SIZE(summary->capacity, summary->nslots));
	if (summary->nslots > 0)
	{
		int32	   *slots = SURVIVAL_SLOTS(summary);
		int32		used = 0;

		for (int32 i = 0; i < summary->nslots; i++)
		{
			Assert(slots[i] >= 0 && slots[i] <= summary->nentries);
			used += slots[i] != 0;
		}
		Assert(used == summary->nentries);
	}
	for (int32 i = 0; i < summary->nentries; i++)
	{
		const SurvivalEntry *entry = &summary->entries[i];

		Assert(isfinite(entry->time) && entry->time >= 0 && !signbit(entry->time));
		Assert(entry->events >= 0 && entry->censored >= 0 &&
			   (entry->events > 0 || entry->censored > 0));
		Assert(!summary->sorted || i == 0 || entry->time > summary->entries[i - 1].time);
		/* distinct times: each entry is where the hash table finds it */
		Assert(summary->nslots == 0 || *survival_probe(summary, entry->time) == i + 1);
	}
#endif
	return summary;
}

/* A summary of no entries with room for capacity of them. */
static SurvivalSummary *
survival_new(int32 capacity, int32 nslots)
{
	SurvivalSummary *summary = palloc0(SURVIVAL_SIZE(capacity, nslots));

	SET_VARSIZE(summary, SURVIVAL_SIZE(capacity, nslots));
	summary->version = SURVIVAL_VERSION;
	summary->sorted = true;
	summary->capacity = capacity;
	summary->nslots = nslots;
	return summary;
}

static uint32
duration_hash(float8 time)
{
	uint64		bits;

	memcpy(&bits, &time, sizeof(bits));
	/* the finaliser of MurmurHash3: every input bit affects the low bits */
	bits ^= bits >> 33;
	bits *= UINT64CONST(0xff51afd7ed558ccd);
	bits ^= bits >> 33;
	bits *= UINT64CONST(0xc4ceb9fe1a85ec53);
	bits ^= bits >> 33;
	return (uint32) bits;
}

/* The slot holding time, or the free slot where it belongs. */
static inline int32 *
survival_probe(SurvivalSummary *summary, float8 time)
{
	int32	   *slots = SURVIVAL_SLOTS(summary);
	uint32		mask = (uint32) summary->nslots - 1;
	uint32		i = duration_hash(time) & mask;

	while (slots[i] != 0 && summary->entries[slots[i] - 1].time != time)
		i = (i + 1) & mask;
	return &slots[i];
}

/*
 * A copy of summary's entries in a state with a hash table and room for at
 * least extra more entries (and at least twice the entries, so that growth
 * stays geometric), but no more than SURVIVAL_MAX_ENTRIES in all: extra
 * entries may repeat durations already there, so the limit is reported only
 * when the summary is full and at least one more is needed.
 */
static SurvivalSummary *
survival_state_copy(const SurvivalSummary *summary, int64 extra)
{
	int64		capacity = Max(Max((int64) summary->nentries + extra,
								   2 * (int64) summary->nentries),
							   SURVIVAL_INITIAL_CAPACITY);
	int32		nslots = 1;
	SurvivalSummary *copy;

	if (capacity > SURVIVAL_MAX_ENTRIES)
	{
		if (summary->nentries >= SURVIVAL_MAX_ENTRIES && extra > 0)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("survival summary exceeds %d distinct durations",
							SURVIVAL_MAX_ENTRIES),
					 errhint("Round the durations, e.g. to whole days.")));
		capacity = SURVIVAL_MAX_ENTRIES;
	}
	while (nslots < 2 * capacity)
		nslots *= 2;
	copy = survival_new((int32) capacity, nslots);
	copy->sorted = summary->sorted;
	copy->nentries = summary->nentries;
	memcpy(copy->entries, summary->entries, summary->nentries * sizeof(SurvivalEntry));
	for (int32 i = 0; i < copy->nentries; i++)
		*survival_probe(copy, copy->entries[i].time) = i + 1;
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
static inline void
entry_add(SurvivalEntry *a, const SurvivalEntry *b)
{
	a->events = count_add(a->events, b->events);
	a->censored = count_add(a->censored, b->censored);
}

/*
 * Adds counts at a time to a state (one with a hash table) that may be
 * changed in place; returns it, or a larger copy when it had to grow.
 */
static SurvivalSummary *
survival_add(SurvivalSummary *summary, const SurvivalEntry *entry)
{
	int32	   *slot = survival_probe(summary, entry->time);
	int32		n;

	if (*slot != 0)
	{
		entry_add(&summary->entries[*slot - 1], entry);
		return summary;
	}
	if (summary->nentries == summary->capacity)
	{
		summary = survival_state_copy(summary, 1);
		slot = survival_probe(summary, entry->time);
	}
	n = summary->nentries;
	if (n > 0 && entry->time < summary->entries[n - 1].time)
		summary->sorted = false;
	summary->entries[n] = *entry;
	summary->nentries = n + 1;
	*slot = n + 1;
	return summary;
}

/* The canonical copy of a summary: sorted, without hash table or slack. */
static SurvivalSummary *
survival_canonical_copy(const SurvivalSummary *summary)
{
	SurvivalSummary *copy = survival_new(summary->nentries, 0);

	copy->nentries = summary->nentries;
	memcpy(copy->entries, summary->entries, summary->nentries * sizeof(SurvivalEntry));
	if (!summary->sorted)
		qsort(copy->entries, copy->nentries, sizeof(SurvivalEntry), entry_time_cmp);
	return copy;
}

/* The summary argument n with its entries sorted (sorting a copy if need be). */
static SurvivalSummary *
survival_getarg(FunctionCallInfo fcinfo, int n)
{
	SurvivalSummary *summary = PG_GETARG_SURVIVAL(n);

	if (!summary->sorted)
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
					 const SurvivalEntry *entry)
{
	int32		n = summary->nentries;

	if (entry->time < 0 || (n > 0 && entry->time <= summary->entries[n - 1].time))
		summary_syntax_error(reader,
							 "durations that are not negative and strictly increasing");
	if (entry->events == 0 && entry->censored == 0)
		summary_syntax_error(reader, "counts that are not both zero");
}

PG_FUNCTION_INFO_V1(survival_in);
Datum
survival_in(PG_FUNCTION_ARGS)
{
	char	   *input = PG_GETARG_CSTRING(0);
	SummaryReader reader;
	SurvivalSummary *summary;
	int64		n;

	SUMMARY_IN_COMPACT(survival_recv, "survival", SURVIVAL_VERSION);
	summary_read_begin(&reader, "survival", input, SURVIVAL_VERSION);
	summary_read_key(&reader, "n");
	n = summary_read_count(&reader);
	/* each entry takes at least 6 characters ("0:1:0,") */
	if (n > ((int64) strlen(input) + 1) / 6 || n > SURVIVAL_MAX_ENTRIES)
		summary_syntax_error(&reader, "a number of entries that the input holds");
	summary = survival_new((int32) n, 0);
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
		survival_check_entry(&reader, summary, &entry);
		summary->entries[summary->nentries++] = entry;
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

	SUMMARY_OUT_COMPACT(survival_send, SUMMARY_LARGE_READABLE);
	initStringInfo(&out);
	summary_write_begin(&out, SURVIVAL_VERSION);
	appendStringInfo(&out, " n=%d entries=", summary->nentries);
	for (int32 i = 0; i < summary->nentries; i++)
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

/* Binary: version byte, int64 n, then n x (float8 time, int64 events, int64 censored). */
PG_FUNCTION_INFO_V1(survival_recv);
Datum
survival_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	SurvivalSummary *summary;
	int64		n;

	summary_recv_version(buf, "survival", SURVIVAL_VERSION);
	n = summary_recv_count(buf, "survival");
	if (n > (buf->len - buf->cursor) / (int) (sizeof(float8) + 2 * sizeof(int64)) ||
		n > SURVIVAL_MAX_ENTRIES)
		summary_binary_error("survival", "The value is truncated.");
	summary = survival_new((int32) n, 0);
	for (int64 i = 0; i < n; i++)
	{
		SurvivalEntry entry;

		entry.time = summary_recv_float8(buf, "survival");
		entry.events = summary_recv_count(buf, "survival");
		entry.censored = summary_recv_count(buf, "survival");
		if (!isfinite(entry.time) || entry.time < 0)
			summary_binary_error("survival",
								 psprintf("Duration %s is not a finite number >= 0.",
										  float8_shortest(entry.time)));
		if (entry.time == 0)
			entry.time = 0;
		if (i > 0 && entry.time <= summary->entries[i - 1].time)
			summary_binary_error("survival", "The durations are not strictly increasing.");
		if (entry.events == 0 && entry.censored == 0)
			summary_binary_error("survival", "An entry has no rows.");
		summary->entries[summary->nentries++] = entry;
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
	pq_sendint64(&buf, summary->nentries);
	for (int32 i = 0; i < summary->nentries; i++)
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
 * The state argument 0, ready to be changed: in place inside an aggregate
 * once it has its hash table, else a copy with one.
 */
static SurvivalSummary *
survival_state(FunctionCallInfo fcinfo)
{
	if (AggCheckCallContext(fcinfo, NULL))
	{
		SurvivalSummary *state = (SurvivalSummary *) PG_GETARG_POINTER(0);

		if (state->nslots > 0)
			return state;
	}
	return survival_state_copy(PG_GETARG_SURVIVAL(0), 0);
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
	{
		int32		nslots = 2 * SURVIVAL_INITIAL_CAPACITY;

		state = survival_new(SURVIVAL_INITIAL_CAPACITY, nslots);
	}
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

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	other = PG_GETARG_SURVIVAL(1);
	if (PG_ARGISNULL(0))
		PG_RETURN_POINTER(survival_state_copy(other, 0));

	state = survival_checked(survival_state(fcinfo));
	if ((int64) state->nentries + other->nentries > state->capacity &&
		state->capacity < SURVIVAL_MAX_ENTRIES)
		state = survival_state_copy(state, other->nentries);
	for (int32 i = 0; i < other->nentries; i++)
	{
		CHECK_FOR_INTERRUPTS();
		/* there is room (below the size limit): this reallocates at most there */
		state = survival_add(state, &other->entries[i]);
	}

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

	for (int32 i = 0; i < summary->nentries; i++)
		at_risk = count_add(at_risk,
							count_add(summary->entries[i].events, summary->entries[i].censored));

	*steps = palloc(Max(summary->nentries, 1) * sizeof(KmStep));
	for (int32 i = 0; i < summary->nentries; i++)
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
	if (summary->nentries == 0)
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
