/* The noisy neighbour: a victim measured in windows alone, then beside each
 * aggressor started as a sibling instance of the same runner on the same
 * CPUs.  Per window, the victim's slowdown in percent against its median
 * rate alone (the Isolation Benchmark Suite's measure).  Aggressors are
 * bounded by their instance's limits (cgroup, VM size) and by time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/clock.h"
#include "../lib/interrupt.h"
#include "harness/progress.h"
#include "harness/schedule.h"
#include "../lib/run_id.h"
#include "harness/stats.h"
#include "isolation.h"

#define NOISY_MAX 8
/* A VM aggressor must boot before it hurts anyone. */
#define NOISY_BOOT_ALLOWANCE_MS 20000

struct noisy {
	struct runner r;
	struct run_config cfg;
	const struct iso_noisy_opts *no;
	int window_ms;
	unsigned seq;
	char label[48];
	struct results *res;
};

static int split(const char *list, const char *const *known, int nknown, const char *out[NOISY_MAX],
		 bench_error *err)
{
	int n = 0;

	if (!list)
		list = "";
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");
		int found = -1;

		for (int k = 0; k < nknown; k++)
			if (strlen(known[k]) == len && strncmp(known[k], p, len) == 0)
				found = k;
		if (found < 0)
			return bench_fail_usage(err, "noisy neighbour: unknown kind '%.*s'", (int)len, p);
		if (n < NOISY_MAX)
			out[n++] = known[found];
		p += len;
		if (*p == ',')
			p++;
	}
	return n;
}

/* One window of the victim: its rate in ops/s; also how long the wait
 * was, to tell windows that had queued up from fresh ones. */
static int read_window(struct noisy *ny, struct instance *v, double *rate, uint64_t *waited_ns, bench_error *err)
{
	struct agent_record rec;
	uint64_t t0 = clock_now_ns(), ops, ns;

	if (interrupt_check(err) < 0)
		return -1;
	if (ny->r.ops->collect(&ny->r, v, &rec, ny->window_ms * 4 + 10000, err) < 0)
		return bench_error_prefix(err, "noisy neighbour: victim");
	*waited_ns = clock_now_ns() - t0;
	if (strcmp(rec.type, BENCH_REC_DATA) != 0)
		return bench_fail(err, 0, "noisy neighbour: the victim sent %s instead of a window", rec.type);
	if (record_get_u64(&rec, "ops", &ops, err) < 0 || record_get_u64(&rec, "ns", &ns, err) < 0)
		return bench_error_prefix(err, "noisy neighbour: victim window");
	if (ns == 0)
		return bench_fail(err, 0, "noisy neighbour: a victim window of 0 ns");
	*rate = (double)ops / ((double)ns / 1e9);
	return 0;
}

/* Skips windows that queued up while the aggressor started, and the one
 * that straddles its start. */
static int resync(struct noisy *ny, struct instance *v, bench_error *err)
{
	double rate = 0.0;
	uint64_t waited = 0;

	for (int i = 0; i < 1000; i++) {
		if (read_window(ny, v, &rate, &waited, err) < 0)
			return -1;
		if (waited >= (uint64_t)ny->window_ms * 1000000u / 4)
			return 0;
	}
	return bench_fail(err, 0, "noisy neighbour: the victim never caught up");
}

static int add_samples(struct noisy *ny, const char *metric, const char *unit, const double *v, int n,
		       bench_error *err)
{
	struct series *s = results_series(ny->res, ny->label, metric, unit, err);

	for (int i = 0; s && i < n; i++)
		if (series_add(s, v[i], err) < 0)
			return -1;
	return s ? 0 : -1;
}

static void start_args(struct noisy *ny, struct instance *in, char buf[][64], const char *kind, long max_ms)
{
	int n = 0;

	in->task.args[n++] = kind;
	snprintf(buf[0], 64, "max_ms=%ld", max_ms);
	in->task.args[n++] = buf[0];
	snprintf(buf[1], 64, "window_ms=%d", ny->window_ms);
	in->task.args[n++] = buf[1];
	/* What bounds an aggressor that has no cgroup (the host runner), and
	 * keeps a container's below its limit: the limit decides. */
	snprintf(buf[2], 64, "mib=%u", ny->cfg.memory_mib * 3 / 4);
	in->task.args[n++] = buf[2];
	/* A fork bomb in a cgroup asks for more than its pids.max: the
	 * cgroup's limit is what stops it. */
	snprintf(buf[3], 64, "procs=%u",
		 runner_has(ny->r.ops, RUNNER_CAP_CGROUP) ? ny->cfg.pids_max * 4 : ny->cfg.pids_max);
	in->task.args[n++] = buf[3];
	if (!runner_has(ny->r.ops, RUNNER_CAP_LIMITS)) {
		/* Nothing pins an unconfined instance but the agent itself. */
		snprintf(buf[4], 64, "pin=%ld", ny->cfg.cpus[0] ? strtol(ny->cfg.cpus, NULL, 10) : 0L);
		in->task.args[n++] = buf[4];
	}
	if (runner_has(ny->r.ops, RUNNER_CAP_HOST_DISK)) {
		snprintf(buf[5], 64, "path=/var/tmp/" RUN_ID_PREFIX "%s-disk", ny->cfg.run_id);
		in->task.args[n++] = buf[5];
	}
	in->task.nargs = n;
}

static int start(struct noisy *ny, struct instance *in, const char *task, const char *kind, long max_ms,
		 char buf[][64], bench_error *err)
{
	instance_init(in, &ny->r, ny->seq++, task);
	start_args(ny, in, buf, kind, max_ms);
	if (ny->r.ops->launch(&ny->r, in, err) < 0 || ny->r.ops->wait_ready(&ny->r, in, err) < 0)
		return -1;
	return 0;
}

