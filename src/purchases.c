/*
 * purchases.c
 *		purchases_agg(customer_id, at, amount), rollup(purchases), the cast
 *		to activity, and the text and binary forms of the purchases summary.
 *
 * The transition state is the purchases type itself (an expanded object,
 * purchases_state.c), never internal.  One transition function serves the
 * twelve overloads (three id types, two time types, two amount types): it
 * reads the argument types once per query.
 */
#include "retention.h"

#include <math.h>

#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "purchases.h"
#include "summary_io.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/lsyscache.h"
#include "utils/uuid.h"
#include "catalog/pg_type.h"

/* ---------------------------------------------------------------- */
/* aggregation                                                      */
/* ---------------------------------------------------------------- */

/*
 * The state to update for argument 0: the aggregate's own expanded object,
 * or a new one holding a copy of the summary passed.  kinds of 0: take them
 * from `other` (the flat value about to be added).
 */
static PurchasesState *
purchases_state_for_update(FunctionCallInfo fcinfo, ActivityIdKind id_kind,
						   PurchasesAmountKind amount_kind)
{
	MemoryContext context;
	PurchasesState *state;

	state = (PurchasesState *) expanded_state_for_update(fcinfo, &purchases_methods, &context);
	if (state != NULL)
	{
		if (state->id_kind != id_kind)
			activity_id_kind_mismatch(state->id_kind, id_kind);
		if (state->amount_kind != amount_kind)
			purchases_kind_mismatch(state->amount_kind, amount_kind);
		return state;
	}
	state = purchases_state_create(context, id_kind, amount_kind);
	if (!PG_ARGISNULL(0))
		purchases_keep_flat(state, purchases_flat(PG_GETARG_DATUM(0)));
	return state;
}

/* what one query's transition calls share */
typedef struct PurchasesArgs
{
	ActivityIdKind id_kind;
	bool		timestamptz;
	PurchasesAmountKind amount_kind;
} PurchasesArgs;

static PurchasesArgs *
purchases_args(FunctionCallInfo fcinfo)
{
	PurchasesArgs *args = (PurchasesArgs *) fcinfo->flinfo->fn_extra;

	if (args == NULL)
	{
		Oid			id_type = get_fn_expr_argtype(fcinfo->flinfo, 1);
		Oid			at_type = get_fn_expr_argtype(fcinfo->flinfo, 2);
		Oid			amount_type = get_fn_expr_argtype(fcinfo->flinfo, 3);

		args = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(PurchasesArgs));
		if (id_type == INT8OID)
			args->id_kind = ACTIVITY_ID_BIGINT;
		else if (id_type == TEXTOID)
			args->id_kind = ACTIVITY_ID_TEXT;
		else if (id_type == UUIDOID)
			args->id_kind = ACTIVITY_ID_UUID;
		else
			elog(ERROR, "purchases_agg: unexpected customer id type %u", id_type);
		if (at_type != DATEOID && at_type != TIMESTAMPTZOID)
			elog(ERROR, "purchases_agg: unexpected time type %u", at_type);
		args->timestamptz = at_type == TIMESTAMPTZOID;
		if (amount_type == NUMERICOID)
			args->amount_kind = PURCHASES_NUMERIC;
		else if (amount_type == FLOAT8OID)
			args->amount_kind = PURCHASES_FLOAT8;
		else
			elog(ERROR, "purchases_agg: unexpected amount type %u", amount_type);
		fcinfo->flinfo->fn_extra = args;
	}
	return args;
}

static DateADT
purchase_day(Datum at, bool timestamptz)
{
	DateADT		day = timestamptz ?
		DatumGetDateADT(DirectFunctionCall1(timestamptz_date, at)) : DatumGetDateADT(at);

	if (day < ACTIVITY_MIN_DAY || day > ACTIVITY_MAX_DAY)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("purchase date %s is out of range",
						DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(day)))),
				 errhint("Purchase dates must be between 0001-01-01 and 9999-12-31.")));
	return day;
}

/*
 * purchases_agg_transfn(state, customer_id, at, amount): NULL ids, times or
 * amounts skip the row.
 */
