/* The host runner: the agent as a plain process (posix_spawn, which is
 * vfork+exec in glibc).  It is the floor every other runner is compared
 * with, and the positive control: no isolation at all. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/clock.h"
#include "../lib/process.h"
#include "runner.h"

extern char **environ;

struct host_instance {
	struct child child;
	int out;                 /* read end of the agent's stdout */
	struct line_reader lr;
	uint64_t t_spawned_ns;
};

static int host_prepare(struct runner *r, bench_error *err)
{
	if (access(r->cfg->agent_path, X_OK) != 0)
		return bench_fail(err, errno, "host: agent %s", r->cfg->agent_path);
	return 0;
}

static int host_launch(struct runner *r, struct instance *in, bench_error *err)
{
	struct host_instance *h;
	posix_spawn_file_actions_t fa;
	const char *argv[RUNNER_TASK_ARGS_MAX + 3];
	int pipefd[2];
	pid_t pid;
	int rc, argc = 0;

	in->t_launch_ns = clock_now_ns();
	h = calloc(1, sizeof(*h));
	if (!h)
		return bench_fail(err, errno, "host: calloc");
	h->out = -1;
	h->child.pidfd = -1;
	in->priv = h;
	line_reader_init(&h->lr);
	if (pipe2(pipefd, O_CLOEXEC) != 0)
		return bench_fail(err, errno, "host: pipe");
	h->out = pipefd[0];
	argv[argc++] = r->cfg->agent_path;
	argv[argc++] = in->task.name;
	for (int i = 0; i < in->task.nargs && i < RUNNER_TASK_ARGS_MAX; i++)
		argv[argc++] = in->task.args[i];
	argv[argc] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
	rc = posix_spawn(&pid, r->cfg->agent_path, &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	if (rc != 0)
		return bench_fail(err, rc, "host: starting %s", r->cfg->agent_path);
	h->t_spawned_ns = clock_now_ns();
	in->host_pid = pid;
	instance_add_phase(in, "spawn", h->t_spawned_ns - in->t_launch_ns);
	if (child_track(&h->child, pid, err) < 0) {
		h->child.pid = pid; /* still ours to kill */
		return bench_error_prefix(err, "host");
	}
	return 0;
}

static int host_wait_ready(struct runner *r, struct instance *in, bench_error *err)
{
	struct host_instance *h = in->priv;
	uint64_t deadline = in->t_launch_ns + (uint64_t)r->cfg->timeout_ms * 1000000u;

	if (record_read(h->out, &h->lr, CHANNEL_STRICT, deadline, &in->ready, err) < 0)
		return bench_error_prefix(err, "host: waiting for READY (timeout %d ms)", r->cfg->timeout_ms);
	in->t_ready_ns = clock_now_ns();
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
	if (record_read(h->out, &h->lr, CHANNEL_STRICT, clock_now_ns() + (uint64_t)timeout_ms * 1000000u, rec,
			err) < 0)
		return bench_error_prefix(err, "host");
	return 0;
}

static int host_stop(struct runner *r, struct instance *in, bench_error *err)
{
	struct host_instance *h = in->priv;

	/* A ready agent ends by itself: its exit is part of what is timed. */
	if (h->child.pid > 0 && !task_ends_by_itself(&in->task))
		kill(h->child.pid, SIGTERM);
	if (child_wait(&h->child, clock_now_ns() + (uint64_t)r->cfg->timeout_ms * 1000000u, err) < 0)
		return bench_error_prefix(err, "host: stopping the agent");
	in->t_gone_ns = clock_now_ns();
	return 0;
}

static void host_destroy(struct runner *r, struct instance *in)
{
	struct host_instance *h = in->priv;

	(void)r;
	if (!h)
		return;
	child_kill(&h->child);
	if (h->out >= 0)
		close(h->out);
	free(h);
	in->priv = NULL;
}

static void host_finish(struct runner *r)
{
	(void)r;
}

const struct runner_ops host_runner_ops = {
	.name = "host",
	.summary = "the agent as a plain process (posix_spawn): the floor and the control",
	.caps = RUNNER_CAP_BASELINE | RUNNER_CAP_HOST_PIDS | RUNNER_CAP_HOST_DISK,
	.prepare = host_prepare,
	.launch = host_launch,
	.wait_ready = host_wait_ready,
	.collect = host_collect,
	.stop = host_stop,
	.destroy = host_destroy,
	.finish = host_finish,
};
