/* Container hardening profiles.
 *
 *   plain     namespaces and cgroups only (what container.c always does)
 *   hardened  what mainstream runtimes (runc, Docker) do by default on top:
 *             masked and read-only /proc paths (runc's defaults), the
 *             capability bounding/effective sets cut to Docker's default
 *             fourteen, no_new_privs, and a default seccomp filter built
 *             with libseccomp.  The lists are lib/hardened_rules.c, which
 *             the OCI bundles (oci/) read too.
 *
 * Everything that allocates (the seccomp filter, compiled to BPF) is done
 * once in profile_prepare, in the harness; profile_apply runs in the
 * container's child between clone and exec, where only raw system calls
 * are allowed (it shares the harness's memory), so it only reads what
 * prepare made.
 *
 * No /sys is mounted in a container of either profile (the root file system
 * has no /sys): the agent needs none, and a sysfs would show the host's
 * hardware (CPUs, DMI, block devices) that runc then has to mask.  So the
 * /sys paths runc masks (/sys/firmware, /sys/devices/virtual/powercap) do
 * not exist here to be masked. */
#ifndef BENCH_CONTAINER_PROFILE_H
#define BENCH_CONTAINER_PROFILE_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stdint.h>

#include "../lib/error.h"

struct container_profile {
	bool hardened;
	struct sock_fprog prog;     /* the seccomp filter, as BPF */
	uint64_t caps_keep;         /* capability bits kept */
};

/* name: NULL or "plain", or "hardened".  Builds the seccomp filter. */
int profile_prepare(struct container_profile *p, const char *name, bench_error *err);

void profile_release(struct container_profile *p);

/* In the container's child, after pivot_root, as the last step before
 * execve: masks and read-only paths, capabilities, no_new_privs, seccomp.
 * Raw system calls only.  Returns 0, or -1 with errno and *step set to a
 * PROFILE_STEP_* naming what failed. */
enum { PROFILE_STEP_MASK = 1, PROFILE_STEP_READONLY, PROFILE_STEP_CAPS, PROFILE_STEP_NNP, PROFILE_STEP_SECCOMP };
int profile_apply(const struct container_profile *p, int *step);

#endif
