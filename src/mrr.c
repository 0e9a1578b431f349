/*
 * mrr.c
 *		Monthly recurring revenue: the mrr_summary (each customer's MRR as a
 *		step function of the day), its aggregate, rollup, text and binary
 *		forms, and the movements report (new, expansion, contraction,
 *		churned, reactivation) per calendar bucket.
 *
 * A subscription row (customer, started, ended, mrr) adds mrr to the
 * customer's MRR on the days started <= d < ended (ended NULL: open).  The
 * summary keeps, per customer, the days on which its MRR changes and the
 * exact numeric change on each, so that the MRR of any customer on any day
 * is an exact sum, and summaries of any split of the rows merge into the
 * summary of all of them.  It also keeps the first and last day of the data
 * (the earliest started and the latest started or ended date), which decide
 * the range of buckets reported and whether the last one is complete.
 *
 * The summary is a plain varlena: a header, then variable-length records
 * (customer id, day, amount), each MAXALIGNed.  While aggregating, records
 * are appended in arrival order, one for the start of a row and one for its
 * end, the end's amount marked as subtracted; the state grows geometrically.
 * The canonical form -- what the aggregate returns, and what is stored,
 * printed and sent -- has the records sorted by (customer, day), one per
 * customer and day with the net change, and no record whose change is zero.
 * Input of either form validates every field, including that no customer's
 * MRR ever falls below zero, so the report can trust what it reads.
 */
#include "retention.h"
#include "activity_internal.h"
#include "summary_io.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/numeric.h"
#include "utils/uuid.h"

#include "decimal.h"
#include "period.h"

#define MRR_VERSION 1

#define MRR_ID_BIGINT SUMMARY_ID_BIGINT
#define MRR_ID_TEXT SUMMARY_ID_TEXT
#define MRR_ID_UUID SUMMARY_ID_UUID

/* dates 0001-01-01 .. 9999-12-31, as the activity summary takes */
#define MRR_MIN_DAY (-730119)
#define MRR_MAX_DAY 2921939

/* a report has at most this many buckets */
#define MRR_MAX_BUCKETS 1000000

#define MRR_INITIAL_BYTES 1024

typedef struct MrrSummary
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	uint8		version;
	uint8		id_kind;		/* MRR_ID_* */
	uint8		canonical;		/* sorted, merged, no zero change, no slack */
	uint8		reserved;
	DateADT		first_day;		/* earliest started */
	DateADT		last_day;		/* latest started or ended */
	int32		reserved2;
	int64		nrecords;
	int64		used;			/* bytes of records in use */
	/* records follow, each MAXALIGNed */
} MrrSummary;

typedef struct MrrRecord
{
	int32		size;			/* bytes of the record, MAXALIGNed */
	DateADT		day;
	int32		idlen;			/* bytes of the id: 8, 16, or the text's */
	uint8		negate;			/* the amount is subtracted (end of a row) */
	uint8		reserved[3];
	/* id bytes, then at MAXALIGN offset the numeric amount */
} MrrRecord;

#define MRR_HEADER_SIZE MAXALIGN(sizeof(MrrSummary))
#define MRR_RECORDS(s) ((char *) (s) + MRR_HEADER_SIZE)
#define MRR_CAPACITY(s) ((Size) VARSIZE(s) - MRR_HEADER_SIZE)
#define MRR_RECORD_ID(r) ((char *) (r) + sizeof(MrrRecord))
#define MRR_AMOUNT_OFFSET(idlen) MAXALIGN(sizeof(MrrRecord) + (idlen))
#define MRR_RECORD_AMOUNT(r) ((Numeric) ((char *) (r) + MRR_AMOUNT_OFFSET((r)->idlen)))
#define MRR_RECORD_SIZE(idlen, amount_size) \
	(MRR_AMOUNT_OFFSET(idlen) + MAXALIGN(amount_size))

static const char *const mrr_id_names[] = {NULL, "bigint", "text", "uuid"};

/* ---------------------------------------------------------------- */
/* numeric helpers                                                  */
/* ---------------------------------------------------------------- */

static Numeric numeric_zero_value;

/* A numeric 0, made once per backend. */
static Numeric
numeric_zero(void)
{
	if (numeric_zero_value == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);

		numeric_zero_value = DatumGetNumeric(DirectFunctionCall3(numeric_in,
																 CStringGetDatum("0"),
																 ObjectIdGetDatum(InvalidOid),
																 Int32GetDatum(-1)));
		MemoryContextSwitchTo(old);
	}
	return numeric_zero_value;
}

static inline Numeric
num_add(Numeric a, Numeric b)
{
	return DatumGetNumeric(DirectFunctionCall2(numeric_add, NumericGetDatum(a), NumericGetDatum(b)));
}

static inline Numeric
num_sub(Numeric a, Numeric b)
{
	return DatumGetNumeric(DirectFunctionCall2(numeric_sub, NumericGetDatum(a), NumericGetDatum(b)));
}

static inline int
num_cmp(Numeric a, Numeric b)
{
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp, NumericGetDatum(a), NumericGetDatum(b)));
}

/* -1, 0 or 1 */
static inline int
numeric_sign_of(Numeric n)
{
	return num_cmp(n, numeric_zero());
}

static char *
num_text(Numeric n)
{
	return DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(n)));
}

/* ---------------------------------------------------------------- */
/* records                                                          */
/* ---------------------------------------------------------------- */

static MrrSummary *
mrr_new(int id_kind, Size capacity)
{
	/* zeroed: a summary is stored with its slack, and records have padding */
	MrrSummary *s = palloc0(MRR_HEADER_SIZE + capacity);

	SET_VARSIZE(s, MRR_HEADER_SIZE + capacity);
	s->version = MRR_VERSION;
	s->id_kind = (uint8) id_kind;
	/* canonical means no slack too: only a summary without room is */
	s->canonical = capacity == 0;
	s->first_day = DATEVAL_NOEND;
	s->last_day = DATEVAL_NOBEGIN;
	return s;
}

