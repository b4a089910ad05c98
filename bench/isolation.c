/* bench run isolation: what leaks between a workload and the host, in both
 * directions, and how much a noisy neighbour hurts.
 *
 *  1. The probe task reads every channel inside each runner; the harness
 *     reads the same channels on the host at the same moment and gives each
 *     a verdict (isolation_verdict.c).  The host runner is the positive
 *     control: all it can read must leak, or the probe is broken.
 *  2. Meanwhile the host counts what its /proc shows of the workload.
 *  3. The container runs with each profile asked for (plain, hardened).
 *  4. The noisy neighbour: a victim's slowdown beside an aggressor in a
 *     sibling instance on the same CPUs (isolation_noisy.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/benchmark.h"
#include "harness/run_output.h"
#include "harness/schedule.h"
#include "harness/session.h"
#include "harness/suite.h"
#include "isolation.h"

struct iso_flags {
	const char *profile;       /* "plain", "hardened", "both" */
	bool skip_noisy;
	int pause_ms, burst_ms;
	struct iso_noisy_opts noisy;
};

static int parse_ms(const char *value, int lo, int hi, int *out, const char *what, bench_error *err)
{
	char *end;
	long v = strtol(value, &end, 10);

	if (!*value || *end || v < lo || v > hi)
		return bench_fail_usage(err, "%s must be a whole number from %d to %d, not '%s'", what, lo, hi, value);
	*out = (int)v;
	return 0;
}

static int set_profile(void *ctx, const char *v, bench_error *err)
{
	struct iso_flags *f = ctx;

	if (strcmp(v, "plain") != 0 && strcmp(v, "hardened") != 0 && strcmp(v, "both") != 0)
		return bench_fail_usage(err, "--profile takes plain, hardened or both, not '%s'", v);
	f->profile = v;
	return 0;
}

static int set_skip_noisy(void *ctx, const char *v, bench_error *err)
{
	(void)v;
	(void)err;
	((struct iso_flags *)ctx)->skip_noisy = true;
	return 0;
}

static int set_pause(void *ctx, const char *v, bench_error *err)
{
	return parse_ms(v, 100, 10000, &((struct iso_flags *)ctx)->pause_ms, "--probe-pause-ms", err);
}

static int set_window(void *ctx, const char *v, bench_error *err)
{
	return parse_ms(v, 20, 10000, &((struct iso_flags *)ctx)->noisy.window_ms, "--noisy-window-ms", err);
}

static int set_vm_window(void *ctx, const char *v, bench_error *err)
{
	return parse_ms(v, 20, 10000, &((struct iso_flags *)ctx)->noisy.vm_window_ms, "--noisy-vm-window-ms", err);
}

static int set_windows(void *ctx, const char *v, bench_error *err)
{
	return parse_ms(v, 2, 100, &((struct iso_flags *)ctx)->noisy.windows, "--noisy-windows", err);
}

static int set_victims(void *ctx, const char *v, bench_error *err)
{
	(void)err;
	((struct iso_flags *)ctx)->noisy.victims = v;
	return 0;
}

static int set_aggressors(void *ctx, const char *v, bench_error *err)
{
	(void)err;
	((struct iso_flags *)ctx)->noisy.aggressors = v;
	return 0;
}

static const struct bench_option iso_options[] = {
	{ "profile", "P", "container hardening: plain, hardened or both (default both)", set_profile },
	{ "skip-noisy", NULL, "leave out the noisy-neighbour measurements", set_skip_noisy },
	{ "probe-pause-ms", "MS", "the probe's pause, with a host burst in it (default 800)", set_pause },
	{ "noisy-window-ms", "MS", "one victim measurement window (default 250)", set_window },
	{ "noisy-vm-window-ms", "MS", "a VM victim's window (default 1000: TCG is slow)", set_vm_window },
	{ "noisy-windows", "N", "windows per measurement, alone and beside each aggressor (default 5)",
	  set_windows },
	{ "victims", "LIST", "victims: cpu,mem,syscall (default all)", set_victims },
	{ "aggressors", "LIST", "aggressors: cpu,mem,fork,cache,disk (default all)", set_aggressors },
	{ NULL, NULL, NULL, NULL },
};

/* The profiles a runner is probed with: only a runner that takes them. */
static int profiles_for(const char *runner, const char *flag, const char *out[2])
{
	if (!runner_has(runner_find(runner), RUNNER_CAP_PROFILES)) {
		out[0] = NULL;
		return 1;
	}
	if (strcmp(flag, "both") == 0) {
		out[0] = "plain";
		out[1] = "hardened";
		return 2;
	}
	out[0] = flag;
	return 1;
}

