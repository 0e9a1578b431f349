/*
 * sbg.c
 *		The shifted-beta-geometric model of contractual retention (Fader &
 *		Hardie 2007, "How to project customer retention"): the maximum-
 *		likelihood fit as an aggregate and from a survival summary, the
 *		projected survival and retention curve, the discounted expected
 *		residual lifetime (Fader & Hardie 2010, "Customer-base valuation in a
 *		contractual setting"), the model CLV, and the elasticity of residual
 *		value with respect to retention.
 *
 * Each customer has a churn probability p per period, p ~ Beta(α, β) across
 * customers.  A customer lost at the end of period t has probability
 * P(T = t) = B(α + 1, β + t - 1) / B(α, β); one still active after t periods
 * has S(t) = B(α, β + t) / B(α, β).  Both follow from the recursions
 *   S(t) = S(t - 1) (β + t - 1) / (α + β + t - 1)
 *   P(T = t) = S(t - 1) α / (α + β + t - 1)
 * which the likelihood sums in logarithms, one step per period.
 *
 * The fit's transition state is a bigint[] of 2 (T + 1) counts: element
 * 2t + 1 (1-based) counts the customers lost at the end of period t, element
 * 2t + 2 those still active after t periods.  Periods are few (months or
 * years of a subscription), so a dense array indexed by period is both the
 * smallest and the fastest state: a row costs one increment in place.
 */
#include "retention.h"
#include "summary_io.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/lsyscache.h"

#include "optimize.h"

/* The longest lifetime a fit or a curve takes, in periods. */
#define SBG_MAX_PERIODS 100000
/* A fresh state has room for this many periods (0 .. 15). */
#define SBG_INITIAL_PERIODS 16

#define SBG_GRADIENT_TOLERANCE 1e-10
#define SBG_MAX_ITERATIONS 1000
/* |ln α| or |ln β| beyond this: the likelihood peaks at the boundary */
#define SBG_MAX_LOG_PARAMETER 13.0

/*
 * Discount rates below this (but above 0) would need more than about 40
 * million terms of the residual-lifetime series.
 */
#define SBG_MIN_DISCOUNT_RATE 1e-6

/* ---------------------------------------------------------------- */
/* the transition state: bigint[] of (lost at t, active after t)    */
/* ---------------------------------------------------------------- */

static ArrayType *
counts_new(int32 periods)
{
	int32		nelems = 2 * periods;
	Size		size = ARR_OVERHEAD_NONULLS(1) + (Size) nelems * sizeof(int64);
	ArrayType  *array = palloc0(size);

	SET_VARSIZE(array, size);
	array->ndim = 1;
	array->dataoffset = 0;
	array->elemtype = INT8OID;
	ARR_DIMS(array)[0] = nelems;
	ARR_LBOUND(array)[0] = 1;
	return array;
}

static inline int32
counts_periods(const ArrayType *array)
{
	return ARR_DIMS(array)[0] / 2;
}

/* O(1) shape check, enough for the transition function to index safely. */
static void
counts_check_shape(const ArrayType *array)
{
	if (ARR_NDIM(array) != 1 || ARR_HASNULL(array) || ARR_ELEMTYPE(array) != INT8OID ||
		ARR_DIMS(array)[0] < 2 || ARR_DIMS(array)[0] % 2 != 0 ||
		ARR_DIMS(array)[0] > 2 * (SBG_MAX_PERIODS + 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid sbg_fit state"),
				 errdetail("The state is a one-dimensional bigint array without nulls of 2 to %d elements, an even number of them.",
						   2 * (SBG_MAX_PERIODS + 1))));
}

/* Full check: the shape, counts >= 0, and nobody lost at the end of period 0. */
static void
counts_check(const ArrayType *array)
{
	const int64 *c;

	counts_check_shape(array);
	c = (const int64 *) ARR_DATA_PTR(array);
	for (int32 i = 0; i < ARR_DIMS(array)[0]; i++)
		if (c[i] < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid sbg_fit state"),
					 errdetail("Count " INT64_FORMAT " at element %d is negative.", c[i], i + 1)));
	if (c[0] != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid sbg_fit state"),
				 errdetail("The state counts customers lost at the end of period 0.")));
}

