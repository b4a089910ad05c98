/* The network plot: bars (median, whiskers p5..p95 of the batches) of the
 * request/response rates and the stream throughput per runner and mode,
 * and the latency CDF of the 1-byte exchange per runner and mode. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/plot.h"
#include "harness/stats.h"
#include "network.h"

#define MAX_ROWS 32

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The sorted copy of s's samples (NULL on no memory). */
static double *sorted_copy(const struct series *s)
{
	double *v = malloc((s->n ? s->n : 1) * sizeof(*v));

	if (v) {
		memcpy(v, s->v, s->n * sizeof(*v));
		qsort(v, s->n, sizeof(*v), cmp_double);
	}
	return v;
}

/* The (runner, mode) pairs that measured something, from the lat_us or
 * gbps series, in run order. */
static int rows_of(const struct results *res, char rows[MAX_ROWS][2][32])
{
	int n = 0;

	for (size_t i = 0; i < res->nseries && n < MAX_ROWS; i++) {
		const struct series *s = &res->series[i];
		const char *a = strchr(s->metric, '.'), *b = strrchr(s->metric, '.');
		char mode[32];
		int seen = 0;

		if (!a || a == b || (size_t)(b - a - 1) >= sizeof(mode) || s->n == 0)
			continue;
		memcpy(mode, a + 1, (size_t)(b - a - 1));
		mode[b - a - 1] = '\0';
		for (int r = 0; r < n; r++)
			seen |= strcmp(rows[r][0], s->runner) == 0 && strcmp(rows[r][1], mode) == 0;
		if (!seen) {
			snprintf(rows[n][0], 32, "%s", s->runner);
			snprintf(rows[n][1], 32, "%s", mode);
			n++;
		}
	}
	return n;
}

static int bars(const struct results *res, const char *dir, const char *file, const char *const *patterns,
		const char *stat, char rows[MAX_ROWS][2][32], int nrows, bench_error *err)
{
	char path[PATH_MAX];
	FILE *f = plot_data_open(dir, file, path, sizeof(path), err);
	int figures = 0;

	if (!f)
		return -1;
	fprintf(f, "# runner/mode, then per pattern (%s, %s): median, p5, p95 of %s; NaN: not measured\n", patterns[0],
		patterns[1], stat);
	for (int r = 0; r < nrows; r++) {
		char label[80];

		plot_plain_name(label, sizeof(label), rows[r][0]);
		fprintf(f, "%s/%s", label, rows[r][1]);
		for (int p = 0; p < 2; p++) {
			char metric[48];
			const struct series *s;
			double *v;

			snprintf(metric, sizeof(metric), "%s.%s.%s", patterns[p], rows[r][1], stat);
			s = results_find(res, rows[r][0], metric);
			v = s && s->n ? sorted_copy(s) : NULL;
			if (!v) {
				fputs("\tNaN\tNaN\tNaN", f);
				continue;
			}
			fprintf(f, "\t%.6g\t%.6g\t%.6g", stats_percentile(v, s->n, 50.0), stats_percentile(v, s->n, 5.0),
				stats_percentile(v, s->n, 95.0));
			free(v);
			figures++;
		}
		fputc('\n', f);
	}
	return plot_data_close(f, path, err) < 0 ? -1 : figures;
}

/* One block per (runner, mode) of rr1's latency quantiles: "us fraction". */
static int cdf(const struct results *res, const char *dir, char rows[MAX_ROWS][2][32], int nrows, char *names,
	       size_t namesz, bench_error *err)
{
	char path[PATH_MAX];
	FILE *f = plot_data_open(dir, "network_cdf.dat", path, sizeof(path), err);
	int blocks = 0;

	if (!f)
		return -1;
	fputs("# rr1 latency (us) and cumulative fraction, one block per runner/mode\n", f);
	names[0] = '\0';
	for (int r = 0; r < nrows; r++) {
		char metric[48], label[40];
		const struct series *s;
		double *v;

		snprintf(metric, sizeof(metric), "rr1.%s.lat_us", rows[r][1]);
		s = results_find(res, rows[r][0], metric);
		v = s && s->n ? sorted_copy(s) : NULL;
		if (!v)
			continue;
		if (blocks++)
			fputs("\n\n", f);
		for (size_t i = 0; i < s->n; i++)
			fprintf(f, "%.6g\t%.6g\n", v[i], (double)(i + 1) / (double)s->n);
		free(v);
		plot_plain_name(label, sizeof(label), rows[r][0]);
		snprintf(names + strlen(names), namesz - strlen(names), "%s%s/%s", names[0] ? " " : "", label,
			 rows[r][1]);
	}
	if (plot_data_close(f, path, err) < 0)
		return -1;
	return blocks;
}

int plot_network(const struct results *res, const char *dir, bench_error *err)
{
	static const char *const rr[] = { "rr1", "rr200" }, *const st[] = { "up", "down" };
	char rows[MAX_ROWS][2][32], names[MAX_ROWS * 40], title[200], vars[8192];
	int nrows = rows_of(res, rows), nrr, nstream, ncdf;

	if (nrows == 0)
		return PLOT_NOTHING;
	/* A run of some patterns only (--patterns) leaves panels empty, which
	 * the template skips: gnuplot refuses a plot with no point. */
	nrr = bars(res, dir, "network_rr.dat", rr, "tps", rows, nrows, err);
	nstream = nrr < 0 ? -1 : bars(res, dir, "network_stream.dat", st, "gbps", rows, nrows, err);
	if (nstream < 0)
		return bench_error_prefix(err, "writing the data of the network plot");
	ncdf = cdf(res, dir, rows, nrows, names, sizeof(names), err);
	if (ncdf < 0)
		return bench_error_prefix(err, "writing the data of the network plot");
	plot_title(res, title, sizeof(title));
	vars[0] = '\0';
	if (plot_var_string(vars, sizeof(vars), "cdfnames", names) < 0 ||
	    plot_var_string(vars, sizeof(vars), "plottitle", title) < 0)
		return bench_fail(err, 0, "the network plot's labels do not fit in %zu bytes", sizeof(vars));
	snprintf(vars + strlen(vars), sizeof(vars) - strlen(vars), "ncdf=%d;nrr=%d;nstream=%d;", ncdf, nrr, nstream);
	return plot_render("network", dir, vars, err);
}
