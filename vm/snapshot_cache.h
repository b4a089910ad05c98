/* Saved guests for the qemu runner's --vm-start restore: a guest booted
 * once to an idle agent and migrated to a file, kept in bench's cache as
 * <cache>/snapshot/<sha256>.qemu, where the sha256 is of a text naming
 * everything that went into it (QEMU, kernel, initramfs, machine, CPU,
 * memory, vCPUs, accelerator, command line): change any, and a new image is
 * made.  While one is written it is <sha256>.bench-<run id>.tmp, renamed
 * when complete, so a reader never sees half an image. */
#ifndef BENCH_VM_SNAPSHOT_CACHE_H
#define BENCH_VM_SNAPSHOT_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "../lib/error.h"

/* The image's path for key (any text) into out, and its temporary path for
 * run_id into tmp; creates <cache>/snapshot.  Refuses a cache path with a
 * character a shell would read (QEMU's exec: migration runs one). */
int snapshot_paths(const char *key, const char *run_id, char *out, size_t outsz, char *tmp, size_t tmpsz,
		   bench_error *err);

/* Removes temporary images of runs that are over (all: also of running
 * ones, and every complete image as well); returns how many. */
unsigned snapshot_cleanup(bool all);

#endif
