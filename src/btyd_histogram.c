/*
 * btyd_histogram.c
 *		btyd_histogram: the transition state of bgnbd_fit and gammagamma_fit.
 *
 * A fit needs every customer's inputs, but customers with identical inputs
 * contribute identical terms, so the state is a histogram: each distinct
 * (frequency, recency, tenure) triple -- or (frequency, monetary_value) pair
 * for Gamma-Gamma -- with its count.  Summaries computed in whole days repeat
 * a lot, which is what makes a fit over a million customers fast.
 *
 * One histogram covers a whole table, so it is an expanded object (see
 * utils/expandeddatum.h) in its own memory context, a child of the
 * aggregate context, updated in place by the transition and combine
 * functions.  It holds its distinct points sorted by (x, u, v), and the
 * rows added since in arrival order; when those reach ROWS_PER_MERGE, or
 * the points are read, they are sorted (a radix sort on the bits of the
 * frequency and the two values, see radix_sort_points), their duplicates
 * united, and they are merged into the sorted points.  Sorting
 * is needed anyway, for the canonical flat form and for a fit that sums in
 * an order independent of how rows were split between workers; a hash
 * table in front of it, tried first, cost more in cache misses than it
 * saved.  The combine function merges sorted partial states in time linear
 * in the points, so the leader of a parallel plan neither sorts the
 * workers' points again nor all of them once more for the fit.  The
 * executor keeps such a read/write object without copying it
 * (ExecAggTransReparent).  It is flattened only to be stored or sent to
 * another process (a parallel worker's partial state).
 *
 * Flat form: varlena header, version byte, kind byte, two zero bytes, four
 * bytes of padding, the penalizer (float8), the number of points (int64),
 * then the points (BtydPoint, 32 bytes each).
 * Text form: "v1 kind=bgnbd penalizer=0 points=x:u:v:count,..." with floats
 * in their shortest exact decimal form.
 */
#include "btyd.h"

#include <math.h>

#include "libpq/pqformat.h"
#include "port/pg_bitutils.h"
#include "summary_io.h"
#include "utils/expandeddatum.h"
#include "utils/memutils.h"

/* the compact text form goes through the binary form */
extern Datum btyd_histogram_send(PG_FUNCTION_ARGS);
extern Datum btyd_histogram_recv(PG_FUNCTION_ARGS);

#define BTYD_HISTOGRAM_VERSION 1
/*
 * Rows are merged into the sorted points this many at a time (32 MB of
 * them): enough that the linear merges are few next to the sorting, few
 * enough to bound the memory of many repeated rows.
 */
#define ROWS_PER_MERGE ((int64) 1 << 20)
/* the first rows' room: small, for fits of many small groups (GROUP BY) */
#define MIN_ROWS 64

typedef struct BtydHistogramFlat
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	uint8		version;
	uint8		kind;
	uint8		reserved[2];
	double		penalizer;		/* 8-aligned: offset 8 */
	int64		npoints;
	BtydPoint	points[FLEXIBLE_ARRAY_MEMBER];
} BtydHistogramFlat;

#define FLAT_HEADER_SIZE offsetof(BtydHistogramFlat, points)
#define MAX_FLAT_POINTS ((MaxAllocSize - FLAT_HEADER_SIZE) / sizeof(BtydPoint))

typedef struct BtydHistogram
{
	ExpandedObjectHeader hdr;
	int			kind;
	double		penalizer;
	int64		npoints;		/* distinct points, sorted by point_cmp */
	BtydPoint  *points;
	int64		nrows;			/* rows added since, in arrival order */
	int64		rows_capacity;
	BtydPoint  *rows;
} BtydHistogram;

static Size histogram_get_flat_size(ExpandedObjectHeader *eohptr);
static void histogram_flatten_into(ExpandedObjectHeader *eohptr,
								   void *result, Size allocated_size);

static const ExpandedObjectMethods histogram_methods = {
	histogram_get_flat_size,
	histogram_flatten_into
};

/* the kinds' names in the text form and in messages, by kind */
static const char *const kind_names[BTYD_KIND_MAX + 1] = {
	NULL, "bgnbd", "gammagamma", "pnbd", "mbgnbd", "bgbb"
};

static const char *
kind_name(int kind)
{
	return kind_names[kind];
}

static inline bool
kind_is_valid(int kind)
{
	return kind >= 1 && kind <= BTYD_KIND_MAX;
}

/* A new histogram in parent holding n sorted distinct points. */
static BtydHistogram *
histogram_new(MemoryContext parent, int kind, double penalizer, const BtydPoint *points, int64 n)
{
	MemoryContext objcxt = AllocSetContextCreate(parent, "btyd_histogram",
												 ALLOCSET_DEFAULT_SIZES);
	BtydHistogram *h = MemoryContextAlloc(objcxt, sizeof(BtydHistogram));

	EOH_init_header(&h->hdr, &histogram_methods, objcxt);
	h->kind = kind;
	h->penalizer = penalizer;
	h->npoints = n;
	h->points = MemoryContextAllocExtended(objcxt, Max(n, 1) * sizeof(BtydPoint),
										   MCXT_ALLOC_HUGE);
	if (n > 0)
		memcpy(h->points, points, n * sizeof(BtydPoint));
	h->nrows = 0;
	h->rows_capacity = 0;
	h->rows = NULL;
	return h;
}

