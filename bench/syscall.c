/* bench run syscall: what one system call costs on the host, in a
 * container and in a VM, with the agent pinned to the same processing unit
 * in each.  The agent times the calls in batches and reports every batch
 * (bench/agent/syscall_calls.h); this side collects the batches after
 * READY, turns them into ns per call, and explains the ratios. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "harness/benchmark.h"
#include "harness/run_output.h"
#include "harness/schedule.h"
#include "harness/session.h"
#include "harness/suite.h"
#include "syscall.h"
#include "syscall_data.h"
#include "syscall_report.h"
#include "workload.h"

/* Agent runs per runner: each one already times every call batches times,
 * so a few fresh processes (or guests) are enough to see run-to-run
 * spread; the agent warms up inside, so no unmeasured run is needed. */
#define SYSCALL_DEFAULT_RUNS 3
#define SYSCALL_DEFAULT_WARMUP 0
#define SYSCALL_DEFAULT_BATCHES 50
/* The longest argument the vm runner passes as a kernel parameter. */
#define SYSCALL_ARG_MAX 63

struct syscall_bench {
	bool wanted[SYSCALL_NCALLS];
	unsigned batches;
	uint64_t batch_size;        /* 0: auto */
	unsigned pu;                /* the host PU every runner's agent runs on */
	int timeout_ms;
	char arg_calls[SYSCALL_NCALLS][SYSCALL_ARG_MAX + 1], arg_batches[32], arg_size[48], arg_cpu[32];
	struct syscall_runner_info info[OPTIONS_RUNNERS_MAX];
	int ninfo;
};

/* ---- options ------------------------------------------------------------ */

static int set_calls(void *ctx, const char *value, bench_error *err)
{
	struct syscall_bench *b = ctx;
	char buf[160], *save = NULL;
	int n = 0;

	if (strlen(value) >= sizeof(buf))
		return bench_fail_usage(err, "--calls: the list is too long");
	memcpy(buf, value, strlen(value) + 1);
	memset(b->wanted, 0, sizeof(b->wanted));
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int c = syscall_call_find(tok);

		if (c < 0) {
			char known[200] = "";

			for (int i = 0; i < SYSCALL_NCALLS; i++)
				snprintf(known + strlen(known), sizeof(known) - strlen(known), "%s%s", i ? ", " : "",
					 syscall_call_names[i]);
			return bench_fail_usage(err, "--calls: unknown call '%s' (known: %s)", tok, known);
		}
		if (b->wanted[c])
			return bench_fail_usage(err, "--calls: '%s' is named twice", tok);
		b->wanted[c] = true;
		n++;
	}
	if (n == 0)
		return bench_fail_usage(err, "--calls: the list is empty");
	return 0;
}

static int set_batches(void *ctx, const char *value, bench_error *err)
{
	struct syscall_bench *b = ctx;
	unsigned long long v = 0;

	if (workload_parse_count("--batches", value, SYSCALL_BATCHES_MAX, &v, err) < 0)
		return -1;
	b->batches = (unsigned)v;
	return 0;
}

static int set_batch_size(void *ctx, const char *value, bench_error *err)
{
	struct syscall_bench *b = ctx;
	unsigned long long v = 0;

	if (strcmp(value, "auto") == 0) {
		b->batch_size = 0;
		return 0;
	}
	if (workload_parse_count("--batch-size", value, SYSCALL_BATCH_SIZE_MAX, &v, err) < 0)
		return -1;
	b->batch_size = v;
	return 0;
}

static const struct bench_option syscall_options[] = {
	{ "calls", "LIST", "calls to time (default: all): gethostname, uname, getpid, getppid, clock_gettime, "
			   "read_zero, open_close, sched_yield", set_calls },
	{ "batches", "N", "measured batches per call and agent run (default 50)", set_batches },
	{ "batch-size", "N|auto", "calls per batch (default auto: about 2 ms a batch)", set_batch_size },
	{ NULL, NULL, NULL, NULL },
};

/* ---- collecting --------------------------------------------------------- */

