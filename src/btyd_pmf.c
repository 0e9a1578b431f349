/*
 * btyd_pmf.c
 *		purchase_probability(model, k, t): P(a new customer makes exactly k
 *		repeat purchases in (0, t]) under BG/NBD, MBG/NBD and Pareto/NBD --
 *		lifetimes' probability_of_n_purchases_up_to_time, as numbers that
 *		sum to 1 over k.
 *
 * All three mix a Poisson count over a Gamma(r, α) rate, so a customer alive
 * throughout (0, t] makes NB(k; t) purchases,
 *   NB(k; τ) = Γ(r+k) / (Γ(r) k!) (α/(α+τ))^r (τ/(α+τ))^k.
 *
 * BG/NBD (Fader, Hardie & Lee 2005, eq. 8):
 *   B(a, b+k)/B(a, b) NB(k; t) + [k > 0] B(a+1, b+k-1)/B(a, b) P(N_t >= k)
 * MBG/NBD (Batislam et al. 2007), with a dropout chance at time 0 too (alive
 * throughout, or dropped out right after the k-th purchase, k = 0 included):
 *   B(a, b+k+1)/B(a, b) NB(k; t) + B(a+1, b+k)/B(a, b) P(N_t >= k)
 * where P(N_t >= k) is the upper tail of that negative binomial, summed
 * directly (never as 1 minus a sum close to 1).
 *
 * Pareto/NBD: with the lifetime's density s β^s (β+τ)^-(s+1) after mixing,
 *   (β/(β+t))^s NB(k; t) + ∫_0^t NB(k; τ) s β^s (β+τ)^-(s+1) dτ,
 * the integral by adaptive 16-point Gauss-Legendre quadrature to 1e-15
 * absolute (the closed form of Fader, Hardie & Lee's 2006 note subtracts
 * sums of ₂F₁ terms that cancel).
 */
#include "btyd_family.h"

#include <math.h>

#include "miscadmin.h"

#define GL_POINTS 16
#define QUAD_MAX_DEPTH 40

static const char *const bgnbd_names[] = {"r", "alpha", "a", "b"};
static const char *const pnbd_names[] = {"r", "alpha", "s", "beta"};

/* ---- the negative binomial of a customer alive throughout ---- */

/* ln NB(k; t) for t > 0 */
static double
nb_log_pmf(double r, double alpha, int32 k, double t)
{
	double		log_q = log(t / (alpha + t)),
				log_1mq = -log1p(t / alpha);

	return log_gamma(r + k) - log_gamma(r) - lgamma(k + 1.0) + r * log_1mq +
		(k == 0 ? 0.0 : k * log_q);
}

/* P(N_t >= k), t > 0 */
static double
nb_upper_tail(double r, double alpha, int32 k, double t)
{
	double		q = t / (alpha + t),
				log_q = log(q),
				mean = r * t / alpha;
	double		sum = 0.0,
				lp;

	if (k <= 0)
		return 1.0;
	if ((double) k <= mean + 1.0)
	{
		/* k at most about the mean: the head is not close to 1 */
		lp = nb_log_pmf(r, alpha, 0, t);
		for (int32 j = 0; j < k; j++)
		{
			sum += exp(lp);
			lp += log((r + j) / (j + 1.0)) + log_q;
			if ((j & 0xFFFF) == 0xFFFF)
				CHECK_FOR_INTERRUPTS();
		}
		return fmax(0.0, 1.0 - sum);
	}
	/* past the mode every term ratio is below max(ratio, q) < 1 */
	lp = nb_log_pmf(r, alpha, k, t);
	for (int64 j = k;; j++)
	{
		double		term = exp(lp),
					ratio = (r + j) / (j + 1.0) * q,
					rho = fmax(ratio, q);

		sum += term;
		if (term * rho <= 1e-17 * sum * (1.0 - rho) || term == 0.0)
			break;
		lp += log((r + j) / (j + 1.0)) + log_q;
		if ((j & 0xFFFF) == 0xFFFF)
			CHECK_FOR_INTERRUPTS();
	}
	return fmin(1.0, sum);
}

/* ---- Gauss-Legendre quadrature ---- */

static double gl_node[GL_POINTS];
static double gl_weight[GL_POINTS];
static bool gl_ready = false;

/* the nodes and weights on [-1, 1], by Newton's method on P_n */
static void
gl_init(void)
{
	const int	n = GL_POINTS;

	for (int i = 0; i < n; i++)
	{
		double		x = cos(M_PI * (i + 0.75) / (n + 0.5)),
					dp = 0.0;

		for (int iter = 0; iter < 100; iter++)
		{
			double		p0 = 1.0,
						p1 = x,
						dx;

			for (int j = 2; j <= n; j++)
			{
				double		p2 = ((2.0 * j - 1.0) * x * p1 - (j - 1.0) * p0) / j;

				p0 = p1;
				p1 = p2;
			}
			dp = n * (x * p1 - p0) / (x * x - 1.0);
			dx = p1 / dp;
			x -= dx;
			if (fabs(dx) < 1e-17)
				break;
		}
		gl_node[i] = x;
		gl_weight[i] = 2.0 / ((1.0 - x * x) * dp * dp);
	}
	gl_ready = true;
}