static void histogram_merge_rows(BtydHistogram *h);

/* Adds count customers with inputs (x, u, v); the inputs are already valid. */
static inline void
histogram_add(BtydHistogram *h, int32 x, double u, double v, int64 count)
{
	BtydPoint  *p;

	if (h->nrows == ROWS_PER_MERGE)
		histogram_merge_rows(h);	/* which may have made the rows the points */
	if (h->nrows == h->rows_capacity)
	{
		int64		capacity = Max(MIN_ROWS, 2 * h->rows_capacity);

		h->rows = h->rows == NULL ?
			MemoryContextAllocExtended(h->hdr.eoh_context, capacity * sizeof(BtydPoint),
									   MCXT_ALLOC_HUGE) :
			repalloc_huge(h->rows, capacity * sizeof(BtydPoint));
		h->rows_capacity = capacity;
	}
	p = &h->rows[h->nrows++];
	p->x = x;
	p->reserved = 0;
	/* -0.0 and 0.0 are one value */
	p->u = u + 0.0;
	p->v = v + 0.0;
	p->count = count;
}

/* points of one frequency: by (u, v) */
static inline int
point_cmp_uv(const BtydPoint *p, const BtydPoint *q)
{
	if (p->u != q->u)
		return p->u < q->u ? -1 : 1;
	if (p->v != q->v)
		return p->v < q->v ? -1 : 1;
	return 0;
}

/* all points: by frequency, then (u, v) */
static inline int
point_cmp(const BtydPoint *p, const BtydPoint *q)
{
	if (p->x != q->x)
		return p->x < q->x ? -1 : 1;
	return point_cmp_uv(p, q);
}

/*
 * sort_points(points, n): a quicksort with point_cmp inlined, about twice as
 * fast as qsort() calling it, for the small buckets of the radix sort below.
 */
#define ST_SORT sort_points
#define ST_ELEMENT_TYPE BtydPoint
#define ST_COMPARE(a, b) point_cmp(a, b)
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

static Size
histogram_get_flat_size(ExpandedObjectHeader *eohptr)
{
	BtydHistogram *h = (BtydHistogram *) eohptr;

	histogram_merge_rows(h);
	if (h->npoints > (int64) MAX_FLAT_POINTS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many distinct customer summaries to store a btyd_histogram: " INT64_FORMAT,
						h->npoints),
				 errhint("Round recency and tenure to whole days, or fit a sample.")));
	return FLAT_HEADER_SIZE + h->npoints * sizeof(BtydPoint);
}

/*
 * Merges n sorted distinct points into the histogram's sorted points: one
 * pass over both, adding the counts of points in both.
 */
static void
histogram_merge(BtydHistogram *h, const BtydPoint *points, int64 n)
{
	BtydPoint  *old = h->points,
			   *merged;
	int64		i = 0,
				j = 0,
				k = 0;

	if (n == 0)
		return;
	merged = MemoryContextAllocExtended(h->hdr.eoh_context,
										(h->npoints + n) * sizeof(BtydPoint), MCXT_ALLOC_HUGE);
	while (i < h->npoints && j < n)
	{
		int			c = point_cmp(&old[i], &points[j]);

		if (c < 0)
			merged[k++] = old[i++];
		else if (c > 0)
			merged[k++] = points[j++];
		else
		{
			merged[k] = old[i++];
			merged[k].count = count_add(merged[k].count, points[j++].count);
			k++;
		}
	}
	while (i < h->npoints)
		merged[k++] = old[i++];
	while (j < n)
		merged[k++] = points[j++];
	pfree(old);
	h->points = merged;
	h->npoints = k;
}

static void sort_points_in_place(BtydPoint *points, int64 n);

/*
 * Sorts the rows added since the last merge, unites their duplicates and
 * merges them into the sorted points (or makes them the points, if there
 * were none yet: the common case of one batch).
 */
static void
histogram_merge_rows(BtydHistogram *h)
{
	BtydPoint  *rows = h->rows;
	int64		n = 0;

	if (h->nrows == 0)
		return;
	sort_points_in_place(rows, h->nrows);
	for (int64 i = 0; i < h->nrows; i++)
	{
		if (n > 0 && point_cmp(&rows[n - 1], &rows[i]) == 0)
			rows[n - 1].count = count_add(rows[n - 1].count, rows[i].count);
		else
			rows[n++] = rows[i];
	}
	h->nrows = 0;
	if (h->npoints == 0)
	{
		pfree(h->points);
		h->points = rows;
		h->npoints = n;
		h->rows = NULL;
		h->rows_capacity = 0;
		return;
	}
	histogram_merge(h, rows, n);
}

