/*
 * abc.c
 *		abc_class: ABC analysis as a window function.
 *
 * Used as abc_class(value) OVER (ORDER BY value DESC): a row is A while the
 * share of the partition total held by the rows ahead of it is below a_share
 * (default 0.80), B while below b_share (default 0.95), else C.  Values <= 0
 * and NULLs count as 0 and are C; a partition whose total is not positive is
 * all C.
 *
 * The class of a row depends on the partition total, so the first call of a
 * partition reads the whole partition once, classifies every row and keeps
 * one byte per row in the partition's local memory; each call then just
 * returns its row's byte.  Sums and comparisons are exact (numeric): a share
 * threshold is taken as the decimal that the float8 prints as (0.8, not
 * 0.8000000000000000444), so a row whose predecessors hold exactly 80 % of
 * the total is B.
 */
#include "retention.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/fmgrprotos.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "windowapi.h"

#define ABC_DEFAULT_A 0.80
#define ABC_DEFAULT_B 0.95

typedef struct AbcPartition
{
	bool		classified;
	float8		a_share;		/* the thresholds the partition was classified with */
	float8		b_share;
	char		classes[FLEXIBLE_ARRAY_MEMBER];	/* 'A', 'B' or 'C' per row */
} AbcPartition;

#define ABC_MAX_ROWS ((int64) (MaxAllocSize - offsetof(AbcPartition, classes)))

static void
check_abc_shares(float8 a_share, float8 b_share)
{
	if (!(a_share > 0.0 && a_share < b_share && b_share <= 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ABC shares a_share = %g and b_share = %g are invalid", a_share, b_share),
				 errhint("The shares must satisfy 0 < a_share < b_share <= 1, such as 0.80 and 0.95.")));
}

static inline int
numeric_compare(Datum a, Datum b)
{
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp, a, b));
}

/*
 * A value of the float8 or bigint overloads as a numeric: a float8 as the
 * decimal it prints as with 15 significant digits (float8_numeric), so the
 * sums stay exact; NaN and infinities become numeric ones, refused below.
 */
static Datum
abc_value_as_numeric(Datum value, Oid type)
{
	if (type == FLOAT8OID)
		return DirectFunctionCall1(float8_numeric, value);
	if (type == INT8OID)
		return DirectFunctionCall1(int8_numeric, value);
	return value;
}

/* A row's value as it counts toward the total: NULL for NULL and <= 0. */
static Datum
abc_positive_value(WindowObject winobj, int64 pos, Datum zero, bool *positive, Oid type)
{
	bool		isnull,
				isout;
	Datum		value = WinGetFuncArgInPartition(winobj, 0, (int) pos, WINDOW_SEEK_HEAD,
												 false, &isnull, &isout);

	*positive = false;
	if (isnull || isout)
		return (Datum) 0;
	value = abc_value_as_numeric(value, type);
	if (numeric_is_nan(DatumGetNumeric(value)) || numeric_is_inf(DatumGetNumeric(value)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("abc_class value %s is not a finite number",
						DatumGetCString(DirectFunctionCall1(numeric_out, value))),
				 errhint("ABC analysis needs finite values; use NULL for unknown ones.")));
	*positive = numeric_compare(value, zero) > 0;
	return value;
}

