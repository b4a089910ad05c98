/* The guest kernels bench keeps in its cache: Debian's cloud kernel that
 * scripts/setup.sh caches (<cache>/kernel/current/vmlinuz, its release
 * string in .../release), and the minimal one that `make guest-kernel`
 * builds (scripts/guest-kernel.sh: <cache>/kernel/minimal/, the same
 * files). */
#ifndef BENCH_VM_KERNEL_CACHE_H
#define BENCH_VM_KERNEL_CACHE_H

#include <stddef.h>

#include "../lib/error.h"

struct guest_kernel {
	char path[4096];     /* the vmlinuz, symlinks resolved */
	char release[128];   /* "6.1.0-57-cloud-amd64" */
	char kind[16];       /* "distro", "minimal" or "file" (guest_kernel.h) */
	char sha256[65];     /* of the vmlinuz; "" until guest_kernel_find */
};

/* Finds and checks the cached distro kernel under cache_dir (size > 1 MiB
 * and the bzImage "HdrS" magic at 0x202): a missing kernel fails with
 * "guest kernel not found in DIR: run 'make setup'", a damaged one says
 * what is wrong. */
int kernel_cache_find(const char *cache_dir, struct guest_kernel *k, bench_error *err);

/* The same for the minimal kernel (<cache>/kernel/minimal/): one that
 * was never built fails with "run 'make guest-kernel'". */
int kernel_cache_find_minimal(const char *cache_dir, struct guest_kernel *k, bench_error *err);

/* Checks an open file for being a bzImage of a sane size; path names it
 * and fix (may be NULL) ends each error ("run 'make setup'"). */
int kernel_check_bzimage_fd(int fd, const char *path, const char *fix, bench_error *err);

#endif
