/* ready and idle: announce READY with the agent's own view of the world. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "../../lib/agent_protocol.h"
#include "agent_util.h"
#include "emit.h"
#include "guest_modules_load.h"
#include "tasks.h"

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
	unsigned long long mono = util_clock_ns(CLOCK_MONOTONIC);
	unsigned long long boot = util_clock_ns(CLOCK_BOOTTIME);

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
	if (agent_modules_loaded.loaded > 0) {
		emit_u64(&e, "modules", agent_modules_loaded.loaded);
		emit_u64(&e, "modules_ns", agent_modules_loaded.ns);
	}
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

/* BENCH_ARG_ZERO_FREE: the kernel clears every page it hands out, and a
 * page given back keeps its zeros; what was free before (the initramfs
 * already unpacked, the compressed kernel, init memory poisoned when
 * freed, ...) held old bytes.  A 32nd of RAM (at least 8 MiB, well above
 * the kernel's free-page watermarks) stays untouched: the agent is PID 1,
 * and the kernel must never have to reclaim or kill for it. */
static void zero_free_memory(void)
{
	struct sysinfo si;
	unsigned long long free_b, total_b, keep;
	void *p;

	if (sysinfo(&si) != 0 || si.mem_unit == 0)
		return;
	free_b = (unsigned long long)si.freeram * si.mem_unit;
	total_b = (unsigned long long)si.totalram * si.mem_unit;
	keep = total_b / 32 > (8ull << 20) ? total_b / 32 : 8ull << 20;
	if (free_b <= keep)
		return;
	p = mmap(NULL, (size_t)(free_b - keep), PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE | MAP_NORESERVE, -1, 0);
	if (p != MAP_FAILED)
		munmap(p, (size_t)(free_b - keep));
}

int task_idle(struct task_ctx *ctx)
{
	struct emit e;
	const char *reason;

	/* A handler is needed: as PID 1 of a namespace the agent would
	 * otherwise ignore SIGTERM. */
	util_stop_install();
	for (int i = 0; i < ctx->argc; i++)
		if (strcmp(ctx->argv[i], BENCH_ARG_ZERO_FREE) == 0)
			zero_free_memory();
	if (agent_ready(ctx->out, BENCH_TASK_IDLE) != 0)
		return 1;
	/* A VM restored from a snapshot of this agent is told so, and
	 * answers as it did when it first came up. */
	while (strcmp(reason = util_stop_wait(ctx), "restored") == 0)
		if (agent_ready(ctx->out, BENCH_TASK_IDLE) != 0)
			return 1;
	emit_begin(&e, BENCH_REC_STOPPING);
	emit_str(&e, "reason", reason);
	emit_end(&e, ctx->out);
	return 0;
}
