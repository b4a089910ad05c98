/* Control groups for containers, on cgroup v1 and v2, detected at run time.
 *
 * Layout: every container gets a cgroup named by the caller (the prefix
 * CGROUP_PREFIX, the run id and a sequence number) below its run's parent
 * (made by cg_parent_prepare, named CGROUP_PREFIX, pid, time, number) below
 * "bench.slice", the root all bench runs share, at the root of each
 * hierarchy used:
 *   v2:  <v2 mount>/bench.slice/<run>/<name>
 *   v1:  <cpu mount>/bench.slice/<run>/<name>, and the same under cpuset,
 *        memory and pids, and under the freezer where it is mounted (it
 *        sets no limit: it lets a kill freeze the container first).
 * A run removes only its own parent; bench.slice goes with the last run
 * (rmdir fails while another run has its parent there).  Prepare and
 * release hold an flock on the hierarchy's root folder, so one run's
 * release cannot remove bench.slice between another's mkdirs.
 * A hierarchy is "v2" when all four controllers are available there;
 * otherwise every controller is taken from its v1 mount (hybrid hosts such
 * as these machines: v1 controllers, a v2 mount without any). */
#ifndef BENCH_CGROUP_H
#define BENCH_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../lib/error.h"
#include "../lib/run_id.h"

#define CGROUP_PARENT "bench.slice"
#define CGROUP_PREFIX RUN_ID_PREFIX

enum cg_controller { CG_CPU, CG_CPUSET, CG_MEMORY, CG_PIDS, CG_NCONTROLLERS };

struct cg_layout {
	int version;                           /* 1 or 2; 0 = unusable */
	char v2_mount[PATH_MAX];               /* "" when there is none */
	char v1_mount[CG_NCONTROLLERS][PATH_MAX]; /* "" when not mounted */
	unsigned available;                    /* bit (1 << CG_x) per usable controller */
	char v1_freezer[PATH_MAX];             /* v1 freezer mount; "" when none */
	char run_parent[96];                   /* set by cg_parent_prepare; "" = none:
						  cgroups go straight in CGROUP_PARENT */
};

const char *cg_controller_name(enum cg_controller c);

/* Works the layout out from the text of /proc/self/mountinfo and, for v2,
 * the text of <v2 mount>/cgroup.controllers (NULL or "" = none).  Pure:
 * unit-testable with recorded files. */
int cg_layout_parse(const char *mountinfo, const char *v2_controllers, struct cg_layout *out,
		    bench_error *err);

/* Calls fn with the mount point of every cgroup file system mounted here,
 * v1 (named ones too: runc makes folders in name=systemd) and v2: where a
 * runtime may have made folders that cleanup must find. */
void cg_each_mount(void (*fn)(const char *mnt, void *arg), void *arg);

/* "v2", "v1", or "v1 (hybrid: v2 mounted without controllers)". */
const char *cg_layout_describe(const struct cg_layout *l);

/* The same, from this machine. */
int cg_detect(struct cg_layout *out, bench_error *err);

/* This machine's layout in words (cg_layout_describe), for the results'
 * metadata; NULL when it cannot be worked out. */
const char *cg_detect_describe(void);

/* Creates CGROUP_PARENT and this run's parent below it (its name goes in
 * layout->run_parent) in every hierarchy used and makes them ready for
 * children: v2 enables the controllers in the subtree (and at the root,
 * where bench records what it enabled, in an xattr of CGROUP_PARENT, so the
 * last run can undo it), v1 cpuset copies cpus and mems from the root (a
 * v1 cpuset without them takes no task).  Once per run, before any
 * cg_create; every prepare of a process gets a parent of its own. */
int cg_parent_prepare(struct cg_layout *layout, bench_error *err);

/* Removes this run's parent, and CGROUP_PARENT when no other run uses it
 * (then also disables at the root what bench enabled there, where the
 * kernel lets it: nothing below uses it). */
void cg_parent_release(struct cg_layout *layout);

/* The limits a container gets. */
struct cg_limits {
	char cpus[128];          /* cpuset list; "" = parent's */
	uint64_t memory_bytes;   /* 0 = none */
	long cpu_quota_us;       /* per cpu_period_us; 0 = none */
	long cpu_period_us;
	long pids_max;           /* 0 = none */
};

struct cgroup {
	const struct cg_layout *layout;
	char name[64];
	char path[CG_NCONTROLLERS][PATH_MAX + 300]; /* v1: per controller; v2: all [0] */
	int v2_dirfd;                          /* v2: the cgroup's folder, for
						  CLONE_INTO_CGROUP; else -1 */
	int procs_fd[CG_NCONTROLLERS];         /* open cgroup.procs (v1: each; v2: [0]), -1 when
						  none: a child writes "0" to join */
	bool created;
	char rel[256];                         /* its path below each hierarchy's root */
	char freezer_path[PATH_MAX + 300];     /* v1 with a freezer mount: its freezer
						  cgroup; "" when none (then no fd) */
	int freezer_procs_fd;                  /* valid only when freezer_path is set */
};

/* Creates the cgroup and writes the limits.  Fails with one clear line when
 * a controller that a limit needs is missing. */
int cg_create(struct cgroup *cg, const struct cg_layout *layout, const char *name,
	      const struct cg_limits *limits, bench_error *err);

/* Moves pid into the cgroup (every hierarchy on v1). */
int cg_attach(struct cgroup *cg, pid_t pid, bench_error *err);

/* Moves the calling process in through the procs_fd opened by cg_create:
 * for a freshly cloned child, before it execs.  Only raw syscalls, so it is
 * safe between clone and exec.  Returns 0 or -errno. */
int cg_join_self(const struct cgroup *cg);

/* Kills whatever still runs in it and removes it.  Safe to call twice.
 * The kill cannot hit a pid that was reused by a process outside: v2 uses
 * cgroup.kill (Linux 5.14), else freezes the cgroup (cgroup.freeze; on v1
 * the freezer's FROZEN) so that nothing in it can fork or exit while its
 * pids are read and killed, then thaws it.  Only a v1 host without the
 * freezer mounted falls back to reading cgroup.procs unfrozen. */
int cg_destroy(struct cgroup *cg, bench_error *err);

/* Reads a file of the cgroup (e.g. "memory.max" / "memory.limit_in_bytes")
 * into buf; for tests and the doctor. */
int cg_read(const struct cgroup *cg, enum cg_controller c, const char *file, char *buf, size_t len,
	    bench_error *err);

/* `bench cleanup`: removes every cgroup under CGROUP_PARENT whose name has
 * CGROUP_PREFIX and whose run (by the pid in its name) is no longer alive,
 * killing what runs in it; removes CGROUP_PARENT when empty.  With
 * all = true, removes them whatever their run.  Returns how many went. */
int cg_cleanup_stale(const struct cg_layout *layout, bool all, bench_error *err);

#endif
