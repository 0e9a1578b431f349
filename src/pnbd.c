/*
 * pnbd.c
 *		The Pareto/NBD model (Schmittlein, Morrison & Colombo 1987):
 *		purchases at rate λ ~ Gamma(r, α) while alive, an exponential
 *		lifetime of rate μ ~ Gamma(s, β).  pnbd_fit, and p_alive,
 *		expected_purchases and clv on a pnbd_model.
 *
 * The likelihood (Fader, Hardie & Lee 2005, "A note on deriving the
 * Pareto/NBD model and related expressions", eq. 2, integrated over λ and
 * μ before the time of death) is
 *
 *   L = Γ(r+x) α^r β^s / Γ(r) × [ E(T) + s ∫_{t_x}^{T} (α+τ)^-(r+x) (β+τ)^-(s+1) dτ ]
 *
 * with E(y) = (α+y)^-(r+x) (β+y)^-s.  With G(y) the same integral from y to
 * infinity and w(y) = s G(y) / E(y), which lies in [0, 1] (bound (α+τ) by
 * (α+y) inside the integral), the bracket is
 *
 *   E(T) (1 - w(T)) + E(t_x) w(t_x),
 *
 * a sum of two non-negative terms, computed in logarithms.  The textbook
 * form writes the same bracket with ₂F₁(r+s+x, s+1 or r+x; r+s+x+1; z)
 * over (α or β + y)^(r+s+x) and subtracts two of them; for customers with
 * thousands of purchases those powers and the ₂F₁ overflow and the
 * difference cancels.  Here, by Euler's transformation, w(y) is
 *
 *   α >= β:  s/(r+s+x) ₂F₁(1, r+x; r+s+x+1; z),                z = (α-β)/(α+y)
 *   α <  β:  s/(r+s+x) (α+y)/(β+y) ₂F₁(1, s+1; r+s+x+1; z),    z = (β-α)/(β+y)
 *
 * series of positive terms whose ratios are below z < 1, so they neither
 * overflow nor cancel, and they converge faster as x grows.  Only where z
 * is within about 1e-6 of 1 (one of α and β a million times the other plus
 * the customer's time) does the series take too many terms: an error
 * (22003) then rather than a wrong number.
 */
#include "btyd_family.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/array.h"

#define PNBD_MAX_TERMS 10000000
/*
 * Inside a fit, a series that needs more terms marks the point as outside
 * the domain (NaN), so that the line search steps back instead of spending
 * seconds where the optimum cannot be (one of α and β thousands of times
 * the other); the final evaluation uses the full budget.
 */
#define PNBD_FIT_MAX_TERMS 50000

static const char *const pnbd_names[] = {"r", "alpha", "s", "beta"};

/*
 * F = ₂F₁(1, b; c; z) for c > b > 0 and 0 <= z < 1, with its derivatives
 * F_b, F_c and F_z.  Term n is p_n z with p_n = (b)_n / (c)_n z^(n-1), so
 * that F_z = Σ n p_n needs no division by z.  Every term ratio is below z,
 * which bounds the rest of each sum.  False if the series did not converge.
 */
