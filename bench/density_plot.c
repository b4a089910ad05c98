/* The density plots: memory per idle instance, runner by runner (left),
 * and the launch storms' time per instance against their size (right).
 * plots/density.gp reads the data files written here. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/plot.h"
#include "harness/stats.h"
#include "density.h"

#define MAX_RUNNERS 8
#define MAX_STORMS 32

static double median(const struct series *s)
{
	struct stats st;

	if (!s || s->n == 0)
		return NAN;
	st = *series_stats(s);
	return st.median;
}

/* gnuplot reads "NaN" as missing. */
static void num(FILE *f, double v)
{
	if (isnan(v))
		fputs("\tNaN", f);
	else
		fprintf(f, "\t%.9g", v);
}

/* The planning figure the run worked out (results' "density" extra). */
static double planning_mib(const struct results *res, const char *runner)
{
	json_t *list = json_object_get(json_object_get(res->extra, "density"), "runners"), *r;
	size_t i;

	json_array_foreach(list, i, r) {
		const char *name = json_string_value(json_object_get(r, "runner"));
		json_t *m = json_object_get(r, "memory_mib");

		if (name && strcmp(name, runner) == 0 && json_is_number(m))
			return json_number_value(m);
	}
	return NAN;
}

/* The storm size of a "storm.<N>.ready" metric, 0 for any other. */
static unsigned storm_size(const char *metric, const char *what)
{
	char *end;
	unsigned long n;

	if (strncmp(metric, "storm.", 6) != 0)
		return 0;
	n = strtoul(metric + 6, &end, 10);
	if (end == metric + 6 || *end != '.' || strcmp(end + 1, what) != 0 || n == 0 || n > 1u << 20)
		return 0;
	return (unsigned)n;
}

static int cmp_unsigned(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return (x > y) - (x < y);
}

/* storm-<runner>.dat: size, median ms to all READY and to all gone, and
 * both per instance.  Returns how many sizes (0: none). */
static int write_storms(const struct results *res, const char *dir, const char *runner, double *lo, double *hi,
			bench_error *err)
{
	unsigned sizes[MAX_STORMS];
	int n = 0;
	char name[40], file[64], path[PATH_MAX];
	FILE *f;

	for (size_t i = 0; i < res->nseries && n < MAX_STORMS; i++) {
		unsigned size = storm_size(res->series[i].metric, "ready");

		if (size && strcmp(res->series[i].runner, runner) == 0 && res->series[i].n > 0)
			sizes[n++] = size;
	}
	if (n == 0)
		return 0;
	qsort(sizes, (size_t)n, sizeof(sizes[0]), cmp_unsigned);
	plot_plain_name(name, sizeof(name), runner);
	snprintf(file, sizeof(file), "storm-%s.dat", name);
	f = plot_data_open(dir, file, path, sizeof(path), err);
	if (!f)
		return -1;
	fprintf(f, "# %s: instances, ms to all READY, ms to all gone, and each per instance\n", runner);
	for (int k = 0; k < n; k++) {
		char metric[48];
		double ready, gone;

		snprintf(metric, sizeof(metric), "storm.%u.ready", sizes[k]);
		ready = median(results_find(res, runner, metric));
		snprintf(metric, sizeof(metric), "storm.%u.gone", sizes[k]);
		gone = median(results_find(res, runner, metric));
		fprintf(f, "%u", sizes[k]);
		num(f, ready);
		num(f, gone);
		num(f, ready / sizes[k]);
		num(f, gone / sizes[k]);
		fputc('\n', f);
		for (int v = 0; v < 2; v++) {
			double x = (v ? gone : ready) / sizes[k];

			if (x > 0.0 && x < *lo)
				*lo = x;
			if (x > *hi)
				*hi = x;
		}
	}
	if (plot_data_close(f, path, err) < 0)
		return -1;
	return n;
}

