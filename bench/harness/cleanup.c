/* bench cleanup: each runner removes what an interrupted run of it left
 * behind (cgroups, run folders, libvirt domains), and nothing that a
 * running bench still uses; this prints what they removed, by kind. */
#include <stdio.h>
#include <string.h>

#include "../../runners/runner.h"
#include "cleanup.h"

int cmd_cleanup(int argc, char **argv)
{
	bool all = false;
	struct runner_cleanup_counts removed = { 0 };
	int failed = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--all") == 0) {
			all = true;
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			puts("usage: bench cleanup [--all]\n"
			     "Removes the cgroups, run folders and libvirt domains that an interrupted run left.\n"
			     "Those of a bench that is still running are kept unless --all is given.");
			return 0;
		} else {
			fprintf(stderr, "bench: cleanup: unknown argument '%s'\n", argv[i]);
			return BENCH_EXIT_USAGE;
		}
	}
	for (const struct runner_ops *const *r = runner_table; *r; r++) {
		bench_error err = { 0 };

		if ((*r)->cleanup && (*r)->cleanup(all, &removed, &err) < 0) {
			bench_error_print(&err);
			failed = 1;
		}
	}
	for (int k = 0; k < removed.nkinds; k++)
		printf("%s removed: %u\n", removed.kinds[k].kind, removed.kinds[k].n);
	return failed ? BENCH_EXIT_FAIL : BENCH_EXIT_OK;
}
