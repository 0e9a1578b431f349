/*
 * btyd.c
 *		Predictive customer lifetime value: the BG/NBD model of purchase
 *		counts (Fader, Hardie & Lee 2005, "Counting your customers the easy
 *		way") and the Gamma-Gamma model of spend per purchase (Fader, Hardie
 *		& Lee 2005, "RFM and CLV"; Colombo & Jiang 1999): maximum-likelihood
 *		fits as aggregates, and the per-customer scores derived from them.
 *
 * The fit aggregates accumulate a histogram of distinct customer summaries
 * (btyd_histogram.c); the final function maximises the likelihood with the
 * BFGS minimiser of optimize.c on the logarithms of the parameters, with
 * analytic gradients.  The objective is the mean negative log-likelihood
 * (plus the optional penalizer), so its scale and the convergence tolerance
 * do not depend on the number of customers.
 *
 * Every term that depends on the customer only through the frequency x
 * (ln Γ(r + x), ln B(a, b + x) and their derivatives) is computed once per
 * distinct x and iteration, and, when recency and tenure values repeat (as
 * whole days do), the logarithms ln(α + t) once per distinct value, so an
 * iteration then costs one exp and one log1p per distinct (x, recency,
 * tenure) with repeat purchases, and almost nothing for the customers
 * without.
 */
#include "btyd.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "btyd_family.h"
#include "optimize.h"
#include "specfun.h"

/*
 * The log-likelihood and its Hessian at the parameters of a problem's last
 * evaluation with Hessian: a Newton fit ends with one at the estimate, which
 * the model's log-likelihood and covariance then need not compute again.
 */
typedef struct LastEvaluation
{
	bool		valid;
	double		param[4];
	double		ll;
	double		hessian[16];
} LastEvaluation;

static void
last_evaluation_save(LastEvaluation *last, int n, const double *param, double ll,
					 const double *hessian)
{
	last->valid = true;
	memcpy(last->param, param, n * sizeof(double));
	last->ll = ll;
	memcpy(last->hessian, hessian, n * n * sizeof(double));
}

/* The log-likelihood and Hessian at param, if the last evaluation was there. */
static bool
last_evaluation_at(const LastEvaluation *last, int n, const double *param, double *ll,
				   double *hessian)
{
	if (!last->valid || memcmp(last->param, param, n * sizeof(double)) != 0)
		return false;
	*ll = last->ll;
	memcpy(hessian, last->hessian, n * n * sizeof(double));
	return true;
}

/* Convergence: largest gradient component of the mean objective, log scale. */
#define FIT_GRADIENT_TOLERANCE 1e-9
#define FIT_MAX_ITERATIONS 1000
/*
 * A parameter more than e^13 (about 440,000) times larger or smaller than
 * its natural scale (1, or the data's time or money scale for alpha and v)
 * means the likelihood is maximised at the boundary of the parameter space:
 * the data does not identify the model.
 */
#define FIT_MAX_LOG_PARAMETER 13.0

/* clv's horizon: 100 years of 30-day months is beyond any business question */
#define CLV_MAX_MONTHS 1200

static const char *const bgnbd_names[] = {"r", "alpha", "a", "b"};
static const char *const gammagamma_names[] = {"p", "q", "v"};

/* ---------------------------------------------------------------- */
/* The BG/NBD likelihood                                            */
/* ---------------------------------------------------------------- */

/*
 * With x repeat purchases, the last at t_x, observed until T, one customer's
 * likelihood is (FHL 2005, eq. 6)
 *
 *   L = B(a, b+x)/B(a, b) Γ(r+x) α^r / Γ(r)
 *       × [ (α+T)^-(r+x) + [x > 0] a/(b+x-1) (α+t_x)^-(r+x) ]
 *
 * using B(a+1, b+x-1) = B(a, b+x) a/(b+x-1).  The bracket is computed as a
 * log-sum-exp of its two terms l1 and l2, whose shares w1 and w2 of the sum
 * are what its derivatives need.
 */
typedef struct BgnbdProblem
{
	int64		npoints;
	const BtydPoint *points;
	int			ngroups;		/* distinct frequencies */
	int64	   *group_start;	/* points of group g: [start[g], start[g+1]) */
	double	   *group_weight;	/* customers in group g */
	int			nvalues;		/* distinct recency and tenure values */
	double	   *values;
	int32	   *u_index;		/* per point: index of its recency in values */
	int32	   *v_index;		/* per point: index of its tenure */
	double	   *log_alpha_value;	/* per evaluation: ln(α + value) */
	double	   *inv_alpha_value;	/* per evaluation: 1 / (α + value) */
	double		customers;
	double		penalizer;
	double		max_tenure;
	LastEvaluation last;
} BgnbdProblem;

static int
double_cmp(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return x < y ? -1 : (x > y ? 1 : 0);
}

/*
 * Whether the recency and tenure values repeat enough (as summaries in
 * whole days do) for a table of ln(α + value) per distinct value to pay:
 * judged on the values of up to 2,048 points spread over the histogram.
 */
static bool
time_values_repeat(const BtydData *data)
{
	int64		n = data->npoints;
	int			m = (int) Min(n, 2048);
	int			distinct = 0;
	double	   *sample;

	if (m == 0)
		return true;
	sample = palloc(2 * m * sizeof(double));
	for (int j = 0; j < m; j++)
	{
		int64		i = (int64) ((double) j * n / m);

		sample[2 * j] = data->points[i].u;
		sample[2 * j + 1] = data->points[i].v;
	}
	qsort(sample, 2 * m, sizeof(double), double_cmp);
	for (int j = 0; j < 2 * m; j++)
		if (j == 0 || sample[j] != sample[j - 1])
			distinct++;
	pfree(sample);
	return distinct < m;
}

