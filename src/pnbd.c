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
 * overflow nor cancel, and they converge faster as x grows.  Where z is
 * near 1 (one of α and β many times the other plus the customer's time) the
 * series needs about 40 / (1 - z) terms, so beyond z = PNBD_SERIES_Z the
 * integral defining G(y) is split at the Y where z = PNBD_SPLIT_Z: from y to
 * Y by Gauss-Legendre quadrature, from Y on by the series (pnbd_w_split).
 */
#include "btyd_family.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/array.h"

/*
 * The series is summed where z <= PNBD_SERIES_Z (at most about 400 terms);
 * beyond, the integral is split where z = PNBD_SPLIT_Z (about 200 terms).
 */
#define PNBD_SERIES_Z 0.9
#define PNBD_SPLIT_Z 0.8
#define PNBD_MAX_TERMS 100000

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
				inv_one_minus_z = 1.0 / (1.0 - z);

	/* the divisions are kept off the chain of products p (a fit's hot loop) */
	for (int n = 1; n < max_terms; n++)
	{
		double		t = p * z,
					ib = 1.0 / (b + n),
					ic = 1.0 / (c + n);

		sum += t;
		sum_b += t * sb;
		sum_c -= t * sc;
		sum_z += n * p;
		p *= (b + n) * ic * z;
		if (p * ((n + 1) + inv_one_minus_z) * inv_one_minus_z <= 1e-17 * sum_z)
		{
			*F = sum;
			*Fb = sum_b;
			*Fc = sum_c;
			*Fz = sum_z;
			return true;
		}
		sb += ib;
		sc += ic;
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
	double		log1m_w;		/* ln(1 - w), filled in by the fit's cache */
	double		odds;			/* w / (1 - w), likewise */
} PnbdW;

static bool pnbd_w_split(const double *m, int32 x, double y, PnbdW *out);

static bool
pnbd_w(const double *m, int32 x, double y, PnbdW *out)
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

	if (fabs(alpha - beta) > PNBD_SERIES_Z * (fmax(alpha, beta) + y))
		return pnbd_w_split(m, x, y, out);
	if (alpha >= beta)
	{
		z = (alpha - beta) / (alpha + y);
		if (!hyp2f1_one(r + x, rsx + 1.0, z, PNBD_MAX_TERMS, &F, &Fb, &Fc, &Fz))
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
		if (!hyp2f1_one(s + 1.0, rsx + 1.0, z, PNBD_MAX_TERMS, &F, &Fb, &Fc, &Fz))
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

/* the nodes and weights of 8-point Gauss-Legendre quadrature on [-1, 1] */
static const double gl_node[8] = {
	-0.96028985649753623, -0.79666647741362674, -0.52553240991632899, -0.18343464249564981,
	0.18343464249564981, 0.52553240991632899, 0.79666647741362674, 0.96028985649753623
};
static const double gl_weight[8] = {
	0.10122853629037626, 0.22238103445337447, 0.31370664587788729, 0.36268378337836198,
	0.36268378337836198, 0.31370664587788729, 0.22238103445337447, 0.10122853629037626
};

/*
 * w(y) where the series converges slowly (z > PNBD_SERIES_Z).  With
 * G(y) = ∫_y^Y g + G(Y), g(τ) = (α+τ)^-(r+x) (β+τ)^-(s+1), and Y where
 * z = PNBD_SPLIT_Z,
 *
 *   w(y) = s ∫_y^Y g(τ)/E(y) dτ + w(Y) E(Y)/E(y),
 *
 * w(Y) by the series.  The integral is taken over δ = ln((m+τ)/(m+y)),
 * m = min(α, β): with c_A = (m+y)/(α+y), c_B = (m+y)/(β+y), L_A(δ) =
 * ln((α+τ)/(α+y)) = log1p(c_A expm1(δ)) and L_B likewise (exact, however
 * large x makes the powers), the integrand is
 *
 *   f(δ) = c_B e^δ exp(-(r+x) L_A - (s+1) L_B),
 *
 * log-concave in δ (the ratios (m+τ)/(α+τ), (m+τ)/(β+τ) in its
 * log-derivative 1 - (r+x) (m+τ)/(α+τ) - (s+1) (m+τ)/(β+τ) grow with τ),
 * so the peak of width β at τ = y that a tiny β makes (or α) is as wide as
 * any other feature.  Panels of 8-point Gauss-Legendre are as wide as
 * PANEL_SLOPE over the largest magnitude of that log-derivative on them, so
 * that f changes by at most e^PANEL_SLOPE across one (error below 1e-17);
 * once f is falling at rate λ, what remains, including G(Y), is below
 * f / λ, and the walk stops when that is negligible.  The derivatives of
 * ln w come from the same nodes (Y is held fixed: the sum does not depend
 * on it).
 */
#define PANEL_SLOPE 3.0
#define MAX_PANELS 100000

static bool
pnbd_w_split(const double *m, int32 x, double y, PnbdW *out)
{
	double		r = m[0],
				alpha = m[1],
				s = m[2],
				beta = m[3];
	double		k = r + x,
				lo = fmin(alpha, beta),
				hi = fmax(alpha, beta),
				Y = (hi - lo) / PNBD_SPLIT_Z - hi,
				c_A = (lo + y) / (alpha + y),
				c_B = (lo + y) / (beta + y),
				delta_Y = log1p((Y - y) / (lo + y)),
				q = 0.0,		/* ∫ f */
				q_r = 0.0,		/* ∫ f ∂ln f: the parameters' derivatives */
				q_alpha = 0.0,
				q_s = 0.0,
				q_beta = 0.0,
				delta = 0.0,
				tail_share,
				tail,
				total,
				log_tail,
				d_tail[4];
	bool		tail_negligible = false;
	PnbdW		wY;

	/* the ratio of α and β overflows a float8 */
	if (!isfinite(delta_Y))
		return false;
	Assert(Y > y);
	for (int panel = 0; delta < delta_Y; panel++)
	{
		double		h,
					e,
					slope_end,
					f_end;

		if (panel >= MAX_PANELS)
			return false;
		/* the log-derivative's magnitude is largest at the panel's end */
		e = expm1(delta);
		h = PANEL_SLOPE / (1.0 + k * (1.0 + e) * c_A / (1.0 + c_A * e) +
						   (s + 1.0) * (1.0 + e) * c_B / (1.0 + c_B * e));
		e = expm1(fmin(delta + h, delta_Y));
		h = fmin(h, PANEL_SLOPE / (1.0 + k * (1.0 + e) * c_A / (1.0 + c_A * e) +
								   (s + 1.0) * (1.0 + e) * c_B / (1.0 + c_B * e)));
		h = fmin(h, delta_Y - delta);

		for (int i = 0; i < 8; i++)
		{
			double		d = delta + 0.5 * h * (1.0 + gl_node[i]),
						ed = expm1(d),
						la = log1p(c_A * ed),
						lb = log1p(c_B * ed),
						f = 0.5 * h * gl_weight[i] * c_B * exp(d - k * la - (s + 1.0) * lb),
						ta = (lo + y) * ed; /* τ - y */

			q += f;
			q_r -= f * la;
			/* ∂/∂α of -k ln((α+τ)/(α+y)); ∂/∂β of -(s+1) ln(β+τ) + s ln(β+y) */
			q_alpha += f * k * ta / ((alpha + y + ta) * (alpha + y));
			q_s -= f * lb;
			q_beta += f * (s * ta / ((beta + y + ta) * (beta + y)) - 1.0 / (beta + y + ta));
		}
		delta += h;

		/* the rest, G(Y) included, is below f / λ once f falls at rate λ */
		e = expm1(delta);
		slope_end = 1.0 - k * (1.0 + e) * c_A / (1.0 + c_A * e) -
			(s + 1.0) * (1.0 + e) * c_B / (1.0 + c_B * e);
		f_end = c_B * exp(delta - k * log1p(c_A * e) - (s + 1.0) * log1p(c_B * e));
		if (slope_end < 0.0 && f_end / -slope_end <= 1e-20 * q)
		{
			tail_negligible = true;
			break;
		}
		if ((panel & 0xFF) == 0xFF)
			CHECK_FOR_INTERRUPTS();
	}

	/* w(Y) E(Y)/E(y), in logarithms */
	if (tail_negligible)
	{
		tail = 0.0;
		log_tail = -INFINITY;
		memset(d_tail, 0, sizeof(d_tail));
	}
	else
	{
		double		la = log1p(c_A * expm1(delta_Y)),
					lb = log1p(c_B * expm1(delta_Y));

		if (!pnbd_w(m, x, Y, &wY))
			return false;
		log_tail = wY.log_w - k * la - s * lb;
		tail = exp(log_tail);
		d_tail[0] = wY.d[0] - la;
		d_tail[1] = wY.d[1] + k * (Y - y) / ((alpha + Y) * (alpha + y));
		d_tail[2] = wY.d[2] - lb;
		d_tail[3] = wY.d[3] + s * (Y - y) / ((beta + Y) * (beta + y));
	}

	/* w = s q + tail */
	total = s * q + tail;
	tail_share = tail / total;
	out->log_w = log(total);
	out->d[0] = s * q_r / total + tail_share * d_tail[0];
	out->d[1] = s * q_alpha / total + tail_share * d_tail[1];
	out->d[2] = (q + s * q_s) / total + tail_share * d_tail[2];
	out->d[3] = s * q_beta / total + tail_share * d_tail[3];
	return isfinite(out->log_w);
}

pg_noreturn static void
series_error(int32 x, double y)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("the Pareto/NBD likelihood cannot be computed for frequency %d at time %g", x, y),
			 errdetail("Neither the series nor the quadrature of the likelihood converged at these parameters."),
			 errhint("Check the model's parameters.")));
}

