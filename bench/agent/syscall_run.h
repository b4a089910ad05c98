/* Running and timing the syscall task's calls (bench/agent/syscall_calls.h). */
#ifndef BENCH_AGENT_SYSCALL_RUN_H
#define BENCH_AGENT_SYSCALL_RUN_H

#include <stddef.h>
#include <stdint.h>

/* What the calls need open while they are timed. */
struct syscall_env {
	int zero_fd;      /* /dev/zero, for SYSCALL_READ_ZERO */
};

/* Opens /dev/zero and checks that /proc/self/stat opens (a container or
 * guest without /proc would otherwise fail mid-way).  0, or -1 with why in
 * msg. */
int syscall_env_open(struct syscall_env *env, char *msg, size_t msgsz);
void syscall_env_close(struct syscall_env *env);

/* CLOCK_MONOTONIC in ns, as the batches are timed. */
uint64_t syscall_now_ns(void);

/* Runs call size times in a row; returns how long that took, in ns. */
uint64_t syscall_time_batch(const struct syscall_env *env, int call, uint64_t size);

/* A batch size for call that makes a batch last about target_ns. */
uint64_t syscall_calibrate(const struct syscall_env *env, int call, uint64_t target_ns);

/* How long n back-to-back clock reads take, in ns. */
uint64_t syscall_clock_probe(unsigned n);

#endif