/* A copy of s with room for at least extra more bytes of records. */
static MrrSummary *
mrr_grow(const MrrSummary *s, Size extra)
{
	Size		need = (Size) s->used + extra;
	Size		capacity = Max(Max(2 * MRR_CAPACITY(s), need), MRR_INITIAL_BYTES);
	MrrSummary *copy;

	if (capacity > MaxAllocSize - MRR_HEADER_SIZE)
	{
		if (need > MaxAllocSize - MRR_HEADER_SIZE)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("mrr_summary exceeds 1 GB"),
					 errhint("Aggregate fewer subscriptions per summary, e.g. per month of start, and roll them up.")));
		capacity = MaxAllocSize - MRR_HEADER_SIZE;
	}
	copy = palloc0(MRR_HEADER_SIZE + capacity);
	memcpy(copy, s, MRR_HEADER_SIZE + s->used);
	SET_VARSIZE(copy, MRR_HEADER_SIZE + capacity);
	return copy;
}

/* Appends a record; returns the summary, or a larger copy. */
static MrrSummary *
mrr_append(MrrSummary *s, const char *id, int32 idlen, DateADT day, Numeric amount, bool negate)
{
	Size		size = MRR_RECORD_SIZE(idlen, VARSIZE(amount));
	MrrRecord  *r;

	if (s->used + size > MRR_CAPACITY(s))
		s = mrr_grow(s, size);
	r = (MrrRecord *) (MRR_RECORDS(s) + s->used);
	memset(r, 0, MRR_AMOUNT_OFFSET(idlen));
	r->size = (int32) size;
	r->day = day;
	r->idlen = idlen;
	r->negate = negate ? 1 : 0;
	memcpy(MRR_RECORD_ID(r), id, idlen);
	memcpy(MRR_RECORD_AMOUNT(r), amount, VARSIZE(amount));
	s->used += size;
	s->nrecords++;
	s->canonical = 0;
	return s;
}

static inline int
mrr_id_cmp(int kind, const MrrRecord *a, const MrrRecord *b)
{
	if (kind == MRR_ID_BIGINT)
	{
		int64		x,
					y;

		memcpy(&x, MRR_RECORD_ID(a), sizeof(int64));
		memcpy(&y, MRR_RECORD_ID(b), sizeof(int64));
		return (x > y) - (x < y);
	}
	else
	{
		int			c = memcmp(MRR_RECORD_ID(a), MRR_RECORD_ID(b), Min(a->idlen, b->idlen));

		if (c != 0)
			return c;
		return (a->idlen > b->idlen) - (a->idlen < b->idlen);
	}
}

typedef struct MrrSortKey
{
	int64		key;			/* bigint id (other kinds: 0) */
	DateADT		day;
	int32		kind;
	const MrrRecord *record;
} MrrSortKey;

static int
mrr_sort_cmp(const void *pa, const void *pb)
{
	const MrrSortKey *a = pa;
	const MrrSortKey *b = pb;
	int			c;

	if (a->kind == MRR_ID_BIGINT)
		c = (a->key > b->key) - (a->key < b->key);
	else
		c = mrr_id_cmp(a->kind, a->record, b->record);
	if (c != 0)
		return c;
	return (a->day > b->day) - (a->day < b->day);
}

/*
 * bigint ids, the common case, sort with the comparison inlined (PostgreSQL's
 * sort template): sorting is most of the cost of mrr_agg.
 */
static inline int
mrr_bigint_key_cmp(const MrrSortKey *a, const MrrSortKey *b)
{
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return (a->day > b->day) - (a->day < b->day);
}

#define ST_SORT mrr_sort_bigint_keys
#define ST_ELEMENT_TYPE MrrSortKey
#define ST_COMPARE(a, b) mrr_bigint_key_cmp(a, b)
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

/* The amount of a record with its sign. */
static Numeric
record_signed_amount(const MrrRecord *r)
{
	Numeric		amount = MRR_RECORD_AMOUNT(r);

	if (r->negate)
		return DatumGetNumeric(DirectFunctionCall1(numeric_uminus, NumericGetDatum(amount)));
	return amount;
}

/*
 * Sorts the records of a summary with bigint ids by (id, day) into order,
 * by a radix sort of (id, day) packed into one word when the ids' and days'
 * ranges fit in 64 bits together (as real ids do); false, with order
 * untouched, if they do not.  At ten million rows, this took a third of the
 * time of sorting with comparisons.
 */
static bool
mrr_radix_sort_bigint(const MrrSummary *s, const MrrRecord **order)
{
	const char *p = MRR_RECORDS(s);
	IdDayRange	range = ID_DAY_RANGE_EMPTY;
	SortPair   *pairs,
			   *scratch;

	for (int64 i = 0; i < s->nrecords; i++)
	{
		const MrrRecord *r = (const MrrRecord *) p;
		int64		id;

		memcpy(&id, MRR_RECORD_ID(r), sizeof(int64));
		id_day_range_add(&range, id, r->day);
		p += r->size;
	}
	if (!id_day_range_fit(&range))
		return false;

	pairs = palloc_extended(s->nrecords * sizeof(SortPair), MCXT_ALLOC_HUGE);
	scratch = palloc_extended(s->nrecords * sizeof(SortPair), MCXT_ALLOC_HUGE);
	p = MRR_RECORDS(s);
	for (int64 i = 0; i < s->nrecords; i++)
	{
		const MrrRecord *r = (const MrrRecord *) p;
		int64		id;

		memcpy(&id, MRR_RECORD_ID(r), sizeof(int64));
		pairs[i].key = id_day_key(&range, id, r->day);
		pairs[i].value = (uint64) (uintptr_t) r;
		p += r->size;
	}
	radix_sort_pairs(pairs, scratch, s->nrecords, range.id_bits + range.day_bits);
	for (int64 i = 0; i < s->nrecords; i++)
		order[i] = (const MrrRecord *) (uintptr_t) pairs[i].value;
	pfree(scratch);
	pfree(pairs);
	return true;
}

