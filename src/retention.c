/*
 * retention.c
 *		The shared library's module block.  Each area of the extension lives
 *		in its own file; see README.md for the map.
 */
#include "postgres.h"

#include "fmgr.h"

PG_MODULE_MAGIC;
