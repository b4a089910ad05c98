/* The data file of a bar plot with whiskers (syscall, cpu, memory): one row
 * per metric, one bar per runner, the bar the median, the whiskers the 5th
 * and 95th percentiles of the samples. */
#ifndef BENCH_BAR_PLOT_H
#define BENCH_BAR_PLOT_H

#include <stdbool.h>

#include "harness/results.h"

struct bar_plot {
	char runners[16 * 33];   /* plain runner names, space-separated */
	int nrunners, nrows;
	double lo, hi;           /* smallest p5, largest p95 */
};

/* Writes dir/file: a row per metric that starts with prefix and that keep
 * (may be NULL) accepts, labelled by the rest of its name, in the order of
 * first appearance.  Returns 0 (nrows may be 0) or -1 with *err. */
int bar_plot_write(const struct results *res, const char *dir, const char *file, const char *prefix,
		   bool (*keep)(const char *metric), struct bar_plot *out, bench_error *err);

/* "logy=..;ylo=..;yhi=..;": a log axis when the bars differ more than 20x. */
void bar_plot_range_vars(const struct bar_plot *bp, char *vars, size_t sz);

#endif