PG_FUNCTION_INFO_V1(purchases_agg_transfn);
Datum
purchases_agg_transfn(PG_FUNCTION_ARGS)
{
	PurchasesArgs *args;
	PurchasesState *state;
	DateADT		day;
	int64		n;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		return state_unchanged(fcinfo);
	args = purchases_args(fcinfo);
	day = purchase_day(PG_GETARG_DATUM(2), args->timestamptz);
	state = purchases_state_for_update(fcinfo, args->id_kind, args->amount_kind);

	purchases_add_row_space(state);
	n = state->npending;
	if (args->amount_kind == PURCHASES_NUMERIC)
	{
		Datum		amount = PG_GETARG_DATUM(3);
		int128		fixed;
		int			scale;
		bool		special;

		if (!numeric_to_fixed(amount, &fixed, &scale, &special))
		{
			char	   *text = DatumGetCString(DirectFunctionCall1(numeric_out, amount));

			if (special)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("amount %s is not a finite number", text),
						 errhint("An order amount must be a finite number.")));
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("amount %s is too large or too precise for purchases", text),
					 errhint("purchases_agg sums numeric amounts exactly in 37 significant digits with at most 30 decimal places; round the amounts, or use the float8 amounts.")));
		}
		/* the units above the scale in one word, when they fit in 58 bits */
		if (fixed >= -((int128) 1 << 57) && fixed < ((int128) 1 << 57))
			state->rows[n].value = ((uint64) (int64) fixed << PURCHASES_PAYLOAD_SHIFT) |
				((uint64) scale << 1);
		else
			purchases_add_wide(state, n, fixed, scale);
	}
	else
	{
		double		amount = PG_GETARG_FLOAT8(3);

		if (isnan(amount) || isinf(amount))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("amount %s is not a finite number", float8out_internal(amount)),
					 errhint("An order amount must be a finite number.")));
		/*
		 * As float_sum.h sums it: -0 is 0, amounts below 2^-44 are rounded
		 * to a multiple of 2^-96, and amounts of 2^95 or more are an error.
		 */
		amount += 0.0;
		if (fabs(amount) >= PURCHASES_FLOAT8_LIMIT ||
			(amount != 0 && fabs(amount) < PURCHASES_FLOAT8_GRID_EXACT))
		{
			FloatSum	sum;

			purchases_float8_to_sum(amount, &sum);
			amount = float_sum_value(&sum);
		}
		memcpy(&state->rows[n].value, &amount, sizeof(double));
	}
	state->days[n] = day;

	if (args->id_kind == ACTIVITY_ID_BIGINT)
		state->rows[n].key = (uint64) PG_GETARG_INT64(1);
	else
	{
		const char *bytes;
		int			len;

		if (args->id_kind == ACTIVITY_ID_TEXT)
		{
			text	   *t = PG_GETARG_TEXT_PP(1);

			bytes = VARDATA_ANY(t);
			len = VARSIZE_ANY_EXHDR(t);
		}
		else
		{
			bytes = (const char *) PG_GETARG_UUID_P(1)->data;
			len = ACTIVITY_UUID_LEN;
		}
		if (state->keys_used + len > state->keys_size)
		{
			Size		size = Max(state->keys_size * 2, state->keys_used + len + 1024);

			state->keys = state->keys ? repalloc_huge(state->keys, size) :
				MemoryContextAllocHuge(state->hdr.eoh_context, size);
			state->keys_size = size;
		}
		memcpy(state->keys + state->keys_used, bytes, len);
		state->rows[n].key = (uint64) state->keys_used;
		state->keys_used += len;
	}
	state->npending = n + 1;
	state->flat_ready = false;
	PG_RETURN_DATUM(EOHPGetRWDatum(&state->hdr));
}

/*
 * purchases_combinefn(a purchases, b purchases): per customer the union of
 * the days, rows and totals of a day in both added up.  The combine function
 * of purchases_agg and the transition function of rollup(purchases).
 */
PG_FUNCTION_INFO_V1(purchases_combinefn);
Datum
purchases_combinefn(PG_FUNCTION_ARGS)
{
	struct varlena *other;
	PurchasesCursor cursor;
	PurchasesState *state;

	if (PG_ARGISNULL(1))
		return state_unchanged(fcinfo);
	other = purchases_flat(PG_GETARG_DATUM(1));
	purchases_cursor_begin(&cursor, other, ERRCODE_DATA_CORRUPTED);
	state = purchases_state_for_update(fcinfo, cursor.ids.id_kind, cursor.amount_kind);
	purchases_keep_flat(state, other);
	PG_RETURN_DATUM(EOHPGetRWDatum(&state->hdr));
}

/* purchases::activity: the ids and days, without the amounts. */
PG_FUNCTION_INFO_V1(purchases_to_activity);
Datum
purchases_to_activity(PG_FUNCTION_ARGS)
{
	struct varlena *flat = purchases_flat(PG_GETARG_DATUM(0));
	const uint8 *body;
	Size		len;
	struct varlena *result;

	purchases_cursor_activity(flat, &body, &len);
	result = palloc(VARHDRSZ + len);
	SET_VARSIZE(result, VARHDRSZ + len);
	memcpy(VARDATA(result), body, len);
	PG_RETURN_POINTER(result);
}

