/* bench run all: the plan comes from the table of benchmarks (never a list
 * of its own), in summary_rank order, sized to the budget; options reach
 * the benchmarks that have them; a run writes one suite folder that
 * `bench report` takes as it is, with the report in it; Ctrl-C keeps what
 * finished and still writes the report. */
#include <criterion/criterion.h>

#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../bench/benchmarks.h"
#include "../bench/harness/suite.h"
#include "cli_run.h"

/* The one folder <out>/<time>-all a suite wrote. */
static void suite_folder(const char *out, char *dir, size_t sz)
{
	DIR *d = opendir(out);
	struct dirent *de;

	cr_assert_not_null(d);
	dir[0] = '\0';
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		if (len > 4 && strcmp(de->d_name + len - 4, "-all") == 0)
			snprintf(dir, sz, "%s/%s", out, de->d_name);
	}
	closedir(d);
	cr_assert(dir[0], "no suite folder in %s", out);
}

static bool exists(const char *dir, const char *file)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return access(path, F_OK) == 0;
}

Test(suite, the_plan_is_every_benchmark_of_the_table_in_rank_order)
{
	struct cli_run r;
	const char *args[] = { "run", "all", "--dry-run", NULL };
	int n = 0, last_rank = -1000000;
	const char *p;

	run_bench(&r, NULL, args);
	cr_assert_eq(r.status, 0, "%s", r.err);
	for (const struct benchmark *const *t = benchmark_table; *t; t++, n++) {
		char line[64];

		snprintf(line, sizeof(line), "%s ", (*t)->name);
		cr_expect_not_null(strstr(r.out, line), "%s is not in the plan:\n%s", (*t)->name, r.out);
	}
	/* Each line's benchmark ranks no lower than the one before. */
	p = r.out;
	for (int i = 0; i < n && *p; i++) {
		char name[64];
		const struct benchmark *b;

		cr_assert_eq(sscanf(p, "%63s", name), 1);
		b = benchmark_find(benchmark_table, name);
		cr_assert_not_null(b, "'%s' is not a benchmark", name);
		cr_expect_geq(b->summary_rank, last_rank, "%s out of order:\n%s", name, r.out);
		last_rank = b->summary_rank;
		p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p);
	}
}

/* The estimate of the plan, from the line on stderr: "about 2m21s". */
static double planned_s(const char *err)
{
	const char *p = strstr(err, "about ");
	int m = 0, s = 0;

	cr_assert_not_null(p, "%s", err);
	if (sscanf(p, "about %dm%ds", &m, &s) == 2)
		return m * 60 + s;
	cr_assert_eq(sscanf(p, "about %ds", &s), 1, "%s", err);
	return s;
}

Test(suite, a_smaller_budget_gives_a_smaller_plan_and_quick_is_smallest)
{
	struct cli_run full, small, quick;
	const char *a_full[] = { "run", "all", "--dry-run", "--budget", "1h", NULL };
	const char *a_small[] = { "run", "all", "--dry-run", "--budget", "4m", NULL };
	const char *a_quick[] = { "run", "all", "--dry-run", "--quick", NULL };

	run_bench(&full, NULL, a_full);
	run_bench(&small, NULL, a_small);
	run_bench(&quick, NULL, a_quick);
	cr_assert_eq(full.status + small.status + quick.status, 0, "%s%s%s", full.err, small.err, quick.err);
	cr_expect_lt(planned_s(small.err), planned_s(full.err), "%s\n%s", small.err, full.err);
	cr_expect_lt(planned_s(quick.err), planned_s(small.err), "%s\n%s", quick.err, small.err);
	/* A budget only shrinks the defaults: a day plans what an hour does. */
	{
		struct cli_run day;
		const char *a_day[] = { "run", "all", "--dry-run", "--budget", "24h", NULL };

		run_bench(&day, NULL, a_day);
		cr_expect_eq(planned_s(day.err), planned_s(full.err));
	}
}

/* --quick is a first look: one runner of each kind unless --runners says
 * otherwise, and the plan says which. */
Test(suite, quick_takes_one_runner_of_each_kind_unless_told)
{
	struct cli_run quick, given;
	const char *a_quick[] = { "run", "all", "--dry-run", "--quick", NULL };
	const char *a_given[] = { "run", "all", "--dry-run", "--quick", "--runners", "host", NULL };

	run_bench(&quick, NULL, a_quick);
	run_bench(&given, NULL, a_given);
	cr_assert_eq(quick.status + given.status, 0, "%s%s", quick.err, given.err);
	cr_expect_not_null(strstr(quick.err, "--quick's runners " SUITE_QUICK_RUNNERS), "%s", quick.err);
	cr_expect_null(strstr(given.err, "--quick's runners"), "%s", given.err);
	cr_expect_lt(planned_s(given.err), planned_s(quick.err), "%s\n%s", given.err, quick.err);
}

