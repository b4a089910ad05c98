/* The containerd runner: a few starts through the real containerd leave
 * nothing in it nor on the host; what a SIGKILLed run left (a running
 * task, its container, the image's mounted view, the image, the run
 * folder) is removed by `bench cleanup`; a missing daemon is one clear
 * line; storage reaches its container's bind-mounted scratch folder; and
 * ctr's own output is read with bounds. */
#include <criterion/criterion.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../lib/clock.h"
#include "../lib/run_id.h"
#include "../runners/containerd_ctr.h"
#include "../runners/containerd_runner.h"
#include "cli_run.h"

/* Skips unless root and a containerd answers (make setup starts one). */
static const char *need_containerd(void)
{
	bench_error err = { 0 };
	const char *sock;

	SKIP_UNLESS_ROOT();
	if (ctr_installed(&err) < 0)
		cr_skip_test("%s", err.msg);
	sock = ctr_socket();
	if (ctr_daemon_check(sock, &err) < 0)
		cr_skip_test("%s", err.msg);
	test_agent();
	return sock;
}

struct count {
	const char *needle;
	int n;
};

static void count_name(const char *name, void *arg)
{
	struct count *c = arg;

	if (strstr(name, c->needle))
		c->n++;
}

/* Objects of containerd's kind (tasks, containers, images, leases) whose
 * name holds needle. */
static int in_containerd(const char *sock, const char *kind, const char *needle)
{
	static char out[1 << 16];
	const char *const args[] = { kind, "list", "--quiet", NULL };
	struct count c = { .needle = needle };
	bench_error err = { 0 };

	cr_assert_eq(ctr_call(sock, args, -1, out, sizeof(out), 30000, &err), 0, "%s", err.msg);
	ctr_each_name(out, count_name, &c);
	return c.n;
}

static int everything_in_containerd(const char *sock, const char *needle)
{
	static const char *const kinds[] = { "tasks", "containers", "images", "leases" };
	int n = 0;

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		int k = in_containerd(sock, kinds[i], needle);

		if (k)
			fprintf(stderr, "left in containerd: %d %s of %s\n", k, kinds[i], needle);
		n += k;
	}
	return n;
}

static int run_folders(const char *needle)
{
	DIR *d = opendir(CTD_RUNS_DIR);
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)) != NULL)
		n += strstr(de->d_name, needle) != NULL;
	if (d)
		closedir(d);
	return n;
}

