#include <stddef.h>

#include "benchmarks.h"

const struct benchmark benchmark_table[] = {
	{ "startup", "launch to READY and to gone, phase by phase, per runner", cmd_run_startup },
	{ "syscall", "the cost of a system call on the host, in a container and in a VM", cmd_run_syscall },
	{ "isolation", "what leaks between workload and host, and noisy neighbours", cmd_run_isolation },
	{ "density", "memory and processes per idle instance, launch storms, instances per host",
	  cmd_run_density },
	{ NULL, NULL, NULL },
};
