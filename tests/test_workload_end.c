/* How a workload ends, as a user meets it: a crash fails the run, nothing it
 * started outlives it, and Ctrl-C during the wait for READY ends the run at
 * once whatever the timeout. */
#include <dirent.h>
#include <ftw.h>
#include <limits.h>
#include <sys/wait.h>
#include <time.h>

#include "../lib/clock.h"
#include "cli_run.h"
#include "helpers.h"

static void expect_crash_fails(const char *runners)
{
	char dir[64], path[PATH_MAX];
	const char *args[] = { "run", "startup", "--runners", runners, "--runs", "3", "--warmup", "0",
			       "--quiet", "--out", NULL, NULL };
	struct cli_opts o = { .agent = test_fixture("agent_crash", path, sizeof(path)) };
	struct cli_run r;

	args[10] = temp_dir(dir);
	run_bench(&r, &o, args);
	cr_expect_eq(r.status, 1, "%s: exit %d, stderr: %s", runners, r.status, r.err);
	cr_expect(strstr(r.err, "workload killed by signal 11 (Segmentation fault)"), "%s: %s", runners, r.err);
	cr_expect_eq(r.err_lines, 1, "%s", r.err);
	expect_nothing_left(r.pid);
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

Test(workload_end, a_crash_after_ready_fails_the_host_run)
{
	expect_crash_fails("host");
}

Test(workload_end, a_crash_after_ready_fails_the_container_run)
{
	SKIP_UNLESS_ROOT();
	expect_crash_fails("container");
}

/* Live (not zombie) processes whose comm is name; SIGKILLed (by pid)
 * when kill is true, so that survivors do not disturb later tests. */
static int count_alive(const char *name, bool kill_them)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0;

	cr_assert_not_null(d);
	while ((de = readdir(d)) != NULL) {
		char path[300], buf[512], *close_paren;
		FILE *f;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		buf[0] = '\0';
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
		close_paren = strrchr(buf, ')');
		snprintf(path, sizeof(path), "(%s)", name);
		if (close_paren && strstr(buf, path) && close_paren[1] == ' ' && close_paren[2] != 'Z') {
			n++;
			if (kill_them)
				kill((pid_t)atoi(de->d_name), SIGKILL);
		}
	}
	closedir(d);
	return n;
}

Test(workload_end, nothing_a_host_workload_starts_outlives_it)
{
	char dir[64], path[PATH_MAX];
	const char *args[] = { "run", "startup", "--runners", "host", "--runs", "3", "--warmup", "0",
			       "--quiet", "--out", NULL, NULL };
	struct cli_opts o = { .agent = test_fixture("agent_forker", path, sizeof(path)) };
	struct cli_run r;
	int left;

	SKIP_UNLESS_ROOT(); /* the daemon that setsid()s is caught by a cgroup */
	cr_assert_eq(count_alive("agent_forker", false), 0, "agent_forker processes from elsewhere");
	args[10] = temp_dir(dir);
	run_bench(&r, &o, args);
	cr_expect_eq(r.status, 0, "exit %d, stderr: %s", r.status, r.err);
	left = count_alive("agent_forker", true);
	cr_expect_eq(left, 0, "%d processes of the workload outlived it", left);
	expect_nothing_left(r.pid);
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* The agent bench started, once it runs (its first child). */
static bool has_child(pid_t pid)
{
	char path[64], buf[64] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid, (int)pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return buf[0] >= '0' && buf[0] <= '9';
}

/* SIGINT at a random moment of a wait for a READY that never comes, with a
 * timeout of an hour: bench must react at once.  Its reaction is the time
 * to its one line on stderr, which it prints as it leaves; the exit itself
 * comes later under the sanitizers (LeakSanitizer scans the heap at exit),
 * so the exit is bound more loosely.  The figures are printed. */
Test(workload_end, ctrl_c_during_the_wait_for_ready_ends_the_run_at_once, .timeout = 120)
{
	const char *bin = getenv("BENCH_BIN");
	char path[PATH_MAX], dir[64];
	double worst_line = 0, worst_exit = 0, sum_line = 0, sum_exit = 0;
	const int tries = 8;

	test_fixture("agent_silent", path, sizeof(path));
	if (!bin)
		cr_skip_test("BENCH_BIN is not set (run through 'make test')");
	temp_dir(dir);
	srand((unsigned)time(NULL));
	for (int i = 0; i < tries; i++) {
		int delay_ms = rand() % 301, st, errp[2];
		uint64_t t_sig, t_line = 0, t_exit;
		char text[512] = "";
		size_t got = 0;
		pid_t pid;

		cr_assert_eq(pipe(errp), 0);
		pid = fork();
		cr_assert_geq(pid, 0);
		if (pid == 0) {
			int null = open("/dev/null", O_WRONLY);

			dup2(null, 1);
			dup2(errp[1], 2);
			setenv("BENCH_AGENT", path, 1);
			execl(bin, bin, "run", "startup", "--runners", "host", "--runs", "5", "--warmup", "0",
			      "--timeout", "3600", "--quiet", "--out", dir, (char *)NULL);
			_exit(98);
		}
		close(errp[1]);
		for (int w = 0; w < 3000 && !has_child(pid); w++) {
			struct timespec ts = { 0, 1000000 };

			nanosleep(&ts, NULL);
		}
		cr_assert(has_child(pid), "bench never started its agent");
		{
			struct timespec ts = { 0, delay_ms * 1000000L };

			nanosleep(&ts, NULL);
		}
		t_sig = clock_now_ns();
		kill(pid, SIGINT);
		for (;;) {
			ssize_t n = read(errp[0], text + got, sizeof(text) - 1 - got);

			if (n <= 0)
				break;
			if (!t_line)
				t_line = clock_now_ns();
			got += (size_t)n;
		}
		text[got] = '\0';
		close(errp[0]);
		cr_assert_eq(waitpid(pid, &st, 0), pid);
		t_exit = clock_now_ns();
		cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 130, "try %d: wait status %#x", i, st);
		cr_expect(strstr(text, "interrupted"), "try %d: %s", i, text);
		cr_assert_neq(t_line, 0);
		sum_line += (double)(t_line - t_sig) / 1e6;
		sum_exit += (double)(t_exit - t_sig) / 1e6;
		if ((double)(t_line - t_sig) / 1e6 > worst_line)
			worst_line = (double)(t_line - t_sig) / 1e6;
		if ((double)(t_exit - t_sig) / 1e6 > worst_exit)
			worst_exit = (double)(t_exit - t_sig) / 1e6;
		cr_expect_lt(t_line - t_sig, 100 * 1000000u, "try %d (SIGINT %d ms into the wait): reacted after %.1f ms",
			     i, delay_ms, (double)(t_line - t_sig) / 1e6);
		cr_expect_lt(t_exit - t_sig, 1000 * 1000000u, "try %d: exited %.1f ms after SIGINT", i,
			     (double)(t_exit - t_sig) / 1e6);
		expect_nothing_left(pid);
	}
	fprintf(stderr,
		"ctrl-c, sanitized bench, %d tries: reaction (its line) mean %.1f ms, worst %.1f ms; "
		"exit mean %.1f ms, worst %.1f ms\n",
		tries, sum_line / tries, worst_line, sum_exit / tries, worst_exit);
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}