/* A copy of array with room for at least periods periods. */
static ArrayType *
counts_grow(const ArrayType *array, int32 periods)
{
	int32		have = counts_periods(array);
	int32		want = Min(Max(periods, 2 * have), SBG_MAX_PERIODS + 1);
	ArrayType  *copy = counts_new(want);

	memcpy(ARR_DATA_PTR(copy), ARR_DATA_PTR(array), 2 * (Size) have * sizeof(int64));
	return copy;
}

static void
check_customer(int32 periods, bool churned)
{
	if (churned && periods < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("periods %d of a churned customer is less than 1", periods),
				 errhint("A churned customer was lost at the end of period 1 or later; periods counts the periods it paid for.")));
	if (periods < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("periods %d is negative", periods),
				 errhint("An active customer has been a customer for 0 or more whole periods.")));
	if (periods > SBG_MAX_PERIODS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("periods %d is more than sbg_fit takes", periods),
				 errhint("A lifetime may span at most %d periods; use a longer period, such as months instead of days.",
						 SBG_MAX_PERIODS)));
}

/* sbg_fit_transfn(bigint[], periods int, churned boolean) */
PG_FUNCTION_INFO_V1(sbg_fit_transfn);
Datum
sbg_fit_transfn(PG_FUNCTION_ARGS)
{
	ArrayType  *state;
	int32		periods;
	bool		churned;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		return state_unchanged(fcinfo);
	periods = PG_GETARG_INT32(1);
	churned = PG_GETARG_BOOL(2);
	check_customer(periods, churned);

	if (PG_ARGISNULL(0))
		state = counts_new(Max(periods + 1, SBG_INITIAL_PERIODS));
	else
	{
		/* inside the aggregate the state is this function's own array */
		if (AggCheckCallContext(fcinfo, NULL))
			state = (ArrayType *) PG_GETARG_POINTER(0);
		else
		{
			state = PG_GETARG_ARRAYTYPE_P_COPY(0);
			counts_check(state);
		}
		if (periods >= counts_periods(state))
			state = counts_grow(state, periods + 1);
	}
	((int64 *) ARR_DATA_PTR(state))[2 * periods + (churned ? 0 : 1)]++;
	PG_RETURN_ARRAYTYPE_P(state);
}

/* sbg_fit_combinefn(bigint[], bigint[]): elementwise sum */
PG_FUNCTION_INFO_V1(sbg_fit_combinefn);
Datum
sbg_fit_combinefn(PG_FUNCTION_ARGS)
{
	ArrayType  *a;
	ArrayType  *b;
	int64	   *ca;
	const int64 *cb;
	Datum		result;

	if (!PG_ARGISNULL(0))
		counts_check(PG_GETARG_ARRAYTYPE_P(0));
	if (!PG_ARGISNULL(1))
		counts_check(PG_GETARG_ARRAYTYPE_P(1));
	if (combine_null_side(fcinfo, &result))
		return result;

	b = PG_GETARG_ARRAYTYPE_P(1);
	if (AggCheckCallContext(fcinfo, NULL))
		a = PG_GETARG_ARRAYTYPE_P(0);
	else
		a = PG_GETARG_ARRAYTYPE_P_COPY(0);
	if (counts_periods(b) > counts_periods(a))
		a = counts_grow(a, counts_periods(b));
	ca = (int64 *) ARR_DATA_PTR(a);
	cb = (const int64 *) ARR_DATA_PTR(b);
	for (int32 i = 0; i < ARR_DIMS(b)[0]; i++)
		ca[i] = count_add(ca[i], cb[i]);
	PG_RETURN_ARRAYTYPE_P(a);
}

/* ---------------------------------------------------------------- */
/* the likelihood and the fit                                       */
/* ---------------------------------------------------------------- */

typedef struct SbgData
{
	int32		periods;		/* counts for t = 0 .. periods - 1 */
	const int64 *counts;		/* [2t] lost at the end of t, [2t+1] active after t */
	double		customers;
} SbgData;

/*
 * The log-likelihood summed over the customers at (α, β), and its gradient
 * with respect to (α, β) in grad.
 */
