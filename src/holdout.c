/*
 * holdout.c
 *		Checking a BTYD model against a holdout period: the holdout_check
 *		aggregate over customers' calibration and holdout data (the rows of
 *		calibration_holdout) into a holdout_summary, its rollup, text and
 *		binary forms, and the accessors holdout_by_frequency and
 *		holdout_error.
 *
 * Per customer the prediction is the model's expected number of purchases in
 * the holdout period given the calibration summary -- expected_purchases(
 * model, duration_holdout, frequency_cal, recency_cal, tenure_cal), lifetimes'
 * conditional_expected_number_of_purchases_up_to_time -- and the actual value
 * is frequency_holdout.  The summary keeps, per calibration frequency, the
 * customers, the sum of their actual purchases (an integer) and the sum of
 * their predictions; and over all customers the sums of |actual - predicted|
 * and (actual - predicted)^2.  Float sums are FloatSums (float_sum.h), exact,
 * so that any split of the rows (parallel workers, a rollup of partitions,
 * shards) gives the summary of all of them bit for bit.  The bias needs no
 * sum of its own: it is the exact difference of the predicted and actual
 * totals.
 *
 * The model is an argument of every row.  It must be the same on all rows of
 * a group (22023 otherwise, rather than sums over two models that mean
 * nothing), and the summary stores it -- its type and parameters, which are
 * all that a prediction depends on -- so that summaries of different models
 * are not merged either.
 *
 * The summary is a plain varlena: a header with the model and the two error
 * sums, then one row per calibration frequency, sorted by it.  While
 * aggregating it is changed in place and grows geometrically; the final
 * function returns it without the slack.
 */
#include "retention.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"

#include "btyd_family.h"
#include "float_sum.h"
#include "summary_io.h"

#define HOLDOUT_VERSION 1

/* the model types a summary can check (its model byte) */
#define HOLDOUT_BGNBD 1
#define HOLDOUT_PNBD 2
#define HOLDOUT_MBGNBD 3
#define HOLDOUT_BGBB 4
#define HOLDOUT_MODEL_MAX 4

static const char *const holdout_model_names[] = {NULL, "bgnbd", "pnbd", "mbgnbd", "bgbb"};
static const char *const holdout_model_types[] = {
	NULL, "bgnbd_model", "pnbd_model", "mbgnbd_model", "bgbb_model"
};
static const char *const holdout_parameter_names[][4] = {
	{NULL, NULL, NULL, NULL},
	{"r", "alpha", "a", "b"},
	{"r", "alpha", "s", "beta"},
	{"r", "alpha", "a", "b"},
	{"alpha", "beta", "gamma", "delta"},
};

/*
 * A customer's prediction and its error must keep the sum of squared errors
 * within what a FloatSum adds (|value| < 2^95): predictions of 2^47 (about
 * 1.4e14) purchases are far past any real holdout period.
 */
#define HOLDOUT_MAX_ERROR 140737488355328.0	/* 2^47 */

/* The customers of one calibration frequency. */
typedef struct HoldoutRow
{
	int32		frequency;		/* frequency_cal, >= 0 */
	int32		reserved;		/* zero */
	int64		customers;		/* > 0 */
	int64		actual;			/* sum of frequency_holdout */
	FloatSum	predicted;		/* sum of the predictions */
} HoldoutRow;

typedef struct HoldoutSummary
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	uint8		version;
	uint8		model;			/* HOLDOUT_* */
	uint8		reserved[2];
	int32		nrows;
	int32		capacity;		/* rows allocated; nrows when canonical */
	double		param[4];		/* the model's parameters, positive */
	FloatSum	abs_error;		/* sum of |actual - predicted| */
	FloatSum	squared_error;	/* sum of (actual - predicted)^2 */
	/* capacity HoldoutRows follow, the first nrows sorted by frequency */
} HoldoutSummary;

/* no padding: every byte of a stored summary is set */
StaticAssertDecl(offsetof(HoldoutSummary, param) == 16 && sizeof(HoldoutRow) == 56,
				 "holdout_summary layout without padding");

