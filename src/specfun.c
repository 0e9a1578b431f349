/*
 * specfun.c
 *		Special functions shared by the KPIs (specfun.h), and their SQL
 *		wrappers ln_gamma, digamma, ln_beta and hyp2f1.
 *
 * normal_quantile: the inverse of the standard normal distribution function,
 * by P. J. Acklam's rational approximation (relative error below 1.15e-9)
 * followed by one step of Halley's method on erfc, which brings it to full
 * double precision for the confidence levels analysts use.
 */
#include "retention.h"

#include <math.h>

#include "fmgr.h"
#include "miscadmin.h"
#include "specfun.h"

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

/* ---------------------------------------------------------------- */
/* Gamma-family functions and the Gauss hypergeometric function     */
/* ---------------------------------------------------------------- */

/*
 * ln Γ(x) for x > 0.  C99's lgamma is accurate to a few ulps on every libm
 * PostgreSQL supports; the wrapper exists so that callers state the domain
 * (the sign of Γ never matters for x > 0).
 */
double
log_gamma(double x)
{
	return lgamma(x);
}

/*
 * ψ(x) = d/dx ln Γ(x) for x > 0: the recurrence ψ(x) = ψ(x + 1) - 1/x lifts
 * x to at least 10, where the asymptotic series
 *   ψ(x) ~ ln x - 1/(2x) - Σ B_2k / (2k x^2k)
 * truncated after x^-14 is accurate to well below one ulp.
 */
double
digamma(double x)
{
	double		result = 0.0;
	double		inv,
				inv2;

	if (!(x > 0.0))
		return NAN;
	while (x < 10.0)
	{
		result -= 1.0 / x;
		x += 1.0;
	}
	inv = 1.0 / x;
	inv2 = inv * inv;
	result += log(x) - 0.5 * inv -
		inv2 * (1.0 / 12 - inv2 * (1.0 / 120 - inv2 * (1.0 / 252 - inv2 * (1.0 / 240 -
		inv2 * (1.0 / 132 - inv2 * (691.0 / 32760 - inv2 * (1.0 / 12)))))));
	return result;
}

/*
 * ψ'(x) = d/dx ψ(x) for x > 0, the trigamma function, which the analytic
 * Hessians of the likelihoods need: the recurrence ψ'(x) = ψ'(x + 1) + 1/x²
 * lifts x to at least 10, where the asymptotic series
 *   ψ'(x) ~ 1/x + 1/(2x²) + Σ B_2k / x^(2k+1)
 * truncated after x^-15 is accurate to well below one ulp.
 */
double
trigamma(double x)
{
	double		result = 0.0;
	double		inv,
				inv2;

	if (!(x > 0.0))
		return NAN;
	while (x < 10.0)
	{
		result += 1.0 / (x * x);
		x += 1.0;
	}
	inv = 1.0 / x;
	inv2 = inv * inv;
	result += inv + 0.5 * inv2 +
		inv * inv2 * (1.0 / 6 - inv2 * (1.0 / 30 - inv2 * (1.0 / 42 - inv2 * (1.0 / 30 -
		inv2 * (5.0 / 66 - inv2 * (691.0 / 2730 - inv2 * (7.0 / 6)))))));
	return result;
}

/*
 * ln B(a, b) = ln Γ(a) + ln Γ(b) - ln Γ(a + b) for a, b > 0.  The absolute
 * error is a few ulps of the largest of the three terms, which is what the
 * likelihoods need: they only use differences of such values of similar size.
 */
double
log_beta(double a, double b)
{
	return lgamma(a) + lgamma(b) - lgamma(a + b);
}

/*
 * (₂F₁(a, b; c; z) - 1) / b by its power series, for |z| < 1 and c not a
 * non-positive integer.  Dividing by b analytically (each term after the
 * first carries the factor b) keeps the value exact as b -> 0, which the
 * BG/NBD expectations need at a = 1.  The series is summed until a bound on
 * the rest of it falls below 1e-17 of the sum, with a generous cap: near
 * z = 1 its terms decay like n^(a+b-c-1) z^n, so the count of terms grows
 * like 1 / (1 - z).  Returns NaN if the cap is hit (z within about 1e-6
 * of 1).
 */
