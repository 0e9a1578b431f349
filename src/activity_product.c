/*
 * activity_product.c
 *		Retention as product teams define it, read from activity summaries:
 *		cohort_retention with separate start and return summaries and the
 *		'on' / 'on_or_after' modes, bracket_retention, active_customers,
 *		inactivity_churn, time_to_repeat and repeat_within (SPEC.md section 7,
 *		doc/product-retention.md).  The per-customer stages are in
 *		activity_stages.c.
 *
 * Every accessor reads the summary through the public reader of activity.h
 * and makes one pass over its customers (cohort_retention of two summaries:
 * one over each), so none depends on the order in which customers come.
 * Rows whose key is a bucket carry `complete`: the bucket has ended by the
 * last day of the data.
 */
#include "retention.h"

#include "activity.h"
#include "activity_product.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "period.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

/* ---- shared plumbing ---- */

/* Sets up materialize mode. */
void
product_output_begin(FunctionCallInfo fcinfo, ProductOutput *output)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo, 0);
	output->store = rsinfo->setResult;
	output->desc = rsinfo->setDesc;
}

void
product_output_row(ProductOutput *output, Datum *values, bool *nulls)
{
	tuplestore_putvalues(output->store, output->desc, values, nulls);
}

void
product_check_int(const char *what, int value, int lo, int hi)
{
	if (value < lo || value > hi)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s %d is out of range", what, value),
				 errhint("The %s must be between %d and %d.", what, lo, hi)));
}

void
product_check_cells(int64 cells, const Period *period)
{
	if (cells > PRODUCT_MAX_CELLS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("report by period \"%s\" would have more than " INT64_FORMAT " rows",
						period_name(period), PRODUCT_MAX_CELLS),
				 errhint("Use a coarser period.")));
}

static const char *
id_kind_name(ActivityIdKind kind)
{
	switch (kind)
	{
		case ACTIVITY_ID_BIGINT:
			return "bigint";
		case ACTIVITY_ID_TEXT:
			return "text";
		case ACTIVITY_ID_UUID:
			return "uuid";
	}
	return "unknown";
}

/* ---- cohort_retention: one or two summaries, 'on' or 'on_or_after' ---- */

typedef enum CohortMode
{
	COHORT_ON,					/* active in bucket cohort + k */
	COHORT_ON_OR_AFTER			/* active in bucket cohort + k or later */
} CohortMode;

static CohortMode
parse_mode(text *name)
{
	char	   *s = text_to_cstring(name);

	if (strcmp(s, "on") == 0)
		return COHORT_ON;
	if (strcmp(s, "on_or_after") == 0)
		return COHORT_ON_OR_AFTER;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid mode \"%s\"", s),
			 errhint("Valid modes are 'on' (active in the bucket) and 'on_or_after' (active in it or any later bucket).")));
	return COHORT_ON;			/* keep the compiler quiet */
}

typedef struct CohortCounts
{
	Period		period;			/* as given ('N days' included) */
	Period		by_day;
	const Period *cohort_period;	/* period, or 'day' for 'N days' */
	bool		rolling;
	CohortMode	mode;
	PeriodTable table;			/* cohort buckets over the whole data */
	DateADT		last_day;		/* of the data */
	int64		buckets;		/* cohort buckets from the first to the last day */
	int64		cells;
	int64	   *sizes;			/* per cohort */
	int64	  **rows;			/* per cohort, per offset: 'on' counts, or
								 * 'on_or_after' last offsets */
	int64	   *lengths;
} CohortCounts;

