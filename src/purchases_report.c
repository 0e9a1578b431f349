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
 * An exact sum of day totals: numeric amounts in fixed point while it fits,
 * then numeric, as rfm sums; float8 amounts as an exact float_sum.h sum,
 * rounded once when it is shown, so that the result does not depend on how
 * the rows were split.
 */
typedef struct Revenue
{
	PurchasesAmountKind kind;
	int128		fixed;
	int			scale;
	Numeric		numeric;		/* non-NULL once out of the fixed range */
	FloatSum	real;
} Revenue;

/* 10^k as rfm computes it (pow), for every scale a numeric total has */
static double pow10_double[DECIMAL_MAX_SCALE + 1];

static inline double
power_of_ten(int k)
{
	if (pow10_double[0] == 0)
		for (int i = 0; i <= DECIMAL_MAX_SCALE; i++)
			pow10_double[i] = pow(10.0, i);
	return pow10_double[k];
}

static void
revenue_init(Revenue *r, PurchasesAmountKind kind, int scale)
{
	r->kind = kind;
	r->fixed = 0;
	r->scale = scale;
	r->numeric = NULL;
	if (kind == PURCHASES_FLOAT8)
		float_sum_init(&r->real);
}

/* adds day d of the customer; scale: the largest of the sum, as rfm's revenue keeps it */
static inline void
revenue_add(Revenue *r, const PurchasesDays *days, int d)
{
	const PurchasesTotal *t = &days->totals[d];
	int128		b;

	if (r->kind == PURCHASES_FLOAT8)
	{
		FloatSum	sum;

		purchases_days_exact(days, d, &sum);
		float_sum_add(&r->real, &sum);
		return;
	}
	if (r->numeric == NULL)
	{
		if (t->scale == r->scale)
		{
			if (fixed_in_range(r->fixed + t->fixed))
			{
				r->fixed += t->fixed;
				return;
			}
		}
		else if (fixed_rescale(t->fixed, r->scale - t->scale, &b) &&
				 fixed_in_range(r->fixed + b))
		{
			r->fixed += b;
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
		return DirectFunctionCall1(float8_numeric, Float8GetDatum(float_sum_value(&r->real)));
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
	{
		FloatSum	repeat = r->real;

		float_sum_subtract(&repeat, &first->real);
		return float_sum_value(&repeat) / n;
	}
	if (r->numeric == NULL && first->numeric == NULL)
	{
		int128		f;

		if (fixed_rescale(first->fixed, r->scale - first->scale, &f))
			return ((double) (r->fixed - f) / power_of_ten(r->scale)) / n;
	}
	return DatumGetFloat8(DirectFunctionCall1(numeric_float8,
											  DirectFunctionCall2(numeric_sub, revenue_numeric(r),
																  revenue_numeric(first)))) / n;
}

/* the largest scale of days[lo, hi) */
static int
days_scale(const PurchasesDays *days, int lo, int hi)
{
	int			scale = 0;

	if (days->scale >= 0)
		return days->scale;
	for (int d = lo; d < hi; d++)
		scale = Max(scale, days->totals[d].scale);
	return scale;
}

/*
 * The RFM fields of days[lo, hi) of the current customer with tenure measured
 * to `end`: values[0..7] as rfm_summary orders them.
 */
static void
rfm_fields(const PurchasesDays *days, int lo, int hi, DateADT end, Datum *values)
{
	Revenue		revenue,
				first;
	int64		orders = 0;
	int			scale = days->amount_kind == PURCHASES_NUMERIC ? days_scale(days, lo, hi) : 0;
	int			frequency = hi - lo - 1;

	revenue_init(&revenue, days->amount_kind, scale);
	revenue_init(&first, days->amount_kind, scale);
	for (int d = lo; d < hi; d++)
		orders += days->rows[d];
	if (days->scale >= 0)
	{
		/* the common case: one scale, sums in 128 bits */
		int128		sum = 0;
		int			d;

		for (d = lo; d < hi; d++)
		{
			sum += days->totals[d].fixed;
			if (unlikely(!fixed_in_range(sum)))
				break;
		}
		if (d == hi)
		{
			revenue.fixed = sum;
			first.fixed = days->totals[lo].fixed;
		}
		else
		{
			for (d = lo; d < hi; d++)
				revenue_add(&revenue, days, d);
			revenue_add(&first, days, lo);
		}
	}
	else
	{
		for (int d = lo; d < hi; d++)
			revenue_add(&revenue, days, d);
		revenue_add(&first, days, lo);
	}
	values[0] = DateADTGetDatum(days->days[lo]);
	values[1] = DateADTGetDatum(days->days[hi - 1]);
	values[2] = Int64GetDatum(orders);
	values[3] = revenue_numeric(&revenue);
	values[4] = Int32GetDatum(frequency);
	values[5] = Int32GetDatum(days->days[hi - 1] - days->days[lo]);
	values[6] = Int32GetDatum(end - days->days[lo]);
	values[7] = Float8GetDatum(revenue_mean_minus(&revenue, &first, frequency));
}

/* the number of days on or before end (days ascending) */
static int
days_through(const DateADT *days, int n, DateADT end)
{
	int			lo = 0,
				hi = n;

	if (n > 0 && days[n - 1] <= end)
		return n;
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
	check_id_type(fcinfo, cursor.ids.id_kind, "customer_rfm");
	while (purchases_cursor_next(&cursor))
	{
		Datum		values[9];
		bool		nulls[9] = {0};
		int			n = days_through(cursor.current.days, cursor.current.count, end);

		if (n == 0)
			continue;
		values[0] = id_datum(&cursor.ids);
		rfm_fields(&cursor.current, 0, n, end, values + 1);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		if ((cursor.ids.remaining_customers & 0x3fff) == 0)
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
	check_id_type(fcinfo, cursor.ids.id_kind, "calibration_holdout");
	while (purchases_cursor_next(&cursor))
	{
		const PurchasesDays *days = &cursor.current;
		Datum		values[8];
		Datum		rfm[8];
		bool		nulls[8] = {0};
		int			ncal = days_through(days->days, days->count, cal_end);
		int			nall = days_through(days->days, days->count, end);
		Revenue		holdout,
					none;
		int			scale = 0;

		if (ncal == 0)
			continue;
		values[0] = id_datum(&cursor.ids);
		rfm_fields(days, 0, ncal, cal_end, rfm);
		values[1] = rfm[4];
		values[2] = rfm[5];
		values[3] = rfm[6];
		values[4] = rfm[7];
		if (cursor.amount_kind == PURCHASES_NUMERIC && ncal < nall)
			scale = days_scale(days, ncal, nall);
		revenue_init(&holdout, cursor.amount_kind, scale);
		revenue_init(&none, cursor.amount_kind, scale);
		for (int d = ncal; d < nall; d++)
			revenue_add(&holdout, days, d);
		values[5] = Int32GetDatum(nall - ncal);
		values[6] = Float8GetDatum(revenue_mean_minus(&holdout, &none, nall - ncal));
		values[7] = Int32GetDatum(end - cal_end);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		if ((cursor.ids.remaining_customers & 0x3fff) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return (Datum) 0;
}

/* one cell of the cohort triangle: numeric revenue in fixed, float8 in real */
typedef struct CohortCell
{
	PurchasesTotal fixed;
	FloatSum	real;
	int64		active;
} CohortCell;

static void
cell_add(CohortCell *cell, const PurchasesDays *days, int d)
{
	if (days->amount_kind == PURCHASES_NUMERIC)
		purchases_fixed_add(&cell->fixed, &days->totals[d]);
	else
	{
		FloatSum	sum;

		purchases_days_exact(days, d, &sum);
		float_sum_add(&cell->real, &sum);
	}
}

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
	if (cursor.ids.ncustomers == 0)
		return (Datum) 0;
	first = period_index(&period, cursor.ids.min_day);
	last = period_index(&period, cursor.ids.max_day);
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
		const PurchasesDays *days = &cursor.current;
		int64		cohort = period_cursor_index(&pc, days->days[0]) - first;
		int64		previous = -1;
		CohortCell *row;

		if (cells[cohort] == NULL)
			cells[cohort] = palloc0(sizeof(CohortCell) * (ncohorts - cohort));
		row = cells[cohort];
		sizes[cohort]++;
		for (int d = 0; d < days->count; d++)
		{
			int64		offset = period_cursor_index(&pc, days->days[d]) - first - cohort;

			if (offset != previous)
				row[offset].active++;
			previous = offset;
			cell_add(&row[offset], days, d);
		}
		if ((cursor.ids.remaining_customers & 0x3fff) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	for (int64 c = 0; c < ncohorts; c++)
	{
		PurchasesTotal cumulative;
		FloatSum	cumulative_real;

		if (sizes[c] == 0)
			continue;
		memset(&cumulative, 0, sizeof(cumulative));
		float_sum_init(&cumulative_real);
		for (int64 k = 0; k < ncohorts - c; k++)
		{
			Datum		values[8];
			bool		nulls[8] = {0};
			CohortCell *cell = &cells[c][k];
			double		revenue,
						total;

			if (cursor.amount_kind == PURCHASES_FLOAT8)
			{
				float_sum_add(&cumulative_real, &cell->real);
				revenue = float_sum_value(&cell->real);
				total = float_sum_value(&cumulative_real);
				values[4] = DirectFunctionCall1(float8_numeric, Float8GetDatum(revenue));
			}
			else
			{
				purchases_fixed_add(&cumulative, &cell->fixed);
				values[4] = NumericGetDatum(fixed_to_numeric(cell->fixed.fixed, cell->fixed.scale));
				revenue = (double) cell->fixed.fixed / pow(10.0, cell->fixed.scale);
				total = (double) cumulative.fixed / pow(10.0, cumulative.scale);
			}
			values[0] = DateADTGetDatum(period_start(&period, first + c));
			values[1] = Int32GetDatum((int32) k);
			values[2] = Int64GetDatum(sizes[c]);
			values[3] = Int64GetDatum(cell->active);
			values[5] = Float8GetDatum(revenue / sizes[c]);
			values[6] = Float8GetDatum(total / sizes[c]);
			values[7] = BoolGetDatum(period_start(&period, first + c + k + 1) - 1 <= cursor.ids.max_day);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
		CHECK_FOR_INTERRUPTS();
	}
	return (Datum) 0;
}
