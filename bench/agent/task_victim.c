/* The victim of the noisy-neighbour measurement: one kind of work, counted
 * in back-to-back windows, so the harness can compare windows alone with
 * windows beside an aggressor.
 *
 *   bench-agent victim KIND window_ms=W max_ms=M [pin=CPU]
 *
 * KIND: cpu (integer arithmetic), mem (a STREAM-like add over arrays larger
 * than the last-level cache), syscall (getppid).  After READY, one DATA
 * record per window: seq, ops, ns.  Ends at STOP/SIGTERM or after M ms. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../../lib/agent_protocol.h"
#include "emit.h"
#include "agent_util.h"
#include "tasks.h"

/* 2 x 24 MiB: beyond a 32 MiB L3, small beside a 256 MiB limit. */
#define MEM_ARRAY_BYTES (24u << 20)

static volatile unsigned long long sink;

/* One slice of work: ops done. */
static unsigned long long work(int kind, unsigned long long *state, double *a, double *b, size_t n, size_t *pos)
{
	unsigned long long x = *state;

	switch (kind) {
	case 0:
		for (int i = 0; i < 4096; i++)
			x = x * 6364136223846793005ull + 1442695040888963407ull, x ^= x >> 29;
		*state = x;
		sink = x;
		return 4096;
	case 1:
		/* 64 KiB of each array a slice, walking through them. */
		for (size_t i = 0; i < 8192; i++) {
			size_t k = (*pos + i) % n;
			a[k] = a[k] + 1.5 * b[k];
		}
		*pos = (*pos + 8192) % n;
		return 8192;
	default:
		for (int i = 0; i < 64; i++)
			x += (unsigned long long)syscall(SYS_getppid);
		sink = x;
		return 64;
	}
}

int task_victim(struct task_ctx *ctx)
{
	static const char *const kinds[] = { "cpu", "mem", "syscall" };
	long window_ms = util_arg_long(ctx, "window_ms", 10, 60000, 250);
	long max_ms = util_arg_long(ctx, "max_ms", 100, 3600000, 60000);
	unsigned long long state = 1, start, end_all, seq = 0;
	double *a = NULL, *b = NULL;
	size_t n = MEM_ARRAY_BYTES / sizeof(double), pos = 0;
	int kind = -1;
	struct emit e;

	for (int i = 0; ctx->argc > 0 && i < 3; i++)
		if (strcmp(ctx->argv[0], kinds[i]) == 0)
			kind = i;
	if (kind < 0) {
		emit_error(ctx->out, "victim: the kind must be cpu, mem or syscall");
		return 2;
	}
	util_pin(util_arg_long(ctx, "pin", 0, 4095, -1));
	util_stop_install();
	if (kind == 1) {
		a = mmap(NULL, 2 * MEM_ARRAY_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (a == MAP_FAILED) {
			emit_error(ctx->out, "victim: cannot map its arrays");
			return 1;
		}
		b = a + n;
		for (size_t i = 0; i < 2 * n; i++)
			a[i] = (double)i;
	}
	if (agent_ready(ctx->out, BENCH_TASK_VICTIM) != 0)
		return 1;
	start = util_now_ns();
	end_all = start + (unsigned long long)max_ms * 1000000ull;
	while (!util_stop_requested(ctx) && util_now_ns() < end_all) {
		unsigned long long t0 = util_now_ns(), t1, ops = 0;
		unsigned long long until = t0 + (unsigned long long)window_ms * 1000000ull;

		do {
			ops += work(kind, &state, a, b, n, &pos);
			t1 = util_now_ns();
		} while (t1 < until);
		emit_begin(&e, BENCH_REC_DATA);
		emit_u64(&e, "seq", seq++);
		emit_u64(&e, "ops", ops);
		emit_u64(&e, "ns", t1 - t0);
		if (emit_end(&e, ctx->out) != 0)
			return 1;
	}
	emit_begin(&e, BENCH_REC_DONE);
	emit_str(&e, "task", BENCH_TASK_VICTIM);
	emit_end(&e, ctx->out);
	return 0;
}
