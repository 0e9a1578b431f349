/*
 * optimize.c
 *		BFGS quasi-Newton minimisation with a strong-Wolfe line search
 *		(Nocedal & Wright, Numerical Optimization, algorithms 3.5, 3.6 and
 *		6.1), for the small smooth problems of the BTYD fits: 3 or 4
 *		parameters on a log scale, an objective that is a mean
 *		log-likelihood, and a gradient computed analytically.
 *
 * Robustness matters more than speed here: the objective may be undefined
 * (NaN or +Inf) far from the optimum, so the line search treats such points
 * as "too far" and shrinks the step; the first step is limited to a change
 * of at most MAX_FIRST_STEP in any coordinate; a direction that is not a
 * descent direction resets the inverse-Hessian approximation to the
 * identity; and an update whose curvature s'y is not positive is skipped,
 * which keeps the approximation positive definite.
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "miscadmin.h"

#include "optimize.h"

#define WOLFE_C1 1e-4			/* sufficient decrease */
#define WOLFE_C2 0.9			/* curvature: loose, as usual for quasi-Newton */
#define MAX_FIRST_STEP 2.0		/* largest change of a coordinate on step one */
#define MAX_LINE_SEARCH_STEPS 30
/*
 * Near the minimum, the decrease along a search line falls to the rounding
 * noise of the objective (a sum over many customers), and comparing values
 * cannot tell better from worse while the gradient still can.  A line whose
 * promised decrease -slope0 is below NOISY_DECREASE times NOISE_RELATIVE of
 * |f| then takes a step by Hager & Zhang's approximate Wolfe conditions
 * (2005): the slope has fallen to between -WOLFE_C2 and +APPROX_SLOPE times
 * |slope0|, and f has not risen by more than NOISE_RELATIVE of |f|.
 * (Without it, each such line cost a full zoom of 30 evaluations and ended
 * the fit on "no further decrease possible" with the gradient 500 times the
 * tolerance.)
 */
#define NOISE_RELATIVE 1e-12
#define NOISY_DECREASE 100.0
#define APPROX_SLOPE 0.8

/* One evaluated point along the search line. */
typedef struct LinePoint
{
	double		alpha;
	double		f;
	double		slope;			/* directional derivative g'p; NaN if f is not finite */
	double		x[OPTIMIZE_MAX_DIM];
	double		g[OPTIMIZE_MAX_DIM];
} LinePoint;

typedef struct LineSearch
{
	int			n;
	const double *x0;
	const double *p;
	double		f0;
	double		slope0;
	ObjectiveFunction fn;
	void	   *arg;
	int			evaluations;
	bool		noisy;			/* the approximate Wolfe conditions apply */
	double		noise;			/* the rise of f they tolerate */
} LineSearch;

static double
dot(int n, const double *u, const double *v)
{
	double		s = 0.0;

	for (int i = 0; i < n; i++)
		s += u[i] * v[i];
	return s;
}

static double
max_abs(int n, const double *u)
{
	double		m = 0.0;

	for (int i = 0; i < n; i++)
		m = fmax(m, fabs(u[i]));
	return m;
}

static void
evaluate(LineSearch *ls, double alpha, LinePoint *pt)
{
	pt->alpha = alpha;
	for (int i = 0; i < ls->n; i++)
		pt->x[i] = ls->x0[i] + alpha * ls->p[i];
	pt->f = ls->fn(pt->x, pt->g, ls->arg);
	ls->evaluations++;
	if (isfinite(pt->f))
	{
		pt->slope = dot(ls->n, pt->g, ls->p);
		if (!isfinite(pt->slope))
			pt->f = INFINITY;
	}
	if (!isfinite(pt->f))
	{
		pt->f = INFINITY;
		pt->slope = NAN;
	}
	CHECK_FOR_INTERRUPTS();
}

static bool
sufficient_decrease(const LineSearch *ls, const LinePoint *pt)
{
	return pt->f <= ls->f0 + WOLFE_C1 * pt->alpha * ls->slope0;
}

