/* The storage plot: left, one group of bars per pattern, one bar per row
 * (runner, and the container's overlayfs row): the ratio of its median to
 * the host's (higher is better for IOPS and MB/s; for QD1 the inverse of
 * the latency ratio, so higher is better everywhere), whiskers the 95%
 * bootstrap interval; right, the latency CDF of the QD1 random reads and
 * writes of each row (percentiles of its last run). */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness/plot.h"
#include "storage.h"

#define MAX_ROWS 8

/* The CDF points of one row and pattern: cdf_us of its p50 series,
 * checked (results are untrusted): finite, ascending percents in 0..100. */
static int write_cdf(FILE *f, const struct results *res, const struct storage_row *row, const char *pattern)
{
	char m[64];
	const struct series *s;
	json_t *cdf, *pt;
	size_t i;
	double last = -1.0;
	int n = 0;

	snprintf(m, sizeof(m), "%s%s.p50", row->prefix, pattern);
	s = results_find(res, row->runner, m);
	cdf = s ? json_object_get(s->extra, "cdf_us") : NULL;
	if (!json_is_array(cdf))
		return 0;
	json_array_foreach(cdf, i, pt) {
		double pct = json_number_value(json_array_get(pt, 0)), us = json_number_value(json_array_get(pt, 1));

		if (!json_is_number(json_array_get(pt, 0)) || !json_is_number(json_array_get(pt, 1)) ||
		    !isfinite(pct) || !isfinite(us) || pct < last || pct > 100.0 || us <= 0.0 || us > 1e12)
			continue;
		fprintf(f, "%.6g\t%.6g\n", us, pct);
		last = pct;
		n++;
	}
	return n;
}

int plot_storage(const struct results *res, const char *dir, bench_error *err)
{
	struct storage_row rows[MAX_ROWS];
	size_t nrows = storage_rows(res, rows, MAX_ROWS);
	const char *baseline = results_runner_with(res, "baseline", NULL);
	char names[MAX_ROWS * 50] = "", path[PATH_MAX], title[200], vars[4096], name[48];
	int npatterns = 0, ncdf = 0;
	FILE *f;

	if (nrows == 0)
		return PLOT_NOTHING;
	for (size_t r = 0; r < nrows; r++) {
		plot_plain_name(name, sizeof(name), rows[r].label);
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s", r ? " " : "", name);
	}
	f = plot_data_open(dir, "storage.dat", path, sizeof(path), err);
	if (!f)
		return -1;
	fputs("# pattern, then per row: ratio to the host (higher is better), interval low, high; NaN: none\n", f);
	for (int p = 0; p < STORAGE_NPATTERNS; p++) {
		const char *unit;
		bool higher;
		const char *stat = storage_headline(storage_patterns[p], &unit, &higher);
		char m[48];
		int any = 0;

		snprintf(m, sizeof(m), "%s.%s", storage_patterns[p], stat);
		for (size_t r = 0; r < nrows; r++)
			any |= results_find(res, rows[r].runner, m) != NULL;
		if (!any)
			continue;
		fputs(storage_patterns[p], f);
		for (size_t r = 0; r < nrows; r++) {
			double ratio, lo, hi;

			if (storage_ratio(res, baseline, &rows[r], m, &ratio, &lo, &hi) < 0 || ratio <= 0.0 || lo <= 0.0) {
				fputs("\tNaN\tNaN\tNaN", f);
				continue;
			}
			if (!higher) /* latency: host/row, so that higher is better */
				fprintf(f, "\t%.6g\t%.6g\t%.6g", 1.0 / ratio, 1.0 / hi, 1.0 / lo);
			else
				fprintf(f, "\t%.6g\t%.6g\t%.6g", ratio, lo, hi);
		}
		fputc('\n', f);
		npatterns++;
	}
	if (plot_data_close(f, path, err) < 0)
		return bench_error_prefix(err, "writing the data of the storage plot");
	for (int w = 0; w < 2; w++) {
		const char *pattern = w == 0 ? "randread_qd1" : "randwrite_qd1";
		char file[64];

		snprintf(file, sizeof(file), "storage_cdf_%s.dat", pattern);
		f = plot_data_open(dir, file, path, sizeof(path), err);
		if (!f)
			return -1;
		fprintf(f, "# %s latency CDF: one block per row (us, percent), blocks apart by two blank lines\n",
			pattern);
		for (size_t r = 0; r < nrows; r++) {
			ncdf += write_cdf(f, res, &rows[r], pattern);
			fputs("\n\n", f);
		}
		if (plot_data_close(f, path, err) < 0)
			return bench_error_prefix(err, "writing the data of the storage plot");
	}
	if (npatterns == 0)
		return PLOT_NOTHING;
	plot_title(res, title, sizeof(title));
	vars[0] = '\0';
	if (plot_var_string(vars, sizeof(vars), "rows", names) < 0 ||
	    plot_var_string(vars, sizeof(vars), "plottitle", title) < 0)
		return bench_fail(err, 0, "the storage plot's labels do not fit in %zu bytes", sizeof(vars));
	/* No QD1 pattern measured: the CDF panel says so instead. */
	snprintf(vars + strlen(vars), sizeof(vars) - strlen(vars), "hascdf=%d;", ncdf > 0);
	return plot_render("storage", dir, vars, err);
}
