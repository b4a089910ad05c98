/* The guest kernel that scripts/setup.sh caches:
 * <cache>/kernel/current/vmlinuz and its release string in .../release. */
#ifndef BENCH_VM_KERNEL_CACHE_H
#define BENCH_VM_KERNEL_CACHE_H

#include <stddef.h>

#include "../lib/error.h"

struct guest_kernel {
	char path[4096];     /* the vmlinuz, symlinks resolved */
	char release[128];   /* "6.1.0-57-cloud-amd64" */
};

/* Finds and checks the cached kernel under cache_dir (size > 1 MiB and the
 * bzImage "HdrS" magic at 0x202): a missing kernel fails with "guest kernel
 * not found in DIR: run 'make setup'", a damaged one says what is wrong. */
int kernel_cache_find(const char *cache_dir, struct guest_kernel *k, bench_error *err);

/* Checks one file for being a bzImage of a sane size. */
int kernel_check_bzimage(const char *path, bench_error *err);

#endif