static bool
curvature_ok(const LineSearch *ls, const LinePoint *pt)
{
	return fabs(pt->slope) <= -WOLFE_C2 * ls->slope0;
}

/* a step to take on a line whose decrease is at the noise level of f */
static bool
approximate_wolfe(const LineSearch *ls, const LinePoint *pt)
{
	return ls->noisy && pt->f <= ls->f0 + ls->noise &&
		pt->slope >= WOLFE_C2 * ls->slope0 && pt->slope <= -APPROX_SLOPE * ls->slope0;
}

/*
 * The trial step between lo and hi: the minimiser of the cubic through both
 * points' values and slopes when both are finite and it falls well inside
 * the interval, else the midpoint.
 */
static double
interpolate(const LinePoint *lo, const LinePoint *hi)
{
	double		a = lo->alpha,
				b = hi->alpha;
	double		width = b - a;
	double		trial = NAN;

	if (isfinite(lo->f) && isfinite(hi->f) && isfinite(lo->slope) && isfinite(hi->slope))
	{
		double		d1 = lo->slope + hi->slope - 3.0 * (lo->f - hi->f) / (a - b);
		double		disc = d1 * d1 - lo->slope * hi->slope;

		if (disc >= 0.0)
		{
			double		d2 = copysign(sqrt(disc), b - a);

			trial = b - (b - a) * (hi->slope + d2 - d1) / (hi->slope - lo->slope + 2.0 * d2);
		}
	}
	if (!isfinite(trial) ||
		fabs(trial - a) < 0.1 * fabs(width) || fabs(trial - b) < 0.1 * fabs(width))
		trial = a + 0.5 * width;
	return trial;
}

/*
 * Algorithm 3.6: narrows [lo, hi] (lo the best point so far, which satisfies
 * sufficient decrease) until a point satisfies both Wolfe conditions.  If the
 * interval collapses first, lo is returned when it improved on the start.
 */
static bool
zoom(LineSearch *ls, LinePoint *lo, LinePoint *hi, LinePoint *out)
{
	LinePoint	trial;

	for (int step = 0; step < MAX_LINE_SEARCH_STEPS; step++)
	{
		double		alpha = interpolate(lo, hi);

		if (fabs(hi->alpha - lo->alpha) <= 1e-15 * fmax(1.0, fabs(lo->alpha)))
			break;
		evaluate(ls, alpha, &trial);
		if (approximate_wolfe(ls, &trial))
		{
			*out = trial;
			return true;
		}
		if (!sufficient_decrease(ls, &trial) || trial.f >= lo->f)
			*hi = trial;
		else
		{
			if (curvature_ok(ls, &trial))
			{
				*out = trial;
				return true;
			}
			if (trial.slope * (hi->alpha - lo->alpha) >= 0.0)
				*hi = *lo;
			*lo = trial;
		}
	}
	if (lo->alpha > 0.0 && lo->f < ls->f0)
	{
		*out = *lo;
		return true;
	}
	return false;
}

/* Algorithm 3.5: finds a step along p satisfying the strong Wolfe conditions. */
static bool
line_search(LineSearch *ls, double alpha_init, LinePoint *out)
{
	LinePoint	prev,
				cur;

	prev.alpha = 0.0;
	prev.f = ls->f0;
	prev.slope = ls->slope0;
	for (int i = 0; i < ls->n; i++)
		prev.x[i] = ls->x0[i];

	cur.alpha = alpha_init;
	for (int step = 0; step < MAX_LINE_SEARCH_STEPS; step++)
	{
		evaluate(ls, cur.alpha, &cur);
		if (approximate_wolfe(ls, &cur))
		{
			*out = cur;
			return true;
		}
		if (!sufficient_decrease(ls, &cur) || (step > 0 && cur.f >= prev.f))
			return zoom(ls, &prev, &cur, out);
		if (curvature_ok(ls, &cur))
		{
			*out = cur;
			return true;
		}
		if (cur.slope >= 0.0)
			return zoom(ls, &cur, &prev, out);
		prev = cur;
		cur.alpha = 2.0 * cur.alpha;
	}
	*out = prev;
	return prev.alpha > 0.0;
}

