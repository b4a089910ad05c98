/* `bench run` option parsing: defaults, every flag, and bad input. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* Trust defect 9: what the command line gets wrong is said as the user
 * typed it, with its reason, and refused before anything is measured. */
Test(options, a_flag_given_a_value_is_named)
{
	const char *quiet[] = { "startup", "--quiet=1" };
	const char *quiet_prefix[] = { "startup", "--qui=yes" };
	const char *extra[] = { "syscall", "--verbose=1" };
	struct extra_seen seen = { 0 };
	struct run_options o;
	bench_error err = { 0 };

	cr_assert_eq(parse(&o, &err, 2, quiet), -1);
	cr_expect(strstr(err.msg, "--quiet takes no value"), "%s", err.msg);
	cr_assert_eq(parse(&o, &err, 2, quiet_prefix), -1);
	cr_expect(strstr(err.msg, "--quiet takes no value"), "%s", err.msg);
	/* A benchmark's own flag: getopt's optopt is its table value (512 +
	 * index), which was printed as a raw byte. */
	cr_assert_eq(run_options_parse(2, (char **)extra, &o, extras, &seen, &err), -1);
	cr_expect(strstr(err.msg, "--verbose takes no value"), "%s", err.msg);
	for (const char *p = err.msg; *p; p++)
		cr_expect((unsigned char)*p >= 0x20, "a raw byte 0x%02x in: %s", (unsigned char)*p, err.msg);
}

Test(options, no_raw_byte_in_a_message)
{
	const char *argv[] = { "startup", "--bogus\001\033[2J" };
	struct run_options o;
	bench_error err = { 0 };

	cr_assert_eq(parse(&o, &err, 2, argv), -1);
	cr_expect(strstr(err.msg, "unknown option"), "%s", err.msg);
	for (const char *p = err.msg; *p; p++)
		cr_expect((unsigned char)*p >= 0x20 && *p != 0x7f, "a raw byte 0x%02x in: %s", (unsigned char)*p,
			  err.msg);
}

static char *long_name(const char *dir, size_t len)
{
	size_t dl = strlen(dir);
	char *s = malloc(dl + len + 1);

	cr_assert_not_null(s);
	memcpy(s, dir, dl);
	memset(s + dl, 'a', len);
	s[dl + len] = '\0';
	return s;
}

Test(options, a_long_path_still_shows_the_reason)
{
	char *out = long_name("/tmp/", 4109), *md = long_name("/tmp/", 5010);
	const char *a1[] = { "startup", "--out", out };
	const char *a2[] = { "startup", "--export-markdown", md };
	struct run_options o;
	bench_error err = { 0 };

	cr_expect_eq(parse(&o, &err, 3, a1), -1, "--out of 4109 characters accepted");
	cr_expect(strstr(err.msg, "File name too long"), "%s", err.msg);
	cr_expect_lt(strlen(err.msg), 200, "the whole path echoed: %zu bytes", strlen(err.msg));
	cr_expect_eq(parse(&o, &err, 3, a2), -1, "--export-markdown of 5010 characters accepted");
	cr_expect(strstr(err.msg, "File name too long"), "%s", err.msg);
	cr_expect_lt(strlen(err.msg), 200, "the whole path echoed: %zu bytes", strlen(err.msg));
	/* Whatever a message quotes, the reason at its end survives. */
	bench_fail(&err, ENAMETOOLONG, "writing %s", md);
	cr_expect(strstr(err.msg, ": File name too long"), "%s", err.msg);
	bench_fail(&err, ENOENT, "x");
	bench_error_prefix(&err, "%s", md);
	cr_expect(strstr(err.msg, "x: No such file or directory"), "%s", err.msg);
	free(out);
	free(md);
}

Test(options, a_destination_that_cannot_be_written_is_refused_at_once)
{
	static const char *const cases[][2] = {
		{ "--export-json", "/nonexistent-bench-dir/x.json" },
		{ "--export-csv", "/nonexistent-bench-dir/x.csv" },
		{ "--export-markdown", "/etc/passwd/x.md" },
		{ "--out", "/etc/passwd/results" },
		{ "--export-json", "/tmp" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *argv[] = { "startup", cases[i][0], cases[i][1] };
		struct run_options o;
		bench_error err = { 0 };

		cr_expect_eq(parse(&o, &err, 3, argv), -1, "accepted %s %s", cases[i][0], cases[i][1]);
		cr_expect(strstr(err.msg, cases[i][0]), "%s %s: %s", cases[i][0], cases[i][1], err.msg);
	}
	{
		/* A missing results root is made: that is fine. */
		const char *argv[] = { "startup", "--out", "/tmp/bench-no-such-root/a/b" };
		struct run_options o;
		bench_error err = { 0 };

		cr_expect_eq(parse(&o, &err, 3, argv), 0, "%s", err.msg);
		cr_expect_neq(access("/tmp/bench-no-such-root", F_OK), 0, "the check made the folder");
	}
}

/* A range far beyond this machine is refused before hwloc expands it: it
 * took 5 s and 526 MiB.  Measured as the memory a child needs, not time. */
Test(options, a_huge_cpu_range_is_refused_before_it_is_expanded)
{
	struct rusage self, child;
	pid_t pid;
	int st;

	getrusage(RUSAGE_SELF, &self);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		char out[128];
		unsigned n;
		bench_error e = { 0 };
		int rc = cpulist_parse("0-9223372036854775806", out, sizeof(out), &n, &e);

		_exit(rc == -1 && strstr(e.msg, "does not have") ? 0 : 1);
	}
	cr_assert_eq(wait4(pid, &st, 0, &child), pid);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "not refused as CPUs this machine does not have");
	cr_expect_lt(child.ru_maxrss - self.ru_maxrss, 64 * 1024, "the child grew by %ld KiB",
		     child.ru_maxrss - self.ru_maxrss);
}
