/* The syscall task's contract, shared by the agent (which times the calls)
 * and the harness (which parses and checks what the agent reports), so the
 * two cannot disagree on a call's name or on how a batch becomes ns/call.
 *
 * Header only, with no libc beyond <stdint.h> and <string.h>: the agent is
 * built with musl, the harness with glibc.
 *
 * The agent's records (bench/agent_protocol.h), after READY:
 *
 *   DATA kind=setup cpu=N pinned=0|1 clock_n=N clock_total_ns=N batches=N
 *        warmup=N
 *        the processing unit it pinned itself to, and the cost of its own
 *        clock: clock_n back-to-back clock_gettime calls took clock_total_ns
 *   DATA kind=batch call=NAME size=N first=K e0=NS e1=NS ...
 *        batches K, K+1, ... of NAME: each ran the call size times and took
 *        eI nanoseconds (CLOCK_MONOTONIC), at most SYSCALL_BATCHES_PER_RECORD
 *        to a record so that a line stays under 512 bytes
 *   DONE
 */
#ifndef BENCH_AGENT_SYSCALL_CALLS_H
#define BENCH_AGENT_SYSCALL_CALLS_H

#include <stdint.h>
#include <string.h>

/* The calls, by the name used on the command line, in DATA records and in
 * the metric "syscall.<name>". */
enum syscall_call {
	SYSCALL_GETHOSTNAME,   /* gethostname(3): uname(2) underneath in musl */
	SYSCALL_UNAME,         /* uname(2), raw syscall */
	SYSCALL_GETPID,        /* getpid(2), raw syscall (no libc cache) */
	SYSCALL_GETPPID,       /* getppid(2), raw syscall */
	SYSCALL_CLOCK_GETTIME, /* clock_gettime(CLOCK_MONOTONIC): the vDSO, in user space */
	SYSCALL_READ_ZERO,     /* read(2) of one byte from /dev/zero */
	SYSCALL_OPEN_CLOSE,    /* open(2) + close(2) of /proc/self/stat */
	SYSCALL_SCHED_YIELD,   /* sched_yield(2) */
	SYSCALL_NCALLS
};

static const char *const syscall_call_names[SYSCALL_NCALLS] = {
	"gethostname", "uname", "getpid", "getppid", "clock_gettime", "read_zero", "open_close", "sched_yield",
};

/* The calls that never enter the kernel when the vDSO can read the clock. */
static inline int syscall_call_is_vdso(int call)
{
	return call == SYSCALL_CLOCK_GETTIME;
}

/* The call's index, or -1 for a name that is not one. */
static inline int syscall_call_find(const char *name)
{
	for (int i = 0; i < SYSCALL_NCALLS; i++)
		if (strcmp(syscall_call_names[i], name) == 0)
			return i;
	return -1;
}

#define SYSCALL_BATCHES_PER_RECORD 16
#define SYSCALL_BATCHES_MAX 10000
#define SYSCALL_BATCH_SIZE_MAX 100000000ull
/* A batch with auto size lasts about this long: long enough that the two
 * clock reads around it are far under 1% of it, and that a timer tick or
 * two inside it average out; short enough that a TCG guest finishes the
 * default 50 batches of 8 calls in seconds. */
#define SYSCALL_BATCH_TARGET_NS 2000000ull
/* A batch whose clock share is above this is too short to trust. */
#define SYSCALL_CLOCK_SHARE_MAX 0.01

/* ns per call of a batch of size calls that took elapsed_ns; 0 when either
 * is 0 (no such batch). */
static inline double syscall_ns_per_call(uint64_t elapsed_ns, uint64_t size)
{
	if (elapsed_ns == 0 || size == 0)
		return 0.0;
	return (double)elapsed_ns / (double)size;
}

/* The cost of one clock read, from clock_n reads that took total_ns. */
static inline double syscall_clock_cost_ns(uint64_t total_ns, uint64_t clock_n)
{
	return clock_n ? (double)total_ns / (double)clock_n : 0.0;
}

/* The share of a batch that is the clock's own: one read's worth (the
 * interval spans the end of the first read and the start of the second). */
static inline double syscall_clock_share(double clock_cost_ns, uint64_t elapsed_ns)
{
	return elapsed_ns ? clock_cost_ns / (double)elapsed_ns : 1.0;
}

/* The batch size that makes a batch last about target_ns, from a trial of
 * trial_n calls that took trial_ns: rounded up, at least 1, at most
 * SYSCALL_BATCH_SIZE_MAX. */
static inline uint64_t syscall_batch_size_for(uint64_t trial_ns, uint64_t trial_n, uint64_t target_ns)
{
	double size;

	if (trial_n == 0)
		return 1;
	if (trial_ns == 0)
		return trial_n < SYSCALL_BATCH_SIZE_MAX ? trial_n * 2 : SYSCALL_BATCH_SIZE_MAX;
	size = (double)trial_n * (double)target_ns / (double)trial_ns;
	if (size < 1.0)
		return 1;
	if (size >= (double)SYSCALL_BATCH_SIZE_MAX)
		return SYSCALL_BATCH_SIZE_MAX;
	return (uint64_t)size + ((double)(uint64_t)size < size ? 1 : 0);
}

#endif