static int probe_runner(const struct run_options *opts, struct iso_run *run, const char *agent, const char *run_id,
			const char *runner, const char *profile, struct results *res, bench_error *err)
{
	struct run_options po = *opts;
	const struct runner_ops *ops = runner_find(runner);
	bool limited = runner_has(ops, RUNNER_CAP_LIMITS);
	char pause[32], marker[64], lock[64];
	struct schedule s = {
		.opts = &po, .agent_path = agent, .run_id = run_id, .profile = profile,
		.task = BENCH_TASK_PROBE, .res = res, .after_ready = iso_probe_after_ready, .ctx = run,
	};

	po.runners[0] = runner;
	po.nrunners = 1;
	po.runs = 1;
	po.warmup = 0;
	snprintf(pause, sizeof(pause), "pause=%d", run->pause_ms);
	s.task_args[s.task_nargs++] = pause;
	if (run->markers.kmsg[0]) {
		snprintf(marker, sizeof(marker), "marker=%s", run->markers.kmsg);
		s.task_args[s.task_nargs++] = marker;
	}
	snprintf(lock, sizeof(lock), "lock=%s", run->markers.lock);
	s.task_args[s.task_nargs++] = lock;
	run->profile = profile;
	/* A runner without limits (the host's) confines nothing. */
	run->cx.mem_limit_kib = limited ? (unsigned long long)opts->memory_mib * 1024 : 0;
	run->cx.cpus_given = limited ? opts->ncpus : 0;
	if (schedule_run(&s, err) < 0)
		return -1;
	/* The baseline is the positive control: it must see every channel. */
	if (runner_has(ops, RUNNER_CAP_BASELINE) && run->nprobes > 0) {
		char msg[200];

		if (iso_control_check(&run->probes[run->nprobes - 1], msg, sizeof(msg)) > 0)
			snprintf(run->control_msg, sizeof(run->control_msg),
				 "on the %s runner these channels did not leak: %s", runner, msg);
	}
	return 0;
}

static int run_all(const struct run_options *opts, const struct iso_flags *fl, struct iso_run *run,
		   const char *agent, const char *run_id, struct results *res, bench_error *err)
{
	for (int i = 0; i < opts->nrunners; i++) {
		const char *profiles[2];
		int np = profiles_for(opts->runners[i], fl->profile, profiles);

		for (int k = 0; k < np; k++)
			if (probe_runner(opts, run, agent, run_id, opts->runners[i], profiles[k], res, err) < 0)
				return -1;
	}
	if (fl->skip_noisy)
		return 0;
	for (int i = 0; i < opts->nrunners; i++) {
		const char *profiles[2];
		int np = profiles_for(opts->runners[i], fl->profile, profiles);

		for (int k = 0; k < np; k++)
			if (iso_noisy_run(opts, &fl->noisy, agent, run_id, opts->runners[i], profiles[k], res,
					  opts->quiet ? NULL : stderr, err) < 0)
				return -1;
	}
	return 0;
}

/* The options' set() take this as a struct iso_flags: it comes first. */
struct iso_cmd {
	struct iso_flags fl;
	struct iso_run run;
};

static void init_isolation(void *ctx)
{
	struct iso_cmd *c = ctx;

	c->fl = (struct iso_flags){
		.profile = "both", .pause_ms = 800, .burst_ms = 0,
		.noisy = { .window_ms = 250, .windows = 5, .vm_window_ms = 1000 },
	};
}

static int prepare_isolation(void *ctx, struct run_options *o, bench_error *err)
{
	struct iso_cmd *c = ctx;

	if (o->runs > 0)
		c->fl.noisy.windows = o->runs;
	if (!o->cpus_given && sysconf(_SC_NPROCESSORS_ONLN) > 1 &&
	    cpulist_parse("0", o->cpus, sizeof(o->cpus), &o->ncpus, err) < 0) {
		err->exit_code = BENCH_EXIT_FAIL;
		return -1;
	}
	c->run.pause_ms = c->fl.pause_ms;
	/* The burst must end before the agent's second read. */
	c->run.burst_ms = c->fl.pause_ms * 2 / 5;
	return 0;
}

static int run_isolation(void *ctx, const struct run_options *o, struct session *ss, bench_error *err)
{
	struct iso_cmd *c = ctx;
	int rc;

	json_object_set_new(ss->res.meta, "isolation_profile", json_string(c->fl.profile));
	rc = iso_markers_plant(&c->run.markers, ss->run_id, err);
	if (rc == 0) {
		rc = run_all(o, &c->fl, &c->run, ss->agent, ss->run_id, &ss->res, err);
		iso_markers_remove(&c->run.markers);
	}
	return rc;
}

