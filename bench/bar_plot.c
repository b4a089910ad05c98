#include "bar_plot.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/plot.h"
#include "harness/stats.h"

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

static bool wanted(const struct series *s, const char *prefix, bool (*keep)(const char *metric))
{
	return strncmp(s->metric, prefix, strlen(prefix)) == 0 && s->n > 0 && (!keep || keep(s->metric));
}

int bar_plot_write(const struct results *res, const char *dir, const char *file, const char *prefix,
		   bool (*keep)(const char *metric), struct bar_plot *out, bench_error *err)
{
	const char *runners[MAX_RUNNERS] = { NULL };
	char path[PATH_MAX], name[40];
	int nrunners = 0;
	FILE *f;

	memset(out, 0, sizeof(*out));
	out->lo = INFINITY;
	for (size_t i = 0; i < res->nseries && nrunners < MAX_RUNNERS; i++) {
		const struct series *s = &res->series[i];
		int seen = 0;

		if (!wanted(s, prefix, keep))
			continue;
		for (int r = 0; r < nrunners; r++)
			seen |= strcmp(runners[r], s->runner) == 0;
		if (!seen) {
			runners[nrunners++] = s->runner;
			plot_plain_name(name, sizeof(name), s->runner);
			snprintf(out->runners + strlen(out->runners), sizeof(out->runners) - strlen(out->runners), "%s%s",
				 nrunners > 1 ? " " : "", name);
		}
	}
	out->nrunners = nrunners;
	if (nrunners == 0)
		return 0;
	f = plot_data_open(dir, file, path, sizeof(path), err);
	if (!f)
		return -1;
	fputs("# metric, then per runner: median, p5, p95; NaN: not measured\n", f);
	for (size_t i = 0; i < res->nseries; i++) {
		const struct series *first = &res->series[i];
		bool earlier = false;

		if (!wanted(first, prefix, keep))
			continue;
		for (size_t k = 0; k < i; k++)
			earlier |= strcmp(res->series[k].metric, first->metric) == 0 && wanted(&res->series[k], prefix, keep);
		if (earlier)
			continue;
		plot_plain_name(name, sizeof(name), first->metric + strlen(prefix));
		fputs(name, f);
		for (int r = 0; r < nrunners; r++) {
			const struct series *s = results_find(res, runners[r], first->metric);
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
			out->lo = q[1] < out->lo ? q[1] : out->lo;
			out->hi = q[2] > out->hi ? q[2] : out->hi;
		}
		fputc('\n', f);
		out->nrows++;
	}
	if (plot_data_close(f, path, err) < 0)
		return bench_error_prefix(err, "writing %s", file);
	return 0;
}

void bar_plot_range_vars(const struct bar_plot *bp, char *vars, size_t sz)
{
	int logy = bp->lo > 0.0 && bp->hi / bp->lo > LOG_RATIO;

	snprintf(vars + strlen(vars), sz - strlen(vars), "logy=%d;ylo=%.9g;yhi=%.9g;", logy,
		 logy ? pow(10.0, floor(log10(bp->lo))) : 0.0, logy ? pow(10.0, ceil(log10(bp->hi * 1.5))) : bp->hi * 1.15);
}
