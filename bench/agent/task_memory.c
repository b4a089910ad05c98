/* The memory task: STREAM's four kernels, GUPS-like random updates and a
 * dependent pointer chase, timed in batches.
 *
 *   bench-agent memory [--cpus=LIST | --threads=N] [--batches=N]
 *                      [--target-ms=N] [--array-bytes=N] [--gups-bytes=N]
 *                      [--chase-max=N]
 *
 * The harness sizes the arrays (several times the last-level cache, within
 * the instance's memory).  STREAM and GUPS run on one thread, then one per
 * CPU, each thread on its own slice; the chase runs on one thread over
 * working sets from 16 KiB doubling to --chase-max.  Records:
 * workload_kernels.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "../../lib/agent_protocol.h"
#include "emit.h"
#include "workload_run.h"

#define CHASE_MIN 16384u
#define LINE 64u

struct mem_state {
	double *a, *b, *c;
	size_t n;                    /* elements of each array */
	uint64_t *table;
	size_t tlen;                 /* a power of two */
	uint64_t updates;            /* per thread and rep */
	void **ring;                 /* the chase: each line points to the next */
	void **pos;                  /* where the chase stopped: the next batch
					walks on from there, so that batches
					do not rewalk one warm prefix of a
					ring larger than they reach */
	uint64_t steps;              /* accesses per rep */
	void *volatile sink;
	volatile double dsink;
};

static void slice(const struct mem_state *s, int t, int n, size_t *lo, size_t *hi)
{
	*lo = s->n * (size_t)t / (size_t)n;
	*hi = s->n * (size_t)(t + 1) / (size_t)n;
}

static void job_copy(void *arg, int t, int n, uint64_t reps)
{
	struct mem_state *s = arg;
	size_t lo, hi;

	slice(s, t, n, &lo, &hi);
	for (uint64_t r = 0; r < reps; r++)
		for (size_t j = lo; j < hi; j++)
			s->c[j] = s->a[j];
}

static void job_scale(void *arg, int t, int n, uint64_t reps)
{
	struct mem_state *s = arg;
	size_t lo, hi;

	slice(s, t, n, &lo, &hi);
	for (uint64_t r = 0; r < reps; r++)
		for (size_t j = lo; j < hi; j++)
			s->b[j] = 3.0 * s->c[j];
}

static void job_add(void *arg, int t, int n, uint64_t reps)
{
	struct mem_state *s = arg;
	size_t lo, hi;

	slice(s, t, n, &lo, &hi);
	for (uint64_t r = 0; r < reps; r++)
		for (size_t j = lo; j < hi; j++)
			s->c[j] = s->a[j] + s->b[j];
}

static void job_triad(void *arg, int t, int n, uint64_t reps)
{
	struct mem_state *s = arg;
	size_t lo, hi;

	slice(s, t, n, &lo, &hi);
	for (uint64_t r = 0; r < reps; r++)
		for (size_t j = lo; j < hi; j++)
			s->a[j] = s->b[j] + 3.0 * s->c[j];
}

/* HPCC RandomAccess's generator; each thread its own stream.  Threads may
 * race on a word, which RandomAccess allows (a few lost updates). */
static void job_gups(void *arg, int t, int n, uint64_t reps)
{
	struct mem_state *s = arg;
	uint64_t x = 0x9e3779b97f4a7c15ull * (uint64_t)(t + 1), mask = s->tlen - 1;

	(void)n;
	for (uint64_t r = 0; r < reps; r++)
		for (uint64_t u = 0; u < s->updates; u++) {
			x = x << 1 ^ ((int64_t)x < 0 ? 7u : 0u);
			s->table[x & mask] ^= x;
		}
}

static void job_chase(void *arg, int t, int n, uint64_t reps)
{
	struct mem_state *s = arg;
	void **p = s->pos;

	(void)t;
	(void)n;
	for (uint64_t r = 0; r < reps; r++)
		for (uint64_t i = 0; i < s->steps; i += 4) {
			p = *p;
			p = *p;
			p = *p;
			p = *p;
		}
	s->pos = p;
	s->sink = p;
}

/* One random cycle through every line of ring[0..bytes): the next line
 * is unpredictable to the prefetchers. */
static void chase_build(void **ring, size_t bytes, uint64_t *seed)
{
	size_t lines = bytes / LINE, per = LINE / sizeof(void *);
	size_t *order = malloc(lines * sizeof(*order));

	if (!order) {
		/* Sequential, as a last resort; still a valid cycle. */
		for (size_t i = 0; i < lines; i++)
			ring[i * per] = &ring[((i + 1) % lines) * per];
		return;
	}
	for (size_t i = 0; i < lines; i++)
		order[i] = i;
	for (size_t i = lines - 1; i > 0; i--) {
		size_t j, tmp;

		*seed = *seed * 6364136223846793005ull + 1442695040888963407ull;
		j = (size_t)(*seed >> 33) % (i + 1);
		tmp = order[i];
		order[i] = order[j];
		order[j] = tmp;
	}
	for (size_t i = 0; i < lines; i++)
		ring[order[i] * per] = &ring[order[(i + 1) % lines] * per];
	free(order);
}