void
bfgs_minimize(int n, double *x, ObjectiveFunction fn, void *arg,
			  double gtol, int max_iterations, OptimizeResult *result)
{
	double		H[OPTIMIZE_MAX_DIM * OPTIMIZE_MAX_DIM];

	bfgs_minimize_warm(n, x, H, false, fn, arg, gtol, max_iterations, result);
}

/*
 * The same, with the inverse-Hessian approximation in inverse_hessian (n x n,
 * row-major): taken as the start when warm (from an earlier minimisation of
 * a similar objective), and left there at the end either way.
 */
void
bfgs_minimize_warm(int n, double *x, double *inverse_hessian, bool warm,
				   ObjectiveFunction fn, void *arg, double gtol, int max_iterations,
				   OptimizeResult *result)
{
#define H(i, j) inverse_hessian[(i) * n + (j)]
	double		g[OPTIMIZE_MAX_DIM],
				p[OPTIMIZE_MAX_DIM],
				s[OPTIMIZE_MAX_DIM],
				y[OPTIMIZE_MAX_DIM],
				Hy[OPTIMIZE_MAX_DIM];
	double		f;
	bool		fresh = !warm;	/* H is the (scaled) identity */
	LineSearch	ls;
	LinePoint	next;

	Assert(n > 0 && n <= OPTIMIZE_MAX_DIM);
	memset(result, 0, sizeof(*result));

	f = fn(x, g, arg);
	result->evaluations = 1;
	if (!isfinite(f) || !isfinite(max_abs(n, g)))
	{
		result->f = f;
		result->gradient_norm = NAN;
		result->message = "the objective is not finite at the starting point";
		return;
	}
	if (!warm)
		for (int i = 0; i < n; i++)
			for (int j = 0; j < n; j++)
				H(i, j) = (i == j) ? 1.0 : 0.0;

	for (result->iterations = 0; result->iterations < max_iterations; result->iterations++)
	{
		double		gnorm = max_abs(n, g);
		double		slope,
					alpha,
					sy;

		result->f = f;
		result->gradient_norm = gnorm;
		if (gnorm < gtol)
		{
			result->converged = true;
			result->message = "gradient below tolerance";
			return;
		}

		for (int i = 0; i < n; i++)
		{
			p[i] = 0.0;
			for (int j = 0; j < n; j++)
				p[i] -= H(i, j) * g[j];
		}
		slope = dot(n, p, g);
		if (!(slope < 0.0))
		{
			/* not a descent direction: fall back to steepest descent */
			for (int i = 0; i < n; i++)
			{
				for (int j = 0; j < n; j++)
					H(i, j) = (i == j) ? 1.0 : 0.0;
				p[i] = -g[i];
			}
			slope = dot(n, p, g);
			fresh = true;
		}

		/*
		 * Near a minimum, the decrease a step promises (about -slope / 2)
		 * can fall below the rounding noise of f itself, a few ulps of |f|;
		 * with the gradient within 10 times the tolerance, the point is then
		 * as stationary as floating point allows.  (Farther out, the
		 * approximate Wolfe steps still make progress by the gradient.)
		 */
		if (gnorm < 10.0 * gtol && -slope < 16.0 * DBL_EPSILON * fmax(fabs(f), 1.0))
		{
			result->converged = true;
			result->message = "the remaining decrease is below the rounding of the objective";
			return;
		}

		alpha = 1.0;
		if (fresh)
			alpha = fmin(1.0, MAX_FIRST_STEP / max_abs(n, p));

		ls.n = n;
		ls.x0 = x;
		ls.p = p;
		ls.f0 = f;
		ls.slope0 = slope;
		ls.fn = fn;
		ls.arg = arg;
		ls.evaluations = 0;
		ls.noise = NOISE_RELATIVE * fmax(fabs(f), 1.0);
		ls.noisy = -slope < NOISY_DECREASE * ls.noise;
		if (!line_search(&ls, alpha, &next))
		{
			result->evaluations += ls.evaluations;
			elog(DEBUG2, "bfgs iteration %d: f %.17g gnorm %g slope %g: line search failed after %d evaluations",
				 result->iterations, f, gnorm, slope, ls.evaluations);
			if (!fresh && gnorm >= sqrt(gtol))
			{
				/* retry once along the gradient before giving up */
				for (int i = 0; i < n; i++)
					for (int j = 0; j < n; j++)
						H(i, j) = (i == j) ? 1.0 : 0.0;
				fresh = true;
				continue;
			}
			if (gnorm < sqrt(gtol))
			{
				result->converged = true;
				result->message = "no further decrease possible at a near-stationary point";
			}
			else
				result->message = "the line search found no decrease";
			return;
		}
		result->evaluations += ls.evaluations;
		elog(DEBUG2, "bfgs iteration %d: f %.17g gnorm %g slope %g alpha0 %g -> alpha %g, %d evaluations",
			 result->iterations, f, gnorm, slope, alpha, next.alpha, ls.evaluations);

		for (int i = 0; i < n; i++)
		{
			s[i] = next.x[i] - x[i];
			y[i] = next.g[i] - g[i];
			x[i] = next.x[i];
			g[i] = next.g[i];
		}
		f = next.f;

		sy = dot(n, s, y);
		if (sy > 1e-300 && isfinite(sy))
		{
			double		yHy,
						rho = 1.0 / sy;

			if (fresh)
			{
				/* scale the identity to the curvature seen (N&W eq. 6.20) */
				double		scale = sy / dot(n, y, y);

				for (int i = 0; i < n; i++)
					H(i, i) = scale;
				fresh = false;
			}
			/* H += (1 + y'Hy / s'y) ss' / s'y - (Hy s' + s y'H) / s'y */
			for (int i = 0; i < n; i++)
			{
				Hy[i] = 0.0;
				for (int j = 0; j < n; j++)
					Hy[i] += H(i, j) * y[j];
			}
			yHy = dot(n, y, Hy);
			for (int i = 0; i < n; i++)
				for (int j = 0; j < n; j++)
					H(i, j) += (1.0 + yHy * rho) * rho * s[i] * s[j] -
						rho * (Hy[i] * s[j] + s[i] * Hy[j]);
		}
	}
	result->f = f;
	result->gradient_norm = max_abs(n, g);
	result->converged = result->gradient_norm < gtol;
	result->message = result->converged ? "gradient below tolerance" : "iteration limit reached";
#undef H
}