/* Groups the (sorted) points by frequency and indexes their time values. */
static void
bgnbd_problem_init(BgnbdProblem *pb, const BtydData *data)
{
	int64		n = data->npoints;
	double	   *all;
	int64		nvalues = 0;

	pb->npoints = n;
	pb->points = data->points;
	pb->penalizer = data->penalizer;
	pb->customers = 0.0;
	pb->max_tenure = 0.0;
	pb->last.valid = false;

	pb->group_start = palloc_extended((n + 1) * sizeof(int64), MCXT_ALLOC_HUGE);
	pb->group_weight = palloc_extended((n + 1) * sizeof(double), MCXT_ALLOC_HUGE);
	pb->ngroups = 0;
	for (int64 i = 0; i < n; i++)
	{
		if (i == 0 || data->points[i].x != data->points[i - 1].x)
		{
			pb->group_start[pb->ngroups] = i;
			pb->group_weight[pb->ngroups] = 0.0;
			pb->ngroups++;
		}
		pb->group_weight[pb->ngroups - 1] += (double) data->points[i].count;
		pb->customers += (double) data->points[i].count;
		pb->max_tenure = fmax(pb->max_tenure, data->points[i].v);
	}
	pb->group_start[pb->ngroups] = n;

	if (time_values_repeat(data))
	{
		/* a table of the distinct values, and each point's two indexes into it */
		nvalues = btyd_time_values(data, &all, &pb->u_index, &pb->v_index);
	}
	else
	{
		/* nearly every value distinct: a table would cost more than it saves */
		if (n > PG_INT32_MAX / 2)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("too many distinct customer summaries for one fit: " INT64_FORMAT, n),
					 errhint("A fit takes at most %d distinct (frequency, recency, tenure) triples; round recency and tenure to whole days, or fit a sample.",
							 PG_INT32_MAX / 2)));
		pb->u_index = palloc_extended(Max(n, 1) * sizeof(int32), MCXT_ALLOC_HUGE);
		pb->v_index = palloc_extended(Max(n, 1) * sizeof(int32), MCXT_ALLOC_HUGE);
		all = palloc_extended(Max(2 * n, 1) * sizeof(double), MCXT_ALLOC_HUGE);
		nvalues = 2 * n;
		for (int64 i = 0; i < n; i++)
		{
			all[2 * i] = data->points[i].u;
			all[2 * i + 1] = data->points[i].v;
			pb->u_index[i] = (int32) (2 * i);
			pb->v_index[i] = (int32) (2 * i + 1);
		}
	}
	pb->values = all;
	pb->nvalues = (int) nvalues;
	pb->log_alpha_value = palloc_extended(Max(nvalues, 1) * sizeof(double), MCXT_ALLOC_HUGE);
	pb->inv_alpha_value = palloc_extended(Max(nvalues, 1) * sizeof(double), MCXT_ALLOC_HUGE);
}

/*
 * The log-likelihood summed over the customers at (r, α, a, b), its
 * gradient with respect to those four parameters in grad and, if hess is
 * not NULL, its Hessian (4 x 4, row-major).
 *
 * The Hessian of a point's ln(e^l1 + e^l2), with shares w1 and w2, is
 * w1 H(l1) + w2 H(l2) + w1 w2 d d' with d = ∇l1 - ∇l2: besides the sums the
 * gradient needs, a group accumulates sums of w1 w2 times the products of
 * d's two varying components (the r and α ones; the a and b ones are
 * constant in a group), so the Hessian costs a few multiplications a point.
 */
static double
bgnbd_log_likelihood_sum(BgnbdProblem *pb, const double *param, double *grad, double *hess)
{
	double		r = param[0],
				alpha = param[1],
				a = param[2],
				b = param[3];
	double		sum = 0.0,
				g_r = 0.0,
				g_alpha = 0.0,
				g_a = 0.0,
				g_b = 0.0;
	double		h[4][4] = {{0}};
	double		log_alpha = log(alpha);
	double		lg_r = log_gamma(r),
				lg_b = log_gamma(b),
				lg_ab = log_gamma(a + b),
				psi_r = digamma(r),
				psi_b = digamma(b),
				psi_ab = digamma(a + b),
				log_a = log(a);
	double		tri_r = 0.0,
				tri_b = 0.0,
				tri_ab = 0.0;

	if (hess != NULL)
	{
		tri_r = trigamma(r);
		tri_b = trigamma(b);
		tri_ab = trigamma(a + b);
	}

	for (int k = 0; k < pb->nvalues; k++)
	{
		pb->log_alpha_value[k] = log(alpha + pb->values[k]);
		pb->inv_alpha_value[k] = 1.0 / (alpha + pb->values[k]);
	}

	for (int g = 0; g < pb->ngroups; g++)
	{
		int64		start = pb->group_start[g],
					end = pb->group_start[g + 1];
		int32		x = pb->points[start].x;
		double		w = pb->group_weight[g];
		double		rx = r + x;
		double		psi_abx = digamma(a + b + x);

		/* ln Γ(r+x) - ln Γ(r) + r ln α + ln B(a, b+x) - ln B(a, b) */
		sum += w * (log_gamma(rx) - lg_r + r * log_alpha +
					log_gamma(b + x) - log_gamma(a + b + x) - lg_b + lg_ab);
		g_r += w * (digamma(rx) - psi_r + log_alpha);
		g_alpha += w * r / alpha;
		g_a += w * (psi_ab - psi_abx);
		g_b += w * (digamma(b + x) - psi_abx - psi_b + psi_ab);
		if (hess != NULL)
		{
			double		tri_abx = trigamma(a + b + x);

			h[0][0] += w * (trigamma(rx) - tri_r);
			h[0][1] += w / alpha;
			h[1][1] -= w * r / (alpha * alpha);
			h[2][2] += w * (tri_ab - tri_abx);
			h[2][3] += w * (tri_ab - tri_abx);
			h[3][3] += w * (trigamma(b + x) - tri_abx - tri_b + tri_ab);
		}

		if (x == 0)
		{
			/* only the first term: -r ln(α + T) */
			double		s_log = 0.0,
						s_inv = 0.0,
						s_inv2 = 0.0;

			for (int64 i = start; i < end; i++)
			{
				double		c = (double) pb->points[i].count;
				int32		v = pb->v_index[i];
				double		inv = pb->inv_alpha_value[v];

				s_log += c * pb->log_alpha_value[v];
				s_inv += c * inv;
				s_inv2 += c * inv * inv;
			}
			sum -= r * s_log;
			g_r -= s_log;
			g_alpha -= r * s_inv;
			h[0][1] -= s_inv;
			h[1][1] += r * s_inv2;
		}
		else
		{
			double		log_share = log_a - log(b + x - 1);
			double		dr = 0.0,
						dalpha = 0.0,
						w2sum = 0.0;
			/* for the Hessian: Σ c w1 w2 (1, d_r, d_α, d_r², d_r d_α, d_α²)/(r+x) */
			double		q = 0.0,
						q_r = 0.0,
						q_a = 0.0,
						q_rr = 0.0,
						q_ra = 0.0,
						q_aa = 0.0,
						inv2 = 0.0;
			LogProduct	lp = {0.0, 1.0, 0};

			for (int64 i = start; i < end; i++)
			{
				double		c = (double) pb->points[i].count;
				int32		u = pb->u_index[i],
							v = pb->v_index[i];
				double		log_u = pb->log_alpha_value[u],
							log_v = pb->log_alpha_value[v],
							inv_u = pb->inv_alpha_value[u],
							inv_v = pb->inv_alpha_value[v];
				double		l1 = -rx * log_v;
				double		l2 = log_share - rx * log_u;
				double		e,
							w1,
							w2;

				if (l1 >= l2)
				{
					e = exp(l2 - l1);
					sum += c * l1;
					w1 = 1.0 / (1.0 + e);
					w2 = e * w1;
				}
				else
				{
					e = exp(l1 - l2);
					sum += c * l2;
					w2 = 1.0 / (1.0 + e);
					w1 = e * w2;
				}
				log_product_add(&lp, c, e);
				dr -= c * (w1 * log_v + w2 * log_u);
				dalpha -= c * (w1 * inv_v + w2 * inv_u);
				w2sum += c * w2;
				if (hess != NULL)
				{
					double		cw = c * w1 * w2,
								d_r = log_u - log_v,
								d_a = inv_u - inv_v;

					q += cw;
					q_r += cw * d_r;
					q_a += cw * d_a;
					q_rr += cw * d_r * d_r;
					q_ra += cw * d_r * d_a;
					q_aa += cw * d_a * d_a;
					inv2 += c * (w1 * inv_v * inv_v + w2 * inv_u * inv_u);
				}
				if (((i - start) & 0xFFFF) == 0xFFFF)
					CHECK_FOR_INTERRUPTS();
			}
			sum += log_product_total(&lp);
			g_r += dr;
			g_alpha += rx * dalpha;
			g_a += w2sum / a;
			g_b -= w2sum / (b + x - 1);
			if (hess != NULL)
			{
				double		ia = 1.0 / a,
							ib = 1.0 / (b + x - 1);

				/* w1 H(l1) + w2 H(l2): the rα, αα, aa and bb entries */
				h[0][1] += dalpha;
				h[1][1] += rx * inv2;
				h[2][2] -= w2sum * ia * ia;
				h[3][3] += w2sum * ib * ib;
				/* w1 w2 d d' with d = (d_r, (r+x) d_α, -1/a, 1/(b+x-1)) */
				h[0][0] += q_rr;
				h[0][1] += rx * q_ra;
				h[0][2] -= ia * q_r;
				h[0][3] += ib * q_r;
				h[1][1] += rx * rx * q_aa;
				h[1][2] -= ia * rx * q_a;
				h[1][3] += ib * rx * q_a;
				h[2][2] += ia * ia * q;
				h[2][3] -= ia * ib * q;
				h[3][3] += ib * ib * q;
			}
		}
	}

	grad[0] = g_r;
	grad[1] = g_alpha;
	grad[2] = g_a;
	grad[3] = g_b;
	if (hess != NULL)
		for (int i = 0; i < 4; i++)
			for (int j = 0; j < 4; j++)
				hess[i * 4 + j] = i <= j ? h[i][j] : h[j][i];
	return sum;
}

