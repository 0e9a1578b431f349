/*
 * survey.c
 *		Survey KPIs: Net Promoter Score and customer satisfaction (CSAT).
 *
 * Both summaries are small fixed-size counters.  They serve directly as the
 * aggregates' transition state: the transition function creates the state on
 * the first non-NULL score (the executor copies it into the aggregate's
 * memory context) and afterwards increments it in place, so an aggregate over
 * a score column costs about what count(score) costs.
 */
#include "retention.h"

#include <math.h>

#include "fmgr.h"
#include "libpq/pqformat.h"
#include "specfun.h"
#include "summary_io.h"
#include "utils/builtins.h"
#include "utils/numeric.h"

#define NPS_SUMMARY_VERSION 1
#define CSAT_SUMMARY_VERSION 1
#define CSAT_DEFAULT_SCALE 5
#define CSAT_MIN_SCALE 2
#define CSAT_MAX_SCALE 10

/* the three NPS categories, in the order of the text and binary forms */
enum
{
	PROMOTERS,					/* scores 9-10 */
	PASSIVES,					/* scores 7-8 */
	DETRACTORS,					/* scores 0-6 */
	NPS_CATEGORIES
};

/*
 * Category of each score.  A table lookup rather than comparisons: survey
 * scores come in random order, and mispredicted branches would cost more
 * than the rest of the transition function.
 */
static const uint8 nps_category[11] = {
	DETRACTORS, DETRACTORS, DETRACTORS, DETRACTORS, DETRACTORS, DETRACTORS,
	DETRACTORS, PASSIVES, PASSIVES, PROMOTERS, PROMOTERS
};

typedef struct NpsSummary
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	uint8		version;
	int64		counts[NPS_CATEGORIES];
} NpsSummary;

typedef struct CsatSummary
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	uint8		version;
	uint8		scale;			/* scores run from 1 to scale */
	int64		counts[CSAT_MAX_SCALE];	/* counts[s - 1]: responses scoring s */
} CsatSummary;

#define PG_GETARG_NPS_SUMMARY(n) nps_summary_checked(PG_DETOAST_DATUM(PG_GETARG_DATUM(n)))
#define PG_GETARG_CSAT_SUMMARY(n) csat_summary_checked(PG_DETOAST_DATUM(PG_GETARG_DATUM(n)))

/*
 * Input validation guarantees these invariants; assertion-enabled builds
 * check them again on every summary an accessor reads.
 */
static inline NpsSummary *
nps_summary_checked(struct varlena *datum)
{
	NpsSummary *summary = (NpsSummary *) datum;

	Assert(VARSIZE(summary) == sizeof(NpsSummary));
	Assert(summary->version == NPS_SUMMARY_VERSION);
	Assert(summary->counts[0] >= 0 && summary->counts[1] >= 0 && summary->counts[2] >= 0);
	return summary;
}

static inline CsatSummary *
csat_summary_checked(struct varlena *datum)
{
	CsatSummary *summary = (CsatSummary *) datum;

	Assert(VARSIZE(summary) == sizeof(CsatSummary));
	Assert(summary->version == CSAT_SUMMARY_VERSION);
	Assert(summary->scale >= CSAT_MIN_SCALE && summary->scale <= CSAT_MAX_SCALE);
#ifdef USE_ASSERT_CHECKING
	for (int score = 1; score <= CSAT_MAX_SCALE; score++)
		Assert(summary->counts[score - 1] >= 0 &&
			   (score <= summary->scale || summary->counts[score - 1] == 0));
#endif
	return summary;
}

/* ---------------------------------------------------------------- */
/* NPS                                                              */
/* ---------------------------------------------------------------- */

static NpsSummary *
nps_summary_new(void)
{
	NpsSummary *summary = palloc0(sizeof(NpsSummary));

	SET_VARSIZE(summary, sizeof(NpsSummary));
	summary->version = NPS_SUMMARY_VERSION;
	return summary;
}


static int64
nps_responses(const NpsSummary *summary)
{
	return count_add(count_add(summary->counts[PROMOTERS], summary->counts[PASSIVES]),
					 summary->counts[DETRACTORS]);
}

