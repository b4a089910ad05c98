#ifndef BENCH_REPORT_H
#define BENCH_REPORT_H

#include <stddef.h>

#include "../../lib/error.h"

struct benchmark;

/* bench report [DIR ...]: the capacity-planning and migration report, with
 * a section for each benchmark of table (NULL-terminated), in its order. */
int cmd_report(int argc, char **argv, const struct benchmark *const *table);

/* The report of the folders dirs names (none: the newest of each benchmark
 * in results/) as base.md and base.html, printing nothing.  What was not a
 * results folder goes into skipped ("" when none), also on failure; how
 * many folders it holds into *nfolders. */
int report_make(char *const *dirs, int ndirs, const char *base, const struct benchmark *const *table, char *skipped,
		size_t skipped_sz, size_t *nfolders, bench_error *err);

#endif
