/* process_sweep_after: a process that ends by itself within the grace is
 * left to end (a containerd shim finishing its own runc delete), one that
 * does not is SIGKILLed once the grace is over. */
#include <criterion/criterion.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/clock.h"
#include "../lib/process_sweep.h"

/* Until the child has exec'd: before that its command line is ours. */
static void wait_named(pid_t pid, const char *needle)
{
	for (int i = 0; i < 400; i++) {
		char path[64], buf[256] = "";
		struct timespec ts = { 0, 5000000 };
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
		f = fopen(path, "re");
		if (f) {
			size_t n = fread(buf, 1, sizeof(buf) - 1, f);

			fclose(f);
			buf[n] = '\0';
		}
		if (strcmp(buf, needle) == 0)
			return;
		nanosleep(&ts, NULL);
	}
	cr_assert_fail("%s never ran", needle);
}

/* sleep(1) for `seconds`, with needle as its argv[0], so that its command
 * line names it; returned once it does. */
static pid_t sleeper(const char *seconds, char *needle, size_t sz)
{
	pid_t pid;

	snprintf(needle, sz, "bench-sweep-test-%d-%s", (int)getpid(), seconds);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		execl("/bin/sleep", needle, seconds, (char *)NULL);
		_exit(127);
	}
	wait_named(pid, needle);
	return pid;
}

Test(process_sweep, one_that_ends_within_the_grace_is_left_to_end)
{
	char needle[96];
	pid_t pid = sleeper("0.3", needle, sizeof(needle));
	uint64_t t0;
	int st;

	t0 = clock_now_ns();
	/* The zombie it becomes names nothing: it is not waited for. */
	cr_expect_eq(process_sweep_after(needle, 5000), 0, "a process that ended by itself was killed");
	cr_expect_lt(ns_to_ms(clock_now_ns() - t0), 4000, "the grace was waited out, not the process");
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d: it did not end by itself", st);
}

Test(process_sweep, one_that_does_not_end_is_killed_after_the_grace)
{
	char needle[96];
	pid_t pid = sleeper("60", needle, sizeof(needle));
	uint64_t t0;
	int st;

	t0 = clock_now_ns();
	cr_expect_eq(process_sweep_after(needle, 300), 1);
	cr_expect_geq(ns_to_ms(clock_now_ns() - t0), 300, "killed before its grace was over");
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_expect(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status %d", st);
}
