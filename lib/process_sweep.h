#ifndef BENCH_PROCESS_SWEEP_H
#define BENCH_PROCESS_SWEEP_H

#include <stdbool.h>

/* SIGKILLs every process whose command line contains needle (a dead run's
 * own folder), and every process below one; returns how many.  For
 * cleanup only: needle must be a path that only that run's processes name. */
unsigned process_sweep(const char *needle);

#endif
