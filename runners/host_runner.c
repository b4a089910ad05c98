/* The host runner: the agent as a plain process (vfork+exec, as posix_spawn
 * does it).  It is the floor every other runner is compared with, and the
 * positive control: no isolation at all.
 *
 * Plain, but on a leash: the agent leads a process group of its own and,
 * as root where a cgroup v2 hierarchy is mounted (also the empty one of a
 * hybrid host), is born in a cgroup of its own (no controllers, no limits:
 * nothing that changes what is measured).  When the instance ends the group
 * and the cgroup are killed, so nothing the workload started outlives it,
 * not even a daemon that setsid()s.  Making the cgroup is bench's
 * bookkeeping, not part of starting a plain process: it is done before the
 * launch clock starts. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/clock.h"
#include "../lib/process.h"
#include "../lib/run_id.h"
#include "host_leash.h"
#include "host_spawn.h"
#include "record_stream.h"
#include "runner.h"
#include "workload_exit.h"

struct host_runner {
	struct cg_layout leash;  /* a v2 mount without controllers; version 0:
				    no cgroups here (not root, no v2 mount) */
	bool parent_made;
	int devnull;
};

struct host_instance {
	struct child child;
	int out;                 /* read end of the agent's stdout */
	struct record_stream rs;
	struct cgroup cg;        /* cg.created when it has one */
	uint64_t t_spawned_ns;
};

static void host_finish(struct runner *r);

static int host_prepare(struct runner *r, bench_error *err)
{
	struct host_runner *hr;

	if (access(r->cfg->agent_path, X_OK) != 0)
		return bench_fail(err, errno, "host: agent %s", r->cfg->agent_path);
	hr = calloc(1, sizeof(*hr));
	if (!hr)
		return bench_fail(err, errno, "host: calloc");
	r->priv = hr;
	hr->devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (hr->devnull < 0) {
		bench_fail(err, errno, "host: open /dev/null");
		host_finish(r);
		return -1;
	}
	/* Without root or a v2 mount the process group is the leash. */
	if (host_leash_layout(&hr->leash)) {
		if (cg_parent_prepare(&hr->leash, err) < 0) {
			bench_error_prefix(err, "host");
			host_finish(r);
			return -1;
		}
		hr->parent_made = true;
	}
	return 0;
}

static int host_launch(struct runner *r, struct instance *in, bench_error *err)
{
	struct host_runner *hr = r->priv;
	struct host_instance *h;
	struct host_spawn_spec spec;
	const char *argv[RUNNER_TASK_ARGS_MAX + 4];
	char disk_arg[4200];
	int pipefd[2], pidfd, argc = 0;
	bool born_in_cgroup;
	pid_t pid;

	h = calloc(1, sizeof(*h));
	if (!h)
		return bench_fail(err, errno, "host: calloc");
	h->out = -1;
	h->child.pidfd = -1;
	h->cg.v2_dirfd = -1;
	for (int c = 0; c < CG_NCONTROLLERS; c++)
		h->cg.procs_fd[c] = -1;
	in->priv = h;
	if (hr->leash.version == 2) {
		static const struct cg_limits none;
		char name[64];

		run_id_object_name(r->cfg->run_id, in->seq, name, sizeof(name));
		strncat(name, "-host", sizeof(name) - strlen(name) - 1);
		if (cg_create(&h->cg, &hr->leash, name, &none, err) < 0)
			return bench_error_prefix(err, "host");
	}
	in->t_launch_ns = clock_now_ns();
	if (pipe2(pipefd, O_CLOEXEC) != 0)
		return bench_fail(err, errno, "host: pipe");
	h->out = pipefd[0];
	record_stream_init(&h->rs, h->out, CHANNEL_STRICT);
	argv[argc++] = r->cfg->agent_path;
	argv[argc++] = in->task.name;
	for (int i = 0; i < in->task.nargs && i < RUNNER_TASK_ARGS_MAX; i++)
		argv[argc++] = in->task.args[i];
	/* The disk is the host's file itself. */
	if (in->task.disk) {
		if ((size_t)snprintf(disk_arg, sizeof(disk_arg), "disk=%s", in->task.disk) >= sizeof(disk_arg))
			return bench_fail(err, ENAMETOOLONG, "host: disk path");
		argv[argc++] = disk_arg;
	}
	argv[argc] = NULL;
	spec = (struct host_spawn_spec){
		.path = r->cfg->agent_path,
		.argv = argv,
		.stdin_fd = hr->devnull,
		.stdout_fd = pipefd[1],
		.cgroup_dirfd = h->cg.created ? h->cg.v2_dirfd : -1,
	};
	if (host_spawn(&spec, &pid, &pidfd, &born_in_cgroup, err) < 0) {
		close(pipefd[1]);
		return bench_error_prefix(err, "host");
	}
	close(pipefd[1]);
	h->t_spawned_ns = clock_now_ns();
	h->child = (struct child){ .pid = pid, .pidfd = pidfd, .pgid = pid };
	in->host_pid = pid;
	instance_add_phase(in, "spawn", h->t_spawned_ns - in->t_launch_ns);
	/* A kernel without CLONE_INTO_CGROUP: moved in after the fact. */
	if (h->cg.created && !born_in_cgroup && cg_attach(&h->cg, pid, err) < 0)
		return bench_error_prefix(err, "host");
	return 0;
}

