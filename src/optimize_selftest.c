/*
 * optimize_selftest.c
 *		optimize_selftest(): the BFGS and Newton minimisers of optimize.c on
 *		classic hard problems, for the test suite.
 *
 * Not part of the extension's SQL schema: test/pgtap/btyd.sql declares it
 * for its session only,
 *
 *		CREATE FUNCTION pg_temp.optimize_selftest(OUT problem text,
 *			OUT converged boolean, OUT iterations int, OUT evaluations int,
 *			OUT distance float8)
 *		RETURNS SETOF record AS '$libdir/retention', 'optimize_selftest'
 *		LANGUAGE C STRICT;
 *
 * and checks that every problem converges to within 1e-6 of its known
 * minimiser with either method.  Each problem computes its Hessian when
 * hess is not NULL.
 */
#include "retention.h"

#include <math.h>

#include "access/htup_details.h"
#include "funcapi.h"
#include "optimize.h"
#include "utils/builtins.h"

/* Rosenbrock's valley in n dimensions: minimum 0 at (1, ..., 1). */
static double
rosenbrock(const double *x, double *grad, double *hess, int n)
{
	double		f = 0.0;

	for (int i = 0; i < n; i++)
		grad[i] = 0.0;
	if (hess != NULL)
		for (int i = 0; i < n * n; i++)
			hess[i] = 0.0;
	for (int i = 0; i < n - 1; i++)
	{
		double		a = x[i + 1] - x[i] * x[i],
					b = 1.0 - x[i];

		f += 100.0 * a * a + b * b;
		grad[i] += -400.0 * x[i] * a - 2.0 * b;
		grad[i + 1] += 200.0 * a;
		if (hess != NULL)
		{
			hess[i * n + i] += 1200.0 * x[i] * x[i] - 400.0 * x[i + 1] + 2.0;
			hess[i * n + i + 1] -= 400.0 * x[i];
			hess[(i + 1) * n + i] -= 400.0 * x[i];
			hess[(i + 1) * n + i + 1] += 200.0;
		}
	}
	return f;
}

/* A quadratic with curvatures from 1 to 1e6: minimum 0 at (1, 2, 3, 4). */
static double
ill_conditioned(const double *x, double *grad, double *hess, int n)
{
	double		f = 0.0;

	for (int i = 0; i < 4; i++)
	{
		double		scale = pow(100.0, i),
					d = x[i] - (i + 1);

		f += 0.5 * scale * d * d;
		grad[i] = scale * d;
		if (hess != NULL)
			for (int j = 0; j < 4; j++)
				hess[i * 4 + j] = i == j ? scale : 0.0;
	}
	return f;
}

/*
 * x - ln x + y² - ln(1 - y): defined only for x > 0 and y < 1 (NaN
 * elsewhere), minimised at x = 1 and y = (1 - sqrt 3) / 2; from the start
 * far away, the first steps land outside the domain.
 */
static double
barrier(const double *x, double *grad, double *hess, int n)
{
	if (!(x[0] > 0.0 && x[1] < 1.0))
		return NAN;
	grad[0] = 1.0 - 1.0 / x[0];
	grad[1] = 2.0 * x[1] + 1.0 / (1.0 - x[1]);
	if (hess != NULL)
	{
		hess[0] = 1.0 / (x[0] * x[0]);
		hess[1] = hess[2] = 0.0;
		hess[3] = 2.0 + 1.0 / ((1.0 - x[1]) * (1.0 - x[1]));
	}
	return x[0] - log(x[0]) + x[1] * x[1] - log(1.0 - x[1]);
}

typedef double (*SelfTestFunction) (const double *x, double *grad, double *hess, int n);

typedef struct SelfTestProblem
{
	const char *name;
	int			n;
	SelfTestFunction fn;
	double		start[4];
	double		solution[4];
} SelfTestProblem;

/* the problem being minimised, as the minimisers' objectives */
static double
objective(const double *x, double *grad, void *arg)
{
	const SelfTestProblem *problem = arg;

	return problem->fn(x, grad, NULL, problem->n);
}

static double
objective_hessian(const double *x, double *grad, double *hess, void *arg)
{
	const SelfTestProblem *problem = arg;

	return problem->fn(x, grad, hess, problem->n);
}

/*
 * optimize_selftest() -> SETOF (problem, converged, iterations, evaluations,
 * distance): minimises each problem from a standard hard start, by BFGS and
 * by Newton's method, and reports the largest distance of a coordinate from
 * the known minimiser.
 */
PG_FUNCTION_INFO_V1(optimize_selftest);
Datum
optimize_selftest(PG_FUNCTION_ARGS)
{
	static const SelfTestProblem problems[] = {
		{"rosenbrock 2", 2, rosenbrock, {-1.2, 1.0}, {1.0, 1.0}},
		{"rosenbrock 4", 4, rosenbrock, {-1.2, 1.0, -1.2, 1.0}, {1.0, 1.0, 1.0, 1.0}},
		{"ill-conditioned quadratic", 4, ill_conditioned, {0.0, 0.0, 0.0, 0.0}, {1.0, 2.0, 3.0, 4.0}},
		{"barrier", 2, barrier, {30.0, -20.0}, {1.0, -0.36602540378443865}},
	};
	FuncCallContext *funcctx;

	if (SRF_IS_FIRSTCALL())
	{
		MemoryContext old;
		TupleDesc	tupdesc;

		funcctx = SRF_FIRSTCALL_INIT();
		old = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
		if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "return type must be a row type");
		funcctx->tuple_desc = BlessTupleDesc(tupdesc);
		funcctx->max_calls = 2 * lengthof(problems);
		MemoryContextSwitchTo(old);
	}
	funcctx = SRF_PERCALL_SETUP();
	if (funcctx->call_cntr < funcctx->max_calls)
	{
		const SelfTestProblem *problem = &problems[funcctx->call_cntr / 2];
		bool		newton = funcctx->call_cntr % 2 == 1;
		double		x[OPTIMIZE_MAX_DIM];
		double		distance = 0.0;
		int			n = problem->n;
		OptimizeResult result;
		Datum		values[5];
		bool		nulls[5] = {0};

		memcpy(x, problem->start, n * sizeof(double));
		if (newton)
			newton_minimize(n, x, objective_hessian, (void *) problem, 1e-10, 1000, &result);
		else
			bfgs_minimize(n, x, objective, (void *) problem, 1e-10, 1000, &result);
		for (int i = 0; i < n; i++)
			distance = fmax(distance, fabs(x[i] - problem->solution[i]));
		values[0] = CStringGetTextDatum(psprintf("%s, %s", newton ? "Newton" : "BFGS",
												 problem->name));
		values[1] = BoolGetDatum(result.converged);
		values[2] = Int32GetDatum(result.iterations);
		values[3] = Int32GetDatum(result.evaluations);
		values[4] = Float8GetDatum(distance);
		SRF_RETURN_NEXT(funcctx, HeapTupleGetDatum(heap_form_tuple(funcctx->tuple_desc,
																   values, nulls)));
	}
	SRF_RETURN_DONE(funcctx);
}
