/* Child processes the harness starts (the host agent, a container's init):
 * waiting for them with a deadline, and making sure they are gone. */
#ifndef BENCH_PROCESS_H
#define BENCH_PROCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

struct child {
	pid_t pid;        /* 0 when none or reaped */
	int pidfd;        /* -1 when none */
	int status;       /* wait status once reaped */
	pid_t pgid;       /* > 0: the child leads this process group, which is
			     SIGKILLed once the child has exited (before it
			     is reaped, so the id cannot have been reused) */
};

/* pidfd_open(2) for pid; -1 with *err when the kernel lacks it. */
int child_track(struct child *c, pid_t pid, bench_error *err);

/* Waits until the child exits (and reaps it) or the deadline passes.
 * Returns 0 when reaped, -1 with *err on timeout or interruption. */
int child_wait(struct child *c, uint64_t deadline_ns, bench_error *err);

/* SIGKILL (its process group too) and reap; idempotent, never fails. */
void child_kill(struct child *c);

/* True when the child has exited but is not reaped yet (it stays so). */
bool child_has_exited(const struct child *c);

/* A wait status in words: "exited with status 3", "killed by signal 11
 * (Segmentation fault)". */
void child_status_describe(int status, char *buf, size_t len);

#endif