/*
 * The canonical copy of a summary: records sorted by (customer, day), one
 * per customer and day with the net change, zero changes left out.
 */
static MrrSummary *
mrr_canonical(const MrrSummary *s)
{
	const MrrRecord **order;
	MrrSummary *out;
	int64		i;

	if (s->canonical)
		return (MrrSummary *) s;

	order = palloc_extended(Max(s->nrecords, 1) * sizeof(MrrRecord *), MCXT_ALLOC_HUGE);
	if (s->id_kind != MRR_ID_BIGINT || !mrr_radix_sort_bigint(s, order))
	{
		MrrSortKey *keys = palloc_extended(Max(s->nrecords, 1) * sizeof(MrrSortKey),
										   MCXT_ALLOC_HUGE);
		const char *p = MRR_RECORDS(s);

		for (i = 0; i < s->nrecords; i++)
		{
			const MrrRecord *r = (const MrrRecord *) p;

			keys[i].kind = s->id_kind;
			keys[i].day = r->day;
			keys[i].record = r;
			if (s->id_kind == MRR_ID_BIGINT)
				memcpy(&keys[i].key, MRR_RECORD_ID(r), sizeof(int64));
			else
				keys[i].key = 0;
			p += r->size;
		}
		if (s->id_kind == MRR_ID_BIGINT)
			mrr_sort_bigint_keys(keys, s->nrecords);
		else
			qsort(keys, s->nrecords, sizeof(MrrSortKey), mrr_sort_cmp);
		for (i = 0; i < s->nrecords; i++)
			order[i] = keys[i].record;
		pfree(keys);
	}

	out = mrr_new(s->id_kind, Max(s->used, MRR_INITIAL_BYTES));
	out->first_day = s->first_day;
	out->last_day = s->last_day;
	for (i = 0; i < s->nrecords;)
	{
		const MrrRecord *r = order[i];
		int64		j = i + 1;
		Numeric		sum;

		CHECK_FOR_INTERRUPTS();
		while (j < s->nrecords && order[j]->day == r->day &&
			   mrr_id_cmp(s->id_kind, order[j], r) == 0)
			j++;
		if (j == i + 1 && !r->negate)
			sum = MRR_RECORD_AMOUNT(r);
		else
		{
			sum = record_signed_amount(r);
			for (int64 k = i + 1; k < j; k++)
			{
				const MrrRecord *rk = order[k];

				if (rk->negate)
					sum = num_sub(sum, MRR_RECORD_AMOUNT(rk));
				else
					sum = num_add(sum, MRR_RECORD_AMOUNT(rk));
			}
		}
		if (numeric_sign_of(sum) != 0)
			out = mrr_append(out, MRR_RECORD_ID(r), r->idlen, r->day, sum, false);
		i = j;
	}
	out->canonical = 1;
	/* no slack in the canonical form */
	SET_VARSIZE(out, MRR_HEADER_SIZE + out->used);
	pfree(order);
	return out;
}

/* The summary argument, canonical (a canonical copy of an escaped state). */
static MrrSummary *
mrr_getarg(FunctionCallInfo fcinfo, int n)
{
	MrrSummary *s = (MrrSummary *) PG_DETOAST_DATUM(PG_GETARG_DATUM(n));

	return mrr_canonical(s);
}

/* ---------------------------------------------------------------- */
/* walking the canonical records customer by customer               */
/* ---------------------------------------------------------------- */

typedef struct MrrCursor
{
	const MrrSummary *s;
	const char *p;
	int64		index;
} MrrCursor;

static void
mrr_cursor_init(MrrCursor *c, const MrrSummary *s)
{
	c->s = s;
	c->p = MRR_RECORDS(s);
	c->index = 0;
}

static inline const MrrRecord *
mrr_cursor_peek(const MrrCursor *c)
{
	return c->index < c->s->nrecords ? (const MrrRecord *) c->p : NULL;
}

static inline void
mrr_cursor_next(MrrCursor *c)
{
	c->p += ((const MrrRecord *) c->p)->size;
	c->index++;
}

/* ---------------------------------------------------------------- */
/* dates                                                            */
/* ---------------------------------------------------------------- */

static char *
date_text(DateADT day)
{
	return DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(day)));
}

static bool
day_in_range(DateADT day)
{
	return day >= MRR_MIN_DAY && day <= MRR_MAX_DAY;
}

static DateADT
check_day(const char *what, DateADT day)
{
	if (!day_in_range(day))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("%s date %s is out of range", what, date_text(day)),
				 errhint("Subscription dates must be between 0001-01-01 and 9999-12-31.")));
	return day;
}

/* ---------------------------------------------------------------- */
/* the aggregate                                                    */
/* ---------------------------------------------------------------- */

typedef struct MrrArgKinds
{
	int			id_kind;
	bool		timestamptz;
} MrrArgKinds;

static const MrrArgKinds *
mrr_arg_kinds(FunctionCallInfo fcinfo)
{
	MrrArgKinds *kinds = fcinfo->flinfo->fn_extra;

	if (kinds == NULL)
	{
		Oid			id_type = get_fn_expr_argtype(fcinfo->flinfo, 1);
		Oid			time_type = get_fn_expr_argtype(fcinfo->flinfo, 2);

		kinds = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(MrrArgKinds));
		if (id_type == INT8OID)
			kinds->id_kind = MRR_ID_BIGINT;
		else if (id_type == TEXTOID)
			kinds->id_kind = MRR_ID_TEXT;
		else if (id_type == UUIDOID)
			kinds->id_kind = MRR_ID_UUID;
		else
			elog(ERROR, "mrr_agg_transfn called with customer ids of type %u", id_type);
		if (time_type == DATEOID)
			kinds->timestamptz = false;
		else if (time_type == TIMESTAMPTZOID)
			kinds->timestamptz = true;
		else
			elog(ERROR, "mrr_agg_transfn called with dates of type %u", time_type);
		fcinfo->flinfo->fn_extra = kinds;
	}
	return kinds;
}