static void
cohort_init(CohortCounts *c, text *period, text *mode, DateADT first_day, DateADT last_day)
{
	period_parse_text(period, PERIOD_ALLOW_ROLLING, &c->period);
	c->mode = parse_mode(mode);
	c->rolling = c->period.kind == PERIOD_ROLLING_DAYS;
	c->by_day.kind = PERIOD_DAY;
	c->by_day.week_start = 0;
	c->by_day.days = 0;
	c->cohort_period = c->rolling ? &c->by_day : &c->period;
	c->last_day = last_day;
	period_table_init(&c->table, c->cohort_period, first_day, last_day);
	c->buckets = period_table_index(&c->table, last_day) - c->table.first_index + 1;
	c->cells = 0;
	c->sizes = palloc0(sizeof(int64) * c->buckets);
	c->rows = palloc0(sizeof(int64 *) * c->buckets);
	c->lengths = palloc0(sizeof(int64) * c->buckets);
}

/* Counts a member of the cohort of its first day; returns the cohort. */
static int64
cohort_add_member(CohortCounts *c, DateADT first)
{
	int64		cohort = period_table_index(&c->table, first) - c->table.first_index;

	if (c->rows[cohort] == NULL)
	{
		/* the offsets run to the last bucket of the data */
		int64		length = c->rolling ?
			((int64) c->last_day - first) / c->period.days + 1 :
			c->buckets - cohort;

		c->cells += length;
		product_check_cells(c->cells, &c->period);
		c->rows[cohort] = palloc0(sizeof(int64) * length);
		c->lengths[cohort] = length;
	}
	c->sizes[cohort]++;
	return cohort;
}

static inline int64
cohort_offset(const CohortCounts *c, int64 cohort, DateADT first, DateADT day)
{
	if (c->rolling)
		return ((int64) day - first) / c->period.days;
	return period_table_index(&c->table, day) - c->table.first_index - cohort;
}

/*
 * Adds a member's return days (ascending) that are on or after its first
 * start day: 'on' counts each offset with a return once; 'on_or_after'
 * records only the last such offset (offsets up to it are summed when the
 * rows are written).
 */
static void
cohort_add_returns(CohortCounts *c, int64 cohort, DateADT first, const DateADT *days, int count)
{
	int64	   *row = c->rows[cohort];
	int64		previous = -1;
	int			lo = 0,
				hi = count;

	/* the first return day on or after the first start day */
	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (days[mid] < first)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == count)
		return;
	if (c->mode == COHORT_ON_OR_AFTER)
	{
		row[cohort_offset(c, cohort, first, days[count - 1])]++;
		return;
	}
	for (int i = lo; i < count; i++)
	{
		int64		offset = cohort_offset(c, cohort, first, days[i]);

		if (offset != previous)
			row[offset]++;
		previous = offset;
	}
}

static void
cohort_write(CohortCounts *c, ProductOutput *output)
{
	for (int64 cohort = 0; cohort < c->buckets; cohort++)
	{
		int64	   *row = c->rows[cohort];
		int64		length = c->lengths[cohort];
		DateADT		cohort_day;

		if (row == NULL)
			continue;
		if (c->mode == COHORT_ON_OR_AFTER)
		{
			/* active at k = members whose last return offset is >= k */
			for (int64 k = length - 2; k >= 0; k--)
				row[k] += row[k + 1];
		}
		cohort_day = period_start(c->cohort_period, c->table.first_index + cohort);
		for (int64 k = 0; k < length; k++)
		{
			Datum		values[6];
			bool		nulls[6] = {false, false, false, false, false, false};
			bool		complete;

			if (c->rolling)
				complete = (int64) cohort_day + (k + 1) * c->period.days - 1 <= c->last_day;
			else
				complete = product_bucket_complete(c->cohort_period,
												   c->table.first_index + cohort + k,
												   c->last_day);
			values[0] = DateADTGetDatum(cohort_day);
			values[1] = Int32GetDatum((int32) k);
			values[2] = Int64GetDatum(c->sizes[cohort]);
			values[3] = Int64GetDatum(row[k]);
			values[4] = Float8GetDatum((double) row[k] / (double) c->sizes[cohort]);
			values[5] = BoolGetDatum(complete);
			product_output_row(output, values, nulls);
		}
		CHECK_FOR_INTERRUPTS();
	}
}

