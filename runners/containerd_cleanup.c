/* The containerd runner's part of `bench cleanup`, and the removals its
 * destroy and finish share with it: tasks, containers, the image's view
 * (its mount, snapshot and lease), images and run folders of runs that are
 * over.  Only names of bench's form whose run is known to be over (or, with
 * all, of any run) are taken: run_id_owner, as the other runners. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "../container/cgroup.h"
#include "../lib/run_id.h"
#include "../lib/process_sweep.h"
#include "containerd_ctr.h"
#include "containerd_runner.h"
#include "runner_hooks.h"

#define CLEAN_CALL_MS 30000
#define LIST_MAX (64u << 10)
/* A shim's own runc delete takes tens of ms; a shim whose create was cut
 * off never ends. */
#define SHIM_GRACE_MS 500

/* Whether a name "bench-<run id>[-...]" is to go: bench's form, and its
 * run over (or any run, with all). */
static bool stale(const char *name, bool all)
{
	enum run_owner o;

	if (strncmp(name, RUN_ID_PREFIX, strlen(RUN_ID_PREFIX)) != 0)
		return false;
	o = run_id_owner(name + strlen(RUN_ID_PREFIX));
	return o == RUN_OWNER_DEAD || (all && o == RUN_OWNER_ALIVE);
}

static void call_quietly(const char *sock, const char *const *args)
{
	bench_error ignored = { 0 };

	ctr_call(sock, args, -1, NULL, 0, CLEAN_CALL_MS, &ignored);
}

void ctd_remove_container(const char *sock, const char *name)
{
	const char *const kill_task[] = { "tasks", "kill", "--signal", "SIGKILL", name, NULL };
	const char *const del_task[] = { "tasks", "delete", "--force", name, NULL };
	const char *const del_ctr[] = { "containers", "delete", name, NULL };

	char needle[128];

	call_quietly(sock, kill_task);
	call_quietly(sock, del_task);
	call_quietly(sock, del_ctr);
	/* A ctr killed while containerd was still creating the task leaves a
	 * shim (and its runc init) that no container record leads to any more:
	 * it names the container on its command line.  containerd also ends a
	 * cancelled task on its own, and its shim may still run `runc delete`
	 * when the calls above return (the interrupts test saw both left at
	 * bench's exit): that one is given a moment to finish. */
	snprintf(needle, sizeof(needle), "-id %s ", name);
	process_sweep_after(needle, SHIM_GRACE_MS);
}

void ctd_reap_shims(const char *run_id)
{
	char needle[128];

	snprintf(needle, sizeof(needle), "-id " RUN_ID_PREFIX "%s-", run_id);
	process_sweep_after(needle, SHIM_GRACE_MS);
}

/* Removes every file of a run folder (spec and pid files: no folders but
 * the mount point), then the folder. */
static void remove_run_dir(const char *run_dir)
{
	DIR *d = opendir(run_dir);
	struct dirent *de;
	char path[PATH_MAX + 300];

	while (d && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", run_dir, de->d_name);
		if (unlink(path) < 0 && errno == EISDIR)
			rmdir(path);
	}
	if (d)
		closedir(d);
	rmdir(run_dir);
}

/* The view's snapshot and lease are both named by its mount point. */
static void remove_view(const char *sock, const char *target)
{
	const char *const del_snap[] = { "snapshots", "remove", target, NULL };
	const char *const del_lease[] = { "leases", "delete", target, NULL };

	/* Detached: a process still in it (a killed run's) cannot keep the
	 * mount, and a path that is not mounted gives EINVAL, harmlessly. */
	umount2(target, MNT_DETACH | UMOUNT_NOFOLLOW);
	if (!sock)
		return;
	call_quietly(sock, del_snap);
	call_quietly(sock, del_lease);
}

void ctd_remove_run(const char *sock, const char *run_dir, const char *image_ref)
{
	char target[PATH_MAX + 16];

	snprintf(target, sizeof(target), "%s/rootfs", run_dir);
	remove_view(sock, target);
	if (image_ref && *image_ref) {
		const char *const del_image[] = { "images", "remove", image_ref, NULL };

		call_quietly(sock, del_image);
	}
	remove_run_dir(run_dir);
}

/* Whether a task's cgroup folder "bench-<run id>-<n>" is to go: run_id's
 * when given, else one of a run that is over (or any, with all). */
static bool task_cgroup_goes(const char *name, const char *run_id, bool all)
{
	char own[96];

	if (!run_id)
		return stale(name, all);
	snprintf(own, sizeof(own), RUN_ID_PREFIX "%s-", run_id);
	return strncmp(name, own, strlen(own)) == 0;
}

struct task_cgroups {
	const char *run_id;
	bool all;
	unsigned removed;
};

/* In one hierarchy: the empty task cgroups under CTD_CGROUP_PARENT that
 * are to go (rmdir fails on one that still holds a process), then the
 * parent where it is empty. */
static void remove_task_cgroups(const char *mnt, void *arg)
{
	struct task_cgroups *t = arg;
	char parent[PATH_MAX + 32];
	struct dirent *de;
	DIR *d;

	if ((size_t)snprintf(parent, sizeof(parent), "%s/" CTD_CGROUP_PARENT, mnt) >= sizeof(parent))
		return;
	d = opendir(parent);
	while (d && (de = readdir(d)) != NULL) {
		char path[PATH_MAX + 300];

		if (de->d_type != DT_DIR || !task_cgroup_goes(de->d_name, t->run_id, t->all))
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", parent, de->d_name) < sizeof(path) &&
		    rmdir(path) == 0)
			t->removed++;
	}
	if (d)
		closedir(d);
	rmdir(parent);
}