static double
bgnbd_alpha_scale(const BgnbdProblem *pb)
{
	return pb->max_tenure > 0.0 ? pb->max_tenure : 1.0;
}

/*
 * The minimised objective at θ = ln(r, α, a, b):
 *   -(mean log-likelihood) + penalizer (r² + (α / max tenure)² + a² + b²)
 * and its gradient with respect to θ; and, for Newton's method, its Hessian.
 */
static double
bgnbd_objective_derivatives(const double *theta, double *grad, double *hess, BgnbdProblem *pb)
{
	double		param[4],
				g[4],
				h[16],
				ll,
				scale = bgnbd_alpha_scale(pb),
				penalty;

	for (int k = 0; k < 4; k++)
		param[k] = exp(theta[k]);
	ll = bgnbd_log_likelihood_sum(pb, param, g, hess != NULL ? h : NULL);
	if (hess != NULL)
		last_evaluation_save(&pb->last, 4, param, ll, h);
	penalty = pb->penalizer * (param[0] * param[0] + (param[1] / scale) * (param[1] / scale) +
							   param[2] * param[2] + param[3] * param[3]);
	for (int k = 0; k < 4; k++)
	{
		double		curvature = 2.0 * pb->penalizer / (k == 1 ? scale * scale : 1.0);

		g[k] = -g[k] / pb->customers + curvature * param[k];
		if (hess != NULL)
		{
			for (int j = 0; j < 4; j++)
				h[k * 4 + j] = -h[k * 4 + j] / pb->customers;
			h[k * 4 + k] += curvature;
		}
	}
	if (hess != NULL)
		btyd_log_scale_derivatives(4, param, g, h, grad, hess);
	else
		for (int k = 0; k < 4; k++)
			grad[k] = param[k] * g[k];
	return -ll / pb->customers + penalty;
}

static double
bgnbd_objective(const double *theta, double *grad, void *arg)
{
	return bgnbd_objective_derivatives(theta, grad, NULL, arg);
}

static double
bgnbd_objective_hessian(const double *theta, double *grad, double *hess, void *arg)
{
	return bgnbd_objective_derivatives(theta, grad, hess, arg);
}

/* ---------------------------------------------------------------- */
/* The Gamma-Gamma likelihood                                       */
/* ---------------------------------------------------------------- */

/*
 * A customer with x > 0 repeat purchases of average value m has likelihood
 *
 *   Γ(px+q) / (Γ(px) Γ(q)) v^q m^(px-1) x^(px) / (v + x m)^(px+q)
 *
 * (the density of m).  Per frequency, Σ ln m is fixed, so an evaluation
 * costs one log per distinct (x, m).
 */
typedef struct GammaGammaProblem
{
	int64		npoints;
	const BtydPoint *points;
	int			ngroups;
	int64	   *group_start;
	double	   *group_weight;
	double	   *group_log_sum;	/* Σ count × ln m over the group */
	double		customers;
	LastEvaluation last;
} GammaGammaProblem;

static void
gammagamma_problem_init(GammaGammaProblem *pb, const BtydData *data)
{
	int64		n = data->npoints;

	pb->npoints = n;
	pb->points = data->points;
	pb->customers = 0.0;
	pb->last.valid = false;
	pb->group_start = palloc_extended((n + 1) * sizeof(int64), MCXT_ALLOC_HUGE);
	pb->group_weight = palloc_extended((n + 1) * sizeof(double), MCXT_ALLOC_HUGE);
	pb->group_log_sum = palloc_extended((n + 1) * sizeof(double), MCXT_ALLOC_HUGE);
	pb->ngroups = 0;
	for (int64 i = 0; i < n; i++)
	{
		double		c = (double) data->points[i].count;

		if (i == 0 || data->points[i].x != data->points[i - 1].x)
		{
			pb->group_start[pb->ngroups] = i;
			pb->group_weight[pb->ngroups] = 0.0;
			pb->group_log_sum[pb->ngroups] = 0.0;
			pb->ngroups++;
		}
		pb->group_weight[pb->ngroups - 1] += c;
		pb->group_log_sum[pb->ngroups - 1] += c * log(data->points[i].u);
		pb->customers += c;
	}
	pb->group_start[pb->ngroups] = n;
}

/*
 * The Gamma-Gamma log-likelihood at (p, q, v), its gradient in grad and, if
 * hess is not NULL, its Hessian (3 x 3, row-major): the points add
 * Σ c / (v + x m)² to what the gradient needs.
 */
