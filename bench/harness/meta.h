/* The facts about the machine and the invocation that a reader of a result
 * needs to judge or reproduce it (results' "meta" object). */
#ifndef BENCH_META_H
#define BENCH_META_H

#include <jansson.h>

#include "../../lib/error.h"

/* The version recorded in results; the build may override it. */
#ifndef BENCH_VERSION
#define BENCH_VERSION "0.1.0"
#endif

/* Sets into meta (an object): hostname, kernel, arch, cpu_model,
 * topology {packages, cores, pus, numa_nodes, summary}, online_cpus,
 * mem_total_mib, cgroup_version, agent_path, agent_sha256, git_revision,
 * command_line, started_utc, bench_version.  agent_path and
 * cgroup_version may be NULL (the keys are then null).  Facts the machine
 * does not offer (no "model name" on some arm64) are "unknown"; only a
 * failure to hash the agent or to allocate is an error. */
int meta_collect(json_t *meta, int argc, char **argv, const char *agent_path,
		 const char *cgroup_version, bench_error *err);

/* argv joined with spaces, an argument holding a space, quote or nothing
 * put in single quotes as a shell would need.  Malloc'd; NULL on ENOMEM. */
char *meta_command_line(int argc, char **argv);

#endif
