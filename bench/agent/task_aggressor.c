/* The aggressor of the noisy-neighbour measurement: hogs one resource
 * until told to stop or until its time is up, whichever comes first.  The
 * limits of its container or VM bound it; where there are none (the host
 * runner) its own bounds do.
 *
 *   bench-agent aggressor KIND max_ms=M [mib=N] [procs=N] [path=P] [pin=CPU]
 *
 * KIND: cpu (a spinner per CPU it may use), mem (touches N MiB over and
 * over), fork (a fork bomb: every process forks until fork fails or procs
 * processes exist, then waits), cache (writes a 48 MiB buffer line by
 * line), disk (4 KiB writes and fsync to a file at P, removed at the end).
 * Set-up happens before READY, so a refusal is an ERROR, not a READY.  At
 * the end: DATA forked=/errno= (fork), then DONE. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../lib/agent_protocol.h"
#include "emit.h"
#include "agent_util.h"
#include "tasks.h"

#define CACHE_BYTES (48u << 20)
#define SPINNERS_MAX 8

/* Shared between the aggressor and every process it forks. */
struct shared {
	atomic_int stop;
	atomic_long forked;
	atomic_int first_errno;
};

static volatile unsigned long long sink;

/* A forked helper: exits when told or when its time is up, and with its
 * parent. */
static void helper_start(void)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
}

static bool helper_done(struct shared *sh, unsigned long long end)
{
	return atomic_load(&sh->stop) || util_now_ns() >= end;
}

static __attribute__((noreturn)) void spinner(struct shared *sh, unsigned long long end)
{
	unsigned long long x = 1;

	helper_start();
	while (!helper_done(sh, end))
		for (int i = 0; i < 100000; i++)
			x = x * 6364136223846793005ull + 1;
	sink = x;
	_exit(0);
}

/* Every process of the bomb forks until it cannot, then waits. */
static __attribute__((noreturn)) void bomb(struct shared *sh, unsigned long long end, long procs)
{
	helper_start();
	while (!helper_done(sh, end)) {
		pid_t p;

		/* A place is taken before the fork, so that racing
		 * processes cannot overshoot the bound together. */
		if (atomic_fetch_add(&sh->forked, 1) >= procs) {
			atomic_fetch_sub(&sh->forked, 1);
			util_sleep_ms(10);
			continue;
		}
		p = fork();
		if (p == 0) {
			helper_start();
			continue;
		}
		if (p < 0) {
			int expected = 0;

			atomic_fetch_sub(&sh->forked, 1);
			atomic_compare_exchange_strong(&sh->first_errno, &expected, errno);
			util_sleep_ms(10);
		}
	}
	while (wait(NULL) > 0)
		;
	_exit(0);
}

static int kind_of(const struct task_ctx *ctx)
{
	static const char *const kinds[] = { "cpu", "mem", "fork", "cache", "disk" };

	for (int i = 0; ctx->argc > 0 && i < 5; i++)
		if (strcmp(ctx->argv[0], kinds[i]) == 0)
			return i;
	return -1;
}

int task_aggressor(struct task_ctx *ctx)
{
	long max_ms = util_arg_long(ctx, "max_ms", 100, 3600000, 30000);
	long mib = util_arg_long(ctx, "mib", 1, 1 << 20, 64);
	long procs = util_arg_long(ctx, "procs", 1, 1 << 20, 64);
	const char *path = util_arg(ctx, "path");
	int kind = kind_of(ctx), fd = -1;
	unsigned long long end;
	struct shared *sh;
	char *mem = NULL;
	size_t len = 0;
	char block[4096];
	struct emit e;

	if (kind < 0) {
		emit_error(ctx->out, "aggressor: the kind must be cpu, mem, fork, cache or disk");
		return 2;
	}
	util_pin(util_arg_long(ctx, "pin", 0, 4095, -1));
	util_stop_install();
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		emit_error(ctx->out, "aggressor: cannot map its shared page");
		return 1;
	}
	if (kind == 1 || kind == 3) {
		len = kind == 1 ? (size_t)mib << 20 : CACHE_BYTES;
		mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (mem == MAP_FAILED) {
			emit_error(ctx->out, "aggressor: cannot map its memory");
			return 1;
		}
	}
	if (kind == 4) {
		fd = path ? open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) : -1;
		if (fd < 0) {
			char msg[160];

			snprintf(msg, sizeof(msg), "aggressor: cannot write a file here: %s", strerror(path ? errno : EINVAL));
			emit_error(ctx->out, msg);
			return 1;
		}
		memset(block, 'a', sizeof(block));
	}
	if (agent_ready(ctx->out, BENCH_TASK_AGGRESSOR) != 0)
		return 1;
	end = util_now_ns() + (unsigned long long)max_ms * 1000000ull;
	if (kind == 0) {
		cpu_set_t set;
		int n = sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set) : 1;

		for (int i = 0; i < n && i < SPINNERS_MAX; i++)
			if (fork() == 0)
				spinner(sh, end);
	} else if (kind == 2) {
		if (fork() == 0)
			bomb(sh, end, procs);
	}
	while (!util_stop_requested(ctx) && util_now_ns() < end) {
		if (kind == 1) {
			for (size_t i = 0; i < len; i += 4096)
				mem[i]++;
		} else if (kind == 3) {
			for (size_t i = 0; i < len; i += 64)
				mem[i]++;
		} else if (kind == 4) {
			if (pwrite(fd, block, sizeof(block), 0) < 0 || fdatasync(fd) != 0)
				util_sleep_ms(10);
		} else {
			util_sleep_ms(10);
		}
	}
	atomic_store(&sh->stop, 1);
	while (wait(NULL) > 0)
		;
	if (fd >= 0) {
		close(fd);
		unlink(path);
	}
	emit_begin(&e, BENCH_REC_DATA);
	emit_u64(&e, "forked", (unsigned long long)atomic_load(&sh->forked));
	emit_u64(&e, "errno", (unsigned long long)atomic_load(&sh->first_errno));
	emit_end(&e, ctx->out);
	emit_begin(&e, BENCH_REC_DONE);
	emit_str(&e, "task", BENCH_TASK_AGGRESSOR);
	emit_end(&e, ctx->out);
	return 0;
}