static bool
hyp2f1_one(double b, double c, double z, int max_terms,
		   double *F, double *Fb, double *Fc, double *Fz)
{
	double		p = b / c,
				sb = 1.0 / b,
				sc = 1.0 / c,
				sum = 1.0,
				sum_b = 0.0,
				sum_c = 0.0,
				sum_z = 0.0,
				one_minus_z = 1.0 - z;

	for (int n = 1; n < max_terms; n++)
	{
		double		t = p * z;

		sum += t;
		sum_b += t * sb;
		sum_c -= t * sc;
		sum_z += n * p;
		p *= (b + n) / (c + n) * z;
		if (p * ((n + 1) / one_minus_z + 1.0 / (one_minus_z * one_minus_z)) <= 1e-17 * sum_z)
		{
			*F = sum;
			*Fb = sum_b;
			*Fc = sum_c;
			*Fz = sum_z;
			return true;
		}
		sb += 1.0 / (b + n);
		sc += 1.0 / (c + n);
		if ((n & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return false;
}

/* ln w(y) and its derivatives with respect to (r, α, s, β) */
typedef struct PnbdW
{
	double		log_w;
	double		d[4];
} PnbdW;

static bool
pnbd_w(const double *m, int32 x, double y, int max_terms, PnbdW *out)
{
	double		r = m[0],
				alpha = m[1],
				s = m[2],
				beta = m[3];
	double		rsx = r + s + x;
	double		z,
				F,
				Fb,
				Fc,
				Fz;

	if (alpha >= beta)
	{
		z = (alpha - beta) / (alpha + y);
		if (!hyp2f1_one(r + x, rsx + 1.0, z, max_terms, &F, &Fb, &Fc, &Fz))
			return false;
		out->log_w = log(s) - log(rsx) + log(F);
		out->d[0] = (Fb + Fc) / F;
		out->d[1] = Fz / F * (beta + y) / ((alpha + y) * (alpha + y));
		out->d[2] = Fc / F;
		out->d[3] = -Fz / F / (alpha + y);
	}
	else
	{
		z = (beta - alpha) / (beta + y);
		if (!hyp2f1_one(s + 1.0, rsx + 1.0, z, max_terms, &F, &Fb, &Fc, &Fz))
			return false;
		out->log_w = log(s) - log(rsx) + log(F) + log(alpha + y) - log(beta + y);
		out->d[0] = Fc / F;
		out->d[1] = -Fz / F / (beta + y) + 1.0 / (alpha + y);
		out->d[2] = (Fb + Fc) / F;
		out->d[3] = Fz / F * (alpha + y) / ((beta + y) * (beta + y)) - 1.0 / (beta + y);
	}
	out->d[0] -= 1.0 / rsx;
	out->d[2] += 1.0 / s - 1.0 / rsx;
	return true;
}

pg_noreturn static void
series_error(int32 x, double y)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("the Pareto/NBD series did not converge for frequency %d at time %g", x, y),
			 errdetail("One of alpha and beta is more than a million times the other plus the customer's time."),
			 errhint("Check the model's parameters.")));
}

/*
 * ln of the bracket E(T)(1 - w(T)) + E(t_x) w(t_x) from w at both times, its
 * derivatives in grad (may be NULL), and ln E(T) in *log_e_T.
 */
static double
pnbd_bracket(const double *m, int32 x, double tx, double T, const PnbdW *wT, const PnbdW *wx,
			 double *grad, double *log_e_T)
{
	double		r = m[0],
				alpha = m[1],
				s = m[2],
				beta = m[3];
	double		la_T = log(alpha + T),
				lb_T = log(beta + T),
				la_x = log(alpha + tx),
				lb_x = log(beta + tx);
	double		lT = -(r + x) * la_T - s * lb_T,
				lx = -(r + x) * la_x - s * lb_x,
				w = exp(wT->log_w),
				l1 = lT + log1p(-w),
				l2 = lx + wx->log_w,
				share2,
				result;

	result = log_add_exp(l1, l2, &share2);
	*log_e_T = lT;
	if (grad != NULL)
	{
		double		share1 = 1.0 - share2,
					odds = (w < 1.0) ? w / (1.0 - w) : 0.0;
		double		dT[4] = {-la_T, -(r + x) / (alpha + T), -lb_T, -s / (beta + T)};
		double		dx[4] = {-la_x, -(r + x) / (alpha + tx), -lb_x, -s / (beta + tx)};

		for (int k = 0; k < 4; k++)
			grad[k] = (share1 > 0.0 ? share1 * (dT[k] - odds * wT->d[k]) : 0.0) +
				share2 * (dx[k] + wx->d[k]);
	}
	return result;
}

/* the same for one customer, scoring: NaN if a series did not converge */
static double
pnbd_log_bracket(const double *m, int32 x, double tx, double T, double *log_e_T)
{
	PnbdW		wT,
				wx;

	if (!pnbd_w(m, x, T, PNBD_MAX_TERMS, &wT) || !pnbd_w(m, x, tx, PNBD_MAX_TERMS, &wx))
		return NAN;
	return pnbd_bracket(m, x, tx, T, &wT, &wx, NULL, log_e_T);
}

