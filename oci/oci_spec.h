/* OCI bundles for the runtimes Kubernetes uses (runc, crun, runsc, and
 * containerd's shim): the same container as bench's own (container/), said
 * in the OCI runtime spec's words.
 *
 *   config.json  made with jansson: the same namespaces (uts, pid, mount,
 *                ipc, network, cgroup), hostname, read-only root, cgroup
 *                limits (CPU quota, memory, pids, the cpuset from --cpus),
 *                and for the hardened profile the same capabilities, masked
 *                and read-only paths and seccomp filter as bench's hardened
 *                container: both read lib/hardened_rules.c.
 *   rootfs       only the agent and the empty mount points /proc, /dev and
 *                /disk (where a hostPath-like volume goes),
 *                as bench's container (container/rootfs.c).  Made once per
 *                run and shared: each container's bundle names it by its
 *                absolute path, so a start does not pay for a copy.
 *
 * The library knows nothing of runners: a runner fills oci_spec_params. */
#ifndef BENCH_OCI_SPEC_H
#define BENCH_OCI_SPEC_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../lib/error.h"

/* The agent's path inside the root file system. */
#define OCI_AGENT_PATH "/bench-agent"
/* Where oci_spec_params.bind_dir appears inside (an empty mount point in
 * the root file system, as bench's own container has). */
#define OCI_DISK_DIR "/disk"

struct oci_spec_params {
	const char *const *argv;     /* argv[0]: a path inside the rootfs; NULL-terminated */
	const char *hostname;
	const char *rootfs;          /* root.path: absolute, or relative to the bundle */
	const char *cgroups_path;    /* linux.cgroupsPath; NULL or "" = the runtime's choice */
	const char *bind_dir;        /* a host folder bind-mounted read-write at
					OCI_DISK_DIR, as a Kubernetes hostPath
					volume is; NULL = none */
	const char *cpus;            /* cpuset list; NULL or "" = all */
	uint64_t memory_bytes;       /* 0 = no limit */
	long cpu_quota_us;           /* per cpu_period_us; 0 = no limit */
	long cpu_period_us;
	long pids_max;               /* 0 = no limit */
	bool hardened;               /* the hardened profile (oci_profile_parse) */
	int caps_known;              /* capabilities 0 .. caps_known - 1 are all the
					runtime knows (runsc 2022: 38); 0 = all */
	uint64_t caps_held;          /* bit (1 << CAP_x) per capability the caller
					holds (its bounding set: a runtime cannot
					give more, and bench's plain container
					keeps exactly these); 0 = all */
};

/* "plain" (or NULL) or "hardened", as bench's container takes them. */
int oci_profile_parse(const char *name, bool *hardened, bench_error *err);

/* A new config.json document (the caller json_decref's it), or NULL and
 * *err.  Syscall names libseccomp cannot resolve on this architecture are
 * left out of the filter, as bench's container leaves them out. */
json_t *oci_spec_build(const struct oci_spec_params *p, bench_error *err);

/* Makes the shared root file system at path (a new folder): the agent
 * copied in as OCI_AGENT_PATH, and empty /proc, /dev and OCI_DISK_DIR. */
int oci_rootfs_make(const char *path, const char *agent_path, bench_error *err);

/* Makes the bundle folder dir (new, 0700) and writes spec as its
 * config.json; sha256 gets the config's SHA-256 in hex (what the results
 * record as the bundle's digest: with the agent's own digest, it says
 * exactly what ran). */
int oci_bundle_write(const char *dir, const json_t *spec, char sha256[65], bench_error *err);

/* Removes a bundle or root file system folder and what is in it, never
 * following a link nor crossing into a mount.  Idempotent. */
void oci_tree_remove(const char *dir);

#endif
