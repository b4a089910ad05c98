/* `bench run` option parsing: defaults, every flag, and bad input. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "../bench/harness/options.h"

static int parse(struct run_options *o, bench_error *err, int argc, const char **argv)
{
	return run_options_parse(argc, (char **)argv, o, NULL, NULL, err);
}

Test(options, defaults_need_no_flags)
{
	const char *argv[] = { "startup" };
	struct run_options o;
	bench_error err = { 0 };

	cr_assert_eq(parse(&o, &err, 1, argv), 0, "%s", err.msg);
	cr_assert_geq(o.nrunners, 2);
	cr_assert_str_eq(o.runners[0], "host");
	cr_assert_str_eq(o.runners[1], "container");
	cr_assert_eq(o.runs, -1);
	cr_assert_eq(o.memory_mib, OPTIONS_DEFAULT_MEMORY_MIB);
	cr_assert_gt(o.ncpus, 0);
	cr_assert_neq(o.cpus[0], '\0');
	cr_assert_str_eq(o.out_dir, "results");
}

Test(options, every_flag_is_taken)
{
	const char *argv[] = { "startup", "--runners", "container,host", "--runs", "7", "--warmup=0", "--cpus", "0",
			       "--memory", "64", "--timeout", "2.5", "--out", "/tmp/x", "--export-json", "a.json",
			       "--export-csv", "a.csv", "--export-markdown", "a.md", "--quiet", "--pids", "9",
			       "--accel", "tcg", "--libvirt-uri", "qemu:///session", "--interval", "0.25" };
	struct run_options o;
	bench_error err = { 0 };

	cr_assert_eq(parse(&o, &err, sizeof(argv) / sizeof(argv[0]), argv), 0, "%s", err.msg);
	cr_assert_eq(o.nrunners, 2);
	cr_assert_str_eq(o.runners[0], "container");
	cr_assert_eq(o.runs, 7);
	cr_assert_eq(o.warmup, 0);
	cr_assert_str_eq(o.cpus, "0");
	cr_assert_eq(o.ncpus, 1);
	cr_assert_eq(o.memory_mib, 64);
	cr_assert_eq(o.timeout_ms, 2500);
	cr_assert_eq(o.interval_ms, 250);
	cr_assert_eq(o.pids_max, 9);
	cr_assert_str_eq(o.export_json, "a.json");
	cr_assert_str_eq(o.export_csv, "a.csv");
	cr_assert_str_eq(o.export_markdown, "a.md");
	cr_assert_str_eq(o.accel, "tcg");
	cr_assert_str_eq(o.libvirt_uri, "qemu:///session");
	cr_assert(o.quiet);
}

Test(options, bad_input_is_a_usage_error_with_one_line)
{
	static const char *const cases[][3] = {
		{ "--runs", "0", "out of range" },
		{ "--runs", "ten", "not a whole number" },
		{ "--runs", "5x", "not a whole number" },
		{ "--warmup", "-1", "out of range" },
		{ "--memory", "99999999999999999999", "not a whole number" },
		{ "--timeout", "0", "out of range" },
		{ "--timeout", "nan", "not a number" },
		{ "--interval", "-1", "out of range" },
		{ "--runners", "host,docker", "unknown runner 'docker'" },
		{ "--runners", "host,host", "named twice" },
		{ "--runners", ",", "empty" },
		{ "--cpus", "0-999", "does not have" },
		{ "--cpus", "banana", "not a CPU list" },
		{ "--accel", "hvf", "not one of" },
		{ "--bogus", "1", "unknown option" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *argv[] = { "startup", cases[i][0], cases[i][1] };
		struct run_options o;
		bench_error err = { 0 };

		cr_expect_eq(parse(&o, &err, 3, argv), -1, "accepted %s %s", cases[i][0], cases[i][1]);
		cr_expect_eq(err.exit_code, BENCH_EXIT_USAGE, "%s %s", cases[i][0], cases[i][1]);
		cr_expect(strstr(err.msg, cases[i][2]), "%s %s: '%s'", cases[i][0], cases[i][1], err.msg);
		cr_expect_null(strchr(err.msg, '\n'));
	}
}

Test(options, missing_value_and_stray_argument)
{
	const char *a1[] = { "startup", "--runs" };
	const char *a2[] = { "startup", "extra" };
	struct run_options o;
	bench_error err = { 0 };

	cr_assert_eq(parse(&o, &err, 2, a1), -1);
	cr_assert(strstr(err.msg, "needs a value"), "%s", err.msg);
	cr_assert_eq(parse(&o, &err, 2, a2), -1);
	cr_assert(strstr(err.msg, "unexpected argument"), "%s", err.msg);
}

/* A benchmark's own options, parsed among the common ones. */
struct extra_seen {
	int batches;
	bool verbose;
};

static int set_batches(void *ctx, const char *value, bench_error *err)
{
	struct extra_seen *seen = ctx;

	if (strcmp(value, "0") == 0)
		return bench_fail(err, 0, "--batches: must be at least 1");
	seen->batches = atoi(value);
	return 0;
}

static int set_verbose(void *ctx, const char *value, bench_error *err)
{
	(void)err;
	cr_assert_null(value);
	((struct extra_seen *)ctx)->verbose = true;
	return 0;
}

static const struct bench_option extras[] = {
	{ "batches", "N", "batches per call", set_batches },
	{ "verbose", NULL, "say more", set_verbose },
	{ NULL, NULL, NULL, NULL },
};

Test(options, benchmark_options_are_handed_over)
{
	const char *ok[] = { "syscall", "--runs", "2", "--batches", "40", "--verbose" };
	const char *bad[] = { "syscall", "--batches", "0" };
	struct extra_seen seen = { 0 };
	struct run_options o;
	bench_error err = { 0 };

	cr_assert_eq(run_options_parse(6, (char **)ok, &o, extras, &seen, &err), 0, "%s", err.msg);
	cr_assert_eq(o.runs, 2);
	cr_assert_eq(seen.batches, 40);
	cr_assert(seen.verbose);
	cr_assert_eq(run_options_parse(3, (char **)bad, &o, extras, &seen, &err), -1);
	cr_assert_eq(err.exit_code, BENCH_EXIT_USAGE);
	cr_assert(strstr(err.msg, "at least 1"), "%s", err.msg);
	/* Without the table, the same option is unknown. */
	cr_assert_eq(run_options_parse(3, (char **)bad, &o, NULL, NULL, &err), -1);
	cr_assert(strstr(err.msg, "unknown option"), "%s", err.msg);
}
