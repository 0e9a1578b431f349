/*
 * bgbb.c
 *		The BG/BB model of discrete purchase opportunities (Fader, Hardie &
 *		Shang 2010, "Customer-base analysis in a discrete-time noncontractual
 *		setting"): at each opportunity an alive customer buys with
 *		probability p ~ Beta(α, β) and then drops out with probability
 *		θ ~ Beta(γ, δ).  bgbb_fit, and p_alive and expected_purchases on a
 *		bgbb_model.
 *
 * With x purchases in n opportunities, the last at opportunity t_x (0 if
 * x = 0), one customer's likelihood (FHS 2010, eq. 5) is
 *
 *   L = B(α+x, β+n-x)/B(α,β) B(γ, δ+n)/B(γ,δ)
 *       + Σ_{i=0}^{n-t_x-1} B(α+x, β+t_x-x+i)/B(α,β) B(γ+1, δ+t_x+i)/B(γ,δ),
 *
 * summed in logarithms (a running log-sum-exp), each term of the sum from
 * the previous one by the recurrence of the Beta function.
 */
#include "btyd_family.h"

#include <math.h>

#include "miscadmin.h"

static const char *const bgbb_names[] = {"alpha", "beta", "gamma", "delta"};

/* ---- a running log-sum-exp of terms with gradients ---- */

typedef struct LogSum
{
	double		max;
	double		sum;			/* Σ exp(l - max) */
	double		d[4];			/* Σ exp(l - max) dl */
} LogSum;

static inline void
logsum_init(LogSum *acc)
{
	acc->max = -INFINITY;
	acc->sum = 0.0;
	for (int k = 0; k < 4; k++)
		acc->d[k] = 0.0;
}

static inline void
logsum_add(LogSum *acc, double l, const double *d)
{
	if (l > acc->max)
	{
		double		f = isinf(acc->max) ? 0.0 : exp(acc->max - l);

		acc->sum = acc->sum * f + 1.0;
		for (int k = 0; k < 4; k++)
			acc->d[k] = acc->d[k] * f + d[k];
		acc->max = l;
	}
	else
	{
		double		e = exp(l - acc->max);

		acc->sum += e;
		for (int k = 0; k < 4; k++)
			acc->d[k] += e * d[k];
	}
}

/*
 * ln L of one customer and its gradient in (α, β, γ, δ) (grad may be NULL);
 * the log of the first term (alive after opportunity n) in *log_alive.
 */
static double
bgbb_log_likelihood_one(const double *m, int32 x, int32 tx, int32 n, double *grad,
						double *log_alive)
{
	double		al = m[0],
				be = m[1],
				ga = m[2],
				de = m[3];
	double		lb_ab = log_beta(al, be),
				lb_gd = log_beta(ga, de),
				psi_ab = digamma(al + be),
				psi_gd = digamma(ga + de),
				psi_a = digamma(al),
				psi_b = digamma(be),
				psi_g = digamma(ga),
				psi_d = digamma(de);
	double		l,
				d[4];
	LogSum		acc;

	logsum_init(&acc);

	/* alive after n: B(α+x, β+n-x)/B(α,β) B(γ, δ+n)/B(γ,δ) */
	l = log_beta(al + x, be + n - x) - lb_ab + log_beta(ga, de + n) - lb_gd;
	d[0] = digamma(al + x) - digamma(al + be + n) - psi_a + psi_ab;
	d[1] = digamma(be + n - x) - digamma(al + be + n) - psi_b + psi_ab;
	d[2] = psi_gd - digamma(ga + de + n);
	d[3] = digamma(de + n) - digamma(ga + de + n) - psi_d + psi_gd;
	*log_alive = l;
	logsum_add(&acc, l, d);

	if (n > tx)
	{
		/* i = 0, m = t_x; then each term from the one before */
		double		psi_apb_m = digamma(al + be + tx),
					psi_b_mx = digamma(be + tx - x),
					psi_gd1m = digamma(ga + de + 1.0 + tx),
					psi_dm = digamma(de + tx),
					psi_ax = digamma(al + x),
					psi_g1 = digamma(ga + 1.0);

		l = log_beta(al + x, be + tx - x) - lb_ab + log_beta(ga + 1.0, de + tx) - lb_gd;
		for (int32 mm = tx; mm < n; mm++)
		{
			d[0] = psi_ax - psi_apb_m - psi_a + psi_ab;
			d[1] = psi_b_mx - psi_apb_m - psi_b + psi_ab;
			d[2] = psi_g1 - psi_gd1m - psi_g + psi_gd;
			d[3] = psi_dm - psi_gd1m - psi_d + psi_gd;
			logsum_add(&acc, l, d);
			/* B(p, q+1) = B(p, q) q / (p+q) for both factors */
			l += log((be + mm - x) / (al + be + mm)) + log((de + mm) / (ga + de + 1.0 + mm));
			psi_b_mx += 1.0 / (be + mm - x);
			psi_apb_m += 1.0 / (al + be + mm);
			psi_dm += 1.0 / (de + mm);
			psi_gd1m += 1.0 / (ga + de + 1.0 + mm);
			if (((mm - tx) & 0xFFFF) == 0xFFFF)
				CHECK_FOR_INTERRUPTS();
		}
	}
	if (grad != NULL)
		for (int k = 0; k < 4; k++)
			grad[k] = acc.d[k] / acc.sum;
	return acc.max + log(acc.sum);
}