double
hyp2f1_minus_one_over_b(double a, double b, double c, double z)
{
	const int	max_terms = 10000000;
	double		term,
				sum;

	if (!(fabs(z) < 1.0))
		return NAN;
	if (z == 0.0)
		return 0.0;
	/* n = 1: a z / c; then t_{n+1} = t_n (a + n)(b + n) z / ((c + n)(n + 1)) */
	term = a * z / c;
	sum = term;
	for (int n = 1; n < max_terms; n++)
	{
		double		ratio = (a + n) * (b + n) / ((c + n) * (n + 1)) * z;

		term *= ratio;
		sum += term;
		if (term == 0.0)
			return sum;

		/*
		 * Stop when the rest of the series cannot change the sum.  With a
		 * <= c and b <= 1 (or the other way round) and n past -a and -b,
		 * every later ratio is at most z, so the rest is below
		 * |term| z / (1 - z).  Otherwise, far past every parameter, the
		 * ratios settle monotonically toward z and the current one bounds
		 * them.
		 */
		if (n + a > 0 && n + b > 0 && z > 0 &&
			((a <= c && b <= 1.0) || (b <= c && a <= 1.0)))
		{
			if (fabs(term) * z < 1e-17 * fabs(sum) * (1.0 - z))
				return sum;
		}
		else if (n > 2.0 * (fabs(a) + fabs(b) + fabs(c)) + 10.0 && fabs(ratio) < 1.0 &&
				 fabs(term) * fabs(ratio) < 1e-17 * fabs(sum) * (1.0 - fabs(ratio)))
			return sum;
		if ((n & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return NAN;
}

/*
 * ₂F₁(a, b; c; z) for |z| < 1.  When c - a and c - b are smaller than a and
 * b (as for the BG/NBD's ₂F₁(r + x, b + x; a + b + x - 1; z), where the
 * customer's x grows all three), Euler's transformation
 *   ₂F₁(a, b; c; z) = (1 - z)^(c-a-b) ₂F₁(c - a, c - b; c; z)
 * moves the large parameter into c alone, where it speeds the series up
 * instead of making its terms grow to huge values before they cancel.
 */
double
hyp2f1(double a, double b, double c, double z)
{
	if (fabs((c - a) * (c - b)) < fabs(a * b) && z > 0.0)
		return pow(1.0 - z, c - a - b) *
			(1.0 + (c - b) * hyp2f1_minus_one_over_b(c - a, c - b, c, z));
	return 1.0 + b * hyp2f1_minus_one_over_b(a, b, c, z);
}

/* ---------------------------------------------------------------- */
/* SQL functions, for tests and analysts                            */
/* ---------------------------------------------------------------- */

static void
check_positive_argument(const char *function, double value)
{
	if (!(value > 0.0 && isfinite(value)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s argument %g is out of range", function, value),
				 errhint("The argument must be positive and finite.")));
}

PG_FUNCTION_INFO_V1(sql_ln_gamma);
Datum
sql_ln_gamma(PG_FUNCTION_ARGS)
{
	double		x = PG_GETARG_FLOAT8(0);

	check_positive_argument("ln_gamma", x);
	PG_RETURN_FLOAT8(log_gamma(x));
}

PG_FUNCTION_INFO_V1(sql_digamma);
Datum
sql_digamma(PG_FUNCTION_ARGS)
{
	double		x = PG_GETARG_FLOAT8(0);

	check_positive_argument("digamma", x);
	PG_RETURN_FLOAT8(digamma(x));
}

PG_FUNCTION_INFO_V1(sql_ln_beta);
Datum
sql_ln_beta(PG_FUNCTION_ARGS)
{
	double		a = PG_GETARG_FLOAT8(0),
				b = PG_GETARG_FLOAT8(1);

	check_positive_argument("ln_beta", a);
	check_positive_argument("ln_beta", b);
	PG_RETURN_FLOAT8(log_beta(a, b));
}

PG_FUNCTION_INFO_V1(sql_hyp2f1);
Datum
sql_hyp2f1(PG_FUNCTION_ARGS)
{
	double		a = PG_GETARG_FLOAT8(0),
				b = PG_GETARG_FLOAT8(1),
				c = PG_GETARG_FLOAT8(2),
				z = PG_GETARG_FLOAT8(3);
	double		result;

	if (!(isfinite(a) && isfinite(b) && isfinite(c)) || (c <= 0.0 && c == floor(c)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("hyp2f1 parameters a = %g, b = %g, c = %g are out of range", a, b, c),
				 errhint("a, b and c must be finite, and c not 0 or a negative integer.")));
	if (!(fabs(z) < 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("hyp2f1 argument z = %g is out of range", z),
				 errhint("The series is evaluated for -1 < z < 1.")));
	result = hyp2f1(a, b, c, z);
	if (isnan(result))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("hyp2f1 series did not converge for z = %.17g", z)));
	PG_RETURN_FLOAT8(result);
}
