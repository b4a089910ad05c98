/* The root file system every container of a run shares: a small tmpfs
 * holding only the agent and the empty mount points /proc, /dev and /disk.  It is made once
 * per run (so a start does not pay for it) and mounted read-only in each
 * container, so one container cannot change what the next one sees. */
#ifndef BENCH_ROOTFS_H
#define BENCH_ROOTFS_H

#include <limits.h>
#include <stdbool.h>

#include "../lib/error.h"

/* Where run folders live; BENCH_RUN_DIR overrides it (tests). */
#define ROOTFS_BASE_DEFAULT "/run/bench"

/* The agent's path inside the container. */
#define ROOTFS_AGENT_PATH "/bench-agent"

/* The empty mount point of a disk's folder (container_spec.bind_dir). */
#define ROOTFS_DISK_DIR "/disk"

struct rootfs {
	char run_dir[PATH_MAX];  /* <base>/bench-<run id> */
	char path[PATH_MAX + 16]; /* <run_dir>/rootfs: a small tmpfs */
	bool mounted;
};

/* Makes the run folder and copies the agent in. */
int rootfs_prepare(struct rootfs *fs, const char *run_id, const char *agent_path, bench_error *err);

/* Removes the run folder.  Idempotent. */
void rootfs_remove(struct rootfs *fs);

/* `bench cleanup`: removes run folders whose run is over (or all). */
int rootfs_cleanup_stale(bool all, bench_error *err);

#endif
