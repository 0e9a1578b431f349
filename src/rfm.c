/*
 * rfm.c
 *		The rfm aggregate (recency, frequency, monetary value per customer,
 *		with the conventions of the BTYD literature) and rfm_segment.
 *
 * rfm is used with GROUP BY customer_id, so the executor keeps one
 * transition state per customer, often a million of them.  The state is
 * therefore a small plain varlena (type rfm_state): a fixed header with the
 * order count, the exact revenue and the first day's total, followed by the
 * customer's distinct purchase days in ascending order, with spare room that
 * grows geometrically.  A row is added in place without allocating: orders
 * usually arrive in date order, so a day is normally equal to or after the
 * last one kept and costs one comparison; an earlier day is found by binary
 * search and inserted.
 *
 * Revenue is exact.  Numeric amounts are read straight from their stored form
 * into 128-bit integers counting units of 10^-scale, scale being the largest
 * display scale seen (so revenue prints as sum(amount) does).  Amounts that do
 * not fit (very large values, or more than DECIMAL_MAX_SCALE decimal places) move
 * that customer's sums to numeric arithmetic, kept after the days; the result
 * is the same, only slower.  float8 amounts are summed exactly too, in the
 * 256-bit fixed point of float_sum.h (the revenue in the place of the
 * 128-bit sums, the first day's total after the days), and rounded to float8
 * once when read: unlike sum(float8), the result does not depend on the
 * order of the rows or on how a parallel plan or a rollup split them.
 *
 * monetary_value needs each repeat day's total only through their sum, which
 * is revenue minus the first day's total, so the state keeps just the total
 * of its earliest day.
 */
#include "retention.h"

#include <math.h>

#include "access/htup_details.h"
#include "decimal.h"
#include "fmgr.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/float.h"
#include "utils/fmgrprotos.h"
#include "float_sum.h"
#include "summary_io.h"
#include "utils/numeric.h"

/* the compact text form goes through the binary form */
extern Datum rfm_state_send(PG_FUNCTION_ARGS);
extern Datum rfm_state_recv(PG_FUNCTION_ARGS);

/*
 * Format version 2 (release 0.2) sums float8 amounts exactly.  Version 1
 * kept their sums as float8 in the place of the fixed-point sums; states
 * of version 1 stored in tables, dumps and copies are still read, and
 * converted (rfm_state_current).
 */
#define RFM_STATE_VERSION 2
#define RFM_STATE_VERSION_FLOAT8_SUMS 1

/* flags */
#define RFM_FLOAT_AMOUNTS	0x01	/* sums are float8 (the float8 overloads) */
#define RFM_NUMERIC_SUMS	0x02	/* sums outgrew int128: numerics follow the days */

/*
 * Room for days comes in allocations of a power of two bytes (what palloc
 * hands out anyway): 16 days in the first 128 bytes, then 48, 112, ... (8,
 * 40, 104, ... for float8 amounts, whose first day's total follows the
 * days).  Most customers never outgrow the first, which the executor
 * allocates right next to the customer's hash table entry, so a row touches
 * few cache lines.
 */
#define RFM_INITIAL_BYTES 128
#define RFM_DAYS_FOR_BYTES(bytes) \
	((int32) (((bytes) - offsetof(RfmState, days)) / sizeof(DateADT)))
#define RFM_MAX_DAYS ((int32) ((MaxAllocSize - 1024) / sizeof(DateADT)))

typedef union RfmSum
{
	int128		fixed;			/* units of 10^-scale */
	float8		real;			/* format version 1 with RFM_FLOAT_AMOUNTS */
} RfmSum;

/*
 * With RFM_FLOAT_AMOUNTS (format version 2) the exact revenue takes the
 * place of the two RfmSums, where a row finds it next to the header, and the
 * first day's total, which most rows leave alone, follows the days; so a
 * customer of float8 amounts with up to 8 purchase days fits in 128 bytes,
 * as one of numeric amounts with up to 16 does.
 */

typedef struct RfmState
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	uint8		version;
	uint8		flags;
	int16		scale;			/* decimal places of fixed sums */
	DateADT		observation_end;
	int32		ndays;			/* distinct purchase days in days[] */
	int32		capacity;		/* room in days[] */
	int64		orders;			/* rows on or before observation_end */
	RfmSum		revenue;
	RfmSum		first_total;	/* total amount of days[0] */
	DateADT		days[FLEXIBLE_ARRAY_MEMBER];	/* ascending, distinct */
	/* with RFM_NUMERIC_SUMS, then (MAXALIGNed): revenue, first_total numerics */
	/* with RFM_FLOAT_AMOUNTS, then (MAXALIGNed): first_total FloatSum */
} RfmState;

StaticAssertDecl(offsetof(RfmState, days) - offsetof(RfmState, revenue) == sizeof(FloatSum),
				 "the revenue of float8 amounts takes the place of the two RfmSums");

#define RFM_DAYS_END(capacity) \
	MAXALIGN(offsetof(RfmState, days) + (Size) (capacity) * sizeof(DateADT))

/* the bytes that follow the days, but numeric sums (which vary) */
#define RFM_TRAILING_BYTES(flags) \
	(((flags) & RFM_FLOAT_AMOUNTS) ? sizeof(FloatSum) : 0)

/* How a row or merged state changes the first day's total. */
typedef enum FirstDay
{
	FIRST_KEEP,					/* not on the first day */
	FIRST_ADD,					/* on the first day */
	FIRST_RESET					/* on a new, earlier first day */
} FirstDay;

/*
 * An amount to add: its fixed-point form when it has one, else (or also) a
 * numeric, or an exact float8 sum.
 */
typedef struct RfmAmount
{
	bool		fits;			/* value/scale hold it */
	int128		value;
	int			scale;
	Numeric		numeric;		/* NULL until needed, when it fits */
	FloatSum	exact;			/* float8 amounts */
} RfmAmount;

static inline Numeric
numeric_plus(Numeric a, Numeric b)
{
	return DatumGetNumeric(DirectFunctionCall2(numeric_add, NumericGetDatum(a),
											   NumericGetDatum(b)));
}

/* ---------------------------------------------------------------- */
/* dates                                                            */
/* ---------------------------------------------------------------- */