#define HOLDOUT_HEADER_SIZE MAXALIGN(sizeof(HoldoutSummary))
#define HOLDOUT_ROWS(s) ((HoldoutRow *) ((char *) (s) + HOLDOUT_HEADER_SIZE))
#define HOLDOUT_SIZE(capacity) (HOLDOUT_HEADER_SIZE + (Size) (capacity) * sizeof(HoldoutRow))
#define HOLDOUT_MAX_ROWS ((int32) ((MaxAllocSize - HOLDOUT_HEADER_SIZE) / sizeof(HoldoutRow)))
#define HOLDOUT_INITIAL_ROWS 16

/* bytes of one row in the binary form */
#define HOLDOUT_BINARY_ROW (4 + 8 + 8 + FLOAT_SUM_WORDS * 8)

/*
 * Input validation and the aggregate guarantee these invariants;
 * assertion-enabled builds check them again on every summary read.
 */
static inline HoldoutSummary *
holdout_checked(HoldoutSummary *s)
{
#ifdef USE_ASSERT_CHECKING
	const HoldoutRow *rows = HOLDOUT_ROWS(s);

	Assert(s->version == HOLDOUT_VERSION);
	Assert(s->model >= 1 && s->model <= HOLDOUT_MODEL_MAX);
	Assert(s->nrows >= 0 && s->nrows <= s->capacity);
	Assert(VARSIZE(s) == HOLDOUT_SIZE(s->capacity));
	for (int k = 0; k < 4; k++)
		Assert(s->param[k] > 0.0 && isfinite(s->param[k]));
	Assert(!float_sum_is_negative(&s->abs_error) && !float_sum_is_negative(&s->squared_error));
	for (int32 i = 0; i < s->nrows; i++)
	{
		Assert(rows[i].frequency >= 0 && (i == 0 || rows[i].frequency > rows[i - 1].frequency));
		Assert(rows[i].customers > 0 && rows[i].actual >= 0);
		Assert(!float_sum_is_negative(&rows[i].predicted));
	}
#endif
	return s;
}

#define PG_GETARG_HOLDOUT(n) \
	holdout_checked((HoldoutSummary *) PG_DETOAST_DATUM(PG_GETARG_DATUM(n)))

/*
 * The state in argument 0, writable: inside an aggregate the aggregate's own
 * (changed in place), else a checked copy.
 */
static HoldoutSummary *
holdout_for_update(FunctionCallInfo fcinfo)
{
	if (AggCheckCallContext(fcinfo, NULL))
		return (HoldoutSummary *) PG_GETARG_POINTER(0);
	return holdout_checked((HoldoutSummary *) PG_DETOAST_DATUM_COPY(PG_GETARG_DATUM(0)));
}

/* ---------------------------------------------------------------- */
/* the summary                                                      */
/* ---------------------------------------------------------------- */

static HoldoutSummary *
holdout_new(int model, const double *param, int32 capacity)
{
	/* zeroed: a summary is stored with its padding and reserved fields */
	HoldoutSummary *s = palloc0(HOLDOUT_SIZE(capacity));

	SET_VARSIZE(s, HOLDOUT_SIZE(capacity));
	s->version = HOLDOUT_VERSION;
	s->model = (uint8) model;
	s->capacity = capacity;
	memcpy(s->param, param, sizeof(s->param));
	return s;
}

/* A copy of s with room for capacity rows (at least its nrows). */
static HoldoutSummary *
holdout_copy(const HoldoutSummary *s, int32 capacity)
{
	HoldoutSummary *copy;

	Assert(capacity >= s->nrows);
	copy = palloc0(HOLDOUT_SIZE(capacity));
	memcpy(copy, s, HOLDOUT_SIZE(s->nrows));
	SET_VARSIZE(copy, HOLDOUT_SIZE(capacity));
	copy->capacity = capacity;
	return copy;
}

/* A summary of need rows must fit in a value (1 GB). */
static void
holdout_check_rows(int64 need)
{
	if (need > HOLDOUT_MAX_ROWS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("holdout_summary exceeds 1 GB"),
				 errhint("A holdout_summary holds at most %d distinct calibration frequencies.",
						 HOLDOUT_MAX_ROWS)));
}