Test(containerd, startup_few_runs_leave_nothing, .timeout = 120)
{
	const char *sock = need_containerd();
	const char *args[] = { "run", "startup", "--runners", "containerd", "--runs", "3", "--warmup", "1", "--out",
			       NULL, NULL };
	char out[64], needle[32];
	struct cli_run r;

	args[9] = temp_dir(out);
	run_bench(&r, NULL, args);
	snprintf(needle, sizeof(needle), RUN_ID_PREFIX "%d-", (int)r.pid);
	cr_expect_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	cr_expect_not_null(strstr(r.out, "containerd"), "no containerd figures: %s", r.out);
	cr_expect_not_null(strstr(r.out, "create"), "no create phase: %s", r.out);
	cr_expect_not_null(strstr(r.out, "start"), "no start phase: %s", r.out);
	cr_expect_not_null(strstr(r.out, "pause container"), "the note on what is not measured is missing: %s",
			   r.out);
	expect_nothing_left(r.pid);
	cr_expect_eq(test_leftover_processes(needle, NULL, true), 0);
	cr_expect_eq(everything_in_containerd(sock, needle), 0);
	cr_expect_eq(run_folders(needle), 0);
	nftw(out, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* bench run storage through containerd: the scratch folder bind-mounted
 * by the spec ctr runs, both patterns measured, nothing left. */
Test(containerd, storage_reaches_the_disk, .timeout = 120)
{
	const char *sock = need_containerd();
	static char text[1 << 16];
	char out[64], csv[128], needle[32];
	const char *args[] = { "run", "storage", "--runners", "containerd", "--scratch-size", "4", "--patterns",
			       "randread_qd1,randwrite_qd32", "--ramp-ms", "0", "--duration-ms", "100", "-n", "1",
			       "-w", "0", "-q", "--out", temp_dir(out), "--export-csv", csv, NULL };
	struct cli_run r;

	snprintf(csv, sizeof(csv), "%s/s.csv", out);
	run_bench(&r, NULL, args);
	cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
	slurp(csv, text, sizeof(text));
	cr_expect_not_null(strstr(text, "\ncontainerd,randread_qd1.p50,"), "%s", text);
	cr_expect_not_null(strstr(text, "\ncontainerd,randwrite_qd32.iops,"), "%s", text);
	snprintf(needle, sizeof(needle), RUN_ID_PREFIX "%d-", (int)r.pid);
	expect_nothing_left(r.pid);
	cr_expect_eq(everything_in_containerd(sock, needle), 0);
	cr_expect_eq(run_folders(needle), 0);
	nftw(out, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* A bench run of the containerd runner, SIGKILLed once a task runs: what it left must be there (or the test proves nothing), and
 * `bench cleanup` must remove all of it. */
Test(containerd, sigkilled_run_is_cleaned_up, .timeout = 180)
{
	const char *sock = need_containerd();
	const char *bin = getenv("BENCH_BIN");
	char out[64], needle[32];
	const char *cleanup[] = { "cleanup", NULL };
	struct cli_run r;
	uint64_t deadline;
	pid_t pid;
	int left = 0;

	if (!bin)
		cr_skip_test("BENCH_BIN is not set (run through 'make test')");
	temp_dir(out);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(null, 2);
		/* density holds idle agents: a task is there to be left. */
		execl(bin, bin, "run", "density", "--runners", "containerd", "--quiet", "--out", out, (char *)NULL);
		_exit(98);
	}
	snprintf(needle, sizeof(needle), RUN_ID_PREFIX "%d-", (int)pid);
	deadline = clock_now_ns() + 60ull * 1000000000u;
	while (clock_now_ns() < deadline && in_containerd(sock, "tasks", needle) == 0)
		usleep(20000);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	cr_assert_gt(in_containerd(sock, "tasks", needle) + in_containerd(sock, "containers", needle), 0,
		     "the killed run left no task: the test proves nothing");
	cr_expect_gt(run_folders(needle), 0, "the killed run left no run folder");

	run_bench(&r, NULL, cleanup);
	cr_expect_eq(r.status, 0, "bench cleanup: exit %d: %s", r.status, r.err);
	cr_expect_not_null(strstr(r.out, "container"), "bench cleanup did not say what it removed: %s", r.out);
	/* ctr run, orphaned, ends with its task: give it a moment. */
	deadline = clock_now_ns() + 20ull * 1000000000u;
	while (clock_now_ns() < deadline && (everything_in_containerd(sock, needle) || test_leftover_processes(needle, NULL, false)))
		usleep(100000);
	left = everything_in_containerd(sock, needle);
	cr_expect_eq(left, 0, "%d objects of the killed run still in containerd", left);
	cr_expect_eq(test_leftover_processes(needle, NULL, true), 0);
	cr_expect_eq(run_folders(needle), 0, "the killed run's folder is still in %s", CTD_RUNS_DIR);
	expect_nothing_left(pid);
	nftw(out, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

Test(containerd, missing_daemon_is_one_clear_line, .timeout = 60)
{
	const char *args[] = { "run", "startup", "--runners", "containerd", "--runs", "2", "--out", NULL, NULL };
	char out[64];
	struct cli_run r;

	SKIP_UNLESS_ROOT();
	test_agent();
	args[7] = temp_dir(out);
	setenv("BENCH_CONTAINERD_SOCK", "/run/bench/no-such-containerd.sock", 1);
	run_bench(&r, NULL, args);
	unsetenv("BENCH_CONTAINERD_SOCK");
	cr_expect_neq(r.status, 0, "a run without containerd succeeded");
	cr_expect_eq(r.err_lines, 1, "not one line: %s", r.err);
	cr_expect_not_null(strstr(r.err, "no containerd answers on"), "%s", r.err);
	cr_expect_not_null(strstr(r.err, "make setup"), "no fix told: %s", r.err);
	expect_nothing_left(r.pid);
	nftw(out, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* A socket that accepts but is no containerd: ctr itself fails, and the
 * run says ctr's own last line, once, leaving nothing. */
Test(containerd, failing_ctr_says_its_last_line, .timeout = 90)
{
	const char *args[] = { "run", "startup", "--runners", "containerd", "--runs", "2", "--out", NULL, NULL };
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char out[64];
	struct cli_run r;
	int fd;

	SKIP_UNLESS_ROOT();
	test_agent();
	if (ctr_installed(&(bench_error){ 0 }) < 0)
		cr_skip_test("ctr is not installed");
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/tmp/bench-test-fake-containerd-%d.sock", (int)getpid());
	unlink(sa.sun_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cr_assert_geq(fd, 0);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(listen(fd, 8), 0);
	args[7] = temp_dir(out);
	setenv("BENCH_CONTAINERD_SOCK", sa.sun_path, 1);
	run_bench(&r, NULL, args);
	unsetenv("BENCH_CONTAINERD_SOCK");
	close(fd);
	unlink(sa.sun_path);
	cr_expect_neq(r.status, 0, "a run against a socket that is no containerd succeeded");
	cr_expect_eq(r.err_lines, 1, "not one line: %s", r.err);
	cr_expect_not_null(strstr(r.err, "ctr: failed to dial"), "not ctr's own words: %s", r.err);
	expect_nothing_left(r.pid);
	nftw(out, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

Test(containerd, ctr_output_is_read_with_bounds)
{
	char line[16];
	const char text[] = "first\nctr: failed \x01\xff to dial\n\n  \n";
	struct count c = { .needle = "bench-" };

	ctr_last_line(text, strlen(text), line, sizeof(line));
	cr_expect_str_eq(line, "ctr: failed ?? ");
	ctr_last_line("", 0, line, sizeof(line));
	cr_expect_str_eq(line, "");
	ctr_last_line("\n\n", 2, line, sizeof(line));
	cr_expect_str_eq(line, "");
	ctr_each_name("bench-1-2-0\nbench-x y\n\nbench-\x01\nnot-ours\nbench-3-4-1", count_name, &c);
	cr_expect_eq(c.n, 2, "names taken: %d", c.n);
}