unsigned ctd_cgroups_remove(const char *run_id, bool all)
{
	struct task_cgroups t = { run_id, all, 0 };

	cg_each_mount(remove_task_cgroups, &t);
	return t.removed;
}

struct sweep {
	const char *sock;
	bool all;
	unsigned n;
};

static void sweep_container(const char *name, void *arg)
{
	struct sweep *s = arg;

	if (!stale(name, s->all))
		return;
	ctd_remove_container(s->sock, name);
	s->n++;
}

/* "bench.local/agent:bench-<run id>" */
static void sweep_image(const char *ref, void *arg)
{
	struct sweep *s = arg;
	const char *tag = strrchr(ref, ':');

	if (strncmp(ref, CTD_IMAGE_REPO ":", strlen(CTD_IMAGE_REPO) + 1) != 0 || !tag || !stale(tag + 1, s->all))
		return;
	{
		const char *const del_image[] = { "images", "remove", ref, NULL };

		call_quietly(s->sock, del_image);
	}
	s->n++;
}

/* "<CTD_RUNS_DIR>/bench-<run id>/rootfs": a view whose run folder is
 * already gone. */
static void sweep_lease(const char *id, void *arg)
{
	struct sweep *s = arg;
	char run[128];
	size_t base = strlen(CTD_RUNS_DIR "/");
	const char *slash;

	if (strncmp(id, CTD_RUNS_DIR "/", base) != 0)
		return;
	slash = strchr(id + base, '/');
	if (!slash || strcmp(slash, "/rootfs") != 0 || (size_t)(slash - (id + base)) >= sizeof(run))
		return;
	memcpy(run, id + base, (size_t)(slash - (id + base)));
	run[slash - (id + base)] = '\0';
	if (!stale(run, s->all))
		return;
	remove_view(s->sock, id);
	s->n++;
}

static unsigned sweep_run_dirs(const char *sock, bool all)
{
	DIR *d = opendir(CTD_RUNS_DIR);
	struct dirent *de;
	unsigned n = 0;

	while (d && (de = readdir(d)) != NULL) {
		char dir[PATH_MAX], ref[384];

		if (!stale(de->d_name, all))
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", CTD_RUNS_DIR, de->d_name);
		snprintf(ref, sizeof(ref), "%s:%s", CTD_IMAGE_REPO, de->d_name);
		ctd_remove_run(sock, dir, sock ? ref : NULL);
		n++;
	}
	if (d)
		closedir(d);
	return n;
}

static int sweep_list(const char *sock, const char *const *args, void (*fn)(const char *, void *),
		      struct sweep *s, bench_error *err)
{
	static char out[LIST_MAX]; /* `bench cleanup` runs one sweep at a time */

	if (ctr_call(sock, args, -1, out, sizeof(out), CLEAN_CALL_MS, err) < 0)
		return -1;
	ctr_each_name(out, fn, s);
	return 0;
}

int containerd_cleanup(bool all, struct runner_cleanup_counts *removed, bench_error *err)
{
	static const char *const tasks[] = { "tasks", "list", "--quiet", NULL };
	static const char *const containers[] = { "containers", "list", "--quiet", NULL };
	static const char *const leases[] = { "leases", "list", "--quiet", NULL };
	static const char *const images[] = { "images", "list", "--quiet", NULL };
	const char *sock = ctr_socket();
	bench_error ignored = { 0 };
	struct sweep s = { .sock = sock, .all = all }, t = s;
	unsigned folders;
	int rc = 0;

	/* Without ctr or a daemon no run of this runner got as far as making
	 * anything in containerd: only folders (and a mount) may be left. */
	if (ctr_installed(&ignored) < 0 || ctr_daemon_check(sock, &ignored) < 0) {
		runner_cleanup_add(removed, "run folders", sweep_run_dirs(NULL, all));
		return 0;
	}
	/* Tasks first (counted with their containers), then containers:
	 * each name is removed whole either way. */
	if (sweep_list(sock, tasks, sweep_container, &t, err) < 0) {
		/* Something listens there but is not a containerd that
		 * answers: no run got anything into it either.  The run's
		 * own prepare says so, in one line. */
		if (strstr(err->msg, "failed to dial")) {
			bench_error_clear(err);
			runner_cleanup_add(removed, "run folders", sweep_run_dirs(NULL, all));
			return 0;
		}
		rc = -1;
	}
	if (rc == 0 && sweep_list(sock, containers, sweep_container, &s, err) < 0)
		rc = -1;
	runner_cleanup_add(removed, "containers", s.n);
	folders = sweep_run_dirs(sock, all);
	s.n = 0;
	if (rc == 0 && (sweep_list(sock, leases, sweep_lease, &s, err) < 0 ||
			sweep_list(sock, images, sweep_image, &s, err) < 0))
		rc = -1;
	runner_cleanup_add(removed, "run folders", folders);
	/* Those of a run whose folder had gone already. */
	runner_cleanup_add(removed, "images", s.n);
	runner_cleanup_add(removed, "cgroups", ctd_cgroups_remove(NULL, all));
	if (rc < 0)
		bench_error_prefix(err, "containerd");
	return rc;
}
