/* bench cleanup: remove what an interrupted run left behind (cgroups, run
 * folders, libvirt domains), and nothing that a running bench still uses. */
#include <stdio.h>
#include <string.h>

#include "../../container/cgroup.h"
#include "../../container/rootfs.h"
#include "../../vm/cleanup.h"
#include "cleanup.h"

int cmd_cleanup(int argc, char **argv)
{
	bool all = false;
	struct cg_layout layout;
	bench_error err = { 0 };
	int n, failed = 0;

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
	if (cg_detect(&layout, &err) == 0) {
		n = cg_cleanup_stale(&layout, all, &err);
		if (n < 0) {
			bench_error_print(&err);
			failed = 1;
		} else {
			printf("cgroups removed: %d\n", n);
		}
	}
	n = rootfs_cleanup_stale(all, &err);
	printf("run folders removed: %d\n", n < 0 ? 0 : n);
	n = vm_cleanup_stale(NULL, all, &err);
	if (n < 0) {
		bench_error_print(&err);
		failed = 1;
	} else {
		printf("libvirt domains removed: %d\n", n);
	}
	return failed ? BENCH_EXIT_FAIL : BENCH_EXIT_OK;
}
