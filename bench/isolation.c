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

#include "harness/schedule.h"
#include "harness/session.h"
#include "benchmarks.h"
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

/* Whether --cpus was on the command line (the parsed list is normalised,
 * so an empty one cannot tell). */
static void usage(void)
{
	printf("usage: bench run isolation [options]\n\n"
	       "What a workload learns about the host, channel by channel (isolated, leaks,\n"
	       "host_coupled, unavailable), what the host sees of it, with the container's\n"
	       "plain and hardened profiles; and a victim's slowdown beside a noisy neighbour.\n"
	       "Without --cpus, every instance gets CPU 0 (so that limits show, and the\n"
	       "neighbours share it).\n\n");
	run_options_usage(stdout, iso_options);
}

int cmd_run_isolation(int argc, char **argv, int full_argc, char **full_argv)
{
	struct iso_flags fl = {
		.profile = "both", .pause_ms = 800, .burst_ms = 0,
		.noisy = { .window_ms = 250, .windows = 5, .vm_window_ms = 1000 },
	};
	struct run_options opts;
	struct session ss;
	static struct iso_run run; /* large; one per process */
	bench_error err = { 0 };
	int rc;

	if (run_options_parse(argc, argv, &opts, iso_options, &fl, &err) < 0) {
		bench_error_print(&err);
		return err.exit_code;
	}
	if (opts.help) {
		usage();
		return 0;
	}
	if (opts.runs > 0)
		fl.noisy.windows = opts.runs;
	if (!opts.cpus_given && sysconf(_SC_NPROCESSORS_ONLN) > 1 &&
	    cpulist_parse("0", opts.cpus, sizeof(opts.cpus), &opts.ncpus, &err) < 0) {
		bench_error_print(&err);
		return BENCH_EXIT_FAIL;
	}
	memset(&run, 0, sizeof(run));
	run.pause_ms = fl.pause_ms;
	/* The burst must end before the agent's second read. */
	run.burst_ms = fl.pause_ms * 2 / 5;
	rc = session_begin(&ss, "isolation", full_argc, full_argv);
	if (rc != 0)
		return rc;
	json_object_set_new(ss.res.meta, "isolation_profile", json_string(fl.profile));
	rc = iso_markers_plant(&run.markers, ss.run_id, &err);
	if (rc == 0) {
		rc = run_all(&opts, &fl, &run, ss.agent, ss.run_id, &ss.res, &err);
		iso_markers_remove(&run.markers);
	}
	session_check(&ss, rc, &err);
	if (run.control_msg[0])
		results_meta_note(ss.res.meta, "The probe is broken: %s.", run.control_msg);
	/* What was measured before a failure or Ctrl-C is kept. */
	{
		bench_error werr = { 0 };

		if (session_check(&ss, iso_results_add(&run, &ss.res, &werr), &werr) == 0 &&
		    (run.nprobes > 0 || ss.res.nseries > 0))
			session_check(&ss, iso_output_write(&opts, &run, &ss.res, &werr), &werr);
	}
	rc = session_finish(&ss);
	/* A probe that fails its positive control measured nothing worth
	 * trusting; it said so on stderr. */
	return rc == 0 && run.control_msg[0] ? BENCH_EXIT_FAIL : rc;
}
