/* The ratio of every runner's median to the baseline runner's (the host's
 * plain process), with a bootstrap interval: what syscall, cpu and memory
 * all report.  Written into each series' extra keys ratio_to_host,
 * ratio_ci95_lo, ratio_ci95_hi, so the report reads them back. */
#ifndef BENCH_HOST_RATIO_H
#define BENCH_HOST_RATIO_H

#include "harness/results.h"

/* Bootstrap resamples for the ratio's interval, and their fixed seed. */
#define HOST_RATIO_REPS 2000
#define HOST_RATIO_SEED 0x5eedb00c5eedb00cull

/* Sets series->extra[key] = value (value is taken). */
int series_set_extra(struct series *s, const char *key, json_t *value, bench_error *err);

/* Every series whose metric starts with prefix and has samples. */
int host_ratios(struct results *res, const char *prefix, bench_error *err);

#endif