/* ---- the fit ---- */

typedef struct PnbdProblem
{
	const BtydData *data;
	double		customers;
	double		penalizer;
	double		scale;			/* the largest tenure: the time scale of α and β */

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
	/* per evaluation and value: ln(α + value), 1/(α + value), the same of β */
	double	   *log_alpha_value;
	double	   *inv_alpha_value;
	double	   *log_beta_value;
	double	   *inv_beta_value;
} PnbdProblem;

static void
pnbd_problem_init(PnbdProblem *pb, const BtydData *data)
{
	int64		n = data->npoints,
				nvalues;

	pb->data = data;
	pb->customers = 0.0;
	pb->penalizer = data->penalizer;
	pb->scale = 0.0;
	for (int64 i = 0; i < n; i++)
	{
		pb->customers += (double) data->points[i].count;
		pb->scale = fmax(pb->scale, data->points[i].v);
	}
	if (pb->scale == 0.0)
		pb->scale = 1.0;

	nvalues = btyd_time_values(data, &pb->values, &pb->u_index, &pb->v_index);
	pb->nvalues = (int) nvalues;
	pb->cache = palloc_extended(Max(nvalues, 1) * sizeof(PnbdW), MCXT_ALLOC_HUGE);
	pb->stamp = palloc_extended(Max(nvalues, 1) * sizeof(int64), MCXT_ALLOC_HUGE);
	for (int64 k = 0; k < nvalues; k++)
		pb->stamp[k] = -1;
	pb->current = 0;
	pb->log_alpha_value = palloc_extended(Max(nvalues, 1) * sizeof(double), MCXT_ALLOC_HUGE);
	pb->inv_alpha_value = palloc_extended(Max(nvalues, 1) * sizeof(double), MCXT_ALLOC_HUGE);
	pb->log_beta_value = palloc_extended(Max(nvalues, 1) * sizeof(double), MCXT_ALLOC_HUGE);
	pb->inv_beta_value = palloc_extended(Max(nvalues, 1) * sizeof(double), MCXT_ALLOC_HUGE);
}