/*
 * The sort key of a point, 192 bits in three words, most significant first:
 * the frequency, then the bits of u and of v (values are >= 0 and -0.0 is
 * stored as 0.0, so a double's bits order them).  Comparing keys as
 * unsigned integers is point_cmp.
 */
static inline uint64
point_key_word(const BtydPoint *p, int word)
{
	uint64		bits;

	if (word == 0)
		return (uint64) (uint32) p->x;
	memcpy(&bits, word == 1 ? &p->u : &p->v, sizeof(bits));
	return bits;
}

/* buckets of at most this many points are sorted by comparisons */
#define RADIX_SMALL 32
#define RADIX_MAX_BITS 9
/* deeper than this (adversarial bits), the rest is sorted by comparisons */
#define RADIX_MAX_DEPTH 24

/* Sorts a few points by comparisons: an insertion sort, as most are in order or equal. */
static void
insertion_sort_points(BtydPoint *a, int64 n)
{
	for (int64 i = 1; i < n; i++)
	{
		BtydPoint	p = a[i];
		int64		j = i;

		while (j > 0 && point_cmp(&a[j - 1], &p) > 0)
		{
			a[j] = a[j - 1];
			j--;
		}
		a[j] = p;
	}
}

/*
 * Sorts the n points at src by their keys from bit pos on (the bits before
 * are the same for all of them) into src, or into dst if to_dst; the other
 * array is scratch space.  A most-significant-digit radix sort: it first
 * skips the bits every point shares -- so whole days' trailing zero bits,
 * or a frequency's single u, cost nothing -- then distributes the points
 * into the other array by the next digit, as wide as the bucket is large,
 * and sorts each sub-bucket the same way from there.  Buckets soon fit in
 * the CPU caches; the smallest are sorted by comparisons.
 */
static void
radix_sort_points(BtydPoint *src, BtydPoint *dst, int64 n, int pos, int depth, bool to_dst)
{
	int64		count[(1 << RADIX_MAX_BITS) + 1];
	uint64		diff = 0;
	int			word,
				shift,
				digit_bits = 1;
	uint64		mask;
	int64		begin;
	BtydPoint  *target = to_dst ? dst : src;

	if (n <= RADIX_SMALL || depth > RADIX_MAX_DEPTH)
	{
		if (to_dst)
			memcpy(dst, src, n * sizeof(BtydPoint));
		if (n <= RADIX_SMALL)
			insertion_sort_points(target, n);
		else
			sort_points(target, n);
		return;
	}

	/* the first bit from pos on where two points differ */
	for (word = pos / 64; word < 3; word++)
	{
		uint64		first = point_key_word(&src[0], word);
		uint64		live = (word == pos / 64 && pos % 64 != 0) ?
			PG_UINT64_MAX >> (pos % 64) : PG_UINT64_MAX;

		diff = 0;
		for (int64 i = 1; i < n; i++)
			diff |= point_key_word(&src[i], word) ^ first;
		diff &= live;
		if (diff != 0)
			break;
	}
	if (word == 3)
	{
		/* all keys equal */
		if (to_dst)
			memcpy(dst, src, n * sizeof(BtydPoint));
		return;
	}
	pos = word * 64 + (63 - pg_leftmost_one_pos64(diff));

	/* a digit of about log2(n / 8) bits, within the word */
	while (digit_bits < RADIX_MAX_BITS && ((int64) 8 << (digit_bits + 1)) <= n)
		digit_bits++;
	digit_bits = Min(digit_bits, 64 - pos % 64);
	shift = 64 - pos % 64 - digit_bits;
	mask = ((uint64) 1 << digit_bits) - 1;

	memset(count, 0, (((int64) 1 << digit_bits) + 1) * sizeof(int64));
	for (int64 i = 0; i < n; i++)
		count[((point_key_word(&src[i], word) >> shift) & mask) + 1]++;
	for (int64 d = 0; d < ((int64) 1 << digit_bits); d++)
		count[d + 1] += count[d];
	for (int64 i = 0; i < n; i++)
		dst[count[(point_key_word(&src[i], word) >> shift) & mask]++] = src[i];

	/* count[d] is now the end of digit d's points, which are in dst */
	begin = 0;
	for (int64 d = 0; d < ((int64) 1 << digit_bits); d++)
	{
		if (count[d] > begin)
			radix_sort_points(dst + begin, src + begin, count[d] - begin, pos + digit_bits,
							  depth + 1, !to_dst);
		begin = count[d];
	}
}

