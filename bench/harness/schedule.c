#include "schedule.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../lib/clock.h"
#include "../../lib/interrupt.h"
#include "progress.h"

struct run_config run_config_from_options(const struct run_options *o, const char *agent, const char *run_id,
					  const char *profile)
{
	struct run_config cfg = {
		.agent_path = agent,
		.run_id = run_id,
		.ncpus = o->ncpus,
		.memory_mib = o->memory_mib,
		.pids_max = o->pids_max,
		.timeout_ms = o->timeout_ms,
		.libvirt_uri = o->libvirt_uri,
		.accel = o->accel,
		.vm_machine = o->vm_machine,
		.vm_start = o->vm_start,
		.guest_kernel = o->guest_kernel,
		.gvisor_platform = o->gvisor_platform,
		.oci_lifecycle = o->oci_lifecycle,
		.profile = profile,
	};

	snprintf(cfg.cpus, sizeof(cfg.cpus), "%s", o->cpus);
	return cfg;
}

int schedule_runs_for(const struct run_options *opts, const struct runner_ops *ops)
{
	int runs = ops->default_runs ? (int)ops->default_runs : OPTIONS_DEFAULT_RUNS;

	if (opts->runs > 0)
		return opts->runs;
	if (opts->runs_scale > 0 && opts->runs_scale < 1) {
		int scaled = (int)(runs * opts->runs_scale + 0.5);

		/* Two runs still show whether a start varies. */
		runs = scaled < 2 ? (runs < 2 ? runs : 2) : scaled;
	}
	return runs;
}

int schedule_warmup_for(const struct run_options *opts, const struct runner_ops *ops)
{
	if (opts->warmup >= 0)
		return opts->warmup;
	/* One warm-up is enough where one start takes seconds. */
	return ops->default_runs ? 1 : OPTIONS_DEFAULT_WARMUP;
}

/* --interval: idle before a run, outside every measurement, so that what
 * the kernel keeps warm between back-to-back starts (caches, cgroup locks)
 * has gone cold.  Ctrl-C cuts it short. */
static void pause_between_runs(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (!bench_interrupted && nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* One instance from launch to gone.  destroy runs whatever happened. */
static int run_one(struct schedule *s, struct runner *r, struct instance *in, bool measured, bench_error *err)
{
	const struct runner_ops *ops = r->ops;
	int rc = ops->launch(r, in, err);

	if (rc == 0)
		rc = ops->wait_ready(r, in, err);
	if (rc == 0 && s->after_ready)
		rc = s->after_ready(s->ctx, r, in, measured, s->res, err);
	if (rc == 0)
		rc = ops->stop(r, in, err);
	runner_destroy(r, in);
	return rc;
}

static int run_runner(struct schedule *s, const struct runner_ops *ops, const struct run_config *cfg,
		      bench_error *err)
{
	struct runner r = { .ops = ops, .cfg = cfg };
	int runs = schedule_runs_for(s->opts, ops);
	int warmup = schedule_warmup_for(s->opts, ops);
	struct progress bar;
	int rc = 0;

	if (ops->prepare(&r, err) < 0)
		return -1;
	if (ops->describe)
		ops->describe(&r, s->res->meta);
	results_record_runner_caps(s->res, ops);
	progress_start(&bar, ops->name, (size_t)(warmup + runs), !s->opts->quiet);
	for (int i = 0; i < warmup + runs && rc == 0; i++) {
		struct instance in;

		if (s->opts->interval_ms > 0)
			pause_between_runs(s->opts->interval_ms);
		if (s->before_launch && s->before_launch(s->ctx, i, err) < 0) {
			rc = -1;
			break;
		}
		instance_init(&in, &r, (unsigned)i, s->task);
		in.task.nargs = s->task_nargs;
		memcpy(in.task.args, s->task_args, sizeof(in.task.args));
		in.task.disk = s->task_disk;
		rc = interrupt_check(err);
		if (rc == 0)
			rc = run_one(s, &r, &in, i >= warmup, err);
		if (rc == 0 && i >= warmup && s->record)
			rc = s->record(s->ctx, &r, &in, s->res, err);
		if (rc == 0)
			progress_tick(&bar, ns_to_ms(in.t_ready_ns - in.t_launch_ns));
	}
	progress_done(&bar);
	runner_finish(&r);
	return rc;
}

int schedule_run(struct schedule *s, bench_error *err)
{
	struct run_config cfg = run_config_from_options(s->opts, s->agent_path, s->run_id, s->profile);

	cfg.net = s->net;
	/* Fail before the first sample rather than after the host runner's. */
	for (int i = 0; i < s->opts->nrunners; i++) {
		const struct runner_ops *ops = runner_find(s->opts->runners[i]);

		if (ops && ops->needs_root && geteuid() != 0)
			return bench_fail(err, 0, "the %s runner needs root (run as root, or choose --runners host)",
					  ops->name);
	}
	for (int i = 0; i < s->opts->nrunners; i++) {
		const struct runner_ops *ops = runner_find(s->opts->runners[i]);

		if (!ops)
			return bench_fail_usage(err, "unknown runner '%s'", s->opts->runners[i]);
		if (run_runner(s, ops, &cfg, err) < 0)
			return -1;
	}
	return 0;
}