static double
sbg_log_likelihood(const SbgData *data, double alpha, double beta, double *grad)
{
	double		log_s = 0.0,	/* ln S(t - 1) and its derivatives */
				ds_alpha = 0.0,
				ds_beta = 0.0,
				log_alpha = log(alpha),
				sum = 0.0,
				g_alpha = 0.0,
				g_beta = 0.0;

	/* active after 0 periods: S(0) = 1 adds nothing */
	for (int32 t = 1; t < data->periods; t++)
	{
		double		lost = (double) data->counts[2 * t];
		double		active = (double) data->counts[2 * t + 1];
		double		q = alpha + beta + t - 1;
		double		inv_q = 1.0 / q;
		double		log_q = log(q);

		if (lost > 0)
		{
			sum += lost * (log_s + log_alpha - log_q);
			g_alpha += lost * (ds_alpha + 1.0 / alpha - inv_q);
			g_beta += lost * (ds_beta - inv_q);
		}
		log_s += log(beta + t - 1) - log_q;
		ds_alpha -= inv_q;
		ds_beta += 1.0 / (beta + t - 1) - inv_q;
		if (active > 0)
		{
			sum += active * log_s;
			g_alpha += active * ds_alpha;
			g_beta += active * ds_beta;
		}
		if ((t & 0xFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	grad[0] = g_alpha;
	grad[1] = g_beta;
	return sum;
}

/* The minimised objective at θ = ln(α, β): -(mean log-likelihood). */
static double
sbg_objective(const double *theta, double *grad, void *arg)
{
	const SbgData *data = arg;
	double		alpha = exp(theta[0]),
				beta = exp(theta[1]),
				g[2],
				ll;

	if (!(alpha > 0 && beta > 0 && isfinite(alpha) && isfinite(beta)))
		return get_float8_infinity();
	ll = sbg_log_likelihood(data, alpha, beta, g);
	grad[0] = -alpha * g[0] / data->customers;
	grad[1] = -beta * g[1] / data->customers;
	return -ll / data->customers;
}

static Datum
sbg_model_datum(FunctionCallInfo fcinfo, double alpha, double beta,
				double log_likelihood, int64 customers, bool converged)
{
	TupleDesc	tupdesc;
	Datum		values[5];
	bool		nulls[5] = {0};

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	tupdesc = BlessTupleDesc(tupdesc);
	values[0] = Float8GetDatum(alpha);
	values[1] = Float8GetDatum(beta);
	values[2] = Float8GetDatum(log_likelihood);
	values[3] = Int64GetDatum(customers);
	values[4] = BoolGetDatum(converged);
	return HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls));
}

/*
 * Fits the counts (validated) and returns the sbg_model, or NULL when there
 * are no customers.  A fit whose likelihood peaks at the boundary of the
 * parameter space, or that the data cannot identify, or where the optimizer
 * stops early, reports converged = false after a WARNING.
 */
static Datum
sbg_fit_counts(FunctionCallInfo fcinfo, const char *what, int32 periods, const int64 *counts)
{
	SbgData		data;
	double		theta[2] = {0.0, 0.0};
	double		grad[2];
	double		ll;
	int64		customers = 0;
	int64		beyond_first = 0;	/* customers observed past period 1 */
	bool		converged = true;
	OptimizeResult result;

	for (int32 t = 0; t < periods; t++)
	{
		customers = count_add(customers, count_add(counts[2 * t], counts[2 * t + 1]));
		if (t >= 2)
			beyond_first = count_add(beyond_first, count_add(counts[2 * t], counts[2 * t + 1]));
	}
	if (customers == 0)
	{
		fcinfo->isnull = true;
		return (Datum) 0;
	}
	data.periods = periods;
	data.counts = counts;
	data.customers = (double) customers;

	bfgs_minimize(2, theta, sbg_objective, &data, SBG_GRADIENT_TOLERANCE,
				  SBG_MAX_ITERATIONS, &result);
	elog(DEBUG1, "%s: %d iterations, %d evaluations, objective %.17g, gradient norm %g (%s)",
		 what, result.iterations, result.evaluations, result.f, result.gradient_norm,
		 result.message);

	if (beyond_first == 0)
	{
		ereport(WARNING,
				(errmsg("%s did not converge", what),
				 errdetail("No customer was observed beyond its first period, so the spread of churn probabilities is not identified."),
				 errhint("Fit customers observed for two or more periods.")));
		converged = false;
	}
	else if (fabs(theta[0]) > SBG_MAX_LOG_PARAMETER || fabs(theta[1]) > SBG_MAX_LOG_PARAMETER)
	{
		int			k = fabs(theta[0]) > SBG_MAX_LOG_PARAMETER ? 0 : 1;

		ereport(WARNING,
				(errmsg("%s did not converge", what),
				 errdetail("Parameter %s ran off to %g: the likelihood has no maximum at finite parameters.",
						   k == 0 ? "alpha" : "beta", exp(theta[k])),
				 errhint("The data does not identify the model: too few churned customers, or too little variation between them.")));
		converged = false;
	}
	else if (!result.converged)
	{
		ereport(WARNING,
				(errmsg("%s did not converge", what),
				 errdetail("The optimizer stopped after %d iterations (%s) with gradient norm %g.",
						   result.iterations, result.message, result.gradient_norm),
				 errhint("The estimates are not maximum-likelihood estimates; check the inputs.")));
		converged = false;
	}

	ll = sbg_log_likelihood(&data, exp(theta[0]), exp(theta[1]), grad);
	return sbg_model_datum(fcinfo, exp(theta[0]), exp(theta[1]), ll, customers, converged);
}

/* sbg_fit_finalfn(bigint[]) -> sbg_model */
PG_FUNCTION_INFO_V1(sbg_fit_finalfn);
Datum
sbg_fit_finalfn(PG_FUNCTION_ARGS)
{
	ArrayType  *state;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state = PG_GETARG_ARRAYTYPE_P(0);
	counts_check(state);
	return sbg_fit_counts(fcinfo, "sbg_fit", counts_periods(state),
						  (const int64 *) ARR_DATA_PTR(state));
}

/*
 * sbg_fit(survival) -> sbg_model: the durations must be whole numbers of
 * periods.  The summary is read through its binary form (version byte,
 * int64 n, then n x (float8 duration, int64 churned, int64 censored)),
 * the public interface of the survival type.
 */
PG_FUNCTION_INFO_V1(sbg_fit_survival);
Datum
sbg_fit_survival(PG_FUNCTION_ARGS)
{
	Oid			type = get_fn_expr_argtype(fcinfo->flinfo, 0);
	Oid			send;
	bool		varlena;
	bytea	   *bytes;
	StringInfoData buf;
	int64		n;
	int32		periods = 1;
	ArrayType  *counts;
	int64	   *c = NULL;

	if (!OidIsValid(type))
		elog(ERROR, "could not determine the argument type of sbg_fit(survival)");
	getTypeBinaryOutputInfo(type, &send, &varlena);
	bytes = OidSendFunctionCall(send, PG_GETARG_DATUM(0));
	buf.data = VARDATA(bytes);
	buf.len = VARSIZE(bytes) - VARHDRSZ;
	buf.maxlen = buf.len;
	buf.cursor = 0;
	summary_recv_version(&buf, "survival", 1);
	n = summary_recv_count(&buf, "survival");

	/* first pass: check the durations and find the longest */
	for (int pass = 0; pass < 2; pass++)
	{
		buf.cursor = 1 + sizeof(int64);
		if (pass == 1)
		{
			counts = counts_new(periods);
			c = (int64 *) ARR_DATA_PTR(counts);
		}
		for (int64 i = 0; i < n; i++)
		{
			double		time = summary_recv_float8(&buf, "survival");
			int64		churned = summary_recv_count(&buf, "survival");
			int64		censored = summary_recv_count(&buf, "survival");
			int32		t;

			if (time != floor(time))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("duration %s is not a whole number of periods",
								float8_shortest(time)),
						 errhint("sbg_fit(survival) takes durations counted in whole periods, such as months or years.")));
			if (time > SBG_MAX_PERIODS)
				check_customer(SBG_MAX_PERIODS + 1, false);
			t = (int32) time;
			if (churned > 0)
				check_customer(t, true);
			if (pass == 0)
				periods = Max(periods, t + 1);
			else
			{
				c[2 * t] = count_add(c[2 * t], churned);
				c[2 * t + 1] = count_add(c[2 * t + 1], censored);
			}
		}
	}
	summary_recv_end(&buf, "survival");
	return sbg_fit_counts(fcinfo, "sbg_fit", periods, c);
}