static int collect_syscall(void *ctx, struct runner *r, struct instance *in, bool measured, struct results *res,
			   bench_error *err)
{
	struct syscall_bench *b = ctx;
	struct syscall_runner_info *info = &b->info[b->ninfo - 1];
	const char *kernel = record_get(&in->ready, "kernel");

	syscall_runner_info_next_instance(info);
	if (kernel)
		snprintf(info->kernel, sizeof(info->kernel), "%.64s", kernel);
	for (;;) {
		struct agent_record rec;
		struct syscall_data data;
		int st;

		if (r->ops->collect(r, in, &rec, b->timeout_ms, err) < 0)
			return bench_error_prefix(err, "syscall: collecting the batches");
		st = syscall_data_apply(info, b->wanted, b->batches, &rec, &data, err);
		if (st < 0)
			return bench_error_prefix(err, "%s", r->ops->name);
		if (st == 1)
			return 0;
		if (data.kind != SYSCALL_DATA_BATCH || !measured)
			continue;
		{
			char metric[48];
			struct series *s;

			syscall_metric(data.batch.call, metric, sizeof(metric));
			s = results_series(res, r->ops->name, metric, "ns", err);
			if (!s)
				return -1;
			for (int k = 0; k < data.batch.n; k++)
				if (series_add(s, data.batch.ns_per_call[k], err) < 0)
					return -1;
		}
	}
}

/* The task's arguments for one runner: one word each of at most 63
 * characters, for the kernel command line of a VM (so a long call list
 * goes as several --calls=).  The VM's agent pins itself to vCPU 0, which
 * the vm runner pins to the chosen PU (the run's only CPU). */
static void task_args(struct syscall_bench *b, const char *runner, struct schedule *s)
{
	int n = 0, nlists = 0;

	for (int c = 0; c < SYSCALL_NCALLS; c++) {
		char *list = b->arg_calls[nlists > 0 ? nlists - 1 : 0];
		size_t len = strlen(list), add = strlen(syscall_call_names[c]) + 1;

		if (!b->wanted[c])
			continue;
		if (nlists == 0 || len + add > SYSCALL_ARG_MAX) {
			list = b->arg_calls[nlists++];
			snprintf(list, sizeof(b->arg_calls[0]), "--calls=");
			len = strlen(list);
		}
		snprintf(list + len, sizeof(b->arg_calls[0]) - len, "%s%s", list[len - 1] == '=' ? "" : ",",
			 syscall_call_names[c]);
	}
	for (int i = 0; i < nlists; i++)
		s->task_args[n++] = b->arg_calls[i];
	snprintf(b->arg_batches, sizeof(b->arg_batches), "--batches=%u", b->batches);
	if (b->batch_size)
		snprintf(b->arg_size, sizeof(b->arg_size), "--batch-size=%llu", (unsigned long long)b->batch_size);
	else
		snprintf(b->arg_size, sizeof(b->arg_size), "--batch-size=auto");
	/* A guest numbers its own vCPUs from 0, pinned to b->pu on the host. */
	snprintf(b->arg_cpu, sizeof(b->arg_cpu), "--cpu=%u",
		 runner_has(runner_find(runner), RUNNER_CAP_GUEST_KERNEL) ? 0 : b->pu);
	s->task_args[n++] = b->arg_batches;
	s->task_args[n++] = b->arg_size;
	s->task_args[n++] = b->arg_cpu;
	s->task_nargs = n;
}

/* Each runner is its own schedule, so that each gets its own --cpu. */
static int run_all(struct syscall_bench *b, const struct run_options *opts, const char *agent,
		   const char *run_id, struct results *res, bench_error *err)
{
	for (int i = 0; i < opts->nrunners; i++) {
		struct run_options one = *opts;
		struct schedule s = {
			.opts = &one, .agent_path = agent, .run_id = run_id, .task = BENCH_TASK_SYSCALL,
			.res = res, .after_ready = collect_syscall, .ctx = b,
		};
		struct syscall_runner_info *info = &b->info[b->ninfo++];

		memset(info, 0, sizeof(*info));
		snprintf(info->runner, sizeof(info->runner), "%s", opts->runners[i]);
		one.runners[0] = opts->runners[i];
		one.nrunners = 1;
		task_args(b, opts->runners[i], &s);
		if (schedule_run(&s, err) < 0)
			return -1;
	}
	return 0;
}