PG_FUNCTION_INFO_V1(nps_summary_in);
Datum
nps_summary_in(PG_FUNCTION_ARGS)
{
	char	   *input = PG_GETARG_CSTRING(0);
	NpsSummary *summary = nps_summary_new();
	SummaryReader reader;

	summary_read_begin(&reader, "nps_summary", input, NPS_SUMMARY_VERSION);
	summary_read_key(&reader, "promoters");
	summary->counts[PROMOTERS] = summary_read_count(&reader);
	summary_read_key(&reader, "passives");
	summary->counts[PASSIVES] = summary_read_count(&reader);
	summary_read_key(&reader, "detractors");
	summary->counts[DETRACTORS] = summary_read_count(&reader);
	summary_read_end(&reader);

	PG_RETURN_POINTER(summary);
}

PG_FUNCTION_INFO_V1(nps_summary_out);
Datum
nps_summary_out(PG_FUNCTION_ARGS)
{
	NpsSummary *summary = PG_GETARG_NPS_SUMMARY(0);
	StringInfoData out;

	initStringInfo(&out);
	summary_write_begin(&out, NPS_SUMMARY_VERSION);
	appendStringInfo(&out, " promoters=" INT64_FORMAT " passives=" INT64_FORMAT
					 " detractors=" INT64_FORMAT,
					 summary->counts[PROMOTERS], summary->counts[PASSIVES],
					 summary->counts[DETRACTORS]);
	PG_RETURN_CSTRING(out.data);
}

PG_FUNCTION_INFO_V1(nps_summary_recv);
Datum
nps_summary_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	NpsSummary *summary = nps_summary_new();

	summary_recv_version(buf, "nps_summary", NPS_SUMMARY_VERSION);
	for (int category = 0; category < NPS_CATEGORIES; category++)
		summary->counts[category] = summary_recv_count(buf, "nps_summary");
	summary_recv_end(buf, "nps_summary");

	PG_RETURN_POINTER(summary);
}

PG_FUNCTION_INFO_V1(nps_summary_send);
Datum
nps_summary_send(PG_FUNCTION_ARGS)
{
	NpsSummary *summary = PG_GETARG_NPS_SUMMARY(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, NPS_SUMMARY_VERSION);
	for (int category = 0; category < NPS_CATEGORIES; category++)
		pq_sendint64(&buf, summary->counts[category]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/*
 * nps_agg_transfn(state nps_summary, score int): counts one response.
 * Not strict, so that the first score can create the state; NULL scores are
 * skipped here instead.
 */
PG_FUNCTION_INFO_V1(nps_agg_transfn);
Datum
nps_agg_transfn(PG_FUNCTION_ARGS)
{
	NpsSummary *state;
	int32		score;

	if (PG_ARGISNULL(1))
		return state_unchanged(fcinfo);

	score = PG_GETARG_INT32(1);
	if (score < 0 || score > 10)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("NPS score %d is out of range", score),
				 errhint("An NPS score must be between 0 and 10.")));

	if (PG_ARGISNULL(0))
		state = nps_summary_new();
	else
		state = summary_for_update(fcinfo, 0);

	state->counts[nps_category[score]]++;

	PG_RETURN_POINTER(state);
}

/*
 * nps_agg_combinefn(a nps_summary, b nps_summary): the sum of two summaries.
 * Both the combine function of every NPS aggregate and the transition
 * function of rollup(nps_summary); NULL on either side is skipped.
 */
PG_FUNCTION_INFO_V1(nps_agg_combinefn);
Datum
nps_agg_combinefn(PG_FUNCTION_ARGS)
{
	NpsSummary *state;
	NpsSummary *other;
	Datum		result;

	if (combine_null_side(fcinfo, &result))
		return result;

	state = summary_for_update(fcinfo, 0);
	other = PG_GETARG_NPS_SUMMARY(1);

	for (int category = 0; category < NPS_CATEGORIES; category++)
		state->counts[category] = count_add(state->counts[category], other->counts[category]);

	PG_RETURN_POINTER(state);
}