static int host_wait_ready(struct runner *r, struct instance *in, bench_error *err)
{
	struct host_instance *h = in->priv;
	uint64_t deadline = in->t_launch_ns + (uint64_t)r->cfg->timeout_ms * 1000000u;

	if (record_stream_next(&h->rs, deadline, &in->ready, err) != RECORD_STREAM_OK)
		return bench_error_prefix(err, "host: waiting for READY (timeout %d ms)", r->cfg->timeout_ms);
	in->t_ready_ns = h->rs.t_record_ns;
	if (record_check_ready(&in->ready, err) < 0)
		return bench_error_prefix(err, "host");
	instance_add_phase(in, "ready", in->t_ready_ns - h->t_spawned_ns);
	return 0;
}

static int host_collect(struct runner *r, struct instance *in, struct agent_record *rec, int timeout_ms,
			bench_error *err)
{
	struct host_instance *h = in->priv;

	(void)r;
	if (record_stream_next(&h->rs, clock_now_ns() + (uint64_t)timeout_ms * 1000000u, rec, err) !=
	    RECORD_STREAM_OK)
		return bench_error_prefix(err, "host");
	return 0;
}

/* Whatever the workload left in its cgroup (its process group went with
 * it: child_wait and child_kill kill that). */
static int kill_leftovers(struct host_instance *h, bench_error *err)
{
	return h->cg.created ? cg_destroy(&h->cg, err) : 0;
}

static int host_stop(struct runner *r, struct instance *in, bench_error *err)
{
	struct host_instance *h = in->priv;

	/* Its process group goes with it (child_wait kills that), and whatever
	 * it left in its cgroup with the cgroup. */
	if (workload_stop(in, &h->child, h->cg.created ? &h->cg : NULL, h->rs.saw_done, r->cfg->timeout_ms, err) < 0)
		return bench_error_prefix(err, "host");
	return 0;
}

static void host_destroy(struct runner *r, struct instance *in)
{
	struct host_instance *h = in->priv;

	(void)r;
	if (!h)
		return;
	child_kill(&h->child);
	kill_leftovers(h, NULL);
	if (h->out >= 0)
		close(h->out);
	free(h);
	in->priv = NULL;
}

static void host_finish(struct runner *r)
{
	struct host_runner *hr = r->priv;

	if (!hr)
		return;
	if (hr->parent_made)
		cg_parent_release(&hr->leash);
	if (hr->devnull >= 0)
		close(hr->devnull);
	free(hr);
	r->priv = NULL;
}

const struct runner_ops host_runner_ops = {
	.name = "host",
	.summary = "the agent as a plain process (posix_spawn): the floor and the control",
	.cleanup = host_cleanup,
	.caps = RUNNER_CAP_BASELINE | RUNNER_CAP_HOST_PIDS | RUNNER_CAP_HOST_DISK | RUNNER_CAP_DISK,
	.prepare = host_prepare,
	.launch = host_launch,
	.wait_ready = host_wait_ready,
	.collect = host_collect,
	.stop = host_stop,
	.destroy = host_destroy,
	.finish = host_finish,
};
