/*
 * subscription.c
 *		Contractual churn: churn_rate and retention_rate over subscription
 *		rows (started, ended) for one period, and the classic formulas over
 *		customer counts.
 *
 * A subscription is active on day d when started <= d and (ended IS NULL or
 * d < ended): "ended" is the first day it no longer runs.  Over a period
 * [period_start, period_end], S counts the subscriptions active on
 * period_start and "churned" those of S not active on period_end, i.e. with
 * ended <= period_end.  churn = churned / S, retention = (S - churned) / S.
 *
 * The aggregates' state is the small fixed-size churn_summary (the period and
 * the two counts), updated in place, so the aggregates cost about what a
 * count(*) with two FILTERs costs and combine in parallel workers.  All rows
 * of one aggregate must name the same period: mixing periods would make the
 * counts meaningless, so it is an error (22023) rather than a silent choice.
 */
#include "retention.h"

#include "catalog/pg_type.h"
#include "datatype/timestamp.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "summary_io.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/rangetypes.h"
#include "utils/typcache.h"

#include "period.h"

#define CHURN_SUMMARY_VERSION 1

typedef struct ChurnSummary
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	uint8		version;
	DateADT		period_start;
	DateADT		period_end;		/* always > period_start */
	int64		customers_start;	/* S: active on period_start */
	int64		churned;		/* members of S not active on period_end */
} ChurnSummary;

#define PG_GETARG_CHURN_SUMMARY(n) \
	churn_summary_checked((ChurnSummary *) PG_DETOAST_DATUM(PG_GETARG_DATUM(n)))

/*
 * Input validation (and the aggregates) guarantee these invariants;
 * assertion-enabled builds check them again on every summary that is read.
 */
static inline ChurnSummary *
churn_summary_checked(ChurnSummary *summary)
{
	Assert(VARSIZE(summary) == sizeof(ChurnSummary));
	Assert(summary->version == CHURN_SUMMARY_VERSION);
	Assert(IS_VALID_DATE(summary->period_start) && !DATE_NOT_FINITE(summary->period_start));
	Assert(IS_VALID_DATE(summary->period_end) && !DATE_NOT_FINITE(summary->period_end));
	Assert(summary->period_end > summary->period_start);
	Assert(summary->churned >= 0 && summary->churned <= summary->customers_start);
	return summary;
}

/* A date for messages, in the summaries' form (summary_io.h) whatever the DateStyle. */
static char *
iso_date(DateADT date)
{
	StringInfoData out;

	if (DATE_IS_NOBEGIN(date))
		return "-infinity";
	if (DATE_IS_NOEND(date))
		return "infinity";
	initStringInfo(&out);
	summary_write_date(&out, date);
	return out.data;
}

/* ---------------------------------------------------------------- */
/* churn_summary                                                    */
/* ---------------------------------------------------------------- */

static ChurnSummary *
churn_summary_new(DateADT period_start, DateADT period_end)
{
	ChurnSummary *summary = palloc0(sizeof(ChurnSummary));

	SET_VARSIZE(summary, sizeof(ChurnSummary));
	summary->version = CHURN_SUMMARY_VERSION;
	summary->period_start = period_start;
	summary->period_end = period_end;
	return summary;
}

PG_FUNCTION_INFO_V1(churn_summary_in);
Datum
churn_summary_in(PG_FUNCTION_ARGS)
{
	char	   *input = PG_GETARG_CSTRING(0);
	SummaryReader reader;
	DateADT		period_start,
				period_end;
	ChurnSummary *summary;

	summary_read_begin(&reader, "churn_summary", input, CHURN_SUMMARY_VERSION);
	summary_read_key(&reader, "period_start");
	period_start = summary_read_date(&reader);
	summary_read_key(&reader, "period_end");
	period_end = summary_read_date(&reader);
	if (period_end <= period_start)
		summary_syntax_error(&reader, "a period_end later than period_start");
	summary = churn_summary_new(period_start, period_end);
	summary_read_key(&reader, "customers_start");
	summary->customers_start = summary_read_count(&reader);
	summary_read_key(&reader, "churned");
	summary->churned = summary_read_count(&reader);
	if (summary->churned > summary->customers_start)
		summary_syntax_error(&reader, "churned no larger than customers_start");
	summary_read_end(&reader);

	PG_RETURN_POINTER(summary);
}

