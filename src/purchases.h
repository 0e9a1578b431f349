/*
 * purchases.h
 *		The purchases summary (purchases_agg): an activity summary plus, for
 *		each customer and active day, the number of rows and the exact total
 *		amount of that day.  Private to the purchases*.c files.
 *
 * Flat (stored, shipped), a varlena holding:
 *
 *		version byte (1), amount kind byte (1 numeric, 2 float8),
 *		varint length of the activity body, the activity body (the bytes of
 *		an activity value after its varlena header: activity_internal.h),
 *		then one entry per customer-day, in the order of the activity body:
 *			varint rows (>= 1);
 *			numeric: scale byte (0 to DECIMAL_MAX_SCALE), zigzag varint of
 *			         the total in units of 10^-scale (a 128-bit integer of
 *			         magnitude below 10^37); the scale is the largest display
 *			         scale of the day's amounts, so totals print as
 *			         sum(amount) does;
 *			float8:  the 8 bytes of the total, little-endian.
 *
 * So the cast to activity copies the activity body, every activity accessor
 * reads a purchases summary through it, and the activity codec writes and
 * validates the ids and days.
 *
 * While aggregating, an expanded object (PurchasesState): rows collected as
 * they come and, a run at a time, sorted by (id, day) into flat parts
 * (radix-sorted for bigint ids), merged by size like activity's parts.
 */
#ifndef RETENTION_PURCHASES_H
#define RETENTION_PURCHASES_H

#include "activity_internal.h"
#include "decimal.h"

#define PURCHASES_VERSION 1

typedef enum PurchasesAmountKind
{
	PURCHASES_NUMERIC = 1,
	PURCHASES_FLOAT8 = 2
} PurchasesAmountKind;

/* "numeric", "float8" by kind */
extern const char *const purchases_amount_kind_names[];

/* one day's total: fixed (numeric) or real (float8) */
typedef struct PurchasesTotal
{
	int128		fixed;
	double		real;
	int			scale;
} PurchasesTotal;

/* the rows of a run before they are sorted */
#ifdef USE_ASSERT_CHECKING
#define PURCHASES_RUN_ROWS ((int64) 256)
#else
#define PURCHASES_RUN_ROWS ((int64) 1 << 22)
#endif

typedef struct PurchasesState
{
	ExpandedObjectHeader hdr;
	ActivityIdKind id_kind;
	PurchasesAmountKind amount_kind;
	/* collected rows; text and uuid ids are offsets into keys */
	int64	   *ids;
	DateADT    *days;
	int128	   *fixed;			/* numeric amounts */
	uint8	   *scales;
	double	   *real;			/* float8 amounts */
	int64		npending;
	int64		pending_size;
	char	   *keys;
	Size		keys_used;
	Size		keys_size;
	/* sorted flat parts, merged by size */
	struct varlena **parts;
	int			nparts;
	bool		flat_ready;		/* parts holds exactly the one flat value */
} PurchasesState;

extern const ExpandedObjectMethods purchases_methods;

extern PurchasesState *purchases_state_create(MemoryContext parent, ActivityIdKind id_kind,
											  PurchasesAmountKind amount_kind);
extern void purchases_add_row_space(PurchasesState *state);
extern void purchases_sort_rows(PurchasesState *state);
extern void purchases_keep_flat(PurchasesState *state, const struct varlena *flat);
pg_noreturn extern void purchases_kind_mismatch(PurchasesAmountKind a, PurchasesAmountKind b);

/* ---- the flat form ---- */

/* Reads a flat value customer by customer, validating as it goes. */
typedef struct PurchasesCursor
{
	PurchasesAmountKind amount_kind;
	FlatCursor	days;			/* ids and days */
	const uint8 *pos;			/* the day entries */
	const uint8 *end;
	int			error_code;
	/* the current customer's day entries, count of them (days.count) */
	int64	   *rows;
	PurchasesTotal *totals;
	int			size;
} PurchasesCursor;

extern void purchases_cursor_begin(PurchasesCursor *cursor, const struct varlena *flat,
								   int error_code);
extern bool purchases_cursor_next(PurchasesCursor *cursor);
extern void purchases_cursor_activity(const struct varlena *flat, const uint8 **body, Size *len);

/* Writes customers in id order. */
typedef struct PurchasesWriter
{
	PurchasesAmountKind amount_kind;
	FlatWriter	days;
	uint8	   *entries;
	Size		len;
	Size		size;
	MemoryContext context;
} PurchasesWriter;

extern void purchases_writer_init(PurchasesWriter *writer, ActivityIdKind id_kind,
								  PurchasesAmountKind amount_kind, MemoryContext context);
extern void purchases_writer_add(PurchasesWriter *writer, int64 id, const char *key, int keylen,
								 const DateADT *days, const int64 *rows,
								 const PurchasesTotal *totals, int count);
extern struct varlena *purchases_writer_finish(PurchasesWriter *writer, MemoryContext context);
extern struct varlena *purchases_merge_flat(struct varlena **parts, int nparts,
											MemoryContext context);

extern void purchases_total_add(PurchasesAmountKind kind, PurchasesTotal *sum,
								const PurchasesTotal *add);
extern struct varlena *purchases_flat(Datum summary);

#endif							/* RETENTION_PURCHASES_H */
