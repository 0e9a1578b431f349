/*
 * btyd.h
 *		Declarations shared by the BTYD ("buy till you die") files: the
 *		histogram that the fit aggregates accumulate (btyd_histogram.c) and
 *		the models fitted from it (btyd.c).
 */
#ifndef BTYD_H
#define BTYD_H

#include "retention.h"

#include "fmgr.h"

/* What a histogram holds: the inputs of one of the two fits. */
#define BTYD_KIND_BGNBD 1		/* (frequency, recency, tenure) */
#define BTYD_KIND_GAMMAGAMMA 2	/* (frequency, monetary_value, 0) */
#define BTYD_KIND_PNBD 3		/* Pareto/NBD: (frequency, recency, tenure) */
#define BTYD_KIND_MBGNBD 4		/* MBG/NBD: (frequency, recency, tenure) */
#define BTYD_KIND_BGBB 5		/* BG/BB: (frequency, recency, opportunities), integers */
#define BTYD_KIND_MAX 5

/*
 * BG/BB opportunities are years, quarters, months or days: its likelihood
 * sums a term per opportunity after the last purchase, so their number is
 * bounded (a century of days is 36,525).
 */
#define BGBB_MAX_OPPORTUNITIES 100000

/*
 * One distinct input with its multiplicity.  For BG/NBD, u = recency and
 * v = tenure; for Gamma-Gamma, u = monetary value and v = 0.  32 bytes, the
 * same in memory and in the flat form.
 */
typedef struct BtydPoint
{
	double		u;
	double		v;
	int64		count;
	int32		x;				/* frequency: repeat purchases */
	int32		reserved;		/* zero */
} BtydPoint;

/* The points of a histogram, sorted by (x, u, v), in the caller's context. */
typedef struct BtydData
{
	int			kind;
	double		penalizer;
	int64		npoints;
	BtydPoint  *points;
} BtydData;

/* The points of a histogram datum (either form), sorted and validated. */
extern void btyd_histogram_data(Datum histogram, BtydData *data);

/*
 * The distinct recency (u) and tenure (v) values of the points, in any
 * order, and each point's indexes into them; returns their number.
 */
extern int32 btyd_time_values(const BtydData *data, double **values, int32 **u_index,
							  int32 **v_index);

/*
 * The transition function of the fits of pnbd.c, mbgnbd.c and bgbb.c: adds
 * one customer (inputs checked by the caller) to the state in argument 0.
 */
extern Datum btyd_histogram_add_datum(FunctionCallInfo fcinfo, int kind, double penalizer,
									  int32 x, double u, double v);

/*
 * A customer's inputs, checked the same way by the fit aggregates, the
 * likelihood functions and the scoring functions (btyd_histogram.c).
 */
extern void bgnbd_check_customer(int32 frequency, double recency, double tenure);
extern void gammagamma_check_customer(int32 frequency, double monetary_value);
/* BG/BB's, with 0 <= frequency <= recency <= opportunities (bgbb.c) */
extern void bgbb_check_customer(int32 frequency, int32 recency, int32 opportunities);

#endif							/* BTYD_H */