PG_FUNCTION_INFO_V1(churn_summary_out);
Datum
churn_summary_out(PG_FUNCTION_ARGS)
{
	ChurnSummary *summary = PG_GETARG_CHURN_SUMMARY(0);
	StringInfoData out;

	initStringInfo(&out);
	summary_write_begin(&out, CHURN_SUMMARY_VERSION);
	appendStringInfoString(&out, " period_start=");
	summary_write_date(&out, summary->period_start);
	appendStringInfoString(&out, " period_end=");
	summary_write_date(&out, summary->period_end);
	appendStringInfo(&out, " customers_start=" INT64_FORMAT " churned=" INT64_FORMAT,
					 summary->customers_start, summary->churned);
	PG_RETURN_CSTRING(out.data);
}

PG_FUNCTION_INFO_V1(churn_summary_recv);
Datum
churn_summary_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int64		period_start,
				period_end;
	ChurnSummary *summary;

	summary_recv_version(buf, "churn_summary", CHURN_SUMMARY_VERSION);
	/* the dates travel as day counts from 2000-01-01, widened to 8 bytes */
	period_start = summary_recv_count(buf, "churn_summary") + PG_INT32_MIN;
	period_end = summary_recv_count(buf, "churn_summary") + PG_INT32_MIN;
	if (!IS_VALID_DATE(period_start) || !IS_VALID_DATE(period_end))
		summary_binary_error("churn_summary", "A period bound is not a valid finite date.");
	if (period_end <= period_start)
		summary_binary_error("churn_summary", "The period ends before it starts.");
	summary = churn_summary_new((DateADT) period_start, (DateADT) period_end);
	summary->customers_start = summary_recv_count(buf, "churn_summary");
	summary->churned = summary_recv_count(buf, "churn_summary");
	if (summary->churned > summary->customers_start)
		summary_binary_error("churn_summary", "More customers churned than were active at the start.");
	summary_recv_end(buf, "churn_summary");

	PG_RETURN_POINTER(summary);
}

PG_FUNCTION_INFO_V1(churn_summary_send);
Datum
churn_summary_send(PG_FUNCTION_ARGS)
{
	ChurnSummary *summary = PG_GETARG_CHURN_SUMMARY(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, CHURN_SUMMARY_VERSION);
	/* offset so that the (non-negative) count reader can read them back */
	pq_sendint64(&buf, (int64) summary->period_start - PG_INT32_MIN);
	pq_sendint64(&buf, (int64) summary->period_end - PG_INT32_MIN);
	pq_sendint64(&buf, summary->customers_start);
	pq_sendint64(&buf, summary->churned);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* ---------------------------------------------------------------- */
/* the aggregates                                                   */
/* ---------------------------------------------------------------- */

static void
check_period(DateADT period_start, DateADT period_end)
{
	if (DATE_NOT_FINITE(period_start) || DATE_NOT_FINITE(period_end))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("period from %s to %s is not finite",
						iso_date(period_start), iso_date(period_end)),
				 errhint("A churn period starts and ends on finite dates.")));
	if (period_end <= period_start)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("period end %s is not after period start %s",
						iso_date(period_end), iso_date(period_start)),
				 errhint("The period_end must be later than the period_start.")));
}

/*
 * Counts one subscription into the state (created on the first row).
 * ended may be NULL (still running); the caller has skipped rows with
 * another NULL.
 */
