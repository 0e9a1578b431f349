/*
 * activity_product.h
 *		Helpers shared by the product-retention accessors of the activity
 *		summary (activity_product.c, activity_stages.c): set-returning output
 *		in materialize mode, parameter checks, and the "complete" flag of a
 *		bucket.  Definitions in SPEC.md section 7 and doc/product-retention.md.
 */
#ifndef RETENTION_ACTIVITY_PRODUCT_H
#define RETENTION_ACTIVITY_PRODUCT_H

#include "retention.h"

#include "access/tupdesc.h"
#include "period.h"
#include "utils/tuplestore.h"

/* more output rows than this is a request for a coarser period */
#define PRODUCT_MAX_CELLS ((int64) 20 * 1000 * 1000)

/* longest window, inactivity or repeat horizon in days: ten years */
#define PRODUCT_MAX_WINDOW 3660

typedef struct ProductOutput
{
	Tuplestorestate *store;
	TupleDesc	desc;
} ProductOutput;

extern void product_output_begin(FunctionCallInfo fcinfo, ProductOutput *output);
extern void product_output_row(ProductOutput *output, Datum *values, bool *nulls);

/* An int parameter outside [lo, hi]: ERROR 22023 naming it, with a hint. */
extern void product_check_int(const char *what, int value, int lo, int hi);

/* ERROR 54000 when a report would exceed PRODUCT_MAX_CELLS rows. */
extern void product_check_cells(int64 cells, const Period *period);

/*
 * Whether the calendar bucket with the given index has ended by last_day
 * (its last day is on or before last_day).
 */
static inline bool
product_bucket_complete(const Period *period, int64 index, DateADT last_day)
{
	return (int64) period_start(period, index + 1) <= (int64) last_day + 1;
}

#endif							/* RETENTION_ACTIVITY_PRODUCT_H */
