/* Scratch disks: one preallocated file per run on a host file system,
 * which every runner's instance reaches as its disk (agent_task.disk), and
 * the same kind of file on an overlayfs upper layer (what a container's
 * own writable root is).  Everything lives in one folder named after the
 * run, <dir>/bench-<run id>/, so that `bench cleanup` can tell an
 * interrupted run's leftovers (the overlay mount included) from a run's
 * that still goes. */
#ifndef BENCH_SCRATCH_H
#define BENCH_SCRATCH_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "../../lib/error.h"

/* The default folder: $BENCH_STATE_DIR/scratch, else /var/lib/bench/scratch. */
const char *scratch_default_dir(void);

struct scratch {
	char run_dir[4096];   /* <dir>/bench-<run id> */
	char file[4200];      /* <run_dir>/disk.img */
	char overlay[4200];   /* <run_dir>/ovl/merged: mounted overlay, or "" */
	char overlay_file[4300];
	uint64_t bytes;
};

/* Makes the run folder and the file of bytes (a multiple of 1 MiB),
 * written through so that every block is allocated and holds data (reads
 * of never-written blocks would not touch the disk). */
int scratch_create(struct scratch *s, const char *dir, const char *run_id, uint64_t bytes, bench_error *err);

/* scratch_create for a file that exists (the user's, e.g. on another
 * file system, or the one fio is run on): it is used as it is, its size
 * rounded down to whole MiB, and never removed; the run folder is still
 * made in dir (for the overlay). */
int scratch_use_file(struct scratch *s, const char *dir, const char *run_id, const char *file, bench_error *err);

/* Mounts an overlay (lower, upper and work folders in the run folder, so on
 * the same file system) and writes a file of the same size through it: the
 * file lands on the upper layer. */
int scratch_overlay(struct scratch *s, bench_error *err);

/* Unmounts and removes everything of s.  Idempotent. */
void scratch_remove(struct scratch *s);

/* Writes back dirty pages and drops the host's page cache (between
 * measurements); -1 with *err where that is refused. */
int scratch_drop_caches(bench_error *err);

/* Adds to o what the file sits on: "fs" (its file system type),
 * "device" (the block device, e.g. "vda1"), "scheduler" (the disk's I/O
 * scheduler, as /sys/block/<disk>/queue/scheduler names the chosen one),
 * "rotational". */
void scratch_describe(const char *path, json_t *o);

/* `bench cleanup`: removes the run folders in dir whose run is over (all:
 * every one); *removed counts them. */
int scratch_cleanup(const char *dir, bool all, unsigned *removed, bench_error *err);

#endif
