/*
 * activity_report.c
 *		The accessors of the activity summary: customers, cohort_retention,
 *		lifecycle, period_retention, repeat_purchase_rate and stickiness
 *		(definitions in SPEC.md section 2 and README).
 *
 * Each accessor makes one pass over the customers (two where it first needs
 * the range of buckets), maps each customer's ascending days to ascending
 * bucket indexes through a PeriodTable (period.h), and adds the customer to
 * per-bucket counters.  Nothing here depends on the order of the customers.
 */
#include "retention.h"

#include "activity.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "period.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"

/* more output cells than this is a request for a coarser period */
#define MAX_REPORT_CELLS ((int64) 20 * 1000 * 1000)

/* ---- set-returning plumbing ---- */

typedef struct ReportOutput
{
	Tuplestorestate *store;
	TupleDesc	desc;
} ReportOutput;

/* Materialize mode, as PostgreSQL sets it up. */
static void
report_begin(FunctionCallInfo fcinfo, ReportOutput *output)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo, 0);
	output->store = rsinfo->setResult;
	output->desc = rsinfo->setDesc;
}

static void
report_row(ReportOutput *output, Datum *values, bool *nulls)
{
	tuplestore_putvalues(output->store, output->desc, values, nulls);
}

static void
too_many_cells(int64 cells, const Period *period)
{
	if (cells > MAX_REPORT_CELLS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("report by period \"%s\" would have more than " INT64_FORMAT " rows",
						period_name(period), MAX_REPORT_CELLS),
				 errhint("Use a coarser period.")));
}

/* ---- the range of buckets ---- */

/*
 * Starts reading a summary and sets up the bucket of every day in it; false
 * if the summary has no customers.  The summary's header knows its first and
 * last day, so this costs no pass over the customers.
 */
static bool
report_reader_begin(ActivityReader *reader, Datum summary, const Period *period,
					PeriodTable *table, int64 *buckets)
{
	activity_reader_begin(reader, summary);
	if (reader->ncustomers == 0)
		return false;
	period_table_init(table, period, reader->min_day, reader->max_day);
	*buckets = period_table_index(table, reader->max_day) - table->first_index + 1;
	return true;
}

/* ---- customers, repeat_purchase_rate ---- */

PG_FUNCTION_INFO_V1(activity_customers);
Datum
activity_customers(PG_FUNCTION_ARGS)
{
	ActivityReader reader;

	activity_reader_begin(&reader, PG_GETARG_DATUM(0));
	PG_RETURN_INT64(reader.ncustomers);
}

/* Customers active on two or more distinct days / customers. */
PG_FUNCTION_INFO_V1(activity_repeat_purchase_rate);
Datum
activity_repeat_purchase_rate(PG_FUNCTION_ARGS)
{
	ActivityReader reader;
	int64		repeat = 0;

	activity_reader_begin(&reader, PG_GETARG_DATUM(0));
	if (reader.ncustomers == 0)
		PG_RETURN_NULL();
	while (activity_reader_next(&reader))
	{
		if (reader.count >= 2)
			repeat++;
		CHECK_FOR_INTERRUPTS();
	}
	PG_RETURN_FLOAT8((double) repeat / (double) reader.ncustomers);
}

/* ---- cohort_retention ---- */

/*
 * For each cohort (the bucket of a customer's first day) and each offset
 * k = 0 .. last bucket - cohort, the cohort members active in bucket
 * cohort + k.  Rows of cohorts with members only, zero counts included.
 * With 'N days' the cohort is the first day itself and the offset is
 * floor((day - first day) / N).
 */
