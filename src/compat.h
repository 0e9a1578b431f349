/*
 * compat.h
 *		The differences between the supported PostgreSQL versions (15, 17
 *		and 18; 16 builds too), in one place.  Every other file writes the
 *		newest spelling and includes this header through retention.h.
 */
#ifndef RETENTION_COMPAT_H
#define RETENTION_COMPAT_H

#include "postgres.h"

/* 16 moved the varlena macros out of postgres.h */
#if PG_VERSION_NUM >= 160000
#include "varatt.h"
#endif

/*
 * 18 marks functions that never return with pg_noreturn before the
 * declaration and removed pg_attribute_noreturn(); older versions only have
 * the attribute, which GCC and Clang also accept in that position.
 */
#if PG_VERSION_NUM < 180000
#define pg_noreturn pg_attribute_noreturn()
#endif

/*
 * 16 added an error-saving context to make_range(); the header is included
 * here so that the older prototype is seen before the macro.
 */
#include "utils/rangetypes.h"
#if PG_VERSION_NUM < 160000
#define make_range(typcache, lower, upper, empty, escontext) \
	make_range(typcache, lower, upper, empty)
#endif

/* 16 declares _PG_init in fmgr.h */
#if PG_VERSION_NUM < 160000
extern void _PG_init(void);
#endif

#endif							/* RETENTION_COMPAT_H */