static Datum
churn_accumulate(FunctionCallInfo fcinfo, DateADT started, bool ended_null,
				 DateADT ended, DateADT period_start, DateADT period_end)
{
	ChurnSummary *state;

	if (!ended_null && ended < started)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("subscription end %s is before its start %s",
						iso_date(ended), iso_date(started)),
				 errhint("A subscription ends on or after the day it starts; ended is the first day it no longer runs.")));

	if (PG_ARGISNULL(0))
	{
		check_period(period_start, period_end);
		state = churn_summary_new(period_start, period_end);
	}
	else
	{
		state = churn_summary_checked(summary_for_update(fcinfo, 0));
		if (period_start != state->period_start || period_end != state->period_end)
		{
			check_period(period_start, period_end);
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("period from %s to %s differs from period from %s to %s of earlier rows",
							iso_date(period_start), iso_date(period_end),
							iso_date(state->period_start), iso_date(state->period_end)),
					 errhint("Every row of one churn_rate or retention_rate aggregate must name the same period; use GROUP BY the period to get one rate per period.")));
		}
	}

	/* active on period_start: started <= period_start < ended */
	if (started <= period_start && (ended_null || period_start < ended))
	{
		state->customers_start++;
		/* not active on period_end (started <= period_end holds already) */
		if (!ended_null && ended <= period_end)
			state->churned++;
	}

	PG_RETURN_POINTER(state);
}

/* churn_agg_transfn(state, started date, ended date, period_start date, period_end date) */
PG_FUNCTION_INFO_V1(churn_agg_transfn);
Datum
churn_agg_transfn(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(1) || PG_ARGISNULL(3) || PG_ARGISNULL(4))
		return state_unchanged(fcinfo);
	return churn_accumulate(fcinfo, PG_GETARG_DATEADT(1),
							PG_ARGISNULL(2), PG_ARGISNULL(2) ? 0 : PG_GETARG_DATEADT(2),
							PG_GETARG_DATEADT(3), PG_GETARG_DATEADT(4));
}

/* The day of a timestamptz in the session time zone. */
static DateADT
session_date(Datum timestamp)
{
	return DatumGetDateADT(DirectFunctionCall1(timestamptz_date, timestamp));
}

/* churn_agg_tz_transfn(state, started timestamptz, ended, period_start, period_end) */
PG_FUNCTION_INFO_V1(churn_agg_tz_transfn);
Datum
churn_agg_tz_transfn(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(1) || PG_ARGISNULL(3) || PG_ARGISNULL(4))
		return state_unchanged(fcinfo);
	return churn_accumulate(fcinfo, session_date(PG_GETARG_DATUM(1)),
							PG_ARGISNULL(2),
							PG_ARGISNULL(2) ? 0 : session_date(PG_GETARG_DATUM(2)),
							session_date(PG_GETARG_DATUM(3)),
							session_date(PG_GETARG_DATUM(4)));
}

/* churn_agg_combinefn(a, b): the counts of both, for the same period */
PG_FUNCTION_INFO_V1(churn_agg_combinefn);
Datum
churn_agg_combinefn(PG_FUNCTION_ARGS)
{
	ChurnSummary *state;
	ChurnSummary *other;
	Datum		result;

	if (combine_null_side(fcinfo, &result))
		return result;

	state = churn_summary_checked(summary_for_update(fcinfo, 0));
	other = PG_GETARG_CHURN_SUMMARY(1);

	if (state->period_start != other->period_start || state->period_end != other->period_end)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("period from %s to %s differs from period from %s to %s of earlier rows",
						iso_date(other->period_start), iso_date(other->period_end),
						iso_date(state->period_start), iso_date(state->period_end)),
				 errhint("Every row of one churn_rate or retention_rate aggregate must name the same period; use GROUP BY the period to get one rate per period.")));
	state->customers_start = count_add(state->customers_start, other->customers_start);
	state->churned = count_add(state->churned, other->churned);

	PG_RETURN_POINTER(state);
}

