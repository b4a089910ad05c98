/* One launch storm: N idle agents of one runner started at once, measured
 * while all are idle, then stopped at once.
 *
 * Launches are issued one after another from this thread, as fast as the
 * runner returns (a VM's launch returns once QEMU runs, so the guests boot
 * side by side); READY is then awaited from each in turn, which costs
 * nothing when it has already arrived.  Stopping waits until an instance is
 * gone, so the stops run in one thread each: the storm's teardown is
 * parallel too, as a cluster tears down many pods or VMs at once. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "../lib/clock.h"
#include "../lib/interrupt.h"
#include "density.h"

/* Lets an idle agent settle after READY before it is measured. */
#define SETTLE_MS 200

static double kib_to_mib(uint64_t kib)
{
	return (double)kib / 1024.0;
}

static int add(struct results *res, const char *runner, const char *metric, const char *unit, double v,
	       bench_error *err)
{
	struct series *s = results_series(res, runner, metric, unit, err);

	return s && series_add(s, v, err) == 0 ? 0 : -1;
}

/* What one idle instance costs the host, into the results. */
static int measure(struct runner *r, const struct proc_table *t, const struct instance *in, struct results *res,
		   bench_error *err)
{
	const char *name = r->ops->name;
	struct proc_usage u;

	/* A runner may give no host process (a remote guest, a sandbox whose
	 * pid it could not tell): its cgroup and the host's memory still
	 * measure it. */
	if (in->host_pid > 0) {
		if (proc_tree_usage(t, in->host_pid, &u, err) < 0)
			return bench_error_prefix(err, "%s: measuring instance %u", name, in->seq);
		if (add(res, name, "mem.pss", "MiB", kib_to_mib(u.mem.pss_kib), err) < 0 ||
		    add(res, name, "mem.rss", "MiB", kib_to_mib(u.mem.rss_kib), err) < 0 ||
		    add(res, name, "proc.processes", "count", u.processes, err) < 0 ||
		    add(res, name, "proc.threads", "count", u.threads, err) < 0)
			return -1;
	}
	if (runner_has(r->ops, RUNNER_CAP_CGROUP) && r->ops->cgroup_memory) {
		uint64_t bytes = 0;

		if (r->ops->cgroup_memory(r, in, &bytes, err) < 0 ||
		    add(res, name, "mem.cgroup", "MiB", (double)bytes / (1024.0 * 1024.0), err) < 0)
			return -1;
	}
	return 0;
}

struct stop_job {
	struct runner *r;
	struct instance *in;
	int rc;
	bench_error err;
	pthread_t thread;
	bool started;
};

static void *stop_thread(void *arg)
{
	struct stop_job *j = arg;

	j->rc = j->r->ops->stop(j->r, j->in, &j->err);
	return NULL;
}

/* Stops every instance at once; the first failure goes to *err. */
static int stop_all(struct runner *r, struct instance *ins, unsigned n, bench_error *err)
{
	struct stop_job *jobs = calloc(n, sizeof(*jobs));
	int rc = 0;

	if (!jobs)
		return bench_fail(err, ENOMEM, "density: stopping");
	for (unsigned i = 0; i < n; i++) {
		jobs[i] = (struct stop_job){ .r = r, .in = &ins[i] };
		if (pthread_create(&jobs[i].thread, NULL, stop_thread, &jobs[i]) == 0) {
			jobs[i].started = true;
		} else {
			/* No thread to spare: stop it from here. */
			stop_thread(&jobs[i]);
		}
	}
	for (unsigned i = 0; i < n; i++) {
		if (jobs[i].started)
			pthread_join(jobs[i].thread, NULL);
		if (jobs[i].rc < 0 && rc == 0) {
			*err = jobs[i].err;
			rc = -1;
		}
	}
	free(jobs);
	return rc;
}

/* A storm out of file descriptors met the host's limit, not a fault of
 * the runner: the message says which limit, and what to do. */
static void explain_fd_limit(bench_error *err)
{
	struct rlimit rl;
	size_t len = strlen(err->msg);

	if (err->errnum != EMFILE || getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	snprintf(err->msg + len, sizeof(err->msg) - len, " (ulimit -n is %llu: raise it, or lower --storm-max)",
		 (unsigned long long)rl.rlim_cur);
}

int density_storm(struct runner *r, unsigned n, unsigned seq0, struct results *res, struct storm_result *out,
		  bench_error *err)
{
	const struct runner_ops *ops = r->ops;
	struct instance *ins = calloc(n, sizeof(*ins));
	struct proc_table table = { 0 };
	unsigned launched = 0;
	uint64_t t0, t_ready, t_stop, t_gone = 0, avail_before = 0, avail_after = 0;
	int rc = 0;

	if (!ins)
		return bench_fail(err, ENOMEM, "density: %u instances", n);
	memset(out, 0, sizeof(*out));
	out->n = n;
	if (density_mem_available_kib(&avail_before, err) < 0) {
		free(ins);
		return -1;
	}
	t0 = clock_now_ns();
	for (; launched < n && rc == 0; launched++) {
		instance_init(&ins[launched], r, seq0 + launched, BENCH_TASK_IDLE);
		rc = interrupt_check(err);
		if (rc == 0)
			rc = ops->launch(r, &ins[launched], err);
	}
	for (unsigned i = 0; i < launched && rc == 0; i++) {
		rc = interrupt_check(err);
		if (rc == 0)
			rc = ops->wait_ready(r, &ins[i], err);
	}
	t_ready = clock_now_ns();
	if (rc == 0) {
		struct timespec settle = { 0, SETTLE_MS * 1000000L };

		out->ready_ms = ns_to_ms(t_ready - t0);
		nanosleep(&settle, NULL);
		/* Instances on another machine cost this host nothing it could
		 * measure (density.c says so in the results). */
		if (!r->remote)
			rc = density_mem_available_kib(&avail_after, err);
		/* The host's memory may also grow meanwhile: then 0, not a
		 * negative cost. */
		if (rc == 0 && !r->remote)
			rc = add(res, r->ops->name, "mem.host", "MiB",
				 avail_before > avail_after ? kib_to_mib(avail_before - avail_after) / n : 0.0, err);
		if (rc == 0 && !r->remote)
			rc = proc_table_load(&table, err);
		for (unsigned i = 0; i < n && rc == 0 && !r->remote; i++)
			rc = measure(r, &table, &ins[i], res, err);
		proc_table_free(&table);
	}
	if (rc == 0) {
		t_stop = clock_now_ns();
		rc = stop_all(r, ins, n, err);
		for (unsigned i = 0; i < n && rc == 0; i++)
			if (ins[i].t_gone_ns > t_gone)
				t_gone = ins[i].t_gone_ns;
		if (rc == 0)
			out->gone_ms = ns_to_ms(t_gone - t_stop);
	}
	for (unsigned i = 0; i < launched; i++)
		runner_destroy(r, &ins[i]);
	free(ins);
	if (rc < 0) {
		explain_fd_limit(err);
		return bench_error_prefix(err, "%s: storm of %u", ops->name, n);
	}
	return 0;
}
