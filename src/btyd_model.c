/*
 * btyd_model.c
 *		What every BTYD fit and model shares: the model composites (with the
 *		covariance of the estimates), their parameters as scoring functions
 *		read them, the checks of scoring arguments, and confint().
 *
 * The covariance of the maximum-likelihood estimates is the inverse of the
 * observed information, the Hessian of -LL at the optimum (unpenalized, in
 * the natural parameters).  BG/NBD and Gamma-Gamma compute that Hessian
 * analytically, as their Newton fits need it anyway.  The other fits have
 * an analytic gradient, so the Hessian is taken by forward differences of
 * that gradient from the estimate, whose gradient the fit has computed,
 * with steps of 1e-7 of each parameter: the truncation error is then of
 * order 1e-7 relative and the rounding error of order 1e-16 / 1e-7, both far
 * below what a standard error is used for (central differences, at twice
 * the evaluations, moved CDNOW's printed intervals by one in the fourth
 * decimal at most), in one evaluation per parameter.
 */
#include "btyd_family.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/tuplestore.h"
#include "utils/typcache.h"

#define COVARIANCE_STEP 1e-7

bool
btyd_covariance(int n, const double *param, const double *grad, BtydLogLikelihood fn,
				void *problem, double *covariance)
{
	double		hessian[BTYD_MAX_PARAMETERS * BTYD_MAX_PARAMETERS],
				point[BTYD_MAX_PARAMETERS],
				g_plus[BTYD_MAX_PARAMETERS];

	Assert(n <= BTYD_MAX_PARAMETERS);
	for (int j = 0; j < n; j++)
	{
		double		h = COVARIANCE_STEP * param[j];

		memcpy(point, param, n * sizeof(double));
		point[j] = param[j] + h;
		if (!isfinite(fn(problem, point, g_plus)))
			return false;
		/* the step actually taken, as represented */
		h = point[j] - param[j];
		for (int i = 0; i < n; i++)
			hessian[i * n + j] = (g_plus[i] - grad[i]) / h;
		CHECK_FOR_INTERRUPTS();
	}
	for (int i = 0; i < n; i++)
		for (int j = 0; j < i; j++)
			hessian[i * n + j] = hessian[j * n + i] =
				0.5 * (hessian[i * n + j] + hessian[j * n + i]);
	return btyd_covariance_from_hessian(n, hessian, covariance);
}

/*
 * The covariance from the Hessian of LL (n x n, row-major, symmetric): the
 * inverse of the information -hessian, through its Cholesky factor.
 */
bool
btyd_covariance_from_hessian(int n, const double *ll_hessian, double *covariance)
{
	double		hessian[BTYD_MAX_PARAMETERS][BTYD_MAX_PARAMETERS],
				chol[BTYD_MAX_PARAMETERS][BTYD_MAX_PARAMETERS],
				inv[BTYD_MAX_PARAMETERS][BTYD_MAX_PARAMETERS];

	Assert(n <= BTYD_MAX_PARAMETERS);
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++)
			hessian[i][j] = -ll_hessian[i * n + j];

	/* Cholesky: hessian = L L' */
	for (int j = 0; j < n; j++)
	{
		double		d = hessian[j][j];

		for (int k = 0; k < j; k++)
			d -= chol[j][k] * chol[j][k];
		if (!(d > 0.0 && isfinite(d)))
			return false;
		chol[j][j] = sqrt(d);
		for (int i = j + 1; i < n; i++)
		{
			double		s = hessian[i][j];

			for (int k = 0; k < j; k++)
				s -= chol[i][k] * chol[j][k];
			chol[i][j] = s / chol[j][j];
		}
	}
	/* inv = L^-1, lower triangular; then covariance = inv' inv */
	for (int j = 0; j < n; j++)
		for (int i = 0; i < n; i++)
		{
			double		s;

			if (i < j)
			{
				inv[i][j] = 0.0;
				continue;
			}
			s = (i == j) ? 1.0 : 0.0;
			for (int k = j; k < i; k++)
				s -= chol[i][k] * inv[k][j];
			inv[i][j] = s / chol[i][i];
		}
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++)
		{
			double		s = 0.0;

			for (int k = Max(i, j); k < n; k++)
				s += inv[k][i] * inv[k][j];
			if (!isfinite(s))
				return false;
			covariance[i * n + j] = s;
		}
	return true;
}

/*
 * The objective of a fit on the log scale θ = ln p from its derivatives in
 * p: gradient p_k g_k and Hessian p_k p_j H_kj + [k = j] p_k g_k, for a
 * minimiser that works on θ (grad_theta and hess_theta may be g and h).
 */