/* ---- the fit ---- */

typedef struct PnbdProblem
{
	const BtydData *data;
	double		customers;
	double		penalizer;
	double		scale;			/* the largest tenure: the time scale of α and β */
	int			max_terms;		/* of each series */

	/*
	 * w(y) depends on the customer through (x, y) only, and the points come
	 * sorted by (x, recency, tenure): within one frequency, w is computed
	 * once per distinct time value and kept in cache[] (valid where stamp[]
	 * equals the current group's stamp).
	 */
	int			nvalues;
	double	   *values;			/* the distinct recency and tenure values */
	int32	   *u_index;		/* per point: its recency's index in values */
	int32	   *v_index;		/* per point: its tenure's */
	PnbdW	   *cache;
	int64	   *stamp;
	int64		current;
} PnbdProblem;

static int
double_cmp(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return x < y ? -1 : (x > y ? 1 : 0);
}

static int32
value_index(const double *values, int n, double value)
{
	int			lo = 0,
				hi = n - 1;

	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (values[mid] < value)
			lo = mid + 1;
		else
			hi = mid;
	}
	Assert(values[lo] == value);
	return lo;
}

static void
pnbd_problem_init(PnbdProblem *pb, const BtydData *data)
{
	int64		n = data->npoints,
				nvalues = 0;
	double	   *all;

	pb->data = data;
	pb->customers = 0.0;
	pb->penalizer = data->penalizer;
	pb->scale = 0.0;
	pb->max_terms = PNBD_MAX_TERMS;
	for (int64 i = 0; i < n; i++)
	{
		pb->customers += (double) data->points[i].count;
		pb->scale = fmax(pb->scale, data->points[i].v);
	}
	if (pb->scale == 0.0)
		pb->scale = 1.0;

	if (n > PG_INT32_MAX / 2)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many distinct customer summaries for one fit: " INT64_FORMAT, n),
				 errhint("Round recency and tenure to whole days, or fit a sample.")));
	all = palloc_extended(Max(2 * n, 1) * sizeof(double), MCXT_ALLOC_HUGE);
	for (int64 i = 0; i < n; i++)
	{
		all[2 * i] = data->points[i].u;
		all[2 * i + 1] = data->points[i].v;
	}
	qsort(all, 2 * n, sizeof(double), double_cmp);
	for (int64 i = 0; i < 2 * n; i++)
		if (nvalues == 0 || all[i] != all[nvalues - 1])
			all[nvalues++] = all[i];
	pb->values = all;
	pb->nvalues = (int) nvalues;
	pb->u_index = palloc_extended(Max(n, 1) * sizeof(int32), MCXT_ALLOC_HUGE);
	pb->v_index = palloc_extended(Max(n, 1) * sizeof(int32), MCXT_ALLOC_HUGE);
	for (int64 i = 0; i < n; i++)
	{
		pb->u_index[i] = value_index(all, (int) nvalues, data->points[i].u);
		pb->v_index[i] = value_index(all, (int) nvalues, data->points[i].v);
	}
	pb->cache = palloc_extended(Max(nvalues, 1) * sizeof(PnbdW), MCXT_ALLOC_HUGE);
	pb->stamp = palloc_extended(Max(nvalues, 1) * sizeof(int64), MCXT_ALLOC_HUGE);
	for (int64 k = 0; k < nvalues; k++)
		pb->stamp[k] = -1;
	pb->current = 0;
}

/* w at the time value of index k for the current frequency group; NULL if no convergence */
static const PnbdW *
pnbd_cached_w(PnbdProblem *pb, const double *m, int32 x, int32 k)
{
	if (pb->stamp[k] != pb->current)
	{
		if (!pnbd_w(m, x, pb->values[k], pb->max_terms, &pb->cache[k]))
			return NULL;
		pb->stamp[k] = pb->current;
	}
	return &pb->cache[k];
}

