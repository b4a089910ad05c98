/* The syscall plot: one group of bars per call, one bar per runner (the
 * median ns per call), whiskers from the 5th to the 95th percentile of the
 * batches; a log axis when the calls differ by more than LOG_RATIO. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/plot.h"
#include "harness/stats.h"
#include "syscall.h"
#include "agent/syscall_calls.h"

#define MAX_RUNNERS 16
#define LOG_RATIO 20.0

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median, 5th and 95th percentiles of s. */
static int summarise(const struct series *s, double out[3], bench_error *err)
{
	double *v = malloc(s->n * sizeof(*v));

	if (!v)
		return bench_fail(err, 0, "out of memory");
	memcpy(v, s->v, s->n * sizeof(*v));
	qsort(v, s->n, sizeof(*v), cmp_double);
	out[0] = stats_percentile(v, s->n, 50.0);
	out[1] = stats_percentile(v, s->n, 5.0);
	out[2] = stats_percentile(v, s->n, 95.0);
	free(v);
	return 0;
}

int plot_syscall(const struct results *res, const char *dir, bench_error *err)
{
	const char *runners[MAX_RUNNERS];
	char names[MAX_RUNNERS * 33] = "", path[PATH_MAX], title[200], vars[4096], name[40];
	double lo = INFINITY, hi = 0.0;
	int nrunners = 0, ncalls = 0, logy;
	FILE *f;

	for (size_t i = 0; i < res->nseries && nrunners < MAX_RUNNERS; i++) {
		const struct series *s = &res->series[i];
		int seen = 0;

		if (strncmp(s->metric, "syscall.", 8) != 0 || s->n == 0)
			continue;
		for (int r = 0; r < nrunners; r++)
			seen |= strcmp(runners[r], s->runner) == 0;
		if (!seen) {
			runners[nrunners++] = s->runner;
			plot_plain_name(name, sizeof(name), s->runner);
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s", nrunners > 1 ? " " : "",
				 name);
		}
	}
	if (nrunners == 0)
		return PLOT_NOTHING;
	f = plot_data_open(dir, "syscall.dat", path, sizeof(path), err);
	if (!f)
		return -1;
	fputs("# call, then per runner: median, p5, p95 (ns per call); NaN: not measured\n", f);
	for (int c = 0; c < SYSCALL_NCALLS; c++) {
		char metric[48];
		int any = 0;

		snprintf(metric, sizeof(metric), "syscall.%s", syscall_call_names[c]);
		for (int r = 0; r < nrunners; r++)
			any |= results_find(res, runners[r], metric) != NULL;
		if (!any)
			continue;
		fputs(syscall_call_names[c], f);
		for (int r = 0; r < nrunners; r++) {
			const struct series *s = results_find(res, runners[r], metric);
			double q[3] = { 0.0, 0.0, 0.0 };

			if (!s || s->n == 0) {
				fputs("\tNaN\tNaN\tNaN", f);
				continue;
			}
			if (summarise(s, q, err) < 0) {
				fclose(f);
				return -1;
			}
			fprintf(f, "\t%.6g\t%.6g\t%.6g", q[0], q[1], q[2]);
			lo = q[1] < lo ? q[1] : lo;
			hi = q[2] > hi ? q[2] : hi;
		}
		fputc('\n', f);
		ncalls++;
	}
	if (plot_data_close(f, path, err) < 0)
		return bench_error_prefix(err, "writing the data of the syscall plot");
	if (ncalls == 0)
		return PLOT_NOTHING;
	logy = lo > 0.0 && hi / lo > LOG_RATIO;
	plot_title(res, title, sizeof(title));
	vars[0] = '\0';
	if (plot_var_string(vars, sizeof(vars), "runners", names) < 0 ||
	    plot_var_string(vars, sizeof(vars), "plottitle", title) < 0)
		return bench_fail(err, 0, "the syscall plot's labels do not fit in %zu bytes", sizeof(vars));
	snprintf(vars + strlen(vars), sizeof(vars) - strlen(vars), "logy=%d;ylo=%.9g;yhi=%.9g;", logy,
		 logy ? pow(10.0, floor(log10(lo))) : 0.0, logy ? pow(10.0, ceil(log10(hi * 1.5))) : hi * 1.15);
	return plot_render("syscall", dir, vars, err);
}
