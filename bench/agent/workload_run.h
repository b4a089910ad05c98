/* What the cpu and memory tasks share: their common arguments, a pool of
 * pinned threads that run a kernel together, timed batches (calibrated to
 * a target length), their DATA records (workload_kernels.h), and the
 * info record of what the workload sees (cpuid, transparent huge pages). */
#ifndef BENCH_AGENT_WORKLOAD_RUN_H
#define BENCH_AGENT_WORKLOAD_RUN_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tasks.h"
#include "workload_kernels.h"

/* One job: thread t of n runs reps repetitions of its share. */
typedef void (*workload_job)(void *arg, int t, int n, uint64_t reps);

struct workload_pool {
	int n;                        /* threads, the caller's included */
	int cpus[WORKLOAD_THREADS_MAX];
	bool pinned;
	pthread_t tid[WORKLOAD_THREADS_MAX];
	pthread_barrier_t start, end;
	/* The job of the current batch, set before the start barrier. */
	workload_job job;
	void *arg;
	int active;
	uint64_t reps;
	bool quit;
};

struct workload_args {
	unsigned batches;
	unsigned target_ms;           /* a batch's length, at least one rep */
	int cpus[WORKLOAD_THREADS_MAX];
	int ncpus;
	/* The task's own "--key=number" arguments, in the order given. */
	int nextra;
	const char *extra_key[8];
	uint64_t extra[8];
};

/* Parses --batches=N --target-ms=N --cpus=LIST (host, container) or
 * --threads=N (a VM: its vCPUs 0..N-1) and the task's own numeric keys
 * (NULL-terminated, each "--key="); fills msg on a bad argument. */
int workload_args_parse(const struct task_ctx *ctx, const char *const *keys, struct workload_args *a, char *msg,
			size_t msgsz);

/* The value of one of the task's own keys, or def. */
uint64_t workload_arg(const struct workload_args *a, const char *key, uint64_t def);

/* Starts a->ncpus threads (the caller is thread 0), each pinned to its CPU. */
int workload_pool_start(struct workload_pool *p, const struct workload_args *a, char *msg, size_t msgsz);
void workload_pool_stop(struct workload_pool *p);

/* Calibrates and times args->batches batches of job on n threads, and
 * emits them: work is what one rep does on all n threads. */
int workload_measure(int out, struct workload_pool *p, const struct workload_args *a, int kernel, int n,
		     workload_job job, void *arg, uint64_t work_per_rep, uint64_t size);

/* DATA kind=info: the model, flags and huge pages the workload sees. */
int workload_emit_info(int out, const struct workload_pool *p);

/* DATA kind=skip. */
int workload_emit_skip(int out, int kernel, const char *why);

/* DONE for task; 0 or -1. */
int workload_emit_done(int out, const char *task);

/* cpuid: true when the CPU runs SSE4.2 (crc32). */
bool workload_cpu_has_sse42(void);

#endif