/* Sorts n points (or rows: they may repeat). */
static void
sort_points_in_place(BtydPoint *points, int64 n)
{
	BtydPoint  *tmp;

	if (n <= RADIX_SMALL)
	{
		insertion_sort_points(points, n);
		return;
	}
	tmp = palloc_extended(n * sizeof(BtydPoint), MCXT_ALLOC_HUGE);
	radix_sort_points(points, tmp, n, 0, 0, false);
	pfree(tmp);
}

static void
histogram_flatten_into(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	BtydHistogram *h = (BtydHistogram *) eohptr;
	BtydHistogramFlat *flat = result;

	Assert(allocated_size == histogram_get_flat_size(eohptr));
	memset(flat, 0, FLAT_HEADER_SIZE);
	SET_VARSIZE(flat, allocated_size);
	flat->version = BTYD_HISTOGRAM_VERSION;
	flat->kind = (uint8) h->kind;
	flat->penalizer = h->penalizer;
	flat->npoints = h->npoints;
	histogram_merge_rows(h);
	memcpy(flat->points, h->points, h->npoints * sizeof(BtydPoint));
}

/* The flat form of a histogram, for input functions, which return plain values. */
static BtydHistogramFlat *
histogram_flat(BtydHistogram *h)
{
	Size		size = histogram_get_flat_size(&h->hdr);
	BtydHistogramFlat *flat = palloc(size);

	histogram_flatten_into(&h->hdr, flat, size);
	return flat;
}

/* ---- reading either form ---- */

static bool
datum_is_histogram_object(Datum d)
{
	return VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)) &&
		DatumGetEOHP(d)->eoh_methods == &histogram_methods;
}

/*
 * Input validation and the aggregates guarantee these invariants of both
 * forms; assertion-enabled builds check them again on every histogram that
 * is read (the transition functions' own object excepted, which every row
 * would otherwise scan).
 */
static const char *point_problem(int kind, int64 x, double u, double v, int64 count);

#ifdef USE_ASSERT_CHECKING
static void
assert_valid_point(int kind, const BtydPoint *p)
{
	Assert(point_problem(kind, p->x, p->u, p->v, p->count) == NULL);
	Assert(p->reserved == 0);
	/* -0.0 is stored as 0.0, so that equal inputs have equal bits */
	Assert(!signbit(p->u) && !signbit(p->v));
}
#endif

static BtydHistogram *
histogram_checked(BtydHistogram *h)
{
#ifdef USE_ASSERT_CHECKING
	Assert(h->hdr.eoh_methods == &histogram_methods);
	Assert(kind_is_valid(h->kind));
	Assert(h->penalizer >= 0.0 && isfinite(h->penalizer) &&
		   (h->kind != BTYD_KIND_GAMMAGAMMA || h->penalizer == 0.0));
	Assert(h->npoints >= 0 && h->nrows >= 0 && h->nrows <= h->rows_capacity);
	for (int64 i = 0; i < h->npoints; i++)
	{
		assert_valid_point(h->kind, &h->points[i]);
		Assert(i == 0 || point_cmp(&h->points[i - 1], &h->points[i]) < 0);
	}
	for (int64 i = 0; i < h->nrows; i++)
		assert_valid_point(h->kind, &h->rows[i]);
#endif
	return h;
}

static BtydHistogramFlat *
histogram_flat_checked(BtydHistogramFlat *flat)
{
#ifdef USE_ASSERT_CHECKING
	Assert(VARSIZE(flat) >= FLAT_HEADER_SIZE);
	Assert(flat->version == BTYD_HISTOGRAM_VERSION);
	Assert(kind_is_valid(flat->kind));
	Assert(flat->reserved[0] == 0 && flat->reserved[1] == 0);
	Assert(flat->penalizer >= 0.0 && isfinite(flat->penalizer) &&
		   (flat->kind != BTYD_KIND_GAMMAGAMMA || flat->penalizer == 0.0));
	Assert(flat->npoints >= 0 && flat->npoints <= (int64) MAX_FLAT_POINTS);
	Assert(VARSIZE(flat) == FLAT_HEADER_SIZE + flat->npoints * sizeof(BtydPoint));
	for (int64 i = 0; i < flat->npoints; i++)
	{
		assert_valid_point(flat->kind, &flat->points[i]);
		/* sorted by (x, u, v), hence distinct */
		Assert(i == 0 || point_cmp(&flat->points[i - 1], &flat->points[i]) < 0);
	}
#endif
	return flat;
}

/*
 * The sorted points of a histogram in either form, as a palloc'd copy (the
 * fits and the output functions must not disturb the state).
 */
void
btyd_histogram_data(Datum histogram, BtydData *data)
{
	if (datum_is_histogram_object(histogram))
	{
		BtydHistogram *h = (BtydHistogram *) DatumGetEOHP(histogram);

		histogram_merge_rows(h);
		histogram_checked(h);
		data->kind = h->kind;
		data->penalizer = h->penalizer;
		data->npoints = h->npoints;
		/* read-only, like the flat form's points */
		data->points = h->points;
	}
	else
	{
		BtydHistogramFlat *flat = histogram_flat_checked((BtydHistogramFlat *)
														 PG_DETOAST_DATUM(histogram));

		data->kind = flat->kind;
		data->penalizer = flat->penalizer;
		data->npoints = flat->npoints;
		data->points = flat->points;
	}
}

