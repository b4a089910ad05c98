/* Starting the host agent: vfork+exec as posix_spawn does it (the child
 * borrows the harness's memory until it execs), with what posix_spawn
 * cannot give on glibc 2.36: birth inside a cgroup (clone3
 * CLONE_INTO_CGROUP), so that nothing the workload starts, not even a
 * daemon that setsid()s at once, escapes the instance. */
#ifndef BENCH_HOST_SPAWN_H
#define BENCH_HOST_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>

#include "../lib/error.h"

struct host_spawn_spec {
	const char *path;
	const char *const *argv;
	int stdin_fd;
	int stdout_fd;
	int cgroup_dirfd;   /* a cgroup v2 folder to be born in; -1: none */
};

/* Starts spec->path in a process group of its own (its pid), with default
 * dispositions for every signal and the caller's signal mask, born in
 * spec->cgroup_dirfd when given and the kernel can (*born_in_cgroup; a
 * kernel before 5.7 cannot: the caller attaches it then).  Returns 0 with
 * *pid and *pidfd, or -1 with *err (the exec's own failure included). */
int host_spawn(const struct host_spawn_spec *spec, pid_t *pid, int *pidfd, bool *born_in_cgroup,
	       bench_error *err);

#endif