/*
 * cohort_retention(activity, period, mode): the cohort is the bucket of a
 * customer's first day; active at offset k as the mode says.
 */
PG_FUNCTION_INFO_V1(activity_cohort_retention_mode);
Datum
activity_cohort_retention_mode(PG_FUNCTION_ARGS)
{
	ProductOutput output;
	ActivityReader reader;
	CohortCounts counts;
	text	   *period = PG_GETARG_TEXT_PP(1);
	text	   *mode = PG_GETARG_TEXT_PP(2);

	/* check the parameters even when there is nothing to report */
	period_parse_text(period, PERIOD_ALLOW_ROLLING, &counts.period);
	(void) parse_mode(mode);
	product_output_begin(fcinfo, &output);
	activity_reader_begin(&reader, PG_GETARG_DATUM(0));
	if (reader.ncustomers == 0)
		PG_RETURN_NULL();
	cohort_init(&counts, period, mode, reader.min_day, reader.max_day);
	while (activity_reader_next(&reader))
	{
		int64		cohort = cohort_add_member(&counts, reader.days[0]);

		cohort_add_returns(&counts, cohort, reader.days[0], reader.days, reader.count);
		CHECK_FOR_INTERRUPTS();
	}
	cohort_write(&counts, &output);
	PG_RETURN_NULL();
}

/*
 * cohort_retention(starts, returns, period, mode): the cohort is the bucket
 * of a customer's first day in starts; its return days are those in returns
 * on or after that day.
 */
PG_FUNCTION_INFO_V1(activity_cohort_retention_two);
Datum
activity_cohort_retention_two(PG_FUNCTION_ARGS)
{
	ProductOutput output;
	ActivityReader starts;
	ActivityReader returns;
	CohortCounts counts;
	bool		more_returns;
	text	   *period = PG_GETARG_TEXT_PP(2);
	text	   *mode = PG_GETARG_TEXT_PP(3);
	DateADT		last_day;

	period_parse_text(period, PERIOD_ALLOW_ROLLING, &counts.period);
	(void) parse_mode(mode);
	product_output_begin(fcinfo, &output);
	activity_reader_begin_sorted(&starts, PG_GETARG_DATUM(0));
	activity_reader_begin_sorted(&returns, PG_GETARG_DATUM(1));
	if (starts.id_kind != returns.id_kind)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot compare activity of %s customer ids with activity of %s customer ids",
						id_kind_name(starts.id_kind), id_kind_name(returns.id_kind)),
				 errhint("Aggregate starts and returns with the same customer id type.")));
	/* the cohorts come from the starts: without them there is nothing */
	if (starts.ncustomers == 0)
		PG_RETURN_NULL();
	last_day = starts.max_day;
	if (returns.ncustomers > 0 && returns.max_day > last_day)
		last_day = returns.max_day;
	cohort_init(&counts, period, mode, starts.min_day, last_day);

	/*
	 * Both summaries list their customers in id order: walk them side by
	 * side, as a merge join, with no table of the starts.
	 */
	more_returns = activity_reader_next(&returns);
	while (activity_reader_next(&starts))
	{
		int64		cohort = cohort_add_member(&counts, starts.days[0]);
		int			order = -1;

		while (more_returns && (order = activity_reader_compare_ids(&returns, &starts)) < 0)
			more_returns = activity_reader_next(&returns);
		if (more_returns && order == 0)
		{
			cohort_add_returns(&counts, cohort, starts.days[0], returns.days, returns.count);
			more_returns = activity_reader_next(&returns);
		}
		CHECK_FOR_INTERRUPTS();
	}
	cohort_write(&counts, &output);
	PG_RETURN_NULL();
}

/* ---- bracket_retention ---- */

#define MAX_BOUNDS 64