/* The whole plan with the defaults fits the default budget: every
 * benchmark counts what it takes and shrinks to its share. */
Test(suite, the_default_plan_fits_the_default_budget)
{
	struct cli_run r;
	const char *args[] = { "run", "all", "--dry-run", NULL };

	run_bench(&r, NULL, args);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect_leq(planned_s(r.err), SUITE_DEFAULT_BUDGET_S, "%s%s", r.err, r.out);
}

/* Every benchmark has a fit_budget (none is a guess of SUITE_GUESS_S),
 * and a tenth of what its defaults take makes it take less. */
Test(suite, every_benchmark_estimates_itself_and_shrinks_to_a_smaller_budget)
{
	for (const struct benchmark *const *t = benchmark_table; *t; t++) {
		const struct benchmark *b = *t;
		char *argv[] = { (char *)b->name, NULL };
		struct run_options o, sized;
		bench_error err = { 0 };
		void *ctx = b->ctx_size ? calloc(1, b->ctx_size) : NULL;
		double full, small;

		cr_assert_not_null(b->fit_budget, "%s has no fit_budget: the suite guesses it", b->name);
		if (b->init)
			b->init(ctx);
		memset(&o, 0, sizeof(o));
		cr_assert_eq(run_options_parse(1, argv, &o, b->options, ctx, &err), 0, "%s: %s", b->name, err.msg);
		sized = o;
		full = b->fit_budget(ctx, &o, 0);
		cr_expect_gt(full, 0, "%s: an estimate of %g s", b->name, full);
		if (b->ctx_size)
			memset(ctx, 0, b->ctx_size);
		if (b->init)
			b->init(ctx);
		small = b->fit_budget(ctx, &sized, full / 10);
		cr_expect_lt(small, full, "%s: %g s with a budget of %g s, %g s with its defaults", b->name, small,
			     full / 10, full);
		free(ctx);
	}
}

Test(suite, usage_errors_are_one_line_and_exit_2)
{
	static const char *const cases[][6] = {
		{ "run", "all", "--bogus", NULL },
		{ "run", "all", "--only", "nosuch", NULL },
		{ "run", "all", "--only", "startup", "--skip", "syscall" },
		{ "run", "all", "--quick", "--budget", "5m", NULL },
		{ "run", "all", "--budget", "5 minutes", NULL },
		{ "run", "all", "--export-json", "/tmp/x.json", NULL },
		{ "run", "all", "--host-label", "a/b", NULL },
		{ "run", "all", "--runs", "0", NULL },
		{ "run", "all", "--only", "syscall", "--calls", "nosuchcall" },
		{ "run", "all", "stray", NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cli_run r;

		run_bench(&r, NULL, cases[i]);
		cr_expect_eq(r.status, 2, "case %zu: exit %d: %s", i, r.status, r.err);
		cr_expect_eq(r.err_lines, 1, "case %zu: %s", i, r.err);
	}
}

Test(suite, a_benchmarks_own_option_reaches_it_only)
{
	struct cli_run r;
	/* --calls is syscall's: with syscall skipped, no benchmark takes it,
	 * yet it is known, so the plan is fine. */
	const char *ok[] = { "run", "all", "--dry-run", "--skip", "syscall", "--calls", "getpid", NULL };
	const char *bad[] = { "run", "all", "--dry-run", "--only", "startup,syscall", "--calls", "nosuchcall", NULL };

	run_bench(&r, NULL, ok);
	cr_expect_eq(r.status, 0, "%s", r.err);
	run_bench(&r, NULL, bad);
	cr_expect_eq(r.status, 2, "%s", r.err);
	cr_expect_not_null(strstr(r.err, "syscall"), "%s", r.err);
}

static json_t *load_suite_json(const char *dir)
{
	char path[PATH_MAX];
	json_error_t je;
	json_t *j;

	snprintf(path, sizeof(path), "%s/suite.json", dir);
	j = json_load_file(path, 0, &je);
	cr_assert_not_null(j, "%s: %s", path, je.text);
	return j;
}

Test(suite, a_run_writes_one_folder_that_bench_report_takes, .timeout = 120)
{
	char out[64], dir[PATH_MAX], base[PATH_MAX + 16];
	struct cli_run r;
	json_t *j, *list;

	SKIP_UNLESS_ROOT();
	test_agent();
	temp_dir(out);
	{
		const char *args[] = { "run", "all", "--only", "startup,syscall", "--runners", "host", "--runs", "2",
				       "--out", out, "--host-label", "node-a", NULL };

		run_bench(&r, NULL, args);
	}
	cr_assert_eq(r.status, 0, "%s", r.err);
	suite_folder(out, dir, sizeof(dir));
	cr_expect(exists(dir, "report.md") && exists(dir, "report.html") && exists(dir, "suite.json"));
	j = load_suite_json(dir);
	list = json_object_get(j, "benchmarks");
	cr_assert_eq(json_array_size(list), 2);
	for (size_t i = 0; i < 2; i++) {
		json_t *b = json_array_get(list, i);
		const char *folder = json_string_value(json_object_get(b, "folder"));

		cr_expect_str_eq(json_string_value(json_object_get(b, "state")), "done");
		cr_assert_not_null(folder);
		cr_expect(exists(dir, folder), "%s/%s", dir, folder);
	}
	/* startup ranks before syscall. */
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(list, 0), "name")), "startup");
	json_decref(j);
	/* The suite folder as it is, and the root around it (results/<star>
	 * names latest and files too). */
	snprintf(base, sizeof(base), "%s/again", out);
	{
		const char *args[] = { "report", "--out", base, dir, NULL };

		run_bench(&r, NULL, args);
		cr_expect_eq(r.status, 0, "%s", r.err);
		cr_expect_not_null(strstr(r.out, "(2 results folders)"), "%s", r.out);
	}
	{
		char readme[PATH_MAX], latest[PATH_MAX];
		FILE *f;

		snprintf(readme, sizeof(readme), "%s/README.md", out);
		snprintf(latest, sizeof(latest), "%s/latest", out);
		f = fopen(readme, "w");
		cr_assert_not_null(f);
		fputs("# results\n", f);
		fclose(f);
		{
			const char *args[] = { "report", "--out", base, readme, latest, dir, NULL };

			run_bench(&r, NULL, args);
		}
		cr_expect_eq(r.status, 0, "%s", r.err);
		cr_expect_not_null(strstr(r.out, "(2 results folders)"), "%s", r.out);
		cr_expect_eq(r.err_lines, 1, "one line for what was skipped: %s", r.err);
		cr_expect_not_null(strstr(r.err, "README.md"), "%s", r.err);
	}
	nftw(out, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	expect_nothing_left(r.pid);
}