/* ---------------------------------------------------------------- */
/* the model's projections                                          */
/* ---------------------------------------------------------------- */

/* α and β of an sbg_model argument, checked. */
static void
sbg_model_parameters(FunctionCallInfo fcinfo, int argno, double *alpha, double *beta)
{
	HeapTupleHeader tuple = PG_GETARG_HEAPTUPLEHEADER(argno);
	static const char *const names[] = {"alpha", "beta"};
	double		param[2];

	for (int k = 0; k < 2; k++)
	{
		bool		isnull;
		Datum		d = GetAttributeByNum(tuple, k + 1, &isnull);

		if (isnull)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("sbg_model parameter %s is null", names[k]),
					 errhint("Pass a model returned by sbg_fit.")));
		param[k] = DatumGetFloat8(d);
		if (!(param[k] > 0.0 && isfinite(param[k])))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("sbg_model parameter %s = %s is not a positive number",
							names[k], float8_shortest(param[k])),
					 errhint("Both parameters of an sbg_model are positive and finite.")));
	}
	*alpha = param[0];
	*beta = param[1];
}

typedef struct SbgCurve
{
	double		alpha;
	double		beta;
	double		survival;		/* S(t) of the row last returned */
} SbgCurve;

/*
 * sbg_curve(sbg_model, periods) -> SETOF (period, survival, retention_rate):
 * t = 0 .. periods, S(0) = 1 with retention_rate NULL, then
 * r_t = (β + t - 1) / (α + β + t - 1) and S(t) = S(t - 1) r_t.
 */