typedef struct PnbdPmf
{
	double		r,
				alpha,
				s,
				beta;
	int32		k;
	double		log_const;		/* ln(Γ(r+k)/(Γ(r) k!)) + r ln α + ln s + s ln β */
} PnbdPmf;

/* NB(k; τ) s β^s (β+τ)^-(s+1) */
static double
pnbd_integrand(const PnbdPmf *p, double tau)
{
	if (tau <= 0.0)
		return p->k == 0 ? exp(p->log_const - p->r * log(p->alpha) - (p->s + 1.0) * log(p->beta)) : 0.0;
	return exp(p->log_const - (p->r + p->k) * log(p->alpha + tau) + p->k * log(tau) -
			   (p->s + 1.0) * log(p->beta + tau));
}

static double
gl_panel(const PnbdPmf *p, double a, double b)
{
	double		half = 0.5 * (b - a),
				mid = 0.5 * (a + b),
				sum = 0.0;

	for (int i = 0; i < GL_POINTS; i++)
		sum += gl_weight[i] * pnbd_integrand(p, mid + half * gl_node[i]);
	return half * sum;
}

static double
gl_adaptive(const PnbdPmf *p, double a, double b, double whole, int depth)
{
	double		m = 0.5 * (a + b),
				left = gl_panel(p, a, m),
				right = gl_panel(p, m, b),
				halves = left + right;

	if (depth >= QUAD_MAX_DEPTH || fabs(halves - whole) <= fmax(1e-16, 1e-14 * fabs(halves)))
		return halves;
	CHECK_FOR_INTERRUPTS();
	return gl_adaptive(p, a, m, left, depth + 1) + gl_adaptive(p, m, b, right, depth + 1);
}

/* ---- the SQL functions ---- */

static void
check_pmf_arguments(int32 k, double t)
{
	if (k < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("number of purchases %d is negative", k),
				 errhint("Ask for 0 or more purchases.")));
	btyd_check_horizon(t);
}

/* purchase_probability(bgnbd_model, k, t) */
PG_FUNCTION_INFO_V1(bgnbd_purchase_probability);
Datum
bgnbd_purchase_probability(PG_FUNCTION_ARGS)
{
	const double *m = btyd_model_arg(fcinfo, 0, 4, "bgnbd_model", bgnbd_names);
	int32		k = PG_GETARG_INT32(1);
	double		t = PG_GETARG_FLOAT8(2);
	double		r = m[0],
				alpha = m[1],
				a = m[2],
				b = m[3],
				lb = log_beta(a, b),
				p;

	check_pmf_arguments(k, t);
	if (t == 0.0)
		PG_RETURN_FLOAT8(k == 0 ? 1.0 : 0.0);
	p = exp(log_beta(a, b + k) - lb + nb_log_pmf(r, alpha, k, t));
	if (k > 0)
		p += exp(log_beta(a + 1.0, b + k - 1.0) - lb) * nb_upper_tail(r, alpha, k, t);
	PG_RETURN_FLOAT8(p);
}

/* purchase_probability(mbgnbd_model, k, t) */
PG_FUNCTION_INFO_V1(mbgnbd_purchase_probability);
Datum
mbgnbd_purchase_probability(PG_FUNCTION_ARGS)
{
	const double *m = btyd_model_arg(fcinfo, 0, 4, "mbgnbd_model", bgnbd_names);
	int32		k = PG_GETARG_INT32(1);
	double		t = PG_GETARG_FLOAT8(2);
	double		r = m[0],
				alpha = m[1],
				a = m[2],
				b = m[3],
				lb = log_beta(a, b);

	check_pmf_arguments(k, t);
	if (t == 0.0)
		PG_RETURN_FLOAT8(k == 0 ? 1.0 : 0.0);
	PG_RETURN_FLOAT8(exp(log_beta(a, b + k + 1.0) - lb + nb_log_pmf(r, alpha, k, t)) +
					 exp(log_beta(a + 1.0, b + k) - lb) * nb_upper_tail(r, alpha, k, t));
}

/* purchase_probability(pnbd_model, k, t) */
PG_FUNCTION_INFO_V1(pnbd_purchase_probability);
Datum
pnbd_purchase_probability(PG_FUNCTION_ARGS)
{
	const double *m = btyd_model_arg(fcinfo, 0, 4, "pnbd_model", pnbd_names);
	int32		k = PG_GETARG_INT32(1);
	double		t = PG_GETARG_FLOAT8(2);
	PnbdPmf		p;
	double		alive;

	check_pmf_arguments(k, t);
	if (t == 0.0)
		PG_RETURN_FLOAT8(k == 0 ? 1.0 : 0.0);
	if (!gl_ready)
		gl_init();
	p.r = m[0];
	p.alpha = m[1];
	p.s = m[2];
	p.beta = m[3];
	p.k = k;
	p.log_const = log_gamma(p.r + k) - log_gamma(p.r) - lgamma(k + 1.0) +
		p.r * log(p.alpha) + log(p.s) + p.s * log(p.beta);
	alive = exp(-p.s * log1p(t / p.beta) + nb_log_pmf(p.r, p.alpha, k, t));
	PG_RETURN_FLOAT8(alive + gl_adaptive(&p, 0.0, t, gl_panel(&p, 0.0, t), 0));
}