void
btyd_log_scale_derivatives(int n, const double *param, const double *g, const double *h,
						   double *grad_theta, double *hess_theta)
{
	for (int k = 0; k < n; k++)
		for (int j = 0; j < n; j++)
			hess_theta[k * n + j] = param[k] * param[j] * h[k * n + j] +
				(k == j ? param[k] * g[k] : 0.0);
	for (int k = 0; k < n; k++)
		grad_theta[k] = param[k] * g[k];
}

Datum
btyd_model_datum(FunctionCallInfo fcinfo, const double *param, int nparam,
				 double log_likelihood, int64 customers, bool converged,
				 const double *covariance)
{
	TupleDesc	tupdesc;
	Datum		values[BTYD_MAX_PARAMETERS + 4];
	bool		nulls[BTYD_MAX_PARAMETERS + 4];

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	tupdesc = BlessTupleDesc(tupdesc);
	if (tupdesc->natts < nparam + 3 || tupdesc->natts > nparam + 4)
		elog(ERROR, "model type has %d attributes, expected %d or %d",
			 tupdesc->natts, nparam + 3, nparam + 4);
	memset(nulls, 0, sizeof(nulls));
	for (int k = 0; k < nparam; k++)
		values[k] = Float8GetDatum(param[k]);
	values[nparam] = Float8GetDatum(log_likelihood);
	values[nparam + 1] = Int64GetDatum(customers);
	values[nparam + 2] = BoolGetDatum(converged);
	if (tupdesc->natts == nparam + 4)
	{
		if (covariance == NULL)
			nulls[nparam + 3] = true;
		else
		{
			Datum		elems[BTYD_MAX_PARAMETERS * BTYD_MAX_PARAMETERS];
			int			dims[2] = {nparam, nparam};
			int			lbs[2] = {1, 1};

			for (int k = 0; k < nparam * nparam; k++)
				elems[k] = Float8GetDatum(covariance[k]);
			values[nparam + 3] = PointerGetDatum(construct_md_array(elems, NULL, 2, dims, lbs,
																	FLOAT8OID, sizeof(float8),
																	FLOAT8PASSBYVAL,
																	TYPALIGN_DOUBLE));
		}
	}
	return HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls));
}

int64
btyd_customer_count(const BtydData *data)
{
	int64		n = 0;

	for (int64 i = 0; i < data->npoints; i++)
		n = count_add(n, data->points[i].count);
	return n;
}

/* ---- arguments of scoring functions ---- */

void
btyd_check_parameter(const char *type_name, const char *name, double value)
{
	if (!(value > 0.0 && isfinite(value)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s parameter %s = %g is not a positive number", type_name, name, value),
				 errhint("Every parameter of a %s is positive and finite.", type_name)));
}

void
btyd_check_horizon(double t)
{
	if (!(t >= 0.0 && isfinite(t)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("horizon t %g is out of range", t),
				 errhint("The horizon t must be finite and at least 0.")));
}

void
btyd_check_clv_arguments(int32 months, double discount_rate)
{
	if (months < 0 || months > 1200)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("months %d is out of range", months),
				 errhint("The horizon must be between 0 and 1200 months (100 years).")));
	if (!(discount_rate >= 0.0 && isfinite(discount_rate)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("monthly discount rate %g is out of range", discount_rate),
				 errhint("A discount rate must be finite and at least 0.")));
}

/*
 * Scoring runs once per customer with the same model, so the parameters
 * read from the composite are cached in fn_extra with the composite's
 * bytes, one slot per model argument (at most two).
 */
typedef struct ModelArgCache
{
	int			argno;
	uint32		length;
	char	   *bytes;
	double		param[BTYD_MAX_PARAMETERS];
} ModelArgCache;

const double *
btyd_model_arg(FunctionCallInfo fcinfo, int argno, int nparam, const char *type_name,
			   const char *const *names)
{
	HeapTupleHeader tuple = PG_GETARG_HEAPTUPLEHEADER(argno);
	uint32		length = HeapTupleHeaderGetDatumLength(tuple);
	ModelArgCache *cache = fcinfo->flinfo->fn_extra;

	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, 2 * sizeof(ModelArgCache));
		cache[0].argno = cache[1].argno = -1;
		fcinfo->flinfo->fn_extra = cache;
	}
	if (cache[0].argno != argno && cache[0].argno != -1)
		cache++;
	if (cache->argno == argno && cache->length == length &&
		memcmp(cache->bytes, tuple, length) == 0)
		return cache->param;

	for (int k = 0; k < nparam; k++)
	{
		bool		isnull;
		Datum		d = GetAttributeByNum(tuple, k + 1, &isnull);

		if (isnull)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s parameter %s is null", type_name, names[k]),
					 errhint("Pass a model returned by the fit, or one with every parameter set.")));
		cache->param[k] = DatumGetFloat8(d);
		btyd_check_parameter(type_name, names[k], cache->param[k]);
	}
	if (cache->bytes == NULL || cache->length < length)
	{
		if (cache->bytes != NULL)
			pfree(cache->bytes);
		cache->bytes = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, length);
	}
	memcpy(cache->bytes, tuple, length);
	cache->length = length;
	cache->argno = argno;
	return cache->param;
}

