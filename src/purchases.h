/*
 * purchases.h
 *		The purchases summary (purchases_agg): an activity summary plus, for
 *		each customer and active day, the number of rows and the exact total
 *		amount of that day.  Private to the purchases*.c files.
 *
 * Flat (stored, shipped), a varlena holding:
 *
 *		version byte (2), amount kind byte (1 numeric, 2 float8),
 *		varint length of the activity body, the activity body (the bytes of
 *		an activity value after its varlena header: activity_internal.h),
 *		then one entry block per customer, in the order of the activity body:
 *
 *		varint header: bit 0 set when some numeric total is negative (the
 *			totals are then zigzag varints), bits 1-5 the scale of every
 *			numeric total of the customer, or 31 when their scales differ,
 *			the bits from 6 up the number of days with more than one row
 *			(for float8 bits 0-5 are 0);
 *		per day with more than one row, in day order: varint of the days
 *			between it and the previous such day (its index - the previous
 *			one's - 1, the first relative to -1), varint rows - 2, and for
 *			float8 a varint k then k doubles (8 bytes, little-endian): the
 *			rest of the exact total beyond the day's double, as float_sum.h's
 *			expansion writes it;
 *		per day: numeric: a scale byte when the scales differ, then a varint
 *			of the total in units of 10^-scale (a 128-bit integer of
 *			magnitude below 10^37), the scale being the largest display
 *			scale of the day's amounts, so totals print as sum(amount) does;
 *			float8: the double nearest to the day's exact total, 8 bytes
 *			little-endian.
 *
 * Most days have one row, so a shop's day costs the activity byte or two and
 * a two-byte total.  The encoding is canonical (the header bits are exactly
 * what the totals need, float8 rests are the unique expansion), so a
 * summary's bytes depend only on its contents; in particular float8 day
 * totals are exact sums, the same however the rows were split.
 *
 * So the cast to activity copies the activity body, every activity accessor
 * reads a purchases summary through it, and the activity codec writes and
 * validates the ids and days.
 *
 * While aggregating, an expanded object (PurchasesState): rows collected as
 * they come and, a run at a time, sorted by (id, day) into flat parts
 * (radix-sorted for bigint ids), merged by size as activity's parts are.
 */
#ifndef RETENTION_PURCHASES_H
#define RETENTION_PURCHASES_H

#include "activity_internal.h"
#include "decimal.h"
#include "float_sum.h"

#define PURCHASES_VERSION 2

typedef enum PurchasesAmountKind
{
	PURCHASES_NUMERIC = 1,
	PURCHASES_FLOAT8 = 2
} PurchasesAmountKind;

/* "numeric", "float8" by kind */
extern const char *const purchases_amount_kind_names[];

/* entry block header */
#define PURCHASES_SIGNED 0x01
#define PURCHASES_SCALE_SHIFT 1
#define PURCHASES_MIXED_SCALES 31
#define PURCHASES_MULTI_SHIFT 6

/*
 * float8 totals are exact sums (float_sum.h) kept below 2^95, so that any
 * number of them can be summed again exactly; amounts below 2^-44 are
 * rounded to float_sum.h's grid of 2^-96.
 */
#define PURCHASES_FLOAT8_LIMIT 0x1p95
#define PURCHASES_FLOAT8_GRID_EXACT 0x1p-44

/* the most terms of a float8 total: 256 bits in doubles of 53 */
#define PURCHASES_MAX_TERMS 6

/*
 * One day's total: fixed (numeric), or for float8 the nearest double and,
 * when that is not the exact total, the index + 1 of the exact one among
 * the owner's PurchasesDays.sums.
 */
typedef struct PurchasesTotal
{
	int128		fixed;
	int32		scale;
	int32		exact;
	double		real;
} PurchasesTotal;

/*
 * A customer's days with their rows and totals: what a cursor decodes and
 * what a writer encodes.  The arrays grow as needed.
 */
typedef struct PurchasesDays
{
	PurchasesAmountKind amount_kind;
	int			count;
	int			size;
	DateADT    *days;
	int64	   *rows;
	PurchasesTotal *totals;
	FloatSum   *sums;			/* exact float8 totals not equal to a double */
	int			nsums;
	int			sums_size;
	int			scale;			/* numeric: the scale all totals share, or -1 */
} PurchasesDays;

extern void purchases_days_init(PurchasesDays *days, PurchasesAmountKind kind);
extern void purchases_days_reset(PurchasesDays *days);
extern void purchases_days_reserve(PurchasesDays *days, int count);
extern void purchases_total_set_exact(PurchasesDays *days, PurchasesTotal *total,
									  const FloatSum *sum);

/*
 * Appends a day of `rows` rows and the given total; for float8, `exact` is
 * the exact total when the total's double is not (else NULL).
 */
