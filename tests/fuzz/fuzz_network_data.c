/* libFuzzer target: the network benchmark's reader of the agent's records
 * (bench/network_data.c), behind the protocol parser.
 *
 * Input: lines a workload wrote; each that parses as a record goes to
 * network_data_apply, as the run hands them over after READY.  Besides the
 * sanitizers, it checks that every sample it takes is a finite, non-negative
 * number, and that it stops at DONE or an error. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../bench/network.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct results res;
	size_t start = 0;
	unsigned mtu = 0;

	results_init(&res, "network");
	while (start < size) {
		const uint8_t *nl = memchr(data + start, '\n', size - start);
		size_t len = nl ? (size_t)(nl - (data + start)) : size - start;
		struct agent_record rec;
		bench_error err = { 0 };
		int st;

		if (record_parse((const char *)data + start, len, &rec, &err) == 0) {
			st = network_data_apply(&rec, "container", "bridge-nat", &res, &mtu, &err);
			if (st != 0)
				break;
		}
		start += len + 1;
	}
	for (size_t i = 0; i < res.nseries; i++)
		for (size_t k = 0; k < res.series[i].n; k++)
			if (!isfinite(res.series[i].v[k]) || res.series[i].v[k] < 0.0)
				abort();
	results_free(&res);
	return 0;
}
