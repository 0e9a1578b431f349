/*
 * activity_stages.c
 *		Per-customer lifecycle stages for CRM exports: customer_stages (one
 *		row per customer, streamed) and stage_transitions (the flows between
 *		stages from one bucket to the next).  SPEC.md section 7,
 *		doc/product-retention.md.
 *
 * A customer's stage at bucket b (from the bucket of its first day on):
 * 'new' (first active in b), 'returning' (active in b and b - 1),
 * 'resurrecting' (active in b, not in b - 1, but before), 'dormant' (active
 * in b - 1, not in b), 'lost' (active before b - 1, not in b - 1 or b).
 *
 * customer_stages returns ids in their own type: its first argument is a
 * value of the id type (NULL::bigint, NULL::text, NULL::uuid), and the
 * polymorphic result column customer_id takes that type.
 */
#include "retention.h"

#include "activity.h"
#include "activity_product.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "period.h"
#include "utils/builtins.h"
#include "utils/uuid.h"

typedef enum Stage
{
	STAGE_NONE = 0,				/* before the first bucket (from_stage NULL) */
	STAGE_NEW,
	STAGE_RETURNING,
	STAGE_RESURRECTING,
	STAGE_DORMANT,
	STAGE_LOST,
	STAGE_COUNT
} Stage;

static const char *const stage_names[STAGE_COUNT] = {
	NULL, "new", "returning", "resurrecting", "dormant", "lost"
};

/* ---- customer_stages ---- */

typedef struct StagesScan
{
	ActivityReader reader;
	Period		period;
	int64		bucket;			/* b, the bucket of `at` */
	DateADT		previous_start;	/* first day of b - 1 */
	DateADT		bucket_start;
	DateADT		bucket_end;		/* last day of b */
	Oid			id_type;
	Datum		stage_text[STAGE_COUNT];	/* the stage names as text, made once */
} StagesScan;

static Oid
id_type_of_kind(ActivityIdKind kind)
{
	switch (kind)
	{
		case ACTIVITY_ID_BIGINT:
			return INT8OID;
		case ACTIVITY_ID_TEXT:
			return TEXTOID;
		case ACTIVITY_ID_UUID:
			return UUIDOID;
	}
	return InvalidOid;
}

