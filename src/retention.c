/*
 * retention.c
 *		The shared library's module block and its settings.  Each area of
 *		the extension lives in its own file; see README.md for the map.
 */
#include "postgres.h"

#include "fmgr.h"
#include "summary_io.h"
#include "utils/guc.h"

PG_MODULE_MAGIC;

void
_PG_init(void)
{
	DefineCustomEnumVariable("retention.summary_text",
							 "How output writes summaries whose text grows with the data.",
							 "readable: always the readable text; compact: \"v<version>b:\" and the "
							 "binary form in base 85; auto: compact for activity and rfm_state values "
							 "whose binary form is longer than 1024 bytes.  Input accepts both forms.",
							 &summary_text_mode,
							 SUMMARY_TEXT_AUTO,
							 summary_text_options,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);
	MarkGUCPrefixReserved("retention");
}
