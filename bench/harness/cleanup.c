/* bench cleanup: each runner removes what an interrupted run of it left
 * behind (cgroups, run folders, libvirt domains), and nothing that a
 * running bench still uses; this prints what they removed, by kind. */
#include <stdio.h>
#include <string.h>

#include "../../runners/runner.h"
#include "cleanup.h"
#include "scratch.h"

int cleanup_dead_runs(const char *const *runners, int nrunners, const char *libvirt_uri, bool all,
		      struct runner_cleanup_counts *removed, bench_error *err)
{
	int rc = 0;

	for (const struct runner_ops *const *r = runner_table; *r; r++) {
		bench_error one = { 0 };
		bool chosen = runners == NULL;

		for (int i = 0; i < nrunners && !chosen; i++)
			chosen = strcmp(runners[i], (*r)->name) == 0;
		if (!chosen || !(*r)->cleanup)
			continue;
		/* Every runner gets its turn; the first failure is the one told. */
		if ((*r)->cleanup(all, removed, &one) < 0 && rc == 0) {
			*err = one;
			rc = -1;
		}
		if (libvirt_uri && (*r)->cleanup_libvirt && (*r)->cleanup_libvirt(libvirt_uri, all, removed, &one) < 0 &&
		    rc == 0) {
			*err = one;
			rc = -1;
		}
	}
	/* Scratch disks (bench run storage) belong to no runner. */
	{
		bench_error one = { 0 };
		unsigned n = 0;

		if (scratch_cleanup(scratch_default_dir(), all, &n, &one) < 0 && rc == 0) {
			*err = one;
			rc = -1;
		}
		runner_cleanup_add(removed, "scratch folders", n);
	}
	return rc;
}

void cleanup_describe(const struct runner_cleanup_counts *removed, char *buf, size_t sz)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int k = 0; k < removed->nkinds; k++) {
		if (removed->kinds[k].n == 0 || len >= sz)
			continue;
		len += (size_t)snprintf(buf + len, sz - len, "%s%u %s", len ? ", " : "", removed->kinds[k].n,
					removed->kinds[k].kind);
	}
}

int cmd_cleanup(int argc, char **argv)
{
	bool all = false;
	const char *uri = NULL;
	struct runner_cleanup_counts removed = { 0 };
	int failed = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--all") == 0) {
			all = true;
		} else if (strcmp(argv[i], "--libvirt-uri") == 0) {
			if (i + 1 >= argc || !argv[i + 1][0]) {
				fprintf(stderr, "bench: cleanup: --libvirt-uri needs a URI\n");
				return BENCH_EXIT_USAGE;
			}
			uri = argv[++i];
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			puts("usage: bench cleanup [--all] [--libvirt-uri URI]\n"
			     "Removes the cgroups, run folders, libvirt domains, QEMU processes, network links,\n"
			     "NAT tables and scratch disks that an interrupted run left.\n"
			     "Those of a bench that is still running are kept unless --all is given, which also\n"
			     "removes the saved guests of --vm-start restore.\n"
			     "--libvirt-uri: also the domains and cut-short uploads that runs of this machine\n"
			     "left at that libvirt host (the uploaded kernels and initramfs stay: a cache).");
			return 0;
		} else {
			fprintf(stderr, "bench: cleanup: unknown argument '%s'\n", argv[i]);
			return BENCH_EXIT_USAGE;
		}
	}
	{
		bench_error err = { 0 };

		if (cleanup_dead_runs(NULL, 0, uri, all, &removed, &err) < 0) {
			bench_error_print(&err);
			failed = 1;
		}
	}
	for (int k = 0; k < removed.nkinds; k++)
		printf("%s removed: %u\n", removed.kinds[k].kind, removed.kinds[k].n);
	return failed ? BENCH_EXIT_FAIL : BENCH_EXIT_OK;
}
