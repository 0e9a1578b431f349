/*
 * specfun.h
 *		Special functions (specfun.c): the normal quantile, lnΓ, digamma,
 *		trigamma, lnB and the Gauss hypergeometric function ₂F₁, with their accuracy
 *		notes in specfun.c.
 */
#ifndef RETENTION_SPECFUN_H
#define RETENTION_SPECFUN_H

extern double normal_quantile(double p);
extern double log_gamma(double x);
extern double digamma(double x);
extern double trigamma(double x);
extern double log_beta(double a, double b);
extern double hyp2f1(double a, double b, double c, double z);
extern double hyp2f1_minus_one_over_b(double a, double b, double c, double z);

#endif							/* RETENTION_SPECFUN_H */
