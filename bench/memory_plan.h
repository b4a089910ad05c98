/* The sizes of `bench run memory`: the STREAM arrays, the GUPS table and
 * the pointer chase's largest working set, from the last-level cache and
 * --memory, and the --memory the benchmark uses when none was given: large
 * enough for the chase to reach 4x the LLC (the curve), within half
 * of the host's MemAvailable.  When the chase cannot reach 4x the LLC,
 * `why` says which limit stopped it, in words for the results' notes. */
#ifndef BENCH_MEMORY_PLAN_H
#define BENCH_MEMORY_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#define MEMORY_CHASE_MIN 16384ull
/* Left to a VM's kernel or a container's page cache beside the chase. */
#define MEMORY_HEADROOM_MIB 256u

struct memory_plan {
	uint64_t llc, l2;        /* bytes; 0 when unknown */
	uint64_t chase_target;   /* the first doubling of 16 KiB >= 4x the LLC */
	unsigned memory_mib;     /* --memory to run with */
	bool memory_raised;      /* above what was given or the default */
	uint64_t array, gups, chase;
	bool arrays_capped;      /* the arrays are smaller than 4x the LLC / 3 */
	bool chase_short;        /* chase < chase_target */
	char why[320];           /* when chase_short: which limit, in words */
};

/* llc, l2: bytes (0: unknown; the chase then ends at 64 MiB as a guess);
 * memory_mib: --memory as given or its default; given: it was on the
 * command line (then it is kept); avail_mib: MemAvailable (0: unknown,
 * then --memory is kept).  Returns 0, or -1 when --memory leaves under
 * 1 MiB for the arrays. */
int memory_plan_make(struct memory_plan *p, uint64_t llc, uint64_t l2, unsigned memory_mib, bool given,
		     uint64_t avail_mib);

#endif