/* Σ LL and its gradient in (r, α, s, β); NaN where a series does not converge */
static double
pnbd_log_likelihood_sum(void *arg, const double *m, double *grad)
{
	PnbdProblem *pb = arg;
	const BtydData *data = pb->data;
	double		r = m[0],
				alpha = m[1],
				s = m[2],
				beta = m[3];
	double		sum = 0.0,
				g[4] = {0.0, 0.0, 0.0, 0.0};
	double		lg_r = log_gamma(r),
				psi_r = digamma(r),
				base = r * log(alpha) + s * log(beta) - lg_r;
	int32		cur_x = -1;
	double		lg_rx = 0.0,
				psi_rx = 0.0;

	for (int64 i = 0; i < data->npoints; i++)
	{
		const BtydPoint *p = &data->points[i];
		double		c = (double) p->count;
		double		gb[4],
					log_e_T,
					lb;

		const PnbdW *wT,
				   *wx;

		if (p->x != cur_x || i == 0)
		{
			cur_x = p->x;
			lg_rx = log_gamma(r + cur_x);
			psi_rx = digamma(r + cur_x);
			pb->current++;		/* a new group (and evaluation): forget w */
		}
		wT = pnbd_cached_w(pb, m, p->x, pb->v_index[i]);
		wx = pnbd_cached_w(pb, m, p->x, pb->u_index[i]);
		if (wT == NULL || wx == NULL)
			return NAN;
		lb = pnbd_bracket(m, p->x, p->u, p->v, wT, wx, gb, &log_e_T);
		sum += c * (lg_rx + base + lb);
		g[0] += c * (psi_rx - psi_r + log(alpha) + gb[0]);
		g[1] += c * (r / alpha + gb[1]);
		g[2] += c * (log(beta) + gb[2]);
		g[3] += c * (s / beta + gb[3]);
		if ((i & 0x3FFF) == 0x3FFF)
			CHECK_FOR_INTERRUPTS();
	}
	for (int k = 0; k < 4; k++)
		grad[k] = g[k];
	return sum;
}

/* -(mean LL) + penalizer (r² + (α/scale)² + s² + (β/scale)²) at θ = ln(r, α, s, β) */
static double
pnbd_objective(const double *theta, double *grad, void *arg)
{
	PnbdProblem *pb = arg;
	double		m[4],
				g[4],
				ll,
				penalty = 0.0;

	for (int k = 0; k < 4; k++)
		m[k] = exp(theta[k]);
	ll = pnbd_log_likelihood_sum(pb, m, g);
	if (isnan(ll))
		return NAN;
	for (int k = 0; k < 4; k++)
	{
		double		sc = (k == 1 || k == 3) ? pb->scale : 1.0;

		penalty += pb->penalizer * (m[k] / sc) * (m[k] / sc);
		grad[k] = m[k] * (-g[k] / pb->customers + 2.0 * pb->penalizer * m[k] / (sc * sc));
	}
	return -ll / pb->customers + penalty;
}

PG_FUNCTION_INFO_V1(pnbd_fit_transfn);
Datum
pnbd_fit_transfn(PG_FUNCTION_ARGS)
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
	PG_RETURN_DATUM(btyd_histogram_add_datum(fcinfo, BTYD_KIND_PNBD, penalizer, x, recency, tenure));
}