PG_FUNCTION_INFO_V1(sbg_curve);
Datum
sbg_curve(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx;
	SbgCurve   *curve;

	if (SRF_IS_FIRSTCALL())
	{
		MemoryContext oldcontext;
		TupleDesc	tupdesc;
		int32		periods = PG_GETARG_INT32(1);

		if (periods < 0 || periods > SBG_MAX_PERIODS)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("periods %d is out of range", periods),
					 errhint("sbg_curve projects 0 to %d periods.", SBG_MAX_PERIODS)));
		funcctx = SRF_FIRSTCALL_INIT();
		oldcontext = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
		if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "sbg_curve must be declared to return a row type");
		funcctx->tuple_desc = BlessTupleDesc(tupdesc);
		curve = palloc(sizeof(SbgCurve));
		sbg_model_parameters(fcinfo, 0, &curve->alpha, &curve->beta);
		curve->survival = 1.0;
		funcctx->user_fctx = curve;
		funcctx->max_calls = (uint64) periods + 1;
		MemoryContextSwitchTo(oldcontext);
	}

	funcctx = SRF_PERCALL_SETUP();
	curve = (SbgCurve *) funcctx->user_fctx;
	if (funcctx->call_cntr < funcctx->max_calls)
	{
		int32		t = (int32) funcctx->call_cntr;
		Datum		values[3];
		bool		nulls[3] = {false, false, false};

		values[0] = Int32GetDatum(t);
		if (t == 0)
			nulls[2] = true;
		else
		{
			double		r = (curve->beta + t - 1) / (curve->alpha + curve->beta + t - 1);

			curve->survival *= r;
			values[2] = Float8GetDatum(r);
		}
		values[1] = Float8GetDatum(curve->survival);
		SRF_RETURN_NEXT(funcctx,
						HeapTupleGetDatum(heap_form_tuple(funcctx->tuple_desc, values, nulls)));
	}
	SRF_RETURN_DONE(funcctx);
}

static void
check_discount_rate(double d)
{
	if (!isfinite(d) || d < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("discount rate %s is not a finite number >= 0", float8_shortest(d)),
				 errhint("The discount rate per period is zero or a positive finite number, such as 0.1.")));
	if (d > 0 && d < SBG_MIN_DISCOUNT_RATE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("discount rate %s is too small to sum the residual lifetime",
						float8_shortest(d)),
				 errhint("Use 0 (no discounting) or a rate of at least %g per period.",
						 SBG_MIN_DISCOUNT_RATE)));
}

static void
check_renewals(int32 n)
{
	if (n < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("renewals %d is negative", n),
				 errhint("renewals counts the renewals a customer has made: 0 for a new customer.")));
}

/*
 * The discounted residual lifetime of a customer after n renewals and its
 * first moment:
 *   A = Σ_{k≥0} t_k,  B = Σ_{k≥0} (k + 1) t_k,
 *   t_k = S(n + 1 + k) / S(n) / (1 + d)^k,
 *   t_0 = (β + n) / (α + β + n),  t_{k+1} = t_k (β + n + 1 + k) / (α + β + n + 1 + k) / (1 + d).
 * A is DERL; B / A is the elasticity of DERL with respect to a factor ρ on
 * every future retention rate (each t_k carries ρ^(k+1)).  With d > 0 the
 * ratio of successive terms is below z = 1 / (1 + d), which bounds the rest
 * of each series; they are summed (with compensation) until it cannot
 * change them.  With d = 0, p ~ Beta(α, β + n) gives the closed forms
 * A = (β + n) / (α - 1) for α > 1 and B / A = (α + β + n - 1) / (α - 2) for
 * α > 2, and infinity otherwise.
 */
