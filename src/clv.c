/*
 * clv.c
 *		Formula customer lifetime value: the textbook product of order value,
 *		purchase frequency and lifespan, and the retention-based margin
 *		formula over an infinite or finite horizon.
 */
#include "retention.h"

#include <math.h>

#include "fmgr.h"
#include "summary_io.h"

/* A finite, non-negative float8 argument, or 22023 naming it. */
static void
check_non_negative(const char *what, float8 value)
{
	if (!isfinite(value) || value < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s %s is not a finite number >= 0", what, float8_shortest(value)),
				 errhint("The %s must be zero or a positive finite number.", what)));
}

/*
 * clv(average_order_value, purchase_frequency, lifespan) = AOV x purchases
 * per time unit x lifespan in that unit.
 */
PG_FUNCTION_INFO_V1(clv_simple);
Datum
clv_simple(PG_FUNCTION_ARGS)
{
	float8		order_value = PG_GETARG_FLOAT8(0);
	float8		frequency = PG_GETARG_FLOAT8(1);
	float8		lifespan = PG_GETARG_FLOAT8(2);

	check_non_negative("average_order_value", order_value);
	check_non_negative("purchase_frequency", frequency);
	check_non_negative("lifespan", lifespan);
	PG_RETURN_FLOAT8(order_value * frequency * lifespan);
}

static void
check_retention_inputs(float8 margin, float8 retention, float8 discount)
{
	if (!isfinite(margin))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("margin %s is not a finite number", float8_shortest(margin)),
				 errhint("The margin is the finite profit per customer and period.")));
	if (!(retention >= 0 && retention <= 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("retention rate %s is out of range", float8_shortest(retention)),
				 errhint("A retention rate is a fraction between 0 and 1, such as 0.8.")));
	check_non_negative("discount rate", discount);
}

/*
 * clv_retention(margin m, retention_rate r, discount_rate d): the margin
 * earned at the end of each period survived, discounted, over an infinite
 * horizon: sum over t >= 1 of m r^t / (1 + d)^t = m r / (1 + d - r).
 */
PG_FUNCTION_INFO_V1(clv_retention);
Datum
clv_retention(PG_FUNCTION_ARGS)
{
	float8		margin = PG_GETARG_FLOAT8(0);
	float8		retention = PG_GETARG_FLOAT8(1);
	float8		discount = PG_GETARG_FLOAT8(2);

	check_retention_inputs(margin, retention, discount);
	if (retention == 1 && discount == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("retention rate 1 with discount rate 0 has no finite lifetime value"),
				 errhint("Use a retention rate below 1, a positive discount rate, or clv_retention(margin, retention_rate, discount_rate, periods) for a finite horizon.")));
	PG_RETURN_FLOAT8(margin * retention / (discount + (1.0 - retention)));
}

/*
 * clv_retention(m, r, d, periods T) = sum over t = 1..T of m r^t / (1 + d)^t.
 * With q = r / (1 + d), the geometric sum is m q (1 - q^T) / (1 - q)
 * = m r (1 - q^T) / (1 + d - r); 1 - q^T is computed as
 * -expm1(T log1p(q - 1)) so that it stays accurate when q is near 1, and
 * q = 1 (r = 1, d = 0) is m T.
 */
PG_FUNCTION_INFO_V1(clv_retention_periods);
Datum
clv_retention_periods(PG_FUNCTION_ARGS)
{
	float8		margin = PG_GETARG_FLOAT8(0);
	float8		retention = PG_GETARG_FLOAT8(1);
	float8		discount = PG_GETARG_FLOAT8(2);
	int32		periods = PG_GETARG_INT32(3);
	float8		gap;
	float8		not_surviving;

	check_retention_inputs(margin, retention, discount);
	if (periods < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("periods %d is negative", periods),
				 errhint("The number of periods is zero or more.")));
	if (periods == 0 || retention == 0)
		PG_RETURN_FLOAT8(0.0);

	/* (1 + d)(1 - q); 1 - r is exact for r >= 0.5, the usual range */
	gap = discount + (1.0 - retention);
	if (gap == 0)
		PG_RETURN_FLOAT8(margin * periods);
	not_surviving = -expm1(periods * log1p(-gap / (1.0 + discount)));
	PG_RETURN_FLOAT8(margin * retention * not_surviving / gap);
}
