#include <stddef.h>

#include "benchmarks.h"

const struct benchmark benchmark_table[] = {
	{ "startup", "launch to READY and to gone, phase by phase, per runner", cmd_run_startup },
	{ NULL, NULL, NULL },
};
