/* The bench program as a user meets it: flags, exit codes, one-line errors,
 * the results folder and exports, faults and Ctrl-C, and nothing left. */
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <limits.h>
#include <sys/wait.h>
#include <time.h>

#include "../lib/sha256_file.h"
#include "cli_run.h"
#include "helpers.h"

Test(cli, usage_errors_are_one_line_and_exit_2)
{
	static const char *const cases[][4] = {
		{ "run", "startup", "--bogus", NULL },
		{ "run", "startup", "--runs", "abc" },
		{ "run", "startup", "--runners", "host,vmware" },
		{ "run", "startup", "--timeout", "-3" },
		{ "run", "nosuchbench", NULL, NULL },
		{ "frobnicate", NULL, NULL, NULL },
		{ "cleanup", "--bogus", NULL, NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cli_run r;

		run_bench(&r, NULL, cases[i]);
		cr_expect_eq(r.status, 2, "%s %s: exit %d", cases[i][0], cases[i][1], r.status);
		cr_expect_eq(r.err_lines, 1, "%s %s: stderr was: %s", cases[i][0], cases[i][1], r.err);
		cr_expect_eq(strncmp(r.err, "bench: ", 7), 0, "%s", r.err);
	}
}

Test(cli, help_describes_everything)
{
	static const char *const top[] = { "--help", NULL };
	static const char *const run[] = { "run", "--help", NULL };
	struct cli_run r;

	run_bench(&r, NULL, top);
	cr_expect_eq(r.status, 0);
	for (const char *w = "run\0doctor\0cleanup\0startup\0"; *w; w += strlen(w) + 1)
		cr_expect(strstr(r.out, w), "bench --help does not mention %s", w);
	run_bench(&r, NULL, run);
	cr_expect_eq(r.status, 0);
	for (const char *w = "--runners\0--runs\0--warmup\0--cpus\0--memory\0--timeout\0--out\0--export-json\0"
			     "--export-csv\0--export-markdown\0--quiet\0host\0container\0";
	     *w; w += strlen(w) + 1)
		cr_expect(strstr(r.out, w), "bench run --help does not mention %s", w);
}

Test(cli, startup_writes_results_and_the_json_shape)
{
	char dir[64], json[PATH_MAX], csv[PATH_MAX], md[PATH_MAX], latest[PATH_MAX], sha[65];
	const char *agent = test_agent();
	struct cli_run r;
	json_error_t jerr;
	json_t *doc, *results, *item;
	size_t i;
	bool seen_host = false, seen_container = false;
	bench_error err = { 0 };

	SKIP_UNLESS_ROOT();
	temp_dir(dir);
	snprintf(json, sizeof(json), "%s/x.json", dir);
	snprintf(csv, sizeof(csv), "%s/x.csv", dir);
	snprintf(md, sizeof(md), "%s/x.md", dir);
	{
		const char *args[] = { "run", "startup", "--runners", "host,container", "--runs", "3", "--warmup", "1",
				       "--out", dir, "--export-json", json, "--export-csv", csv,
				       "--export-markdown", md, NULL };
		run_bench(&r, NULL, args);
	}
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect(strstr(r.out, "container"), "no summary on stdout: %s", r.out);
	doc = json_load_file(json, 0, &jerr);
	cr_assert_not_null(doc, "%s", jerr.text);
	cr_expect_str_eq(json_string_value(json_object_get(doc, "benchmark")), "startup");
	cr_assert_eq(sha256_file_hex(agent, sha, &err), 0, "%s", err.msg);
	cr_expect_str_eq(json_string_value(json_object_get(json_object_get(doc, "meta"), "agent_sha256")), sha);
	results = json_object_get(doc, "results");
	cr_assert(json_is_array(results));
	json_array_foreach(results, i, item) {
		const char *runner = json_string_value(json_object_get(item, "runner"));
		const char *metric = json_string_value(json_object_get(item, "metric"));
		double min = json_number_value(json_object_get(item, "min"));
		double med = json_number_value(json_object_get(item, "median"));
		double max = json_number_value(json_object_get(item, "max"));

		cr_assert_not_null(runner);
		cr_assert_not_null(metric);
		cr_expect_str_eq(json_string_value(json_object_get(item, "unit")), "ms");
		cr_expect_eq(json_integer_value(json_object_get(item, "n")), 3);
		cr_expect_eq(json_array_size(json_object_get(item, "samples")), 3);
		for (const char *k = "mean\0stddev\0p95\0p99\0"; *k; k += strlen(k) + 1)
			cr_expect(json_is_number(json_object_get(item, k)), "%s missing", k);
		cr_expect(min > 0 && min <= med && med <= max, "%s %s: %g %g %g", runner, metric, min, med, max);
		if (strcmp(metric, "ready") == 0) {
			seen_host |= strcmp(runner, "host") == 0;
			seen_container |= strcmp(runner, "container") == 0;
		}
	}
	cr_expect(seen_host && seen_container);
	json_decref(doc);
	cr_expect_eq(access(csv, R_OK), 0);
	cr_expect_eq(access(md, R_OK), 0);
	snprintf(latest, sizeof(latest), "%s/latest/samples.csv", dir);
	cr_expect_eq(access(latest, R_OK), 0, "results/latest/samples.csv missing");
	snprintf(latest, sizeof(latest), "%s/latest/meta.json", dir);
	cr_expect_eq(access(latest, R_OK), 0);
	expect_nothing_left(r.pid);
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

Test(cli, not_root_is_one_clear_line)
{
	char dir[64];
	const char *args[] = { "run", "startup", "--runners", "container", "--runs", "1", "--out", NULL, NULL };
	struct cli_opts o = { .uid = 65534 };
	struct cli_run r;

	SKIP_UNLESS_ROOT(); /* to become someone else */
	args[7] = temp_dir(dir);
	chmod(dir, 0777);
	run_bench(&r, &o, args);
	cr_expect_eq(r.status, 1, "exit %d, stderr: %s", r.status, r.err);
	cr_expect_eq(r.err_lines, 1, "%s", r.err);
	cr_expect(strstr(r.err, "root"), "%s", r.err);
	expect_nothing_left(r.pid);
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void expect_fault(const char *fixture, const char *runners, const char *expected)
{
	char dir[64], path[PATH_MAX];
	const char *args[] = { "run", "startup", "--runners", runners, "--runs", "2", "--warmup", "0",
			       "--timeout", "0.5", "--out", NULL, NULL };
	struct cli_opts o = { .agent = test_fixture(fixture, path, sizeof(path)) };
	struct cli_run r;

	SKIP_UNLESS_ROOT();
	args[11] = temp_dir(dir);
	run_bench(&r, &o, args);
	cr_expect_eq(r.status, 1, "exit %d, stderr: %s", r.status, r.err);
	cr_expect_eq(r.err_lines, 1, "%s", r.err);
	cr_expect(strstr(r.err, expected), "%s", r.err);
	expect_nothing_left(r.pid);
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

Test(cli, silent_agent_times_out)
{
	expect_fault("agent_silent", "container", "READY");
	expect_fault("agent_silent", "host", "READY");
}

Test(cli, garbage_agent_is_refused)
{
	expect_fault("agent_garbage", "container", "garbage");
	expect_fault("agent_garbage", "host", "garbage");
}

/* Ctrl-C in the middle of a run: exit 130, what was measured is kept, and
 * the container being started is torn down. */
Test(cli, ctrl_c_keeps_results_and_cleans_up)
{
	char dir[64], csv[PATH_MAX], text[16384];
	const char *args[] = { "run", "startup", "--runners", "container", "--runs", "100000", "--warmup", "0",
			       "--quiet", "--out", NULL, NULL };
	struct cli_opts o = { .signal_after_ms = 1500 };
	struct cli_run r;
	int lines = 0;

	SKIP_UNLESS_ROOT();
	test_agent();
	args[10] = temp_dir(dir);
	run_bench(&r, &o, args);
	cr_expect_eq(r.status, 130, "exit %d, stderr: %s", r.status, r.err);
	cr_expect(strstr(r.err, "interrupted"), "%s", r.err);
	snprintf(csv, sizeof(csv), "%s/latest/samples.csv", dir);
	slurp(csv, text, sizeof(text));
	for (const char *p = text; *p; p++)
		lines += *p == '\n';
	cr_expect_gt(lines, 10, "the samples measured before Ctrl-C were lost (%d lines)", lines);
	expect_nothing_left(r.pid);
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* A run killed with SIGKILL cannot clean up after itself: `bench cleanup`
 * must find what it left, and only that. */
Test(cli, cleanup_removes_what_a_killed_run_left)
{
	char dir[64], needle[32];
	const char *args[] = { "run", "startup", "--runners", "container", "--runs", "100000", "--warmup", "0",
			       "--quiet", "--out", NULL, NULL };
	static const char *const cleanup[] = { "cleanup", NULL };
	struct cli_opts o = { .signal_after_ms = 1500, .signal = SIGKILL };
	struct cli_run r, c;

	SKIP_UNLESS_ROOT();
	test_agent();
	args[10] = temp_dir(dir);
	run_bench(&r, &o, args);
	cr_assert_eq(r.status, 128 + SIGKILL);
	snprintf(needle, sizeof(needle), "bench-%d-", (int)r.pid);
	/* Its run folder at least is still there. */
	cr_expect_gt(test_leftovers(needle), 0, "a SIGKILLed run left nothing: the test proves nothing");
	run_bench(&c, NULL, cleanup);
	cr_expect_eq(c.status, 0, "%s", c.err);
	cr_expect_eq(test_leftovers(needle), 0, "bench cleanup left: %s", c.out);
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Trust defect 9: a flag given a value is named, never shown as a raw byte. */
Test(cli, a_flag_given_a_value_is_named)
{
	static const char *const quiet[] = { "run", "startup", "--quiet=1", NULL };
	static const char *const skip[] = { "run", "isolation", "--skip-noisy=1", NULL };
	struct cli_run r;

	run_bench(&r, NULL, quiet);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "--quiet takes no value"), "%s", r.err);
	run_bench(&r, NULL, skip);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "--skip-noisy takes no value"), "%s", r.err);
	for (const char *p = r.err; *p; p++)
		cr_expect((unsigned char)*p >= 0x20 || *p == '\n', "a raw byte 0x%02x: %s", (unsigned char)*p, r.err);
}

/* Trust defect 9: an export that cannot be written is refused before the
 * run, not after it; nothing is measured and no folder is made. */
Test(cli, an_unwritable_export_is_refused_before_measuring)
{
	char dir[64], latest[PATH_MAX];
	const char *args[] = { "run", "startup", "--runners", "host", "--runs", "2", "--warmup", "0", "--quiet",
			       "--out", NULL, "--export-json", "/nonexistent-bench-dir/x.json", NULL };
	struct cli_run r;

	test_agent();
	args[10] = temp_dir(dir);
	run_bench(&r, NULL, args);
	cr_expect_eq(r.status, 1, "exit %d, stderr: %s", r.status, r.err);
	cr_expect_eq(r.err_lines, 1, "%s", r.err);
	cr_expect(strstr(r.err, "--export-json") && strstr(r.err, "No such file"), "%s", r.err);
	snprintf(latest, sizeof(latest), "%s/latest", dir);
	cr_expect_neq(access(latest, F_OK), 0, "the run was measured before the export was refused");
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Trust defect 9: `bench report DIR --out X` takes --out as an option, and
 * `bench report results/<star>` skips results/README.md with one line. */
Test(cli, report_takes_options_anywhere_and_skips_what_is_not_results)
{
	char dir[64], folder[PATH_MAX], readme[PATH_MAX], base[PATH_MAX], md[PATH_MAX + 8];
	const char *run[] = { "run", "startup", "--runners", "host", "--runs", "2", "--warmup", "0", "--quiet",
			      "--out", NULL, NULL };
	struct cli_run r;
	FILE *f;

	test_agent();
	run[10] = temp_dir(dir);
	run_bench(&r, NULL, run);
	cr_assert_eq(r.status, 0, "%s", r.err);
	snprintf(md, sizeof(md), "%s/latest", dir);
	cr_assert_not_null(realpath(md, folder));
	snprintf(readme, sizeof(readme), "%s/README.md", dir);
	f = fopen(readme, "w");
	cr_assert_not_null(f);
	fputs("not results\n", f);
	fclose(f);
	snprintf(base, sizeof(base), "%s/rep", dir);
	{
		const char *args[] = { "report", folder, readme, "--out", base, NULL };

		run_bench(&r, NULL, args);
	}
	cr_expect_eq(r.status, 0, "exit %d, stderr: %s", r.status, r.err);
	cr_expect_eq(r.err_lines, 1, "%s", r.err);
	cr_expect(strstr(r.err, "skipped") && strstr(r.err, "README.md"), "%s", r.err);
	snprintf(md, sizeof(md), "%s.md", base);
	cr_expect_eq(access(md, R_OK), 0, "no %s", md);
	{
		const char *args[] = { "report", readme, NULL };

		run_bench(&r, NULL, args);
	}
	cr_expect_eq(r.status, 1, "nothing left, yet exit %d: %s", r.status, r.err);
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}
