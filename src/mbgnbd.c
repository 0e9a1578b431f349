/*
 * mbgnbd.c
 *		The MBG/NBD model (Batislam, Denizel & Filiztekin 2007): BG/NBD with
 *		a chance to drop out right after the first purchase too, so that a
 *		customer without repeat purchases is not certainly alive.
 *		mbgnbd_fit, and p_alive, expected_purchases and clv on an
 *		mbgnbd_model.
 *
 * One customer's likelihood (Batislam et al. 2007, eq. 6) is
 *
 *   L = B(a, b+x+1)/B(a, b) Γ(r+x) α^r / Γ(r)
 *       × [ (α+T)^-(r+x) + a/(b+x) (α+t_x)^-(r+x) ]
 *
 * using B(a+1, b+x)/B(a, b+x+1) = a/(b+x); the bracket is a log-sum-exp.
 */
#include "btyd_family.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/array.h"

static const char *const mbgnbd_names[] = {"r", "alpha", "a", "b"};

typedef struct MbgnbdProblem
{
	const BtydData *data;
	double		customers;
	double		penalizer;
	double		scale;
} MbgnbdProblem;

static void
mbgnbd_problem_init(MbgnbdProblem *pb, const BtydData *data)
{
	pb->data = data;
	pb->customers = 0.0;
	pb->penalizer = data->penalizer;
	pb->scale = 0.0;
	for (int64 i = 0; i < data->npoints; i++)
	{
		pb->customers += (double) data->points[i].count;
		pb->scale = fmax(pb->scale, data->points[i].v);
	}
	if (pb->scale == 0.0)
		pb->scale = 1.0;
}

static double
mbgnbd_log_likelihood_sum(void *arg, const double *m, double *grad)
{
	MbgnbdProblem *pb = arg;
	const BtydData *data = pb->data;
	double		r = m[0],
				alpha = m[1],
				a = m[2],
				b = m[3];
	double		sum = 0.0,
				g[4] = {0.0, 0.0, 0.0, 0.0};
	double		log_alpha = log(alpha),
				log_a = log(a),
				lg_r = log_gamma(r),
				psi_r = digamma(r),
				lb_ab = log_beta(a, b),
				psi_ab = digamma(a + b),
				psi_a = digamma(a),
				psi_b = digamma(b);
	int32		cur_x = -1;
	double		per_x = 0.0,
				d_per_x[4] = {0.0, 0.0, 0.0, 0.0},
				log_share = 0.0;

	for (int64 i = 0; i < data->npoints; i++)
	{
		const BtydPoint *p = &data->points[i];
		double		c = (double) p->count;
		int32		x = p->x;
		double		rx = r + x,
					lT,
					lx,
					w2,
					w1,
					l;

		if (x != cur_x)
		{
			double		psi_abx1 = digamma(a + b + x + 1.0);

			cur_x = x;
			/* ln Γ(r+x) - ln Γ(r) + r ln α + ln B(a, b+x+1) - ln B(a, b) */
			per_x = log_gamma(rx) - lg_r + r * log_alpha + log_beta(a, b + x + 1.0) - lb_ab;
			d_per_x[0] = digamma(rx) - psi_r + log_alpha;
			d_per_x[1] = r / alpha;
			d_per_x[2] = (psi_a - psi_abx1) - (psi_a - psi_ab);
			d_per_x[3] = (digamma(b + x + 1.0) - psi_abx1) - (psi_b - psi_ab);
			log_share = log_a - log(b + x);
		}
		lT = -rx * log(alpha + p->v);
		lx = log_share - rx * log(alpha + p->u);
		l = log_add_exp(lT, lx, &w2);
		w1 = 1.0 - w2;
		sum += c * (per_x + l);
		g[0] += c * (d_per_x[0] - w1 * log(alpha + p->v) - w2 * log(alpha + p->u));
		g[1] += c * (d_per_x[1] - rx * (w1 / (alpha + p->v) + w2 / (alpha + p->u)));
		g[2] += c * (d_per_x[2] + w2 / a);
		g[3] += c * (d_per_x[3] - w2 / (b + x));
		if ((i & 0xFFFF) == 0xFFFF)
			CHECK_FOR_INTERRUPTS();
	}
	for (int k = 0; k < 4; k++)
		grad[k] = g[k];
	return sum;
}

/* -(mean LL) + penalizer (r² + (α/scale)² + a² + b²) at θ = ln(r, α, a, b) */
static double
mbgnbd_objective(const double *theta, double *grad, void *arg)
{
	MbgnbdProblem *pb = arg;
	double		m[4],
				g[4],
				ll,
				penalty = 0.0;

	for (int k = 0; k < 4; k++)
		m[k] = exp(theta[k]);
	ll = mbgnbd_log_likelihood_sum(pb, m, g);
	for (int k = 0; k < 4; k++)
	{
		double		sc = (k == 1) ? pb->scale : 1.0;

		penalty += pb->penalizer * (m[k] / sc) * (m[k] / sc);
		grad[k] = m[k] * (-g[k] / pb->customers + 2.0 * pb->penalizer * m[k] / (sc * sc));
	}
	return -ll / pb->customers + penalty;
}