static inline void
purchases_days_append(PurchasesDays *days, DateADT day, int64 rows,
					  const PurchasesTotal *total, const FloatSum *exact)
{
	int			d = days->count;

	if (unlikely(d == days->size))
		purchases_days_reserve(days, d + 1);
	days->days[d] = day;
	days->rows[d] = rows;
	days->totals[d] = *total;
	days->totals[d].exact = 0;
	if (unlikely(exact != NULL))
		purchases_total_set_exact(days, &days->totals[d], exact);
	days->count = d + 1;
}
/* adds rows and a total to day `index` */
extern void purchases_days_add(PurchasesDays *days, int index, int64 rows,
							   const PurchasesTotal *total, const FloatSum *exact);
/* the exact float8 total of day `index` */
extern void purchases_days_exact(const PurchasesDays *days, int index, FloatSum *sum);
extern void purchases_float8_to_sum(double value, FloatSum *sum);

/*
 * The rows of a run before they are sorted: bigint rows take 20 bytes while
 * collected and 32 while sorted (the pairs and the sort's second array, the
 * days inside the keys), so a run costs at most 537 MB; text and uuid rows
 * are sorted by comparison, 24 bytes more each plus their ids, in shorter
 * runs.  Assertion-enabled builds use tiny runs, so that the regression
 * tests go through many runs and merges of parts.
 */
#ifdef USE_ASSERT_CHECKING
#define PURCHASES_RUN_ROWS ((int64) 256)
#define PURCHASES_KEY_RUN_ROWS ((int64) 256)
#else
#define PURCHASES_RUN_ROWS ((int64) 1 << 24)
#define PURCHASES_KEY_RUN_ROWS ((int64) 1 << 22)
#endif

/*
 * A numeric amount as a sort payload: the units shifted over the scale,
 * or, when they need more than 57 bits, the index of the amount in the
 * state's wide amounts with the low bit set.
 */
#define PURCHASES_PAYLOAD_WIDE 1
#define PURCHASES_PAYLOAD_SHIFT 6

typedef struct PurchasesWide
{
	int128		fixed;
	int			scale;
} PurchasesWide;

typedef struct PurchasesState
{
	ExpandedObjectHeader hdr;
	ActivityIdKind id_kind;
	PurchasesAmountKind amount_kind;
	/*
	 * collected rows: the id (text and uuid ids: an offset into keys) and
	 * the amount (a numeric payload as above, or a float8's bits)
	 */
	SortPair   *rows;
	DateADT    *days;
	int64		npending;
	int64		pending_size;
	PurchasesWide *wide;
	int64		nwide;
	int64		wide_size;
	char	   *keys;
	Size		keys_used;
	Size		keys_size;
	/* sorted flat parts, merged by size */
	SortedParts parts;
	bool		flat_ready;		/* parts holds exactly the one flat value */
} PurchasesState;

extern const ExpandedObjectMethods purchases_methods;

extern PurchasesState *purchases_state_create(MemoryContext parent, ActivityIdKind id_kind,
											  PurchasesAmountKind amount_kind);
extern void purchases_add_row_space(PurchasesState *state);
extern void purchases_add_wide(PurchasesState *state, int64 row, int128 fixed, int scale);
extern void purchases_sort_rows(PurchasesState *state);
extern void purchases_keep_flat(PurchasesState *state, const struct varlena *flat);
pg_noreturn extern void purchases_kind_mismatch(PurchasesAmountKind a, PurchasesAmountKind b);

/* ---- the flat form ---- */

/* Reads a flat value customer by customer, validating as it goes. */
typedef struct PurchasesCursor
{
	PurchasesAmountKind amount_kind;
	FlatCursor	ids;			/* ids and days */
	const uint8 *pos;			/* the entry blocks */
	const uint8 *end;
	int			error_code;
	PurchasesDays current;		/* the current customer; days point into ids */
} PurchasesCursor;

extern void purchases_cursor_begin(PurchasesCursor *cursor, const struct varlena *flat,
								   int error_code);
extern bool purchases_cursor_next(PurchasesCursor *cursor);
extern void purchases_cursor_activity(const struct varlena *flat, const uint8 **body, Size *len);

/* Writes customers in id order. */
typedef struct PurchasesWriter
{
	PurchasesAmountKind amount_kind;
	FlatWriter	ids;
	uint8	   *entries;
	Size		len;
	Size		size;
	MemoryContext context;
} PurchasesWriter;

extern void purchases_writer_init(PurchasesWriter *writer, ActivityIdKind id_kind,
								  PurchasesAmountKind amount_kind, MemoryContext context);
extern void purchases_writer_reserve(PurchasesWriter *writer, Size ids, Size entries);
extern void purchases_writer_add(PurchasesWriter *writer, int64 id, const char *key, int keylen,
								 const PurchasesDays *days);
extern struct varlena *purchases_writer_finish(PurchasesWriter *writer, MemoryContext context);
extern struct varlena *purchases_merge_flat(struct varlena **parts, int nparts,
											MemoryContext context, void *arg);

extern void purchases_fixed_add(PurchasesTotal *sum, const PurchasesTotal *add);
extern struct varlena *purchases_flat(Datum summary);

#endif							/* RETENTION_PURCHASES_H */
