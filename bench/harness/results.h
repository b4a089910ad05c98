/* Samples of one benchmark run, and everything written from them: the
 * results folder, the JSON/CSV/Markdown exports and the summary. */
#ifndef BENCH_RESULTS_H
#define BENCH_RESULTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "../../lib/error.h"
#include "../../lib/json_notes.h"
#include "stats.h"

struct benchmark;
struct runner_ops;

/* The statistics of a series, computed the first time they are read and
 * kept until a sample is added (series_stats). */
struct series_cache {
	struct stats st;
	bool valid;
};

/* The samples of one metric of one runner, in measurement order. */
struct series {
	char runner[32];
	char metric[48];   /* "ready", "gone", "phase.clone", ... */
	char unit[8];      /* "ms", "ns" */
	double *v;
	size_t n, cap;
	json_t *extra;     /* object or NULL, owned: further keys of this result
			      in the export (e.g. syscall's ratio to the host) */
	struct series_cache *cache; /* owned; read through series_stats() */
};

struct results {
	char benchmark[32];   /* "startup" */
	json_t *meta;         /* object, owned: filled by meta_collect() and runners */
	struct series *series;
	size_t nseries, cap;
	json_t *extra;        /* object, owned: further top-level keys of the export
				 (e.g. isolation's "isolation" list) */
	const struct benchmark *bench; /* what measured them, for the legend and the
					  plots; NULL when unknown (not saved) */
};

/* The series table is allocated once and never moves, so a pointer from
 * results_series() stays valid until results_free(); hence a bound. */
#define RESULTS_SERIES_MAX 256

void results_init(struct results *res, const char *benchmark);
void results_free(struct results *res);

/* The series for (runner, metric), created empty on first use; NULL on
 * allocation failure (with *err). */
struct series *results_series(struct results *res, const char *runner, const char *metric,
			      const char *unit, bench_error *err);
/* value must be finite and within +/-1e100 (anything else is refused with
 * *err), so that every statistic of the series is finite too. */
int series_add(struct series *s, double value, bench_error *err);

/* The statistics of s's samples: computed once, on first use, and shared by
 * every writer, the summary, the plots and the report until a sample is
 * added.  Never NULL for a series from results_series(). */
const struct stats *series_stats(const struct series *s);

/* The series for (runner, metric), or NULL when there is none (also when
 * runner is NULL, as results_runner_with says when no runner fits). */
const struct series *results_find(const struct results *res, const char *runner,
				  const char *metric);

/* Records what the runner is (meta "runner_caps": {"<runner>": ["baseline",
 * ...]}), so that benchmarks and the report ask "which runner is the
 * baseline" of the results, never a runner's name. */
void results_record_runner_caps(struct results *res, const struct runner_ops *ops);

/* True when the results say runner has the capability (a runner_cap_name). */
bool results_runner_has(const struct results *res, const char *runner, const char *cap);

/* The first runner of the results (in the order they ran) that has cap and
 * lacks none_of (NULL: no condition); NULL when there is none. */
const char *results_runner_with(const struct results *res, const char *cap, const char *none_of);

/* The median of (runner, metric) (from series_stats), NAN when there is no
 * such series or it is empty. */
double results_median(const struct results *res, const char *runner, const char *metric);


/* The export document:
 *   {"benchmark": ..., "meta": {...}, "results": [{"runner", "metric",
 *    "unit", "n", "min", "median", "mean", "stddev", "p95", "p99", "max",
 *    "ci95_lo", "ci95_hi", "outliers", "samples": [...]}, ...]}
 * New reference. */
json_t *results_to_json(const struct results *res);

int results_write_json(const struct results *res, const char *path, bench_error *err);
/* Writes any JSON document as results_write_json does (indented, 15
 * significant digits, final newline). */
int results_dump_json(const json_t *doc, const char *path, bench_error *err);
/* Long format, one sample a line: runner,metric,unit,index,value */
int results_write_csv(const struct results *res, const char *path, bench_error *err);
/* A Markdown table (one row per runner and metric) with the warnings and the
 * metadata that a reader needs to judge the figures. */
int results_write_markdown(const struct results *res, const char *path, bench_error *err);
/* The same summary for a terminal. */
void results_print_summary(const struct results *res, FILE *out);

/* Reads dir/results.json back (for `bench plot`, reports).  On success
 * *res is initialised and owned by the caller (results_free). */
int results_load(struct results *res, const char *dir, bench_error *err);
/* The same from a parsed results.json (doc is only read; path names it in
 * errors). */
int results_from_json(struct results *res, json_t *doc, const char *path, bench_error *err);

/* Creates <root>/<UTC yyyy-mm-ddTHH-MM-SSZ>-<benchmark>/ (a suffix -2, -3 ...
 * when it exists) and points <root>/latest at it.  The path goes to dir. */
int results_folder_create(const char *root, const char *benchmark, char *dir, size_t dirsz,
			  bench_error *err);

/* Writes the results folder's files (the exporters table: meta.json,
 * results.json, samples.csv, summary.md) into dir, then draws the
 * benchmark's plots (plot.h).  Returns 0, -1 with *err, or PLOT_NO_GNUPLOT
 * when gnuplot is missing: not a failure (the data stays), but the caller
 * should tell the reader how to get the plots. */
int results_save(const struct results *res, const char *dir, bench_error *err);

#endif
