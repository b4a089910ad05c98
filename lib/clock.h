/* The one clock every phase is timed with: CLOCK_MONOTONIC, in nanoseconds.
 * It is the same clock inside a container (no time namespace is made), so
 * timestamps taken by a container's child are comparable with the host's. */
#ifndef BENCH_CLOCK_H
#define BENCH_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t clock_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline double ns_to_ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

#endif