static double
gammagamma_log_likelihood_sum(GammaGammaProblem *pb, const double *param, double *grad,
							  double *hess)
{
	double		p = param[0],
				q = param[1],
				v = param[2];
	double		sum = 0.0,
				g_p = 0.0,
				g_q = 0.0,
				g_v = 0.0;
	double		h[3][3] = {{0}};
	double		lg_q = log_gamma(q),
				psi_q = digamma(q),
				tri_q = hess != NULL ? trigamma(q) : 0.0,
				log_v = log(v);

	for (int g = 0; g < pb->ngroups; g++)
	{
		int64		start = pb->group_start[g],
					end = pb->group_start[g + 1];
		int32		x = pb->points[start].x;
		double		w = pb->group_weight[g];
		double		px = p * x,
					log_x = log((double) x),
					psi_pxq = digamma(px + q);
		double		s_log = 0.0,
					s_inv = 0.0,
					s_inv2 = 0.0;

		sum += w * (log_gamma(px + q) - log_gamma(px) - lg_q + q * log_v + px * log_x) +
			(px - 1.0) * pb->group_log_sum[g];
		g_p += x * (w * (psi_pxq - digamma(px) + log_x) + pb->group_log_sum[g]);
		g_q += w * (psi_pxq - psi_q + log_v);
		g_v += w * q / v;

		for (int64 i = start; i < end; i++)
		{
			double		c = (double) pb->points[i].count;
			double		vxm = v + x * pb->points[i].u,
						inv = 1.0 / vxm;

			s_log += c * log(vxm);
			s_inv += c * inv;
			s_inv2 += c * inv * inv;
			if (((i - start) & 0xFFFF) == 0xFFFF)
				CHECK_FOR_INTERRUPTS();
		}
		if (hess != NULL)
		{
			double		tri_pxq = trigamma(px + q);

			h[0][0] += w * x * x * (tri_pxq - trigamma(px));
			h[0][1] += w * x * tri_pxq;
			h[1][1] += w * (tri_pxq - tri_q);
			h[1][2] += w / v;
			h[2][2] -= w * q / (v * v);
			h[0][2] -= x * s_inv;
			h[1][2] -= s_inv;
			h[2][2] += (px + q) * s_inv2;
		}
		sum -= (px + q) * s_log;
		g_p -= x * s_log;
		g_q -= s_log;
		g_v -= (px + q) * s_inv;
	}
	grad[0] = g_p;
	grad[1] = g_q;
	grad[2] = g_v;
	if (hess != NULL)
		for (int i = 0; i < 3; i++)
			for (int j = 0; j < 3; j++)
				hess[i * 3 + j] = i <= j ? h[i][j] : h[j][i];
	return sum;
}

static double
gammagamma_objective_derivatives(const double *theta, double *grad, double *hess,
								 GammaGammaProblem *pb)
{
	double		param[3],
				g[3],
				h[9],
				ll;

	for (int k = 0; k < 3; k++)
		param[k] = exp(theta[k]);
	ll = gammagamma_log_likelihood_sum(pb, param, g, hess != NULL ? h : NULL);
	if (hess != NULL)
		last_evaluation_save(&pb->last, 3, param, ll, h);
	for (int k = 0; k < 3; k++)
		g[k] = -g[k] / pb->customers;
	if (hess != NULL)
	{
		for (int k = 0; k < 9; k++)
			h[k] = -h[k] / pb->customers;
		btyd_log_scale_derivatives(3, param, g, h, grad, hess);
	}
	else
		for (int k = 0; k < 3; k++)
			grad[k] = param[k] * g[k];
	return -ll / pb->customers;
}

static double
gammagamma_objective(const double *theta, double *grad, void *arg)
{
	return gammagamma_objective_derivatives(theta, grad, NULL, arg);
}

static double
gammagamma_objective_hessian(const double *theta, double *grad, double *hess, void *arg)
{
	return gammagamma_objective_derivatives(theta, grad, hess, arg);
}

/* ---------------------------------------------------------------- */
/* Fitting                                                          */
/* ---------------------------------------------------------------- */

/*
 * Minimises from theta; returns whether it converged to an interior point,
 * after a WARNING if it did not.
 */
bool
btyd_fit(const char *what, int n, const char *const *names, double *theta,
		 const double *log_scale, ObjectiveFunction fn, HessianObjective newton, void *arg,
		 FitRemedy remedy, double *inverse_hessian)
{
	OptimizeResult result;
	char	   *hint = NULL;

	result.converged = false;
	if (inverse_hessian != NULL && newton != NULL)
	{
		/* from a presolve's optimum, Newton's method needs a few evaluations */
		double		start[BTYD_MAX_PARAMETERS];

		memcpy(start, theta, n * sizeof(double));
		newton_minimize(n, theta, newton, arg, FIT_GRADIENT_TOLERANCE, FIT_MAX_ITERATIONS,
						&result);
		elog(DEBUG1, "%s: Newton: %d iterations, %d evaluations, gradient norm %g (%s)",
			 what, result.iterations, result.evaluations, result.gradient_norm, result.message);
		if (!result.converged)
			memcpy(theta, start, n * sizeof(double));
	}
	if (!result.converged)
	{
		if (inverse_hessian != NULL)
			bfgs_minimize_warm(n, theta, inverse_hessian, true, fn, arg, FIT_GRADIENT_TOLERANCE,
							   FIT_MAX_ITERATIONS, &result);
		else
			bfgs_minimize(n, theta, fn, arg, FIT_GRADIENT_TOLERANCE, FIT_MAX_ITERATIONS, &result);
	}
	elog(DEBUG1, "%s: %d iterations, %d evaluations, objective %.17g, gradient norm %g (%s)",
		 what, result.iterations, result.evaluations, result.f, result.gradient_norm,
		 result.message);
	for (int k = 0; k < n; k++)
		if (fabs(theta[k] - log_scale[k]) > FIT_MAX_LOG_PARAMETER)
		{
			if (remedy != NULL)
				hint = remedy(arg);
			ereport(WARNING,
					(errmsg("%s did not converge", what),
					 errdetail("Parameter %s ran off to %g: the likelihood has no maximum at finite parameters.",
							   names[k], exp(theta[k])),
					 hint != NULL ? errhint("%s", hint) :
					 errhint("The data does not identify the model: too few customers, or too little variation between them.")));
			return false;
		}
	if (!result.converged)
	{
		if (remedy != NULL)
			hint = remedy(arg);
		ereport(WARNING,
				(errmsg("%s did not converge", what),
				 errdetail("The optimizer stopped after %d iterations (%s) with gradient norm %g.",
						   result.iterations, result.message, result.gradient_norm),
				 hint != NULL ? errhint("%s", hint) :
				 errhint("The estimates are not maximum-likelihood estimates; check the inputs or add a penalizer.")));
		return false;
	}
	return true;
}