static DateADT
day_arg(FunctionCallInfo fcinfo, int n, bool timestamptz, const char *what)
{
	DateADT		day;

	if (timestamptz)
	{
		TimestampTz at = PG_GETARG_TIMESTAMPTZ(n);

		if (TIMESTAMP_NOT_FINITE(at))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s %s is not a finite time", what,
							DatumGetCString(DirectFunctionCall1(timestamptz_out, TimestampTzGetDatum(at)))),
					 errhint("A subscription starts at a finite time; an open subscription has ended NULL.")));
		/* the session time zone decides the day, hence STABLE */
		day = DatumGetDateADT(DirectFunctionCall1(timestamptz_date, TimestampTzGetDatum(at)));
	}
	else
	{
		day = PG_GETARG_DATEADT(n);
		if (DATE_NOT_FINITE(day))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s %s is not a finite date", what, date_text(day)),
					 errhint("A subscription starts on a finite date; an open subscription has ended NULL.")));
	}
	return check_day(what, day);
}

/*
 * mrr_agg_transfn(mrr_summary, customer_id bigint|text|uuid,
 * started date|timestamptz, ended date|timestamptz, mrr numeric).
 * Rows with a NULL customer, start or mrr are skipped; ended NULL is open.
 */
PG_FUNCTION_INFO_V1(mrr_agg_transfn);
Datum
mrr_agg_transfn(PG_FUNCTION_ARGS)
{
	const MrrArgKinds *kinds;
	MrrSummary *state;
	DateADT		started,
				ended = 0;
	bool		open;
	Numeric		mrr;
	int			sign;
	const char *id;
	int32		idlen;
	int64		id_value;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(4))
		return state_unchanged(fcinfo);
	kinds = mrr_arg_kinds(fcinfo);

	started = day_arg(fcinfo, 2, kinds->timestamptz, "started");
	open = PG_ARGISNULL(3);
	if (!open)
	{
		ended = day_arg(fcinfo, 3, kinds->timestamptz, "ended");
		if (ended < started)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ended %s is before started %s", date_text(ended), date_text(started)),
					 errhint("A subscription ends on or after the day it starts; ended is the first day it is no longer active.")));
	}
	mrr = PG_GETARG_NUMERIC(4);
	if (numeric_is_nan(mrr) || numeric_is_inf(mrr))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("mrr %s is not a finite amount", num_text(mrr)),
				 errhint("MRR is the finite recurring revenue per month of a subscription, zero or more.")));
	sign = numeric_sign_of(mrr);
	if (sign < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("mrr %s is negative", num_text(mrr)),
				 errhint("MRR is the recurring revenue per month of a subscription, zero or more; record a discount as a lower mrr.")));

	if (kinds->id_kind == MRR_ID_BIGINT)
	{
		id_value = PG_GETARG_INT64(1);
		id = (const char *) &id_value;
		idlen = sizeof(int64);
	}
	else if (kinds->id_kind == MRR_ID_TEXT)
	{
		text	   *t = PG_GETARG_TEXT_PP(1);

		id = VARDATA_ANY(t);
		idlen = VARSIZE_ANY_EXHDR(t);
	}
	else
	{
		id = (const char *) PG_GETARG_UUID_P(1)->data;
		idlen = UUID_LEN;
	}

	if (PG_ARGISNULL(0))
		state = mrr_new(kinds->id_kind, MRR_INITIAL_BYTES);
	else if (AggCheckCallContext(fcinfo, NULL))
		state = (MrrSummary *) PG_GETARG_POINTER(0);
	else
		state = (MrrSummary *) PG_DETOAST_DATUM_COPY(PG_GETARG_DATUM(0));
	if (state->id_kind != kinds->id_kind)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot add a customer id of type %s to an mrr_summary of %s ids",
						mrr_id_names[kinds->id_kind], mrr_id_names[state->id_kind])));

	state->first_day = Min(state->first_day, started);
	state->last_day = Max(state->last_day, open ? started : ended);
	if (sign > 0 && (open || ended > started))
	{
		state = mrr_append(state, id, idlen, started, mrr, false);
		if (!open)
			state = mrr_append(state, id, idlen, ended, mrr, true);
	}
	PG_RETURN_POINTER(state);
}

/*
 * mrr_agg_combinefn(a, b): the records of both.  Also the transition
 * function of rollup(mrr_summary).
 */
PG_FUNCTION_INFO_V1(mrr_agg_combinefn);
Datum
mrr_agg_combinefn(PG_FUNCTION_ARGS)
{
	MrrSummary *state;
	MrrSummary *other;

	if (PG_ARGISNULL(1))
		return state_unchanged(fcinfo);
	other = (MrrSummary *) PG_DETOAST_DATUM(PG_GETARG_DATUM(1));
	if (PG_ARGISNULL(0))
		PG_RETURN_POINTER(PG_DETOAST_DATUM_COPY(PG_GETARG_DATUM(1)));
	if (AggCheckCallContext(fcinfo, NULL))
		state = (MrrSummary *) PG_GETARG_POINTER(0);
	else
		state = (MrrSummary *) PG_DETOAST_DATUM_COPY(PG_GETARG_DATUM(0));
	if (state->id_kind != other->id_kind)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot merge an mrr_summary of %s ids with one of %s ids",
						mrr_id_names[state->id_kind], mrr_id_names[other->id_kind]),
				 errhint("Aggregate every summary with customer ids of one type.")));
	if (other->nrecords > 0)
	{
		if (state->used + other->used > MRR_CAPACITY(state))
			state = mrr_grow(state, other->used);
		memcpy(MRR_RECORDS(state) + state->used, MRR_RECORDS(other), other->used);
		state->used += other->used;
		state->nrecords += other->nrecords;
		state->canonical = 0;
	}
	state->first_day = Min(state->first_day, other->first_day);
	state->last_day = Max(state->last_day, other->last_day);
	PG_RETURN_POINTER(state);
}

