/*
 * optimize.h
 *		Small minimisers for the few-parameter maximum-likelihood fits of the
 *		BTYD models: quasi-Newton (BFGS with a strong-Wolfe line search), and
 *		Newton's method for objectives with an analytic Hessian.
 */
#ifndef OPTIMIZE_H
#define OPTIMIZE_H

#include <stdbool.h>

#define OPTIMIZE_MAX_DIM 8

/*
 * The objective: returns f(x) and stores its gradient in grad.  A point where
 * f is not finite (outside the domain) may return NaN or +Inf; the line
 * search then shortens the step.
 */
typedef double (*ObjectiveFunction) (const double *x, double *grad, void *arg);

typedef struct OptimizeResult
{
	double		f;				/* objective at the returned point */
	double		gradient_norm;	/* its largest absolute gradient component */
	int			iterations;
	int			evaluations;
	bool		converged;
	const char *message;		/* why it stopped, for diagnostics */
} OptimizeResult;

/*
 * Minimises fn over R^n from x (overwritten with the best point found).
 * Converged means the largest absolute gradient component fell below gtol,
 * or no further decrease was possible with a gradient already below
 * sqrt(gtol) (the floating-point floor of a flat objective).
 */
extern void bfgs_minimize(int n, double *x, ObjectiveFunction fn, void *arg,
						  double gtol, int max_iterations, OptimizeResult *result);

/*
 * The same with the inverse-Hessian approximation in inverse_hessian (n x n,
 * row-major): the start if warm, the final approximation on return.
 */
extern void bfgs_minimize_warm(int n, double *x, double *inverse_hessian, bool warm,
							   ObjectiveFunction fn, void *arg, double gtol,
							   int max_iterations, OptimizeResult *result);

/*
 * An objective with its Hessian: returns f(x), its gradient in grad and its
 * Hessian (n x n, row-major) in hessian.
 */
typedef double (*HessianObjective) (const double *x, double *grad, double *hessian, void *arg);

/*
 * Minimises fn over R^n from x (overwritten with the best point found) by
 * Newton's method with a backtracking line search; converged as for BFGS.
 * A start close to the minimum (a presolve's) converges in a few
 * evaluations, each as costly as a gradient's when the Hessian's terms are
 * products of what the gradient computes anyway.
 */
extern void newton_minimize(int n, double *x, HessianObjective fn, void *arg,
							double gtol, int max_iterations, OptimizeResult *result);

#endif							/* OPTIMIZE_H */