/* A date for messages, in the session's DateStyle */
static char *
date_text(DateADT day)
{
	return DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(day)));
}

/* Purchase days and observation ends must be finite dates. */
static inline void
check_finite_date(const char *what, DateADT day)
{
	if (DATE_NOT_FINITE(day))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s %s is not a finite date", what, date_text(day)),
				 errhint("rfm needs finite purchase dates and observation ends.")));
}

/* ---------------------------------------------------------------- */
/* the state                                                        */
/* ---------------------------------------------------------------- */

static inline Numeric
rfm_numeric_revenue(RfmState *state)
{
	return (Numeric) ((char *) state + RFM_DAYS_END(state->capacity));
}

static inline Numeric
rfm_numeric_first_total(RfmState *state)
{
	Numeric		revenue = rfm_numeric_revenue(state);

	return (Numeric) ((char *) revenue + MAXALIGN(VARSIZE(revenue)));
}

/* the sums of float8 amounts (format version 2) */
static inline FloatSum *
rfm_float_revenue(RfmState *state)
{
	return (FloatSum *) &state->revenue;
}

static inline FloatSum *
rfm_float_first_total(RfmState *state)
{
	return (FloatSum *) ((char *) state + RFM_DAYS_END(state->capacity));
}

/*
 * A copy of state with room for capacity days and, when revenue is given, the
 * numeric sums revenue and first_total (switching to numeric sums).  Made in
 * the current memory context: returned from a transition function, the
 * executor copies it into the aggregate's context and frees the old state.
 */
static RfmState *
rfm_state_rebuild(RfmState *state, int32 capacity, Numeric revenue, Numeric first_total)
{
	Size		size = RFM_DAYS_END(capacity);
	RfmState   *copy;

	if (revenue == NULL && (state->flags & RFM_NUMERIC_SUMS))
	{
		revenue = rfm_numeric_revenue(state);
		first_total = rfm_numeric_first_total(state);
	}
	if (revenue != NULL)
		size += MAXALIGN(VARSIZE(revenue)) + VARSIZE(first_total);
	size += RFM_TRAILING_BYTES(state->flags);
	if (capacity > RFM_MAX_DAYS || size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("rfm state with room for %d purchase days and its sums exceeds the 1 GB limit of a value",
						capacity),
				 errhint("An rfm state holds the purchase days of one customer; group the rows by customer.")));

	copy = palloc0(size);
	memcpy(copy, state, offsetof(RfmState, days) + state->ndays * sizeof(DateADT));
	SET_VARSIZE(copy, size);
	copy->capacity = capacity;
	if (state->flags & RFM_FLOAT_AMOUNTS)
		*rfm_float_first_total(copy) = *rfm_float_first_total(state);
	if (revenue != NULL)
	{
		copy->flags |= RFM_NUMERIC_SUMS;
		memcpy(rfm_numeric_revenue(copy), revenue, VARSIZE(revenue));
		memcpy(rfm_numeric_first_total(copy), first_total, VARSIZE(first_total));
	}
	return copy;
}

static RfmState *
rfm_state_new(DateADT observation_end, uint8 flags, int32 capacity)
{
	Size		size = RFM_DAYS_END(capacity) + RFM_TRAILING_BYTES(flags);
	RfmState   *state = palloc0(size);

	SET_VARSIZE(state, size);
	state->version = RFM_STATE_VERSION;
	state->flags = flags;
	state->observation_end = observation_end;
	state->capacity = capacity;
	return state;
}

/*
 * Input validation and the aggregates guarantee these invariants;
 * assertion-enabled builds check them again on every state that is read
 * (the transition functions' own state inside an aggregate excepted: a
 * check of every day on every row would make the aggregate quadratic).
 */
static RfmState *
rfm_state_checked(RfmState *state)
{
#ifdef USE_ASSERT_CHECKING
	Size		days_end = RFM_DAYS_END(state->capacity);

	Assert(state->version == RFM_STATE_VERSION);
	Assert((state->flags & ~(RFM_FLOAT_AMOUNTS | RFM_NUMERIC_SUMS)) == 0 &&
		   (state->flags & (RFM_FLOAT_AMOUNTS | RFM_NUMERIC_SUMS)) !=
		   (RFM_FLOAT_AMOUNTS | RFM_NUMERIC_SUMS));
	Assert(state->capacity >= 0 && state->capacity <= RFM_MAX_DAYS);
	Assert(state->ndays >= 0 && state->ndays <= state->capacity);
	Assert(state->orders >= state->ndays && (state->ndays > 0 || state->orders == 0));
	Assert(IS_VALID_DATE(state->observation_end) && !DATE_NOT_FINITE(state->observation_end));
	for (int32 i = 0; i < state->ndays; i++)
	{
		Assert(IS_VALID_DATE(state->days[i]) && !DATE_NOT_FINITE(state->days[i]));
		Assert(state->days[i] <= state->observation_end);
		Assert(i == 0 || state->days[i] > state->days[i - 1]);
	}
	if (state->flags & RFM_NUMERIC_SUMS)
	{
		Numeric		revenue = rfm_numeric_revenue(state);
		Numeric		first_total;

		Assert(VARSIZE(state) >= days_end + VARHDRSZ);
		Assert(!VARATT_IS_SHORT(revenue) &&
			   VARSIZE(state) >= days_end + MAXALIGN(VARSIZE(revenue)) + VARHDRSZ);
		first_total = rfm_numeric_first_total(state);
		Assert(!VARATT_IS_SHORT(first_total) &&
			   VARSIZE(state) == days_end + MAXALIGN(VARSIZE(revenue)) + VARSIZE(first_total));
		Assert(!numeric_is_nan(revenue) && !numeric_is_nan(first_total));
		Assert(!numeric_is_inf(revenue) && !numeric_is_inf(first_total));
	}
	else if (state->flags & RFM_FLOAT_AMOUNTS)
	{
		Assert(VARSIZE(state) == days_end + sizeof(FloatSum));
		Assert(float_sum_in_range(rfm_float_revenue(state)) &&
			   float_sum_in_range(rfm_float_first_total(state)));
	}
	else
	{
		Assert(VARSIZE(state) == days_end);
		Assert(state->scale >= 0 && state->scale <= DECIMAL_MAX_SCALE &&
			   fixed_in_range(state->revenue.fixed) &&
			   fixed_in_range(state->first_total.fixed));
	}
#endif
	return state;
}