/* mrr_agg_finalfn(state): the canonical summary (the state is left as is) */
PG_FUNCTION_INFO_V1(mrr_agg_finalfn);
Datum
mrr_agg_finalfn(PG_FUNCTION_ARGS)
{
	MrrSummary *s;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = (MrrSummary *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	if (s->canonical)
		PG_RETURN_POINTER(PG_DETOAST_DATUM_COPY(PG_GETARG_DATUM(0)));
	PG_RETURN_POINTER(mrr_canonical(s));
}

/* ---------------------------------------------------------------- */
/* validation of input                                              */
/* ---------------------------------------------------------------- */

/*
 * Checks the records of a summary being read (canonical): customers in
 * strictly increasing order, days strictly increasing per customer and
 * within [first_day, last_day], non-zero finite changes, and every
 * customer's running MRR never below zero.  Returns NULL when valid, else
 * what is wrong.
 */
static const char *
mrr_check_records(const MrrSummary *s)
{
	MrrCursor	c;
	const MrrRecord *prev = NULL;
	Numeric		level = NULL;

	if (!day_in_range(s->first_day) || !day_in_range(s->last_day) || s->first_day > s->last_day)
		return "The first and last days are not dates from 0001-01-01 to 9999-12-31 in order.";
	mrr_cursor_init(&c, s);
	for (const MrrRecord *r; (r = mrr_cursor_peek(&c)) != NULL; mrr_cursor_next(&c))
	{
		Numeric		amount = MRR_RECORD_AMOUNT(r);
		int			idc = prev ? mrr_id_cmp(s->id_kind, prev, r) : 1;

		if (prev != NULL && (idc > 0 || (idc == 0 && prev->day >= r->day)))
			return "The customers and their days are not in strictly increasing order.";
		if (r->day < s->first_day || r->day > s->last_day)
			return "A change falls outside the first and last days.";
		if (numeric_is_nan(amount) || numeric_is_inf(amount) || numeric_sign_of(amount) == 0)
			return "A change is zero or not a finite number.";
		if (prev == NULL || idc != 0)
			level = amount;
		else
			level = num_add(level, amount);
		if (numeric_sign_of(level) < 0)
			return "A customer's MRR falls below zero.";
		prev = r;
	}
	return NULL;
}

/* ---------------------------------------------------------------- */
/* text form                                                        */
/* ---------------------------------------------------------------- */

/*
 * "v1 ids=bigint first=2024-01-01 last=2024-06-30 customers=2 changes=3
 * 17:2024-01-05+49.00,2024-03-01-49.00 42:2024-02-01+10": customers in
 * canonical order, each with its changes in day order as day, sign and
 * amount.  Text ids are double-quoted with \" and \\ escaped.
 */
static void
append_id(StringInfo out, int kind, const MrrRecord *r)
{
	int64		v = 0;

	if (kind == MRR_ID_BIGINT)
		memcpy(&v, MRR_RECORD_ID(r), sizeof(v));
	summary_write_id(out, kind, v, MRR_RECORD_ID(r), r->idlen);
}

static int64
count_customers(const MrrSummary *s)
{
	MrrCursor	c;
	const MrrRecord *prev = NULL;
	int64		n = 0;

	mrr_cursor_init(&c, s);
	for (const MrrRecord *r; (r = mrr_cursor_peek(&c)) != NULL; mrr_cursor_next(&c))
	{
		if (prev == NULL || mrr_id_cmp(s->id_kind, prev, r) != 0)
			n++;
		prev = r;
	}
	return n;
}

/* the compact text form reads and writes through the binary functions */
Datum		mrr_summary_send(PG_FUNCTION_ARGS);
Datum		mrr_summary_recv(PG_FUNCTION_ARGS);

PG_FUNCTION_INFO_V1(mrr_summary_out);
Datum
mrr_summary_out(PG_FUNCTION_ARGS)
{
	MrrSummary *s = mrr_getarg(fcinfo, 0);
	StringInfoData out;
	MrrCursor	c;
	const MrrRecord *prev = NULL;

	SUMMARY_OUT_COMPACT(mrr_summary_send, SUMMARY_LARGE_COMPACT);

	initStringInfo(&out);
	summary_write_begin(&out, MRR_VERSION);
	appendStringInfo(&out, " ids=%s first=", mrr_id_names[s->id_kind]);
	summary_write_date(&out, s->first_day);
	appendStringInfoString(&out, " last=");
	summary_write_date(&out, s->last_day);
	appendStringInfo(&out, " customers=" INT64_FORMAT " changes=" INT64_FORMAT,
					 count_customers(s), s->nrecords);
	mrr_cursor_init(&c, s);
	for (const MrrRecord *r; (r = mrr_cursor_peek(&c)) != NULL; mrr_cursor_next(&c))
	{
		Numeric		amount = MRR_RECORD_AMOUNT(r);

		if (prev == NULL || mrr_id_cmp(s->id_kind, prev, r) != 0)
		{
			appendStringInfoChar(&out, ' ');
			append_id(&out, s->id_kind, r);
			appendStringInfoChar(&out, ':');
		}
		else
			appendStringInfoChar(&out, ',');
		summary_write_date(&out, r->day);
		if (numeric_sign_of(amount) >= 0)
			appendStringInfoChar(&out, '+');
		summary_write_numeric(&out, amount);
		prev = r;
	}
	PG_RETURN_CSTRING(out.data);
}

/* a day of the summary: a date from 0001-01-01 to 9999-12-31 */
static DateADT
read_day(SummaryReader *reader)
{
	return summary_read_date_range(reader, MRR_MIN_DAY, MRR_MAX_DAY);
}

/* a customer id of the kind, as the records keep it */
static void
read_id(SummaryReader *reader, int kind, StringInfo id)
{
	int64		v;

	summary_read_id(reader, kind, &v, id);
	if (kind == MRR_ID_BIGINT)
		appendBinaryStringInfo(id, (char *) &v, sizeof(v));
}

/* a signed change: "+" or "-", then a numeric (not zero: checked later) */
static Numeric
read_change(SummaryReader *reader)
{
	const char *p = reader->cursor;

	if (*p != '+' && *p != '-')
		summary_syntax_error(reader, "\"+\" or \"-\" before a change of MRR");
	if ((p[1] < '0' || p[1] > '9') && p[1] != '.')
	{
		reader->cursor = p + 1;
		summary_syntax_error(reader, "the digits of a change of MRR");
	}
	return summary_read_numeric_plain(reader);
}

PG_FUNCTION_INFO_V1(mrr_summary_in);
Datum
mrr_summary_in(PG_FUNCTION_ARGS)
{
	char	   *input = PG_GETARG_CSTRING(0);
	SummaryReader reader;
	MrrSummary *s;
	int			kind;
	int64		customers,
				changes,
				seen_customers = 0;
	StringInfoData id;
	const char *problem;

	SUMMARY_IN_COMPACT(mrr_summary_recv, "mrr_summary", MRR_VERSION);

	summary_read_begin(&reader, "mrr_summary", input, MRR_VERSION);
	summary_read_key(&reader, "ids");
	kind = summary_read_word(&reader, mrr_id_names + 1, 3) + 1;
	s = mrr_new(kind, MRR_INITIAL_BYTES);
	summary_read_key(&reader, "first");
	s->first_day = read_day(&reader);
	summary_read_key(&reader, "last");
	s->last_day = read_day(&reader);
	summary_read_key(&reader, "customers");
	customers = summary_read_count(&reader);
	summary_read_key(&reader, "changes");
	changes = summary_read_count(&reader);
	/* each change takes at least 12 characters ("2024-01-01+1") */
	if (changes > ((int64) strlen(input) + 1) / 12 || customers > changes)
		summary_syntax_error(&reader, "numbers of customers and changes that the input holds");

	initStringInfo(&id);
	for (int64 i = 0; i < changes;)
	{
		/* " id:day±amount,day±amount..." */
		if (*reader.cursor != ' ')
			summary_syntax_error(&reader, "\" \" before a customer id");
		reader.cursor++;
		read_id(&reader, kind, &id);
		summary_read_char(&reader, ':');
		seen_customers++;
		for (bool first = true; i < changes; first = false)
		{
			DateADT		day;
			Numeric		amount;

			if (!first)
			{
				if (*reader.cursor != ',')
					break;
				reader.cursor++;
			}
			day = read_day(&reader);
			amount = read_change(&reader);
			s = mrr_append(s, id.data, id.len, day, amount, false);
			i++;
		}
	}
	summary_read_end(&reader);
	if (seen_customers != customers)
		summary_text_error(&reader, psprintf("The value holds " INT64_FORMAT " customers, not " INT64_FORMAT ".",
											 seen_customers, customers));
	problem = mrr_check_records(s);
	if (problem != NULL)
		summary_text_error(&reader, problem);
	s->canonical = 1;
	SET_VARSIZE(s, MRR_HEADER_SIZE + s->used);
	PG_RETURN_POINTER(s);
}

/* ---------------------------------------------------------------- */
/* binary form                                                      */
/* ---------------------------------------------------------------- */

#define mrr_binary_error(detail) summary_binary_error("mrr_summary", (detail))

/*
 * Binary: version byte, id kind byte, int32 first and last day (days since
 * 2000-01-01), int64 customers, then per customer its id (int64, 16 uuid
 * bytes, or int32 length and the text's bytes), int64 number of changes,
 * and each change as int32 day and the numeric in numeric's binary form.
 */
PG_FUNCTION_INFO_V1(mrr_summary_send);
Datum
mrr_summary_send(PG_FUNCTION_ARGS)
{
	MrrSummary *s = mrr_getarg(fcinfo, 0);
	StringInfoData buf;
	MrrCursor	c;
	const MrrRecord *r;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, MRR_VERSION);
	pq_sendbyte(&buf, s->id_kind);
	pq_sendint32(&buf, s->first_day);
	pq_sendint32(&buf, s->last_day);
	pq_sendint64(&buf, count_customers(s));
	mrr_cursor_init(&c, s);
	while ((r = mrr_cursor_peek(&c)) != NULL)
	{
		MrrCursor	d = c;
		int64		n = 0;

		/* count this customer's changes */
		for (const MrrRecord *q; (q = mrr_cursor_peek(&d)) != NULL &&
			 mrr_id_cmp(s->id_kind, q, r) == 0; mrr_cursor_next(&d))
			n++;
		if (s->id_kind == MRR_ID_BIGINT)
		{
			int64		v;

			memcpy(&v, MRR_RECORD_ID(r), sizeof(v));
			pq_sendint64(&buf, v);
		}
		else if (s->id_kind == MRR_ID_UUID)
			pq_sendbytes(&buf, MRR_RECORD_ID(r), UUID_LEN);
		else
		{
			pq_sendint32(&buf, r->idlen);
			pq_sendbytes(&buf, MRR_RECORD_ID(r), r->idlen);
		}
		pq_sendint64(&buf, n);
		for (int64 k = 0; k < n; k++)
		{
			const MrrRecord *q = mrr_cursor_peek(&c);
			bytea	   *amount = DatumGetByteaPP(DirectFunctionCall1(numeric_send,
																	 NumericGetDatum(MRR_RECORD_AMOUNT(q))));

			pq_sendint32(&buf, q->day);
			pq_sendbytes(&buf, VARDATA_ANY(amount), VARSIZE_ANY_EXHDR(amount));
			mrr_cursor_next(&c);
		}
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

static void
require(StringInfo buf, int64 n)
{
	if (n < 0 || buf->len - buf->cursor < n)
		mrr_binary_error("The value is truncated.");
}

/*
 * A numeric in numeric_send's form, read by numeric_recv (which checks its
 * digits, sign and scale with 22P03) once its bytes are known to be there:
 * numeric_recv itself would report a short message as a protocol error.
 */
static Numeric
recv_amount(StringInfo buf)
{
	int			ndigits;

	require(buf, 8);
	ndigits = ((uint8) buf->data[buf->cursor] << 8) | (uint8) buf->data[buf->cursor + 1];
	require(buf, 8 + 2 * (int64) ndigits);
	return DatumGetNumeric(DirectFunctionCall3(numeric_recv, PointerGetDatum(buf),
											   ObjectIdGetDatum(InvalidOid),
											   Int32GetDatum(-1)));
}

PG_FUNCTION_INFO_V1(mrr_summary_recv);
Datum
mrr_summary_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	MrrSummary *s;
	int			kind;
	int64		customers;
	StringInfoData id;
	const char *problem;

	summary_recv_version(buf, "mrr_summary", MRR_VERSION);
	kind = summary_recv_byte(buf, "mrr_summary");
	if (kind < MRR_ID_BIGINT || kind > MRR_ID_UUID)
		mrr_binary_error(psprintf("Customer id kind %d is not 1 (bigint), 2 (text) or 3 (uuid).", kind));
	s = mrr_new(kind, MRR_INITIAL_BYTES);
	require(buf, 8);
	s->first_day = (DateADT) pq_getmsgint(buf, 4);
	s->last_day = (DateADT) pq_getmsgint(buf, 4);
	customers = summary_recv_count(buf, "mrr_summary");
	/* a customer takes at least 8 + 8 + 4 + 8 bytes */
	if (customers > (buf->len - buf->cursor) / 24)
		mrr_binary_error("The value is truncated.");
	initStringInfo(&id);
	for (int64 i = 0; i < customers; i++)
	{
		int64		n;

		CHECK_FOR_INTERRUPTS();
		resetStringInfo(&id);
		if (kind == MRR_ID_BIGINT)
		{
			int64		v;

			require(buf, 8);
			v = pq_getmsgint64(buf);
			appendBinaryStringInfo(&id, (char *) &v, sizeof(v));
		}
		else if (kind == MRR_ID_UUID)
		{
			require(buf, UUID_LEN);
			appendBinaryStringInfo(&id, pq_getmsgbytes(buf, UUID_LEN), UUID_LEN);
		}
		else
		{
			int32		len;

			require(buf, 4);
			len = (int32) pq_getmsgint(buf, 4);
			require(buf, len);
			appendBinaryStringInfo(&id, pq_getmsgbytes(buf, len), len);
			if (memchr(id.data, '\0', id.len) != NULL ||
				!pg_verifymbstr(id.data, id.len, true))
				mrr_binary_error("A customer id is not valid text in the database encoding.");
		}
		n = summary_recv_count(buf, "mrr_summary");
		if (n == 0 || n > (buf->len - buf->cursor) / 12)
			mrr_binary_error("A customer has no changes, or the value is truncated.");
		for (int64 k = 0; k < n; k++)
		{
			DateADT		day;
			Numeric		amount;

			require(buf, 4);
			day = (DateADT) pq_getmsgint(buf, 4);
			amount = recv_amount(buf);
			if (numeric_is_nan(amount) || numeric_is_inf(amount))
				mrr_binary_error("A change is not a finite number.");
			s = mrr_append(s, id.data, id.len, day, amount, false);
		}
		/* customers must differ: checked as strictly increasing order below */
	}
	summary_recv_end(buf, "mrr_summary");
	problem = mrr_check_records(s);
	if (problem != NULL)
		mrr_binary_error(problem);
	s->canonical = 1;
	SET_VARSIZE(s, MRR_HEADER_SIZE + s->used);
	PG_RETURN_POINTER(s);
}

/* ---------------------------------------------------------------- */
/* mrr_movements                                                    */
/* ---------------------------------------------------------------- */

/* per bucket: the movements into it; NULL amounts are zero */
/*
 * An exact amount while walking the records: fixed point in 128 bits
 * (decimal.h) with the largest display scale seen, as numeric addition would
 * give it, and numeric arithmetic only for amounts beyond that range.  The
 * walk adds up millions of changes; numeric_add would allocate for each.
 */
typedef struct MrrMoney
{
	Numeric		numeric;		/* NULL: the fixed value below */
	int128		fixed;
	int			scale;
} MrrMoney;

static inline MrrMoney
money_zero(void)
{
	MrrMoney	m = {NULL, 0, 0};

	return m;
}

static Numeric
money_numeric(const MrrMoney *m)
{
	return m->numeric ? m->numeric : fixed_to_numeric(m->fixed, m->scale);
}

static MrrMoney
money_of(Numeric n)
{
	MrrMoney	m = money_zero();
	bool		special;

	if (!numeric_to_fixed(NumericGetDatum(n), &m.fixed, &m.scale, &special))
		m.numeric = n;
	return m;
}

/* a + sign * b, exactly */
static MrrMoney
money_add(const MrrMoney *a, const MrrMoney *b, int sign)
{
	MrrMoney	r = money_zero();
	int128		x,
				y;

	if (a->numeric == NULL && b->numeric == NULL)
	{
		r.scale = Max(a->scale, b->scale);
		if (fixed_rescale(a->fixed, r.scale - a->scale, &x) &&
			fixed_rescale(b->fixed, r.scale - b->scale, &y))
		{
			r.fixed = sign > 0 ? x + y : x - y;
			if (fixed_in_range(r.fixed))
				return r;
		}
	}
	r.numeric = sign > 0 ? num_add(money_numeric(a), money_numeric(b)) :
		num_sub(money_numeric(a), money_numeric(b));
	return r;
}

static int
money_sign(const MrrMoney *m)
{
	if (m->numeric)
		return numeric_sign_of(m->numeric);
	return (m->fixed > 0) - (m->fixed < 0);
}

typedef struct MrrBucket
{
	MrrMoney	new_mrr;
	MrrMoney	expansion;
	MrrMoney	contraction;
	MrrMoney	churned;
	MrrMoney	reactivation;
	int64		customers_delta;
} MrrBucket;

static inline void
bucket_add(MrrMoney *sum, const MrrMoney *amount)
{
	*sum = money_add(sum, amount, 1);
}

/* (mrr_start - minus) / mrr_start as float8, the retention ratios */
static Datum
ratio_datum(Numeric start, Numeric numerator)
{
	Datum		q = DirectFunctionCall2(numeric_div, NumericGetDatum(numerator), NumericGetDatum(start));

	return DirectFunctionCall1(numeric_float8, q);
}

/*
 * mrr_movements(mrr_summary, period) -> SETOF (period, mrr_start, new,
 * expansion, contraction, churned, reactivation, mrr_end, customers_start,
 * customers_end, gross_revenue_retention, net_revenue_retention, complete):
 * for each bucket from the bucket of the first day to that of the last,
 * each customer's MRR on the day before the bucket against its MRR on the
 * bucket's last day.
 */
PG_FUNCTION_INFO_V1(mrr_movements);
Datum
mrr_movements(PG_FUNCTION_ARGS)
{
	MrrSummary *s = mrr_getarg(fcinfo, 0);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Period		period;
	int64		first,
				last,
				nbuckets;
	MrrBucket  *buckets;
	MrrCursor	c;
	const MrrRecord *r;
	TupleDesc	desc;
	Tuplestorestate *store;
	Numeric		mrr_start;
	int64		customers_start = 0;

	period_parse_text(PG_GETARG_TEXT_PP(1), 0, &period);
	InitMaterializedSRF(fcinfo, 0);
	desc = rsinfo->setDesc;
	store = rsinfo->setResult;

	first = period_index(&period, s->first_day);
	last = period_index(&period, s->last_day);
	nbuckets = last - first + 1;
	if (nbuckets > MRR_MAX_BUCKETS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("report by period \"%s\" would have more than %d rows",
						period_name(&period), MRR_MAX_BUCKETS),
				 errhint("Use a coarser period.")));
	buckets = palloc_extended(nbuckets * sizeof(MrrBucket), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);

	/* each customer's level at the end of every bucket in which it changes */
	mrr_cursor_init(&c, s);
	while ((r = mrr_cursor_peek(&c)) != NULL)
	{
		const MrrRecord *customer = r;
		MrrMoney	level = money_zero();
		int			level_sign = 0;
		bool		was_positive = false;	/* on some day before the bucket */
		bool		positive_so_far = false;

		CHECK_FOR_INTERRUPTS();
		while (r != NULL && mrr_id_cmp(s->id_kind, r, customer) == 0)
		{
			int64		b = period_index(&period, r->day);
			DateADT		bucket_end = period_start(&period, b + 1);
			MrrBucket  *bucket = &buckets[b - first];
			MrrMoney	start = level;
			int			start_sign = level_sign;

			was_positive = positive_so_far;
			/* the changes of this bucket */
			while (r != NULL && r->day < bucket_end && mrr_id_cmp(s->id_kind, r, customer) == 0)
			{
				MrrMoney	change = money_of(MRR_RECORD_AMOUNT(r));

				level = money_add(&level, &change, 1);
				level_sign = money_sign(&level);
				positive_so_far |= level_sign > 0;
				mrr_cursor_next(&c);
				r = mrr_cursor_peek(&c);
			}
			if (start_sign == 0 && level_sign > 0)
			{
				if (was_positive)
					bucket_add(&bucket->reactivation, &level);
				else
					bucket_add(&bucket->new_mrr, &level);
				bucket->customers_delta++;
			}
			else if (start_sign > 0 && level_sign == 0)
			{
				bucket_add(&bucket->churned, &start);
				bucket->customers_delta--;
			}
			else if (start_sign > 0)
			{
				MrrMoney	difference = money_add(&level, &start, -1);
				int			cmp = money_sign(&difference);

				if (cmp > 0)
					bucket_add(&bucket->expansion, &difference);
				else if (cmp < 0)
				{
					difference = money_add(&start, &level, -1);
					bucket_add(&bucket->contraction, &difference);
				}
			}
		}
	}


	mrr_start = numeric_zero();
	for (int64 i = 0; i < nbuckets; i++)
	{
		MrrBucket  *bucket = &buckets[i];
		Datum		values[13];
		bool		nulls[13] = {0};
		Numeric		new_mrr = money_numeric(&bucket->new_mrr),
					expansion = money_numeric(&bucket->expansion),
					contraction = money_numeric(&bucket->contraction),
					churned = money_numeric(&bucket->churned),
					reactivation = money_numeric(&bucket->reactivation);
		Numeric		mrr_end = num_sub(num_add(num_add(num_add(mrr_start, new_mrr), reactivation),
											  expansion),
									  num_add(contraction, churned));
		Numeric		lost = num_add(contraction, churned);
		int64		customers_end = customers_start + bucket->customers_delta;

		values[0] = DateADTGetDatum(period_start(&period, first + i));
		values[1] = NumericGetDatum(mrr_start);
		values[2] = NumericGetDatum(new_mrr);
		values[3] = NumericGetDatum(expansion);
		values[4] = NumericGetDatum(contraction);
		values[5] = NumericGetDatum(churned);
		values[6] = NumericGetDatum(reactivation);
		values[7] = NumericGetDatum(mrr_end);
		values[8] = Int64GetDatum(customers_start);
		values[9] = Int64GetDatum(customers_end);
		if (numeric_sign_of(mrr_start) == 0)
			nulls[10] = nulls[11] = true;
		else
		{
			Numeric		kept = num_sub(mrr_start, lost);

			values[10] = ratio_datum(mrr_start, kept);
			values[11] = ratio_datum(mrr_start, num_add(kept, expansion));
		}
		values[12] = BoolGetDatum(period_start(&period, first + i + 1) - 1 <= s->last_day);
		tuplestore_putvalues(store, desc, values, nulls);
		mrr_start = mrr_end;
		customers_start = customers_end;
	}
	return (Datum) 0;
}