/*
 * Solves H d = -g for d by a Cholesky factorisation of H (n x n, row-major);
 * false if H is not positive definite.
 */
static bool
newton_direction(int n, const double *hessian, const double *g, double *d)
{
	double		L[OPTIMIZE_MAX_DIM][OPTIMIZE_MAX_DIM],
				y[OPTIMIZE_MAX_DIM];

	for (int j = 0; j < n; j++)
	{
		double		s = hessian[j * n + j];

		for (int k = 0; k < j; k++)
			s -= L[j][k] * L[j][k];
		if (!(s > 0.0 && isfinite(s)))
			return false;
		L[j][j] = sqrt(s);
		for (int i = j + 1; i < n; i++)
		{
			double		t = hessian[i * n + j];

			for (int k = 0; k < j; k++)
				t -= L[i][k] * L[j][k];
			L[i][j] = t / L[j][j];
		}
	}
	/* L y = -g, then L' d = y */
	for (int i = 0; i < n; i++)
	{
		double		s = -g[i];

		for (int k = 0; k < i; k++)
			s -= L[i][k] * y[k];
		y[i] = s / L[i][i];
	}
	for (int i = n - 1; i >= 0; i--)
	{
		double		s = y[i];

		for (int k = i + 1; k < n; k++)
			s -= L[k][i] * d[k];
		d[i] = s / L[i][i];
	}
	return true;
}

/*
 * Newton's method: the step solves H d = -g, is shortened until f decreases
 * sufficiently (or, where the decrease is below the rounding of f, until the
 * gradient shrinks), and its first try is limited like BFGS's first step.
 * A Hessian that is not positive definite (far from a minimum) is shifted
 * by a multiple of the identity until it is, which turns the step towards
 * steepest descent.
 */
