/* ready and idle: announce READY with the agent's own view of the world. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "../agent_protocol.h"
#include "emit.h"
#include "tasks.h"

static unsigned long long clock_ns(clockid_t id)
{
	struct timespec ts;

	if (clock_gettime(id, &ts) != 0)
		return 0;
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

/* The inode of a namespace ("uts:[4026531838]" -> 4026531838), 0 when
 * /proc/self/ns cannot be read (no /proc mounted yet, say). */
static unsigned long long ns_inode(const char *name)
{
	char path[64], link[64];
	ssize_t n;
	const char *open_br;

	snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return 0;
	link[n] = '\0';
	open_br = strchr(link, '[');
	return open_br ? strtoull(open_br + 1, NULL, 10) : 0;
}

int agent_ready(int out, const char *task)
{
	struct utsname uts;
	struct emit e;
	static const char *const namespaces[] = { "uts", "pid", "mnt" };

	/* Timestamps first: they say when the agent was ready, not when it
	 * finished describing itself. */
	unsigned long long mono = clock_ns(CLOCK_MONOTONIC);
	unsigned long long boot = clock_ns(CLOCK_BOOTTIME);

	if (uname(&uts) != 0)
		memset(&uts, 0, sizeof(uts));
	emit_begin(&e, BENCH_REC_READY);
	emit_str(&e, "task", task);
	emit_u64(&e, "pid", (unsigned long long)getpid());
	emit_u64(&e, "ppid", (unsigned long long)getppid());
	emit_str(&e, "hostname", uts.nodename);
	emit_str(&e, "kernel", uts.release);
	emit_u64(&e, "mono_ns", mono);
	emit_u64(&e, "boot_ns", boot);
	for (size_t i = 0; i < sizeof(namespaces) / sizeof(namespaces[0]); i++) {
		unsigned long long ino = ns_inode(namespaces[i]);
		char key[16];

		if (ino == 0)
			continue;
		snprintf(key, sizeof(key), "%sns", namespaces[i]);
		emit_u64(&e, key, ino);
	}
	return emit_end(&e, out);
}

int task_ready(struct task_ctx *ctx)
{
	return agent_ready(ctx->out, BENCH_TASK_READY) == 0 ? 0 : 1;
}

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

/* Reads the stop channel; returns 1 when a STOP line arrived, 0 when not
 * yet, -1 when the channel has ended (stop listening to it). */
static int read_stop_line(int fd, char *buf, size_t *len, size_t cap)
{
	ssize_t n = read(fd, buf + *len, cap - *len);

	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -1;
	if (n == 0)
		return -1;
	*len += (size_t)n;
	if (memmem(buf, *len, "STOP", 4))
		return 1;
	if (*len == cap) /* keep the tail, in case "STOP" straddles reads */
		memmove(buf, buf + cap - 4, 4), *len = 4;
	return 0;
}

int task_idle(struct task_ctx *ctx)
{
	struct sigaction sa;
	struct emit e;
	char buf[256];
	size_t len = 0;
	int in = ctx->in;
	const char *reason = "stop-line";

	/* A handler is needed: as PID 1 of a namespace the agent would
	 * otherwise ignore SIGTERM. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (agent_ready(ctx->out, BENCH_TASK_IDLE) != 0)
		return 1;
	while (!stop_signal) {
		struct pollfd p = { .fd = in, .events = POLLIN };
		int r;

		if (in < 0) {
			pause();
			continue;
		}
		if (poll(&p, 1, -1) < 0)
			continue;
		r = read_stop_line(in, buf, &len, sizeof(buf));
		if (r == 1)
			break;
		if (r < 0)
			in = -1;
	}
	if (stop_signal)
		reason = stop_signal == SIGTERM ? "SIGTERM" : "SIGINT";
	emit_begin(&e, BENCH_REC_STOPPING);
	emit_str(&e, "reason", reason);
	emit_end(&e, ctx->out);
	return 0;
}
