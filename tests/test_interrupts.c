/* Guarantee "Interrupts": a run of any runner stopped by SIGINT or SIGKILL
 * at a random moment leaves nothing once `bench cleanup` has run (no cgroup,
 * mount, run folder, domain, process, network link or scratch file); SIGINT
 * always gives exit 130 and keeps what was measured in a results folder that
 * loads; and the next run of a runner removes what a killed one left,
 * saying so in one line.
 *
 * The moments are random but seeded: the seed is printed, and
 * BENCH_TEST_SEED=<seed> replays them.  They are spread over each runner's
 * start-up, measured here first (from exec to its first results folder in a
 * one-sample run), and a little beyond, so that some land after the first
 * sample (bounds below).  The interrupt matrix is printed on stderr. */
#include <criterion/criterion.h>

#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../bench/harness/results.h"
#include "../lib/clock.h"
#include "../lib/run_id.h"
#include "../runners/runner.h"
#include "cli_run.h"

#define TRIES_PER_SIGNAL 20
/* Kills land in [0, start-up * SPREAD], within [MIN_SPREAD_MS,
 * MAX_SPREAD_MS]: mostly during the start-up (for a runner that boots a
 * guest: its boot), some after the first sample (to see it kept).  The
 * floor gives a runner that starts in milliseconds a fair share of kills
 * after bench's own start; the ceiling keeps the file within about three
 * minutes where a loaded host stretches a guest's boot (then the kills all
 * land before its first sample). */
#define SPREAD 1.1
#define MIN_SPREAD_MS 300
#define MAX_SPREAD_MS 5000
#define EXIT_WAIT_MS 60000
#define PROCESS_GRACE_MS 2000

static unsigned seed;
static uint32_t rng_state;

static void seed_once(void)
{
	const char *s = getenv("BENCH_TEST_SEED");

	if (seed)
		return;
	seed = s && *s ? (unsigned)strtoul(s, NULL, 10) : (unsigned)(time(NULL) ^ (getpid() << 8));
	if (!seed)
		seed = 1;
	rng_state = seed;
	fprintf(stderr, "interrupts: seed %u (replay with BENCH_TEST_SEED=%u)\n", seed, seed);
}