/* ---- the fit ---- */

typedef struct BgbbProblem
{
	const BtydData *data;
	double		customers;
	double		penalizer;
} BgbbProblem;

static double
bgbb_log_likelihood_sum(void *arg, const double *m, double *grad)
{
	BgbbProblem *pb = arg;
	double		sum = 0.0,
				g[4] = {0.0, 0.0, 0.0, 0.0};

	for (int64 i = 0; i < pb->data->npoints; i++)
	{
		const BtydPoint *p = &pb->data->points[i];
		double		c = (double) p->count,
					gi[4],
					log_alive;

		sum += c * bgbb_log_likelihood_one(m, p->x, (int32) p->u, (int32) p->v, gi, &log_alive);
		for (int k = 0; k < 4; k++)
			g[k] += c * gi[k];
		if ((i & 0x3FF) == 0x3FF)
			CHECK_FOR_INTERRUPTS();
	}
	for (int k = 0; k < 4; k++)
		grad[k] = g[k];
	return sum;
}

static double
bgbb_objective(const double *theta, double *grad, void *arg)
{
	BgbbProblem *pb = arg;
	double		m[4],
				g[4],
				ll,
				penalty = 0.0;

	for (int k = 0; k < 4; k++)
		m[k] = exp(theta[k]);
	ll = bgbb_log_likelihood_sum(pb, m, g);
	for (int k = 0; k < 4; k++)
	{
		penalty += pb->penalizer * m[k] * m[k];
		grad[k] = m[k] * (-g[k] / pb->customers + 2.0 * pb->penalizer * m[k]);
	}
	return -ll / pb->customers + penalty;
}

/* BG/BB inputs: whole numbers with 0 <= frequency <= recency <= opportunities */
void
bgbb_check_customer(int32 x, int32 tx, int32 n)
{
	if (x < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("frequency %d is negative", x),
				 errhint("Frequency counts the opportunities with a purchase.")));
	if (!(tx >= x && tx <= n))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("frequency %d, recency %d and opportunities %d are inconsistent", x, tx, n),
				 errhint("They must satisfy 0 <= frequency <= recency <= opportunities.")));
	if (n > BGBB_MAX_OPPORTUNITIES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("opportunities %d is out of range", n),
				 errhint("BG/BB takes at most %d opportunities: count years, quarters, months or days.",
						 BGBB_MAX_OPPORTUNITIES)));
	if ((x == 0) != (tx == 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("recency %d does not match frequency %d", tx, x),
				 errhint("Recency is the opportunity of the last purchase: 0 exactly when frequency is 0.")));
}

PG_FUNCTION_INFO_V1(bgbb_fit_transfn);
Datum
bgbb_fit_transfn(PG_FUNCTION_ARGS)
{
	int32		x,
				tx,
				n;
	double		penalizer = 0.0;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3) ||
		(PG_NARGS() > 4 && PG_ARGISNULL(4)))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	x = PG_GETARG_INT32(1);
	tx = PG_GETARG_INT32(2);
	n = PG_GETARG_INT32(3);
	if (PG_NARGS() > 4)
		penalizer = PG_GETARG_FLOAT8(4);
	bgbb_check_customer(x, tx, n);
	PG_RETURN_DATUM(btyd_histogram_add_datum(fcinfo, BTYD_KIND_BGBB, penalizer, x, tx, n));
}

PG_FUNCTION_INFO_V1(bgbb_fit_finalfn);
Datum
bgbb_fit_finalfn(PG_FUNCTION_ARGS)
{
	BtydData	data;
	BgbbProblem pb;
	double		theta[4] = {0.0, 0.0, 0.0, 0.0},
				log_scale[4] = {0.0, 0.0, 0.0, 0.0},
				m[4],
				grad[4],
				covariance[16],
				ll;
	bool		converged,
				have_covariance;

	btyd_histogram_data(PG_GETARG_DATUM(0), &data);
	if (data.kind != BTYD_KIND_BGBB)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("only a bgbb histogram can be fitted as a BG/BB model")));
	if (data.npoints == 0)
		PG_RETURN_NULL();
	pb.data = &data;
	pb.penalizer = data.penalizer;
	pb.customers = 0.0;
	for (int64 i = 0; i < data.npoints; i++)
		pb.customers += (double) data.points[i].count;

	converged = btyd_fit("bgbb_fit", 4, bgbb_names, theta, log_scale, bgbb_objective, NULL, &pb, NULL,
						 NULL);
	if (converged && data.points[data.npoints - 1].x == 0)
	{
		ereport(WARNING,
				(errmsg("bgbb_fit did not converge"),
				 errdetail("No customer made a purchase, so the model is not identified."),
				 errhint("Fit customers with purchases among them.")));
		converged = false;
	}
	for (int k = 0; k < 4; k++)
		m[k] = exp(theta[k]);
	ll = bgbb_log_likelihood_sum(&pb, m, grad);
	have_covariance = btyd_covariance(4, m, grad, bgbb_log_likelihood_sum, &pb, covariance);
	PG_RETURN_DATUM(btyd_model_datum(fcinfo, m, 4, ll, btyd_customer_count(&data), converged,
									 have_covariance ? covariance : NULL));
}