/* Classifies every row of the partition into part->classes. */
static void
abc_classify(WindowObject winobj, AbcPartition *part, int64 rows, Oid type)
{
	MemoryContext work = AllocSetContextCreate(CurrentMemoryContext, "abc_class",
											   ALLOCSET_DEFAULT_SIZES);
	MemoryContext row = AllocSetContextCreate(work, "abc_class row",
											  ALLOCSET_SMALL_SIZES);
	MemoryContext old = MemoryContextSwitchTo(work);
	Datum		zero = DirectFunctionCall1(int4_numeric, Int32GetDatum(0));
	Datum		total = zero;
	Datum		cumulative = zero;
	Datum		a_limit,
				b_limit;
	bool		positive;

	/* pass 1: the total of the positive values */
	for (int64 pos = 0; pos < rows; pos++)
	{
		Datum		value;

		CHECK_FOR_INTERRUPTS();
		MemoryContextSwitchTo(row);
		value = abc_positive_value(winobj, pos, zero, &positive, type);
		if (positive)
		{
			Datum		sum = DirectFunctionCall2(numeric_add, total, value);

			MemoryContextSwitchTo(work);
			if (total != zero)
				pfree(DatumGetPointer(total));
			total = datumCopy(sum, false, -1);
		}
		MemoryContextReset(row);
	}
	MemoryContextSwitchTo(work);

	if (numeric_compare(total, zero) <= 0)
	{
		memset(part->classes, 'C', rows);
		MemoryContextSwitchTo(old);
		MemoryContextDelete(work);
		return;
	}

	/* the thresholds in units of the values: share * total, exactly */
	a_limit = DirectFunctionCall2(numeric_mul, total,
								  DirectFunctionCall1(float8_numeric, Float8GetDatum(part->a_share)));
	b_limit = DirectFunctionCall2(numeric_mul, total,
								  DirectFunctionCall1(float8_numeric, Float8GetDatum(part->b_share)));

	/* pass 2: each row by the sum of the rows ahead of it */
	for (int64 pos = 0; pos < rows; pos++)
	{
		Datum		value;
		char		class = 'C';

		CHECK_FOR_INTERRUPTS();
		MemoryContextSwitchTo(row);
		value = abc_positive_value(winobj, pos, zero, &positive, type);
		if (positive)
		{
			Datum		sum;

			if (numeric_compare(cumulative, a_limit) < 0)
				class = 'A';
			else if (numeric_compare(cumulative, b_limit) < 0)
				class = 'B';
			sum = DirectFunctionCall2(numeric_add, cumulative, value);
			MemoryContextSwitchTo(work);
			if (cumulative != zero)
				pfree(DatumGetPointer(cumulative));
			cumulative = datumCopy(sum, false, -1);
		}
		part->classes[pos] = class;
		MemoryContextReset(row);
	}

	MemoryContextSwitchTo(old);
	MemoryContextDelete(work);
}

static Datum
abc_class_common(FunctionCallInfo fcinfo, float8 a_share, float8 b_share)
{
	WindowObject winobj = PG_WINDOW_OBJECT();
	int64		rows = WinGetPartitionRowCount(winobj);
	int64		pos = WinGetCurrentPosition(winobj);
	AbcPartition *part;

	check_abc_shares(a_share, b_share);
	/* one byte per row in the partition's local memory, a plain allocation */
	if (rows > ABC_MAX_ROWS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("abc_class partition of %lld rows is too large", (long long) rows),
				 errhint("Partition the rows into groups of at most %d rows.", (int) ABC_MAX_ROWS)));
	part = (AbcPartition *) WinGetPartitionLocalMemory(winobj,
													   offsetof(AbcPartition, classes) + rows);
	if (!part->classified)
	{
		part->a_share = a_share;
		part->b_share = b_share;
		abc_classify(winobj, part, rows, get_fn_expr_argtype(fcinfo->flinfo, 0));
		part->classified = true;
	}
	else if (part->a_share != a_share || part->b_share != b_share)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ABC shares %g and %g differ from shares %g and %g of other rows of the partition",
						a_share, b_share, part->a_share, part->b_share),
				 errhint("Use the same shares for every row of a partition, such as constants.")));

	if (pos < 0 || pos >= rows)
		elog(ERROR, "abc_class: row %lld outside its partition of %lld rows",
			 (long long) pos, (long long) rows);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(&part->classes[pos], 1));
}

/* abc_class(value numeric): shares 0.80 and 0.95 */
PG_FUNCTION_INFO_V1(abc_class);
Datum
abc_class(PG_FUNCTION_ARGS)
{
	return abc_class_common(fcinfo, ABC_DEFAULT_A, ABC_DEFAULT_B);
}

/* abc_class(value numeric, a_share float8, b_share float8) */
PG_FUNCTION_INFO_V1(abc_class_shares);
Datum
abc_class_shares(PG_FUNCTION_ARGS)
{
	WindowObject winobj = PG_WINDOW_OBJECT();
	bool		a_null,
				b_null;
	Datum		a_share = WinGetFuncArgCurrent(winobj, 1, &a_null);
	Datum		b_share = WinGetFuncArgCurrent(winobj, 2, &b_null);

	if (a_null || b_null)
		PG_RETURN_NULL();
	return abc_class_common(fcinfo, DatumGetFloat8(a_share), DatumGetFloat8(b_share));
}
