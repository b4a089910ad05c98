/* The cpu and memory plots: bars per kernel with whiskers (bar_plot.c), and
 * for memory the pointer chase's ns per access against the working set, a
 * curve per runner on log-log axes, in the same figure. */
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bar_plot.h"
#include "cpu_memory.h"
#include "harness/plot.h"
#include "harness/stats.h"

static int render(const struct results *res, const char *dir, const char *name, const struct bar_plot *bp,
		  const char *more, bench_error *err)
{
	char title[200], vars[4096];

	plot_title(res, title, sizeof(title));
	vars[0] = '\0';
	if (plot_var_string(vars, sizeof(vars), "runners", bp->runners) < 0 ||
	    plot_var_string(vars, sizeof(vars), "plottitle", title) < 0)
		return bench_fail(err, 0, "the %s plot's labels do not fit in %zu bytes", name, sizeof(vars));
	bar_plot_range_vars(bp, vars, sizeof(vars));
	snprintf(vars + strlen(vars), sizeof(vars) - strlen(vars), "%s", more);
	return plot_render(name, dir, vars, err);
}

int plot_cpu(const struct results *res, const char *dir, bench_error *err)
{
	struct bar_plot bp;

	if (bar_plot_write(res, dir, "cpu.dat", "cpu.", NULL, &bp, err) < 0)
		return -1;
	if (bp.nrunners == 0 || bp.nrows == 0)
		return PLOT_NOTHING;
	return render(res, dir, "cpu", &bp, "", err);
}

static bool is_bandwidth(const char *metric)
{
	return strstr(metric, ".chase.") == NULL && strstr(metric, ".gups.") == NULL;
}

/* memory_chase.dat: one block per runner (two blank lines between, for
 * gnuplot's index), each line a working set in KiB and its median ns per
 * access, in the order measured (growing). */
static int write_chase(const struct results *res, const char *dir, int *ncurves, bench_error *err)
{
	char path[PATH_MAX];
	const char *done[16];
	int n = 0;
	FILE *f = plot_data_open(dir, "memory_chase.dat", path, sizeof(path), err);

	if (!f)
		return -1;
	fputs("# per runner a block: working set (KiB), median ns per access\n", f);
	for (size_t i = 0; i < res->nseries && n < 16; i++) {
		const char *runner = res->series[i].runner;
		bool seen = false;

		if (!strstr(res->series[i].metric, ".chase.") || res->series[i].n == 0)
			continue;
		for (int r = 0; r < n; r++)
			seen |= strcmp(done[r], runner) == 0;
		if (seen)
			continue;
		done[n++] = runner;
		if (n > 1)
			fputs("\n\n", f);
		for (size_t k = i; k < res->nseries; k++) {
			const struct series *s = &res->series[k];
			const char *at = strstr(s->metric, ".chase.");

			if (!at || s->n == 0 || strcmp(s->runner, runner) != 0)
				continue;
			fprintf(f, "%llu\t%.6g\n", strtoull(at + 7, NULL, 10), series_stats(s)->median);
		}
	}
	*ncurves = n;
	return plot_data_close(f, path, err);
}

int plot_memory(const struct results *res, const char *dir, bench_error *err)
{
	struct bar_plot bp;
	int ncurves = 0;
	char more[128];
	json_int_t llc, l2;
	json_t *sizes;

	if (bar_plot_write(res, dir, "memory.dat", "memory.", is_bandwidth, &bp, err) < 0 ||
	    write_chase(res, dir, &ncurves, err) < 0)
		return -1;
	if (bp.nrunners == 0 || bp.nrows == 0)
		return PLOT_NOTHING;
	/* The caches' sizes (memory_sizes in the metadata, a number each):
	 * dashed lines on the latency curve where it should rise. */
	sizes = res->meta ? json_object_get(res->meta, "memory_sizes") : NULL;
	llc = json_integer_value(json_object_get(sizes, "llc_bytes"));
	l2 = json_integer_value(json_object_get(sizes, "l2_bytes"));
	snprintf(more, sizeof(more), "chase=%d;llc_kib=%lld;l2_kib=%lld;", ncurves > 0 ? 1 : 0,
		 llc > 0 ? (long long)(llc >> 10) : 0LL, l2 > 0 ? (long long)(l2 >> 10) : 0LL);
	return render(res, dir, "memory", &bp, more, err);
}
