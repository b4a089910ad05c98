/* A launch storm larger than the host's fd limit allows: bench stops with
 * one line that names the limit and what to do, keeps what it measured,
 * and leaves nothing behind. */
#include <sys/resource.h>

#include "cli_run.h"

Test(fd_limit, a_storm_past_ulimit_n_fails_cleanly)
{
	const char *args[] = { "run",	 "density", "--runners", "container", "--storm-max", "128", "--runs", "1",
			       "--warmup", "0",	      "--quiet",   "--out",	    NULL,	   NULL };
	char dir[64], errors[4096] = "";
	struct rlimit saved, low;
	struct cli_run r;
	int nerrors = 0;

	SKIP_UNLESS_ROOT();
	test_agent();
	args[12] = temp_dir(dir);
	cr_assert_eq(getrlimit(RLIMIT_NOFILE, &saved), 0);
	low = saved;
	low.rlim_cur = 64;
	cr_assert_eq(setrlimit(RLIMIT_NOFILE, &low), 0);
	run_bench(&r, NULL, args);
	setrlimit(RLIMIT_NOFILE, &saved);
	cr_expect_eq(r.status, 1, "exit %d: %s", r.status, r.err);
	/* Besides where the storms that fitted went, one line. */
	for (char *line = strtok(r.err, "\n"); line; line = strtok(NULL, "\n"))
		if (strncmp(line, "bench: results in ", 18) != 0) {
			nerrors++;
			strncat(errors, line, sizeof(errors) - strlen(errors) - 2);
			strcat(errors, "\n");
		}
	cr_expect_eq(nerrors, 1, "%s", errors);
	cr_expect(strstr(errors, "Too many open files") && strstr(errors, "ulimit -n is 64"), "%s", errors);
	expect_nothing_left(r.pid);
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}
