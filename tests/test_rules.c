/* Project rules that a grep can keep, run with the tests so that a
 * regression fails `make test` as well as `make lint`. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

/* lib/error.h: nothing below main() prints; the cmd layer does. */
Test(rules, nothing_below_main_prints)
{
	char cmd[4096];
	int st;

	snprintf(cmd, sizeof(cmd), "%s/scripts/check-no-print.sh 2>&1", BENCH_TEST_ROOT);
	st = system(cmd);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		  "a file below the cmd layer prints (see the lines above, and scripts/check-no-print.sh)");
}