PG_FUNCTION_INFO_V1(activity_cohort_retention);
Datum
activity_cohort_retention(PG_FUNCTION_ARGS)
{
	Datum		summary = PG_GETARG_DATUM(0);
	Period		period;
	Period		by_day = {PERIOD_DAY, 0, 0};
	const Period *cohort_period;
	bool		rolling;
	ReportOutput output;
	ActivityReader reader;
	PeriodTable table;
	int64		buckets,
				cells = 0;
	int64	  **rows;
	int64	   *row_length;

	period_parse_text(PG_GETARG_TEXT_PP(1), PERIOD_ALLOW_ROLLING, &period);
	rolling = period.kind == PERIOD_ROLLING_DAYS;
	cohort_period = rolling ? &by_day : &period;

	report_begin(fcinfo, &output);
	if (!report_reader_begin(&reader, summary, cohort_period, &table, &buckets))
		PG_RETURN_NULL();
	rows = palloc0(sizeof(int64 *) * buckets);
	row_length = palloc0(sizeof(int64) * buckets);

	while (activity_reader_next(&reader))
	{
		int64		cohort = period_table_index(&table, reader.days[0]) - table.first_index;
		int64	   *row = rows[cohort];
		int64		previous = -1;

		if (row == NULL)
		{
			/* the offsets run to the last bucket of the data */
			int64		length = rolling ? (buckets - 1 - cohort) / period.days + 1 :
				buckets - cohort;

			cells += length;
			too_many_cells(cells, &period);
			row = rows[cohort] = MemoryContextAllocZero(CurrentMemoryContext,
														sizeof(int64) * length);
			row_length[cohort] = length;
		}
		for (int i = 0; i < reader.count; i++)
		{
			int64		offset;

			if (rolling)
				offset = ((int64) reader.days[i] - reader.days[0]) / period.days;
			else
				offset = period_table_index(&table, reader.days[i]) - table.first_index - cohort;
			if (offset != previous)
				row[offset]++;
			previous = offset;
		}
		CHECK_FOR_INTERRUPTS();
	}

	for (int64 cohort = 0; cohort < buckets; cohort++)
	{
		int64	   *row = rows[cohort];

		if (row == NULL)
			continue;
		for (int64 k = 0; k < row_length[cohort]; k++)
		{
			Datum		values[5];
			bool		nulls[5] = {false, false, false, false, false};

			values[0] = DateADTGetDatum(period_start(cohort_period, table.first_index + cohort));
			values[1] = Int32GetDatum((int32) k);
			values[2] = Int64GetDatum(row[0]);
			values[3] = Int64GetDatum(row[k]);
			values[4] = Float8GetDatum((double) row[k] / (double) row[0]);
			report_row(&output, values, nulls);
		}
		CHECK_FOR_INTERRUPTS();
	}
	PG_RETURN_NULL();
}

/* ---- lifecycle and period_retention: per-bucket transitions ---- */

typedef struct BucketCounts
{
	int64		first;			/* bucket index of element 0 */
	int64		buckets;
	int64	   *active;			/* active in p */
	int64	   *new;			/* first active bucket is p */
	int64	   *returning;		/* active in p and p - 1 */
	int64	   *resurrecting;	/* active in p, not in p - 1, but before */
	int64	   *dormant;		/* active in p - 1, not in p */
} BucketCounts;

static bool
count_buckets(Datum summary, const Period *period, BucketCounts *counts)
{
	ActivityReader reader;
	PeriodTable table;

	if (!report_reader_begin(&reader, summary, period, &table, &counts->buckets))
		return false;
	too_many_cells(counts->buckets, period);
	counts->first = table.first_index;
	counts->active = palloc0(sizeof(int64) * counts->buckets);
	counts->new = palloc0(sizeof(int64) * counts->buckets);
	counts->returning = palloc0(sizeof(int64) * counts->buckets);
	counts->resurrecting = palloc0(sizeof(int64) * counts->buckets);
	counts->dormant = palloc0(sizeof(int64) * (counts->buckets + 1));

	while (activity_reader_next(&reader))
	{
		int64		previous = -1;

		for (int i = 0; i < reader.count; i++)
		{
			int64		p = period_table_index(&table, reader.days[i]) - counts->first;

			if (p == previous)
				continue;
			counts->active[p]++;
			if (previous < 0)
				counts->new[p]++;
			else if (p == previous + 1)
				counts->returning[p]++;
			else
			{
				counts->resurrecting[p]++;
				counts->dormant[previous + 1]++;
			}
			previous = p;
		}
		/* gone quiet after its last bucket (counted within the range only) */
		counts->dormant[previous + 1]++;
		CHECK_FOR_INTERRUPTS();
	}
	return true;
}

PG_FUNCTION_INFO_V1(activity_lifecycle);
Datum
activity_lifecycle(PG_FUNCTION_ARGS)
{
	Period		period;
	ReportOutput output;
	BucketCounts counts;

	period_parse_text(PG_GETARG_TEXT_PP(1), 0, &period);
	report_begin(fcinfo, &output);
	if (!count_buckets(PG_GETARG_DATUM(0), &period, &counts))
		PG_RETURN_NULL();

	for (int64 p = 0; p < counts.buckets; p++)
	{
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, false};

		values[0] = DateADTGetDatum(period_start(&period, counts.first + p));
		values[1] = Int64GetDatum(counts.new[p]);
		values[2] = Int64GetDatum(counts.returning[p]);
		values[3] = Int64GetDatum(counts.resurrecting[p]);
		values[4] = Int64GetDatum(counts.dormant[p]);
		report_row(&output, values, nulls);
	}
	PG_RETURN_NULL();
}