/* Room for need rows: twice as many, within the limit of a value. */
static int32
holdout_grown_capacity(int64 need)
{
	holdout_check_rows(need);
	return (int32) Min(Max(2 * need, HOLDOUT_INITIAL_ROWS), (int64) HOLDOUT_MAX_ROWS);
}

/* The index of the row of frequency, or where it would be inserted. */
static int32
holdout_find(const HoldoutSummary *s, int32 frequency, bool *found)
{
	const HoldoutRow *rows = HOLDOUT_ROWS(s);
	int32		lo = 0,
				hi = s->nrows;

	while (lo < hi)
	{
		int32		mid = lo + (hi - lo) / 2;

		if (rows[mid].frequency < frequency)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < s->nrows && rows[lo].frequency == frequency;
	return lo;
}

/*
 * The row of frequency in *s, inserted (empty) if it is not there yet; *s
 * becomes a larger copy when it has no room for it.
 */
static HoldoutRow *
holdout_row(HoldoutSummary **sp, int32 frequency)
{
	HoldoutSummary *s = *sp;
	bool		found;
	int32		i = holdout_find(s, frequency, &found);
	HoldoutRow *rows;

	if (found)
		return &HOLDOUT_ROWS(s)[i];
	if (s->nrows == s->capacity)
		*sp = s = holdout_copy(s, holdout_grown_capacity((int64) s->nrows + 1));
	rows = HOLDOUT_ROWS(s);
	memmove(&rows[i + 1], &rows[i], (s->nrows - i) * sizeof(HoldoutRow));
	memset(&rows[i], 0, sizeof(HoldoutRow));
	rows[i].frequency = frequency;
	s->nrows++;
	return &rows[i];
}

/* The model of a summary as text: bgnbd_model(r, alpha, a, b), exactly. */
static char *
holdout_model_text(int model, const double *param)
{
	return psprintf("%s(%s, %s, %s, %s)", holdout_model_types[model],
					float8_shortest(param[0]), float8_shortest(param[1]),
					float8_shortest(param[2]), float8_shortest(param[3]));
}

static bool
holdout_same_model(const HoldoutSummary *s, int model, const double *param)
{
	return s->model == model && s->param[0] == param[0] && s->param[1] == param[1] &&
		s->param[2] == param[2] && s->param[3] == param[3];
}

/* ---------------------------------------------------------------- */
/* the aggregate                                                    */
/* ---------------------------------------------------------------- */

static void
check_frequency_holdout(int64 actual)
{
	if (actual < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("frequency_holdout " INT64_FORMAT " is negative", actual),
				 errhint("frequency_holdout counts the customer's purchases in the holdout period, as calibration_holdout returns it.")));
	if (actual >= HOLDOUT_MAX_ERROR)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("frequency_holdout " INT64_FORMAT " is out of range", actual),
				 errhint("A holdout check takes fewer than 2^47 purchases per customer.")));
}

/* The prediction of one customer, its inputs checked. */
static double
holdout_predict(FunctionCallInfo fcinfo, int model, const double *param, int32 x, int64 actual)
{
	if (model == HOLDOUT_BGBB)
	{
		int32		tx = PG_GETARG_INT32(3),
					n = PG_GETARG_INT32(4),
					future = PG_GETARG_INT32(6);

		bgbb_check_customer(x, tx, n);
		check_frequency_holdout(actual);
		if (future < 0 || future > BGBB_MAX_OPPORTUNITIES)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("duration_holdout %d is out of range", future),
					 errhint("For a bgbb_model, duration_holdout counts the opportunities of the holdout period: 0 to %d.",
							 BGBB_MAX_OPPORTUNITIES)));
		if (actual > future)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("frequency_holdout " INT64_FORMAT " exceeds duration_holdout %d", actual, future),
					 errhint("Under BG/BB a customer buys at most once per opportunity.")));
		return bgbb_expected_purchases(param, future, x, tx, n);
	}
	else
	{
		double		tx = PG_GETARG_FLOAT8(3),
					T = PG_GETARG_FLOAT8(4),
					t = PG_GETARG_FLOAT8(6);

		bgnbd_check_customer(x, tx, T);
		check_frequency_holdout(actual);
		if (!(t >= 0.0 && isfinite(t)))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("duration_holdout %g is out of range", t),
					 errhint("duration_holdout is the length of the holdout period, finite and at least 0, in the time unit of recency and tenure.")));
		switch (model)
		{
			case HOLDOUT_BGNBD:
				return bgnbd_expected_purchases(param, t, x, tx, T);
			case HOLDOUT_PNBD:
				return pnbd_expected_purchases(param, t, x, tx, T);
			default:
				return mbgnbd_expected_purchases(param, t, x, tx, T);
		}
	}
}