/*
 * The state in the current format: a state of format version 1 (stored in a
 * table by release 0.1) as a new one.  Its layout is the current one, but
 * that a state of float8 amounts kept its sums as float8 in the place of the
 * 128-bit sums; each is taken exactly (a sum below 2^-44 to the nearest
 * 2^-96), so the state answers as it did.
 */
static RfmState *
rfm_state_current(RfmState *state)
{
	RfmState   *copy;

	if (state->version == RFM_STATE_VERSION)
		return state;
	if (state->version != RFM_STATE_VERSION_FLOAT8_SUMS)
		elog(ERROR, "rfm_state of unknown format version %d", state->version);

	if (state->flags & RFM_FLOAT_AMOUNTS)
	{
		FloatSum	revenue,
					first_total;

		if (!float_sum_set_float8(&revenue, state->revenue.real) ||
			!float_sum_set_float8(&first_total, state->first_total.real))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("rfm_state of format version 1 with float8 revenue %s and first day's total %s is out of range for an exact float8 sum",
							float8out_internal(state->revenue.real),
							float8out_internal(state->first_total.real)),
					 errhint("Release 0.2 sums float8 amounts exactly, below 2^%d; aggregate such amounts as numeric.",
							 FLOAT_SUM_RANGE_EXPONENT)));
		copy = rfm_state_new(state->observation_end, state->flags, state->capacity);
		memcpy(copy->days, state->days, state->ndays * sizeof(DateADT));
		copy->ndays = state->ndays;
		copy->orders = state->orders;
		*rfm_float_revenue(copy) = revenue;
		*rfm_float_first_total(copy) = first_total;
		return copy;
	}

	copy = palloc(VARSIZE(state));
	memcpy(copy, state, VARSIZE(state));
	copy->version = RFM_STATE_VERSION;
	return copy;
}

#define PG_GETARG_RFM_STATE(n) \
	rfm_state_checked(rfm_state_current((RfmState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(n))))

/* A state argument: updated in place inside an aggregate, else copied. */
static RfmState *
rfm_state_arg(FunctionCallInfo fcinfo, int argno)
{
	RfmState   *state;

	if (AggCheckCallContext(fcinfo, NULL))
		return rfm_state_current((RfmState *) PG_GETARG_POINTER(argno));
	state = (RfmState *) PG_DETOAST_DATUM_COPY(PG_GETARG_DATUM(argno));
	return rfm_state_checked(rfm_state_current(state));
}

static void
check_same_end(RfmState *state, DateADT observation_end)
{
	if (state->observation_end != observation_end)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("observation_end %s differs from observation_end %s of other rows of the group",
						date_text(observation_end), date_text(state->observation_end)),
				 errhint("Use one observation_end for all rows of a customer, such as a constant.")));
}

static void
check_same_kind(RfmState *state, uint8 flags)
{
	if ((state->flags & RFM_FLOAT_AMOUNTS) != (flags & RFM_FLOAT_AMOUNTS))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot combine rfm states of numeric and float8 amounts"),
				 errhint("Aggregate amounts of one type at a time.")));
}

/*
 * The room for more than `days` days, filling the next power-of-two
 * allocation with the bytes that follow the days of a state of these flags
 * (the last step stops at the 1 GB limit of a value).
 */
static int32
rfm_grown_capacity(int32 days, uint8 flags)
{
	Size		trailing = RFM_TRAILING_BYTES(flags);
	Size		bytes = RFM_INITIAL_BYTES;

	if (days >= RFM_MAX_DAYS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("rfm state of %d distinct purchase days exceeds the limit of %d",
						days + 1, RFM_MAX_DAYS),
				 errhint("An rfm state holds the purchase days of one customer; group the rows by customer.")));
	while ((bytes < trailing + offsetof(RfmState, days) ||
			RFM_DAYS_FOR_BYTES(bytes - trailing) <= days) && bytes < MaxAllocSize)
		bytes *= 2;
	return Min(RFM_DAYS_FOR_BYTES(bytes - trailing), RFM_MAX_DAYS);
}

/*
 * Records a purchase day (kept distinct and ascending); returns the state,
 * reallocated when it needed room.
 */