/*
 * The distinct recency and tenure values of the points, in the order first
 * met, and each point's two indexes into them, for the likelihoods that
 * compute ln(α + value) and the like once per distinct value.  The values
 * are found by hashing their bits (a table of a few thousand for whole
 * days) rather than by sorting the 2n of them, which took a tenth of a fit;
 * their order does not matter, as each entry of such a table is a function
 * of its value alone.
 */
int32
btyd_time_values(const BtydData *data, double **values_out, int32 **u_index, int32 **v_index)
{
	int64		n = data->npoints;
	int32		nvalues = 0,
				capacity = 1024,
				table_size = 4096;
	double	   *values = palloc(capacity * sizeof(double));
	int32	   *table = palloc(table_size * sizeof(int32));
	int32	   *index[2];

	if (n > PG_INT32_MAX / 2)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many distinct customer summaries for one fit: " INT64_FORMAT, n),
				 errhint("A fit takes at most %d distinct (frequency, recency, tenure) triples; round recency and tenure to whole days, or fit a sample.",
						 PG_INT32_MAX / 2)));
	index[0] = palloc_extended(Max(n, 1) * sizeof(int32), MCXT_ALLOC_HUGE);
	index[1] = palloc_extended(Max(n, 1) * sizeof(int32), MCXT_ALLOC_HUGE);
	memset(table, -1, table_size * sizeof(int32));
	for (int64 i = 0; i < n; i++)
	{
		for (int which = 0; which < 2; which++)
		{
			double		value = which == 0 ? data->points[i].u : data->points[i].v;
			uint64		bits;
			int32		j;

			memcpy(&bits, &value, sizeof(bits));
			j = (int32) (splitmix64_mix(bits) & (table_size - 1));
			while (table[j] >= 0 && values[table[j]] != value)
				j = (j + 1) & (table_size - 1);
			if (table[j] < 0)
			{
				if (nvalues == capacity)
				{
					capacity *= 2;
					values = repalloc_huge(values, capacity * sizeof(double));
				}
				values[nvalues] = value;
				table[j] = nvalues++;
				if (2 * nvalues > table_size)
				{
					/* grow the table to keep it at most half full */
					table_size *= 2;
					table = repalloc_huge(table, table_size * sizeof(int32));
					memset(table, -1, table_size * sizeof(int32));
					for (int32 k = 0; k < nvalues; k++)
					{
						memcpy(&bits, &values[k], sizeof(bits));
						j = (int32) (splitmix64_mix(bits) & (table_size - 1));
						while (table[j] >= 0)
							j = (j + 1) & (table_size - 1);
						table[j] = k;
					}
					/* the current value's slot moved: find it again */
					memcpy(&bits, &value, sizeof(bits));
					j = (int32) (splitmix64_mix(bits) & (table_size - 1));
					while (values[table[j]] != value)
						j = (j + 1) & (table_size - 1);
				}
			}
			index[which][i] = table[j];
		}
	}
	pfree(table);
	*values_out = values;
	*u_index = index[0];
	*v_index = index[1];
	return nvalues;
}

/* A new histogram in parent holding the points of another, in either form. */
static BtydHistogram *
histogram_copy(Datum source, MemoryContext parent)
{
	BtydData	data;

	btyd_histogram_data(source, &data);
	return histogram_new(parent, data.kind, data.penalizer, data.points, data.npoints);
}

/*
 * The histogram in argument 0 to change: the aggregate's own read/write
 * object in place when there is one, else a new one in the aggregate
 * context (or, called outside an aggregate, a copy in the current context,
 * since a function must not change its argument).
 */
static BtydHistogram *
histogram_for_update(FunctionCallInfo fcinfo, int kind, double penalizer)
{
	MemoryContext context;
	BtydHistogram *h;

	h = (BtydHistogram *) expanded_state_for_update(fcinfo, &histogram_methods, &context);
	if (h == NULL)
	{
		if (PG_ARGISNULL(0))
			return histogram_new(context, kind, penalizer, NULL, 0);
		h = histogram_copy(PG_GETARG_DATUM(0), context);
	}

	/* only reachable by calling the support functions by hand */
	if (h->kind != kind)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot combine a %s histogram with %s data",
						kind_name(h->kind), kind_name(kind))));
	return h;
}

/* ---- input checks ---- */