/*
 * holdout_check_transfn(state, model, frequency_cal, recency_cal,
 * tenure_cal, frequency_holdout, duration_holdout): adds one customer.  A
 * row with a NULL argument is skipped, as the fits skip it.
 */
static Datum
holdout_check_add(FunctionCallInfo fcinfo, int model)
{
	const double *param;
	int32		x;
	int64		actual;
	double		predicted,
				error;
	HoldoutSummary *s;
	HoldoutRow *row;

	for (int i = 1; i <= 6; i++)
		if (PG_ARGISNULL(i))
			return state_unchanged(fcinfo);

	param = btyd_model_arg(fcinfo, 1, 4, holdout_model_types[model],
						   holdout_parameter_names[model]);
	x = PG_GETARG_INT32(2);
	actual = PG_GETARG_INT64(5);
	predicted = holdout_predict(fcinfo, model, param, x, actual);
	/* an expected count; the summary's sums of them are never negative */
	if (predicted < 0.0)
		predicted = 0.0;
	error = (double) actual - predicted;
	if (!(fabs(error) < HOLDOUT_MAX_ERROR))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("predicted purchases %g of a customer with frequency_cal %d are out of range",
						predicted, x),
				 errhint("A holdout check takes predictions below 2^47; pass duration_holdout in the time unit of the model's fit.")));

	if (PG_ARGISNULL(0))
		s = holdout_new(model, param, HOLDOUT_INITIAL_ROWS);
	else
	{
		s = holdout_for_update(fcinfo);
		if (!holdout_same_model(s, model, param))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("model %s differs from the model %s of earlier rows",
							holdout_model_text(model, param),
							holdout_model_text(s->model, s->param)),
					 errdetail("A holdout check scores one model; sums over customers scored by different models would mean nothing."),
					 errhint("Pass the same model on every row, such as the one row of a table of fitted models; check other models in a holdout_check of their own, or GROUP BY the model.")));
	}

	row = holdout_row(&s, x);
	row->customers = count_add(row->customers, 1);
	row->actual = count_add(row->actual, actual);
	float_sum_add_float8(&row->predicted, predicted, "predicted purchases");
	float_sum_add_float8(&s->abs_error, fabs(error), "absolute error");
	float_sum_add_float8(&s->squared_error, error * error, "squared error");
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(holdout_check_bgnbd_transfn);
Datum
holdout_check_bgnbd_transfn(PG_FUNCTION_ARGS)
{
	return holdout_check_add(fcinfo, HOLDOUT_BGNBD);
}

PG_FUNCTION_INFO_V1(holdout_check_pnbd_transfn);
Datum
holdout_check_pnbd_transfn(PG_FUNCTION_ARGS)
{
	return holdout_check_add(fcinfo, HOLDOUT_PNBD);
}

PG_FUNCTION_INFO_V1(holdout_check_mbgnbd_transfn);
Datum
holdout_check_mbgnbd_transfn(PG_FUNCTION_ARGS)
{
	return holdout_check_add(fcinfo, HOLDOUT_MBGNBD);
}

PG_FUNCTION_INFO_V1(holdout_check_bgbb_transfn);
Datum
holdout_check_bgbb_transfn(PG_FUNCTION_ARGS)
{
	return holdout_check_add(fcinfo, HOLDOUT_BGBB);
}

/*
 * state + other, merged row by row in one pass; the state itself when it
 * has every frequency of other, else a new summary.
 */