/* Reads and checks the bounds: 2 to 64 ints, >= 0, strictly increasing. */
static int
read_bounds(ArrayType *array, int32 *bounds)
{
	Datum	   *elements;
	bool	   *nulls;
	int			n;

	if (ARR_NDIM(array) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("bracket bounds must be a one-dimensional array"),
				 errhint("Pass bounds such as '{1,8,31,91}' (days 1-7, 8-30 and 31-90).")));
	deconstruct_array(array, INT4OID, sizeof(int32), true, TYPALIGN_INT, &elements, &nulls, &n);
	if (n < 2 || n > MAX_BOUNDS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%d bracket bounds given", n),
				 errhint("Pass 2 to %d bounds, such as '{1,8,31,91}' (days 1-7, 8-30 and 31-90).",
						 MAX_BOUNDS)));
	for (int i = 0; i < n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("bracket bound %d is NULL", i + 1),
					 errhint("Bounds are days since the first day: integers >= 0, strictly increasing.")));
		bounds[i] = DatumGetInt32(elements[i]);
		if (bounds[i] < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("bracket bound %d is negative", bounds[i]),
					 errhint("Bounds are days since the first day: integers >= 0, strictly increasing.")));
		if (i > 0 && bounds[i] <= bounds[i - 1])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("bracket bounds are not increasing: %d follows %d",
							bounds[i], bounds[i - 1]),
					 errhint("Bounds are days since the first day: integers >= 0, strictly increasing.")));
	}
	return n;
}

/*
 * Per cohort and bracket [bounds[i], bounds[i+1]) of days since a member's
 * first day: the members with an active day in the bracket.  A bracket is
 * complete for a cohort when its latest first day plus to - 1 is on or
 * before the last day of the data.
 */
PG_FUNCTION_INFO_V1(activity_bracket_retention);
Datum
activity_bracket_retention(PG_FUNCTION_ARGS)
{
	int32		bounds[MAX_BOUNDS];
	int			nbounds = read_bounds(PG_GETARG_ARRAYTYPE_P(1), bounds);
	int			nbrackets = nbounds - 1;
	Period		period;
	ProductOutput output;
	ActivityReader reader;
	PeriodTable table;
	int64		buckets,
				cells = 0;
	int64	   *sizes;
	DateADT    *latest_first;
	int64	  **rows;

	period_parse_text(PG_GETARG_TEXT_PP(2), 0, &period);
	product_output_begin(fcinfo, &output);
	activity_reader_begin(&reader, PG_GETARG_DATUM(0));
	if (reader.ncustomers == 0)
		PG_RETURN_NULL();
	period_table_init(&table, &period, reader.min_day, reader.max_day);
	buckets = period_table_index(&table, reader.max_day) - table.first_index + 1;
	sizes = palloc0(sizeof(int64) * buckets);
	latest_first = palloc0(sizeof(DateADT) * buckets);
	rows = palloc0(sizeof(int64 *) * buckets);

	while (activity_reader_next(&reader))
	{
		DateADT		first = reader.days[0];
		int64		cohort = period_table_index(&table, first) - table.first_index;
		int64	   *row = rows[cohort];
		int			bracket = 0;
		int			marked = -1;

		if (row == NULL)
		{
			cells += nbrackets;
			product_check_cells(cells, &period);
			row = rows[cohort] = palloc0(sizeof(int64) * nbrackets);
		}
		if (sizes[cohort] == 0 || first > latest_first[cohort])
			latest_first[cohort] = first;
		sizes[cohort]++;
		for (int i = 0; i < reader.count; i++)
		{
			int64		since = (int64) reader.days[i] - first;

			if (since < bounds[0])
				continue;
			while (bracket < nbrackets && since >= bounds[bracket + 1])
				bracket++;
			if (bracket == nbrackets)
				break;
			if (bracket != marked)
			{
				row[bracket]++;
				marked = bracket;
			}
		}
		CHECK_FOR_INTERRUPTS();
	}

	for (int64 cohort = 0; cohort < buckets; cohort++)
	{
		if (rows[cohort] == NULL)
			continue;
		for (int b = 0; b < nbrackets; b++)
		{
			Datum		values[8];
			bool		nulls[8] = {false, false, false, false, false, false, false, false};

			values[0] = DateADTGetDatum(period_start(&period, table.first_index + cohort));
			values[1] = Int32GetDatum(b + 1);
			values[2] = Int32GetDatum(bounds[b]);
			values[3] = Int32GetDatum(bounds[b + 1]);
			values[4] = Int64GetDatum(sizes[cohort]);
			values[5] = Int64GetDatum(rows[cohort][b]);
			values[6] = Float8GetDatum((double) rows[cohort][b] / (double) sizes[cohort]);
			values[7] = BoolGetDatum((int64) latest_first[cohort] + bounds[b + 1] - 1 <=
									 (int64) reader.max_day);
			product_output_row(&output, values, nulls);
		}
		CHECK_FOR_INTERRUPTS();
	}
	PG_RETURN_NULL();
}

