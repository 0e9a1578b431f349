/*
 * activity.c
 *		activity_agg(customer_id, at) and rollup(activity): the transition
 *		and combine functions.  The state they update is the expanded object
 *		of activity_state.c; what it is made of is in activity_internal.h.
 *
 * The transition state is the activity type itself, not internal, so that
 * partial aggregation can run on Citus workers.  The transition function
 * appends bigint rows to a run that is sorted into a flat part when full
 * (activity_sort_rows), and collects text and uuid rows for the hash table
 * a batch at a time (activity_add_keys).
 */
#include "retention.h"

#include "activity_internal.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/uuid.h"


/*
 * The state to update for argument 0: the aggregate's own read-write
 * expanded object as is, or else a new one (in the aggregate context)
 * holding a copy of whatever summary was passed.
 */
static ActivityState *
activity_state_for_update(FunctionCallInfo fcinfo, ActivityIdKind kind)
{
	MemoryContext context;
	ActivityState *state;
	ActivityReader reader;

	state = (ActivityState *) expanded_state_for_update(fcinfo, &activity_methods, &context);
	if (state != NULL)
	{
		if (state->id_kind != kind)
			activity_id_kind_mismatch(state->id_kind, kind);
		return state;
	}
	if (PG_ARGISNULL(0))
		return activity_state_create(context, kind);
	activity_reader_begin(&reader, PG_GETARG_DATUM(0));
	if (reader.id_kind != kind)
		activity_id_kind_mismatch(reader.id_kind, kind);
	state = activity_state_create(context, kind);
	activity_merge(state, &reader);
	return state;
}

static DateADT
check_day(DateADT day)
{
	if (day < ACTIVITY_MIN_DAY || day > ACTIVITY_MAX_DAY)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("activity date %s is out of range",
						DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(day)))),
				 errhint("Activity dates must be between 0001-01-01 and 9999-12-31.")));
	return day;
}

static DateADT
day_of_timestamptz(Datum at)
{
	/* the session time zone decides the day, hence STABLE */
	return check_day(DatumGetDateADT(DirectFunctionCall1(timestamptz_date, at)));
}

/* The shared body of every activity_agg transition function. */
static Datum
activity_accumulate(FunctionCallInfo fcinfo, ActivityIdKind kind, DateADT day)
{
	ActivityState *state = activity_state_for_update(fcinfo, kind);
	int64		id = 0;
	const char *bytes = NULL;
	int			len = 0;

	if (kind == ACTIVITY_ID_BIGINT)
		id = PG_GETARG_INT64(1);
	else if (kind == ACTIVITY_ID_TEXT)
	{
		text	   *t = PG_GETARG_TEXT_PP(1);

		bytes = VARDATA_ANY(t);
		len = VARSIZE_ANY_EXHDR(t);
	}
	else
	{
		bytes = (const char *) PG_GETARG_UUID_P(1)->data;
		len = ACTIVITY_UUID_LEN;
	}

	if (kind == ACTIVITY_ID_BIGINT)
	{
		/* collected, then sorted a run at a time (activity_sort_rows) */
		if (state->npending == state->pending_size)
		{
			if (state->pending_size == ACTIVITY_RUN_ROWS)
				activity_sort_rows(state);
			else
			{
				int64		size = state->pending_size == 0 ? ACTIVITY_FIRST_ROWS :
					state->pending_size * 2;

				state->pending_ids = state->pending_ids ?
					repalloc_huge(state->pending_ids, size * sizeof(int64)) :
					MemoryContextAllocHuge(state->hdr.eoh_context, size * sizeof(int64));
				state->pending_days = state->pending_days ?
					repalloc_huge(state->pending_days, size * sizeof(DateADT)) :
					MemoryContextAllocHuge(state->hdr.eoh_context, size * sizeof(DateADT));
				state->pending_size = size;
			}
		}
		state->pending_ids[state->npending] = id;
		state->pending_days[state->npending] = day;
		state->npending++;
		state->flat_size = 0;
		PG_RETURN_DATUM(EOHPGetRWDatum(&state->hdr));
	}

	/* text and uuid ids point into the current row: collect a copy */
	if (state->npending == ACTIVITY_BATCH)
		activity_add_keys(state);
	if (state->pending_ids == NULL)
	{
		state->pending_ids = MemoryContextAlloc(state->hdr.eoh_context,
												ACTIVITY_BATCH * sizeof(int64));
		state->pending_days = MemoryContextAlloc(state->hdr.eoh_context,
												 ACTIVITY_BATCH * sizeof(DateADT));
		state->pending_size = ACTIVITY_BATCH;
	}
	if (state->pending_keys_used + len > state->pending_keys_size)
	{
		Size		size = Max(state->pending_keys_size * 2, state->pending_keys_used + len + 1024);

		state->pending_keys = state->pending_keys ?
			repalloc_huge(state->pending_keys, size) :
			MemoryContextAllocHuge(state->hdr.eoh_context, size);
		state->pending_keys_size = size;
	}
	memcpy(state->pending_keys + state->pending_keys_used, bytes, len);
	state->pending_ids[state->npending] = (int64) state->pending_keys_used;
	state->pending_days[state->npending] = day;
	state->pending_keys_used += len;
	state->npending++;
	state->flat_size = 0;
	PG_RETURN_DATUM(EOHPGetRWDatum(&state->hdr));
}