static bool finish_isolation(void *ctx, const struct run_options *o, struct session *ss,
			     struct run_output_hooks *hooks)
{
	struct iso_cmd *c = ctx;
	bench_error err = { 0 };

	(void)o;
	if (c->run.control_msg[0])
		results_meta_note(ss->res.meta, "The probe is broken: %s.", c->run.control_msg);
	if (session_check(ss, iso_results_add(&c->run, &ss->res, &err), &err) < 0)
		return false;
	iso_output_hooks(&c->run, hooks);
	return c->run.nprobes > 0 || ss->res.nseries > 0;
}

/* A probe that fails its positive control measured nothing worth
 * trusting. */
static int verdict_isolation(void *ctx, bench_error *err)
{
	const struct iso_cmd *c = ctx;

	if (c->run.control_msg[0])
		return bench_fail(err, 0, "the probe is broken: %s", c->run.control_msg);
	return 0;
}

static int list_len(const char *list, int all)
{
	int n = 1;

	if (!list || !*list)
		return all;
	for (; *list; list++)
		n += *list == ',';
	return n;
}

/* The probes (one start and the pause each), then per runner and profile
 * the noisy neighbour: for each victim, a start and windows + 1 windows
 * alone, and per aggressor a start and as many windows again. */
static double iso_estimate(const struct iso_cmd *c, const struct run_options *o)
{
	const struct iso_noisy_opts *no = &c->fl.noisy;
	int nv = list_len(no->victims, 3), na = list_len(no->aggressors, 5);
	int windows = o->runs > 0 ? o->runs : no->windows;
	double s = 0;

	for (int i = 0; i < o->nrunners; i++) {
		const char *profiles[2];
		int np = profiles_for(o->runners[i], c->fl.profile, profiles);
		bool vm = runner_has(runner_find(o->runners[i]), RUNNER_CAP_GUEST_KERNEL);
		double start = suite_start_s(o->runners[i]), w = (vm ? no->vm_window_ms : no->window_ms) / 1000.0;

		s += np * (start + c->fl.pause_ms / 1000.0);
		/* An aggressor starts on the victim's CPU, sharing it: its
		 * start takes about twice as long; a window that queued up
		 * meanwhile is dropped and read again. */
		if (!c->fl.skip_noisy)
			s += np * nv * (start + (windows + 1) * w + na * (2 * start + (windows + 1) * w));
	}
	return s;
}

/* Fewer windows first, then fewer victims and aggressors, and at last no
 * noisy neighbour: the probes are the point of the benchmark. */
static double fit_isolation(void *ctx, struct run_options *o, double budget_s)
{
	static const struct {
		int windows;
		const char *victims, *aggressors;
	} steps[] = {
		{ 3, NULL, NULL }, { 3, NULL, "cpu,mem,fork" }, { 2, NULL, "cpu,mem,fork" },
		{ 2, "cpu,mem", "cpu,mem" }, { 2, "cpu", "cpu,mem" }, { 2, "cpu", "cpu" },
	};
	struct iso_cmd *c = ctx;

	if (budget_s <= 0 || iso_estimate(c, o) <= budget_s)
		return iso_estimate(c, o);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		c->fl.noisy.windows = steps[i].windows;
		c->fl.noisy.victims = steps[i].victims;
		c->fl.noisy.aggressors = steps[i].aggressors;
		if (iso_estimate(c, o) <= budget_s)
			return iso_estimate(c, o);
	}
	c->fl.skip_noisy = true;
	return iso_estimate(c, o);
}

const struct benchmark benchmark_isolation = {
	.name = "isolation",
	.summary = "what leaks between workload and host, and noisy neighbours",
	.help = "What a workload learns about the host, channel by channel (isolated, leaks,\n"
		"host_coupled, unavailable), what the host sees of it, with the container's\n"
		"plain and hardened profiles; and a victim's slowdown beside a noisy neighbour.\n"
		"Without --cpus, every instance gets CPU 0 (so that limits show, and the\n"
		"neighbours share it).\n\n",
	.options = iso_options,
	.ctx_size = sizeof(struct iso_cmd),
	.init = init_isolation,
	.prepare = prepare_isolation,
	.run = run_isolation,
	.finish = finish_isolation,
	.verdict = verdict_isolation,
	.plot = plot_isolation,
	.report_table = isolation_report_table,
	.report_summary = isolation_report_summary,
	.summary_rank = 40,
	.fit_budget = fit_isolation,
};