/* Index of the first day > day (days ascending). */
static int
days_after(const DateADT *days, int count, DateADT day)
{
	int			lo = 0,
				hi = count;

	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (days[mid] <= day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * customer_stages(id_type anyelement, activity, period, at): each customer
 * whose first day is on or before the end of the bucket of `at`, with its
 * stage there and its days up to that end.  Streams one row per call; the
 * state is the summary (detoasted or flattened once) and a reader.
 */
PG_FUNCTION_INFO_V1(activity_customer_stages);
Datum
activity_customer_stages(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx;
	StagesScan *scan;

	if (SRF_IS_FIRSTCALL())
	{
		MemoryContext old;
		TupleDesc	desc;
		Oid			id_type = get_fn_expr_argtype(fcinfo->flinfo, 0);
		DateADT		at;
		Datum		summary;

		funcctx = SRF_FIRSTCALL_INIT();
		old = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
		if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "return type must be a row type");
		funcctx->tuple_desc = BlessTupleDesc(desc);
		if (id_type != INT8OID && id_type != TEXTOID && id_type != UUIDOID)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("customer ids of type %s are not supported", format_type_be(id_type)),
					 errhint("Pass NULL::bigint, NULL::text or NULL::uuid as the first argument, the type of the summary's customer ids.")));

		/* NULL summary, period or day: no rows, as a strict function */
		if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		{
			MemoryContextSwitchTo(old);
			funcctx = SRF_PERCALL_SETUP();
			SRF_RETURN_DONE(funcctx);
		}

		scan = palloc0(sizeof(StagesScan));
		scan->id_type = id_type;
		period_parse_text(PG_GETARG_TEXT_PP(2), 0, &scan->period);
		at = PG_GETARG_DATEADT(3);
		if (DATE_NOT_FINITE(at) || at < ACTIVITY_MIN_DAY || at > ACTIVITY_MAX_DAY)
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
					 errmsg("date out of range for customer stages"),
					 errhint("Pass a date from 0001-01-01 to 9999-12-31.")));
		scan->bucket = period_index(&scan->period, at);
		scan->bucket_start = period_start(&scan->period, scan->bucket);
		scan->bucket_end = period_start(&scan->period, scan->bucket + 1) - 1;
		scan->previous_start = period_start(&scan->period, scan->bucket - 1);
		for (int st = STAGE_NEW; st < STAGE_COUNT; st++)
			scan->stage_text[st] = CStringGetTextDatum(stage_names[st]);

		/* a copy that lives as long as the scan (flattened if expanded) */
		summary = PointerGetDatum(PG_DETOAST_DATUM_COPY(PG_GETARG_DATUM(1)));
		activity_reader_begin(&scan->reader, summary);
		if (id_type_of_kind(scan->reader.id_kind) != id_type)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("customer id type %s does not match the summary's customer ids of type %s",
							format_type_be(id_type),
							format_type_be(id_type_of_kind(scan->reader.id_kind))),
					 errhint("Pass NULL::%s as the first argument.",
							 format_type_be(id_type_of_kind(scan->reader.id_kind)))));
		funcctx->user_fctx = scan;
		MemoryContextSwitchTo(old);
	}

	funcctx = SRF_PERCALL_SETUP();
	scan = (StagesScan *) funcctx->user_fctx;
	for (;;)
	{
		ActivityReader *r = &scan->reader;
		MemoryContext old;
		bool		more;
		int			n;
		Stage		stage;
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, false};

		/* the reader's buffers belong to the scan */
		old = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
		more = activity_reader_next(r);
		MemoryContextSwitchTo(old);
		if (!more)
			break;
		CHECK_FOR_INTERRUPTS();
		if (r->days[0] > scan->bucket_end)
			continue;

		/* days up to the end of b; buckets told apart by their first days */
		n = days_after(r->days, r->count, scan->bucket_end);
		if (r->days[n - 1] >= scan->bucket_start)
		{
			if (r->days[0] >= scan->bucket_start)
				stage = STAGE_NEW;
			else
			{
				/* the last day before b is in b - 1, or earlier */
				int			before = days_after(r->days, n, scan->bucket_start - 1) - 1;

				stage = r->days[before] >= scan->previous_start ?
					STAGE_RETURNING : STAGE_RESURRECTING;
			}
		}
		else if (r->days[n - 1] >= scan->previous_start)
			stage = STAGE_DORMANT;
		else
			stage = STAGE_LOST;

		switch (scan->id_type)
		{
			case INT8OID:
				values[0] = Int64GetDatum(r->id);
				break;
			case TEXTOID:
				values[0] = PointerGetDatum(cstring_to_text_with_len(r->key, r->keylen));
				break;
			default:
				{
					pg_uuid_t  *uuid = palloc(sizeof(pg_uuid_t));

					memcpy(uuid->data, r->key, UUID_LEN);
					values[0] = UUIDPGetDatum(uuid);
				}
				break;
		}
		values[1] = scan->stage_text[stage];
		values[2] = DateADTGetDatum(r->days[0]);
		values[3] = DateADTGetDatum(r->days[n - 1]);
		values[4] = Int32GetDatum(n);
		SRF_RETURN_NEXT(funcctx,
						HeapTupleGetDatum(heap_form_tuple(funcctx->tuple_desc, values, nulls)));
	}
	SRF_RETURN_DONE(funcctx);
}

/* ---- stage_transitions ---- */

typedef struct Flows
{
	int64		buckets;
	int64	   *counts;			/* [bucket][from][to], STAGE_COUNT^2 per bucket */
	int64	   *lost_runs;		/* lost -> lost from bucket i on: +1 / -1 */
} Flows;

static inline void
flow_add(Flows *f, int64 bucket, Stage from, Stage to)
{
	f->counts[(bucket * STAGE_COUNT + from) * STAGE_COUNT + to]++;
}

/*
 * The quiet buckets after active bucket x (stage sx) up to, not including,
 * bucket y: dormant, then lost, then lost again.  Returns the stage in
 * bucket y - 1.
 */
