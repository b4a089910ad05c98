/* The harness's side of the workload tasks (cpu, memory): their DATA
 * records parsed and checked (they come from a workload: untrusted), and
 * what a run gathers per runner besides the samples. */
#ifndef BENCH_WORKLOAD_DATA_H
#define BENCH_WORKLOAD_DATA_H

#include <stdbool.h>
#include <stdint.h>

#include "../lib/error.h"
#include "../runners/record.h"
#include "agent/workload_kernels.h"

enum workload_data_kind { WORKLOAD_DATA_INFO = 1, WORKLOAD_DATA_SKIP, WORKLOAD_DATA_BATCH };

struct workload_info {
	char model[64];
	char flags[128];
	char thp[32];
	unsigned threads;
	bool pinned;
};

struct workload_batches {
	int kernel;
	unsigned threads;
	uint64_t size, work;
	unsigned first;
	int n;
	uint64_t ns[WORKLOAD_BATCHES_PER_RECORD];
	double figure[WORKLOAD_BATCHES_PER_RECORD]; /* in the kernel's unit */
};

struct workload_data {
	enum workload_data_kind kind;
	struct workload_info info;
	int skip_kernel;
	char skip_why[128];
	struct workload_batches batch;
};

/* Parses a DATA record of a workload task: every field known, present
 * once, in range.  Returns 0, or -1 with *err. */
int workload_data_parse(const struct agent_record *rec, struct workload_data *out, bench_error *err);

#define WORKLOAD_SERIES_MAX 64

/* What one runner reported, besides the samples. */
struct workload_runner_info {
	char runner[32];
	char kernel[65];                 /* uname release the agent saw */
	bool have_info;
	struct workload_info info;
	char skipped[160];               /* "crc32c_hw: why" */
	bool have_throttle;
	uint64_t nr_throttled, throttled_usec;
	/* Per instance: the batches received of each (kernel, threads, size). */
	int nkeys;
	struct {
		int kernel;
		unsigned threads;
		uint64_t size;
		unsigned received;
	} keys[WORKLOAD_SERIES_MAX];
};

/* Applies one record after READY to info: the info record first and once,
 * each series' batches in order and within the number asked for.  Returns
 * 1 on DONE (every series complete), 0 for DATA, -1 with *err otherwise. */
int workload_data_apply(struct workload_runner_info *info, unsigned batches, const struct agent_record *rec,
			struct workload_data *data, bench_error *err);

void workload_runner_info_next_instance(struct workload_runner_info *info);

/* The series' metric of a batch: "<prefix>.<kernel>.1t" or ".all", and
 * for the chase "<prefix>.chase.<KiB>KiB". */
void workload_metric(const char *prefix, const struct workload_batches *b, char *buf, size_t sz);

#endif
