/* libFuzzer target: the storage benchmark's reader of the agent's records
 * (bench/storage_data.c), behind the protocol parser.
 *
 * Input: lines a workload wrote; each that parses as a record goes to
 * storage_data_apply, as the run hands them over after READY.  Besides the
 * sanitizers, it checks that every sample it takes is a finite,
 * non-negative number, that it stops at DONE or an error, and that what it
 * keeps of the engine is one of the engines it knows. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../bench/storage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_engines(json_t *meta)
{
	json_t *all = json_object_get(meta, "storage_engines"), *runner, *v;
	const char *name, *key;

	json_object_foreach(all, name, runner) {
		json_object_foreach(runner, key, v) {
			const char *e = json_string_value(v);

			if (!e || (strncmp(e, "psync", 5) != 0 && strncmp(e, "io_uring", 8) != 0 &&
				   strncmp(e, "threads", 7) != 0))
				abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct results res;
	size_t start = 0;

	results_init(&res, "storage");
	while (start < size) {
		const uint8_t *nl = memchr(data + start, '\n', size - start);
		size_t len = nl ? (size_t)(nl - (data + start)) : size - start;
		struct agent_record rec;
		bench_error err = { 0 };

		if (record_parse((const char *)data + start, len, &rec, &err) == 0 &&
		    storage_data_apply(&rec, "container", (start & 1) ? STORAGE_OVERLAY_PREFIX : "", &res, &err) != 0)
			break;
		start += len + 1;
	}
	for (size_t i = 0; i < res.nseries; i++)
		for (size_t k = 0; k < res.series[i].n; k++)
			if (!isfinite(res.series[i].v[k]) || res.series[i].v[k] < 0.0)
				abort();
	if (res.meta)
		check_engines(res.meta);
	results_free(&res);
	return 0;
}