static HoldoutSummary *
holdout_merge(HoldoutSummary *s, const HoldoutSummary *other)
{
	const HoldoutRow *b = HOLDOUT_ROWS(other);
	int64		missing = 0;
	int32		i = 0;

	for (int32 j = 0; j < other->nrows; j++)
	{
		while (i < s->nrows && HOLDOUT_ROWS(s)[i].frequency < b[j].frequency)
			i++;
		if (i == s->nrows || HOLDOUT_ROWS(s)[i].frequency != b[j].frequency)
			missing++;
	}
	if (missing > 0)
	{
		/* a new summary with the rows of both, merged in order */
		int64		need = (int64) s->nrows + missing;
		HoldoutSummary *merged;
		HoldoutRow *out;
		const HoldoutRow *a = HOLDOUT_ROWS(s);
		int32		n = 0,
					j = 0;

		holdout_check_rows(need);
		merged = holdout_copy(s, (int32) need);
		merged->nrows = 0;
		out = HOLDOUT_ROWS(merged);
		i = 0;
		while (i < s->nrows || j < other->nrows)
		{
			if (j == other->nrows || (i < s->nrows && a[i].frequency < b[j].frequency))
				out[n++] = a[i++];
			else if (i == s->nrows || b[j].frequency < a[i].frequency)
				out[n++] = b[j++];
			else
			{
				out[n] = a[i++];
				out[n].customers = count_add(out[n].customers, b[j].customers);
				out[n].actual = count_add(out[n].actual, b[j].actual);
				float_sum_add(&out[n].predicted, &b[j].predicted);
				n++, j++;
			}
		}
		merged->nrows = n;
		s = merged;
	}
	else
	{
		HoldoutRow *a = HOLDOUT_ROWS(s);

		i = 0;
		for (int32 j = 0; j < other->nrows; j++)
		{
			while (a[i].frequency < b[j].frequency)
				i++;
			a[i].customers = count_add(a[i].customers, b[j].customers);
			a[i].actual = count_add(a[i].actual, b[j].actual);
			float_sum_add(&a[i].predicted, &b[j].predicted);
		}
	}
	float_sum_add(&s->abs_error, &other->abs_error);
	float_sum_add(&s->squared_error, &other->squared_error);
	return s;
}

/*
 * holdout_check_combinefn(a, b): the summary of the customers of both, of one
 * model.  Also the transition function of rollup(holdout_summary).
 */
PG_FUNCTION_INFO_V1(holdout_check_combinefn);
Datum
holdout_check_combinefn(PG_FUNCTION_ARGS)
{
	HoldoutSummary *s;
	HoldoutSummary *other;

	if (PG_ARGISNULL(1))
		return state_unchanged(fcinfo);
	other = PG_GETARG_HOLDOUT(1);
	if (PG_ARGISNULL(0))
		PG_RETURN_POINTER(holdout_copy(other, other->nrows));
	s = holdout_for_update(fcinfo);
	if (!holdout_same_model(s, other->model, other->param))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot merge a holdout_summary of %s with one of %s",
						holdout_model_text(s->model, s->param),
						holdout_model_text(other->model, other->param)),
				 errhint("Roll up only the summaries of one model.")));
	PG_RETURN_POINTER(holdout_merge(s, other));
}

/* holdout_check_finalfn(state): the summary without slack (a copy) */
PG_FUNCTION_INFO_V1(holdout_check_finalfn);
Datum
holdout_check_finalfn(PG_FUNCTION_ARGS)
{
	HoldoutSummary *s;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = PG_GETARG_HOLDOUT(0);
	PG_RETURN_POINTER(holdout_copy(s, s->nrows));
}

/* ---------------------------------------------------------------- */
/* text and binary forms                                            */
/* ---------------------------------------------------------------- */

/*
 * Text: "v1 model=bgnbd r=0.243 alpha=4.414 a=0.793 b=2.426
 * abs_error=<sum> squared_error=<sum> frequencies=0:1411:312:401.2,..."
 * with one frequency:customers:actual:predicted per calibration frequency,
 * ascending, and sums as float_sum.h writes them.
 */
