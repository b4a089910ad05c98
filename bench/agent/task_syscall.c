/* The syscall task: the cost of single system calls, timed in batches.
 *
 *   bench-agent syscall [--calls=a,b,...] [--batches=N] [--batch-size=N|auto]
 *                       [--warmup=N] [--cpu=N]
 *
 * One word per argument, because in a VM the arguments arrive as kernel
 * parameters (bench.argN=).  The agent pins itself to --cpu, announces
 * READY, measures its clock, then runs the batches with the calls
 * interleaved (batch 0 of every call, batch 1 of every call, ...) so that a
 * disturbance on a busy host spreads over all calls instead of landing on
 * one; it reports every batch (bench/agent/syscall_calls.h) and DONE, and
 * exits. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/agent_protocol.h"
#include "emit.h"
#include "syscall_calls.h"
#include "syscall_run.h"
#include "tasks.h"

#define DEFAULT_BATCHES 50
#define DEFAULT_WARMUP 3
/* Clock reads timed to learn the clock's own cost. */
#define CLOCK_PROBE_N 100000

struct syscall_args {
	int calls[SYSCALL_NCALLS];
	int ncalls;
	unsigned batches, warmup;
	uint64_t batch_size;  /* 0: auto */
	int cpu;              /* -1: do not pin */
};

static int parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_calls(const char *list, struct syscall_args *a)
{
	char buf[256], *save = NULL;
	int n = 0;

	if (strlen(list) >= sizeof(buf))
		return -1;
	memcpy(buf, list, strlen(list) + 1);
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int c = syscall_call_find(tok);

		if (c < 0 || a->ncalls == SYSCALL_NCALLS)
			return -1;
		for (int i = 0; i < a->ncalls; i++)
			if (a->calls[i] == c)
				return -1;
		a->calls[a->ncalls++] = c;
		n++;
	}
	return n > 0 ? 0 : -1;
}

/* Fills *a from argv; on a bad argument, writes why into msg. */
static int parse_args(int argc, char **argv, struct syscall_args *a, char *msg, size_t msgsz)
{
	int calls_given = 0;

	a->ncalls = SYSCALL_NCALLS;
	for (int i = 0; i < SYSCALL_NCALLS; i++)
		a->calls[i] = i;
	a->batches = DEFAULT_BATCHES;
	a->warmup = DEFAULT_WARMUP;
	a->batch_size = 0;
	a->cpu = -1;
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i];
		unsigned long long v;
		int bad = 0;

		if (strncmp(arg, "--calls=", 8) == 0) {
			/* Repeatable (a VM's arguments are short words): the
			 * first replaces the default of every call. */
			if (!calls_given)
				a->ncalls = 0;
			calls_given = 1;
			bad = parse_calls(arg + 8, a);
		} else if (strncmp(arg, "--batches=", 10) == 0) {
			bad = parse_uint(arg + 10, SYSCALL_BATCHES_MAX, &v) || v == 0;
			a->batches = (unsigned)v;
		} else if (strncmp(arg, "--warmup=", 9) == 0) {
			bad = parse_uint(arg + 9, SYSCALL_BATCHES_MAX, &v);
			a->warmup = (unsigned)v;
		} else if (strcmp(arg, "--batch-size=auto") == 0) {
			a->batch_size = 0;
		} else if (strncmp(arg, "--batch-size=", 13) == 0) {
			bad = parse_uint(arg + 13, SYSCALL_BATCH_SIZE_MAX, &v) || v == 0;
			a->batch_size = v;
		} else if (strncmp(arg, "--cpu=", 6) == 0) {
			bad = parse_uint(arg + 6, CPU_SETSIZE - 1, &v);
			a->cpu = (int)v;
		} else {
			bad = 1;
		}
		if (bad) {
			snprintf(msg, msgsz, "syscall: bad argument '%.64s'", arg);
			return -1;
		}
	}
	return 0;
}

