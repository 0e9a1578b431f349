/*
 * specfun.c
 *		Special functions shared by the KPIs.
 *
 * normal_quantile: the inverse of the standard normal distribution function,
 * by P. J. Acklam's rational approximation (relative error below 1.15e-9)
 * followed by one step of Halley's method on erfc, which brings it to full
 * double precision for the confidence levels analysts use.
 */
#include "retention.h"

#include <math.h>

static const double acklam_a[] = {
	-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
	1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00
};
static const double acklam_b[] = {
	-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
	6.680131188771972e+01, -1.328068155288572e+01
};
static const double acklam_c[] = {
	-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
	-2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00
};
static const double acklam_d[] = {
	7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
	3.754408661907416e+00
};

/* Acklam's approximation for the lower half, p in (0, 0.5]. */
static double
lower_quantile_estimate(double p)
{
	const double p_low = 0.02425;
	double		q,
				r;

	if (p < p_low)
	{
		q = sqrt(-2.0 * log(p));
		return (((((acklam_c[0] * q + acklam_c[1]) * q + acklam_c[2]) * q + acklam_c[3]) * q +
				 acklam_c[4]) * q + acklam_c[5]) /
			((((acklam_d[0] * q + acklam_d[1]) * q + acklam_d[2]) * q + acklam_d[3]) * q + 1.0);
	}
	q = p - 0.5;
	r = q * q;
	return (((((acklam_a[0] * r + acklam_a[1]) * r + acklam_a[2]) * r + acklam_a[3]) * r +
			 acklam_a[4]) * r + acklam_a[5]) * q /
		(((((acklam_b[0] * r + acklam_b[1]) * r + acklam_b[2]) * r + acklam_b[3]) * r +
		  acklam_b[4]) * r + 1.0);
}

/*
 * z with Phi(z) = p, for p in (0, 1).  The upper half uses the symmetry
 * z(p) = -z(1 - p), so the refinement always works on the accurate lower
 * tail of erfc.
 */
double
normal_quantile(double p)
{
	double		lower = (p > 0.5) ? 1.0 - p : p;
	double		x = lower_quantile_estimate(lower);
	double		e,
				u;

	/* Halley step: e = Phi(x) - lower, with Phi(x) = erfc(-x / sqrt 2) / 2 */
	e = 0.5 * erfc(-x / M_SQRT2) - lower;
	u = e * sqrt(2.0 * M_PI) * exp(x * x / 2.0);
	x = x - u / (1.0 + x * u / 2.0);

	return (p > 0.5) ? -x : x;
}
