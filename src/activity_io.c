/*
 * activity_io.c
 *		Text and binary input/output of the activity summary.  The binary
 *		form is the flat byte stream itself (activity_internal.h), validated
 *		on input; the text form lists the customers with their days.
 */
#include "retention.h"

#include "activity_internal.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "summary_io.h"

/* the compact text form goes through the binary form */
extern Datum activity_send(PG_FUNCTION_ARGS);
extern Datum activity_recv(PG_FUNCTION_ARGS);

/*
 * Text form: "v1 ids=bigint customers=2 days=3 17:2024-01-05,2024-02-01
 * 42:2023-12-31" -- customers in canonical id order, each with its days in
 * ascending order.  Text ids are double-quoted with \" and \\ escaped; uuids
 * are written in their standard form, days as every summary writes dates
 * (summary_io.h), which for the years 1 to 9999 is plain YYYY-MM-DD.
 */

StaticAssertDecl(ACTIVITY_ID_BIGINT == SUMMARY_ID_BIGINT &&
				 ACTIVITY_ID_TEXT == SUMMARY_ID_TEXT &&
				 ACTIVITY_ID_UUID == SUMMARY_ID_UUID &&
				 ACTIVITY_UUID_LEN == SUMMARY_UUID_LEN,
				 "activity ids are summary ids");

/* The flat form of any activity datum (an expanded one is flattened). */
static struct varlena *
activity_flat(Datum summary)
{
	return PG_DETOAST_DATUM(summary);
}

PG_FUNCTION_INFO_V1(activity_out);
Datum
activity_out(PG_FUNCTION_ARGS)
{
	ActivityReader reader;
	StringInfoData out;

	SUMMARY_OUT_COMPACT(activity_send, SUMMARY_LARGE_COMPACT);
	activity_reader_begin(&reader, PointerGetDatum(activity_flat(PG_GETARG_DATUM(0))));
	initStringInfo(&out);
	summary_write_begin(&out, ACTIVITY_VERSION);
	appendStringInfo(&out, " ids=%s customers=" INT64_FORMAT " days=" INT64_FORMAT,
					 activity_id_kind_names[reader.id_kind], reader.ncustomers, reader.ndays);
	while (activity_reader_next(&reader))
	{
		appendStringInfoChar(&out, ' ');
		summary_write_id(&out, reader.id_kind, reader.id, reader.key, reader.keylen);
		for (int i = 0; i < reader.count; i++)
		{
			appendStringInfoChar(&out, i == 0 ? ':' : ',');
			summary_write_date(&out, reader.days[i]);
		}
		CHECK_FOR_INTERRUPTS();
	}
	PG_RETURN_CSTRING(out.data);
}

