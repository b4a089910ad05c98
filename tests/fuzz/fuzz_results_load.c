/* libFuzzer target: reading a results folder's results.json back
 * (bench/harness/results_load.c), and the readers of what was loaded.
 *
 * Input: the bytes of a results.json.  Besides the sanitizers, it checks
 * that what loads exports and loads back to the same series and samples. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../bench/harness/results.h"

#define CHECK(cond)                                                                          \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "fuzz_results_load: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                             \
		}                                                                            \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct results res, again;
	bench_error err = { 0 };
	json_error_t jerr;
	json_t *doc, *out;

	if (!devnull && !(devnull = fopen("/dev/null", "w")))
		abort();
	doc = json_loadb((const char *)data, size, 0, &jerr);
	if (!doc)
		return 0;
	if (results_from_json(&res, doc, "results.json", &err) < 0) {
		json_decref(doc);
		return 0;
	}
	json_decref(doc);

	for (size_t i = 0; i < res.nseries; i++) {
		const struct series *s = &res.series[i];

		CHECK(s->runner[0] && s->metric[0] && s->unit[0]);
		CHECK(results_find(&res, s->runner, s->metric) == s);
		(void)results_median(&res, s->runner, s->metric);
		(void)results_runner_has(&res, s->runner, "baseline");
	}
	(void)results_runner_with(&res, "baseline", NULL);
	(void)results_runner_with(&res, "guest_kernel", "baseline");
	results_print_summary(&res, devnull);

	/* What loaded, exported, loads back the same. */
	out = results_to_json(&res);
	CHECK(out != NULL);
	CHECK(results_from_json(&again, out, "export", &err) == 0);
	CHECK(again.nseries == res.nseries && strcmp(again.benchmark, res.benchmark) == 0);
	for (size_t i = 0; i < res.nseries; i++) {
		CHECK(strcmp(again.series[i].runner, res.series[i].runner) == 0);
		CHECK(strcmp(again.series[i].metric, res.series[i].metric) == 0);
		CHECK(again.series[i].n == res.series[i].n);
		CHECK(res.series[i].n == 0 ||
		      memcmp(again.series[i].v, res.series[i].v, res.series[i].n * sizeof(double)) == 0);
	}
	json_decref(out);
	results_free(&again);
	results_free(&res);
	return 0;
}