static RfmState *
rfm_add_day(RfmState *state, DateADT day)
{
	int32		n = state->ndays;
	int32		pos;

	if (n > 0 && day <= state->days[n - 1])
	{
		int32		lo = 0,
					hi = n - 1;

		if (day == state->days[n - 1])
			return state;
		/* an earlier day: the first position whose day is >= day */
		while (lo < hi)
		{
			int32		mid = lo + (hi - lo) / 2;

			if (state->days[mid] < day)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (state->days[lo] == day)
			return state;
		pos = lo;
	}
	else
		pos = n;

	if (n == state->capacity)
		state = rfm_state_rebuild(state, rfm_grown_capacity(n, state->flags), NULL, NULL);
	if (pos < n)
		memmove(&state->days[pos + 1], &state->days[pos], (n - pos) * sizeof(DateADT));
	state->days[pos] = day;
	state->ndays = n + 1;
	return state;
}

/* The amount as a numeric (for the numeric sums). */
static Numeric
rfm_amount_numeric(RfmAmount *amount)
{
	if (amount->numeric == NULL)
		amount->numeric = fixed_to_numeric(amount->value, amount->scale);
	return amount->numeric;
}

/*
 * Adds `revenue` to the revenue and applies `how` with `first` to the first
 * day's total, in fixed point when everything fits, else in numeric (for good:
 * the state then keeps numeric sums).  Returns the state, possibly rebuilt.
 */
static RfmState *
rfm_add_amounts(RfmState *state, RfmAmount *revenue, RfmAmount *first, FirstDay how)
{
	Numeric		new_revenue,
				new_first;

	if (state->flags & RFM_FLOAT_AMOUNTS)
	{
		FloatSum   *sum_revenue = rfm_float_revenue(state);
		FloatSum   *sum_first = rfm_float_first_total(state);

		/*
		 * Sums of rows cannot leave the range of exact sums (2^63 amounts
		 * below 2^95), but sums of states read from text or binary can:
		 * float_sum_add raises 22003 then, rather than let a sum wrap around.
		 */
		float_sum_add(sum_revenue, &revenue->exact);
		if (how == FIRST_RESET)
			*sum_first = first->exact;
		else if (how == FIRST_ADD)
			float_sum_add(sum_first, &first->exact);
		return state;
	}

	if (!(state->flags & RFM_NUMERIC_SUMS))
	{
		if (revenue->fits && first->fits)
		{
			int			scale = Max(state->scale, Max(revenue->scale, first->scale));
			int128		r,
						f,
						add_r,
						add_f;

			/* all or nothing: compute, then store */
			if (fixed_rescale(state->revenue.fixed, scale - state->scale, &r) &&
				fixed_rescale(state->first_total.fixed, scale - state->scale, &f) &&
				fixed_rescale(revenue->value, scale - revenue->scale, &add_r) &&
				fixed_rescale(first->value, scale - first->scale, &add_f))
			{
				r += add_r;
				if (how == FIRST_RESET)
					f = add_f;
				else if (how == FIRST_ADD)
					f += add_f;
				if (fixed_in_range(r) && fixed_in_range(f))
				{
					state->scale = scale;
					state->revenue.fixed = r;
					state->first_total.fixed = f;
					return state;
				}
			}
		}
		/* from now on this state sums in numeric */
		state = rfm_state_rebuild(state, state->capacity,
								  fixed_to_numeric(state->revenue.fixed, state->scale),
								  fixed_to_numeric(state->first_total.fixed, state->scale));
	}

	new_revenue = numeric_plus(rfm_numeric_revenue(state), rfm_amount_numeric(revenue));
	new_first = rfm_numeric_first_total(state);
	if (how == FIRST_RESET)
		new_first = rfm_amount_numeric(first);
	else if (how == FIRST_ADD)
		new_first = numeric_plus(new_first, rfm_amount_numeric(first));
	return rfm_state_rebuild(state, state->capacity, new_revenue, new_first);
}

/* ---------------------------------------------------------------- */
/* transition and combine functions                                 */
/* ---------------------------------------------------------------- */

static void
rfm_amount_from_numeric(RfmAmount *amount, Datum datum)
{
	bool		special;

	amount->numeric = NULL;
	amount->fits = numeric_to_fixed(datum, &amount->value, &amount->scale, &special);
	if (special)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("amount %s is not a finite number",
						DatumGetCString(DirectFunctionCall1(numeric_out, datum))),
				 errhint("An order amount must be a finite number.")));
	if (!amount->fits)
		amount->numeric = DatumGetNumeric(datum);
}

static void
rfm_amount_from_float8(RfmAmount *amount, float8 value)
{
	if (isnan(value) || isinf(value))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("amount %s is not a finite number", float8out_internal(value)),
				 errhint("An order amount must be a finite number.")));
	amount->fits = false;
	amount->numeric = NULL;
	float_sum_init(&amount->exact);
	float_sum_add_float8(&amount->exact, value, "amount");
}

/*
 * The body of every rfm transition function: one order row of a customer,
 * `at` already a date.  NULL arguments skip the row.
 */
static Datum
rfm_accumulate_until(FunctionCallInfo fcinfo, DateADT at, RfmAmount *amount, uint8 flags,
					 DateADT observation_end)
{
	RfmState   *state;
	FirstDay	how;

	check_finite_date("observation_end", observation_end);
	check_finite_date("purchase date", at);

	if (PG_ARGISNULL(0))
		state = rfm_state_new(observation_end, flags, rfm_grown_capacity(0, flags));
	else
	{
		state = rfm_state_arg(fcinfo, 0);
		check_same_end(state, observation_end);
		check_same_kind(state, flags);
	}

	/* later rows are ignored, but still fix the group's observation_end */
	if (at > observation_end)
		PG_RETURN_POINTER(state);

	if (state->ndays == 0 || at < state->days[0])
		how = FIRST_RESET;
	else if (at == state->days[0])
		how = FIRST_ADD;
	else
		how = FIRST_KEEP;
	state = rfm_add_amounts(state, amount, amount, how);
	state = rfm_add_day(state, at);
	state->orders++;

	PG_RETURN_POINTER(state);
}

static Datum
rfm_accumulate(FunctionCallInfo fcinfo, DateADT at, RfmAmount *amount, uint8 flags)
{
	return rfm_accumulate_until(fcinfo, at, amount, flags, PG_GETARG_DATEADT(3));
}

#define RFM_SKIP_NULLS() \
	do { \
		if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3)) \
			return state_unchanged(fcinfo); \
	} while (0)

static inline DateADT
timestamptz_to_day(Datum ts)
{
	return DatumGetDateADT(DirectFunctionCall1(timestamptz_date, ts));
}

/* rfm_transfn(state, at date, amount numeric, observation_end date) */
PG_FUNCTION_INFO_V1(rfm_transfn);
Datum
rfm_transfn(PG_FUNCTION_ARGS)
{
	RfmAmount	amount;

	RFM_SKIP_NULLS();
	rfm_amount_from_numeric(&amount, PG_GETARG_DATUM(2));
	return rfm_accumulate(fcinfo, PG_GETARG_DATEADT(1), &amount, 0);
}

/* rfm_transfn(state, at date, amount float8, observation_end date) */
PG_FUNCTION_INFO_V1(rfm_float8_transfn);
Datum
rfm_float8_transfn(PG_FUNCTION_ARGS)
{
	RfmAmount	amount;

	RFM_SKIP_NULLS();
	rfm_amount_from_float8(&amount, PG_GETARG_FLOAT8(2));
	return rfm_accumulate(fcinfo, PG_GETARG_DATEADT(1), &amount, RFM_FLOAT_AMOUNTS);
}

/* rfm_transfn(state, at timestamptz, amount numeric, observation_end date) */
PG_FUNCTION_INFO_V1(rfm_timestamptz_transfn);
Datum
rfm_timestamptz_transfn(PG_FUNCTION_ARGS)
{
	RfmAmount	amount;

	RFM_SKIP_NULLS();
	rfm_amount_from_numeric(&amount, PG_GETARG_DATUM(2));
	return rfm_accumulate(fcinfo, timestamptz_to_day(PG_GETARG_DATUM(1)), &amount, 0);
}