void
bgnbd_check_customer(int32 frequency, double recency, double tenure)
{
	if (frequency < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("frequency %d is negative", frequency),
				 errhint("Frequency counts repeat purchases: distinct purchase days minus one.")));
	if (!(recency >= 0.0 && recency <= tenure && isfinite(tenure)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("recency %g and tenure %g are inconsistent", recency, tenure),
				 errhint("Recency and tenure must be finite with 0 <= recency <= tenure.")));
	if (frequency == 0 && recency != 0.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("recency %g is not 0 for frequency 0", recency),
				 errhint("Recency is the time from the first to the last purchase, 0 for a customer without repeat purchases.")));
}

void
gammagamma_check_customer(int32 frequency, double monetary_value)
{
	if (frequency < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("frequency %d is negative", frequency),
				 errhint("Frequency counts repeat purchases: distinct purchase days minus one.")));
	if (!(monetary_value >= 0.0 && isfinite(monetary_value)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("monetary value %g is out of range", monetary_value),
				 errhint("A monetary value must be finite and at least 0; a negative one (refunds outweighing repeat purchases) has no Gamma-Gamma spend: score it with greatest(monetary_value, 0) or net refunds onto their orders' days.")));
}

static void
check_penalizer(double penalizer)
{
	if (!(penalizer >= 0.0 && isfinite(penalizer)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("penalizer %g is out of range", penalizer),
				 errhint("A penalizer must be finite and at least 0.")));
}

static void
check_same_penalizer(double state, double penalizer)
{
	if (state != penalizer)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("penalizer %g differs from penalizer %g of earlier rows", penalizer, state),
				 errhint("Use one penalizer for the whole fit.")));
}

/* ---- transition and combine functions ---- */

/* bgnbd_fit_transfn(state, frequency int, recency float8, tenure float8) */
PG_FUNCTION_INFO_V1(bgnbd_fit_transfn);
Datum
bgnbd_fit_transfn(PG_FUNCTION_ARGS)
{
	BtydHistogram *h;
	int32		x;
	double		recency,
				tenure;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		return state_unchanged(fcinfo);
	x = PG_GETARG_INT32(1);
	recency = PG_GETARG_FLOAT8(2);
	tenure = PG_GETARG_FLOAT8(3);
	bgnbd_check_customer(x, recency, tenure);

	h = histogram_for_update(fcinfo, BTYD_KIND_BGNBD, 0.0);
	check_same_penalizer(h->penalizer, 0.0);
	histogram_add(h, x, recency, tenure, 1);
	PG_RETURN_DATUM(EOHPGetRWDatum(&h->hdr));
}

/* bgnbd_fit_penalized_transfn(state, frequency, recency, tenure, penalizer) */
PG_FUNCTION_INFO_V1(bgnbd_fit_penalized_transfn);
Datum
bgnbd_fit_penalized_transfn(PG_FUNCTION_ARGS)
{
	BtydHistogram *h;
	int32		x;
	double		recency,
				tenure,
				penalizer;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3) || PG_ARGISNULL(4))
		return state_unchanged(fcinfo);
	x = PG_GETARG_INT32(1);
	recency = PG_GETARG_FLOAT8(2);
	tenure = PG_GETARG_FLOAT8(3);
	penalizer = PG_GETARG_FLOAT8(4);
	bgnbd_check_customer(x, recency, tenure);
	check_penalizer(penalizer);

	h = histogram_for_update(fcinfo, BTYD_KIND_BGNBD, penalizer);
	check_same_penalizer(h->penalizer, penalizer);
	histogram_add(h, x, recency, tenure, 1);
	PG_RETURN_DATUM(EOHPGetRWDatum(&h->hdr));
}

/*
 * gammagamma_fit_transfn(state, frequency int, monetary_value float8): only
 * customers with repeat purchases (frequency > 0) and a positive average
 * spend enter the Gamma-Gamma likelihood; others are skipped like NULLs --
 * including a negative average spend, which rfm yields when refunds
 * outweigh a customer's repeat purchases.  Only NaN and infinities are
 * errors.
 */
PG_FUNCTION_INFO_V1(gammagamma_fit_transfn);
Datum
gammagamma_fit_transfn(PG_FUNCTION_ARGS)
{
	BtydHistogram *h;
	int32		x;
	double		m;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		return state_unchanged(fcinfo);
	x = PG_GETARG_INT32(1);
	m = PG_GETARG_FLOAT8(2);
	if (x < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("frequency %d is negative", x),
				 errhint("Frequency counts repeat purchases: distinct purchase days minus one.")));
	if (!isfinite(m))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("monetary value %g is out of range", m),
				 errhint("A monetary value must be finite; customers with a monetary value of 0 or less are skipped.")));
	if (x == 0 || m <= 0.0)
		return state_unchanged(fcinfo);	/* outside the Gamma-Gamma model */

	h = histogram_for_update(fcinfo, BTYD_KIND_GAMMAGAMMA, 0.0);
	histogram_add(h, x, m, 0.0, 1);
	PG_RETURN_DATUM(EOHPGetRWDatum(&h->hdr));
}