/* nps(nps_summary): 100 * (promoters - detractors) / responses */
PG_FUNCTION_INFO_V1(nps_summary_nps);
Datum
nps_summary_nps(PG_FUNCTION_ARGS)
{
	NpsSummary *summary = PG_GETARG_NPS_SUMMARY(0);
	int64		responses = nps_responses(summary);

	if (responses == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(100.0 * ((double) summary->counts[PROMOTERS] -
							   (double) summary->counts[DETRACTORS]) /
					 (double) responses);
}

PG_FUNCTION_INFO_V1(nps_summary_promoters);
Datum
nps_summary_promoters(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(PG_GETARG_NPS_SUMMARY(0)->counts[PROMOTERS]);
}

PG_FUNCTION_INFO_V1(nps_summary_passives);
Datum
nps_summary_passives(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(PG_GETARG_NPS_SUMMARY(0)->counts[PASSIVES]);
}

PG_FUNCTION_INFO_V1(nps_summary_detractors);
Datum
nps_summary_detractors(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(PG_GETARG_NPS_SUMMARY(0)->counts[DETRACTORS]);
}

PG_FUNCTION_INFO_V1(nps_summary_responses);
Datum
nps_summary_responses(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(nps_responses(PG_GETARG_NPS_SUMMARY(0)));
}

/*
 * The confidence interval of NPS: an adjusted Wald interval.  The plain Wald
 * interval, z sqrt((p+ + p- - (p+ - p-)^2) / n) around the observed NPS,
 * has a half-width of 0 for one response (or for any number of identical
 * ones) and of 139 points for a promoter and a detractor, and covers the
 * true NPS far less often than it claims below a few dozen responses.  Adding
 * pseudo-responses -- 3/4 of a promoter, 3/4 of a detractor and 3/2 of a
 * passive, n + 3 in all -- before applying the same formula gives an interval
 * that is never empty, is centred on the NPS shrunk slightly toward 0, and
 * covers close to the nominal level from one response on (the simulation in
 * test/pgtap/first_hour.sql measures it); with many responses it is the Wald
 * interval.  The bounds are clipped to the scale, -100 to 100.
 */
#define NPS_PSEUDO_EXTREME 0.75		/* pseudo promoters, and pseudo detractors */
#define NPS_PSEUDO_TOTAL 3.0			/* pseudo responses in all */

static bool
nps_interval(FunctionCallInfo fcinfo, double *centre, double *margin)
{
	NpsSummary *summary = PG_GETARG_NPS_SUMMARY(0);
	float8		confidence = PG_GETARG_FLOAT8(1);
	int64		responses = nps_responses(summary);
	double		n,
				share_promoters,
				share_detractors,
				variance,
				z;

	if (!(confidence > 0.0 && confidence < 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("confidence level %g is out of range", confidence),
				 errhint("A confidence level must be greater than 0 and less than 1, such as 0.95.")));
	if (responses == 0)
		return false;

	n = (double) responses + NPS_PSEUDO_TOTAL;
	share_promoters = ((double) summary->counts[PROMOTERS] + NPS_PSEUDO_EXTREME) / n;
	share_detractors = ((double) summary->counts[DETRACTORS] + NPS_PSEUDO_EXTREME) / n;
	*centre = share_promoters - share_detractors;
	/* positive: the pseudo-passives keep p+ + p- below 1 */
	variance = share_promoters + share_detractors - *centre * *centre;
	z = normal_quantile(1.0 - (1.0 - confidence) / 2.0);
	*centre *= 100.0;
	*margin = z * 100.0 * sqrt(variance / n);
	return true;
}

/* nps_margin(nps_summary, confidence): half-width of the interval, in points */
PG_FUNCTION_INFO_V1(nps_summary_margin);
Datum
nps_summary_margin(PG_FUNCTION_ARGS)
{
	double		centre,
				margin;

	if (!nps_interval(fcinfo, &centre, &margin))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(margin);
}

/* nps_lower(nps_summary, confidence): lower bound of the interval, >= -100 */
PG_FUNCTION_INFO_V1(nps_summary_lower);
Datum
nps_summary_lower(PG_FUNCTION_ARGS)
{
	double		centre,
				margin;

	if (!nps_interval(fcinfo, &centre, &margin))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(Max(centre - margin, -100.0));
}

/* nps_upper(nps_summary, confidence): upper bound of the interval, <= 100 */
PG_FUNCTION_INFO_V1(nps_summary_upper);
Datum
nps_summary_upper(PG_FUNCTION_ARGS)
{
	double		centre,
				margin;

	if (!nps_interval(fcinfo, &centre, &margin))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(Min(centre + margin, 100.0));
}

/* ---------------------------------------------------------------- */
/* CSAT                                                             */
/* ---------------------------------------------------------------- */

static CsatSummary *
csat_summary_new(int scale)
{
	CsatSummary *summary = palloc0(sizeof(CsatSummary));

	SET_VARSIZE(summary, sizeof(CsatSummary));
	summary->version = CSAT_SUMMARY_VERSION;
	summary->scale = (uint8) scale;
	return summary;
}


static int64
csat_responses(const CsatSummary *summary)
{
	int64		responses = 0;

	for (int score = 1; score <= summary->scale; score++)
		responses = count_add(responses, summary->counts[score - 1]);
	return responses;
}

static void
check_csat_scale(int scale)
{
	if (scale < CSAT_MIN_SCALE || scale > CSAT_MAX_SCALE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("CSAT scale %d is out of range", scale),
				 errhint("A CSAT scale must be between %d and %d.",
						 CSAT_MIN_SCALE, CSAT_MAX_SCALE)));
}

