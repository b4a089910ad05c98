/* The host runner's leash: where its per-instance cgroups live.  They need
 * no controller, only a cgroup v2 hierarchy (cgroup.kill, CLONE_INTO_CGROUP),
 * which hybrid hosts mount without controllers ("unified") and pure v2
 * hosts at their root: <v2 mount>/bench.slice/bench-<run id>-<seq>-host. */
#ifndef BENCH_HOST_LEASH_H
#define BENCH_HOST_LEASH_H

#include <stdbool.h>

#include "../container/cgroup.h"
#include "../lib/error.h"

/* A layout of only this machine's v2 mount, without controllers; false
 * where there is none or we are not root (the process group is the only
 * leash then). */
bool host_leash_layout(struct cg_layout *out);

/* For `bench cleanup`: removes the host cgroups of runs that are gone
 * (all: of every run), killing what still runs in them.  Returns how many
 * went, or -1 with *err. */
int host_leash_cleanup_stale(bool all, bench_error *err);

struct runner_cleanup_counts;

/* The host runner's cleanup hook (runner_ops.cleanup). */
int host_cleanup(bool all, struct runner_cleanup_counts *removed, bench_error *err);

#endif