/* w at the time value of index k for the current frequency group; NULL if no convergence */
static const PnbdW *
pnbd_cached_w(PnbdProblem *pb, const double *m, int32 x, int32 k)
{
	if (pb->stamp[k] != pb->current)
	{
		PnbdW	   *w = &pb->cache[k];
		double		e;

		if (!pnbd_w(m, x, pb->values[k], w))
			return NULL;
		e = exp(w->log_w);
		w->log1m_w = log1p(-e);
		w->odds = e < 1.0 ? e / (1.0 - e) : 0.0;
		pb->stamp[k] = pb->current;
	}
	return &pb->cache[k];
}

/*
 * Σ LL and its gradient in (r, α, s, β); NaN where w cannot be computed.
 * Per point, ln of the bracket E(T) (1 - w(T)) + E(t_x) w(t_x) as a
 * log-sum-exp, whose shares of the sum weigh the two terms' derivatives;
 * the logarithms of α and β plus the times come from per-evaluation tables
 * and ln(1 - w) from the cache of w: one exp per point, and the log1p of
 * the log-sum-exp summed as a LogProduct.
 */
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
	double		log_alpha = log(alpha),
				log_beta = log(beta),
				lg_r = log_gamma(r),
				psi_r = digamma(r),
				base = r * log_alpha + s * log_beta - lg_r;
	int32		cur_x = -1;
	double		lg_rx = 0.0,
				psi_rx = 0.0;
	LogProduct	lp = {0.0, 1.0, 0};

	for (int k = 0; k < pb->nvalues; k++)
	{
		pb->log_alpha_value[k] = log(alpha + pb->values[k]);
		pb->inv_alpha_value[k] = 1.0 / (alpha + pb->values[k]);
		pb->log_beta_value[k] = log(beta + pb->values[k]);
		pb->inv_beta_value[k] = 1.0 / (beta + pb->values[k]);
	}

	for (int64 i = 0; i < data->npoints; i++)
	{
		const BtydPoint *p = &data->points[i];
		double		c = (double) p->count;
		int32		u = pb->u_index[i],
					v = pb->v_index[i];
		double		rx = r + p->x,
					la_T = pb->log_alpha_value[v],
					lb_T = pb->log_beta_value[v],
					la_x = pb->log_alpha_value[u],
					lb_x = pb->log_beta_value[u],
					share1,
					share2,
					e,
					lb;
		const PnbdW *wT,
				   *wx;

		if (p->x != cur_x || i == 0)
		{
			cur_x = p->x;
			lg_rx = log_gamma(rx);
			psi_rx = digamma(rx);
			pb->current++;		/* a new group (and evaluation): forget w */
		}
		wT = pnbd_cached_w(pb, m, p->x, v);
		wx = pnbd_cached_w(pb, m, p->x, u);
		if (wT == NULL || wx == NULL)
			return NAN;

		/* ln[E(T) (1 - w(T)) + E(tx) w(tx)] = lb + ln(1 + e) */
		lb = log_add_exp_parts(-rx * la_T - s * lb_T + wT->log1m_w,
							   -rx * la_x - s * lb_x + wx->log_w, &e, &share2);
		share1 = 1.0 - share2;
		sum += c * (lg_rx + base + lb);
		log_product_add(&lp, c, e);
		if (share1 > 0.0)
		{
			g[0] += c * share1 * (-la_T - wT->odds * wT->d[0]);
			g[1] += c * share1 * (-rx * pb->inv_alpha_value[v] - wT->odds * wT->d[1]);
			g[2] += c * share1 * (-lb_T - wT->odds * wT->d[2]);
			g[3] += c * share1 * (-s * pb->inv_beta_value[v] - wT->odds * wT->d[3]);
		}
		g[0] += c * (psi_rx - psi_r + log_alpha + share2 * (-la_x + wx->d[0]));
		g[1] += c * (r / alpha + share2 * (-rx * pb->inv_alpha_value[u] + wx->d[1]));
		g[2] += c * (log_beta + share2 * (-lb_x + wx->d[2]));
		g[3] += c * (s / beta + share2 * (-s * pb->inv_beta_value[u] + wx->d[3]));
		if ((i & 0x3FFF) == 0x3FFF)
			CHECK_FOR_INTERRUPTS();
	}
	for (int k = 0; k < 4; k++)
		grad[k] = g[k];
	return sum + log_product_total(&lp);
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
	BtydData	data,
				sample;
	PnbdProblem pb;
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
	if (btyd_sample(&data, &sample))
	{
		PnbdProblem spb;

		pnbd_problem_init(&spb, &sample);
		warm = btyd_presolve(4, theta, log_scale, pnbd_objective, &spb, hessian);
	}
	converged = btyd_fit("pnbd_fit", 4, pnbd_names, theta, log_scale, pnbd_objective, NULL, &pb, NULL,
						 warm ? hessian : NULL);
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
	have_covariance = btyd_covariance(4, m, grad, pnbd_log_likelihood_sum, &pb, covariance);
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

/*
 * P(alive at T | x, t_x, T) = E(T) / bracket
 *   = 1 / [(1 - w(T)) + w(t_x) E(t_x)/E(T)],
 * with ln(E(t_x)/E(T)) = (r+x) ln((α+T)/(α+t_x)) + s ln((β+T)/(β+t_x))
 * taken directly: as a difference of ln E(T) and ln E(t_x), each about
 * (r+x) ln(α+T), it would lose digits in proportion to the frequency.
 */
static double
pnbd_p_alive_value(const double *m, int32 x, double tx, double T)
{
	PnbdW		wT,
				wx;
	double		log_ratio,
				share;

	if (!pnbd_w(m, x, T, &wT) || !pnbd_w(m, x, tx, &wx))
		series_error(x, tx);
	log_ratio = (m[0] + x) * log1p((T - tx) / (m[1] + tx)) + m[2] * log1p((T - tx) / (m[3] + tx));
	return fmin(1.0, exp(-log_add_exp(log1p(-exp(wT.log_w)), log_ratio + wx.log_w, &share)));
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