int plot_density(const struct results *res, const char *dir, bench_error *err)
{
	const char *runners[MAX_RUNNERS];
	char names[MAX_RUNNERS * 33] = "", storm_runners[MAX_RUNNERS * 33] = "";
	char path[PATH_MAX], title[200], vars[4096], name[40];
	double lo = INFINITY, hi = 0.0, mlo = INFINITY, mhi = 0.0;
	bool has[5] = { false };
	int nrunners = 0, nstorm = 0;
	char memcols[32] = "";
	FILE *f;

	for (size_t i = 0; i < res->nseries && nrunners < MAX_RUNNERS; i++) {
		bool seen = false;

		if (strcmp(res->series[i].metric, "mem.pss") != 0 || res->series[i].n == 0)
			continue;
		for (int k = 0; k < nrunners; k++)
			seen |= strcmp(runners[k], res->series[i].runner) == 0;
		if (!seen)
			runners[nrunners++] = res->series[i].runner;
	}
	if (nrunners == 0)
		return PLOT_NOTHING;

	f = plot_data_open(dir, "memory.dat", path, sizeof(path), err);
	if (!f)
		return bench_error_prefix(err, "writing the data of the density plot");
	fputs("# runner\tPSS\tRSS\tcgroup\tplanning\thost MemAvailable fall per instance (MiB, medians; NaN: not "
	      "measured)\n",
	      f);
	for (int k = 0; k < nrunners; k++) {
		double v[5] = { median(results_find(res, runners[k], "mem.pss")),
				median(results_find(res, runners[k], "mem.rss")),
				median(results_find(res, runners[k], "mem.cgroup")), planning_mib(res, runners[k]),
				median(results_find(res, runners[k], "mem.host")) };

		plot_plain_name(name, sizeof(name), runners[k]);
		fputs(name, f);
		for (int c = 0; c < 5; c++) {
			num(f, v[c]);
			has[c] |= v[c] > 0.0;
			if (v[c] > 0.0 && v[c] < mlo)
				mlo = v[c];
			if (v[c] > mhi)
				mhi = v[c];
		}
		fputc('\n', f);
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s", k ? " " : "", name);
	}
	if (plot_data_close(f, path, err) < 0)
		return bench_error_prefix(err, "writing the data of the density plot");

	for (int k = 0; k < nrunners; k++) {
		int n = write_storms(res, dir, runners[k], &lo, &hi, err);

		if (n < 0)
			return bench_error_prefix(err, "writing the data of the density plot");
		if (n == 0)
			continue;
		plot_plain_name(name, sizeof(name), runners[k]);
		snprintf(storm_runners + strlen(storm_runners), sizeof(storm_runners) - strlen(storm_runners), "%s%s",
			 nstorm++ ? " " : "", name);
	}

	/* Columns 2..6 of memory.dat, the planning figure (5) last. */
	{
		static const int order[] = { 0, 1, 2, 4, 3 };

		for (int k = 0; k < 5; k++)
			if (has[order[k]])
				snprintf(memcols + strlen(memcols), sizeof(memcols) - strlen(memcols), "%s%d",
					 memcols[0] ? " " : "", order[k] + 2);
	}
	plot_title(res, title, sizeof(title));
	vars[0] = '\0';
	if (plot_var_string(vars, sizeof(vars), "memcols", memcols) < 0 ||
	    plot_var_string(vars, sizeof(vars), "runners", names) < 0 ||
	    plot_var_string(vars, sizeof(vars), "stormrunners", storm_runners) < 0 ||
	    plot_var_string(vars, sizeof(vars), "plottitle", title) < 0 ||
	    plot_var_string(vars, sizeof(vars), "caption",
			    "bars: medians over every idle instance measured; curves: median of the storms of each "
			    "size (solid: launch to all READY, dashed: stop to all gone), divided by the instances") < 0)
		return bench_fail(err, 0, "the density plot's labels do not fit in %zu bytes", sizeof(vars));
	if (!(mhi > 0.0) || !isfinite(mlo))
		mlo = 0.01, mhi = 1.0;
	/* Log axes with whole decades around the data. */
	snprintf(vars + strlen(vars), sizeof(vars) - strlen(vars), "mlo=%.9g;mhi=%.9g;slo=%.9g;shi=%.9g;",
		 pow(10.0, floor(log10(mlo))), pow(10.0, ceil(log10(mhi * 1.5))),
		 nstorm ? pow(10.0, floor(log10(lo))) : 0.1, nstorm ? pow(10.0, ceil(log10(hi * 1.5))) : 1.0);
	return plot_render("density", dir, vars, err);
}