/* rfm_transfn(state, at timestamptz, amount float8, observation_end date) */
PG_FUNCTION_INFO_V1(rfm_timestamptz_float8_transfn);
Datum
rfm_timestamptz_float8_transfn(PG_FUNCTION_ARGS)
{
	RfmAmount	amount;

	RFM_SKIP_NULLS();
	rfm_amount_from_float8(&amount, PG_GETARG_FLOAT8(2));
	return rfm_accumulate(fcinfo, timestamptz_to_day(PG_GETARG_DATUM(1)), &amount,
						  RFM_FLOAT_AMOUNTS);
}

/*
 * rfm_timestamptz_end_transfn(state, at timestamptz, amount numeric,
 * observation_end timestamptz), and its float8 twin: observation_end such as
 * now(), its day taken in the session time zone like the purchase times'.
 */
PG_FUNCTION_INFO_V1(rfm_timestamptz_end_transfn);
Datum
rfm_timestamptz_end_transfn(PG_FUNCTION_ARGS)
{
	RfmAmount	amount;

	RFM_SKIP_NULLS();
	rfm_amount_from_numeric(&amount, PG_GETARG_DATUM(2));
	return rfm_accumulate_until(fcinfo, timestamptz_to_day(PG_GETARG_DATUM(1)), &amount, 0,
								timestamptz_to_day(PG_GETARG_DATUM(3)));
}

PG_FUNCTION_INFO_V1(rfm_timestamptz_end_float8_transfn);
Datum
rfm_timestamptz_end_float8_transfn(PG_FUNCTION_ARGS)
{
	RfmAmount	amount;

	RFM_SKIP_NULLS();
	rfm_amount_from_float8(&amount, PG_GETARG_FLOAT8(2));
	return rfm_accumulate_until(fcinfo, timestamptz_to_day(PG_GETARG_DATUM(1)), &amount,
								RFM_FLOAT_AMOUNTS, timestamptz_to_day(PG_GETARG_DATUM(3)));
}

/* A state's revenue or first day's total as an amount to add elsewhere. */
static void
rfm_amount_from_sum(RfmAmount *amount, RfmState *state, bool first)
{
	amount->numeric = NULL;
	amount->fits = false;
	if (state->flags & RFM_FLOAT_AMOUNTS)
		amount->exact = first ? *rfm_float_first_total(state) : *rfm_float_revenue(state);
	else if (state->flags & RFM_NUMERIC_SUMS)
		amount->numeric = first ? rfm_numeric_first_total(state) : rfm_numeric_revenue(state);
	else
	{
		amount->fits = true;
		amount->value = first ? state->first_total.fixed : state->revenue.fixed;
		amount->scale = state->scale;
	}
}

/* Adds the days of other to state (set union). */
static RfmState *
rfm_merge_days(RfmState *state, const RfmState *other)
{
	int32		na = state->ndays,
				nb = other->ndays;
	int32		n = 0,
				i = 0,
				j = 0;
	DateADT    *merged;

	if (nb == 0)
		return state;

	/* the states of a date-ordered scan usually just follow each other */
	if (na == 0 || state->days[na - 1] < other->days[0])
	{
		/* both are at most RFM_MAX_DAYS, so the sum fits in an int32 */
		if (na + nb > state->capacity)
			state = rfm_state_rebuild(state, rfm_grown_capacity(na + nb - 1, state->flags), NULL, NULL);
		memcpy(&state->days[na], other->days, nb * sizeof(DateADT));
		state->ndays = na + nb;
		return state;
	}

	/* room for the union only: the days of both may overlap */
	merged = palloc_extended(((Size) na + nb) * sizeof(DateADT), MCXT_ALLOC_HUGE);
	while (i < na || j < nb)
	{
		DateADT		day;

		if (j >= nb || (i < na && state->days[i] < other->days[j]))
			day = state->days[i++];
		else if (i >= na || other->days[j] < state->days[i])
			day = other->days[j++];
		else
		{
			day = state->days[i++];
			j++;
		}
		merged[n++] = day;
	}
	if (n > state->capacity)
		state = rfm_state_rebuild(state, rfm_grown_capacity(n - 1, state->flags), NULL, NULL);
	memcpy(state->days, merged, n * sizeof(DateADT));
	state->ndays = n;
	pfree(merged);
	return state;
}

/*
 * rfm_combinefn(a rfm_state, b rfm_state): the state of both sets of rows.
 * The combine function of every rfm aggregate and the transition function of
 * rollup(rfm_state); NULL on either side is skipped.
 */
PG_FUNCTION_INFO_V1(rfm_combinefn);
Datum
rfm_combinefn(PG_FUNCTION_ARGS)
{
	RfmState   *state;
	RfmState   *other;
	RfmAmount	revenue,
				first;
	FirstDay	how;

	if (PG_ARGISNULL(1))
		return state_unchanged(fcinfo);
	/*
	 * The executor copies a state it did not allocate.  A state that went
	 * through a tuple (from a parallel worker, or a table) may have a short
	 * varlena header; the state kept must be the plain, aligned form.
	 */
	if (PG_ARGISNULL(0))
		PG_RETURN_POINTER(PG_GETARG_RFM_STATE(1));

	state = rfm_state_checked(rfm_state_arg(fcinfo, 0));
	other = PG_GETARG_RFM_STATE(1);
	check_same_end(state, other->observation_end);
	check_same_kind(state, other->flags);

	if (other->ndays == 0)
		PG_RETURN_POINTER(state);
	if (state->ndays == 0 || other->days[0] < state->days[0])
		how = FIRST_RESET;
	else if (other->days[0] == state->days[0])
		how = FIRST_ADD;
	else
		how = FIRST_KEEP;

	rfm_amount_from_sum(&revenue, other, false);
	rfm_amount_from_sum(&first, other, true);
	state = rfm_add_amounts(state, &revenue, &first, how);
	state = rfm_merge_days(state, other);
	state->orders = count_add(state->orders, other->orders);

	PG_RETURN_POINTER(state);
}

/* ---------------------------------------------------------------- */
/* results                                                          */
/* ---------------------------------------------------------------- */

/*
 * rfm(rfm_state) -> rfm_summary: the final function of the rfm aggregates.
 * NULL when no row was on or before observation_end.
 */