/* bgbb_log_likelihood(alpha, beta, gamma, delta, frequency, recency, opportunities) */
PG_FUNCTION_INFO_V1(bgbb_log_likelihood);
Datum
bgbb_log_likelihood(PG_FUNCTION_ARGS)
{
	double		m[4],
				log_alive;
	int32		x = PG_GETARG_INT32(4),
				tx = PG_GETARG_INT32(5),
				n = PG_GETARG_INT32(6);

	for (int k = 0; k < 4; k++)
	{
		m[k] = PG_GETARG_FLOAT8(k);
		btyd_check_parameter("bgbb_model", bgbb_names[k], m[k]);
	}
	bgbb_check_customer(x, tx, n);
	PG_RETURN_FLOAT8(bgbb_log_likelihood_one(m, x, tx, n, NULL, &log_alive));
}

/* ---- scoring ---- */

static const double *
bgbb_model_arg(FunctionCallInfo fcinfo, int argno)
{
	return btyd_model_arg(fcinfo, argno, 4, "bgbb_model", bgbb_names);
}

/*
 * P(alive at opportunity n+1 | x, t_x, n) (FHS 2010, eq. 11): the first
 * term of L with B(γ, δ+n+1) for B(γ, δ+n), over L.
 */
PG_FUNCTION_INFO_V1(bgbb_p_alive);
Datum
bgbb_p_alive(PG_FUNCTION_ARGS)
{
	const double *m = bgbb_model_arg(fcinfo, 0);
	int32		x = PG_GETARG_INT32(1),
				tx = PG_GETARG_INT32(2),
				n = PG_GETARG_INT32(3);
	double		log_alive,
				ll;

	bgbb_check_customer(x, tx, n);
	ll = bgbb_log_likelihood_one(m, x, tx, n, NULL, &log_alive);
	PG_RETURN_FLOAT8(exp(log_alive - ll) * (m[3] + n) / (m[2] + m[3] + n));
}

/*
 * E[purchases in opportunities n+1 .. n+n* | x, t_x, n] (FHS 2010, eq. 13),
 * written as Σ_{i=1}^{n*} P(alive at n+i | data) E[p | alive, data]:
 *
 *   exp(ln A0 - ln L) (α+x)/(α+β+n) Σ_{i=1}^{n*} B(γ, δ+n+i)/B(γ, δ+n)
 *
 * with A0 the first term of L.  The sum, term by term from the Beta
 * recurrence, has no singularity at γ = 1, where the paper's closed form is
 * 0/0; n* is at most BGBB_MAX_OPPORTUNITIES.
 */
double
bgbb_expected_purchases(const double *m, int32 future, int32 x, int32 tx, int32 n)
{
	double		al = m[0],
				be = m[1],
				ga = m[2],
				de = m[3];
	double		log_alive,
				ll,
				sum = 0.0,
				term = 1.0,
				D = de + n;

	ll = bgbb_log_likelihood_one(m, x, tx, n, NULL, &log_alive);
	for (int32 i = 1; i <= future; i++)
	{
		term *= (D + i - 1) / (ga + D + i - 1);
		sum += term;
	}
	return exp(log_alive - ll) * (al + x) / (al + be + n) * sum;
}

PG_FUNCTION_INFO_V1(bgbb_expected_purchases_customer);
Datum
bgbb_expected_purchases_customer(PG_FUNCTION_ARGS)
{
	const double *m = bgbb_model_arg(fcinfo, 0);
	int32		future = PG_GETARG_INT32(1),
				x = PG_GETARG_INT32(2),
				tx = PG_GETARG_INT32(3),
				n = PG_GETARG_INT32(4);

	if (future < 0 || future > BGBB_MAX_OPPORTUNITIES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("future opportunities %d is out of range", future),
				 errhint("Count the opportunities ahead: 0 to %d.", BGBB_MAX_OPPORTUNITIES)));
	bgbb_check_customer(x, tx, n);
	PG_RETURN_FLOAT8(bgbb_expected_purchases(m, future, x, tx, n));
}
