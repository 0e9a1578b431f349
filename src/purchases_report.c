/*
 * purchases_report.c
 *		The accessors of the purchases summary: customer_rfm (every
 *		customer's rfm_summary in one pass), calibration_holdout (the
 *		calibration and holdout data of the BTYD literature) and
 *		cohort_revenue (the realised-LTV curve per cohort).
 *
 * Per-customer results carry the customer id in its own type: the first
 * argument is a typed NULL (NULL::bigint, NULL::text or NULL::uuid) whose
 * type is the type of the customer_id column, so the rows join to the
 * customer table without casts.
 */
#include "retention.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "period.h"
#include "purchases.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/uuid.h"

static const char *
date_text(DateADT day)
{
	return DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(day)));
}

static void
check_finite(const char *what, DateADT day)
{
	if (DATE_NOT_FINITE(day))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s %s is not a finite date", what, date_text(day)),
				 errhint("Pass a finite date.")));
}

/* The id kind the first argument's type asks for; it must be the summary's. */
static void
check_id_type(FunctionCallInfo fcinfo, ActivityIdKind kind, const char *function)
{
	Oid			type = get_fn_expr_argtype(fcinfo->flinfo, 0);
	Oid			expected = kind == ACTIVITY_ID_BIGINT ? INT8OID :
		kind == ACTIVITY_ID_TEXT ? TEXTOID : UUIDOID;

	if (type != expected)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("%s: the summary has %s customer ids, not %s",
						function, activity_id_kind_names[kind], format_type_be(type)),
				 errhint("Pass NULL::%s as the first argument.", activity_id_kind_names[kind])));
}

static Datum
id_datum(const FlatCursor *c)
{
	if (c->id_kind == ACTIVITY_ID_BIGINT)
		return Int64GetDatum(c->id);
	if (c->id_kind == ACTIVITY_ID_TEXT)
		return PointerGetDatum(cstring_to_text_with_len(c->key, c->keylen));
	else
	{
		pg_uuid_t  *u = palloc(sizeof(pg_uuid_t));

		memcpy(u->data, c->key, ACTIVITY_UUID_LEN);
		return UUIDPGetDatum(u);
	}
}

/*
 * An exact sum of day totals (numeric amounts): fixed point while it fits,
 * then numeric, as rfm sums; or a float8 sum.
 */
typedef struct Revenue
{
	PurchasesAmountKind kind;
	int128		fixed;
	int			scale;
	Numeric		numeric;		/* non-NULL once out of the fixed range */
	double		real;
} Revenue;

static void
revenue_init(Revenue *r, PurchasesAmountKind kind)
{
	memset(r, 0, sizeof(Revenue));
	r->kind = kind;
}

/* the largest scale first, as rfm's revenue keeps the largest display scale */
static void
revenue_add(Revenue *r, const PurchasesTotal *t, int scale)
{
	int128		a,
				b;

	if (r->kind == PURCHASES_FLOAT8)
	{
		r->real += t->real;
		return;
	}
	if (r->numeric == NULL)
	{
		if (fixed_rescale(r->fixed, scale - r->scale, &a) &&
			fixed_rescale(t->fixed, scale - t->scale, &b) &&
			fixed_in_range(a + b))
		{
			r->fixed = a + b;
			r->scale = scale;
			return;
		}
		r->numeric = fixed_to_numeric(r->fixed, r->scale);
	}
	r->numeric = DatumGetNumeric(DirectFunctionCall2(numeric_add, NumericGetDatum(r->numeric),
													 NumericGetDatum(fixed_to_numeric(t->fixed, t->scale))));
}

static Datum
revenue_numeric(const Revenue *r)
{
	if (r->kind == PURCHASES_FLOAT8)
		return DirectFunctionCall1(float8_numeric, Float8GetDatum(r->real));
	if (r->numeric)
		return NumericGetDatum(r->numeric);
	return NumericGetDatum(fixed_to_numeric(r->fixed, r->scale));
}

/* (r - first) / n as float8, computed as rfm computes monetary_value */
static double
revenue_mean_minus(const Revenue *r, const Revenue *first, int n)
{
	if (n == 0)
		return 0.0;
	if (r->kind == PURCHASES_FLOAT8)
		return (r->real - first->real) / n;
	if (r->numeric == NULL && first->numeric == NULL)
	{
		int128		f;

		if (fixed_rescale(first->fixed, r->scale - first->scale, &f))
			return ((double) (r->fixed - f) / pow(10.0, r->scale)) / n;
	}
	return DatumGetFloat8(DirectFunctionCall1(numeric_float8,
											  DirectFunctionCall2(numeric_sub, revenue_numeric(r),
																  revenue_numeric(first)))) / n;
}

