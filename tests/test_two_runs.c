/* Two `bench run` on one host at the same time: both succeed, and neither's
 * set-up, teardown or clean-up of dead runs touches the other's things (the
 * shared bench.slice and /run/bench, the runs' own cgroups and folders). */
#include <criterion/criterion.h>

#include <fcntl.h>
#include <ftw.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_run.h"
#include "helpers.h"

extern char **environ;

#define RUNS "40"

static pid_t start_run(const char *out_dir)
{
	const char *bin = getenv("BENCH_BIN");
	char *const argv[] = { (char *)bin,	   "run",   "startup", "--runners", "host,container",
			       "--runs",	   RUNS,    "--warmup", "0",	     "--quiet",
			       "--out",		   (char *)out_dir, NULL };
	posix_spawn_file_actions_t fa;
	pid_t pid = -1;

	cr_assert_not_null(bin, "BENCH_BIN is not set (run through 'make test')");
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	cr_assert_eq(posix_spawn(&pid, bin, &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	return pid;
}

Test(two_runs, at_once_both_succeed_and_leave_nothing, .timeout = 240)
{
	char dir_a[64], dir_b[64];
	pid_t a, b;
	int st_a = 0, st_b = 0;

	SKIP_UNLESS_ROOT();
	temp_dir(dir_a);
	temp_dir(dir_b);
	/* Several rounds, so that one run's start or end lands inside the
	 * other's life in more than one way. */
	for (int round = 0; round < 3; round++) {
		a = start_run(dir_a);
		if (round == 1)
			usleep(50 * 1000);
		b = start_run(dir_b);
		cr_assert_eq(waitpid(a, &st_a, 0), a);
		cr_assert_eq(waitpid(b, &st_b, 0), b);
		cr_expect(WIFEXITED(st_a) && WEXITSTATUS(st_a) == 0, "round %d: the first run ended with status 0x%x",
			  round, st_a);
		cr_expect(WIFEXITED(st_b) && WEXITSTATUS(st_b) == 0, "round %d: the second run ended with status 0x%x",
			  round, st_b);
		expect_nothing_left(a);
		expect_nothing_left(b);
	}
	nftw(dir_a, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	nftw(dir_b, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}