PG_FUNCTION_INFO_V1(holdout_summary_in);
Datum
holdout_summary_in(PG_FUNCTION_ARGS)
{
	char	   *input = PG_GETARG_CSTRING(0);
	SummaryReader reader;
	HoldoutSummary *s;
	int			model;
	double		param[4];
	FloatSum	abs_error,
				squared_error;
	int64		customers = 0,
				actual = 0;

	summary_read_begin(&reader, "holdout_summary", input, HOLDOUT_VERSION);
	summary_read_key(&reader, "model");
	model = summary_read_word(&reader, holdout_model_names + 1, HOLDOUT_MODEL_MAX) + 1;
	for (int k = 0; k < 4; k++)
	{
		summary_read_key(&reader, holdout_parameter_names[model][k]);
		param[k] = summary_read_float8(&reader);
		if (!(param[k] > 0.0))
			summary_syntax_error(&reader, "a positive model parameter");
	}
	summary_read_key(&reader, "abs_error");
	summary_read_float_sum(&reader, &abs_error);
	if (float_sum_is_negative(&abs_error))
		summary_syntax_error(&reader, "a sum of at least 0");
	summary_read_key(&reader, "squared_error");
	summary_read_float_sum(&reader, &squared_error);
	if (float_sum_is_negative(&squared_error))
		summary_syntax_error(&reader, "a sum of at least 0");
	summary_read_key(&reader, "frequencies");

	s = holdout_new(model, param, HOLDOUT_INITIAL_ROWS);
	s->abs_error = abs_error;
	s->squared_error = squared_error;
	while (*reader.cursor >= '0' && *reader.cursor <= '9')
	{
		const char *start = reader.cursor;
		int64		frequency;
		HoldoutRow *row;

		frequency = summary_read_count(&reader);
		if (frequency > PG_INT32_MAX ||
			(s->nrows > 0 && frequency <= HOLDOUT_ROWS(s)[s->nrows - 1].frequency))
		{
			reader.cursor = start;
			summary_syntax_error(&reader, "frequencies in increasing order, at most 2147483647");
		}
		row = holdout_row(&s, (int32) frequency);
		summary_read_char(&reader, ':');
		start = reader.cursor;
		row->customers = summary_read_count(&reader);
		if (row->customers == 0 || pg_add_s64_overflow(customers, row->customers, &customers))
		{
			reader.cursor = start;
			summary_syntax_error(&reader, "a positive count of customers, all of them within bigint");
		}
		summary_read_char(&reader, ':');
		start = reader.cursor;
		row->actual = summary_read_count(&reader);
		if (pg_add_s64_overflow(actual, row->actual, &actual))
		{
			reader.cursor = start;
			summary_syntax_error(&reader, "actual purchases whose total is within bigint");
		}
		summary_read_char(&reader, ':');
		summary_read_float_sum(&reader, &row->predicted);
		if (float_sum_is_negative(&row->predicted))
			summary_syntax_error(&reader, "a sum of at least 0");
		if (*reader.cursor != ',')
			break;
		reader.cursor++;
		if (!(*reader.cursor >= '0' && *reader.cursor <= '9'))
			summary_syntax_error(&reader, "a row frequency:customers:actual:predicted");
	}
	summary_read_end(&reader);
	if (s->nrows == 0 && !(float_sum_is_zero(&abs_error) && float_sum_is_zero(&squared_error)))
		summary_text_error(&reader, "A summary without customers has error sums of 0.");
	PG_RETURN_POINTER(holdout_copy(s, s->nrows));
}

PG_FUNCTION_INFO_V1(holdout_summary_out);
Datum
holdout_summary_out(PG_FUNCTION_ARGS)
{
	HoldoutSummary *s = PG_GETARG_HOLDOUT(0);
	const HoldoutRow *rows = HOLDOUT_ROWS(s);
	StringInfoData out;

	initStringInfo(&out);
	summary_write_begin(&out, HOLDOUT_VERSION);
	appendStringInfo(&out, " model=%s", holdout_model_names[s->model]);
	for (int k = 0; k < 4; k++)
	{
		appendStringInfo(&out, " %s=", holdout_parameter_names[s->model][k]);
		summary_write_float8(&out, s->param[k]);
	}
	appendStringInfoString(&out, " abs_error=");
	summary_write_float_sum(&out, &s->abs_error);
	appendStringInfoString(&out, " squared_error=");
	summary_write_float_sum(&out, &s->squared_error);
	appendStringInfoString(&out, " frequencies=");
	for (int32 i = 0; i < s->nrows; i++)
	{
		if (i > 0)
			appendStringInfoChar(&out, ',');
		appendStringInfo(&out, "%d:" INT64_FORMAT ":" INT64_FORMAT ":",
						 rows[i].frequency, rows[i].customers, rows[i].actual);
		summary_write_float_sum(&out, &rows[i].predicted);
	}
	PG_RETURN_CSTRING(out.data);
}

