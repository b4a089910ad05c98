/* The contract of the workload tasks (cpu, memory), shared by the agent
 * (which runs and times the kernels) and the harness (which parses and
 * checks what the agent reports), so the two cannot disagree on a kernel's
 * name, its unit or how a batch becomes a figure.
 *
 * Header only, with no libc beyond <stdint.h> and <string.h>: the agent is
 * built with musl, the harness with glibc.
 *
 * The agent's records (lib/agent_protocol.h), after READY:
 *
 *   DATA kind=info model=TEXT flags=a,b,... thp=WORD threads=N pinned=0|1
 *        what the workload itself sees: the CPU's model and a few flags
 *        (cpuid), transparent huge pages ("always", "madvise", "never",
 *        "unreadable"), how many threads it runs and whether they are pinned
 *   DATA kind=skip kernel=NAME why=TEXT
 *        a kernel this CPU cannot run (crc32c_hw without SSE4.2)
 *   DATA kind=batch kernel=NAME threads=N size=BYTES work=UNITS first=K
 *        e0=NS e1=NS ...
 *        batches K, K+1, ... of NAME on N threads over a working set of
 *        size bytes: each did work units (bytes, flops, updates, accesses)
 *        in eI nanoseconds (CLOCK_MONOTONIC), at most
 *        WORKLOAD_BATCHES_PER_RECORD to a record
 *   DONE
 */
#ifndef BENCH_AGENT_WORKLOAD_KERNELS_H
#define BENCH_AGENT_WORKLOAD_KERNELS_H

#include <stdint.h>
#include <string.h>

/* How a batch's work and time become the figure kept. */
enum workload_unit {
	WORKLOAD_GB_S,    /* bytes per ns: GB/s */
	WORKLOAD_GFLOP_S, /* flops per ns: GFLOP/s */
	WORKLOAD_MUPD_S,  /* updates per ns x 1000: million updates/s */
	WORKLOAD_NS_EACH, /* ns per access: lower is better */
};

enum workload_kernel {
	WORKLOAD_SHA256,      /* software SHA-256 over an in-cache buffer */
	WORKLOAD_CRC32C,      /* software CRC-32C (a byte table) over it */
	WORKLOAD_CRC32C_HW,   /* CRC-32C with the SSE4.2 crc32 instruction */
	WORKLOAD_DGEMM_SMALL, /* blocked double matrix multiply, in cache */
	WORKLOAD_DGEMM_LARGE, /* the same, out of the core's caches */
	WORKLOAD_COPY,        /* STREAM c = a */
	WORKLOAD_SCALE,       /* STREAM b = s c */
	WORKLOAD_ADD,         /* STREAM c = a + b */
	WORKLOAD_TRIAD,       /* STREAM a = b + s c */
	WORKLOAD_GUPS,        /* random read-modify-write over a large table */
	WORKLOAD_CHASE,       /* dependent pointer chase: ns per access */
	WORKLOAD_NKERNELS
};

static const char *const workload_kernel_names[WORKLOAD_NKERNELS] = {
	"sha256", "crc32c", "crc32c_hw", "dgemm_small", "dgemm_large", "copy", "scale", "add", "triad", "gups", "chase",
};

static const enum workload_unit workload_kernel_units[WORKLOAD_NKERNELS] = {
	WORKLOAD_GB_S, WORKLOAD_GB_S, WORKLOAD_GB_S, WORKLOAD_GFLOP_S, WORKLOAD_GFLOP_S, WORKLOAD_GB_S,
	WORKLOAD_GB_S, WORKLOAD_GB_S, WORKLOAD_GB_S, WORKLOAD_MUPD_S, WORKLOAD_NS_EACH,
};

static const char *const workload_unit_names[] = { "GB/s", "GFLOP/s", "Mupd/s", "ns" };

/* The kernel's index, or -1 for a name that is not one. */
static inline int workload_kernel_find(const char *name)
{
	for (int i = 0; i < WORKLOAD_NKERNELS; i++)
		if (strcmp(workload_kernel_names[i], name) == 0)
			return i;
	return -1;
}

/* The figure of one batch: work units in ns nanoseconds. */
static inline double workload_figure(enum workload_unit u, uint64_t work, uint64_t ns)
{
	if (ns == 0 || work == 0)
		return 0.0;
	switch (u) {
	case WORKLOAD_MUPD_S:
		return (double)work / (double)ns * 1000.0;
	case WORKLOAD_NS_EACH:
		return (double)ns / (double)work;
	default:
		return (double)work / (double)ns;
	}
}

#define WORKLOAD_BATCHES_PER_RECORD 16
#define WORKLOAD_BATCHES_MAX 1000
#define WORKLOAD_THREADS_MAX 256
/* A batch is never longer than this (ns): ten minutes is nonsense. */
#define WORKLOAD_ELAPSED_MAX 600000000000ull
#define WORKLOAD_WORK_MAX (1ull << 50)
#define WORKLOAD_SIZE_MAX (1ull << 40)

#endif