PG_FUNCTION_INFO_V1(csat_summary_in);
Datum
csat_summary_in(PG_FUNCTION_ARGS)
{
	char	   *input = PG_GETARG_CSTRING(0);
	SummaryReader reader;
	CsatSummary *summary;
	int64		scale;

	summary_read_begin(&reader, "csat_summary", input, CSAT_SUMMARY_VERSION);
	summary_read_key(&reader, "scale");
	scale = summary_read_count(&reader);
	if (scale < CSAT_MIN_SCALE || scale > CSAT_MAX_SCALE)
		summary_syntax_error(&reader, "a scale between 2 and 10");
	summary = csat_summary_new((int) scale);
	summary_read_key(&reader, "counts");
	for (int score = 1; score <= scale; score++)
	{
		if (score > 1)
			summary_read_char(&reader, ',');
		summary->counts[score - 1] = summary_read_count(&reader);
	}
	summary_read_end(&reader);

	PG_RETURN_POINTER(summary);
}

PG_FUNCTION_INFO_V1(csat_summary_out);
Datum
csat_summary_out(PG_FUNCTION_ARGS)
{
	CsatSummary *summary = PG_GETARG_CSAT_SUMMARY(0);
	StringInfoData out;

	initStringInfo(&out);
	summary_write_begin(&out, CSAT_SUMMARY_VERSION);
	appendStringInfo(&out, " scale=%d counts=", summary->scale);
	for (int score = 1; score <= summary->scale; score++)
		appendStringInfo(&out, "%s" INT64_FORMAT, score > 1 ? "," : "",
						 summary->counts[score - 1]);
	PG_RETURN_CSTRING(out.data);
}

PG_FUNCTION_INFO_V1(csat_summary_recv);
Datum
csat_summary_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	CsatSummary *summary;
	int			scale;

	summary_recv_version(buf, "csat_summary", CSAT_SUMMARY_VERSION);
	scale = summary_recv_byte(buf, "csat_summary");
	if (scale < CSAT_MIN_SCALE || scale > CSAT_MAX_SCALE)
		summary_binary_error("csat_summary",
							 psprintf("Scale %d is not between 2 and 10.", scale));
	summary = csat_summary_new(scale);
	for (int score = 1; score <= scale; score++)
		summary->counts[score - 1] = summary_recv_count(buf, "csat_summary");
	summary_recv_end(buf, "csat_summary");

	PG_RETURN_POINTER(summary);
}

PG_FUNCTION_INFO_V1(csat_summary_send);
Datum
csat_summary_send(PG_FUNCTION_ARGS)
{
	CsatSummary *summary = PG_GETARG_CSAT_SUMMARY(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, CSAT_SUMMARY_VERSION);
	pq_sendbyte(&buf, summary->scale);
	for (int score = 1; score <= summary->scale; score++)
		pq_sendint64(&buf, summary->counts[score - 1]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Counts one response on the given scale (the shared body of both transfns). */
static Datum
csat_accumulate(FunctionCallInfo fcinfo, int score, int scale)
{
	CsatSummary *state;

	if (PG_ARGISNULL(0))
	{
		check_csat_scale(scale);
		state = csat_summary_new(scale);
	}
	else
	{
		state = summary_for_update(fcinfo, 0);
		if (scale != state->scale)
		{
			check_csat_scale(scale);
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("CSAT scale %d differs from scale %d of earlier responses",
							scale, state->scale),
					 errhint("Aggregate responses of one scale at a time.")));
		}
	}

	if (score < 1 || score > scale)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("CSAT score %d is out of range", score),
				 errhint("A CSAT score on a scale of %d must be between 1 and %d.",
						 scale, scale)));
	state->counts[score - 1]++;

	PG_RETURN_POINTER(state);
}

/* csat_agg_transfn(state, score): a response on the default 1-5 scale */
PG_FUNCTION_INFO_V1(csat_agg_transfn);
Datum
csat_agg_transfn(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(1))
		return state_unchanged(fcinfo);
	return csat_accumulate(fcinfo, PG_GETARG_INT32(1), CSAT_DEFAULT_SCALE);
}