/*
 * The RFM fields of days[lo, hi) of the current customer with tenure measured
 * to `end`: values[0..7] as rfm_summary orders them.
 */
static void
rfm_fields(const PurchasesCursor *c, int lo, int hi, DateADT end, Datum *values,
		   Revenue *revenue_out)
{
	Revenue		revenue,
				first;
	int64		orders = 0;
	int			scale = 0;
	int			frequency = hi - lo - 1;

	revenue_init(&revenue, c->amount_kind);
	revenue_init(&first, c->amount_kind);
	for (int d = lo; d < hi; d++)
	{
		orders += c->rows[d];
		scale = Max(scale, c->totals[d].scale);
	}
	for (int d = lo; d < hi; d++)
		revenue_add(&revenue, &c->totals[d], scale);
	revenue_add(&first, &c->totals[lo], scale);
	values[0] = DateADTGetDatum(c->days.days[lo]);
	values[1] = DateADTGetDatum(c->days.days[hi - 1]);
	values[2] = Int64GetDatum(orders);
	values[3] = revenue_numeric(&revenue);
	values[4] = Int32GetDatum(frequency);
	values[5] = Int32GetDatum(c->days.days[hi - 1] - c->days.days[lo]);
	values[6] = Int32GetDatum(end - c->days.days[lo]);
	values[7] = Float8GetDatum(revenue_mean_minus(&revenue, &first, frequency));
	if (revenue_out)
		*revenue_out = revenue;
}

