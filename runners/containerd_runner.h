/* What the containerd runner's files share (containerd_runner.c,
 * containerd_doctor.c, containerd_cleanup.c). */
#ifndef BENCH_CONTAINERD_RUNNER_H
#define BENCH_CONTAINERD_RUNNER_H

#include "runner.h"

extern const struct runner_ops containerd_runner_ops;

/* Each run's folder (spec files, pid files, the image's mount point):
 * <CTD_RUNS_DIR>/bench-<run id>. */
#define CTD_RUNS_DIR "/run/bench/containerd-runs"
/* The agent's image: <CTD_IMAGE_REPO>:bench-<run id>. */
#define CTD_IMAGE_REPO "bench.local/agent"

/* The cgroup parent of every task (cgroupsPath "/<parent>/<name>"), in
 * each hierarchy runc uses. */
#define CTD_CGROUP_PARENT "bench-containerd"

/* Removes, in every cgroup hierarchy, the empty task cgroups runc left
 * under CTD_CGROUP_PARENT (on a hybrid host it makes one in the named
 * systemd and the unified hierarchies too, which a task cut short leaves):
 * run_id's when given, else those of runs that are over (or any, with
 * all); then CTD_CGROUP_PARENT where it is empty.  Returns how many task
 * cgroups it removed. */
unsigned ctd_cgroups_remove(const char *run_id, bool all);

/* Kills and deletes the task and deletes the container named name, for
 * what a killed or failed ctr left.  Never fails: best effort. */
void ctd_remove_container(const char *sock, const char *name);

/* Removes a run's image mount (unmount, its snapshot and lease), its image
 * and its folder.  Best effort; idempotent. */
void ctd_remove_run(const char *sock, const char *run_dir, const char *image_ref);

/* Waits a moment for the shims of run_id's tasks, which containerd ends on
 * its own after their task is deleted, then SIGKILLs any left. */
void ctd_reap_shims(const char *run_id);

#endif