/* csat_agg_scale_transfn(state, score, scale) */
PG_FUNCTION_INFO_V1(csat_agg_scale_transfn);
Datum
csat_agg_scale_transfn(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		return state_unchanged(fcinfo);
	return csat_accumulate(fcinfo, PG_GETARG_INT32(1), PG_GETARG_INT32(2));
}

/* csat_agg_combinefn(a, b): combine function and rollup transition */
PG_FUNCTION_INFO_V1(csat_agg_combinefn);
Datum
csat_agg_combinefn(PG_FUNCTION_ARGS)
{
	CsatSummary *state;
	CsatSummary *other;
	Datum		result;

	if (combine_null_side(fcinfo, &result))
		return result;

	state = summary_for_update(fcinfo, 0);
	other = PG_GETARG_CSAT_SUMMARY(1);

	if (state->scale != other->scale)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot roll up CSAT summaries of scales %d and %d",
						state->scale, other->scale),
				 errhint("Roll up summaries of one scale at a time.")));
	for (int score = 1; score <= state->scale; score++)
		state->counts[score - 1] = count_add(state->counts[score - 1],
											 other->counts[score - 1]);

	PG_RETURN_POINTER(state);
}

/* csat(csat_summary): share of responses in the top two boxes */
PG_FUNCTION_INFO_V1(csat_summary_csat);
Datum
csat_summary_csat(PG_FUNCTION_ARGS)
{
	CsatSummary *summary = PG_GETARG_CSAT_SUMMARY(0);
	int64		responses = csat_responses(summary);
	int64		satisfied;

	if (responses == 0)
		PG_RETURN_NULL();
	satisfied = count_add(summary->counts[summary->scale - 1],
						  summary->counts[summary->scale - 2]);
	PG_RETURN_FLOAT8((double) satisfied / (double) responses);
}

PG_FUNCTION_INFO_V1(csat_summary_responses);
Datum
csat_summary_responses(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(csat_responses(PG_GETARG_CSAT_SUMMARY(0)));
}

/* mean_score(csat_summary): the average score */
PG_FUNCTION_INFO_V1(csat_summary_mean_score);
Datum
csat_summary_mean_score(PG_FUNCTION_ARGS)
{
	CsatSummary *summary = PG_GETARG_CSAT_SUMMARY(0);
	int64		responses = csat_responses(summary);
	double		total = 0.0;

	if (responses == 0)
		PG_RETURN_NULL();
	for (int score = 1; score <= summary->scale; score++)
		total += (double) score * (double) summary->counts[score - 1];
	PG_RETURN_FLOAT8(total / (double) responses);
}

/* ---------------------------------------------------------------- */
/* Scores of other types: smallint, bigint and numeric              */
/* ---------------------------------------------------------------- */

/*
 * Survey tools export scores as whatever the warehouse chose: smallint,
 * bigint, numeric.  A score is a whole number, so a numeric score with a
 * fraction (8.5) is an error, not a rounding: casting it to int would
 * silently make a passive of 8.5 a promoter of 9.
 */

/* A bigint score outside [lo, hi] -> 22003 naming it, else the score. */
static int32
wide_score(const char *what, int64 score, int lo, int hi, const char *hint)
{
	if (score < lo || score > hi)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s score " INT64_FORMAT " is out of range", what, score),
				 errhint("%s", hint)));
	return (int32) score;
}

/* A numeric score, which must be a whole number in [lo, hi]. */
static int32
numeric_score(const char *what, Datum value, int lo, int hi, const char *hint)
{
	Numeric		num = DatumGetNumeric(value);
	bool		overflow = false;
	int32		score = 0;

	if (!numeric_is_nan(num) && !numeric_is_inf(num) &&
		!DatumGetBool(DirectFunctionCall2(numeric_eq, value,
										  DirectFunctionCall2(numeric_trunc, value,
															  Int32GetDatum(0)))))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s score %s is not a whole number", what,
						DatumGetCString(DirectFunctionCall1(numeric_out, value))),
				 errhint("Scores are whole numbers; round them explicitly, e.g. with round(score), if the survey means that.")));
	if (numeric_is_nan(num) || numeric_is_inf(num))
		overflow = true;
	else
		score = numeric_int4_opt_error(num, &overflow);
	if (overflow || score < lo || score > hi)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s score %s is out of range", what,
						DatumGetCString(DirectFunctionCall1(numeric_out, value))),
				 errhint("%s", hint)));
	return score;
}

#define NPS_RANGE_HINT "An NPS score must be between 0 and 10."