/* The table of medians and ratios, after the common summary. */
static void print_table(void *ctx, FILE *out)
{
	syscall_report_print(ctx, out);
}

static void init_syscall(void *ctx)
{
	struct syscall_bench *b = ctx;

	for (int c = 0; c < SYSCALL_NCALLS; c++)
		b->wanted[c] = true;
	b->batches = SYSCALL_DEFAULT_BATCHES;
}

static int prepare_syscall(void *ctx, struct run_options *o, bench_error *err)
{
	struct syscall_bench *b = ctx;

	if (o->runs < 0)
		o->runs = SYSCALL_DEFAULT_RUNS;
	if (o->warmup < 0)
		o->warmup = SYSCALL_DEFAULT_WARMUP;
	b->timeout_ms = o->timeout_ms;
	if (workload_first_pu(o->cpus, &b->pu, err) < 0)
		return -1;
	/* Every runner gets that one PU: the container's cpuset, the VM's
	 * single vCPU and its QEMU threads. */
	snprintf(o->cpus, sizeof(o->cpus), "%u", b->pu);
	o->ncpus = 1;
	return 0;
}

static int run_syscall(void *ctx, const struct run_options *o, struct session *ss, bench_error *err)
{
	struct syscall_bench *b = ctx;

	json_object_set_new(ss->res.meta, "pinned_pu", json_integer(b->pu));
	return run_all(b, o, ss->agent, ss->run_id, &ss->res, err);
}

static bool finish_syscall(void *ctx, const struct run_options *o, struct session *ss,
			   struct run_output_hooks *hooks)
{
	struct syscall_bench *b = ctx;
	struct utsname uts;
	bench_error err = { 0 };

	(void)o;
	if (!run_output_has_samples(&ss->res))
		return false;
	if (uname(&uts) != 0)
		memset(&uts, 0, sizeof(uts));
	session_check(ss, syscall_report_ratios(&ss->res, b->info, b->ninfo, &err), &err);
	syscall_report_explain(&ss->res, b->info, b->ninfo, uts.release);
	hooks->ctx = &ss->res;
	hooks->print = print_table;
	return true;
}

#define STR_(x) #x
#define STR(x) STR_(x)

/* A run: a start, then the batches (about half a second of calls). */
#define SYSCALL_RUN_WORK_S 0.5

static double fit_syscall(void *ctx, struct run_options *o, double budget_s)
{
	struct run_options e = *o;

	(void)ctx;
	if (e.runs < 0)
		e.runs = SYSCALL_DEFAULT_RUNS;
	if (e.warmup < 0)
		e.warmup = SYSCALL_DEFAULT_WARMUP;
	/* One count for every runner: the most runs that fit, at least one. */
	if (budget_s > 0 && o->runs < 0) {
		for (e.runs = SYSCALL_DEFAULT_RUNS; e.runs > 1; e.runs--)
			if (suite_schedule_estimate(&e, SYSCALL_RUN_WORK_S) <= budget_s)
				break;
		o->runs = e.runs;
	}
	return suite_schedule_estimate(&e, SYSCALL_RUN_WORK_S);
}

const struct benchmark benchmark_syscall = {
	.name = "syscall",
	.summary = "the cost of a system call on the host, in a container and in a VM",
	.help = "The cost of one system call (ns) on the host, in a container and in a VM,\n"
		"the agent pinned to the same processing unit (the first of --cpus).  Each\n"
		"agent run times every call in batches after a warm-up; the samples are the\n"
		"batches' ns per call.  Default: " STR(SYSCALL_DEFAULT_RUNS) " runs per runner and no unmeasured run\n"
		"(the agent warms up itself).\n\n",
	.options = syscall_options,
	.ctx_size = sizeof(struct syscall_bench),
	.init = init_syscall,
	.prepare = prepare_syscall,
	.run = run_syscall,
	.finish = finish_syscall,
	.plot = plot_syscall,
	.legend = "`syscall.<call>` is the time of one call, from batches timed as a whole.  ",
	.report_table = syscall_section_table,
	.report_summary = syscall_section_summary,
	.summary_rank = 30,
	.fit_budget = fit_syscall,
	.fleet_metrics = "syscall.getpid,syscall.gethostname,syscall.open_close,syscall.clock_gettime",
};