static int emit_setup(int out, const struct syscall_args *a, int pinned, uint64_t clock_total)
{
	struct emit e;

	emit_begin(&e, BENCH_REC_DATA);
	emit_str(&e, "kind", "setup");
	emit_u64(&e, "cpu", (unsigned long long)(a->cpu < 0 ? 0 : a->cpu));
	emit_u64(&e, "pinned", (unsigned long long)pinned);
	emit_u64(&e, "clock_n", CLOCK_PROBE_N);
	emit_u64(&e, "clock_total_ns", clock_total);
	emit_u64(&e, "batches", a->batches);
	emit_u64(&e, "warmup", a->warmup);
	return emit_end(&e, out);
}

/* The batches of one call, SYSCALL_BATCHES_PER_RECORD to a record. */
static int emit_batches(int out, int call, uint64_t size, const uint64_t *elapsed, unsigned n)
{
	for (unsigned first = 0; first < n; first += SYSCALL_BATCHES_PER_RECORD) {
		struct emit e;

		emit_begin(&e, BENCH_REC_DATA);
		emit_str(&e, "kind", "batch");
		emit_str(&e, "call", syscall_call_names[call]);
		emit_u64(&e, "size", size);
		emit_u64(&e, "first", first);
		for (unsigned k = first; k < n && k < first + SYSCALL_BATCHES_PER_RECORD; k++) {
			char key[16];

			snprintf(key, sizeof(key), "e%u", k - first);
			emit_u64(&e, key, elapsed[k]);
		}
		if (emit_end(&e, out) != 0)
			return -1;
	}
	return 0;
}

int task_syscall(struct task_ctx *ctx)
{
	struct syscall_args a;
	struct syscall_env env;
	uint64_t size[SYSCALL_NCALLS], *elapsed;
	char msg[160];
	int pinned = 0;
	struct emit e;

	if (parse_args(ctx->argc, ctx->argv, &a, msg, sizeof(msg)) < 0) {
		emit_error(ctx->out, msg);
		return 2;
	}
	/* Pinned before READY, so that every measured call runs on the one
	 * processing unit the harness chose. */
	if (a.cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(a.cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set) != 0) {
			snprintf(msg, sizeof(msg), "syscall: cannot pin to CPU %d: %s", a.cpu, strerror(errno));
			emit_error(ctx->out, msg);
			return 1;
		}
		pinned = 1;
	}
	elapsed = calloc((size_t)a.batches * SYSCALL_NCALLS, sizeof(*elapsed));
	if (!elapsed || syscall_env_open(&env, msg, sizeof(msg)) < 0) {
		free(elapsed);
		emit_error(ctx->out, elapsed ? msg : "syscall: out of memory");
		return 1;
	}
	if (agent_ready(ctx->out, BENCH_TASK_SYSCALL) != 0)
		goto fail;
	if (emit_setup(ctx->out, &a, pinned, syscall_clock_probe(CLOCK_PROBE_N)) != 0)
		goto fail;
	/* Warm-up (caches, branch predictors, the first page faults), which
	 * also fixes each call's batch size. */
	for (int i = 0; i < a.ncalls; i++) {
		int c = a.calls[i];

		size[c] = a.batch_size ? a.batch_size : syscall_calibrate(&env, c, SYSCALL_BATCH_TARGET_NS);
		for (unsigned w = 0; w < a.warmup; w++)
			syscall_time_batch(&env, c, size[c]);
	}
	for (unsigned b = 0; b < a.batches; b++)
		for (int i = 0; i < a.ncalls; i++) {
			int c = a.calls[i];

			elapsed[(size_t)c * a.batches + b] = syscall_time_batch(&env, c, size[c]);
		}
	for (int i = 0; i < a.ncalls; i++) {
		int c = a.calls[i];

		if (emit_batches(ctx->out, c, size[c], elapsed + (size_t)c * a.batches, a.batches) != 0)
			goto fail;
	}
	emit_begin(&e, BENCH_REC_DONE);
	emit_str(&e, "task", BENCH_TASK_SYSCALL);
	if (emit_end(&e, ctx->out) != 0)
		goto fail;
	syscall_env_close(&env);
	free(elapsed);
	return 0;
fail:
	syscall_env_close(&env);
	free(elapsed);
	return 1;
}