/*
 * A fit of many distinct points starts from the fit of a sample of them:
 * every k-th point in sorted order (each with its count: every customer is
 * in the sample with probability 1/k, and every frequency is represented),
 * about BTYD_SAMPLE_POINTS of them.  Its estimates differ from the full
 * fit's by the sampling noise only, and the inverse-Hessian approximation
 * BFGS built on it fits the full objective too (both are means over
 * customers), so the full fit needs a few iterations instead of twenty:
 * about half of the evaluations of a million points.  The sample is
 * deterministic, so serial and parallel fits stay bit-identical.
 */
#define BTYD_SAMPLE_POINTS 16384
#define BTYD_SAMPLE_TOLERANCE 1e-6

bool
btyd_sample(const BtydData *data, BtydData *sample)
{
	int64		k;

	if (data->npoints < 4 * BTYD_SAMPLE_POINTS)
		return false;
	k = data->npoints / BTYD_SAMPLE_POINTS;
	sample->kind = data->kind;
	sample->penalizer = data->penalizer;
	sample->npoints = (data->npoints + k - 1) / k;
	sample->points = palloc(sample->npoints * sizeof(BtydPoint));
	for (int64 i = 0; i < sample->npoints; i++)
		sample->points[i] = data->points[i * k];
	return true;
}

/*
 * Fits a sample's problem (objective fn) from theta, quietly; if it
 * converged inside the range btyd_fit accepts, theta and inverse_hessian
 * (n x n) are the start of the full fit, and the result is true.
 */
bool
btyd_presolve(int n, double *theta, const double *log_scale, ObjectiveFunction fn, void *arg,
			  double *inverse_hessian)
{
	double		t[BTYD_MAX_PARAMETERS];
	OptimizeResult result;

	memcpy(t, theta, n * sizeof(double));
	bfgs_minimize_warm(n, t, inverse_hessian, false, fn, arg, BTYD_SAMPLE_TOLERANCE,
					   FIT_MAX_ITERATIONS, &result);
	elog(DEBUG1, "sample fit: %d iterations, %d evaluations, gradient norm %g (%s)",
		 result.iterations, result.evaluations, result.gradient_norm, result.message);
	if (!result.converged)
		return false;
	for (int k = 0; k < n; k++)
		if (!isfinite(t[k]) || fabs(t[k] - log_scale[k]) > FIT_MAX_LOG_PARAMETER)
			return false;
	memcpy(theta, t, n * sizeof(double));
	return true;
}

/* The start of every BG/NBD fit: r = a = b = 1 and α a tenth of the span. */
static void
bgnbd_start(const BgnbdProblem *pb, double *theta, double *log_scale)
{
	log_scale[0] = log_scale[2] = log_scale[3] = 0.0;
	log_scale[1] = log(bgnbd_alpha_scale(pb));
	theta[0] = 0.0;
	theta[1] = log_scale[1] - log(10.0);
	theta[2] = 0.0;
	theta[3] = 0.0;
}

/*
 * The remedy for a BG/NBD fit that did not converge: the smallest of the
 * penalizers 0.001, 0.01 and 0.1 with which these customers' fit converges
 * to an interior point, as a call to copy.  (An unconverged fit is rare and
 * a fit takes milliseconds to a second, so trying three is affordable.)
 */
static char *
bgnbd_remedy(void *arg)
{
	BgnbdProblem *pb = arg;
	double		penalizer = pb->penalizer;
	static const double candidates[] = {0.001, 0.01, 0.1};

	if (penalizer > 0.0)
		return psprintf("The penalizer %g does not make the data well posed; raise it tenfold, or fit more customers.",
						penalizer);
	for (int i = 0; i < lengthof(candidates); i++)
	{
		double		theta[4],
					log_scale[4];
		OptimizeResult result;
		bool		interior = true;

		pb->penalizer = candidates[i];
		bgnbd_start(pb, theta, log_scale);
		bfgs_minimize(4, theta, bgnbd_objective, pb, FIT_GRADIENT_TOLERANCE, FIT_MAX_ITERATIONS,
					  &result);
		pb->penalizer = penalizer;
		for (int k = 0; k < 4; k++)
			if (fabs(theta[k] - log_scale[k]) > FIT_MAX_LOG_PARAMETER)
				interior = false;
		if (result.converged && interior)
			return psprintf("Fit with a penalizer: bgnbd_fit(frequency, recency, tenure, %g) converges on these customers (r = %.3g, alpha = %.3g, a = %.3g, b = %.3g). It is lifetimes' penalizer_coef, with times scaled so that the largest tenure is 1; see doc/first-hour.md.",
							candidates[i], exp(theta[0]), exp(theta[1]), exp(theta[2]), exp(theta[3]));
	}
	return pstrdup("Fit with a penalizer, e.g. bgnbd_fit(frequency, recency, tenure, 0.1) (lifetimes' penalizer_coef), or fit more customers.");
}

/* bgnbd_fit_finalfn(btyd_histogram) -> bgnbd_model */
PG_FUNCTION_INFO_V1(bgnbd_fit_finalfn);
Datum
bgnbd_fit_finalfn(PG_FUNCTION_ARGS)
{
	BtydData	data,
				sample;
	BgnbdProblem pb;
	double		theta[4],
				log_scale[4],
				param[4],
				grad[4],
				ll,
				covariance[16],
				hessian[16];
	bool		converged,
				warm = false,
				have_covariance;

	btyd_histogram_data(PG_GETARG_DATUM(0), &data);
	if (data.kind != BTYD_KIND_BGNBD)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a gammagamma histogram cannot be fitted as a BG/NBD model")));
	if (data.npoints == 0)
		PG_RETURN_NULL();
	bgnbd_problem_init(&pb, &data);

	bgnbd_start(&pb, theta, log_scale);
	if (btyd_sample(&data, &sample))
	{
		BgnbdProblem spb;

		bgnbd_problem_init(&spb, &sample);
		warm = btyd_presolve(4, theta, log_scale, bgnbd_objective, &spb, hessian);
	}
	converged = btyd_fit("bgnbd_fit", 4, bgnbd_names, theta, log_scale, bgnbd_objective,
						 bgnbd_objective_hessian, &pb, bgnbd_remedy, warm ? hessian : NULL);
	if (converged && data.points[data.npoints - 1].x == 0)
	{
		/* the likelihood then only depends on r ln(α / (α + T)) */
		ereport(WARNING,
				(errmsg("bgnbd_fit did not converge"),
				 errdetail("No customer made a repeat purchase, so the dropout process is not identified."),
				 errhint("Fit customers with repeat purchases among them.")));
		converged = false;
	}

	for (int k = 0; k < 4; k++)
		param[k] = exp(theta[k]);
	if (!last_evaluation_at(&pb.last, 4, param, &ll, hessian))
		ll = bgnbd_log_likelihood_sum(&pb, param, grad, hessian);
	have_covariance = btyd_covariance_from_hessian(4, hessian, covariance);
	PG_RETURN_DATUM(btyd_model_datum(fcinfo, param, 4, ll, btyd_customer_count(&data), converged,
									 have_covariance ? covariance : NULL));
}

