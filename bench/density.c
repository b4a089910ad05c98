/* bench run density: not written yet (see the issue that adds it). */
#include <stdio.h>

#include "../runners/error.h"
#include "benchmarks.h"

int cmd_run_density(int argc, char **argv, int full_argc, char **full_argv)
{
	(void)argc;
	(void)argv;
	(void)full_argc;
	(void)full_argv;
	fprintf(stderr, "bench: the density benchmark is not built yet\n");
	return BENCH_EXIT_FAIL;
}
