/* libFuzzer target: the storage benchmark's readers of loaded results
 * (bench/storage_plot.c, bench/storage_report.c): its rows, ratios, the
 * latency CDF points kept in a series' extra ("cdf_us"), the data files of
 * its plot and its printed table.  gnuplot is kept off PATH, so the data
 * files are written (to a private folder) and nothing is drawn.
 *
 * Input: the bytes of a results.json (benchmark "storage"). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../bench/harness/plot.h"
#include "../../bench/storage.h"

static char tmpdir[64] = "";

static void remove_tmpdir(void)
{
	static const char *const files[] = { "storage.dat", "storage_cdf_randread_qd1.dat",
					     "storage_cdf_randwrite_qd1.dat" };
	char path[128];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, files[i]);
		unlink(path);
	}
	rmdir(tmpdir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct results res;
	bench_error err = { 0 };
	json_error_t jerr;
	json_t *doc;
	int rc;

	if (!tmpdir[0]) {
		const char *base = getenv("TMPDIR");

		snprintf(tmpdir, sizeof(tmpdir), "%.40s/bench-fuzz.XXXXXX", base && *base ? base : "/tmp");
		if (!mkdtemp(tmpdir))
			abort();
		atexit(remove_tmpdir);
		setenv("PATH", "/nonexistent", 1); /* no gnuplot: data files only */
		devnull = fopen("/dev/null", "w");
		if (!devnull)
			abort();
	}
	doc = json_loadb((const char *)data, size, 0, &jerr);
	if (!doc)
		return 0;
	if (results_from_json(&res, doc, "results.json", &err) < 0) {
		json_decref(doc);
		return 0;
	}
	json_decref(doc);
	storage_print(&res, devnull);
	rc = plot_storage(&res, tmpdir, &err);
	if (rc != PLOT_NO_GNUPLOT && rc != PLOT_NOTHING && rc != -1)
		abort();
	results_free(&res);
	return 0;
}