/*
 * Per bucket p after the first: S = active in p - 1, retained = active in
 * p - 1 and p, E = active in p, N = E - retained; retention (E - N) / S,
 * churn 1 - retention, both NULL when S = 0.
 */
PG_FUNCTION_INFO_V1(activity_period_retention);
Datum
activity_period_retention(PG_FUNCTION_ARGS)
{
	Period		period;
	ReportOutput output;
	BucketCounts counts;

	period_parse_text(PG_GETARG_TEXT_PP(1), 0, &period);
	report_begin(fcinfo, &output);
	if (!count_buckets(PG_GETARG_DATUM(0), &period, &counts))
		PG_RETURN_NULL();

	for (int64 p = 1; p < counts.buckets; p++)
	{
		Datum		values[7];
		bool		nulls[7] = {false, false, false, false, false, false, false};
		int64		start = counts.active[p - 1];
		int64		retained = counts.returning[p];
		int64		end = counts.active[p];
		int64		new = end - retained;

		values[0] = DateADTGetDatum(period_start(&period, counts.first + p));
		values[1] = Int64GetDatum(start);
		values[2] = Int64GetDatum(retained);
		values[3] = Int64GetDatum(new);
		values[4] = Int64GetDatum(end);
		if (start == 0)
			nulls[5] = nulls[6] = true;
		else
		{
			double		rate = (double) (end - new) / (double) start;

			values[5] = Float8GetDatum(rate);
			values[6] = Float8GetDatum(1.0 - rate);
		}
		report_row(&output, values, nulls);
	}
	PG_RETURN_NULL();
}

/* ---- stickiness ---- */

/*
 * For each bucket of `within` and each customer active in it, the number of
 * distinct `period` buckets of it the customer was active in; the histogram
 * of those numbers summed over all `within` buckets, from 1 to the largest
 * (zero counts included).
 */
PG_FUNCTION_INFO_V1(activity_stickiness);
Datum
activity_stickiness(PG_FUNCTION_ARGS)
{
	Period		period;
	Period		within;
	ReportOutput output;
	ActivityReader reader;
	PeriodTable period_table;
	PeriodTable within_table;
	int64		buckets;
	int64	   *histogram;
	int			size = 64;
	int			largest = 0;

	period_parse_text(PG_GETARG_TEXT_PP(1), 0, &period);
	period_parse_text(PG_GETARG_TEXT_PP(2), 0, &within);
	report_begin(fcinfo, &output);

	histogram = palloc0(sizeof(int64) * (size + 1));
	if (report_reader_begin(&reader, PG_GETARG_DATUM(0), &period, &period_table, &buckets))
		period_table_init(&within_table, &within, reader.min_day, reader.max_day);
	while (activity_reader_next(&reader))
	{
		int64		current_within = 0;
		int64		previous_period = 0;
		int			active_periods = 0;

		for (int i = 0; i <= reader.count; i++)
		{
			int64		w = 0,
						p = 0;

			if (i < reader.count)
			{
				w = period_table_index(&within_table, reader.days[i]);
				p = period_table_index(&period_table, reader.days[i]);
			}
			if (i == reader.count || (i > 0 && w != current_within))
			{
				/* a within-bucket is complete */
				if (active_periods > size)
				{
					int			new_size = size;

					while (new_size < active_periods)
						new_size *= 2;
					histogram = repalloc(histogram, sizeof(int64) * (new_size + 1));
					memset(histogram + size + 1, 0, sizeof(int64) * (new_size - size));
					size = new_size;
				}
				histogram[active_periods]++;
				largest = Max(largest, active_periods);
				active_periods = 0;
			}
			if (i == reader.count)
				break;
			/* days ascend, so period buckets within a within-bucket ascend too */
			if (active_periods == 0 || p != previous_period)
				active_periods++;
			current_within = w;
			previous_period = p;
		}
		CHECK_FOR_INTERRUPTS();
	}

	for (int n = 1; n <= largest; n++)
	{
		Datum		values[2];
		bool		nulls[2] = {false, false};

		values[0] = Int32GetDatum(n);
		values[1] = Int64GetDatum(histogram[n]);
		report_row(&output, values, nulls);
	}
	PG_RETURN_NULL();
}
