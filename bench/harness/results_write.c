/* The human- and spreadsheet-readable forms of a run: samples.csv, the
 * Markdown summary and the terminal summary. */
#include "results.h"
#include "benchmark.h"
#include "md_escape.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WARN_BUF 1024

/* About four significant digits, without switching to exponents for the
 * usual range of milliseconds (0.0123 ... 12345). */
static const char *num(char *buf, size_t sz, double x)
{
	double a = fabs(x);

	if (isnan(x))
		snprintf(buf, sz, "NaN");
	else if (a >= 1000.0 || a == 0.0)
		snprintf(buf, sz, "%.0f", x);
	else if (a >= 100.0)
		snprintf(buf, sz, "%.1f", x);
	else if (a >= 10.0)
		snprintf(buf, sz, "%.2f", x);
	else if (a >= 1.0)
		snprintf(buf, sz, "%.3f", x);
	else if (a >= 0.001)
		snprintf(buf, sz, "%.4f", x);
	else
		snprintf(buf, sz, "%.3g", x);
	return buf;
}

static int is_phase(const struct series *s)
{
	return strncmp(s->metric, "phase.", 6) == 0;
}

/* Closes f, turning any write error seen on the way into *err. */
static int close_checked(FILE *f, const char *path, bench_error *err)
{
	int failed = ferror(f);
	int e = errno;

	if (fclose(f) != 0 && !failed) {
		failed = 1;
		e = errno;
	}
	if (failed)
		return bench_fail(err, e ? e : EIO, "writing %s", path);
	return 0;
}

/* ---- CSV ---------------------------------------------------------------- */

/* RFC 4180 quoting, needed only if a name ever holds a comma or quote. */
static void csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

int results_write_csv(const struct results *res, const char *path, bench_error *err)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return bench_fail(err, errno, "%s", path);
	errno = 0;
	fputs("runner,metric,unit,index,value\n", f);
	for (size_t i = 0; i < res->nseries; i++) {
		const struct series *s = &res->series[i];

		for (size_t k = 0; k < s->n; k++) {
			csv_field(f, s->runner);
			fputc(',', f);
			csv_field(f, s->metric);
			fputc(',', f);
			csv_field(f, s->unit);
			fprintf(f, ",%zu,%.15g\n", k, s->v[k]);
		}
	}
	return close_checked(f, path, err);
}

/* ---- Markdown ----------------------------------------------------------- */

/* Table cells must not hold a raw '|'. */
static const char *meta_string(const struct results *res, const char *key)
{
	return json_string_value(json_object_get(res->meta, key));
}

static void md_row(FILE *f, const struct series *s)
{
	char a[32], b[32], c[32], d[32];
	const char *u = s->unit;
	struct stats st;

	st = *series_stats(s);
	fputs("| ", f);
	md_escape(f, s->runner);
	fputs(" | ", f);
	md_escape(f, s->metric);
	fprintf(f, " | %zu | %s %s | %s %s | %s ± %s %s |", st.n, num(a, sizeof(a), st.min), u,
		num(b, sizeof(b), st.median), u, num(c, sizeof(c), st.mean),
		num(d, sizeof(d), st.stddev), u);
	fprintf(f, " %s %s | %s %s | %s %s |", num(a, sizeof(a), st.p95), u,
		num(b, sizeof(b), st.p99), u, num(c, sizeof(c), st.max), u);
	if (st.n > 1)
		fprintf(f, " [%s, %s] %s |\n", num(a, sizeof(a), st.ci95_lo),
			num(b, sizeof(b), st.ci95_hi), u);
	else
		fputs(" – |\n", f);
}

/* The meta "notes", one line each after prefix; for Markdown escaped, since
 * a note may quote a workload, a guest or an error it caused. */
static void print_notes(FILE *out, const struct results *res, const char *prefix, bool markdown)
{
	json_t *notes = json_object_get(res->meta, "notes"), *n;
	size_t i;

	json_array_foreach(notes, i, n) {
		if (!json_is_string(n))
			continue;
		fputs(prefix, out);
		if (markdown)
			md_escape(out, json_string_value(n));
		else
			fputs(json_string_value(n), out);
		fputc('\n', out);
	}
}

static void md_warnings(FILE *f, const struct results *res)
{
	char buf[WARN_BUF];
	int any = 0;

	fputs("\n## Warnings\n\n", f);
	for (size_t i = 0; i < res->nseries; i++) {
		const struct series *s = &res->series[i];
		struct stats st;

		st = *series_stats(s);
		if (stats_warnings(&st, s->v, s->n, buf, sizeof(buf)) == 0)
			continue;
		for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
			fputs("- **", f);
			md_escape(f, s->runner);
			fputs(" / ", f);
			md_escape(f, s->metric);
			fprintf(f, "**: %s\n", line);
		}
		any = 1;
	}
	if (!any)
		fputs("None.\n", f);
}

static void md_meta(FILE *f, const struct results *res)
{
	const char *key;
	json_t *value;

	fputs("\n## Metadata\n\n", f);
	if (!res->meta || json_object_size(res->meta) == 0) {
		fputs("None recorded.\n", f);
		return;
	}
	json_object_foreach(res->meta, key, value) {
		fprintf(f, "- `%s`: ", key);
		if (json_is_string(value)) {
			md_escape(f, json_string_value(value));
		} else {
			char *text = json_dumps(value, JSON_COMPACT | JSON_REAL_PRECISION(6) |
							       JSON_ENCODE_ANY);

			/* Values from agents and guests are in there too. */
			md_escape(f, text ? text : "?");
			free(text);
		}
		fputc('\n', f);
	}
}

