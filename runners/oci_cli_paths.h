/* Where an OCI runtime's run keeps its things (oci_cli_runner.h): the state
 * root, the rootfs and the bundles under one folder named with the run id,
 * and the containers' cgroups under /bench-oci.slice/<runtime>/. */
#ifndef BENCH_OCI_CLI_PATHS_H
#define BENCH_OCI_CLI_PATHS_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "../container/cgroup.h"
#include "../lib/error.h"

#define OCI_CGROUP_PARENT "bench-oci.slice"

struct oci_cli_paths {
	char root[PATH_MAX];      /* <base>/oci-<runtime>-bench-<run id> */
	char state[PATH_MAX + 8];
	char rootfs[PATH_MAX + 8];
	char bundles[PATH_MAX + 8];
};

/* "oci-<runtime>-": the prefix of a run folder, before "bench-<run id>". */
void oci_cli_folder_prefix(const char *runtime, char *out, size_t outsz);

/* Makes the run folder (new, 0700) and its state and bundles folders. */
int oci_cli_paths_make(struct oci_cli_paths *p, const char *base, const char *runtime, const char *run_id,
		       bench_error *err);

/* Removes the run folder and everything in it; idempotent. */
void oci_cli_paths_remove(struct oci_cli_paths *p);

/* "/bench-oci.slice/<runtime>/<id>": a container's linux.cgroupsPath. */
void oci_cli_cgroup_rel(const char *runtime, const char *id, char *out, size_t outsz);

/* `bench cleanup`: every container cgroup of this runtime, in every
 * hierarchy, whose run's owner is dead (all: any), with what still runs in
 * it; returns how many folders went. */
unsigned oci_cli_cgroup_remove_dead(const char *runtime, bool all);

/* Removes what the runtime left of a container's cgroup in every hierarchy
 * (empty folders only: rmdir); id NULL: the runtime's folder and
 * bench-oci.slice, where empty (no other run uses them). */
void oci_cli_cgroup_remove(const char *runtime, const char *id);

/* v1: makes the cpuset folders above a container's (bench-oci.slice and the
 * runtime's) with cpus and mems copied from the root, as a v1 cpuset
 * without them takes no task (runc and crun do this themselves, runsc does
 * not).  Nothing to do on v2. */
int oci_cli_cgroup_prepare(const struct cg_layout *l, const char *runtime, bench_error *err);

/* memory.current (v2) or memory.usage_in_bytes (v1) of a container. */
int oci_cli_cgroup_memory_read(const struct cg_layout *l, const char *runtime, const char *id, uint64_t *bytes,
			       bench_error *err);

#endif