/* NULL ids and NULL dates are skipped (the transition functions are not strict). */
#define ACTIVITY_SKIP_NULLS() \
	do { \
		if (PG_ARGISNULL(1) || PG_ARGISNULL(2)) \
			return state_unchanged(fcinfo); \
	} while (0)

#define ACTIVITY_TRANSFN(name, kind, day_expr) \
PG_FUNCTION_INFO_V1(name); \
Datum \
name(PG_FUNCTION_ARGS) \
{ \
	ACTIVITY_SKIP_NULLS(); \
	return activity_accumulate(fcinfo, kind, day_expr); \
}

ACTIVITY_TRANSFN(activity_agg_transfn_bigint_date, ACTIVITY_ID_BIGINT, check_day(PG_GETARG_DATEADT(2)))
ACTIVITY_TRANSFN(activity_agg_transfn_text_date, ACTIVITY_ID_TEXT, check_day(PG_GETARG_DATEADT(2)))
ACTIVITY_TRANSFN(activity_agg_transfn_uuid_date, ACTIVITY_ID_UUID, check_day(PG_GETARG_DATEADT(2)))
ACTIVITY_TRANSFN(activity_agg_transfn_bigint_timestamptz, ACTIVITY_ID_BIGINT, day_of_timestamptz(PG_GETARG_DATUM(2)))
ACTIVITY_TRANSFN(activity_agg_transfn_text_timestamptz, ACTIVITY_ID_TEXT, day_of_timestamptz(PG_GETARG_DATUM(2)))
ACTIVITY_TRANSFN(activity_agg_transfn_uuid_timestamptz, ACTIVITY_ID_UUID, day_of_timestamptz(PG_GETARG_DATUM(2)))

/*
 * activity_agg_combinefn(a activity, b activity): the union per customer.
 * The combine function of activity_agg and the transition function of
 * rollup(activity); NULL on either side is skipped.
 */
PG_FUNCTION_INFO_V1(activity_agg_combinefn);
Datum
activity_agg_combinefn(PG_FUNCTION_ARGS)
{
	ActivityState *state;
	ActivityReader reader;

	if (PG_ARGISNULL(1))
		return state_unchanged(fcinfo);
	activity_reader_begin(&reader, PG_GETARG_DATUM(1));
	state = activity_state_for_update(fcinfo, reader.id_kind);
	activity_merge(state, &reader);
	PG_RETURN_DATUM(EOHPGetRWDatum(&state->hdr));
}
