/* What the container runner lets a benchmark see of one of its instances. */
#ifndef BENCH_CONTAINER_RUNNER_H
#define BENCH_CONTAINER_RUNNER_H

#include <stddef.h>

#include "runner.h"
#include "../container/cgroup.h"

extern const struct runner_ops container_runner_ops;

/* Reads a file of a live container instance's cgroup (e.g. "memory.current"
 * on v2, "memory.usage_in_bytes" on v1) into buf.  -1 and *err when in is
 * not a launched container instance or the file cannot be read. */
int container_instance_cgroup_read(const struct instance *in, enum cg_controller c, const char *file, char *buf,
				   size_t len, bench_error *err);

#endif
