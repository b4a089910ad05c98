#include <stddef.h>

#include "benchmarks.h"

/* Each is defined in its own file (bench/<name>.c); nothing else names
 * them. */
extern const struct benchmark benchmark_startup, benchmark_syscall, benchmark_isolation, benchmark_density;
extern const struct benchmark benchmark_cpu, benchmark_memory;
extern const struct benchmark benchmark_network;
extern const struct benchmark benchmark_storage;

const struct benchmark *const benchmark_table[] = {
	&benchmark_startup,
	&benchmark_syscall,
	&benchmark_isolation,
	&benchmark_density,
	&benchmark_cpu,
	&benchmark_memory,
	&benchmark_network,
	&benchmark_storage,
	NULL,
};