/* ---- live intervals: active_customers and inactivity_churn ---- */

/*
 * A customer counts on day D when it has an active day in
 * [D - window + 1, D]: on the union of [d, d + window - 1] over its active
 * days d.  Walks those intervals, merged where they touch, in order.
 */
typedef struct LiveWalk
{
	const DateADT *days;
	int			count;
	int			next;
	int			window;
} LiveWalk;

static inline bool
live_next(LiveWalk *walk, int64 *start, int64 *end)
{
	int64		s,
				e;

	if (walk->next >= walk->count)
		return false;
	s = walk->days[walk->next];
	e = s + walk->window - 1;
	walk->next++;
	while (walk->next < walk->count && walk->days[walk->next] <= e + 1)
	{
		e = (int64) walk->days[walk->next] + walk->window - 1;
		walk->next++;
	}
	*start = s;
	*end = e;
	return true;
}

/*
 * For each day from the first to the last day of the data, the customers
 * with an active day in (day - window_days, day].
 */
PG_FUNCTION_INFO_V1(activity_active_customers);
Datum
activity_active_customers(PG_FUNCTION_ARGS)
{
	int32		window = PG_GETARG_INT32(1);
	ProductOutput output;
	ActivityReader reader;
	int64		ndays;
	int64	   *delta;
	int64		live = 0;

	product_check_int("window of days", window, 1, PRODUCT_MAX_WINDOW);
	product_output_begin(fcinfo, &output);
	activity_reader_begin(&reader, PG_GETARG_DATUM(0));
	if (reader.ncustomers == 0)
		PG_RETURN_NULL();
	ndays = (int64) reader.max_day - reader.min_day + 1;
	delta = palloc_extended(sizeof(int64) * (ndays + 1), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);

	while (activity_reader_next(&reader))
	{
		LiveWalk	walk = {reader.days, reader.count, 0, window};
		int64		s,
					e;

		while (live_next(&walk, &s, &e))
		{
			delta[s - reader.min_day]++;
			if (e < reader.max_day)
				delta[e + 1 - reader.min_day]--;
		}
		CHECK_FOR_INTERRUPTS();
	}

	for (int64 i = 0; i < ndays; i++)
	{
		Datum		values[2];
		bool		nulls[2] = {false, false};

		live += delta[i];
		values[0] = DateADTGetDatum((DateADT) (reader.min_day + i));
		values[1] = Int64GetDatum(live);
		product_output_row(&output, values, nulls);
		if ((i & 0xfff) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	PG_RETURN_NULL();
}

/*
 * Inactivity churn per bucket p = [P0, P1]: a customer is live on D when it
 * has an active day in [D - inactive_days + 1, D].  Each live interval
 * [s, e] starts an episode on s (new for the first, reactivated after) and
 * churns on e + 1.  live_start counts live on P0 - 1, live_end = live_start
 * + new + reactivated - churned is live on P1; churn_rate counts customers
 * live on P0 - 1 and not on P1 over live_start.  Such a customer's first
 * event in p is a churn (it was live) and so is its last (it is not).
 */
PG_FUNCTION_INFO_V1(activity_inactivity_churn);
Datum
activity_inactivity_churn(PG_FUNCTION_ARGS)
{
	int32		inactive_days = PG_GETARG_INT32(1);
	Period		period;
	ProductOutput output;
	ActivityReader reader;
	PeriodTable table;
	int64		first,
				buckets;
	DateADT		end_of_last;
	int64	   *new;
	int64	   *reactivated;
	int64	   *churned;
	int64	   *lost;			/* live on P0 - 1, not on P1 */
	int64		live = 0;

	product_check_int("number of inactive days", inactive_days, 1, PRODUCT_MAX_WINDOW);
	period_parse_text(PG_GETARG_TEXT_PP(2), 0, &period);
	product_output_begin(fcinfo, &output);
	activity_reader_begin(&reader, PG_GETARG_DATUM(0));
	if (reader.ncustomers == 0)
		PG_RETURN_NULL();
	first = period_index(&period, reader.min_day);
	buckets = period_index(&period, reader.max_day) - first + 1;
	product_check_cells(buckets, &period);
	end_of_last = period_start(&period, first + buckets) - 1;
	period_table_init(&table, &period, reader.min_day, end_of_last);
	new = palloc0(sizeof(int64) * buckets);
	reactivated = palloc0(sizeof(int64) * buckets);
	churned = palloc0(sizeof(int64) * buckets);
	lost = palloc0(sizeof(int64) * buckets);

	while (activity_reader_next(&reader))
	{
		LiveWalk	walk = {reader.days, reader.count, 0, inactive_days};
		int64		s,
					e;
		int64		group = -1; /* bucket of the events being grouped */
		bool		group_first_churn = false;
		bool		group_last_churn = false;
		bool		first_episode = true;

		while (live_next(&walk, &s, &e))
		{
			int64		b = period_table_index(&table, (DateADT) s) - first;

			if (first_episode)
				new[b]++;
			else
				reactivated[b]++;
			first_episode = false;
			if (b != group)
			{
				if (group >= 0 && group_first_churn && group_last_churn)
					lost[group]++;
				group = b;
				group_first_churn = false;
			}
			group_last_churn = false;

			if (e + 1 > end_of_last)
				break;
			b = period_table_index(&table, (DateADT) (e + 1)) - first;
			churned[b]++;
			if (b != group)
			{
				if (group >= 0 && group_first_churn && group_last_churn)
					lost[group]++;
				group = b;
				group_first_churn = true;
			}
			group_last_churn = true;
		}
		if (group >= 0 && group_first_churn && group_last_churn)
			lost[group]++;
		CHECK_FOR_INTERRUPTS();
	}

	for (int64 p = 0; p < buckets; p++)
	{
		Datum		values[8];
		bool		nulls[8] = {false, false, false, false, false, false, false, false};
		int64		live_end = live + new[p] + reactivated[p] - churned[p];

		values[0] = DateADTGetDatum(period_start(&period, first + p));
		values[1] = Int64GetDatum(live);
		values[2] = Int64GetDatum(new[p]);
		values[3] = Int64GetDatum(reactivated[p]);
		values[4] = Int64GetDatum(churned[p]);
		values[5] = Int64GetDatum(live_end);
		if (live == 0)
			nulls[6] = true;
		else
			values[6] = Float8GetDatum((double) lost[p] / (double) live);
		values[7] = BoolGetDatum(product_bucket_complete(&period, first + p, reader.max_day));
		product_output_row(&output, values, nulls);
		live = live_end;
	}
	PG_RETURN_NULL();
}

/* ---- repeat timing ---- */

/*
 * Histogram of the days from a customer's first to its n-th distinct
 * active day, from the smallest to the largest such number (zero counts
 * included); customers with fewer than n days are not counted.
 */
PG_FUNCTION_INFO_V1(activity_time_to_repeat);
Datum
activity_time_to_repeat(PG_FUNCTION_ARGS)
{
	int32		n = PG_GETARG_INT32(1);
	ProductOutput output;
	ActivityReader reader;
	int64	   *histogram;
	int64		smallest = PG_INT64_MAX,
				largest = -1;

	product_check_int("day number n", n, 2, 1000);
	product_output_begin(fcinfo, &output);
	activity_reader_begin(&reader, PG_GETARG_DATUM(0));
	if (reader.ncustomers == 0)
		PG_RETURN_NULL();
	histogram = palloc_extended(sizeof(int64) * ((int64) reader.max_day - reader.min_day + 1),
								MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	while (activity_reader_next(&reader))
	{
		if (reader.count >= n)
		{
			int64		days = (int64) reader.days[n - 1] - reader.days[0];

			histogram[days]++;
			smallest = Min(smallest, days);
			largest = Max(largest, days);
		}
		CHECK_FOR_INTERRUPTS();
	}
	for (int64 d = smallest; d <= largest; d++)
	{
		Datum		values[2];
		bool		nulls[2] = {false, false};

		values[0] = Int32GetDatum((int32) d);
		values[1] = Int64GetDatum(histogram[d]);
		product_output_row(&output, values, nulls);
	}
	PG_RETURN_NULL();
}

/*
 * Per cohort (bucket of the first day): the members with a second active
 * day within `days` days of the first.  Complete when the cohort's latest
 * first day + days is on or before the last day of the data.
 */
PG_FUNCTION_INFO_V1(activity_repeat_within);
Datum
activity_repeat_within(PG_FUNCTION_ARGS)
{
	int32		within = PG_GETARG_INT32(1);
	Period		period;
	ProductOutput output;
	ActivityReader reader;
	PeriodTable table;
	int64		buckets;
	int64	   *sizes;
	int64	   *repeated;
	DateADT    *latest_first;

	product_check_int("number of days", within, 1, PRODUCT_MAX_WINDOW);
	period_parse_text(PG_GETARG_TEXT_PP(2), 0, &period);
	product_output_begin(fcinfo, &output);
	activity_reader_begin(&reader, PG_GETARG_DATUM(0));
	if (reader.ncustomers == 0)
		PG_RETURN_NULL();
	period_table_init(&table, &period, reader.min_day, reader.max_day);
	buckets = period_table_index(&table, reader.max_day) - table.first_index + 1;
	sizes = palloc0(sizeof(int64) * buckets);
	repeated = palloc0(sizeof(int64) * buckets);
	latest_first = palloc0(sizeof(DateADT) * buckets);

	while (activity_reader_next(&reader))
	{
		DateADT		first = reader.days[0];
		int64		cohort = period_table_index(&table, first) - table.first_index;

		if (sizes[cohort] == 0 || first > latest_first[cohort])
			latest_first[cohort] = first;
		sizes[cohort]++;
		if (reader.count >= 2 && (int64) reader.days[1] - first <= within)
			repeated[cohort]++;
		CHECK_FOR_INTERRUPTS();
	}
	for (int64 cohort = 0; cohort < buckets; cohort++)
	{
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, false};

		if (sizes[cohort] == 0)
			continue;
		values[0] = DateADTGetDatum(period_start(&period, table.first_index + cohort));
		values[1] = Int64GetDatum(sizes[cohort]);
		values[2] = Int64GetDatum(repeated[cohort]);
		values[3] = Float8GetDatum((double) repeated[cohort] / (double) sizes[cohort]);
		values[4] = BoolGetDatum((int64) latest_first[cohort] + within <= (int64) reader.max_day);
		product_output_row(&output, values, nulls);
	}
	PG_RETURN_NULL();
}
