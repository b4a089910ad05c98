/* The cpu task: fixed units of compute, timed in batches.
 *
 *   bench-agent cpu [--cpus=LIST | --threads=N] [--batches=N] [--target-ms=N]
 *                   [--hash-bytes=N] [--dgemm-small=N] [--dgemm-large=N]
 *
 * Each kernel runs on one thread (the first CPU), then on one thread per
 * CPU, each thread on its own data, so the figure of many threads is their
 * sum.  Records: workload_kernels.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/agent_protocol.h"
#include "cpu_kernels.h"
#include "emit.h"
#include "workload_run.h"

struct cpu_state {
	size_t hash_bytes, n;       /* n: the matrices' order of the dgemm at hand */
	uint8_t *buf[WORKLOAD_THREADS_MAX];
	double *mat[WORKLOAD_THREADS_MAX]; /* a, b, c back to back, for the larger n */
	volatile uint32_t sink[WORKLOAD_THREADS_MAX];
};

static void job_sha256(void *arg, int t, int n, uint64_t reps)
{
	struct cpu_state *s = arg;
	uint8_t out[32] = { 0 };

	(void)n;
	for (uint64_t r = 0; r < reps; r++) {
		cpu_sha256(s->buf[t], s->hash_bytes, out);
		s->buf[t][0] ^= out[0];
	}
	s->sink[t] = out[1];
}

static void job_crc(void *arg, int t, int n, uint64_t reps)
{
	struct cpu_state *s = arg;
	uint32_t c = 0;

	(void)n;
	for (uint64_t r = 0; r < reps; r++)
		c = cpu_crc32c_soft(c, s->buf[t], s->hash_bytes);
	s->sink[t] = c;
}

static void job_crc_hw(void *arg, int t, int n, uint64_t reps)
{
	struct cpu_state *s = arg;
	uint32_t c = 0;

	(void)n;
	for (uint64_t r = 0; r < reps; r++)
		c = cpu_crc32c_hw(c, s->buf[t], s->hash_bytes);
	s->sink[t] = c;
}

static void job_dgemm(void *arg, int t, int n, uint64_t reps)
{
	struct cpu_state *s = arg;
	double *m = s->mat[t];
	size_t sq = s->n * s->n;

	(void)n;
	for (uint64_t r = 0; r < reps; r++)
		cpu_dgemm(s->n, m, m + sq, m + 2 * sq);
	s->sink[t] = (uint32_t)m[2 * sq];
}

/* The kernels give the published answers, and the crc32 instruction
 * agrees with the table: a wrong figure is worse than none. */
static const char *self_check(const struct cpu_state *s, bool hw)
{
	static const uint8_t abc[3] = { 'a', 'b', 'c' };
	uint8_t out[32];

	cpu_sha256(abc, 3, out);
	if (out[0] != 0xba || out[1] != 0x78 || out[31] != 0xad)
		return "cpu: SHA-256 of 'abc' is wrong";
	if (cpu_crc32c_soft(0, (const uint8_t *)"123456789", 9) != 0xe3069283u)
		return "cpu: CRC-32C of '123456789' is wrong";
	if (hw && cpu_crc32c_hw(0, s->buf[0], s->hash_bytes) != cpu_crc32c_soft(0, s->buf[0], s->hash_bytes))
		return "cpu: the crc32 instruction disagrees with the table";
	return NULL;
}

static int measure_both(int out, struct workload_pool *p, const struct workload_args *a, int kernel,
			workload_job job, struct cpu_state *s, uint64_t work_one, uint64_t size)
{
	if (workload_measure(out, p, a, kernel, 1, job, s, work_one, size) != 0)
		return -1;
	if (p->n > 1 && workload_measure(out, p, a, kernel, p->n, job, s, work_one * (uint64_t)p->n, size) != 0)
		return -1;
	return 0;
}

int task_cpu(struct task_ctx *ctx)
{
	static const char *const keys[] = { "--hash-bytes=", "--dgemm-small=", "--dgemm-large=", NULL };
	static struct cpu_state s;
	struct workload_args a;
	struct workload_pool p;
	char msg[160];
	size_t small, large;
	bool hw = workload_cpu_has_sse42();
	const char *bad;
	int rc = 1;

	if (workload_args_parse(ctx, keys, &a, msg, sizeof(msg)) < 0) {
		emit_error(ctx->out, msg);
		return 2;
	}
	s.hash_bytes = (size_t)workload_arg(&a, "--hash-bytes=", 32768);
	small = (size_t)workload_arg(&a, "--dgemm-small=", 64);
	large = (size_t)workload_arg(&a, "--dgemm-large=", 256);
	if (small > 4096 || large > 4096 || s.hash_bytes > (64u << 20)) {
		emit_error(ctx->out, "cpu: a size is too large");
		return 2;
	}
	for (int t = 0; t < a.ncpus; t++) {
		s.buf[t] = malloc(s.hash_bytes);
		s.mat[t] = calloc(3 * large * large + 3 * small * small, sizeof(double));
		if (!s.buf[t] || !s.mat[t]) {
			emit_error(ctx->out, "cpu: out of memory");
			return 1;
		}
		for (size_t i = 0; i < s.hash_bytes; i++)
			s.buf[t][i] = (uint8_t)(i * 131 + (size_t)t);
		for (size_t i = 0; i < 2 * large * large; i++)
			s.mat[t][i] = 1.0 + (double)(i % 7) * 0.125;
	}
	bad = self_check(&s, hw);
	if (bad) {
		emit_error(ctx->out, bad);
		return 1;
	}
	if (workload_pool_start(&p, &a, msg, sizeof(msg)) < 0) {
		emit_error(ctx->out, msg);
		return 1;
	}
	if (agent_ready(ctx->out, BENCH_TASK_CPU) != 0 || workload_emit_info(ctx->out, &p) != 0)
		goto out;
	if (measure_both(ctx->out, &p, &a, WORKLOAD_SHA256, job_sha256, &s, s.hash_bytes, s.hash_bytes) != 0 ||
	    measure_both(ctx->out, &p, &a, WORKLOAD_CRC32C, job_crc, &s, s.hash_bytes, s.hash_bytes) != 0)
		goto out;
	if (hw ? measure_both(ctx->out, &p, &a, WORKLOAD_CRC32C_HW, job_crc_hw, &s, s.hash_bytes, s.hash_bytes)
	       : workload_emit_skip(ctx->out, WORKLOAD_CRC32C_HW, "cpuid shows no SSE4.2 on this (virtual) CPU"))
		goto out;
	s.n = small;
	if (measure_both(ctx->out, &p, &a, WORKLOAD_DGEMM_SMALL, job_dgemm, &s, 2 * small * small * small,
			 3 * small * small * sizeof(double)) != 0)
		goto out;
	s.n = large;
	if (measure_both(ctx->out, &p, &a, WORKLOAD_DGEMM_LARGE, job_dgemm, &s, 2 * large * large * large,
			 3 * large * large * sizeof(double)) != 0)
		goto out;
	rc = workload_emit_done(ctx->out, BENCH_TASK_CPU) == 0 ? 0 : 1;
out:
	workload_pool_stop(&p);
	return rc;
}
