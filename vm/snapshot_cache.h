/* Saved guests for --vm-start restore: a guest booted once to an idle
 * agent and saved (the qemu runner: QMP migrate to a file; the vm runner:
 * libvirt's virDomainSaveFlags), kept in bench's cache as
 * <cache>/snapshot/<sha256>.<kind> ("qemu", "libvirt"), where the sha256 is
 * of a text naming everything that went into it (QEMU, kernel, initramfs,
 * machine, CPU, memory, vCPUs, accelerator, command line): change any, and
 * a new image is made.  While one is written it is
 * <sha256>.bench-<run id>.tmp, renamed when complete, so a reader never
 * sees half an image; beside it, <sha256>.<kind>.sha256 holds the image's
 * own digest and size, so that an image damaged later (truncated, a flipped
 * byte) is refused before QEMU reads it. */
#ifndef BENCH_VM_SNAPSHOT_CACHE_H
#define BENCH_VM_SNAPSHOT_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "../lib/error.h"

/* The image's path for key (any text) and kind into out, and its
 * temporary path for run_id into tmp; creates <cache>/snapshot.  Refuses a
 * cache path with a character a shell would read (QEMU's exec: migration
 * runs one). */
int snapshot_paths(const char *key, const char *kind, const char *run_id, char *out, size_t outsz, char *tmp,
		   size_t tmpsz, bench_error *err);

/* Records tmp's digest and size beside path, then renames tmp to path. */
int snapshot_seal(const char *tmp, const char *path, bench_error *err);

/* 1: path is there and matches its recorded digest and size; 0: there is
 * no image; -1: there is one that does not match (or has no record): it is
 * removed with its record and why says so in one line. */
int snapshot_check(const char *path, char *why, size_t whysz);

/* Removes temporary images of runs that are over (all: also of running
 * ones, and every complete image and its record as well); returns how
 * many images. */
unsigned snapshot_cleanup(bool all);

#endif