PG_FUNCTION_INFO_V1(activity_in);
Datum
activity_in(PG_FUNCTION_ARGS)
{
	char	   *input = PG_GETARG_CSTRING(0);
	SummaryReader reader;
	ActivityIdKind kind;
	int64		ncustomers,
				ndays,
				days_seen = 0;
	int64		previous_id = 0;
	DateADT		min_day = 0,
				max_day = 0;
	Size		header;
	StringInfoData body;
	StringInfoData id;
	StringInfoData previous_key;
	struct varlena *result;

	SUMMARY_IN_COMPACT(activity_recv, "activity", ACTIVITY_VERSION);
	summary_read_begin(&reader, "activity", input, ACTIVITY_VERSION);
	summary_read_key(&reader, "ids");
	kind = (ActivityIdKind) (summary_read_word(&reader, activity_id_kind_names + 1, 3) + 1);
	summary_read_key(&reader, "customers");
	ncustomers = summary_read_count(&reader);
	summary_read_key(&reader, "days");
	ndays = summary_read_count(&reader);

	initStringInfo(&body);
	initStringInfo(&id);
	initStringInfo(&previous_key);

	for (int64 c = 0; c < ncustomers; c++)
	{
		const char *customer_start;
		int			count = 0;
		DateADT		previous_day = 0;
		StringInfoData days;
		int64		customer;

		if (!summary_skip_spaces(&reader))
			summary_syntax_error(&reader, "a space before the next customer");
		customer_start = reader.cursor;

		enlargeStringInfo(&body, 32);
		summary_read_id(&reader, kind, &customer, &id);
		if (kind == ACTIVITY_ID_BIGINT)
		{
			if (c > 0 && customer <= previous_id)
			{
				reader.cursor = customer_start;
				summary_syntax_error(&reader, "customer ids in strictly ascending order");
			}
			body.len = (char *) varint_put((uint8 *) body.data + body.len,
										   (uint64) customer - (uint64) previous_id) - body.data;
			previous_id = customer;
		}
		else
		{
			if (c > 0 && compare_bytes(previous_key.data, previous_key.len, id.data, id.len) >= 0)
			{
				reader.cursor = customer_start;
				summary_syntax_error(&reader, "customer ids in strictly ascending order (bytewise)");
			}
			if (kind == ACTIVITY_ID_TEXT)
			{
				enlargeStringInfo(&body, 10);
				body.len = (char *) varint_put((uint8 *) body.data + body.len, id.len) - body.data;
			}
			appendBinaryStringInfo(&body, id.data, id.len);
			resetStringInfo(&previous_key);
			appendBinaryStringInfo(&previous_key, id.data, id.len);
		}

		/* the days go after their count, so collect them first */
		initStringInfo(&days);
		do
		{
			const char *day_start;
			DateADT		day;

			summary_read_char(&reader, count == 0 ? ':' : ',');
			day_start = reader.cursor;
			day = summary_read_date_range(&reader, ACTIVITY_MIN_DAY, ACTIVITY_MAX_DAY);
			if (count > 0 && day <= previous_day)
			{
				reader.cursor = day_start;
				summary_syntax_error(&reader, "days in strictly ascending order");
			}
			if (c == 0 && count == 0)
				min_day = max_day = day;
			min_day = Min(min_day, day);
			max_day = Max(max_day, day);
			enlargeStringInfo(&days, 10);
			days.len = (char *) varint_put((uint8 *) days.data + days.len,
										   count == 0 ? zigzag_encode(day) :
										   (uint64) (day - previous_day - 1)) - days.data;
			previous_day = day;
			count++;
		} while (*reader.cursor == ',');

		enlargeStringInfo(&body, 10);
		body.len = (char *) varint_put((uint8 *) body.data + body.len, count) - body.data;
		appendBinaryStringInfo(&body, days.data, days.len);
		pfree(days.data);
		days_seen += count;
		CHECK_FOR_INTERRUPTS();
	}
	summary_read_end(&reader);
	if (days_seen != ndays)
		summary_text_error(&reader,
						   psprintf("The header says days=" INT64_FORMAT " but the customers have " INT64_FORMAT " days.",
									ndays, days_seen));

	header = flat_header_size(ncustomers, ndays, min_day, max_day);
	result = palloc(VARHDRSZ + header + body.len);
	SET_VARSIZE(result, VARHDRSZ + header + body.len);
	flat_header_put((uint8 *) VARDATA(result), kind, ncustomers, ndays, min_day, max_day);
	memcpy(VARDATA(result) + header, body.data, body.len);
	PG_RETURN_POINTER(result);
}

/* ---------------------------------------------------------------- */
/* binary I/O: the flat byte stream itself                          */
/* ---------------------------------------------------------------- */

PG_FUNCTION_INFO_V1(activity_recv);
Datum
activity_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			len = buf->len - buf->cursor;
	FlatCursor	cursor;
	struct varlena *result;

	/* validate everything before accepting it */
	flat_cursor_begin(&cursor, (const uint8 *) buf->data + buf->cursor, len,
					  ERRCODE_INVALID_BINARY_REPRESENTATION);
	while (flat_cursor_next(&cursor))
		CHECK_FOR_INTERRUPTS();

	result = palloc(VARHDRSZ + len);
	SET_VARSIZE(result, VARHDRSZ + len);
	memcpy(VARDATA(result), buf->data + buf->cursor, len);
	buf->cursor = buf->len;
	PG_RETURN_POINTER(result);
}

PG_FUNCTION_INFO_V1(activity_send);
Datum
activity_send(PG_FUNCTION_ARGS)
{
	struct varlena *flat = activity_flat(PG_GETARG_DATUM(0));
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbytes(&buf, VARDATA_ANY(flat), VARSIZE_ANY_EXHDR(flat));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}