/* gammagamma_fit_finalfn(btyd_histogram) -> gammagamma_model */
PG_FUNCTION_INFO_V1(gammagamma_fit_finalfn);
Datum
gammagamma_fit_finalfn(PG_FUNCTION_ARGS)
{
	BtydData	data,
				sample;
	GammaGammaProblem pb;
	double		theta[3],
				log_scale[3],
				param[3],
				grad[3],
				ll,
				mean = 0.0,
				covariance[9],
				hessian[9];
	bool		converged,
				warm = false,
				have_covariance;

	btyd_histogram_data(PG_GETARG_DATUM(0), &data);
	if (data.kind != BTYD_KIND_GAMMAGAMMA)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a bgnbd histogram cannot be fitted as a Gamma-Gamma model")));
	if (data.npoints == 0)
		PG_RETURN_NULL();
	gammagamma_problem_init(&pb, &data);

	/* start: p = q = 1 and v at the mean spend, the scale of the data */
	for (int64 i = 0; i < data.npoints; i++)
		mean += (double) data.points[i].count * data.points[i].u;
	mean /= pb.customers;
	log_scale[0] = log_scale[1] = 0.0;
	log_scale[2] = log(mean);
	theta[0] = 0.0;
	theta[1] = 0.0;
	theta[2] = log_scale[2];
	if (btyd_sample(&data, &sample))
	{
		GammaGammaProblem spb;

		gammagamma_problem_init(&spb, &sample);
		warm = btyd_presolve(3, theta, log_scale, gammagamma_objective, &spb, hessian);
	}
	converged = btyd_fit("gammagamma_fit", 3, gammagamma_names, theta, log_scale, gammagamma_objective,
						 gammagamma_objective_hessian, &pb, NULL, warm ? hessian : NULL);

	for (int k = 0; k < 3; k++)
		param[k] = exp(theta[k]);
	if (!last_evaluation_at(&pb.last, 3, param, &ll, hessian))
		ll = gammagamma_log_likelihood_sum(&pb, param, grad, hessian);
	have_covariance = btyd_covariance_from_hessian(3, hessian, covariance);
	PG_RETURN_DATUM(btyd_model_datum(fcinfo, param, 3, ll, btyd_customer_count(&data), converged,
									 have_covariance ? covariance : NULL));
}

/* ---------------------------------------------------------------- */
/* Diagnostics: one customer's log-likelihood and its gradient      */
/* ---------------------------------------------------------------- */

static void
check_parameter(const char *model, const char *name, double value)
{
	if (!(value > 0.0 && isfinite(value)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s parameter %s = %g is not a positive number", model, name, value),
				 errhint("Every parameter of a %s is positive and finite.", model)));
}

static void
check_bgnbd_parameters(const double *param)
{
	for (int k = 0; k < 4; k++)
		check_parameter("bgnbd_model", bgnbd_names[k], param[k]);
}

static void
check_gammagamma_parameters(const double *param)
{
	for (int k = 0; k < 3; k++)
		check_parameter("gammagamma_model", gammagamma_names[k], param[k]);
}

/*
 * Runs the fit's own likelihood code on a one-customer histogram, so that the
 * diagnostics test exactly what the fit maximises.
 */
static double
bgnbd_one(FunctionCallInfo fcinfo, double *grad)
{
	double		param[4];
	BtydPoint	point = {0};
	BtydData	data;
	BgnbdProblem pb;

	for (int k = 0; k < 4; k++)
		param[k] = PG_GETARG_FLOAT8(k);
	check_bgnbd_parameters(param);
	point.x = PG_GETARG_INT32(4);
	point.u = PG_GETARG_FLOAT8(5);
	point.v = PG_GETARG_FLOAT8(6);
	point.count = 1;
	bgnbd_check_customer(point.x, point.u, point.v);
	data.kind = BTYD_KIND_BGNBD;
	data.penalizer = 0.0;
	data.npoints = 1;
	data.points = &point;
	bgnbd_problem_init(&pb, &data);
	return bgnbd_log_likelihood_sum(&pb, param, grad, NULL);
}

PG_FUNCTION_INFO_V1(bgnbd_log_likelihood);
Datum
bgnbd_log_likelihood(PG_FUNCTION_ARGS)
{
	double		grad[4];

	PG_RETURN_FLOAT8(bgnbd_one(fcinfo, grad));
}

static Datum
float8_array(const double *values, int n)
{
	Datum		elems[4];

	for (int k = 0; k < n; k++)
		elems[k] = Float8GetDatum(values[k]);
	return PointerGetDatum(construct_array(elems, n, FLOAT8OID, sizeof(float8),
										   FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

PG_FUNCTION_INFO_V1(bgnbd_log_likelihood_gradient);
Datum
bgnbd_log_likelihood_gradient(PG_FUNCTION_ARGS)
{
	double		grad[4];

	bgnbd_one(fcinfo, grad);
	PG_RETURN_DATUM(float8_array(grad, 4));
}

static double
gammagamma_one(FunctionCallInfo fcinfo, double *grad)
{
	double		param[3];
	BtydPoint	point = {0};
	BtydData	data;
	GammaGammaProblem pb;

	for (int k = 0; k < 3; k++)
		param[k] = PG_GETARG_FLOAT8(k);
	check_gammagamma_parameters(param);
	point.x = PG_GETARG_INT32(3);
	point.u = PG_GETARG_FLOAT8(4);
	point.count = 1;
	gammagamma_check_customer(point.x, point.u);
	if (point.x == 0 || point.u == 0.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("frequency %d and monetary value %g are outside the Gamma-Gamma model",
						point.x, point.u),
				 errhint("The Gamma-Gamma model covers customers with frequency > 0 and monetary value > 0.")));
	data.kind = BTYD_KIND_GAMMAGAMMA;
	data.penalizer = 0.0;
	data.npoints = 1;
	data.points = &point;
	gammagamma_problem_init(&pb, &data);
	return gammagamma_log_likelihood_sum(&pb, param, grad, NULL);
}

PG_FUNCTION_INFO_V1(gammagamma_log_likelihood);
Datum
gammagamma_log_likelihood(PG_FUNCTION_ARGS)
{
	double		grad[3];

	PG_RETURN_FLOAT8(gammagamma_one(fcinfo, grad));
}

PG_FUNCTION_INFO_V1(gammagamma_log_likelihood_gradient);
Datum
gammagamma_log_likelihood_gradient(PG_FUNCTION_ARGS)
{
	double		grad[3];

	gammagamma_one(fcinfo, grad);
	PG_RETURN_DATUM(float8_array(grad, 3));
}

/* ---------------------------------------------------------------- */
/* Scoring                                                          */
/* ---------------------------------------------------------------- */

/*
 * The parameters of a model argument.  Scoring runs once per customer with
 * the same model, so the parameters read from the composite are cached in
 * fn_extra with the composite's bytes, and reused while those are equal.
 */
typedef struct ModelCache
{
	int			argno;
	uint32		length;
	char	   *bytes;
	double		param[4];
} ModelCache;

static const double *
model_parameters(FunctionCallInfo fcinfo, int argno, int nparam)
{
	HeapTupleHeader tuple = PG_GETARG_HEAPTUPLEHEADER(argno);
	uint32		length = HeapTupleHeaderGetDatumLength(tuple);
	ModelCache *cache = fcinfo->flinfo->fn_extra;

	/* one slot per model argument (at most two) */
	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, 2 * sizeof(ModelCache));
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
					 errmsg("model parameter %d is null", k + 1),
					 errhint("Pass a model returned by bgnbd_fit or gammagamma_fit.")));
		cache->param[k] = DatumGetFloat8(d);
	}
	if (nparam == 4)
		check_bgnbd_parameters(cache->param);
	else
		check_gammagamma_parameters(cache->param);

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