/* customers(purchases) */
PG_FUNCTION_INFO_V1(purchases_customers);
Datum
purchases_customers(PG_FUNCTION_ARGS)
{
	PurchasesCursor cursor;

	purchases_cursor_begin(&cursor, purchases_flat(PG_GETARG_DATUM(0)), ERRCODE_DATA_CORRUPTED);
	PG_RETURN_INT64(cursor.ids.ncustomers);
}

/* ---------------------------------------------------------------- */
/* text form                                                        */
/* ---------------------------------------------------------------- */

/*
 * "v2 ids=bigint amounts=numeric customers=2 days=3
 * 17:2024-01-05/2/10.00,2024-02-01/1/-3.5 42:2023-12-31/1/7" -- customers in
 * id order, each day as date/rows/total; text ids double-quoted with \" and
 * \\ escaped, uuids in their standard form, totals as numeric_out (numeric
 * amounts, at the day's scale) or the exact float8 sum in float_sum.h's
 * form ("0.30000000000000004" when one double is the total,
 * "0.30000000000000004-2.7755575615628914e-17" when it is not).
 */

/* the compact text form reads and writes through the binary functions */
Datum		purchases_send(PG_FUNCTION_ARGS);
Datum		purchases_recv(PG_FUNCTION_ARGS);

PG_FUNCTION_INFO_V1(purchases_out);
Datum
purchases_out(PG_FUNCTION_ARGS)
{
	PurchasesCursor cursor;
	StringInfoData out;

	SUMMARY_OUT_COMPACT(purchases_send, SUMMARY_LARGE_COMPACT);

	purchases_cursor_begin(&cursor, purchases_flat(PG_GETARG_DATUM(0)), ERRCODE_DATA_CORRUPTED);
	initStringInfo(&out);
	summary_write_begin(&out, PURCHASES_VERSION);
	appendStringInfo(&out, " ids=%s amounts=%s customers=" INT64_FORMAT " days=" INT64_FORMAT,
					 activity_id_kind_names[cursor.ids.id_kind],
					 purchases_amount_kind_names[cursor.amount_kind],
					 cursor.ids.ncustomers, cursor.ids.ndays);
	while (purchases_cursor_next(&cursor))
	{
		const PurchasesDays *days = &cursor.current;

		appendStringInfoChar(&out, ' ');
		summary_write_id(&out, cursor.ids.id_kind, cursor.ids.id, cursor.ids.key, cursor.ids.keylen);
		for (int d = 0; d < days->count; d++)
		{
			const PurchasesTotal *total = &days->totals[d];

			appendStringInfoChar(&out, d == 0 ? ':' : ',');
			summary_write_date(&out, days->days[d]);
			appendStringInfo(&out, "/" INT64_FORMAT "/", days->rows[d]);
			if (cursor.amount_kind == PURCHASES_NUMERIC)
				appendStringInfoString(&out, fixed_to_cstring(total->fixed, total->scale));
			else if (total->exact)
				summary_write_float_sum(&out, &days->sums[total->exact - 1]);
			else
				summary_write_float8(&out, total->real);
		}
		CHECK_FOR_INTERRUPTS();
	}
	PG_RETURN_CSTRING(out.data);
}