PG_FUNCTION_INFO_V1(pnbd_fit_finalfn);
Datum
pnbd_fit_finalfn(PG_FUNCTION_ARGS)
{
	BtydData	data;
	PnbdProblem pb;
	double		theta[4],
				log_scale[4],
				m[4],
				grad[4],
				covariance[16],
				ll;
	bool		converged,
				have_covariance;

	btyd_histogram_data(PG_GETARG_DATUM(0), &data);
	if (data.kind != BTYD_KIND_PNBD)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("only a pnbd histogram can be fitted as a Pareto/NBD model")));
	if (data.npoints == 0)
		PG_RETURN_NULL();
	pnbd_problem_init(&pb, &data);

	/* start: r = s = 1, α = β = a tenth of the observation span */
	log_scale[0] = log_scale[2] = 0.0;
	log_scale[1] = log_scale[3] = log(pb.scale);
	theta[0] = theta[2] = 0.0;
	theta[1] = theta[3] = log(pb.scale) - log(10.0);
	pb.max_terms = PNBD_FIT_MAX_TERMS;
	converged = btyd_fit("pnbd_fit", 4, pnbd_names, theta, log_scale, pnbd_objective, &pb, NULL);
	pb.max_terms = PNBD_MAX_TERMS;
	if (converged && data.points[data.npoints - 1].x == 0)
	{
		ereport(WARNING,
				(errmsg("pnbd_fit did not converge"),
				 errdetail("No customer made a repeat purchase, so the dropout process is not identified."),
				 errhint("Fit customers with repeat purchases among them.")));
		converged = false;
	}
	for (int k = 0; k < 4; k++)
		m[k] = exp(theta[k]);
	ll = pnbd_log_likelihood_sum(&pb, m, grad);
	if (isnan(ll))
		series_error(0, 0.0);
	have_covariance = btyd_covariance(4, m, pnbd_log_likelihood_sum, &pb, covariance);
	PG_RETURN_DATUM(btyd_model_datum(fcinfo, m, 4, ll, btyd_customer_count(&data), converged,
									 have_covariance ? covariance : NULL));
}

/* ---- one customer's log-likelihood, as the fit computes it ---- */

static double
pnbd_one(FunctionCallInfo fcinfo, double *grad)
{
	double		m[4];
	BtydPoint	point = {0};
	BtydData	data;
	PnbdProblem pb;
	double		ll;

	for (int k = 0; k < 4; k++)
	{
		m[k] = PG_GETARG_FLOAT8(k);
		btyd_check_parameter("pnbd_model", pnbd_names[k], m[k]);
	}
	point.x = PG_GETARG_INT32(4);
	point.u = PG_GETARG_FLOAT8(5);
	point.v = PG_GETARG_FLOAT8(6);
	point.count = 1;
	bgnbd_check_customer(point.x, point.u, point.v);
	data.kind = BTYD_KIND_PNBD;
	data.penalizer = 0.0;
	data.npoints = 1;
	data.points = &point;
	pnbd_problem_init(&pb, &data);
	ll = pnbd_log_likelihood_sum(&pb, m, grad);
	if (isnan(ll))
		series_error(point.x, point.u);
	return ll;
}

PG_FUNCTION_INFO_V1(pnbd_log_likelihood);
Datum
pnbd_log_likelihood(PG_FUNCTION_ARGS)
{
	double		grad[4];

	PG_RETURN_FLOAT8(pnbd_one(fcinfo, grad));
}

