/* A container, made the way a runtime such as crun makes one, but with
 * nothing in it except the agent: clone(2) into new UTS, PID, mount, IPC,
 * network and cgroup namespaces; join a cgroup with limits; a read-only
 * root file system entered with pivot_root, its own /proc and a minimal
 * /dev; its own hostname; exec.
 *
 * The child reports to the parent over a sync pipe: its timestamps just
 * before exec, or the step that failed and its errno.  The pipe is
 * close-on-exec, so end-of-file after the report means the exec happened. */
#ifndef BENCH_CONTAINER_H
#define BENCH_CONTAINER_H

#include <stdbool.h>
#include <stdint.h>

#include "../lib/error.h"
#include "../lib/process.h"
#include "cgroup.h"
#include "profile.h"

/* The namespaces every container gets (CLONE_NEWCGROUP is added once the
 * child has joined its cgroup, so the cgroup is its namespace's root). */
#define CONTAINER_NAMESPACES (CLONE_NEWUTS | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWNET)

struct container_spec {
	const char *rootfs;          /* prepared by rootfs_prepare(); mounted read-only */
	const char *hostname;
	const char *const *argv;     /* argv[0]: the program's path inside the rootfs */
	int stdin_fd, stdout_fd;     /* become 0 and 1 in the container; stderr is shared */
	const struct cgroup *cgroup; /* created, limits written, not yet joined */
	const struct container_profile *profile; /* hardening (profile.h); NULL = plain */
	bool host_network;           /* no network namespace (hostNetwork: true) */
	const char *bind_dir;        /* a host folder bind-mounted read-write at
					ROOTFS_DISK_DIR (a hostPath volume); NULL = none */
};

struct container {
	struct child init;           /* the container's PID 1, as the host sees it */
	/* CLOCK_MONOTONIC timestamps of the start, in order. */
	uint64_t t_clone;            /* clone called */
	uint64_t t_child;            /* the child's first instruction */
	uint64_t t_joined;           /* in its cgroup and cgroup namespace */
	uint64_t t_rootfs;           /* hostname set, root file system entered */
	uint64_t t_exec;             /* the host saw the exec succeed */
	bool born_in_cgroup;         /* clone3 created it in its cgroup (v2) */
};

/* Clones the container's init and waits until it has exec'd argv[0] (or
 * failed, or the deadline passed: then it is killed).  On failure nothing of
 * the container is left but the cgroup, which the caller owns. */
int container_start(struct container *ct, const struct container_spec *spec, uint64_t deadline_ns,
		    bench_error *err);

/* SIGKILL to the init (the kernel then kills the whole PID namespace) and
 * reap it.  Idempotent. */
void container_kill(struct container *ct);

#endif