static inline Stage
flow_quiet(Flows *f, int64 x, Stage sx, int64 y)
{
	if (x + 1 >= y)
		return sx;
	flow_add(f, x + 1, sx, STAGE_DORMANT);
	if (x + 2 >= y)
		return STAGE_DORMANT;
	flow_add(f, x + 2, STAGE_DORMANT, STAGE_LOST);
	if (x + 3 < y)
	{
		f->lost_runs[x + 3]++;
		f->lost_runs[y]--;
	}
	return STAGE_LOST;
}

/*
 * For each bucket after the first, the customers by (stage in p - 1, stage
 * in p); new customers come from NULL.  Each customer costs one step per
 * active bucket: long lost stretches are added as runs.
 */
PG_FUNCTION_INFO_V1(activity_stage_transitions);
Datum
activity_stage_transitions(PG_FUNCTION_ARGS)
{
	Period		period;
	ProductOutput output;
	ActivityReader reader;
	PeriodTable table;
	Flows		flows;
	int64		first;
	int64		lost_lost = 0;

	period_parse_text(PG_GETARG_TEXT_PP(1), 0, &period);
	product_output_begin(fcinfo, &output);
	activity_reader_begin(&reader, PG_GETARG_DATUM(0));
	if (reader.ncustomers == 0)
		PG_RETURN_NULL();
	period_table_init(&table, &period, reader.min_day, reader.max_day);
	first = table.first_index;
	flows.buckets = period_table_index(&table, reader.max_day) - first + 1;
	product_check_cells(flows.buckets * STAGE_COUNT * STAGE_COUNT, &period);
	flows.counts = palloc_extended(sizeof(int64) * flows.buckets * STAGE_COUNT * STAGE_COUNT,
								   MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	flows.lost_runs = palloc0(sizeof(int64) * (flows.buckets + 1));

	while (activity_reader_next(&reader))
	{
		/* a day's bucket (from the first) is a lookup in the period table */
		const int32 *offsets = table.offsets;
		const DateADT first_day = table.first_day;
		const DateADT *days = reader.days;
		int64		previous = offsets[days[0] - first_day];
		Stage		stage = STAGE_NEW;

		flow_add(&flows, previous, STAGE_NONE, STAGE_NEW);
		for (int i = 1; i < reader.count; i++)
		{
			int64		p = offsets[days[i] - first_day];

			if (p == previous)
				continue;
			if (p == previous + 1)
			{
				flow_add(&flows, p, stage, STAGE_RETURNING);
				stage = STAGE_RETURNING;
			}
			else
			{
				flow_add(&flows, p, flow_quiet(&flows, previous, stage, p), STAGE_RESURRECTING);
				stage = STAGE_RESURRECTING;
			}
			previous = p;
		}
		(void) flow_quiet(&flows, previous, stage, flows.buckets);
		CHECK_FOR_INTERRUPTS();
	}

	for (int64 p = 0; p < flows.buckets; p++)
	{
		bool		complete = product_bucket_complete(&period, first + p, reader.max_day);

		lost_lost += flows.lost_runs[p];
		flows.counts[(p * STAGE_COUNT + STAGE_LOST) * STAGE_COUNT + STAGE_LOST] += lost_lost;
		if (p == 0)
			continue;
		for (int from = STAGE_NONE; from < STAGE_COUNT; from++)
			for (int to = STAGE_NEW; to < STAGE_COUNT; to++)
			{
				int64		customers = flows.counts[(p * STAGE_COUNT + from) * STAGE_COUNT + to];
				Datum		values[5];
				bool		nulls[5] = {false, false, false, false, false};

				if (customers == 0)
					continue;
				values[0] = DateADTGetDatum(period_start(&period, first + p));
				if (from == STAGE_NONE)
					nulls[1] = true;
				else
					values[1] = CStringGetTextDatum(stage_names[from]);
				values[2] = CStringGetTextDatum(stage_names[to]);
				values[3] = Int64GetDatum(customers);
				values[4] = BoolGetDatum(complete);
				product_output_row(&output, values, nulls);
			}
		CHECK_FOR_INTERRUPTS();
	}
	PG_RETURN_NULL();
}