/* the number of days on or before end (days ascending) */
static int
days_through(const DateADT *days, int n, DateADT end)
{
	int			lo = 0,
				hi = n;

	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (days[mid] <= end)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * customer_rfm(id_type anyelement, summary purchases, observation_end date)
 * -> SETOF (customer_id, first_order, ..., monetary_value): rfm(...) GROUP BY
 * customer_id for every customer with a purchase on or before the end.
 */
PG_FUNCTION_INFO_V1(purchases_customer_rfm);
Datum
purchases_customer_rfm(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	PurchasesCursor cursor;
	DateADT		end;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		return (Datum) 0;
	end = PG_GETARG_DATEADT(2);
	check_finite("observation_end", end);
	purchases_cursor_begin(&cursor, purchases_flat(PG_GETARG_DATUM(1)), ERRCODE_DATA_CORRUPTED);
	check_id_type(fcinfo, cursor.days.id_kind, "customer_rfm");
	while (purchases_cursor_next(&cursor))
	{
		Datum		values[9];
		bool		nulls[9] = {0};
		int			n = days_through(cursor.days.days, cursor.days.count, end);

		if (n == 0)
			continue;
		values[0] = id_datum(&cursor.days);
		rfm_fields(&cursor, 0, n, end, values + 1, NULL);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		if ((cursor.days.remaining_customers & 0x3fff) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return (Datum) 0;
}

/*
 * calibration_holdout(id_type, summary, calibration_end, observation_end):
 * lifetimes.utils.calibration_and_holdout_data(..., freq='D').
 */
PG_FUNCTION_INFO_V1(purchases_calibration_holdout);
Datum
purchases_calibration_holdout(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	PurchasesCursor cursor;
	DateADT		cal_end,
				end;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		return (Datum) 0;
	cal_end = PG_GETARG_DATEADT(2);
	end = PG_GETARG_DATEADT(3);
	check_finite("calibration_end", cal_end);
	check_finite("observation_end", end);
	if (cal_end >= end)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("calibration_end %s is not before observation_end %s",
						date_text(cal_end), date_text(end)),
				 errhint("The holdout period runs from the day after calibration_end to observation_end; pass calibration_end < observation_end.")));
	purchases_cursor_begin(&cursor, purchases_flat(PG_GETARG_DATUM(1)), ERRCODE_DATA_CORRUPTED);
	check_id_type(fcinfo, cursor.days.id_kind, "calibration_holdout");
	while (purchases_cursor_next(&cursor))
	{
		Datum		values[8];
		Datum		rfm[8];
		bool		nulls[8] = {0};
		int			ncal = days_through(cursor.days.days, cursor.days.count, cal_end);
		int			nall = days_through(cursor.days.days, cursor.days.count, end);
		Revenue		holdout,
					none;
		int			scale = 0;

		if (ncal == 0)
			continue;
		values[0] = id_datum(&cursor.days);
		rfm_fields(&cursor, 0, ncal, cal_end, rfm, NULL);
		values[1] = rfm[4];
		values[2] = rfm[5];
		values[3] = rfm[6];
		values[4] = rfm[7];
		revenue_init(&holdout, cursor.amount_kind);
		revenue_init(&none, cursor.amount_kind);
		for (int d = ncal; d < nall; d++)
			scale = Max(scale, cursor.totals[d].scale);
		for (int d = ncal; d < nall; d++)
			revenue_add(&holdout, &cursor.totals[d], scale);
		values[5] = Int32GetDatum(nall - ncal);
		values[6] = Float8GetDatum(revenue_mean_minus(&holdout, &none, nall - ncal));
		values[7] = Int32GetDatum(end - cal_end);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		if ((cursor.days.remaining_customers & 0x3fff) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return (Datum) 0;
}

/* one cell of the cohort triangle */
typedef struct CohortCell
{
	PurchasesTotal revenue;
	int64		active;
} CohortCell;

/*
 * cohort_revenue(purchases, period text) -> SETOF (cohort, period_offset,
 * cohort_size, active, revenue, revenue_per_customer,
 * cumulative_revenue_per_customer, complete): per cohort (the bucket of a
 * customer's first day) and offset k, the revenue of its members in bucket
 * cohort + k, per member, and summed over offsets 0 to k.
 */
PG_FUNCTION_INFO_V1(purchases_cohort_revenue);
Datum
purchases_cohort_revenue(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	struct varlena *flat = purchases_flat(PG_GETARG_DATUM(0));
	PurchasesCursor cursor;
	Period		period;
	PeriodCursor pc;
	int64		first,
				last,
				ncohorts;
	int64	   *sizes;
	CohortCell **cells;

	InitMaterializedSRF(fcinfo, 0);
	period_parse_text(PG_GETARG_TEXT_PP(1), 0, &period);
	purchases_cursor_begin(&cursor, flat, ERRCODE_DATA_CORRUPTED);
	if (cursor.days.ncustomers == 0)
		return (Datum) 0;
	first = period_index(&period, cursor.days.min_day);
	last = period_index(&period, cursor.days.max_day);
	ncohorts = last - first + 1;
	if (ncohorts > 100000)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("cohort_revenue over " INT64_FORMAT " buckets exceeds the limit of 100000", ncohorts),
				 errhint("Use a longer period.")));
	sizes = palloc0(sizeof(int64) * ncohorts);
	cells = palloc0(sizeof(CohortCell *) * ncohorts);
	period_cursor_init(&pc, &period);
	while (purchases_cursor_next(&cursor))
	{
		int64		cohort = period_cursor_index(&pc, cursor.days.days[0]) - first;
		int64		previous = -1;
		CohortCell *row;

		if (cells[cohort] == NULL)
			cells[cohort] = palloc0(sizeof(CohortCell) * (ncohorts - cohort));
		row = cells[cohort];
		sizes[cohort]++;
		for (int d = 0; d < cursor.days.count; d++)
		{
			int64		offset = period_cursor_index(&pc, cursor.days.days[d]) - first - cohort;

			if (offset != previous)
				row[offset].active++;
			previous = offset;
			purchases_total_add(cursor.amount_kind, &row[offset].revenue, &cursor.totals[d]);
		}
		if ((cursor.days.remaining_customers & 0x3fff) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	for (int64 c = 0; c < ncohorts; c++)
	{
		PurchasesTotal cumulative;

		if (sizes[c] == 0)
			continue;
		memset(&cumulative, 0, sizeof(cumulative));
		for (int64 k = 0; k < ncohorts - c; k++)
		{
			Datum		values[8];
			bool		nulls[8] = {0};
			CohortCell *cell = &cells[c][k];
			double		revenue,
						total;

			purchases_total_add(cursor.amount_kind, &cumulative, &cell->revenue);
			if (cursor.amount_kind == PURCHASES_FLOAT8)
			{
				values[4] = DirectFunctionCall1(float8_numeric, Float8GetDatum(cell->revenue.real));
				revenue = cell->revenue.real;
				total = cumulative.real;
			}
			else
			{
				values[4] = NumericGetDatum(fixed_to_numeric(cell->revenue.fixed, cell->revenue.scale));
				revenue = (double) cell->revenue.fixed / pow(10.0, cell->revenue.scale);
				total = (double) cumulative.fixed / pow(10.0, cumulative.scale);
			}
			values[0] = DateADTGetDatum(period_start(&period, first + c));
			values[1] = Int32GetDatum((int32) k);
			values[2] = Int64GetDatum(sizes[c]);
			values[3] = Int64GetDatum(cell->active);
			values[5] = Float8GetDatum(revenue / sizes[c]);
			values[6] = Float8GetDatum(total / sizes[c]);
			values[7] = BoolGetDatum(period_start(&period, first + c + k + 1) - 1 <= cursor.days.max_day);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
		CHECK_FOR_INTERRUPTS();
	}
	return (Datum) 0;
}