PG_FUNCTION_INFO_V1(pnbd_log_likelihood_gradient);
Datum
pnbd_log_likelihood_gradient(PG_FUNCTION_ARGS)
{
	double		grad[4];
	Datum		elems[4];

	pnbd_one(fcinfo, grad);
	for (int k = 0; k < 4; k++)
		elems[k] = Float8GetDatum(grad[k]);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, 4, FLOAT8OID, sizeof(float8),
										  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/* ---- scoring ---- */

static const double *
pnbd_model_arg(FunctionCallInfo fcinfo, int argno)
{
	return btyd_model_arg(fcinfo, argno, 4, "pnbd_model", pnbd_names);
}

/* P(alive at T | x, t_x, T) = E(T) / bracket */
static double
pnbd_p_alive_value(const double *m, int32 x, double tx, double T)
{
	double		log_e_T,
				lb = pnbd_log_bracket(m, x, tx, T, &log_e_T);

	if (isnan(lb))
		series_error(x, tx);
	return fmin(1.0, exp(log_e_T - lb));
}

/*
 * [1 - ((β+T)/(β+T+t))^(s-1)] / (s-1), which is ln((β+T+t)/(β+T)) at s = 1
 * and accurate near it.
 */
static double
pnbd_survival_integral(double s, double beta_T, double t)
{
	double		l = log1p(t / beta_T);

	if (s == 1.0)
		return l;
	return -expm1(-(s - 1.0) * l) / (s - 1.0);
}

/*
 * E[purchases in (T, T+t] | x, t_x, T] =
 *   P(alive) (r+x)(β+T) / (α+T) × [1 - ((β+T)/(β+T+t))^(s-1)] / (s-1)
 * (Schmittlein et al. 1987; FHL's note, eq. 41).
 */
double
pnbd_expected_purchases(const double *m, double t, int32 x, double tx, double T)
{
	double		r = m[0],
				alpha = m[1],
				s = m[2],
				beta = m[3];

	if (t == 0.0)
		return 0.0;
	return pnbd_p_alive_value(m, x, tx, T) * (r + x) * (beta + T) / (alpha + T) *
		pnbd_survival_integral(s, beta + T, t);
}

PG_FUNCTION_INFO_V1(pnbd_p_alive);
Datum
pnbd_p_alive(PG_FUNCTION_ARGS)
{
	const double *m = pnbd_model_arg(fcinfo, 0);
	int32		x = PG_GETARG_INT32(1);
	double		tx = PG_GETARG_FLOAT8(2),
				T = PG_GETARG_FLOAT8(3);

	bgnbd_check_customer(x, tx, T);
	PG_RETURN_FLOAT8(pnbd_p_alive_value(m, x, tx, T));
}

PG_FUNCTION_INFO_V1(pnbd_expected_purchases_customer);
Datum
pnbd_expected_purchases_customer(PG_FUNCTION_ARGS)
{
	const double *m = pnbd_model_arg(fcinfo, 0);
	double		t = PG_GETARG_FLOAT8(1);
	int32		x = PG_GETARG_INT32(2);
	double		tx = PG_GETARG_FLOAT8(3),
				T = PG_GETARG_FLOAT8(4);

	btyd_check_horizon(t);
	bgnbd_check_customer(x, tx, T);
	PG_RETURN_FLOAT8(pnbd_expected_purchases(m, t, x, tx, T));
}

/* a new customer: r β / α × [1 - (β/(β+t))^(s-1)] / (s-1) */
PG_FUNCTION_INFO_V1(pnbd_expected_purchases_new);
Datum
pnbd_expected_purchases_new(PG_FUNCTION_ARGS)
{
	const double *m = pnbd_model_arg(fcinfo, 0);
	double		t = PG_GETARG_FLOAT8(1);

	btyd_check_horizon(t);
	PG_RETURN_FLOAT8(pnbd_expected_purchases(m, t, 0, 0.0, 0.0));
}

/* clv(pnbd_model, gammagamma_model, ...): §5's definition with Pareto/NBD purchases */
PG_FUNCTION_INFO_V1(pnbd_clv);
Datum
pnbd_clv(PG_FUNCTION_ARGS)
{
	const double *m = pnbd_model_arg(fcinfo, 0);
	const double *gg = btyd_model_arg(fcinfo, 1, 3, "gammagamma_model",
									  (const char *const[]) {"p", "q", "v"});
	int32		x = PG_GETARG_INT32(2);
	double		tx = PG_GETARG_FLOAT8(3),
				T = PG_GETARG_FLOAT8(4),
				mv = PG_GETARG_FLOAT8(5);
	int32		months = PG_GETARG_INT32(6);
	double		d = PG_GETARG_FLOAT8(7);
	double		spend,
				alive,
				scale,
				previous = 0.0,
				total = 0.0;

	bgnbd_check_customer(x, tx, T);
	btyd_check_clv_arguments(months, d);
	spend = gammagamma_expected_spend(gg, x, mv);
	if (months == 0)
		PG_RETURN_FLOAT8(0.0);
	alive = pnbd_p_alive_value(m, x, tx, T);
	scale = alive * (m[0] + x) * (m[3] + T) / (m[1] + T);
	for (int i = 1; i <= months; i++)
	{
		double		expected = scale * pnbd_survival_integral(m[2], m[3] + T, 30.0 * i);

		total += spend * (expected - previous) / pow(1.0 + d, i);
		previous = expected;
	}
	PG_RETURN_FLOAT8(total);
}
