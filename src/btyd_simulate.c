/*
 * btyd_simulate.c
 *		A deterministic simulator of customer populations that follow the
 *		BG/NBD and Gamma-Gamma models exactly, for tests, benchmarks and
 *		power calculations: btyd_simulate(customers, r, alpha, a, b,
 *		min_tenure, max_tenure, p, q, v, seed).
 *
 * Each customer has a purchase rate λ ~ Gamma(shape r, rate α) and a
 * dropout probability π ~ Beta(a, b), and is observed for a tenure T drawn
 * uniformly from [min_tenure, max_tenure].  After the first purchase at
 * time 0, purchases follow a Poisson process of rate λ; after each repeat
 * purchase the customer drops out with probability π.  Spend: a customer
 * value scale ν ~ Gamma(shape q, rate v), each purchase's value
 * ~ Gamma(shape p, rate ν), so the average of x repeat purchases is
 * Gamma(shape p x, rate x ν).
 *
 * The random numbers come from splitmix64 seeded with the seed argument, so
 * a call returns the same rows on every platform and PostgreSQL version
 * (the normal deviates use libm's log, sqrt and cos, whose last-bit results
 * could differ between libms).
 */
#include "btyd.h"

#include <math.h>

#include "access/htup_details.h"
#include "funcapi.h"
#include "miscadmin.h"

#define MAX_SIMULATED_PURCHASES 1000000
#define MAX_SIMULATED_CUSTOMERS INT64CONST(1000000000)

typedef struct Simulator
{
	uint64		state;
	int64		customers;
	double		r,
				alpha,
				a,
				b,
				min_tenure,
				max_tenure,
				p,
				q,
				v;
} Simulator;

static uint64
next_u64(Simulator *s)
{
	return splitmix64_mix(s->state += UINT64CONST(0x9E3779B97F4A7C15));
}

/* uniform on (0, 1): 53 random bits, never 0 */
static double
uniform(Simulator *s)
{
	return ((double) (next_u64(s) >> 11) + 0.5) / 9007199254740992.0;
}

static double
normal(Simulator *s)
{
	double		u1 = uniform(s),
				u2 = uniform(s);

	return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

/* Gamma(shape, 1) by Marsaglia & Tsang (2000), boosted for shape < 1. */
static double
gamma_variate(Simulator *s, double shape)
{
	double		d,
				c;

	if (shape < 1.0)
		return gamma_variate(s, shape + 1.0) * pow(uniform(s), 1.0 / shape);
	/* relative spread 1/sqrt(shape) below 1e-8: the variate is its mean */
	if (shape > 1e16)
		return shape;
	d = shape - 1.0 / 3.0;
	c = 1.0 / sqrt(9.0 * d);
	for (;;)
	{
		double		x = normal(s),
					v = 1.0 + c * x,
					u;

		CHECK_FOR_INTERRUPTS();
		if (v <= 0.0)
			continue;
		v = v * v * v;
		u = uniform(s);
		if (log(u) < 0.5 * x * x + d - d * v + d * log(v))
			return d * v;
	}
}

static void
check_simulation_parameter(const char *name, double value)
{
	if (!(value > 0.0 && isfinite(value)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("simulation parameter %s = %g is not a positive number", name, value),
				 errhint("Every model parameter must be positive and finite.")));
}

PG_FUNCTION_INFO_V1(btyd_simulate);
Datum
btyd_simulate(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx;
	Simulator  *sim;

	if (SRF_IS_FIRSTCALL())
	{
		MemoryContext old;
		TupleDesc	tupdesc;

		funcctx = SRF_FIRSTCALL_INIT();
		old = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
		sim = palloc0(sizeof(Simulator));
		sim->customers = PG_GETARG_INT64(0);
		sim->r = PG_GETARG_FLOAT8(1);
		sim->alpha = PG_GETARG_FLOAT8(2);
		sim->a = PG_GETARG_FLOAT8(3);
		sim->b = PG_GETARG_FLOAT8(4);
		sim->min_tenure = PG_GETARG_FLOAT8(5);
		sim->max_tenure = PG_GETARG_FLOAT8(6);
		sim->p = PG_GETARG_FLOAT8(7);
		sim->q = PG_GETARG_FLOAT8(8);
		sim->v = PG_GETARG_FLOAT8(9);
		sim->state = (uint64) PG_GETARG_INT64(10);

		if (sim->customers < 0 || sim->customers > MAX_SIMULATED_CUSTOMERS)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("number of customers " INT64_FORMAT " is out of range", sim->customers),
					 errhint("Simulate between 0 and " INT64_FORMAT " customers.",
							 MAX_SIMULATED_CUSTOMERS)));
		check_simulation_parameter("r", sim->r);
		check_simulation_parameter("alpha", sim->alpha);
		check_simulation_parameter("a", sim->a);
		check_simulation_parameter("b", sim->b);
		check_simulation_parameter("p", sim->p);
		check_simulation_parameter("q", sim->q);
		check_simulation_parameter("v", sim->v);
		if (!(sim->min_tenure >= 0.0 && sim->min_tenure <= sim->max_tenure &&
			  isfinite(sim->max_tenure)))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("tenure range %g to %g is invalid", sim->min_tenure, sim->max_tenure),
					 errhint("The tenures must be finite with 0 <= min_tenure <= max_tenure.")));

		if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "return type must be a row type");
		funcctx->tuple_desc = BlessTupleDesc(tupdesc);
		funcctx->user_fctx = sim;
		funcctx->max_calls = (uint64) sim->customers;
		MemoryContextSwitchTo(old);
	}

	funcctx = SRF_PERCALL_SETUP();
	sim = funcctx->user_fctx;
	if (funcctx->call_cntr < funcctx->max_calls)
	{
		double		lambda = gamma_variate(sim, sim->r) / sim->alpha;
		double		ga = gamma_variate(sim, sim->a);
		double		dropout = ga / (ga + gamma_variate(sim, sim->b));
		double		tenure = sim->min_tenure + (sim->max_tenure - sim->min_tenure) * uniform(sim);
		double		t = 0.0,
					recency = 0.0,
					monetary = 0.0;
		int32		x = 0;
		Datum		values[5];
		bool		nulls[5] = {0};

		for (;;)
		{
			t += -log(uniform(sim)) / lambda;
			if (t > tenure)
				break;
			if (x >= MAX_SIMULATED_PURCHASES)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("a simulated customer made more than %d purchases",
								MAX_SIMULATED_PURCHASES),
						 errhint("Use a smaller r / alpha or shorter tenures.")));
			x++;
			recency = t;
			if (uniform(sim) < dropout)
				break;
			if ((x & 0xFFFF) == 0)
				CHECK_FOR_INTERRUPTS();
		}
		if (x > 0)
		{
			double		nu = gamma_variate(sim, sim->q) / sim->v;

			monetary = gamma_variate(sim, sim->p * x) / (x * nu);
		}

		values[0] = Int64GetDatum((int64) funcctx->call_cntr + 1);
		values[1] = Int32GetDatum(x);
		values[2] = Float8GetDatum(recency);
		values[3] = Float8GetDatum(tenure);
		values[4] = Float8GetDatum(monetary);
		SRF_RETURN_NEXT(funcctx, HeapTupleGetDatum(heap_form_tuple(funcctx->tuple_desc,
																   values, nulls)));
	}
	SRF_RETURN_DONE(funcctx);
}