PG_FUNCTION_INFO_V1(mbgnbd_fit_transfn);
Datum
mbgnbd_fit_transfn(PG_FUNCTION_ARGS)
{
	int32		x;
	double		recency,
				tenure,
				penalizer = 0.0;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3) ||
		(PG_NARGS() > 4 && PG_ARGISNULL(4)))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	x = PG_GETARG_INT32(1);
	recency = PG_GETARG_FLOAT8(2);
	tenure = PG_GETARG_FLOAT8(3);
	if (PG_NARGS() > 4)
		penalizer = PG_GETARG_FLOAT8(4);
	bgnbd_check_customer(x, recency, tenure);
	PG_RETURN_DATUM(btyd_histogram_add_datum(fcinfo, BTYD_KIND_MBGNBD, penalizer, x, recency, tenure));
}

PG_FUNCTION_INFO_V1(mbgnbd_fit_finalfn);
Datum
mbgnbd_fit_finalfn(PG_FUNCTION_ARGS)
{
	BtydData	data,
				sample;
	MbgnbdProblem pb;
	double		theta[4],
				log_scale[4],
				m[4],
				grad[4],
				covariance[16],
				hessian[16],
				ll;
	bool		converged,
				warm = false,
				have_covariance;

	btyd_histogram_data(PG_GETARG_DATUM(0), &data);
	if (data.kind != BTYD_KIND_MBGNBD)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("only an mbgnbd histogram can be fitted as an MBG/NBD model")));
	if (data.npoints == 0)
		PG_RETURN_NULL();
	mbgnbd_problem_init(&pb, &data);

	log_scale[0] = log_scale[2] = log_scale[3] = 0.0;
	log_scale[1] = log(pb.scale);
	theta[0] = theta[2] = theta[3] = 0.0;
	theta[1] = log(pb.scale) - log(10.0);
	if (btyd_sample(&data, &sample))
	{
		MbgnbdProblem spb;

		mbgnbd_problem_init(&spb, &sample);
		warm = btyd_presolve(4, theta, log_scale, mbgnbd_objective, &spb, hessian);
	}
	converged = btyd_fit("mbgnbd_fit", 4, mbgnbd_names, theta, log_scale, mbgnbd_objective, NULL, &pb, NULL,
						 warm ? hessian : NULL);
	if (converged && data.points[data.npoints - 1].x == 0)
	{
		ereport(WARNING,
				(errmsg("mbgnbd_fit did not converge"),
				 errdetail("No customer made a repeat purchase, so the dropout process is not identified."),
				 errhint("Fit customers with repeat purchases among them.")));
		converged = false;
	}
	for (int k = 0; k < 4; k++)
		m[k] = exp(theta[k]);
	ll = mbgnbd_log_likelihood_sum(&pb, m, grad);
	have_covariance = btyd_covariance(4, m, grad, mbgnbd_log_likelihood_sum, &pb, covariance);
	PG_RETURN_DATUM(btyd_model_datum(fcinfo, m, 4, ll, btyd_customer_count(&data), converged,
									 have_covariance ? covariance : NULL));
}

/* ---- scoring ---- */

static const double *
mbgnbd_model_arg(FunctionCallInfo fcinfo, int argno)
{
	return btyd_model_arg(fcinfo, argno, 4, "mbgnbd_model", mbgnbd_names);
}

/* a/(b+x) ((α+T)/(α+t_x))^(r+x): P(dead) / P(alive), for every x */
static double
mbgnbd_dropout_odds(const double *m, int32 x, double tx, double T)
{
	return m[2] / (m[3] + x) * exp((m[0] + x) * log1p((T - tx) / (m[1] + tx)));
}

/*
 * E[purchases in (T, T+t] | x, t_x, T] (Batislam et al. 2007, eq. 8):
 *
 *   (a+b+x)/(a-1) [1 - ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x+1; a+b+x; z)]
 *   / (1 + odds),   z = t / (α+T+t),
 *
 * rewritten as for BG/NBD (btyd.c): by Euler's transformation the bracket
 * is 1 - (1-z)^(a-1) ₂F₁(a+b-r, a-1; a+b+x; z), and with ε = a-1 and
 * F = 1 + ε H, the bracket over ε is -expm1(ε ln(1-z))/ε - (1-z)^ε H,
 * accurate at and near a = 1.  A new customer is x = 0 at T = 0.
 */