PG_FUNCTION_INFO_V1(rfm_finalfn);
Datum
rfm_finalfn(PG_FUNCTION_ARGS)
{
	RfmState   *state;
	TupleDesc	tupdesc = (TupleDesc) fcinfo->flinfo->fn_extra;
	Datum		values[8];
	bool		nulls[8] = {0};
	int32		frequency;
	DateADT		first_order,
				last_order;
	float8		monetary;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state = PG_GETARG_RFM_STATE(0);
	if (state->ndays == 0)
		PG_RETURN_NULL();

	/* one blessed descriptor for all the groups of a query */
	if (tupdesc == NULL)
	{
		TupleDesc	result;
		MemoryContext old;

		if (get_call_result_type(fcinfo, NULL, &result) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "rfm: return type must be a row type");
		old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
		tupdesc = BlessTupleDesc(CreateTupleDescCopy(result));
		MemoryContextSwitchTo(old);
		fcinfo->flinfo->fn_extra = tupdesc;
	}

	first_order = state->days[0];
	last_order = state->days[state->ndays - 1];
	frequency = state->ndays - 1;

	values[0] = DateADTGetDatum(first_order);
	values[1] = DateADTGetDatum(last_order);
	values[2] = Int64GetDatum(state->orders);
	values[4] = Int32GetDatum(frequency);
	values[5] = Int32GetDatum(last_order - first_order);
	values[6] = Int32GetDatum(state->observation_end - first_order);

	if (state->flags & RFM_FLOAT_AMOUNTS)
	{
		/* each rounded to float8 once; the repeat days' total exactly first */
		values[3] = DirectFunctionCall1(float8_numeric,
										Float8GetDatum(float_sum_value(rfm_float_revenue(state))));
		monetary = 0.0;
		if (frequency > 0)
		{
			FloatSum	repeat = *rfm_float_revenue(state);

			float_sum_subtract(&repeat, rfm_float_first_total(state));
			monetary = float_sum_value(&repeat) / frequency;
		}
	}
	else if (state->flags & RFM_NUMERIC_SUMS)
	{
		Numeric		revenue = rfm_numeric_revenue(state);

		values[3] = NumericGetDatum(revenue);
		monetary = 0.0;
		if (frequency > 0)
		{
			Datum		repeat = DirectFunctionCall2(numeric_sub, NumericGetDatum(revenue),
													 NumericGetDatum(rfm_numeric_first_total(state)));

			monetary = DatumGetFloat8(DirectFunctionCall1(numeric_float8, repeat)) / frequency;
		}
	}
	else
	{
		values[3] = NumericGetDatum(fixed_to_numeric(state->revenue.fixed, state->scale));
		monetary = 0.0;
		if (frequency > 0)
		{
			/* exact difference; the scale is a power of ten up to 10^30 */
			int128		repeat = state->revenue.fixed - state->first_total.fixed;

			monetary = ((double) repeat / pow(10.0, state->scale)) / frequency;
		}
	}
	values[7] = Float8GetDatum(monetary);

	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/*
 * rfm_agg's final function: the state without its spare room, so stored
 * states are compact and their bytes deterministic.
 */
PG_FUNCTION_INFO_V1(rfm_agg_finalfn);
Datum
rfm_agg_finalfn(PG_FUNCTION_ARGS)
{
	RfmState   *state;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state = PG_GETARG_RFM_STATE(0);
	PG_RETURN_POINTER(rfm_state_rebuild(state, state->ndays, NULL, NULL));
}

/* ---------------------------------------------------------------- */
/* text and binary forms of rfm_state                               */
/* ---------------------------------------------------------------- */

/*
 * Text: "v2 amounts=numeric end=2024-12-31 orders=3 revenue=35.00
 * first_day_total=10.00 days=2024-01-05,2024-02-01" (dates in ISO form
 * whatever the DateStyle).  For the float8 overloads, amounts=float8 and the
 * sums in the form of float_sum.h: "revenue=0.30000000000000004" when the
 * sum is that float8, "revenue=1+5.551115123125783e-17" when it is not.
 * Version 1 had the same fields, float8 sums as one float8.
 */

/* Everything a state is made of, before it is checked and built. */
typedef struct RfmParts
{
	bool		is_float;
	DateADT		observation_end;
	int64		orders;
	Datum		revenue;		/* numeric, unless is_float */
	Datum		first_total;
	FloatSum	float_revenue;	/* is_float */
	FloatSum	float_first_total;
	int32		ndays;
	DateADT    *days;
} RfmParts;

/* What is wrong with the parts: 22P02 from text input, 22P03 from binary. */
pg_noreturn static void
parts_error(SummaryReader *text, const char *detail)
{
	if (text != NULL)
		summary_text_error(text, detail);
	summary_binary_error("rfm_state", detail);
}

/*
 * Checks the parts (read from text, or from binary when text is NULL) and
 * builds the state.
 */
static RfmState *
rfm_state_from_parts(RfmParts *parts, SummaryReader *text)
{
	RfmState   *state;
	RfmAmount	revenue,
				first;

	if (!IS_VALID_DATE(parts->observation_end) || DATE_NOT_FINITE(parts->observation_end))
		parts_error(text, "The observation end is not a finite date.");
	if (parts->orders < parts->ndays || (parts->orders > 0 && parts->ndays == 0))
		parts_error(text, "The order count does not match the purchase days.");
	for (int i = 0; i < parts->ndays; i++)
	{
		DateADT		day = parts->days[i];

		if (!IS_VALID_DATE(day) || DATE_NOT_FINITE(day) || day > parts->observation_end)
			parts_error(text, "A purchase day is not a finite date on or before the observation end.");
		if (i > 0 && day <= parts->days[i - 1])
			parts_error(text, "The purchase days are not distinct and ascending.");
	}

	state = rfm_state_new(parts->observation_end,
						  parts->is_float ? RFM_FLOAT_AMOUNTS : 0, Max(parts->ndays, 1));
	state->orders = parts->orders;
	if (parts->ndays > 0)
		memcpy(state->days, parts->days, parts->ndays * sizeof(DateADT));
	state->ndays = parts->ndays;

	if (parts->is_float)
	{
		/* the readers checked the range */
		*rfm_float_revenue(state) = parts->float_revenue;
		*rfm_float_first_total(state) = parts->float_first_total;
		return state;
	}
	else
	{
		bool		special_r,
					special_f;

		revenue.fits = numeric_to_fixed(parts->revenue, &revenue.value, &revenue.scale, &special_r);
		first.fits = numeric_to_fixed(parts->first_total, &first.value, &first.scale, &special_f);
		if (special_r || special_f)
			parts_error(text, "The revenue and the first day's total must be finite.");
		revenue.numeric = DatumGetNumeric(parts->revenue);
		first.numeric = DatumGetNumeric(parts->first_total);
		return rfm_add_amounts(state, &revenue, &first, FIRST_RESET);
	}
}

/* the amounts= field */
static const char *const amount_kinds[] = {"numeric", "float8"};

/*
 * A sum of float8 amounts in format version 1, one float8: as an exact sum,
 * or (reader NULL: binary input) 22P03 when it is beyond the range.
 */
static void
float_sum_of_version_1(SummaryReader *reader, double value, FloatSum *sum)
{
	const char *detail;

	if (float_sum_set_float8(sum, value))
		return;
	detail = psprintf("The sum %s of format version 1 is beyond the range of an exact float8 sum (magnitudes below 2^%d).",
					  float8_shortest(value), FLOAT_SUM_RANGE_EXPONENT);
	if (reader != NULL)
		summary_text_error(reader, detail);
	summary_binary_error("rfm_state", detail);
}

/*
 * A revenue field: a numeric, or a float8 sum with amounts=float8 (one
 * float8 in version 1).
 */
static Datum
read_amount(SummaryReader *reader, bool is_float, int version, FloatSum *sum)
{
	if (!is_float)
		return NumericGetDatum(summary_read_numeric(reader));
	if (version == RFM_STATE_VERSION_FLOAT8_SUMS)
		float_sum_of_version_1(reader, summary_read_float8(reader), sum);
	else
		summary_read_float_sum(reader, sum);
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(rfm_state_in);
Datum
rfm_state_in(PG_FUNCTION_ARGS)
{
	char	   *input = PG_GETARG_CSTRING(0);
	SummaryReader reader;
	RfmParts	parts;
	int32		room = 16;
	int			version;

	SUMMARY_IN_COMPACT_VERSIONS(rfm_state_recv, "rfm_state", RFM_STATE_VERSION_FLOAT8_SUMS,
								RFM_STATE_VERSION);
	version = summary_read_begin_versions(&reader, "rfm_state", input,
										  RFM_STATE_VERSION_FLOAT8_SUMS, RFM_STATE_VERSION);
	summary_read_key(&reader, "amounts");
	parts.is_float = summary_read_word(&reader, amount_kinds, 2) == 1;
	summary_read_key(&reader, "end");
	parts.observation_end = summary_read_date(&reader);
	summary_read_key(&reader, "orders");
	parts.orders = summary_read_count(&reader);
	summary_read_key(&reader, "revenue");
	parts.revenue = read_amount(&reader, parts.is_float, version, &parts.float_revenue);
	summary_read_key(&reader, "first_day_total");
	parts.first_total = read_amount(&reader, parts.is_float, version, &parts.float_first_total);
	summary_read_key(&reader, "days");
	parts.ndays = 0;
	parts.days = palloc(room * sizeof(DateADT));
	if (*reader.cursor != '\0' && *reader.cursor != ' ')
	{
		for (;;)
		{
			if (parts.ndays == room)
			{
				if (room >= RFM_MAX_DAYS / 2)
					summary_syntax_error(&reader, "fewer purchase days");
				room *= 2;
				parts.days = repalloc(parts.days, room * sizeof(DateADT));
			}
			parts.days[parts.ndays++] = summary_read_date(&reader);
			if (*reader.cursor != ',')
				break;
			reader.cursor++;
		}
	}
	summary_read_end(&reader);

	PG_RETURN_POINTER(rfm_state_from_parts(&parts, &reader));
}

/* The revenue (or the first day's total) as a numeric; not for float8 amounts. */
static Numeric
rfm_sum_numeric(RfmState *state, bool first)
{
	if (state->flags & RFM_NUMERIC_SUMS)
		return first ? rfm_numeric_first_total(state) : rfm_numeric_revenue(state);
	return fixed_to_numeric(first ? state->first_total.fixed : state->revenue.fixed,
							state->scale);
}

static void
append_sum(StringInfo out, RfmState *state, bool first)
{
	if (state->flags & RFM_FLOAT_AMOUNTS)
		summary_write_float_sum(out, first ? rfm_float_first_total(state) : rfm_float_revenue(state));
	else
		summary_write_numeric(out, rfm_sum_numeric(state, first));
}

PG_FUNCTION_INFO_V1(rfm_state_out);
Datum
rfm_state_out(PG_FUNCTION_ARGS)
{
	RfmState   *state = PG_GETARG_RFM_STATE(0);
	StringInfoData out;

	SUMMARY_OUT_COMPACT(rfm_state_send, SUMMARY_LARGE_COMPACT);
	initStringInfo(&out);
	summary_write_begin(&out, RFM_STATE_VERSION);
	appendStringInfo(&out, " amounts=%s end=",
					 (state->flags & RFM_FLOAT_AMOUNTS) ? "float8" : "numeric");
	summary_write_date(&out, state->observation_end);
	appendStringInfo(&out, " orders=" INT64_FORMAT " revenue=", state->orders);
	append_sum(&out, state, false);
	appendStringInfoString(&out, " first_day_total=");
	append_sum(&out, state, true);
	appendStringInfoString(&out, " days=");
	for (int i = 0; i < state->ndays; i++)
	{
		if (i > 0)
			appendStringInfoChar(&out, ',');
		summary_write_date(&out, state->days[i]);
	}
	PG_RETURN_CSTRING(out.data);
}

/*
 * Binary: version byte, kind byte (0 numeric, 1 float8), observation end
 * (date), order count (count), revenue and first day's total (numeric, or
 * for float8 amounts float_sum.h's four words; in version 1 one float8), day
 * count (int32), days (dates): summary_io.h's binary values.
 */
PG_FUNCTION_INFO_V1(rfm_state_recv);
Datum
rfm_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	RfmParts	parts;
	int			kind;
	int			version;

	version = summary_recv_versions(buf, "rfm_state", RFM_STATE_VERSION_FLOAT8_SUMS,
									RFM_STATE_VERSION);
	kind = summary_recv_byte(buf, "rfm_state");
	if (kind != 0 && kind != 1)
		summary_binary_error("rfm_state", "The amount kind is neither 0 (numeric) nor 1 (float8).");
	parts.is_float = kind == 1;
	parts.observation_end = summary_recv_date(buf, "rfm_state");
	parts.orders = summary_recv_count(buf, "rfm_state");
	if (parts.is_float && version == RFM_STATE_VERSION_FLOAT8_SUMS)
	{
		float_sum_of_version_1(NULL, summary_recv_float8(buf, "rfm_state"),
							   &parts.float_revenue);
		float_sum_of_version_1(NULL, summary_recv_float8(buf, "rfm_state"),
							   &parts.float_first_total);
	}
	else if (parts.is_float)
	{
		summary_recv_float_sum(buf, "rfm_state", &parts.float_revenue);
		summary_recv_float_sum(buf, "rfm_state", &parts.float_first_total);
	}
	else
	{
		parts.revenue = NumericGetDatum(summary_recv_numeric(buf, "rfm_state"));
		parts.first_total = NumericGetDatum(summary_recv_numeric(buf, "rfm_state"));
	}
	if (buf->len - buf->cursor < 4)
		summary_binary_error("rfm_state", "The value is truncated.");
	parts.ndays = pq_getmsgint(buf, 4);
	if (parts.ndays < 0 || parts.ndays > (buf->len - buf->cursor) / 4)
		summary_binary_error("rfm_state", "The day count does not match the value's length.");
	if (parts.ndays > RFM_MAX_DAYS)
		summary_binary_error("rfm_state", "The day count exceeds the limit of an rfm state.");
	parts.days = palloc(Max(parts.ndays, 1) * sizeof(DateADT));
	for (int i = 0; i < parts.ndays; i++)
		parts.days[i] = summary_recv_date(buf, "rfm_state");
	summary_recv_end(buf, "rfm_state");

	PG_RETURN_POINTER(rfm_state_from_parts(&parts, NULL));
}

PG_FUNCTION_INFO_V1(rfm_state_send);
Datum
rfm_state_send(PG_FUNCTION_ARGS)
{
	RfmState   *state = PG_GETARG_RFM_STATE(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, RFM_STATE_VERSION);
	pq_sendbyte(&buf, (state->flags & RFM_FLOAT_AMOUNTS) ? 1 : 0);
	pq_sendint32(&buf, state->observation_end);
	pq_sendint64(&buf, state->orders);
	if (state->flags & RFM_FLOAT_AMOUNTS)
	{
		summary_send_float_sum(&buf, rfm_float_revenue(state));
		summary_send_float_sum(&buf, rfm_float_first_total(state));
	}
	else
	{
		summary_send_numeric(&buf, rfm_sum_numeric(state, false));
		summary_send_numeric(&buf, rfm_sum_numeric(state, true));
	}
	pq_sendint32(&buf, state->ndays);
	for (int i = 0; i < state->ndays; i++)
		pq_sendint32(&buf, state->days[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* ---------------------------------------------------------------- */
/* segments                                                         */
/* ---------------------------------------------------------------- */

/* rows: R score 1..5; columns: FM score 1..5 */
static const char *const rfm_segments[5][5] = {
	{"Lost", "Lost", "At Risk", "At Risk", "Can't Lose Them"},
	{"Hibernating", "Hibernating", "At Risk", "At Risk", "Can't Lose Them"},
	{"About To Sleep", "About To Sleep", "Need Attention", "Loyal Customers", "Loyal Customers"},
	{"Promising", "Potential Loyalists", "Potential Loyalists", "Champions", "Champions"},
	{"New Customers", "Potential Loyalists", "Potential Loyalists", "Champions", "Champions"},
};

/* rfm_segment(r, f, m): segment name from quintile scores, FM = round((f + m) / 2.0) */
PG_FUNCTION_INFO_V1(rfm_segment);
Datum
rfm_segment(PG_FUNCTION_ARGS)
{
	int32		r = PG_GETARG_INT32(0);
	int32		f = PG_GETARG_INT32(1);
	int32		m = PG_GETARG_INT32(2);
	int			fm;

	check_int_range("recency score", r, 1, 5);
	check_int_range("frequency score", f, 1, 5);
	check_int_range("monetary score", m, 1, 5);
	/* halves round up: (f + m) / 2.0 rounded half away from zero */
	fm = (f + m + 1) / 2;
	PG_RETURN_TEXT_P(cstring_to_text(rfm_segments[r - 1][fm - 1]));
}

/* A score of the bigint or smallint overloads, checked like an int one. */
static int32
rfm_wide_score(const char *what, int64 score)
{
	if (score < 1 || score > 5)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s " INT64_FORMAT " is out of range", what, score),
				 errhint("A %s must be between 1 and 5.", what)));
	return (int32) score;
}

/*
 * rfm_segment(bigint, bigint, bigint) and (smallint, smallint, smallint):
 * scores computed as count(*) or stored as smallint.  Both exist so that
 * neither type is ambiguous between the int and the bigint overloads.
 */
PG_FUNCTION_INFO_V1(rfm_segment_int8);
Datum
rfm_segment_int8(PG_FUNCTION_ARGS)
{
	int32		r = rfm_wide_score("recency score", PG_GETARG_INT64(0));
	int32		f = rfm_wide_score("frequency score", PG_GETARG_INT64(1));
	int32		m = rfm_wide_score("monetary score", PG_GETARG_INT64(2));

	PG_RETURN_TEXT_P(cstring_to_text(rfm_segments[r - 1][(f + m + 1) / 2 - 1]));
}

PG_FUNCTION_INFO_V1(rfm_segment_int2);
Datum
rfm_segment_int2(PG_FUNCTION_ARGS)
{
	int32		r = rfm_wide_score("recency score", PG_GETARG_INT16(0));
	int32		f = rfm_wide_score("frequency score", PG_GETARG_INT16(1));
	int32		m = rfm_wide_score("monetary score", PG_GETARG_INT16(2));

	PG_RETURN_TEXT_P(cstring_to_text(rfm_segments[r - 1][(f + m + 1) / 2 - 1]));
}