static void end(struct noisy *ny, struct instance *in)
{
	bench_error ignored;

	ny->r.ops->stop(&ny->r, in, &ignored);
	runner_destroy(&ny->r, in);
}

static int one_victim(struct noisy *ny, const char *victim, const char *const *aggressors, int naggr,
		      struct progress *bar, bench_error *err)
{
	struct instance v;
	char vbuf[6][64], metric[64];
	double alone[100] = { 0 }, with[100] = { 0 }, median;
	struct stats st;
	uint64_t waited = 0;
	int k = ny->no->windows;
	long max_ms = (long)ny->window_ms * (k + 4) * (naggr + 2) + (long)naggr * NOISY_BOOT_ALLOWANCE_MS;

	if (start(ny, &v, BENCH_TASK_VICTIM, victim, max_ms, vbuf, err) < 0) {
		runner_destroy(&ny->r, &v);
		return bench_error_prefix(err, "noisy neighbour: victim %s", victim);
	}
	/* The first window warms caches and clocks up. */
	for (int i = 0; i <= k; i++)
		if (read_window(ny, &v, &alone[i > 0 ? i - 1 : 0], &waited, err) < 0)
			goto fail;
	snprintf(metric, sizeof(metric), "noisy.%s.alone", victim);
	if (add_samples(ny, metric, "ops/s", alone, k, err) < 0)
		goto fail;
	stats_compute(alone, (size_t)k, &st);
	median = st.median;
	progress_tick(bar, 0);
	for (int a = 0; a < naggr; a++) {
		struct instance ag;
		char abuf[6][64];
		bench_error aerr = { 0 };

		if (strcmp(aggressors[a], "disk") == 0 && !runner_has(ny->r.ops, RUNNER_CAP_HOST_DISK)) {
			/* A container's root is read-only and a guest's is in
			 * memory: no disk to hurt. */
			results_meta_note(ny->res->meta,
					  "Noisy neighbour: the disk aggressor runs on the host runner only (no writable "
					  "disk in a container's or guest's root).");
			progress_tick(bar, 0);
			continue;
		}
		if (start(ny, &ag, BENCH_TASK_AGGRESSOR, aggressors[a],
			  (long)ny->window_ms * (k + 4) + NOISY_BOOT_ALLOWANCE_MS, abuf, &aerr) < 0) {
			runner_destroy(&ny->r, &ag);
			if (interrupt_check(err) < 0)
				goto fail;
			results_meta_note(ny->res->meta, "Noisy neighbour: %s could not start the %s aggressor: %s.",
					  ny->label, aggressors[a], aerr.msg);
			progress_tick(bar, 0);
			continue;
		}
		if (resync(ny, &v, err) < 0) {
			end(ny, &ag);
			goto fail;
		}
		for (int i = 0; i < k; i++) {
			double rate = 0.0;

			if (read_window(ny, &v, &rate, &waited, err) < 0) {
				end(ny, &ag);
				goto fail;
			}
			with[i] = (1.0 - rate / median) * 100.0;
		}
		end(ny, &ag);
		snprintf(metric, sizeof(metric), "noisy.%s.%s", victim, aggressors[a]);
		if (add_samples(ny, metric, "%", with, k, err) < 0 || resync(ny, &v, err) < 0)
			goto fail;
		progress_tick(bar, 0);
	}
	end(ny, &v);
	return 0;
fail:
	runner_destroy(&ny->r, &v);
	return -1;
}

int iso_noisy_run(const struct run_options *opts, const struct iso_noisy_opts *no, const char *agent,
		  const char *run_id, const char *runner, const char *profile, struct results *res, FILE *log,
		  bench_error *err)
{
	static const char *const victim_kinds[] = { "cpu", "mem", "syscall" };
	static const char *const aggr_kinds[] = { "cpu", "mem", "fork", "cache", "disk" };
	const char *victims[NOISY_MAX] = { 0 }, *aggressors[NOISY_MAX] = { 0 };
	struct noisy ny = { .no = no, .res = res, .seq = 100 };
	struct progress bar;
	int nv, na, rc = 0;

	(void)log;
	nv = split(no->victims ? no->victims : "cpu,mem,syscall", victim_kinds, 3, victims, err);
	na = split(no->aggressors ? no->aggressors : "cpu,mem,fork,cache,disk", aggr_kinds, 5, aggressors, err);
	if (nv < 0 || na < 0)
		return -1;
	ny.r.ops = runner_find(runner);
	if (!ny.r.ops)
		return bench_fail_usage(err, "unknown runner '%s'", runner);
	ny.cfg = run_config_from_options(opts, agent, run_id, profile);
	ny.r.cfg = &ny.cfg;
	/* A guest's victim is slow (TCG here): it gets windows of its own. */
	ny.window_ms = runner_has(ny.r.ops, RUNNER_CAP_GUEST_KERNEL) ? no->vm_window_ms : no->window_ms;
	if (no->windows > 100)
		return bench_fail_usage(err, "noisy neighbour: at most 100 windows");
	iso_runner_label(runner, profile, ny.label, sizeof(ny.label));
	if (ny.r.ops->prepare(&ny.r, err) < 0)
		return -1;
	progress_start(&bar, ny.label, (size_t)(nv * (na + 1)), !opts->quiet);
	for (int i = 0; i < nv && rc == 0; i++)
		rc = one_victim(&ny, victims[i], aggressors, na, &bar, err);
	progress_done(&bar);
	runner_finish(&ny.r);
	return rc;
}
