/* libFuzzer target: the cpu and memory tasks' DATA records as the harness
 * reads them (bench/workload_data.c), a stream of lines after READY.
 *
 * Input: the lines a workload wrote, one record each; every line that
 * parses as a record goes through workload_data_apply with one runner's
 * state, as the harness collects them.  Besides the sanitizers, it checks
 * what the parser promises: a batch's figures are finite and positive, its
 * kernel and thread count in range, the per-series counts within the
 * batches asked for. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../bench/workload_data.h"

#define BATCHES 20

#define CHECK(cond)                                                                          \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "fuzz_workload_data: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                             \
		}                                                                            \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct workload_runner_info info;
	size_t start = 0;

	memset(&info, 0, sizeof(info));
	while (start < size) {
		const uint8_t *nl = memchr(data + start, '\n', size - start);
		size_t len = nl ? (size_t)(nl - (data + start)) : size - start;
		struct agent_record rec;
		struct workload_data d;
		bench_error err = { 0 };

		if (record_parse((const char *)data + start, len, &rec, &err) == RECORD_OK) {
			int st = workload_data_apply(&info, BATCHES, &rec, &d, &err);

			CHECK(st >= -1 && st <= 1);
			if (st == 0 && d.kind == WORKLOAD_DATA_BATCH) {
				CHECK(d.batch.kernel >= 0 && d.batch.kernel < WORKLOAD_NKERNELS);
				CHECK(d.batch.n >= 1 && d.batch.n <= WORKLOAD_BATCHES_PER_RECORD);
				CHECK(d.batch.threads >= 1 && d.batch.threads <= WORKLOAD_THREADS_MAX);
				for (int k = 0; k < d.batch.n; k++)
					CHECK(isfinite(d.batch.figure[k]) && d.batch.figure[k] > 0.0);
			}
			if (st < 0)
				CHECK(err.msg[0] != '\0');
			CHECK(info.nkeys >= 0 && info.nkeys <= WORKLOAD_SERIES_MAX);
			for (int i = 0; i < info.nkeys; i++)
				CHECK(info.keys[i].received <= BATCHES);
		}
		start += len + 1;
	}
	return 0;
}