/* ---- confint ---- */

/*
 * confint(model, level): per parameter, the estimate, its standard error
 * (the square root of the diagonal of the stored covariance) and the Wald
 * interval estimate ± z σ with z the normal quantile of (1 + level) / 2.
 * One function serves every model type: the parameters are the attributes
 * before log_likelihood, named as in the type.  A model without covariance
 * (stored by release 0.1, or from a fit whose Hessian was not positive
 * definite) gets NULL standard errors and intervals.
 */
PG_FUNCTION_INFO_V1(btyd_confint);
Datum
btyd_confint(PG_FUNCTION_ARGS)
{
	HeapTupleHeader th = PG_GETARG_HEAPTUPLEHEADER(0);
	double		level = PG_GETARG_FLOAT8(1);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	TupleDesc	modeldesc,
				outdesc;
	HeapTupleData tuple;
	Tuplestorestate *store;
	int			nparam = -1,
				covno = -1;
	double		z;
	bool		have_cov = false;
	double		cov[BTYD_MAX_PARAMETERS * BTYD_MAX_PARAMETERS];

	if (!(level > 0.0 && level < 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("confidence level %g is out of range", level),
				 errhint("The level is a fraction strictly between 0 and 1, such as 0.95.")));
	z = -normal_quantile((1.0 - level) / 2.0);

	InitMaterializedSRF(fcinfo, 0);
	outdesc = rsinfo->setDesc;
	store = rsinfo->setResult;

	modeldesc = lookup_rowtype_tupdesc(HeapTupleHeaderGetTypeId(th),
									   HeapTupleHeaderGetTypMod(th));
	for (int k = 0; k < modeldesc->natts; k++)
	{
		Form_pg_attribute att = TupleDescAttr(modeldesc, k);

		if (att->attisdropped)
			continue;
		if (strcmp(NameStr(att->attname), "log_likelihood") == 0 && nparam < 0)
			nparam = k;
		else if (strcmp(NameStr(att->attname), "covariance") == 0 &&
				 att->atttypid == FLOAT8ARRAYOID)
			covno = k;
	}
	if (nparam < 1 || nparam > BTYD_MAX_PARAMETERS)
		elog(ERROR, "confint: not a model type");

	tuple.t_len = HeapTupleHeaderGetDatumLength(th);
	ItemPointerSetInvalid(&tuple.t_self);
	tuple.t_tableOid = InvalidOid;
	tuple.t_data = th;

	if (covno >= 0)
	{
		bool		isnull;
		Datum		d = heap_getattr(&tuple, covno + 1, modeldesc, &isnull);

		if (!isnull)
		{
			ArrayType  *arr = DatumGetArrayTypeP(d);
			int			n = ArrayGetNItems(ARR_NDIM(arr), ARR_DIMS(arr));

			if (ARR_ELEMTYPE(arr) != FLOAT8OID || ARR_HASNULL(arr) || ARR_NDIM(arr) != 2 ||
				ARR_DIMS(arr)[0] != nparam || ARR_DIMS(arr)[1] != nparam ||
				n != nparam * nparam)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("model covariance is not a %d x %d matrix of numbers", nparam, nparam),
						 errhint("Pass a model returned by the fit, or one with a NULL covariance.")));
			memcpy(cov, ARR_DATA_PTR(arr), n * sizeof(double));
			have_cov = true;
		}
	}


	for (int k = 0; k < nparam; k++)
	{
		Datum		values[5];
		bool		nulls[5] = {false, true, true, true, true};
		bool		isnull;
		Datum		d = heap_getattr(&tuple, k + 1, modeldesc, &isnull);

		values[0] = CStringGetTextDatum(NameStr(TupleDescAttr(modeldesc, k)->attname));
		if (!isnull)
		{
			double		estimate = DatumGetFloat8(d);
			double		variance = have_cov ? cov[k * nparam + k] : NAN;

			values[1] = Float8GetDatum(estimate);
			nulls[1] = false;
			if (variance >= 0.0 && isfinite(variance))
			{
				double		se = sqrt(variance);

				values[2] = Float8GetDatum(se);
				values[3] = Float8GetDatum(estimate - z * se);
				values[4] = Float8GetDatum(estimate + z * se);
				nulls[2] = nulls[3] = nulls[4] = false;
			}
		}
		tuplestore_putvalues(store, outdesc, values, nulls);
	}
	ReleaseTupleDesc(modeldesc);
	return (Datum) 0;
}