/*
 * ((α+T)/(α+t_x))^(r+x) a/(b+x-1): the odds that a customer with repeat
 * purchases has dropped out, P(dead) / P(alive).
 */
static double
bgnbd_dropout_odds(const double *m, int32 x, double tx, double T)
{
	double		r = m[0],
				alpha = m[1],
				a = m[2],
				b = m[3];

	if (x == 0)
		return 0.0;
	return a / (b + x - 1) * exp((r + x) * log1p((T - tx) / (alpha + tx)));
}

/*
 * E[purchases in (T, T + t] | x, t_x, T] (FHL 2005, eq. 10):
 *
 *   (a+b+x-1)/(a-1) [1 - ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x-1; z)]
 *   / (1 + [x > 0] odds),   z = t / (α+T+t).
 *
 * By Euler's transformation ₂F₁(r+x, b+x; c; z) = (1-z)^(a-1-r-x)
 * ₂F₁(a+b-1-r, a-1; c; z) with c = a+b+x-1, and (1-z)^(r+x) cancels, so
 * the bracket is 1 - (1-z)^(a-1) F with x left only in c, where it makes the
 * series converge faster instead of slower.  With ε = a-1 and
 * F = 1 + ε H (H = hyp2f1_minus_one_over_b), the bracket over ε is
 *   -expm1(ε ln(1-z)) / ε - (1-z)^ε H,
 * which stays accurate as a -> 1, where the textbook form is 0/0.
 * Where the series cannot be summed -- (a - 1) z beyond BGNBD_SERIES_LIMIT,
 * as for the huge a and b of an unpenalized fit that ran off, or z within
 * about 1e-6 of 1 -- the same expectation comes from the integral over the
 * dropout probability (bgnbd_alive_expectation).
 * A new customer is x = 0 at T = 0.
 */
/* y - ln(1 + y) for y > -1, accurate also where the two nearly cancel. */
static double
y_minus_log1p(double y)
{
	if (fabs(y) < 0.1)
	{
		/* y^2/2 - y^3/3 + y^4/4 - ...: 20 terms leave less than 1e-17 */
		double		sum = 0.0,
					power = y;

		for (int n = 2; n <= 21; n++)
		{
			power *= -y;
			sum -= power / n;
		}
		return sum;
	}
	return y - log1p(y);
}

/*
 * E[(1 - (1 + p s)^-k) / p] for p ~ Beta(a, bb): the expected purchases in
 * the next t of a customer who is alive now, with k = r + x, s = t / (α + T),
 * bb = b + x.  Given alive, the purchase rate is Gamma(k, α + T) and the
 * dropout probability Beta(a, b + x); with rate λ and dropout p the expected
 * purchases are (1 - e^(-λpt)) / p, whose mean over λ is the integrand.
 *
 * This is the same quantity as the ₂F₁ form, but it stays accurate where that
 * one cannot be evaluated: when a (and b) are large -- the limit a fit
 * without a penalizer runs off to when the data barely identify the dropout
 * process -- the series' terms grow like ((a - 1) z)^n / n! before they
 * shrink, overflowing past (a - 1) z of about 700.  Here the Beta density
 * is integrated over v = logit p, in which it is smooth and unimodal with
 * exponentially decaying tails (analytic in the strip |Im v| < π), by the
 * trapezoidal rule, which converges geometrically for such integrands: steps
 * of half the density's width σ = sqrt(1/a + 1/bb), and at most 1/4 where
 * the strip rather than σ limits the accuracy, leave errors near 1e-15
 * (test/first_hour_reference.py checks it against 50-digit references).  The log-density relative to the mode v0 = ln(a / bb) is
 * -a ln(1 + y1) - bb ln(1 + y2), with δ = v - v0, y1 = q0 expm1(-δ) and
 * y2 = p0 expm1(δ); near the mode, where its two terms cancel to first
 * order, as -4c sinh²(δ/2) + a (y1 - ln(1 + y1)) + bb (y2 - ln(1 + y2)),
 * c = a bb / (a + bb), in which nothing cancels even for a = 1e16.
 * The walk outward from the mode stops when a bound on the rest of the
 * integral (the density is log-concave) is below 1e-17 of the sum.
 */
#define ALIVE_MAX_POINTS 200000
/* (a - 1) z beyond which the series' terms grow too large to sum */
#define BGNBD_SERIES_LIMIT 30.0
static double
bgnbd_alive_expectation(double k, double s, double a, double bb)
{
	double		p0 = a / (a + bb),
				q0 = bb / (a + bb),
				c = a * q0,
				v0 = log(a) - log(bb),
				sigma = sqrt(1.0 / a + 1.0 / bb),
				h = Min(sigma / 2.0, 0.25),
				numerator = 0.0,
				denominator = 0.0;
	int			points = 0;

	for (int direction = 0; direction <= 1; direction++)
	{
		for (int j = direction; ; j++)
		{
			double		delta = (direction == 0 ? -j : j) * h,
						v = v0 + delta,
						log_weight,
						weight,
						p,
						g,
						rate;

			if (++points > ALIVE_MAX_POINTS || fabs(delta) > 700.0)
				return NAN;
			if (fabs(delta) < 1.0)
				log_weight = -4.0 * c * pow(sinh(delta / 2.0), 2) +
					a * y_minus_log1p(q0 * expm1(-delta)) +
					bb * y_minus_log1p(p0 * expm1(delta));
			else
				log_weight = -a * log1p(q0 * expm1(-delta)) - bb * log1p(p0 * expm1(delta));
			weight = exp(log_weight);
			p = v >= 0.0 ? 1.0 / (1.0 + exp(-v)) : exp(v) / (1.0 + exp(v));
			g = p > 0.0 ? -expm1(-k * log1p(p * s)) / p : k * s;
			numerator += weight * g;
			denominator += weight;
			if (j == 0)
				continue;

			/*
			 * Outward the log-density falls at least at its current rate
			 * (log-concavity), so the rest of the sum is below weight /
			 * (rate h); the integrand's g is at most k s toward p = 0 and
			 * falls toward p = 1.
			 */
			rate = direction == 0 ? a * (1.0 - p) - bb * p : bb * p - a * (1.0 - p);
			if (rate > 0.0)
			{
				double		rest = weight / (rate * h);

				if (rest < 1e-17 * denominator &&
					rest * (direction == 0 ? k * s : g) < 1e-17 * numerator)
					break;
			}
			if ((points & 0xFFF) == 0)
				CHECK_FOR_INTERRUPTS();
		}
	}
	return numerator / denominator;
}

