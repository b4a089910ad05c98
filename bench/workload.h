/* What bench run cpu and bench run memory share: a workload benchmark runs
 * one agent task (bench/agent/workload_run.c) in every runner, each agent
 * timing its kernels in batches on the first CPU of --cpus and on one thread
 * per CPU; this side collects the batches, turns them into figures (GB/s,
 * GFLOP/s, ns per access), takes ratios to the host with an interval,
 * records what each workload saw (CPU model and flags, huge pages, cgroup
 * throttling) and explains it.  A benchmark's context begins with a
 * struct workload_bench, so the shared options can set it. */
#ifndef BENCH_WORKLOAD_H
#define BENCH_WORKLOAD_H

#include <stdio.h>

#include "harness/benchmark.h"
#include "harness/run_output.h"
#include "harness/session.h"
#include "workload_data.h"

#define WORKLOAD_SIZE_ARGS_MAX 4
/* The longest argument the vm runner passes as a kernel parameter. */
#define WORKLOAD_ARG_MAX 63

struct workload_bench {
	const char *task;                     /* BENCH_TASK_CPU, ... */
	const char *prefix;                   /* "cpu": metrics "cpu.<kernel>.<1t|all>" */
	unsigned batches, target_ms;          /* 0: the defaults */
	bool quick;
	unsigned pu;                          /* the first CPU of --cpus */
	int timeout_ms;
	/* The benchmark's own sizes ("--array-bytes=N"), the same for every
	 * runner so that the figures compare. */
	char size_args[WORKLOAD_SIZE_ARGS_MAX][WORKLOAD_ARG_MAX + 1];
	int nsize_args;
	char args[8][160];                    /* a VM gets only short ones */
	unsigned runner_batches;              /* of the runner being run */
	struct workload_runner_info info[OPTIONS_RUNNERS_MAX];
	int ninfo;
};

/* --batches, --quick, --target-ms; NULL-terminated. */
extern const struct bench_option workload_options[];

/* The first processing unit of a CPU list ("" = every allowed one). */
int workload_first_pu(const char *cpus, unsigned *pu, bench_error *err);

/* A whole number from 1 to max, for an option named opt. */
int workload_parse_count(const char *opt, const char *value, unsigned long long max, unsigned long long *out,
			 bench_error *err);

/* The benchmark's prepare: the first PU, the timeout. */
int workload_prepare(struct workload_bench *w, struct run_options *o, bench_error *err);

/* The benchmark's run: each runner its own schedule. */
int workload_run(struct workload_bench *w, const struct run_options *o, struct session *ss, bench_error *err);

/* The benchmark's finish: ratios, what each runner saw, notes; the table
 * for the terminal. */
bool workload_finish(struct workload_bench *w, const struct run_options *o, struct session *ss,
		     struct run_output_hooks *hooks);

/* What one agent run of a workload benchmark costs, for `bench run all`. */
struct workload_cost {
	unsigned kernels_both;   /* kernels measured on one thread and on one per CPU */
	unsigned kernels_one;    /* kernels measured on one thread only */
	/* Under emulation (TCG) a repetition outlasts a batch: the seconds
	 * of one batch of every kernel, and of the run's own set-up. */
	double emulated_round_s, emulated_setup_s;
	/* Elsewhere a batch lasts --target-ms, but for kernels whose one
	 * repetition is longer: their extra seconds per batch of all. */
	double native_round_extra_s;
};

/* The seconds w's runs take with o as they are (the descriptor's
 * fit_budget with budget_s 0); with budget_s > 0, first fewer runs (o->runs,
 * unless given) and batches (w->batches), down to --quick's, until they fit
 * it. */
double workload_fit_budget(struct workload_bench *w, struct run_options *o, double budget_s,
			   const struct workload_cost *c);

/* Median and ratio table of a prefix's series, for the terminal. */
void workload_print(const struct results *res, const char *prefix, FILE *out);

#endif