static int run_stream(int out, struct workload_pool *p, const struct workload_args *a, struct mem_state *s,
		      size_t bytes)
{
	static const struct {
		workload_job job;
		int kernel;
		unsigned arrays; /* read and written, per element */
	} k[] = {
		{ job_copy, WORKLOAD_COPY, 2 }, { job_scale, WORKLOAD_SCALE, 2 },
		{ job_add, WORKLOAD_ADD, 3 },   { job_triad, WORKLOAD_TRIAD, 3 },
	};

	s->n = bytes / sizeof(double);
	s->a = malloc(s->n * sizeof(double));
	s->b = malloc(s->n * sizeof(double));
	s->c = malloc(s->n * sizeof(double));
	if (!s->a || !s->b || !s->c)
		return -2;
	for (size_t j = 0; j < s->n; j++) {
		s->a[j] = 1.0;
		s->b[j] = 2.0;
		s->c[j] = 0.0;
	}
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		uint64_t work = (uint64_t)s->n * sizeof(double) * k[i].arrays;

		if (workload_measure(out, p, a, k[i].kernel, 1, k[i].job, s, work, 3 * bytes) != 0)
			return -1;
		if (p->n > 1 && workload_measure(out, p, a, k[i].kernel, p->n, k[i].job, s, work, 3 * bytes) != 0)
			return -1;
	}
	s->dsink = s->a[s->n / 2];
	free(s->a);
	free(s->b);
	free(s->c);
	s->a = s->b = s->c = NULL;
	return 0;
}

static int run_gups(int out, struct workload_pool *p, const struct workload_args *a, struct mem_state *s,
		    size_t bytes)
{
	s->tlen = 1;
	while (s->tlen * 2 * sizeof(uint64_t) <= bytes)
		s->tlen *= 2;
	s->table = malloc(s->tlen * sizeof(uint64_t));
	if (!s->table)
		return -2;
	for (size_t i = 0; i < s->tlen; i++)
		s->table[i] = i;
	/* A rep is a quarter of the table's words per thread, at most 2^18
	 * (HPCC does 4x the table in all; the batches add up to some of that):
	 * under emulation an update costs a microsecond. */
	s->updates = s->tlen / 4 ? s->tlen / 4 : 1;
	s->updates = s->updates > (1u << 18) ? (1u << 18) : s->updates;
	if (workload_measure(out, p, a, WORKLOAD_GUPS, 1, job_gups, s, s->updates, s->tlen * sizeof(uint64_t)) != 0 ||
	    (p->n > 1 && workload_measure(out, p, a, WORKLOAD_GUPS, p->n, job_gups, s, s->updates * (uint64_t)p->n,
					  s->tlen * sizeof(uint64_t)) != 0))
		return -1;
	free(s->table);
	s->table = NULL;
	return 0;
}

static int run_chase(int out, struct workload_pool *p, const struct workload_args *a, struct mem_state *s,
		     size_t max)
{
	uint64_t seed = 42;
	void **ring = malloc(max);

	if (!ring)
		return -2;
	/* Huge pages are part of what is measured: leave the kernel's
	 * setting in force rather than choosing for it. */
	for (size_t bytes = CHASE_MIN; bytes <= max; bytes *= 2) {
		chase_build(ring, bytes, &seed);
		s->ring = s->pos = ring;
		/* A rep walks the ring about twice, at least 4096 steps and at
		 * most 2^15: a random cycle's every part costs the same, and a
		 * miss that walks nested page tables costs a microsecond. */
		s->steps = bytes / LINE * 2;
		s->steps = s->steps < 4096 ? 4096 : s->steps > (1u << 15) ? (1u << 15) : s->steps;
		if (workload_measure(out, p, a, WORKLOAD_CHASE, 1, job_chase, s, s->steps, bytes) != 0) {
			free(ring);
			return -1;
		}
	}
	free(ring);
	return 0;
}

int task_memory(struct task_ctx *ctx)
{
	static const char *const keys[] = { "--array-bytes=", "--gups-bytes=", "--chase-max=", NULL };
	static struct mem_state s;
	struct workload_args a;
	struct workload_pool p;
	char msg[160];
	size_t array, gups, chase;
	int rc = 1, st;

	if (workload_args_parse(ctx, keys, &a, msg, sizeof(msg)) < 0) {
		emit_error(ctx->out, msg);
		return 2;
	}
	array = (size_t)workload_arg(&a, "--array-bytes=", 16u << 20);
	gups = (size_t)workload_arg(&a, "--gups-bytes=", 32u << 20);
	chase = (size_t)workload_arg(&a, "--chase-max=", 32u << 20);
	if (array < 4096 || gups < 4096 || chase < CHASE_MIN) {
		emit_error(ctx->out, "memory: a size is below 4 KiB (the chase: 16 KiB)");
		return 2;
	}
	if (workload_pool_start(&p, &a, msg, sizeof(msg)) < 0) {
		emit_error(ctx->out, msg);
		return 1;
	}
	if (agent_ready(ctx->out, BENCH_TASK_MEMORY) != 0 || workload_emit_info(ctx->out, &p) != 0)
		goto out;
	st = run_stream(ctx->out, &p, &a, &s, array);
	if (st == 0)
		st = run_gups(ctx->out, &p, &a, &s, gups);
	if (st == 0)
		st = run_chase(ctx->out, &p, &a, &s, chase);
	if (st == -2)
		emit_error(ctx->out, "memory: out of memory for the arrays (lower the sizes or raise --memory)");
	if (st == 0)
		rc = workload_emit_done(ctx->out, BENCH_TASK_MEMORY) == 0 ? 0 : 1;
out:
	workload_pool_stop(&p);
	return rc;
}