int results_write_markdown(const struct results *res, const char *path, bench_error *err)
{
	const char *host = meta_string(res, "hostname");
	const char *started = meta_string(res, "started_utc");
	FILE *f = fopen(path, "w");

	if (!f)
		return bench_fail(err, errno, "%s", path);
	errno = 0;
	fprintf(f, "# bench: %s\n\n", res->benchmark);
	if (host || started)
		fprintf(f, "Host `%s`, started %s.\n\n", host ? host : "?", started ? started : "?");
	/* What the metrics mean, for the benchmarks whose names need it. */
	if (res->bench && res->bench->legend)
		fputs(res->bench->legend, f);
	fputs("The 95% CI is that of the mean (Student's t).\n\n", f);
	fputs("| runner | metric | n | min | median | mean ± stddev | p95 | p99 | max | 95% CI |\n"
	      "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|\n",
	      f);
	for (size_t i = 0; i < res->nseries; i++)
		md_row(f, &res->series[i]);
	if (json_array_size(json_object_get(res->meta, "notes")) > 0) {
		fputs("\n## Notes\n\n", f);
		print_notes(f, res, "- ", true);
	}
	md_warnings(f, res);
	md_meta(f, res);
	return close_checked(f, path, err);
}

/* ---- Terminal ----------------------------------------------------------- */

static void print_series(FILE *out, const struct series *s)
{
	char a[32], b[32], c[32];
	const char *u = s->unit;
	struct stats st;

	st = *series_stats(s);
	fprintf(out, "  %-8s median %s %s (mean %s %s ± %s %s), %zu run%s\n", s->metric,
		num(a, sizeof(a), st.median), u, num(b, sizeof(b), st.mean), u,
		num(c, sizeof(c), st.stddev), u, st.n, st.n == 1 ? "" : "s");
	fprintf(out, "  %-8s range [%s %s … %s %s], ", "", num(a, sizeof(a), st.min), u,
		num(b, sizeof(b), st.max), u);
	fprintf(out, "p95 %s %s, p99 %s %s", num(a, sizeof(a), st.p95), u,
		num(b, sizeof(b), st.p99), u);
	if (st.n > 1)
		fprintf(out, ", 95%% CI [%s, %s] %s", num(a, sizeof(a), st.ci95_lo),
			num(b, sizeof(b), st.ci95_hi), u);
	fputc('\n', out);
}

/* The phases of one runner on one line, by median: they are details. */
static void print_phases(FILE *out, const struct results *res, const char *runner)
{
	char a[32];
	int first = 1;

	for (size_t i = 0; i < res->nseries; i++) {
		const struct series *s = &res->series[i];
		struct stats st;

		if (strcmp(s->runner, runner) != 0 || !is_phase(s))
			continue;
		st = *series_stats(s);
		fprintf(out, "%s%s %s %s", first ? "  phases   median " : ", ", s->metric + 6,
			num(a, sizeof(a), st.median), s->unit);
		first = 0;
	}
	if (!first)
		fputc('\n', out);
}

static void print_warnings(FILE *out, const struct results *res, const char *runner)
{
	char buf[WARN_BUF];

	for (size_t i = 0; i < res->nseries; i++) {
		const struct series *s = &res->series[i];
		struct stats st;

		/* The phases' warnings mostly repeat those of "ready"; they
		 * are in summary.md. */
		if (strcmp(s->runner, runner) != 0 || is_phase(s))
			continue;
		st = *series_stats(s);
		if (stats_warnings(&st, s->v, s->n, buf, sizeof(buf)) == 0)
			continue;
		for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
			fprintf(out, "  Warning: %s: %s\n", s->metric, line);
	}
}

/* Has an earlier series the same runner?  Runners print in the order they
 * first appear. */
static int runner_seen(const struct results *res, size_t upto)
{
	for (size_t i = 0; i < upto; i++)
		if (strcmp(res->series[i].runner, res->series[upto].runner) == 0)
			return 1;
	return 0;
}

/* hyperfine's closing line: how the others compare with the fastest. */
static void print_relative(FILE *out, const struct results *res)
{
	const struct series *best = NULL;
	double best_median = 0.0, ratio;
	struct stats st;
	int others = 0;

	for (size_t i = 0; i < res->nseries; i++) {
		const struct series *s = &res->series[i];

		if (strcmp(s->metric, "ready") != 0 || s->n == 0)
			continue;
		st = *series_stats(s);
		if (!best || st.median < best_median) {
			best = s;
			best_median = st.median;
		}
		others++;
	}
	if (others < 2 || !(best_median > 0.0))
		return;
	fprintf(out, "Summary (median launch to READY)\n  %s was fastest\n", best->runner);
	for (size_t i = 0; i < res->nseries; i++) {
		const struct series *s = &res->series[i];

		if (s == best || strcmp(s->metric, "ready") != 0 || s->n == 0)
			continue;
		st = *series_stats(s);
		ratio = st.median / best_median;
		fprintf(out, "  %s was %.*fx slower\n", s->runner, ratio < 10.0 ? 2 : 0, ratio);
	}
}

void results_print_summary(const struct results *res, FILE *out)
{
	for (size_t i = 0; i < res->nseries; i++) {
		const char *runner = res->series[i].runner;

		if (runner_seen(res, i))
			continue;
		fprintf(out, "%s\n", runner);
		for (size_t k = i; k < res->nseries; k++)
			if (strcmp(res->series[k].runner, runner) == 0 && !is_phase(&res->series[k]))
				print_series(out, &res->series[k]);
		print_phases(out, res, runner);
		print_warnings(out, res, runner);
		fputc('\n', out);
	}
	print_relative(out, res);
	print_notes(out, res, "Note: ", false);
}