/*
 * Binary: the version and model bytes, the four parameters, the two error
 * sums, the number of rows (int64), then per row the frequency (int32),
 * customers and actual (int64) and the predicted sum.
 */
PG_FUNCTION_INFO_V1(holdout_summary_recv);
Datum
holdout_summary_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	HoldoutSummary *s;
	int			model;
	double		param[4];
	int64		nrows,
				customers = 0,
				actual = 0;

	summary_recv_version(buf, "holdout_summary", HOLDOUT_VERSION);
	model = summary_recv_byte(buf, "holdout_summary");
	if (model < 1 || model > HOLDOUT_MODEL_MAX)
		summary_binary_error("holdout_summary",
							 psprintf("Model %d is not between 1 and %d.", model, HOLDOUT_MODEL_MAX));
	for (int k = 0; k < 4; k++)
	{
		param[k] = summary_recv_float8(buf, "holdout_summary");
		if (!(param[k] > 0.0 && isfinite(param[k])))
			summary_binary_error("holdout_summary", "A model parameter is not a positive number.");
	}
	s = holdout_new(model, param, 0);
	summary_recv_float_sum(buf, "holdout_summary", &s->abs_error);
	summary_recv_float_sum(buf, "holdout_summary", &s->squared_error);
	if (float_sum_is_negative(&s->abs_error) || float_sum_is_negative(&s->squared_error))
		summary_binary_error("holdout_summary", "An error sum is negative.");
	nrows = summary_recv_count(buf, "holdout_summary");
	if (nrows > (buf->len - buf->cursor) / HOLDOUT_BINARY_ROW)
		summary_binary_error("holdout_summary", "The value is truncated.");
	if (nrows == 0 && !(float_sum_is_zero(&s->abs_error) && float_sum_is_zero(&s->squared_error)))
		summary_binary_error("holdout_summary", "A summary without customers has error sums of 0.");
	s = holdout_copy(s, (int32) nrows);
	for (int32 i = 0; i < (int32) nrows; i++)
	{
		HoldoutRow *row = &HOLDOUT_ROWS(s)[i];

		row->frequency = (int32) pq_getmsgint(buf, 4);
		if (row->frequency < 0 || (i > 0 && row->frequency <= row[-1].frequency))
			summary_binary_error("holdout_summary",
								 "The frequencies are not non-negative and increasing.");
		row->customers = pq_getmsgint64(buf);
		row->actual = pq_getmsgint64(buf);
		if (row->customers <= 0 || row->actual < 0 ||
			pg_add_s64_overflow(customers, row->customers, &customers) ||
			pg_add_s64_overflow(actual, row->actual, &actual))
			summary_binary_error("holdout_summary",
								 psprintf("Row %d has counts out of range.", i + 1));
		summary_recv_float_sum(buf, "holdout_summary", &row->predicted);
		if (float_sum_is_negative(&row->predicted))
			summary_binary_error("holdout_summary",
								 psprintf("Row %d has a negative predicted sum.", i + 1));
		s->nrows = i + 1;
	}
	summary_recv_end(buf, "holdout_summary");
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(holdout_summary_send);
Datum
holdout_summary_send(PG_FUNCTION_ARGS)
{
	HoldoutSummary *s = PG_GETARG_HOLDOUT(0);
	const HoldoutRow *rows = HOLDOUT_ROWS(s);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, HOLDOUT_VERSION);
	pq_sendbyte(&buf, s->model);
	for (int k = 0; k < 4; k++)
		pq_sendfloat8(&buf, s->param[k]);
	summary_send_float_sum(&buf, &s->abs_error);
	summary_send_float_sum(&buf, &s->squared_error);
	pq_sendint64(&buf, s->nrows);
	for (int32 i = 0; i < s->nrows; i++)
	{
		pq_sendint32(&buf, rows[i].frequency);
		pq_sendint64(&buf, rows[i].customers);
		pq_sendint64(&buf, rows[i].actual);
		summary_send_float_sum(&buf, &rows[i].predicted);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* ---------------------------------------------------------------- */
/* accessors                                                        */
/* ---------------------------------------------------------------- */

/*
 * holdout_by_frequency(summary, max_frequency): per calibration frequency
 * below max_frequency, the customers and their mean actual and predicted
 * holdout purchases; then one row, frequency_cal = max_frequency, for all
 * customers with max_frequency or more (the "7+" of the BTYD papers' charts).
 */
PG_FUNCTION_INFO_V1(holdout_by_frequency);
Datum
holdout_by_frequency(PG_FUNCTION_ARGS)
{
	HoldoutSummary *s = PG_GETARG_HOLDOUT(0);
	int32		max_frequency = PG_GETARG_INT32(1);
	const HoldoutRow *rows = HOLDOUT_ROWS(s);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int64		pooled_customers = 0,
				pooled_actual = 0;
	FloatSum	pooled_predicted;

	if (max_frequency < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_frequency %d is out of range", max_frequency),
				 errhint("The last row pools the customers with max_frequency or more calibration purchases; max_frequency must be at least 1.")));
	InitMaterializedSRF(fcinfo, 0);
	float_sum_init(&pooled_predicted);
	for (int32 i = 0; i <= s->nrows; i++)
	{
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};
		int64		customers,
					actual;
		double		predicted;

		if (i < s->nrows && rows[i].frequency >= max_frequency)
		{
			pooled_customers = count_add(pooled_customers, rows[i].customers);
			pooled_actual = count_add(pooled_actual, rows[i].actual);
			float_sum_add(&pooled_predicted, &rows[i].predicted);
			continue;
		}
		if (i < s->nrows)
		{
			customers = rows[i].customers;
			actual = rows[i].actual;
			predicted = float_sum_value(&rows[i].predicted);
			values[0] = Int32GetDatum(rows[i].frequency);
		}
		else if (pooled_customers > 0)
		{
			customers = pooled_customers;
			actual = pooled_actual;
			predicted = float_sum_value(&pooled_predicted);
			values[0] = Int32GetDatum(max_frequency);
		}
		else
			break;
		values[1] = Int64GetDatum(customers);
		values[2] = Float8GetDatum((double) actual / (double) customers);
		values[3] = Float8GetDatum(predicted / (double) customers);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * holdout_error(summary): customers, the actual and predicted totals, the
 * mean absolute error, the root mean squared error and the bias (mean of
 * predicted - actual: positive when the model predicts too many purchases),
 * over customers; the three means are NULL without customers.
 */
PG_FUNCTION_INFO_V1(holdout_error);
Datum
holdout_error(PG_FUNCTION_ARGS)
{
	HoldoutSummary *s = PG_GETARG_HOLDOUT(0);
	const HoldoutRow *rows = HOLDOUT_ROWS(s);
	TupleDesc	tupdesc;
	Datum		values[6];
	bool		nulls[6] = {false, false, false, false, false, false};
	int64		customers = 0,
				actual = 0;
	FloatSum	predicted,
				difference;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	tupdesc = BlessTupleDesc(tupdesc);

	float_sum_init(&predicted);
	for (int32 i = 0; i < s->nrows; i++)
	{
		customers = count_add(customers, rows[i].customers);
		actual = count_add(actual, rows[i].actual);
		float_sum_add(&predicted, &rows[i].predicted);
	}
	/* the bias from the exact totals: no rounding before the last one */
	difference = predicted;
	float_sum_add_int64(&difference, -actual);

	values[0] = Int64GetDatum(customers);
	values[1] = Float8GetDatum((double) actual);
	values[2] = Float8GetDatum(float_sum_value(&predicted));
	if (customers > 0)
	{
		values[3] = Float8GetDatum(float_sum_value(&s->abs_error) / (double) customers);
		values[4] = Float8GetDatum(sqrt(float_sum_value(&s->squared_error) / (double) customers));
		values[5] = Float8GetDatum(float_sum_value(&difference) / (double) customers);
	}
	else
		nulls[3] = nulls[4] = nulls[5] = true;
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
