#ifndef BENCH_PROCESS_SWEEP_H
#define BENCH_PROCESS_SWEEP_H

#include <stdbool.h>

/* SIGKILLs every process whose command line contains needle (a dead run's
 * own folder), and every process below one; returns how many.  For
 * cleanup only: needle must be a path that only that run's processes name. */
unsigned process_sweep(const char *needle);

/* The same, for processes that are ending by themselves (a containerd shim
 * finishing a cancelled task with its own `runc delete`): waits up to
 * grace_ms for them to go, then SIGKILLs what is left; returns how many. */
unsigned process_sweep_after(const char *needle, unsigned grace_ms);

#endif
