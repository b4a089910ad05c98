#include "agent_util.h"

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "../../lib/agent_protocol.h"
#include "emit.h"

const char *util_arg(const struct task_ctx *ctx, const char *key)
{
	size_t klen = strlen(key);

	for (int i = 0; i < ctx->argc; i++)
		if (strncmp(ctx->argv[i], key, klen) == 0 && ctx->argv[i][klen] == '=')
			return ctx->argv[i] + klen + 1;
	return NULL;
}

long util_arg_long(const struct task_ctx *ctx, const char *key, long lo, long hi, long def)
{
	const char *v = util_arg(ctx, key);
	char *end;
	long n;

	if (!v)
		return def;
	n = strtol(v, &end, 10);
	return *v && !*end && n >= lo && n <= hi ? n : def;
}

unsigned long long util_clock_ns(clockid_t id)
{
	struct timespec ts;

	if (clock_gettime(id, &ts) != 0)
		return 0;
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

unsigned long long util_now_ns(void)
{
	return util_clock_ns(CLOCK_MONOTONIC);
}

static volatile sig_atomic_t stop_signal;
static bool restored_told;

static void on_stop(int sig)
{
	stop_signal = sig;
}

void util_stop_install(void)
{
	struct sigaction sa;

	/* As PID 1 of a namespace the agent would ignore SIGTERM without a
	 * handler. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

bool util_stop_requested(struct task_ctx *ctx)
{
	char buf[64];
	struct pollfd p = { .fd = ctx->in, .events = POLLIN };
	ssize_t n;

	if (stop_signal)
		return true;
	if (ctx->in < 0 || poll(&p, 1, 0) <= 0)
		return false;
	n = read(ctx->in, buf, sizeof(buf));
	if (n <= 0) {
		if (n == 0 || (errno != EINTR && errno != EAGAIN))
			ctx->in = -1; /* /dev/null or closed: nothing will come */
		return false;
	}
	if (memmem(buf, (size_t)n, "RESTORED", 8) != NULL)
		restored_told = true;
	return memmem(buf, (size_t)n, "STOP", 4) != NULL;
}

bool util_stop_signalled(void)
{
	return stop_signal != 0;
}

const char *util_stop_wait(struct task_ctx *ctx)
{
	sigset_t block, wait_mask;

	/* The signals stay blocked except inside ppoll, so one that comes
	 * between the check and the wait cannot be missed. */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &wait_mask);
	sigdelset(&wait_mask, SIGTERM);
	sigdelset(&wait_mask, SIGINT);
	restored_told = false;
	while (!util_stop_requested(ctx) && !restored_told) {
		struct pollfd p = { .fd = ctx->in, .events = POLLIN };

		/* Nothing more can come on a closed input: only a signal. */
		ppoll(&p, ctx->in >= 0 ? 1 : 0, NULL, &wait_mask);
	}
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	if (stop_signal)
		return stop_signal == SIGTERM ? "SIGTERM" : "SIGINT";
	if (restored_told)
		return "restored";
	return "stop-line";
}

void util_pin(long cpu)
{
	cpu_set_t set;

	if (cpu < 0 || cpu >= CPU_SETSIZE)
		return;
	CPU_ZERO(&set);
	CPU_SET((int)cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

void util_sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR && !stop_signal)
		;
}
