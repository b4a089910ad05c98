/* The syscall plot: one group of bars per call, one bar per runner (the
 * median ns per call), whiskers from the 5th to the 95th percentile of the
 * batches (bar_plot.c); a log axis when the calls differ by more than 20x. */
#include <stdio.h>
#include <string.h>

#include "bar_plot.h"
#include "harness/plot.h"
#include "syscall.h"

int plot_syscall(const struct results *res, const char *dir, bench_error *err)
{
	struct bar_plot bp;
	char title[200], vars[4096];

	if (bar_plot_write(res, dir, "syscall.dat", "syscall.", NULL, &bp, err) < 0)
		return -1;
	if (bp.nrunners == 0 || bp.nrows == 0)
		return PLOT_NOTHING;
	plot_title(res, title, sizeof(title));
	vars[0] = '\0';
	if (plot_var_string(vars, sizeof(vars), "runners", bp.runners) < 0 ||
	    plot_var_string(vars, sizeof(vars), "plottitle", title) < 0)
		return bench_fail(err, 0, "the syscall plot's labels do not fit in %zu bytes", sizeof(vars));
	bar_plot_range_vars(&bp, vars, sizeof(vars));
	return plot_render("syscall", dir, vars, err);
}