double
mbgnbd_expected_purchases(const double *m, double t, int32 x, double tx, double T)
{
	double		r = m[0],
				alpha = m[1],
				a = m[2],
				b = m[3];
	double		z,
				log_1mz,
				eps = a - 1.0,
				h,
				bracket,
				result;

	if (t == 0.0)
		return 0.0;
	z = t / (alpha + T + t);
	log_1mz = -log1p(t / (alpha + T));
	h = hyp2f1_minus_one_over_b(a + b - r, eps, a + b + x, z);
	bracket = (eps == 0.0 ? -log_1mz : -expm1(eps * log_1mz) / eps) - exp(eps * log_1mz) * h;
	result = (a + b + x) * bracket / (1.0 + mbgnbd_dropout_odds(m, x, tx, T));
	if (!isfinite(result))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("expected purchases over %g cannot be computed for this model", t),
				 errdetail("The hypergeometric series did not converge (z = %.17g).", z),
				 errhint("Use a shorter horizon t.")));
	return result;
}

PG_FUNCTION_INFO_V1(mbgnbd_p_alive);
Datum
mbgnbd_p_alive(PG_FUNCTION_ARGS)
{
	const double *m = mbgnbd_model_arg(fcinfo, 0);
	int32		x = PG_GETARG_INT32(1);
	double		tx = PG_GETARG_FLOAT8(2),
				T = PG_GETARG_FLOAT8(3);

	bgnbd_check_customer(x, tx, T);
	PG_RETURN_FLOAT8(1.0 / (1.0 + mbgnbd_dropout_odds(m, x, tx, T)));
}

PG_FUNCTION_INFO_V1(mbgnbd_expected_purchases_customer);
Datum
mbgnbd_expected_purchases_customer(PG_FUNCTION_ARGS)
{
	const double *m = mbgnbd_model_arg(fcinfo, 0);
	double		t = PG_GETARG_FLOAT8(1);
	int32		x = PG_GETARG_INT32(2);
	double		tx = PG_GETARG_FLOAT8(3),
				T = PG_GETARG_FLOAT8(4);

	btyd_check_horizon(t);
	bgnbd_check_customer(x, tx, T);
	PG_RETURN_FLOAT8(mbgnbd_expected_purchases(m, t, x, tx, T));
}

PG_FUNCTION_INFO_V1(mbgnbd_expected_purchases_new);
Datum
mbgnbd_expected_purchases_new(PG_FUNCTION_ARGS)
{
	const double *m = mbgnbd_model_arg(fcinfo, 0);
	double		t = PG_GETARG_FLOAT8(1);

	btyd_check_horizon(t);
	PG_RETURN_FLOAT8(mbgnbd_expected_purchases(m, t, 0, 0.0, 0.0));
}

PG_FUNCTION_INFO_V1(mbgnbd_clv);
Datum
mbgnbd_clv(PG_FUNCTION_ARGS)
{
	const double *m = mbgnbd_model_arg(fcinfo, 0);
	const double *gg = btyd_model_arg(fcinfo, 1, 3, "gammagamma_model",
									  (const char *const[]) {"p", "q", "v"});
	int32		x = PG_GETARG_INT32(2);
	double		tx = PG_GETARG_FLOAT8(3),
				T = PG_GETARG_FLOAT8(4),
				mv = PG_GETARG_FLOAT8(5);
	int32		months = PG_GETARG_INT32(6);
	double		d = PG_GETARG_FLOAT8(7);
	double		spend,
				previous = 0.0,
				total = 0.0;

	bgnbd_check_customer(x, tx, T);
	btyd_check_clv_arguments(months, d);
	spend = gammagamma_expected_spend(gg, x, mv);
	for (int i = 1; i <= months; i++)
	{
		double		expected = mbgnbd_expected_purchases(m, 30.0 * i, x, tx, T);

		total += spend * (expected - previous) / pow(1.0 + d, i);
		previous = expected;
		CHECK_FOR_INTERRUPTS();
	}
	PG_RETURN_FLOAT8(total);
}

/* mbgnbd_log_likelihood(r, alpha, a, b, frequency, recency, tenure) */
PG_FUNCTION_INFO_V1(mbgnbd_log_likelihood);
Datum
mbgnbd_log_likelihood(PG_FUNCTION_ARGS)
{
	double		m[4],
				grad[4];
	BtydPoint	point = {0};
	BtydData	data;
	MbgnbdProblem pb;

	for (int k = 0; k < 4; k++)
	{
		m[k] = PG_GETARG_FLOAT8(k);
		btyd_check_parameter("mbgnbd_model", mbgnbd_names[k], m[k]);
	}
	point.x = PG_GETARG_INT32(4);
	point.u = PG_GETARG_FLOAT8(5);
	point.v = PG_GETARG_FLOAT8(6);
	point.count = 1;
	bgnbd_check_customer(point.x, point.u, point.v);
	data.kind = BTYD_KIND_MBGNBD;
	data.penalizer = 0.0;
	data.npoints = 1;
	data.points = &point;
	mbgnbd_problem_init(&pb, &data);
	PG_RETURN_FLOAT8(mbgnbd_log_likelihood_sum(&pb, m, grad));
}