double
bgnbd_expected_purchases(const double *m, double t, int32 x, double tx, double T)
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
	result = NAN;
	if (!(eps * z > BGNBD_SERIES_LIMIT))
	{
		log_1mz = -log1p(t / (alpha + T));
		h = hyp2f1_minus_one_over_b(a + b - 1.0 - r, eps, a + b + x - 1.0, z);
		bracket = (eps == 0.0 ? -log_1mz : -expm1(eps * log_1mz) / eps) - exp(eps * log_1mz) * h;
		result = (a + b + x - 1.0) * bracket / (1.0 + bgnbd_dropout_odds(m, x, tx, T));
	}
	/* a and b large, or z too close to 1 for the series */
	if (!isfinite(result))
		result = bgnbd_alive_expectation(r + x, t / (alpha + T), a, b + x) /
			(1.0 + bgnbd_dropout_odds(m, x, tx, T));
	if (!isfinite(result))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("expected purchases over %g cannot be computed for the bgnbd_model with a = %g and b = %g",
						t, a, b),
				 errdetail("Neither the hypergeometric series (z = %.17g) nor the integral over the dropout probability converged for frequency %d.",
						   z, x),
				 errhint("Such parameters come from a fit that did not converge; fit again with a penalizer, e.g. bgnbd_fit(frequency, recency, tenure, 0.001).")));
	return result;
}

static void
check_horizon(double t)
{
	if (!(t >= 0.0 && isfinite(t)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("horizon t %g is out of range", t),
				 errhint("The horizon t must be finite and at least 0.")));
}

/* p_alive(bgnbd_model, frequency, recency, tenure) */
PG_FUNCTION_INFO_V1(bgnbd_p_alive);
Datum
bgnbd_p_alive(PG_FUNCTION_ARGS)
{
	const double *m = model_parameters(fcinfo, 0, 4);
	int32		x = PG_GETARG_INT32(1);
	double		tx = PG_GETARG_FLOAT8(2),
				T = PG_GETARG_FLOAT8(3);

	bgnbd_check_customer(x, tx, T);
	PG_RETURN_FLOAT8(1.0 / (1.0 + bgnbd_dropout_odds(m, x, tx, T)));
}

/* expected_purchases(bgnbd_model, t, frequency, recency, tenure) */
PG_FUNCTION_INFO_V1(bgnbd_expected_purchases_customer);
Datum
bgnbd_expected_purchases_customer(PG_FUNCTION_ARGS)
{
	const double *m = model_parameters(fcinfo, 0, 4);
	double		t = PG_GETARG_FLOAT8(1);
	int32		x = PG_GETARG_INT32(2);
	double		tx = PG_GETARG_FLOAT8(3),
				T = PG_GETARG_FLOAT8(4);

	check_horizon(t);
	bgnbd_check_customer(x, tx, T);
	PG_RETURN_FLOAT8(bgnbd_expected_purchases(m, t, x, tx, T));
}

/* expected_purchases(bgnbd_model, t): a new customer */
PG_FUNCTION_INFO_V1(bgnbd_expected_purchases_new);
Datum
bgnbd_expected_purchases_new(PG_FUNCTION_ARGS)
{
	const double *m = model_parameters(fcinfo, 0, 4);
	double		t = PG_GETARG_FLOAT8(1);

	check_horizon(t);
	PG_RETURN_FLOAT8(bgnbd_expected_purchases(m, t, 0, 0.0, 0.0));
}

/*
 * E[average spend | x, m] = (q-1)/(px+q-1) × pv/(q-1) + px/(px+q-1) × m
 *                         = p (v + x m) / (px + q - 1),
 * a weighted mean of the population mean pv/(q-1) and the customer's own.
 * Customers without repeat purchases get the population mean, which is
 * finite only for q > 1.
 */
double
gammagamma_expected_spend(const double *m, int32 x, double mv)
{
	double		p = m[0],
				q = m[1],
				v = m[2];
	double		denominator = p * x + q - 1.0;

	gammagamma_check_customer(x, mv);
	if (x == 0)
		mv = 0.0;
	if (!(denominator > 0.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("expected spend is infinite for frequency %d under a gammagamma_model with p = %g and q = %g",
						x, p, q),
				 errhint("The expected spend is finite when p * frequency + q > 1.")));
	return p * (v + x * mv) / denominator;
}

/* expected_spend(gammagamma_model, frequency, monetary_value) */
PG_FUNCTION_INFO_V1(gammagamma_expected_spend_customer);
Datum
gammagamma_expected_spend_customer(PG_FUNCTION_ARGS)
{
	const double *m = model_parameters(fcinfo, 0, 3);

	PG_RETURN_FLOAT8(gammagamma_expected_spend(m, PG_GETARG_INT32(1), PG_GETARG_FLOAT8(2)));
}

/*
 * clv(bgnbd_model, gammagamma_model, frequency, recency, tenure,
 *     monetary_value, months, monthly_discount_rate):
 *   Σ_{i=1..months} spend × (E[Y(30 i)] - E[Y(30 (i-1))]) / (1 + d)^i
 * with times in days, as lifetimes' customer_lifetime_value with daily data.
 */
PG_FUNCTION_INFO_V1(btyd_clv);
Datum
btyd_clv(PG_FUNCTION_ARGS)
{
	const double *bg = model_parameters(fcinfo, 0, 4);
	const double *gg = model_parameters(fcinfo, 1, 3);
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
	if (months < 0 || months > CLV_MAX_MONTHS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("months %d is out of range", months),
				 errhint("The horizon must be between 0 and %d months (100 years).",
						 CLV_MAX_MONTHS)));
	if (!(d >= 0.0 && isfinite(d)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("monthly discount rate %g is out of range", d),
				 errhint("A discount rate must be finite and at least 0.")));
	spend = gammagamma_expected_spend(gg, x, mv);

	for (int i = 1; i <= months; i++)
	{
		double		expected = bgnbd_expected_purchases(bg, 30.0 * i, x, tx, T);

		total += spend * (expected - previous) / pow(1.0 + d, i);
		previous = expected;
		CHECK_FOR_INTERRUPTS();
	}
	PG_RETURN_FLOAT8(total);
}
