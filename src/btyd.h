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
 * A customer's inputs, checked the same way by the fit aggregates, the
 * likelihood functions and the scoring functions (btyd_histogram.c).
 */
extern void bgnbd_check_customer(int32 frequency, double recency, double tenure);
extern void gammagamma_check_customer(int32 frequency, double monetary_value);

#endif							/* BTYD_H */
