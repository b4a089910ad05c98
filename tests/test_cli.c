/* The bench program as a user meets it: flags, exit codes, one-line errors,
 * the results folder and exports, faults and Ctrl-C, and nothing left. */
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <limits.h>
#include <sys/wait.h>
#include <time.h>

#include "../runners/sha256_file.h"
#include "helpers.h"

struct cli_run {
	int status;          /* exit code, or 128 + signal */
	pid_t pid;           /* of the bench process: its run id starts with it */
	char out[16384];
	char err[4096];
	int err_lines;
};

struct cli_opts {
	const char *agent;   /* BENCH_AGENT for the run; NULL: the real one */
	uid_t uid;           /* run as this user when non-zero */
	int signal_after_ms; /* send a signal after this long when non-zero */
	int signal;          /* which one: SIGINT when 0 */
};

static void slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n = f ? fread(buf, 1, len - 1, f) : 0;

	buf[n] = '\0';
	if (f)
		fclose(f);
}

static void run_bench(struct cli_run *r, const struct cli_opts *o, const char *const *args)
{
	const char *bin = getenv("BENCH_BIN");
	char out_path[] = "/tmp/bench-cli-out-XXXXXX", err_path[] = "/tmp/bench-cli-err-XXXXXX";
	int out_fd, err_fd, st;
	const char *argv[40];
	int n = 0;

	if (!bin || access(bin, X_OK) != 0)
		cr_skip_test("BENCH_BIN is not set to the built bench (run through 'make test')");
	argv[n++] = bin;
	for (; *args && n < 39; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	out_fd = mkstemp(out_path);
	err_fd = mkstemp(err_path);
	cr_assert(out_fd >= 0 && err_fd >= 0);
	r->pid = fork();
	if (r->pid == 0) {
		dup2(out_fd, 1);
		dup2(err_fd, 2);
		if (o && o->agent)
			setenv("BENCH_AGENT", o->agent, 1);
		if (o && o->uid && setuid(o->uid) != 0)
			_exit(99);
		execv(bin, (char *const *)argv);
		_exit(98);
	}
	cr_assert_gt(r->pid, 0);
	if (o && o->signal_after_ms) {
		struct timespec ts = { o->signal_after_ms / 1000, (o->signal_after_ms % 1000) * 1000000L };
		nanosleep(&ts, NULL);
		kill(r->pid, o->signal ? o->signal : SIGINT);
	}
	waitpid(r->pid, &st, 0);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	slurp(out_path, r->out, sizeof(r->out));
	slurp(err_path, r->err, sizeof(r->err));
	unlink(out_path);
	unlink(err_path);
	close(out_fd);
	close(err_fd);
	r->err_lines = 0;
	for (const char *p = r->err; *p; p++)
		r->err_lines += *p == '\n';
}

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

static char *temp_dir(char *buf)
{
	strcpy(buf, "/tmp/bench-cli-res-XXXXXX");
	cr_assert_not_null(mkdtemp(buf));
	return buf;
}

/* The run id of a bench process starts with its pid. */
static void expect_nothing_left(pid_t bench_pid)
{
	char needle[32];

	snprintf(needle, sizeof(needle), "bench-%d-", (int)bench_pid);
	cr_expect_eq(test_leftovers(needle), 0, "run %s left something behind", needle);
}

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
