/*
 * btyd_family.h
 *		What the fits of the BTYD model family share (btyd_model.c): the fit
 *		driver, the covariance of the estimates, the model composites and
 *		their cached parameters, and the checks of scoring arguments.
 */
#ifndef BTYD_FAMILY_H
#define BTYD_FAMILY_H

#include "btyd.h"

#include <math.h>

#include "optimize.h"
#include "specfun.h"

/* A model has at most this many parameters. */
#define BTYD_MAX_PARAMETERS 4

/*
 * The summed log-likelihood of a fit's data at natural (not logarithmic)
 * parameters, with its gradient in grad; problem is the fit's own state.
 */
typedef double (*BtydLogLikelihood) (void *problem, const double *param, double *grad);

/* What to do about a fit that did not converge: a hint sentence, or NULL. */
typedef char *(*FitRemedy) (void *arg);

/*
 * Minimises fn from theta (and, if not NULL, the inverse-Hessian
 * approximation of a presolve); false (after a WARNING, with the remedy's
 * hint if one is given) unless it converged inside.  With a presolve and an
 * analytic Hessian (newton, the same objective), Newton's method does the
 * minimising, BFGS only if it does not converge.
 */
extern bool btyd_fit(const char *what, int n, const char *const *names, double *theta,
					 const double *log_scale, ObjectiveFunction fn, HessianObjective newton,
					 void *arg, FitRemedy remedy, double *inverse_hessian);

/*
 * A start for the fit of many distinct points (btyd.c): btyd_sample gives
 * every k-th point (false if there are too few points to bother), and
 * btyd_presolve fits the sample's problem from theta; if that converged,
 * theta and inverse_hessian (n x n) are what btyd_fit starts from.
 */
extern bool btyd_sample(const BtydData *data, BtydData *sample);
extern bool btyd_presolve(int n, double *theta, const double *log_scale, ObjectiveFunction fn,
						  void *arg, double *inverse_hessian);

/*
 * The covariance of the estimates: the inverse of the Hessian of -LL at
 * param, by forward differences of the analytic gradient from grad, the
 * gradient at param.  False if that Hessian is not positive definite (no
 * covariance then).
 */
extern bool btyd_covariance(int n, const double *param, const double *grad,
							BtydLogLikelihood fn, void *problem, double *covariance);
/* the same from the Hessian of LL (n x n, row-major), analytic */
extern bool btyd_covariance_from_hessian(int n, const double *ll_hessian, double *covariance);

/*
 * The derivatives on the log scale θ = ln p (the scale every fit minimises
 * on) of an objective whose gradient in p is g and Hessian h (n x n).
 */
extern void btyd_log_scale_derivatives(int n, const double *param, const double *g,
									   const double *h, double *grad_theta,
									   double *hess_theta);

/*
 * The model composite: the parameters, log_likelihood, customers,
 * converged and, when the type has it, covariance (NULL if cov is NULL).
 */
extern Datum btyd_model_datum(FunctionCallInfo fcinfo, const double *param, int nparam,
							  double log_likelihood, int64 customers, bool converged,
							  const double *covariance);

extern int64 btyd_customer_count(const BtydData *data);

/*
 * The parameters of the model in argument argno, checked positive and
 * finite, cached across calls with the same model.
 */
extern const double *btyd_model_arg(FunctionCallInfo fcinfo, int argno, int nparam,
									const char *type_name, const char *const *names);

extern void btyd_check_parameter(const char *type_name, const char *name, double value);
extern void btyd_check_horizon(double t);
extern void btyd_check_clv_arguments(int32 months, double discount_rate);

/* Gamma-Gamma's conditional expected spend (btyd.c). */
extern double gammagamma_expected_spend(const double *m, int32 x, double mv);

/*
 * A customer's expected purchases in the next t (BG/BB: the next future
 * opportunities) given x, t_x and T, the models' parameters in m, inputs
 * checked by the caller: btyd.c, pnbd.c, mbgnbd.c and bgbb.c, also used by
 * the holdout check (holdout.c).
 */
extern double bgnbd_expected_purchases(const double *m, double t, int32 x, double tx, double T);
extern double pnbd_expected_purchases(const double *m, double t, int32 x, double tx, double T);
extern double mbgnbd_expected_purchases(const double *m, double t, int32 x, double tx, double T);
extern double bgbb_expected_purchases(const double *m, int32 future, int32 x, int32 tx, int32 n);

/* log(exp(a) + exp(b)) and the share exp(b) of the sum in *share_b */
static inline double
log_add_exp(double a, double b, double *share_b)
{
	double		e;

	if (a >= b)
	{
		e = exp(b - a);
		*share_b = e / (1.0 + e);
		return a + log1p(e);
	}
	e = exp(a - b);
	*share_b = 1.0 / (1.0 + e);
	return b + log1p(e);
}

/*
 * A sum of c ln(1 + e) over many points with e in [0, 1] (the log1p of a
 * log-sum-exp of two terms, as every likelihood of the family has), as
 * the logarithm of the product of the (1 + e): one log per LOG_PRODUCT_TERMS
 * points instead of one log1p per point, which was the largest part of an
 * evaluation.  The product stays below 2^LOG_PRODUCT_TERMS; rounding 1 + e
 * costs at most an ulp of 1 per point, far below the rounding of the sum.
 * Points that stand for several customers take the log1p.
 */
#define LOG_PRODUCT_TERMS 256

typedef struct LogProduct
{
	double		sum;
	double		product;
	int			terms;
} LogProduct;

static inline void
log_product_add(LogProduct *lp, double count, double e)
{
	if (count != 1.0)
	{
		lp->sum += count * log1p(e);
		return;
	}
	lp->product *= 1.0 + e;
	if (++lp->terms == LOG_PRODUCT_TERMS)
	{
		lp->sum += log(lp->product);
		lp->product = 1.0;
		lp->terms = 0;
	}
}

static inline double
log_product_total(const LogProduct *lp)
{
	return lp->sum + log(lp->product);
}

/*
 * log_add_exp in parts, for sums that add the log1p through a LogProduct:
 * returns max(a, b) and sets *e to exp(-|a - b|), so that ln(e^a + e^b) is
 * the result plus ln(1 + *e).
 */
static inline double
log_add_exp_parts(double a, double b, double *e, double *share_b)
{
	if (a >= b)
	{
		*e = exp(b - a);
		*share_b = *e / (1.0 + *e);
		return a;
	}
	*e = exp(a - b);
	*share_b = 1.0 / (1.0 + *e);
	return b;
}

#endif							/* BTYD_FAMILY_H */