static uint32_t rng(void)
{
	/* xorshift32: the same seed gives the same moments. */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Starts BENCH_BIN with args, stdout to /dev/null and stderr to err_path,
 * with the default dispositions a shell gives a foreground job; returns
 * once it has exec'd, so that a delay counts from bench's own start. */
static pid_t spawn_bench(const char *const *args, const char *err_path)
{
	const char *bin = getenv("BENCH_BIN");
	const char *argv[24];
	int sync[2], n = 0;
	pid_t pid;
	char c;

	if (!bin || access(bin, X_OK) != 0)
		cr_skip_test("BENCH_BIN is not set to the built bench (run through 'make test')");
	argv[n++] = bin;
	for (; *args && n < 23; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	cr_assert_eq(pipe2(sync, O_CLOEXEC), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int out = open("/dev/null", O_WRONLY | O_CLOEXEC);
		int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		struct sigaction dfl;
		sigset_t none;

		memset(&dfl, 0, sizeof(dfl));
		dfl.sa_handler = SIG_DFL;
		sigaction(SIGINT, &dfl, NULL);
		sigaction(SIGTERM, &dfl, NULL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (out < 0 || err < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
			_exit(97);
		execv(bin, (char *const *)argv);
		_exit(98);
	}
	close(sync[1]);
	/* End of file: the exec closed the child's end. */
	while (read(sync[0], &c, 1) < 0 && errno == EINTR)
		;
	close(sync[0]);
	return pid;
}

/* Waits for pid until deadline; false if it is still running then.  *status
 * gets the exit code or 128 + the signal, *by_signal whether it was killed. */
static bool wait_exit(pid_t pid, uint64_t deadline_ns, int *status, bool *by_signal)
{
	int st;

	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid)
			break;
		if (clock_now_ns() >= deadline_ns)
			return false;
		sleep_ms(2);
	}
	*by_signal = WIFSIGNALED(st);
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return true;
}

static void wait_or_kill(pid_t pid, int *status, bool *by_signal, bool *ended)
{
	*ended = wait_exit(pid, clock_now_ns() + (uint64_t)EXIT_WAIT_MS * 1000000u, status, by_signal);
	if (!*ended) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

static bool dir_is_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	bool empty = true;

	while (d && (de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			empty = false;
	if (d)
		closedir(d);
	return empty;
}

/* The folder named by a "bench: results in DIR" line of err, into dir. */
static bool results_dir_told(const char *err, char *dir, size_t dirsz)
{
	const char *p = strstr(err, "bench: results in ");

	if (!p)
		return false;
	p += strlen("bench: results in ");
	snprintf(dir, dirsz, "%.*s", (int)strcspn(p, "\n"), p);
	return true;
}

/* Samples in a results folder, loaded as `bench report` loads it; -1 when
 * it does not load. */
static long folder_samples(const char *dir, char *why, size_t whysz)
{
	struct results res;
	bench_error err = { 0 };
	long n = 0;

	if (results_load(&res, dir, &err) < 0) {
		snprintf(why, whysz, "%.200s", err.msg);
		return -1;
	}
	for (size_t i = 0; i < res.nseries; i++)
		n += (long)res.series[i].n;
	results_free(&res);
	return n;
}

static void run_needle(pid_t pid, char *needle, size_t sz)
{
	snprintf(needle, sz, RUN_ID_PREFIX "%d-", (int)pid);
}

/* Network links a run could have made (veth, tap): the names here now,
 * each between spaces. */
static void net_links(char *out, size_t sz)
{
	DIR *d = opendir("/sys/class/net");
	struct dirent *de;

	snprintf(out, sz, " ");
	while (d && (de = readdir(d)) != NULL)
		if (de->d_name[0] != '.') {
			strncat(out, de->d_name, sz - strlen(out) - 1);
			strncat(out, " ", sz - strlen(out) - 1);
		}
	if (d)
		closedir(d);
}

/* Links in now that were not in before. */
static int new_links(const char *before, const char *now, bool tell)
{
	char copy[4096], word[300];
	int found = 0;

	snprintf(copy, sizeof(copy), "%s", now);
	for (char *save = NULL, *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		snprintf(word, sizeof(word), " %s ", w);
		if (!strstr(before, word)) {
			if (tell)
				fprintf(stderr, "left behind: network link %s\n", w);
			found++;
		}
	}
	return found;
}

static int leftovers_now(const char *needle, const char *links_before, bool tell)
{
	char links[4096];

	net_links(links, sizeof(links));
	return test_leftovers_of_run(needle, test_agent(), tell) + new_links(links_before, links, tell);
}

/* After `bench cleanup`: a process being torn down gets a moment to go. */
static int leftovers_settled(const char *needle, const char *links_before)
{
	uint64_t deadline = clock_now_ns() + (uint64_t)PROCESS_GRACE_MS * 1000000u;

	while (leftovers_now(needle, links_before, false) > 0 && clock_now_ns() < deadline)
		sleep_ms(20);
	return leftovers_now(needle, links_before, true);
}

static void remove_tree(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static bool run_cleanup(void)
{
	static const char *const args[] = { "cleanup", NULL };
	char err_path[] = "/tmp/bench-int-cleanup-XXXXXX";
	int fd = mkstemp(err_path), status;
	bool by_signal, ended;
	pid_t pid;

	cr_assert_geq(fd, 0);
	close(fd);
	pid = spawn_bench(args, err_path);
	wait_or_kill(pid, &status, &by_signal, &ended);
	unlink(err_path);
	return ended && status == 0;
}

/* --- the start-up of each runner ---------------------------------------- */

/* Milliseconds from exec to the results folder of a one-sample run: the
 * start-up, the first sample and its teardown.  0 when the runner cannot
 * run here (why says so). */
static unsigned startup_ms(const struct runner_ops *ops, char *why, size_t whysz)
{
	const char *args[] = { "run", "startup", "--runners", ops->name, "--runs", "1", "--warmup", "0",
			       "--quiet", "--out", NULL, NULL };
	char out[64], err_path[] = "/tmp/bench-int-cal-XXXXXX", err[4096];
	uint64_t t0, t_folder = 0;
	int fd = mkstemp(err_path), status = -1;
	bool by_signal = false;
	pid_t pid;

	cr_assert_geq(fd, 0);
	close(fd);
	args[10] = temp_dir(out);
	pid = spawn_bench(args, err_path);
	t0 = clock_now_ns();
	while (!wait_exit(pid, clock_now_ns(), &status, &by_signal)) {
		if (!t_folder && !dir_is_empty(out))
			t_folder = clock_now_ns();
		if (clock_now_ns() - t0 > (uint64_t)EXIT_WAIT_MS * 1000000u) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			break;
		}
		sleep_ms(2);
	}
	slurp(err_path, err, sizeof(err));
	unlink(err_path);
	remove_tree(out);
	if (status != 0 || !t_folder) {
		snprintf(why, whysz, "exit %d: %.*s", status, (int)strcspn(err, "\n"), err);
		return 0;
	}
	return (unsigned)((t_folder - t0) / 1000000u);
}

/* --- one interrupted run ---------------------------------------------------- */

struct tally {
	const char *runner;
	int sig;
	unsigned startup_ms;   /* measured: exec to the first results folder */
	unsigned max_delay_ms;
	int tries;
	int exit_130;        /* exited with 130 */
	int died_early;      /* SIGINT before bench's handler: no run yet */
	int kept_samples;    /* a results folder that loads, with samples */
	int tries_left_before, objects_left_before;
	int tries_left_after, objects_left_after;
	int failures;
	double seconds;
};

static void interrupt_once(const struct runner_ops *ops, int sig, unsigned delay_ms, struct tally *t)
{
	const char *args[] = { "run", "startup", "--runners", ops->name, "--runs", "100000", "--warmup", "0",
			       "--quiet", "--out", NULL, NULL };
	char out[64], err_path[] = "/tmp/bench-int-err-XXXXXX", err[4096], needle[32], links[4096];
	char folder[PATH_MAX], why[256] = "";
	int fd = mkstemp(err_path), status, before, after = 0;
	bool by_signal, ended;
	pid_t pid;
	const char *sname = sig == SIGINT ? "SIGINT" : "SIGKILL";

	cr_assert_geq(fd, 0);
	close(fd);
	net_links(links, sizeof(links));
	args[10] = temp_dir(out);
	pid = spawn_bench(args, err_path);
	sleep_ms(delay_ms);
	kill(pid, sig);
	wait_or_kill(pid, &status, &by_signal, &ended);
	slurp(err_path, err, sizeof(err));
	unlink(err_path);
	run_needle(pid, needle, sizeof(needle));
	t->tries++;
	cr_expect(ended, "seed %u: %s %s after %u ms: bench still ran %d s later", seed, ops->name, sname, delay_ms,
		  EXIT_WAIT_MS / 1000);

	if (sig == SIGINT && ended) {
		bool told = results_dir_told(err, folder, sizeof(folder));

		if (!by_signal && status == 130) {
			t->exit_130++;
			if (told) {
				long n = folder_samples(folder, why, sizeof(why));

				cr_expect_gt(n, 0, "seed %u: %s SIGINT after %u ms: results folder %s: %s", seed,
					     ops->name, delay_ms, folder, n < 0 ? why : "no samples");
				t->kept_samples += n > 0;
				t->failures += n <= 0;
			} else if (!dir_is_empty(out)) {
				cr_expect_fail("seed %u: %s SIGINT after %u ms: a results folder in %s not told: %s",
					       seed, ops->name, delay_ms, out, err);
				t->failures++;
			}
		} else if (by_signal && status == 128 + SIGINT && !err[0] && dir_is_empty(out)) {
			/* Before session_begin() installs the handler bench has
			 * made nothing: the default action is the right one, and
			 * a shell sees 130 too. */
			t->died_early++;
		} else {
			cr_expect_fail("seed %u: %s SIGINT after %u ms: exit %d%s, stderr: %s", seed, ops->name,
				       delay_ms, status, by_signal ? " (killed)" : "", err);
			t->failures++;
		}
	}

	before = leftovers_now(needle, links, sig == SIGINT);
	if (before > 0) {
		t->tries_left_before++;
		t->objects_left_before += before;
		if (sig == SIGINT) {
			cr_expect_fail("seed %u: %s SIGINT after %u ms left %d things behind (exit %d): %s", seed,
				       ops->name, delay_ms, before, status, err);
			t->failures++;
		}
		cr_expect(run_cleanup(), "seed %u: bench cleanup failed", seed);
		after = leftovers_settled(needle, links);
	}
	if (after > 0) {
		t->tries_left_after++;
		t->objects_left_after += after;
		t->failures++;
		cr_expect_fail("seed %u: %s %s after %u ms: %d things left after bench cleanup", seed, ops->name,
			       sname, delay_ms, after);
	}
	remove_tree(out);
}

static void print_matrix(const struct tally *t, int n, const char *skipped)
{
	fprintf(stderr, "interrupts: seed %u, %d tries per runner and signal; left_*: things (tries)\n", seed,
		TRIES_PER_SIGNAL);
	fprintf(stderr, "%-10s %-7s %10s %9s %5s %8s %10s %8s %16s %16s %8s %7s\n", "runner", "signal", "startup_ms",
		"delay_ms",
		"tries", "exit_130", "died_early", "kept_res", "left_before", "left_after", "failures", "seconds");
	for (int i = 0; i < n; i++) {
		char delay[24], before[24], after[24], line[256];

		snprintf(delay, sizeof(delay), "0-%u", t[i].max_delay_ms);
		snprintf(before, sizeof(before), "%d (%d)", t[i].objects_left_before, t[i].tries_left_before);
		snprintf(after, sizeof(after), "%d (%d)", t[i].objects_left_after, t[i].tries_left_after);
		snprintf(line, sizeof(line), "%-10s %-7s %10u %9s %5d %8d %10d %8d %16s %16s %8d %7.1f", t[i].runner,
			 t[i].sig == SIGINT ? "SIGINT" : "SIGKILL", t[i].startup_ms, delay, t[i].tries, t[i].exit_130, t[i].died_early,
			 t[i].kept_samples, before, after, t[i].failures, t[i].seconds);
		fprintf(stderr, "%s\n", line);
		cr_log_info("%s", line);
	}
	if (skipped[0])
		fprintf(stderr, "interrupts: not run here: %s\n", skipped);
}

Test(interrupts, random_sigint_and_sigkill_leave_nothing_after_cleanup, .timeout = 600)
{
	struct tally t[16];
	char skipped[1024] = "";
	int n = 0;

	SKIP_UNLESS_ROOT();
	test_agent();
	seed_once();
	for (const struct runner_ops *const *r = runner_table; *r && n + 2 <= 16; r++) {
		char why[300] = "";
		unsigned up = startup_ms(*r, why, sizeof(why));

		if (!up) {
			/* A runner that cannot run here is not a leak. */
			snprintf(skipped + strlen(skipped), sizeof(skipped) - strlen(skipped), "%s (%s) ", (*r)->name,
				 why);
			continue;
		}
		for (int s = 0; s < 2; s++) {
			uint64_t t0 = clock_now_ns();

			unsigned spread = (unsigned)(up * SPREAD);

			spread = spread < MIN_SPREAD_MS ? MIN_SPREAD_MS : spread > MAX_SPREAD_MS ? MAX_SPREAD_MS : spread;
			t[n] = (struct tally){ .runner = (*r)->name, .sig = s ? SIGKILL : SIGINT, .startup_ms = up,
					       .max_delay_ms = spread };
			for (int i = 0; i < TRIES_PER_SIGNAL; i++)
				interrupt_once(*r, t[n].sig, rng() % (t[n].max_delay_ms + 1), &t[n]);
			t[n].seconds = (double)(clock_now_ns() - t0) / 1e9;
			n++;
		}
	}
	print_matrix(t, n, skipped);
	cr_expect_gt(n, 0, "no runner could run here: %s", skipped);
}

/* --- the next run cleans up ------------------------------------------------- */

/* SIGKILLs a run of ops once one of its workloads runs (an agent, a QEMU);
 * its needle into needle; false if it left nothing (it was between two). */
static bool kill_mid_run(const struct runner_ops *ops, char *needle, size_t sz, char *links, size_t linksz)
{
	const char *args[] = { "run", "startup", "--runners", ops->name, "--runs", "100000", "--warmup", "0",
			       "--quiet", "--out", NULL, NULL };
	char out[64], err_path[] = "/tmp/bench-int-mid-XXXXXX";
	uint64_t deadline = clock_now_ns() + (uint64_t)EXIT_WAIT_MS * 1000000u;
	int fd = mkstemp(err_path), status;
	bool by_signal, left;
	pid_t pid;

	cr_assert_geq(fd, 0);
	close(fd);
	net_links(links, linksz);
	args[10] = temp_dir(out);
	bool exited = false;

	pid = spawn_bench(args, err_path);
	run_needle(pid, needle, sz);
	while (test_leftover_processes(needle, NULL, false) == 0 && clock_now_ns() < deadline &&
	       !(exited = wait_exit(pid, clock_now_ns(), &status, &by_signal)))
		sleep_ms(1);
	if (!exited) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	unlink(err_path);
	remove_tree(out);
	left = leftovers_now(needle, links, false) > 0;
	return left;
}

Test(interrupts, a_new_run_removes_what_a_killed_run_left, .timeout = 300)
{
	int tested = 0;

	SKIP_UNLESS_ROOT();
	test_agent();
	seed_once();
	for (const struct runner_ops *const *r = runner_table; *r; r++) {
		const char *args[] = { "run", "startup", "--runners", (*r)->name, "--runs", "1", "--warmup", "0",
				       "--quiet", "--out", NULL, NULL };
		char out[64], err_path[] = "/tmp/bench-int-next-XXXXXX", err[4096], dead[32], next[32];
		char links[4096];
		const char *line;
		int fd, status, lines = 0, left;
		bool by_signal, ended, killed = false;
		pid_t pid;

		for (int attempt = 0; attempt < 5 && !killed; attempt++)
			killed = kill_mid_run(*r, dead, sizeof(dead), links, sizeof(links));
		if (!killed) {
			fprintf(stderr, "interrupts: %s: no killed run left anything to clean (or it cannot run here)\n",
				(*r)->name);
			continue;
		}
		fd = mkstemp(err_path);
		cr_assert_geq(fd, 0);
		close(fd);
		args[10] = temp_dir(out);
		pid = spawn_bench(args, err_path);
		wait_or_kill(pid, &status, &by_signal, &ended);
		slurp(err_path, err, sizeof(err));
		unlink(err_path);
		remove_tree(out);
		run_needle(pid, next, sizeof(next));
		tested++;
		cr_expect(ended && status == 0, "%s: the run after a killed one: exit %d: %s", (*r)->name, status, err);
		for (const char *p = err; (p = strstr(p, "bench: removed what an interrupted earlier run left: ")); p++)
			lines++;
		cr_expect_eq(lines, 1, "%s: the run after a killed one said %d times what it removed: %s", (*r)->name,
			     lines, err);
		line = strstr(err, "bench: removed what an interrupted earlier run left: ");
		if (line)
			fprintf(stderr, "interrupts: %s: %.*s\n", (*r)->name, (int)strcspn(line, "\n"), line);
		left = leftovers_settled(dead, links);
		cr_expect_eq(left, 0, "%s: the killed run %s still left %d things after the next run", (*r)->name, dead,
			     left);
		cr_expect_eq(leftovers_now(next, links, true), 0, "%s: the next run left something", (*r)->name);
	}
	cr_expect_gt(tested, 0, "no runner could run here");
}