static void
sbg_residual(double alpha, double beta, int32 renewals, double d, double *a_out, double *b_out)
{
	double		n = renewals;
	double		z,
				t,
				a = 0.0,
				a_c = 0.0,
				b = 0.0,
				b_c = 0.0;

	if (d == 0)
	{
		*a_out = alpha > 1 ? (beta + n) / (alpha - 1) : get_float8_infinity();
		/* elasticity B / A, returned as B with A = 1 */
		*b_out = alpha > 2 ? (alpha + beta + n - 1) / (alpha - 2) : get_float8_infinity();
		if (alpha > 1)
			*b_out *= *a_out;
		return;
	}

	z = 1.0 / (1.0 + d);
	t = (beta + n) / (alpha + beta + n);
	for (int64 k = 0;; k++)
	{
		double		y,
					s;
		double		u = (double) (k + 1) * t;
		double		q = z * (double) (k + 2) / (double) (k + 1);

		/* Kahan summation of both series */
		y = t - a_c;
		s = a + y;
		a_c = (s - a) - y;
		a = s;
		y = u - b_c;
		s = b + y;
		b_c = (s - b) - y;
		b = s;

		if (t * z <= 1e-17 * a * (1.0 - z) &&
			q < 1.0 && u * q <= 1e-17 * b * (1.0 - q))
			break;
		t *= z * (beta + n + 1 + k) / (alpha + beta + n + 1 + k);
		if (t == 0.0)
			break;
		if ((k & 0xFFFFF) == 0xFFFFF)
			CHECK_FOR_INTERRUPTS();
	}
	*a_out = a;
	*b_out = b;
}

/* derl(sbg_model, renewals, discount_rate) */
PG_FUNCTION_INFO_V1(sbg_derl);
Datum
sbg_derl(PG_FUNCTION_ARGS)
{
	double		alpha,
				beta,
				a,
				b;
	int32		renewals = PG_GETARG_INT32(1);
	double		d = PG_GETARG_FLOAT8(2);

	sbg_model_parameters(fcinfo, 0, &alpha, &beta);
	check_renewals(renewals);
	check_discount_rate(d);
	sbg_residual(alpha, beta, renewals, d, &a, &b);
	PG_RETURN_FLOAT8(a);
}

/* clv(sbg_model, margin, discount_rate, renewals) = margin × derl */
PG_FUNCTION_INFO_V1(sbg_clv);
Datum
sbg_clv(PG_FUNCTION_ARGS)
{
	double		alpha,
				beta,
				a,
				b;
	double		margin = PG_GETARG_FLOAT8(1);
	double		d = PG_GETARG_FLOAT8(2);
	int32		renewals = PG_GETARG_INT32(3);

	sbg_model_parameters(fcinfo, 0, &alpha, &beta);
	if (!isfinite(margin))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("margin %s is not a finite number", float8_shortest(margin)),
				 errhint("The margin is the finite profit per customer and period.")));
	check_renewals(renewals);
	check_discount_rate(d);
	sbg_residual(alpha, beta, renewals, d, &a, &b);
	if (margin == 0)
		PG_RETURN_FLOAT8(0.0);
	PG_RETURN_FLOAT8(margin * a);
}

/* retention_elasticity(sbg_model, discount_rate, renewals) */
PG_FUNCTION_INFO_V1(sbg_retention_elasticity);
Datum
sbg_retention_elasticity(PG_FUNCTION_ARGS)
{
	double		alpha,
				beta,
				a,
				b;
	double		d = PG_GETARG_FLOAT8(1);
	int32		renewals = PG_GETARG_INT32(2);

	sbg_model_parameters(fcinfo, 0, &alpha, &beta);
	check_discount_rate(d);
	check_renewals(renewals);
	sbg_residual(alpha, beta, renewals, d, &a, &b);
	if (isinf(a))
		PG_RETURN_FLOAT8(get_float8_infinity());
	PG_RETURN_FLOAT8(b / a);
}