/*
 * The transition of the other fits (pnbd.c, mbgnbd.c, bgbb.c): adds one
 * customer whose inputs the caller has checked to the state in argument 0.
 */
Datum
btyd_histogram_add_datum(FunctionCallInfo fcinfo, int kind, double penalizer,
						 int32 x, double u, double v)
{
	BtydHistogram *h;

	check_penalizer(penalizer);
	h = histogram_for_update(fcinfo, kind, penalizer);
	check_same_penalizer(h->penalizer, penalizer);
	histogram_add(h, x, u, v, 1);
	return EOHPGetRWDatum(&h->hdr);
}

/*
 * btyd_histogram_combinefn(a, b): the union of two histograms, kept as a
 * sorted array that each input is merged into (see the top of the file).
 */
PG_FUNCTION_INFO_V1(btyd_histogram_combinefn);
Datum
btyd_histogram_combinefn(PG_FUNCTION_ARGS)
{
	BtydHistogram *h;
	BtydData	other;
	MemoryContext context;

	if (PG_ARGISNULL(1))
		return state_unchanged(fcinfo);
	btyd_histogram_data(PG_GETARG_DATUM(1), &other);
	h = (BtydHistogram *) expanded_state_for_update(fcinfo, &histogram_methods, &context);
	if (h == NULL)
	{
		BtydData	first;

		if (PG_ARGISNULL(0))
		{
			h = histogram_new(context, other.kind, other.penalizer, other.points,
							  other.npoints);
			PG_RETURN_DATUM(EOHPGetRWDatum(&h->hdr));
		}
		btyd_histogram_data(PG_GETARG_DATUM(0), &first);
		h = histogram_new(context, first.kind, first.penalizer, first.points, first.npoints);
	}
	histogram_merge_rows(h);
	histogram_checked(h);

	/* only reachable by calling the support functions by hand */
	if (h->kind != other.kind)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot combine a %s histogram with %s data",
						kind_name(h->kind), kind_name(other.kind))));
	check_same_penalizer(h->penalizer, other.penalizer);
	histogram_merge(h, other.points, other.npoints);
	PG_RETURN_DATUM(EOHPGetRWDatum(&h->hdr));
}

/* ---- text and binary forms ---- */

/* Why a point cannot be in a histogram of this kind, or NULL if it can. */
static const char *
point_problem(int kind, int64 x, double u, double v, int64 count)
{
	if (count <= 0)
		return "a positive count";
	if (x < 0 || x > PG_INT32_MAX)
		return "a frequency between 0 and 2147483647";
	if (kind == BTYD_KIND_BGBB)
	{
		if (!(u >= 0.0 && u <= v && v <= BGBB_MAX_OPPORTUNITIES && u == floor(u) && v == floor(v)))
			return "whole recency and opportunities with 0 <= recency <= opportunities <= 100000";
		if (x > u || (x == 0) != (u == 0.0))
			return "frequency <= recency, and recency 0 exactly for frequency 0";
	}
	else if (kind != BTYD_KIND_GAMMAGAMMA)
	{
		if (!(u >= 0.0 && u <= v && isfinite(v)))
			return "finite recency and tenure with 0 <= recency <= tenure";
		if (x == 0 && u != 0.0)
			return "recency 0 for frequency 0";
	}
	else
	{
		if (x == 0 || !(u > 0.0 && isfinite(u)) || v != 0.0)
			return "a positive frequency, a positive finite monetary value and 0";
	}
	return NULL;
}

PG_FUNCTION_INFO_V1(btyd_histogram_in);
Datum
btyd_histogram_in(PG_FUNCTION_ARGS)
{
	char	   *input = PG_GETARG_CSTRING(0);
	SummaryReader reader;
	BtydHistogram *h;
	int			kind;
	double		penalizer;

	SUMMARY_IN_COMPACT(btyd_histogram_recv, "btyd_histogram", BTYD_HISTOGRAM_VERSION);
	summary_read_begin(&reader, "btyd_histogram", input, BTYD_HISTOGRAM_VERSION);
	summary_read_key(&reader, "kind");
	kind = summary_read_word(&reader, kind_names + 1, BTYD_KIND_MAX) + 1;
	summary_read_key(&reader, "penalizer");
	penalizer = summary_read_float8(&reader);
	if (penalizer < 0.0 || (kind == BTYD_KIND_GAMMAGAMMA && penalizer != 0.0))
		summary_syntax_error(&reader, "a penalizer of at least 0 (0 for gammagamma)");
	summary_read_key(&reader, "points");

	h = histogram_new(CurrentMemoryContext, kind, penalizer, NULL, 0);
	while (*reader.cursor >= '0' && *reader.cursor <= '9')
	{
		const char *start = reader.cursor;
		int64		x,
					count;
		double		u,
					v;
		const char *problem;

		x = summary_read_count(&reader);
		summary_read_char(&reader, ':');
		u = summary_read_float8(&reader);
		summary_read_char(&reader, ':');
		v = summary_read_float8(&reader);
		summary_read_char(&reader, ':');
		count = summary_read_count(&reader);
		problem = point_problem(kind, x, u, v, count);
		if (problem != NULL)
		{
			reader.cursor = start;
			summary_syntax_error(&reader, problem);
		}
		histogram_add(h, (int32) x, u, v, count);
		if (*reader.cursor != ',')
			break;
		reader.cursor++;
		if (!(*reader.cursor >= '0' && *reader.cursor <= '9'))
			summary_syntax_error(&reader, "a point x:u:v:count");
	}
	summary_read_end(&reader);
	PG_RETURN_POINTER(histogram_flat(h));
}