/* Counts one NPS response whose score is already checked. */
static Datum
nps_accumulate(FunctionCallInfo fcinfo, int32 score)
{
	NpsSummary *state;

	if (PG_ARGISNULL(0))
		state = nps_summary_new();
	else
		state = summary_for_update(fcinfo, 0);
	state->counts[nps_category[score]]++;
	PG_RETURN_POINTER(state);
}

/* nps_agg_int2_transfn(state nps_summary, score smallint) */
PG_FUNCTION_INFO_V1(nps_agg_int2_transfn);
Datum
nps_agg_int2_transfn(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(1))
		return state_unchanged(fcinfo);
	return nps_accumulate(fcinfo, wide_score("NPS", PG_GETARG_INT16(1), 0, 10, NPS_RANGE_HINT));
}

/* nps_agg_int8_transfn(state nps_summary, score bigint) */
PG_FUNCTION_INFO_V1(nps_agg_int8_transfn);
Datum
nps_agg_int8_transfn(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(1))
		return state_unchanged(fcinfo);
	return nps_accumulate(fcinfo, wide_score("NPS", PG_GETARG_INT64(1), 0, 10, NPS_RANGE_HINT));
}

/* nps_agg_numeric_transfn(state nps_summary, score numeric) */
PG_FUNCTION_INFO_V1(nps_agg_numeric_transfn);
Datum
nps_agg_numeric_transfn(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(1))
		return state_unchanged(fcinfo);
	return nps_accumulate(fcinfo, numeric_score("NPS", PG_GETARG_DATUM(1), 0, 10, NPS_RANGE_HINT));
}

/*
 * A CSAT score of a wider type: a value beyond int is out of range on any
 * scale (named as given); anything else goes through csat_accumulate, which
 * checks it against the scale.
 */
#define CSAT_WIDE_HINT "A CSAT score is between 1 and the scale (at most 10)."

/* csat_agg_int2_transfn(state, score smallint) and the scale form */
PG_FUNCTION_INFO_V1(csat_agg_int2_transfn);
Datum
csat_agg_int2_transfn(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(1))
		return state_unchanged(fcinfo);
	return csat_accumulate(fcinfo, PG_GETARG_INT16(1), CSAT_DEFAULT_SCALE);
}

PG_FUNCTION_INFO_V1(csat_agg_scale_int2_transfn);
Datum
csat_agg_scale_int2_transfn(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		return state_unchanged(fcinfo);
	return csat_accumulate(fcinfo, PG_GETARG_INT16(1), PG_GETARG_INT32(2));
}

/* csat_agg_int8_transfn(state, score bigint) and the scale form */
PG_FUNCTION_INFO_V1(csat_agg_int8_transfn);
Datum
csat_agg_int8_transfn(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(1))
		return state_unchanged(fcinfo);
	return csat_accumulate(fcinfo,
						   wide_score("CSAT", PG_GETARG_INT64(1), PG_INT32_MIN, PG_INT32_MAX,
									  CSAT_WIDE_HINT),
						   CSAT_DEFAULT_SCALE);
}

PG_FUNCTION_INFO_V1(csat_agg_scale_int8_transfn);
Datum
csat_agg_scale_int8_transfn(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		return state_unchanged(fcinfo);
	return csat_accumulate(fcinfo,
						   wide_score("CSAT", PG_GETARG_INT64(1), PG_INT32_MIN, PG_INT32_MAX,
									  CSAT_WIDE_HINT),
						   PG_GETARG_INT32(2));
}

/* csat_agg_numeric_transfn(state, score numeric) and the scale form */
PG_FUNCTION_INFO_V1(csat_agg_numeric_transfn);
Datum
csat_agg_numeric_transfn(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(1))
		return state_unchanged(fcinfo);
	return csat_accumulate(fcinfo,
						   numeric_score("CSAT", PG_GETARG_DATUM(1), PG_INT32_MIN, PG_INT32_MAX,
										 CSAT_WIDE_HINT),
						   CSAT_DEFAULT_SCALE);
}

PG_FUNCTION_INFO_V1(csat_agg_scale_numeric_transfn);
Datum
csat_agg_scale_numeric_transfn(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		return state_unchanged(fcinfo);
	return csat_accumulate(fcinfo,
						   numeric_score("CSAT", PG_GETARG_DATUM(1), PG_INT32_MIN, PG_INT32_MAX,
										 CSAT_WIDE_HINT),
						   PG_GETARG_INT32(2));
}
