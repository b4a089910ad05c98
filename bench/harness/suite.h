/* bench run all: every benchmark of the table, one after the other, each
 * sized to its share of a time budget, under one progress line, into one
 * suite folder that `bench report` takes as it is, and the report at the
 * end (also after Ctrl-C, of what finished).
 *
 *   suite_args.c  the command line: the suite's own options, and which
 *                 of the others go to which benchmark
 *   suite_plan.c  the order, each benchmark's context and options, and the
 *                 budget's shares (the descriptors' fit_budget)
 *   suite.c       cmd_run_all: the runs, the progress line, suite.json and
 *                 the report */
#ifndef BENCH_SUITE_H
#define BENCH_SUITE_H

#include <limits.h>
#include <stdbool.h>

#include "../../lib/error.h"
#include "benchmark.h"
#include "options.h"

#define SUITE_NAME "all"
#define SUITE_SUMMARY "every benchmark above in turn, sized to a time budget, and the report"
/* Sized so that the whole suite fits ten minutes on a 2-core machine
 * whose VMs run under TCG. */
#define SUITE_DEFAULT_BUDGET_S 600.0
/* --quick: a first look in under three minutes; the rest of the three is
 * the margin for what no estimate sees (a loaded host, gnuplot). */
#define SUITE_QUICK_BUDGET_S 120.0
/* --quick's runners when --runners is not given: one of each kind. */
#define SUITE_QUICK_RUNNERS "host,container,containerd,vm"
/* What a benchmark without fit_budget is counted as. */
#define SUITE_GUESS_S 60.0
#define SUITE_MAX 32
#define SUITE_ARGS_MAX 64
#define SUITE_LABEL_MAX 64

struct suite_args {
	double budget_s;
	bool quick, help, quiet, dry_run;
	bool quick_runners;                  /* --quick chose SUITE_QUICK_RUNNERS */
	const char *out_dir;                 /* --out, or "results" */
	char host_label[SUITE_LABEL_MAX];    /* --host-label; "" when none */
	const char *only, *skip;             /* comma lists, validated; NULL when none */
	/* Words for the benchmarks: the common options (to every one) and
	 * each benchmark's own (to those that have one of that name). */
	char *words[SUITE_ARGS_MAX];
	unsigned char nwords_of[SUITE_ARGS_MAX]; /* at an option's first word: 1, or 2 with its value */
	int nwords;
};

/* Parses argv[1..] (argv[0] is "all"); usage errors fill *err with
 * BENCH_EXIT_USAGE. */
int suite_args_parse(int argc, char **argv, const struct benchmark *const *table, struct suite_args *a,
		     bench_error *err);
/* Does a (already parsed) choose b, after --only and --skip? */
bool suite_args_choose(const struct suite_args *a, const char *name);
/* The words of a->words that b takes, into argv (argv[0] = b's name);
 * how many. */
int suite_args_for(const struct suite_args *a, const struct benchmark *b, char **argv, int max);

void suite_usage(FILE *out, const struct benchmark *const *table);

/* One benchmark of the suite. */
struct suite_item {
	const struct benchmark *b;
	void *ctx;
	struct run_options o;
	char *argv[SUITE_ARGS_MAX + 1];
	int argc;
	double estimate_default_s;   /* with its defaults */
	double estimate_s;           /* as sized */
	double took_s;
	int exit_code;
	const char *state;           /* "not run", "done", "failed", "interrupted", "skipped" */
	char folder[NAME_MAX + 1];   /* its results folder, in the suite's; "" when none */
};

struct suite_plan {
	struct suite_item item[SUITE_MAX];
	int n;
	double budget_s;
};

/* The chosen benchmarks in summary_rank order (table order among equals),
 * each with its options parsed and its defaults sized to its share of the
 * budget (never above its own defaults).  Any option a benchmark refuses
 * fails the plan before anything runs. */
int suite_plan_make(struct suite_plan *p, const struct suite_args *a, const struct benchmark *const *table,
		    bench_error *err);
void suite_plan_free(struct suite_plan *p);
/* The sum of the estimates from item `from` on. */
double suite_plan_remaining_s(const struct suite_plan *p, int from);

/* For a descriptor's fit_budget: the seconds one start-and-stop of a
 * runner takes on a host like this one (a VM boots in seconds, under TCG
 * in several), and how many of that runner's starts fit budget_s when each
 * also costs extra_s, at least min and at most max. */
double suite_start_s(const char *runner);
/* Does runner's workload run under emulation here: a guest kernel without
 * a usable /dev/kvm (QEMU's TCG), where compute, memory and I/O take many
 * times as long as on the host? */
bool suite_emulated(const char *runner);
int suite_fit_count(double budget_s, double each_s, int min, int max);
/* A schedule's seconds with o (each runner's runs and warm-ups, each a
 * start and extra_s of work); and, unless --runs was given, the share of
 * each runner's default runs (o->runs_scale) that fits budget_s. */
double suite_schedule_estimate(const struct run_options *o, double extra_s);
void suite_fit_runs(struct run_options *o, double budget_s, double extra_s);

int cmd_run_all(int argc, char **argv, const struct benchmark *const *table);

#endif