/* churn_agg_churn_finalfn(state): churned / S, NULL when S = 0 */
PG_FUNCTION_INFO_V1(churn_agg_churn_finalfn);
Datum
churn_agg_churn_finalfn(PG_FUNCTION_ARGS)
{
	ChurnSummary *state;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state = PG_GETARG_CHURN_SUMMARY(0);
	if (state->customers_start == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((double) state->churned / (double) state->customers_start);
}

/*
 * churn_agg_retention_finalfn(state): (S - churned) / S, which is
 * 1 - churn_rate computed without the extra rounding of the subtraction.
 */
PG_FUNCTION_INFO_V1(churn_agg_retention_finalfn);
Datum
churn_agg_retention_finalfn(PG_FUNCTION_ARGS)
{
	ChurnSummary *state;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state = PG_GETARG_CHURN_SUMMARY(0);
	if (state->customers_start == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((double) (state->customers_start - state->churned) /
					 (double) state->customers_start);
}

/* ---------------------------------------------------------------- */
/* the formulas over counts                                         */
/* ---------------------------------------------------------------- */

static void
check_count(const char *what, int64 value)
{
	if (value < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s " INT64_FORMAT " is negative", what, value),
				 errhint("Customer counts are zero or positive.")));
}

/* churn_rate(customers_start, customers_lost) = lost / start */
PG_FUNCTION_INFO_V1(churn_rate_counts);
Datum
churn_rate_counts(PG_FUNCTION_ARGS)
{
	int64		start = PG_GETARG_INT64(0);
	int64		lost = PG_GETARG_INT64(1);

	check_count("customers_start", start);
	check_count("customers_lost", lost);
	if (lost > start)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("customers_lost " INT64_FORMAT " exceeds customers_start " INT64_FORMAT,
						lost, start),
				 errhint("Only customers present at the start can be lost; count new customers lost in the same period separately.")));
	if (start == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((double) lost / (double) start);
}

/*
 * retention_rate(customers_start S, customers_end E, new_customers N) =
 * (E - N) / S: the customers at the end who were already there at the start.
 */
PG_FUNCTION_INFO_V1(retention_rate_counts);
Datum
retention_rate_counts(PG_FUNCTION_ARGS)
{
	int64		start = PG_GETARG_INT64(0);
	int64		end = PG_GETARG_INT64(1);
	int64		new_customers = PG_GETARG_INT64(2);
	int64		retained;

	check_count("customers_start", start);
	check_count("customers_end", end);
	check_count("new_customers", new_customers);
	/* both are non-negative, so the difference cannot overflow */
	retained = end - new_customers;
	if (retained < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("new_customers " INT64_FORMAT " exceeds customers_end " INT64_FORMAT,
						new_customers, end),
				 errhint("New customers are among the customers at the end, so customers_end - new_customers must not be negative.")));
	if (retained > start)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("customers_end " INT64_FORMAT " - new_customers " INT64_FORMAT " = " INT64_FORMAT " exceeds customers_start " INT64_FORMAT,
						end, new_customers, retained, start),
				 errhint("Retained customers (customers_end - new_customers) cannot outnumber the customers at the start.")));
	if (start == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((double) retained / (double) start);
}

/* ---------------------------------------------------------------- */
/* periods as half-open date ranges                                 */
/* ---------------------------------------------------------------- */

/*
 * A calendar period [first day, first day of the next one) is what a churn
 * rate is about.  Passing it as a daterange leaves no doubt about its end:
 * PostgreSQL keeps date ranges in the canonical form [lower, upper), so
 * daterange('2024-01-01', '2024-03-31', '[]') and daterange('2024-01-01',
 * '2024-04-01') are the same range.  A subscription of S whose ended is the
 * range's upper bound ran until the period's last day and is churned in it;
 * it is not active on the next period's first day, so consecutive periods
 * count every cancellation of a subscription of some S exactly once.
 */

/* The bounds of a period range, checked: [*first, *next). */
static void
churn_range_bounds(FunctionCallInfo fcinfo, Datum range_datum, DateADT *first, DateADT *next)
{
	RangeType  *range = DatumGetRangeTypeP(range_datum);
	TypeCacheEntry *typcache = fcinfo->flinfo->fn_extra;
	RangeBound	lower,
				upper;
	bool		empty;

	if (typcache == NULL || typcache->type_id != RangeTypeGetOid(range))
	{
		typcache = lookup_type_cache(RangeTypeGetOid(range), TYPECACHE_RANGE_INFO);
		if (typcache->rngelemtype == NULL || typcache->rngelemtype->type_id != DATEOID)
			elog(ERROR, "churn period is not a date range");
		fcinfo->flinfo->fn_extra = typcache;
	}
	range_deserialize(typcache, range, &lower, &upper, &empty);
	if (empty)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("churn period is an empty range"),
				 errhint("Pass the period as a daterange such as daterange('2024-01-01', '2024-04-01') or period_range('quarter', '2024-01-01').")));
	if (lower.infinite || upper.infinite)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("churn period from %s to %s is not bounded",
						lower.infinite ? "-infinity" : iso_date(DatumGetDateADT(lower.val)),
						upper.infinite ? "infinity" : iso_date(DatumGetDateADT(upper.val))),
				 errhint("A churn period has a first day and an end, such as daterange('2024-01-01', '2024-04-01').")));
	/* date ranges are canonical: [lower, upper) */
	*first = DatumGetDateADT(lower.val);
	*next = DatumGetDateADT(upper.val);
	if (!lower.inclusive)
		(*first)++;
	if (upper.inclusive)
		(*next)++;
}

