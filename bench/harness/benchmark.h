/* A benchmark, as the harness sees it: everything `bench run`, `bench plot`
 * and `bench report` need to know of one, in one descriptor.  Each
 * benchmark's file (bench/<name>.c) defines one; bench/benchmarks.c lists
 * them, and main() hands that table down, so the harness never names a
 * benchmark.  Adding a benchmark is its file, its plot template
 * (plots/<name>.gp), its agent task, and one row in that table. */
#ifndef BENCH_BENCHMARK_H
#define BENCH_BENCHMARK_H

#include <stddef.h>

#include "../../lib/error.h"
#include "options.h"
#include "results.h"

struct doc;
struct report_folder;
struct run_output_hooks;
struct session;

struct benchmark {
	/* Required. */
	const char *name;      /* "startup": bench run <name>, the results folder, plots/<name>.gp */
	const char *summary;   /* one line for `bench run --help` */
	/* What `bench run <name> --help` says between its usage line and the
	 * options; ends with a blank line. */
	const char *help;
	/* Measures into s->res, after the session began (agent, run id, meta,
	 * Ctrl-C).  What it measured is kept even when it fails. */
	int (*run)(void *ctx, const struct run_options *o, struct session *s, bench_error *err);
	/* Writes the data files of plots/<name>.gp into dir and renders it
	 * (plot_render); a plot_status or -1.  Also for loaded results. */
	int (*plot)(const struct results *res, const char *dir, bench_error *err);

	/* Optional (NULL or 0: none). */
	const struct bench_option *options;   /* its own options; their set() gets ctx */
	size_t ctx_size;                      /* the context: zeroed memory for options and run */
	void (*init)(void *ctx);              /* the context's defaults, before the options */
	/* After the options, before the session: defaults that depend on them,
	 * and checks.  A failure ends the run before anything started. */
	int (*prepare)(void *ctx, struct run_options *o, bench_error *err);
	/* After run (also one cut short): derives what the output holds and
	 * fills hooks; failures go through session_check.  Returns true when
	 * there is something to write.  NULL: write when any series has a
	 * sample. */
	bool (*finish)(void *ctx, const struct run_options *o, struct session *s, struct run_output_hooks *hooks);
	/* After the output: a last verdict on the run (e.g. a probe that
	 * failed its control); -1 with *err makes the run fail. */
	int (*verdict)(void *ctx, bench_error *err);
	/* What the metrics mean, for summary.md ("`ready` is ...  "). */
	const char *legend;

	/* In `bench report`: the table of one results folder (NULL: every
	 * series' median), */
	void (*report_table)(struct doc *d, const struct results *res);
	/* and the summary's lines for one host, from the newest folder of this
	 * benchmark there (f NULL: none, which the lines should say). */
	void (*report_summary)(struct doc *d, const struct report_folder *f, const char *host);
	/* Where those lines go in the summary, smallest first: the questions
	 * in the order a reader asks them, not the table's order. */
	int summary_rank;

	/* For `bench run all` (suite.c), which runs the benchmarks in
	 * summary_rank order: the seconds it expects to take on a host like
	 * this one with o and its context as they are; and, when budget_s > 0,
	 * first sets its defaults (o->runs or o->warmup when still -1, its
	 * context's knobs) to fit about budget_s.  The suite calls it on a
	 * fresh context before the command line's options, which then
	 * override what it chose.  NULL: the defaults are kept and the suite
	 * counts SUITE_GUESS_S for it. */
	double (*fit_budget)(void *ctx, struct run_options *o, double budget_s);
	/* In the report across hosts (report_fleet.c): the metrics compared
	 * host by host, a comma list, the first the one whose order of the
	 * runners is the conclusion checked on every host (lower is better).
	 * NULL: every metric. */
	const char *fleet_metrics;
};

/* The descriptor named name in a NULL-terminated table, or NULL. */
const struct benchmark *benchmark_find(const struct benchmark *const *table, const char *name);

/* bench run <name> [options]: parses the options (argv[0] is the name),
 * --help, then the session, run, finish, output and verdict.  full_argv is
 * the whole command line, for the metadata.  Returns the exit code. */
int benchmark_run_cmd(const struct benchmark *b, int argc, char **argv, int full_argc, char **full_argv);

/* The part of benchmark_run_cmd after the options: prepare, the session
 * (host_label, when not NULL, goes into its metadata as "host_label"),
 * run, finish, output and verdict.  Returns the exit code. */
int benchmark_run_parsed(const struct benchmark *b, void *ctx, struct run_options *o, int full_argc,
			 char **full_argv, const char *host_label);

/* bench run [--help | <benchmark> ...]: the list, or the benchmark's
 * benchmark_run_cmd.  argv[0] is "run". */
int cmd_run(int argc, char **argv, const struct benchmark *const *table);

#endif