/* Has the suite under out written a results folder of benchmark yet? */
static bool wrote(const char *out, const char *benchmark)
{
	DIR *d = opendir(out);
	struct dirent *de;
	char dir[PATH_MAX] = "";
	bool found = false;

	if (!d)
		return false;
	while ((de = readdir(d)) != NULL)
		if (strlen(de->d_name) > 4 && strcmp(de->d_name + strlen(de->d_name) - 4, "-all") == 0)
			snprintf(dir, sizeof(dir), "%s/%s", out, de->d_name);
	closedir(d);
	if (!dir[0] || !(d = opendir(dir)))
		return false;
	while (!found && (de = readdir(d)) != NULL) {
		char path[PATH_MAX * 2];
		size_t len = strlen(de->d_name), blen = strlen(benchmark);

		if (len > blen && strcmp(de->d_name + len - blen, benchmark) == 0) {
			snprintf(path, sizeof(path), "%s/%s/results.json", dir, de->d_name);
			found = access(path, F_OK) == 0;
		}
	}
	closedir(d);
	return found;
}

Test(suite, ctrl_c_keeps_what_finished_and_writes_the_report, .timeout = 180)
{
	const char *bin = getenv("BENCH_BIN");
	char out[64], dir[PATH_MAX];
	json_t *j, *list;
	pid_t pid;
	int st, waited = 0;

	SKIP_UNLESS_ROOT();
	test_agent();
	if (!bin)
		cr_skip_test("BENCH_BIN is not set (run through 'make test')");
	temp_dir(out);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(null, 2);
		/* isolation's noisy neighbour takes half a minute on the host
		 * alone: the Ctrl-C lands in it, after startup finished. */
		execl(bin, bin, "run", "all", "--only", "startup,isolation", "--runners", "host", "--runs", "3",
		      "--out", out, (char *)NULL);
		_exit(98);
	}
	cr_assert_gt(pid, 0);
	while (!wrote(out, "startup") && waited < 90000) {
		struct timespec ts = { 0, 50000000 };

		nanosleep(&ts, NULL);
		waited += 50;
	}
	{
		/* Into isolation's run. */
		struct timespec ts = { 1, 500000000 };

		nanosleep(&ts, NULL);
	}
	kill(pid, SIGINT);
	waitpid(pid, &st, 0);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 130, "status %d", st);
	suite_folder(out, dir, sizeof(dir));
	j = load_suite_json(dir);
	cr_expect(json_is_true(json_object_get(j, "interrupted")));
	list = json_object_get(j, "benchmarks");
	cr_assert_eq(json_array_size(list), 2);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(list, 0), "state")), "done");
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(list, 1), "state")), "interrupted");
	/* The report holds what finished. */
	cr_expect(exists(dir, "report.md") && exists(dir, "report.html"));
	json_decref(j);
	nftw(out, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	expect_nothing_left(pid);
}
