/* What every benchmark does with its results at the end, or when it was
 * cut short: the results folder, the exports asked for, the summary. */
#ifndef BENCH_RUN_OUTPUT_H
#define BENCH_RUN_OUTPUT_H

#include "options.h"
#include "results.h"

/* True when res holds at least one sample worth keeping. */
bool run_output_has_samples(const struct results *res);

/* Writes the results folder and the exports, prints the summary (unless
 * quiet) and the folder's path.  Returns -1 with *err if any could not be
 * written; it still tries every other one. */
int run_output_write(const struct run_options *o, const struct results *res, bench_error *err);

#endif