PG_FUNCTION_INFO_V1(purchases_in);
Datum
purchases_in(PG_FUNCTION_ARGS)
{
	char	   *input = PG_GETARG_CSTRING(0);
	SummaryReader reader;
	static const char *const id_words[] = {"bigint", "text", "uuid"};
	static const char *const amount_words[] = {"numeric", "float8"};
	ActivityIdKind id_kind;
	PurchasesAmountKind amount_kind;
	int64		ncustomers,
				ndays,
				seen_days = 0;
	PurchasesWriter writer;
	PurchasesDays days;
	StringInfoData key,
				previous;
	int64		id = 0,
				previous_id = 0;

	SUMMARY_IN_COMPACT(purchases_recv, "purchases", PURCHASES_VERSION);

	summary_read_begin(&reader, "purchases", input, PURCHASES_VERSION);
	summary_read_key(&reader, "ids");
	id_kind = (ActivityIdKind) (summary_read_word(&reader, id_words, 3) + 1);
	summary_read_key(&reader, "amounts");
	amount_kind = (PurchasesAmountKind) (summary_read_word(&reader, amount_words, 2) + 1);
	summary_read_key(&reader, "customers");
	ncustomers = summary_read_count(&reader);
	summary_read_key(&reader, "days");
	ndays = summary_read_count(&reader);
	purchases_writer_init(&writer, id_kind, amount_kind, CurrentMemoryContext);
	purchases_days_init(&days, amount_kind);
	initStringInfo(&key);
	initStringInfo(&previous);

	for (int64 c = 0; c < ncustomers; c++)
	{
		if (!summary_skip_spaces(&reader))
			summary_syntax_error(&reader, "a space before the next customer");
		summary_read_id(&reader, id_kind, &id, &key);
		if (c > 0 && (id_kind == ACTIVITY_ID_BIGINT ? id <= previous_id :
					  compare_bytes(key.data, key.len, previous.data, previous.len) <= 0))
			summary_text_error(&reader, "Customer ids are not in strictly ascending order.");
		previous_id = id;
		resetStringInfo(&previous);
		appendBinaryStringInfo(&previous, key.data, key.len);
		summary_read_char(&reader, ':');
		purchases_days_reset(&days);
		for (;;)
		{
			const char *start;
			DateADT		day;
			int64		rows;
			PurchasesTotal total;

			start = reader.cursor;
			day = summary_read_date(&reader);
			if (day < ACTIVITY_MIN_DAY || day > ACTIVITY_MAX_DAY)
			{
				reader.cursor = start;
				summary_syntax_error(&reader, "a valid date between 0001-01-01 and 9999-12-31");
			}
			if (days.count > 0 && day <= days.days[days.count - 1])
				summary_text_error(&reader, "A customer's days are not in strictly ascending order.");
			summary_read_char(&reader, '/');
			rows = summary_read_count(&reader);
			if (rows < 1)
				summary_text_error(&reader, "A day has no rows.");
			summary_read_char(&reader, '/');
			memset(&total, 0, sizeof(total));
			start = reader.cursor;
			if (amount_kind == PURCHASES_FLOAT8)
			{
				FloatSum	sum;

				summary_read_float_sum(&reader, &sum);
				if (!(fabs(float_sum_value(&sum)) < PURCHASES_FLOAT8_LIMIT))
				{
					reader.cursor = start;
					summary_syntax_error(&reader, "a total of magnitude below 2^95");
				}
				purchases_days_append(&days, day, rows, &total, &sum);
				if (rows == 1 && days.totals[days.count - 1].exact)
				{
					reader.cursor = start;
					summary_syntax_error(&reader, "one float8 as the total of a day of one row");
				}
			}
			else
			{
				bool		special;
				Numeric		value = summary_read_numeric(&reader);

				if (!numeric_to_fixed(NumericGetDatum(value), &total.fixed,
									  &total.scale, &special) ||
					!fixed_in_range(total.fixed))
				{
					reader.cursor = start;
					summary_syntax_error(&reader, "a total of fewer than 37 significant digits and at most 30 decimal places");
				}
				purchases_days_append(&days, day, rows, &total, NULL);
			}
			if (*reader.cursor != ',')
				break;
			reader.cursor++;
		}
		seen_days += days.count;
		if (seen_days > ndays)
			summary_text_error(&reader, "There are more days than days= says.");
		purchases_writer_add(&writer, id, key.data, key.len, &days);
	}
	if (seen_days != ndays)
		summary_text_error(&reader, "There are fewer days than days= says.");
	summary_read_end(&reader);
	PG_RETURN_POINTER(purchases_writer_finish(&writer, CurrentMemoryContext));
}

/* ---------------------------------------------------------------- */
/* binary form: the flat value itself, validated                    */
/* ---------------------------------------------------------------- */

PG_FUNCTION_INFO_V1(purchases_recv);
Datum
purchases_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	Size		len = buf->len - buf->cursor;
	struct varlena *result = palloc(VARHDRSZ + len);
	PurchasesCursor cursor;

	SET_VARSIZE(result, VARHDRSZ + len);
	memcpy(VARDATA(result), buf->data + buf->cursor, len);
	buf->cursor = buf->len;
	purchases_cursor_begin(&cursor, result, ERRCODE_INVALID_BINARY_REPRESENTATION);
	while (purchases_cursor_next(&cursor))
		CHECK_FOR_INTERRUPTS();
	PG_RETURN_POINTER(result);
}

PG_FUNCTION_INFO_V1(purchases_send);
Datum
purchases_send(PG_FUNCTION_ARGS)
{
	struct varlena *flat = purchases_flat(PG_GETARG_DATUM(0));
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbytes(&buf, VARDATA_ANY(flat), VARSIZE_ANY_EXHDR(flat));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}