PG_FUNCTION_INFO_V1(btyd_histogram_out);
Datum
btyd_histogram_out(PG_FUNCTION_ARGS)
{
	BtydData	data;
	StringInfoData out;

	SUMMARY_OUT_COMPACT(btyd_histogram_send, SUMMARY_LARGE_READABLE);
	btyd_histogram_data(PG_GETARG_DATUM(0), &data);
	initStringInfo(&out);
	summary_write_begin(&out, BTYD_HISTOGRAM_VERSION);
	appendStringInfo(&out, " kind=%s penalizer=", kind_name(data.kind));
	summary_write_float8(&out, data.penalizer);
	appendStringInfoString(&out, " points=");
	for (int64 i = 0; i < data.npoints; i++)
	{
		if (i > 0)
			appendStringInfoChar(&out, ',');
		appendStringInfo(&out, "%d:", data.points[i].x);
		summary_write_float8(&out, data.points[i].u);
		appendStringInfoChar(&out, ':');
		summary_write_float8(&out, data.points[i].v);
		appendStringInfo(&out, ":" INT64_FORMAT, data.points[i].count);
	}
	PG_RETURN_CSTRING(out.data);
}

PG_FUNCTION_INFO_V1(btyd_histogram_recv);
Datum
btyd_histogram_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	BtydHistogram *h;
	int			kind;
	double		penalizer;
	int64		npoints;

	summary_recv_version(buf, "btyd_histogram", BTYD_HISTOGRAM_VERSION);
	kind = summary_recv_byte(buf, "btyd_histogram");
	if (!kind_is_valid(kind))
		summary_binary_error("btyd_histogram",
							 psprintf("Kind %d is not between 1 and %d.", kind, BTYD_KIND_MAX));
	if (buf->len - buf->cursor < (int) (sizeof(double) + sizeof(int64)))
		summary_binary_error("btyd_histogram", "The value is truncated.");
	penalizer = pq_getmsgfloat8(buf);
	if (!(penalizer >= 0.0 && isfinite(penalizer)) ||
		(kind == BTYD_KIND_GAMMAGAMMA && penalizer != 0.0))
		summary_binary_error("btyd_histogram", "The penalizer is out of range.");
	npoints = summary_recv_count(buf, "btyd_histogram");
	if (npoints > (buf->len - buf->cursor) / 28)
		summary_binary_error("btyd_histogram", "The value is truncated.");

	h = histogram_new(CurrentMemoryContext, kind, penalizer, NULL, 0);
	for (int64 i = 0; i < npoints; i++)
	{
		int64		x,
					count;
		double		u,
					v;
		const char *problem;

		if (buf->len - buf->cursor < 28)
			summary_binary_error("btyd_histogram", "The value is truncated.");
		x = (int32) pq_getmsgint(buf, 4);
		u = pq_getmsgfloat8(buf);
		v = pq_getmsgfloat8(buf);
		count = pq_getmsgint64(buf);
		problem = point_problem(kind, x, u, v, count);
		if (problem != NULL)
			summary_binary_error("btyd_histogram",
								 psprintf("Point " INT64_FORMAT " does not have %s.", i + 1, problem));
		histogram_add(h, (int32) x, u, v, count);
	}
	summary_recv_end(buf, "btyd_histogram");
	PG_RETURN_POINTER(histogram_flat(h));
}

PG_FUNCTION_INFO_V1(btyd_histogram_send);
Datum
btyd_histogram_send(PG_FUNCTION_ARGS)
{
	BtydData	data;
	StringInfoData buf;

	btyd_histogram_data(PG_GETARG_DATUM(0), &data);
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, BTYD_HISTOGRAM_VERSION);
	pq_sendbyte(&buf, data.kind);
	pq_sendfloat8(&buf, data.penalizer);
	pq_sendint64(&buf, data.npoints);
	for (int64 i = 0; i < data.npoints; i++)
	{
		pq_sendint32(&buf, data.points[i].x);
		pq_sendfloat8(&buf, data.points[i].u);
		pq_sendfloat8(&buf, data.points[i].v);
		pq_sendint64(&buf, data.points[i].count);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}