/* churn_range_transfn(state, started date, ended date, period daterange) */
PG_FUNCTION_INFO_V1(churn_range_transfn);
Datum
churn_range_transfn(PG_FUNCTION_ARGS)
{
	DateADT		first,
				next;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(3))
		return state_unchanged(fcinfo);
	churn_range_bounds(fcinfo, PG_GETARG_DATUM(3), &first, &next);
	return churn_accumulate(fcinfo, PG_GETARG_DATEADT(1),
							PG_ARGISNULL(2), PG_ARGISNULL(2) ? 0 : PG_GETARG_DATEADT(2),
							first, next);
}

/* churn_range_tz_transfn(state, started timestamptz, ended timestamptz, period daterange) */
PG_FUNCTION_INFO_V1(churn_range_tz_transfn);
Datum
churn_range_tz_transfn(PG_FUNCTION_ARGS)
{
	DateADT		first,
				next;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(3))
		return state_unchanged(fcinfo);
	churn_range_bounds(fcinfo, PG_GETARG_DATUM(3), &first, &next);
	return churn_accumulate(fcinfo, session_date(PG_GETARG_DATUM(1)),
							PG_ARGISNULL(2),
							PG_ARGISNULL(2) ? 0 : session_date(PG_GETARG_DATUM(2)),
							first, next);
}

/*
 * period_range(period text, day date): the calendar bucket of the period
 * holding day, as the half-open daterange [first day, first day of the next).
 */
PG_FUNCTION_INFO_V1(period_range);
Datum
period_range(PG_FUNCTION_ARGS)
{
	Period		period;
	DateADT		day = PG_GETARG_DATEADT(1);
	int64		index;
	TypeCacheEntry *typcache;
	RangeBound	lower = {0},
				upper = {0};

	period_parse_text(PG_GETARG_TEXT_PP(0), 0, &period);
	if (DATE_NOT_FINITE(day))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("day %s is not finite", iso_date(day)),
				 errhint("A period range is the bucket of a finite day.")));
	index = period_index(&period, day);
	typcache = lookup_type_cache(DATERANGEOID, TYPECACHE_RANGE_INFO);
	lower.val = DateADTGetDatum(period_start(&period, index));
	lower.inclusive = true;
	lower.lower = true;
	upper.val = DateADTGetDatum(period_start(&period, index + 1));
	upper.inclusive = false;
	upper.lower = false;
	if (!IS_VALID_DATE(DatumGetDateADT(lower.val)) || !IS_VALID_DATE(DatumGetDateADT(upper.val)))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("the %s holding %s is not within the range of dates", period_name(&period),
						iso_date(day)),
				 errhint("Use a day whose period starts and ends within the date range.")));
	PG_RETURN_RANGE_P(make_range(typcache, &lower, &upper, false, NULL));
}

/* customers_start(churn_summary): S, the subscriptions active on the first day */
PG_FUNCTION_INFO_V1(churn_summary_customers_start);
Datum
churn_summary_customers_start(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(PG_GETARG_CHURN_SUMMARY(0)->customers_start);
}

/* churned(churn_summary): the members of S gone by the end of the period */
PG_FUNCTION_INFO_V1(churn_summary_churned);
Datum
churn_summary_churned(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(PG_GETARG_CHURN_SUMMARY(0)->churned);
}