void
newton_minimize(int n, double *x, HessianObjective fn, void *arg,
				double gtol, int max_iterations, OptimizeResult *result)
{
	double		g[OPTIMIZE_MAX_DIM],
				H[OPTIMIZE_MAX_DIM * OPTIMIZE_MAX_DIM],
				d[OPTIMIZE_MAX_DIM],
				xt[OPTIMIZE_MAX_DIM],
				gt[OPTIMIZE_MAX_DIM],
				Ht[OPTIMIZE_MAX_DIM * OPTIMIZE_MAX_DIM];
	double		f;

	Assert(n > 0 && n <= OPTIMIZE_MAX_DIM);
	memset(result, 0, sizeof(*result));

	f = fn(x, g, H, arg);
	result->evaluations = 1;
	if (!isfinite(f) || !isfinite(max_abs(n, g)))
	{
		result->f = f;
		result->gradient_norm = NAN;
		result->message = "the objective is not finite at the starting point";
		return;
	}

	for (result->iterations = 0; result->iterations < max_iterations; result->iterations++)
	{
		double		gnorm = max_abs(n, g);
		double		slope,
					step,
					noise = NOISE_RELATIVE * fmax(fabs(f), 1.0);
		double		shift = 0.0,
					ft = NAN;
		bool		accepted = false;

		result->f = f;
		result->gradient_norm = gnorm;
		if (gnorm < gtol)
		{
			result->converged = true;
			result->message = "gradient below tolerance";
			return;
		}

		/* the Newton direction, from H shifted towards the identity if need be */
		for (;;)
		{
			double		Hs[OPTIMIZE_MAX_DIM * OPTIMIZE_MAX_DIM];

			memcpy(Hs, H, n * n * sizeof(double));
			for (int i = 0; i < n; i++)
				Hs[i * n + i] += shift;
			if (newton_direction(n, Hs, g, d))
				break;
			if (!isfinite(shift) || shift > 1e300)
			{
				result->message = "the Hessian is not finite";
				return;
			}
			shift = shift == 0.0 ? 1e-8 * fmax(1.0, max_abs(n * n, H)) : 10.0 * shift;
		}
		slope = dot(n, d, g);
		step = fmin(1.0, MAX_FIRST_STEP / max_abs(n, d));

		for (int tries = 0; tries < MAX_LINE_SEARCH_STEPS; tries++, step *= 0.5)
		{
			for (int i = 0; i < n; i++)
				xt[i] = x[i] + step * d[i];
			ft = fn(xt, gt, Ht, arg);
			result->evaluations++;
			if (!isfinite(ft) || !isfinite(max_abs(n, gt)))
				continue;
			/*
			 * Sufficient decrease; or, where the promised decrease is lost
			 * in the rounding of f, a gradient that shrank without f rising
			 * beyond that rounding.
			 */
			if (ft <= f + WOLFE_C1 * step * slope ||
				(-slope < NOISY_DECREASE * noise && ft <= f + noise &&
				 max_abs(n, gt) < gnorm))
			{
				accepted = true;
				break;
			}
		}
		elog(DEBUG2, "newton iteration %d: f %.17g gnorm %g slope %g shift %g -> step %g",
			 result->iterations, f, gnorm, slope, shift, accepted ? step : 0.0);
		if (!accepted)
		{
			if (gnorm < sqrt(gtol))
			{
				result->converged = true;
				result->message = "no further decrease possible at a near-stationary point";
			}
			else
				result->message = "the line search found no decrease";
			/* the caller's point and the objective's last evaluation differ now */
			f = fn(x, g, H, arg);
			result->evaluations++;
			return;
		}
		memcpy(x, xt, n * sizeof(double));
		memcpy(g, gt, n * sizeof(double));
		memcpy(H, Ht, n * n * sizeof(double));
		f = ft;
		CHECK_FOR_INTERRUPTS();
	}
	result->f = f;
	result->gradient_norm = max_abs(n, g);
	result->converged = result->gradient_norm < gtol;
	result->message = result->converged ? "gradient below tolerance" : "iteration limit reached";
}
