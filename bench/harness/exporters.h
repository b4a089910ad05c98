/* Every file a run's results are written to, in one table: the results
 * folder's files and the --export-* files.  The table knows the formats,
 * never a benchmark: what a benchmark adds comes through run_output_hooks. */
#ifndef BENCH_EXPORTERS_H
#define BENCH_EXPORTERS_H

#include <stdbool.h>

#include "../../lib/error.h"
#include "options.h"
#include "results.h"

struct exporter {
	const char *folder_file; /* its name in the results folder; NULL: not there */
	const char *option;      /* the option that also asks for it ("--export-json"); NULL: none */
	/* That option's path in o, NULL when it was not given (NULL: no option). */
	const char *(*dest)(const struct run_options *o);
	int (*write)(const struct results *res, const char *path, bench_error *err);
	bool benchmark_markdown; /* a benchmark's own Markdown follows it in the option's file */
};

/* In the order they are written; ends with a NULL write. */
extern const struct exporter exporters[];

/* Before anything is measured: can the results folder (o->out_dir, made
 * with its missing parents) and every --export-* file of o be written?
 * A failure names the option and the path (shortened) and the reason. */
int exporters_check_dests(const struct run_options *o, bench_error *err);

#endif
