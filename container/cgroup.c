/* Creating, filling and removing a container's cgroups, v1 or v2. */
#include "cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

/* The hierarchies to touch: on v2 only index 0 is used; on v1 a controller
 * whose mount another controller shares is skipped (same directory). */
static bool cg_uses(const struct cg_layout *l, int c)
{
	if (l->version == 2)
		return c == 0;
	if (!(l->available & (1u << c)))
		return false;
	for (int prev = 0; prev < c; prev++)
		if ((l->available & (1u << prev)) && strcmp(l->v1_mount[prev], l->v1_mount[c]) == 0)
			return false;
	return true;
}

static const char *cg_mount(const struct cg_layout *l, int c)
{
	return l->version == 2 ? l->v2_mount : l->v1_mount[c];
}

/* The directory that holds controller c's files. */
static const char *cg_dir(const struct cgroup *cg, enum cg_controller c)
{
	const struct cg_layout *l = cg->layout;

	if (l->version == 2)
		return cg->path[0];
	for (int prev = 0; prev < (int)c; prev++)
		if ((l->available & (1u << prev)) && strcmp(l->v1_mount[prev], l->v1_mount[c]) == 0)
			return cg->path[prev];
	return cg->path[c];
}

static int write_file(const char *dir, const char *file, const char *value, bench_error *err)
{
	char path[PATH_MAX + 400];
	size_t len = strlen(value);
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return bench_fail(err, errno, "cgroup: open %s", path);
	n = write(fd, value, len);
	if (n != (ssize_t)len) {
		int e = n < 0 ? errno : EIO;
		close(fd);
		return bench_fail(err, e, "cgroup: writing '%s' to %s", value, path);
	}
	close(fd);
	return 0;
}

static int read_file(const char *dir, const char *file, char *buf, size_t len, bench_error *err)
{
	char path[PATH_MAX + 400];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return bench_fail(err, errno, "cgroup: open %s", path);
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return bench_fail(err, errno, "cgroup: read %s", path);
	buf[n] = '\0';
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return 0;
}

static bool file_exists(const char *dir, const char *file)
{
	char path[PATH_MAX + 400];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return access(path, F_OK) == 0;
}

/* Small reads and writes of a cgroup's files, relative to its folder's fd
 * (as libcrun does): 0 or -errno. */
static int fd_write(int dirfd, const char *file, const char *value)
{
	size_t len = strlen(value);
	int fd = openat(dirfd, file, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, value, len);
	if (n != (ssize_t)len) {
		int e = n < 0 ? errno : EIO;
		close(fd);
		return -e;
	}
	close(fd);
	return 0;
}

static int fd_read(int dirfd, const char *file, char *buf, size_t len)
{
	int fd = openat(dirfd, file, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return 0;
}

/* Where the v1 freezer has a mount of its own (not shared with a controller
 * bench uses): its root; else NULL. */
static const char *freezer_root(const struct cg_layout *l)
{
	if (l->version != 1 || !l->v1_freezer[0])
		return NULL;
	for (int c = 0; c < CG_NCONTROLLERS; c++)
		if (cg_uses(l, c) && strcmp(l->v1_mount[c], l->v1_freezer) == 0)
			return NULL;
	return l->v1_freezer;
}

/* The roots of the hierarchies bench makes folders in: the controllers', then
 * the freezer's (last, so that a kill can still freeze while the other
 * folders go).  Returns how many. */
static int cg_roots(const struct cg_layout *l, const char *roots[CG_NCONTROLLERS + 1])
{
	int n = 0;

	for (int c = 0; c < CG_NCONTROLLERS; c++)
		if (cg_uses(l, c))
			roots[n++] = cg_mount(l, c);
	if (freezer_root(l))
		roots[n++] = freezer_root(l);
	return n;
}

/* The hierarchy's root folder, locked against other bench runs' prepare and
 * release (an flock, so it goes with the process); -1 when it cannot be
 * opened. */
static int lock_root(const char *root)
{
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while (flock(fd, LOCK_EX) != 0 && errno == EINTR)
		;
	return fd;
}

/* The xattr of CGROUP_PARENT (v2) that lists the controllers bench enabled
 * in the root's cgroup.subtree_control, space-separated. */
#define ENABLED_XATTR "trusted.bench.enabled"

/* v2: the controllers enabled at the root (recording in CGROUP_PARENT's
 * xattr those that bench turns on), in CGROUP_PARENT and in the run's
 * parent.  Called with the root locked. */
static int enable_v2(const struct cg_layout *l, int rootfd, int benchfd, int runfd, bench_error *err)
{
	char on[256] = "", recorded[256] = "", buf[32];
	ssize_t n;
	int rc;

	if ((rc = fd_read(rootfd, "cgroup.subtree_control", on, sizeof(on))) < 0)
		return bench_fail(err, -rc, "cgroup: reading %s/cgroup.subtree_control", l->v2_mount);
	n = fgetxattr(benchfd, ENABLED_XATTR, recorded, sizeof(recorded) - 1);
	recorded[n > 0 ? n : 0] = '\0';
	for (int k = 0; k < CG_NCONTROLLERS; k++) {
		const char *name = cg_controller_name(k);
		bool was_on = false;

		if (!(l->available & (1u << k)))
			continue;
		for (char *w = on; *w;) {
			size_t wl = strcspn(w, " ");

			if (wl == strlen(name) && strncmp(w, name, wl) == 0)
				was_on = true;
			w += wl + (w[wl] == ' ');
		}
		snprintf(buf, sizeof(buf), "+%s", name);
		if (!was_on) {
			if ((rc = fd_write(rootfd, "cgroup.subtree_control", buf)) < 0)
				return bench_fail(err, -rc, "cgroup: enabling the %s controller in %s", name,
						  l->v2_mount);
			/* Without the xattr (an old kernel) it stays on: the
			 * last run could not know that bench turned it on. */
			if (strlen(recorded) + strlen(name) + 2 < sizeof(recorded)) {
				snprintf(recorded + strlen(recorded), sizeof(recorded) - strlen(recorded), "%s%s",
					 recorded[0] ? " " : "", name);
				fsetxattr(benchfd, ENABLED_XATTR, recorded, strlen(recorded), 0);
			}
		}
		if ((rc = fd_write(benchfd, "cgroup.subtree_control", buf)) < 0 ||
		    (rc = fd_write(runfd, "cgroup.subtree_control", buf)) < 0)
			return bench_fail(err, -rc, "cgroup: enabling the %s controller in " CGROUP_PARENT, name);
	}
	return 0;
}

/* v1 cpuset: a new cpuset has no CPUs and no memory nodes and takes no
 * task, so both lists go down from the root. */
static int cpuset_v1_copy(int fromfd, int tofd, bench_error *err)
{
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
	char buf[256] = "";

	for (size_t i = 0; i < 2; i++) {
		int rc = fd_read(fromfd, files[i], buf, sizeof(buf));

		if (rc == 0)
			rc = fd_write(tofd, files[i], buf);
		if (rc < 0)
			return bench_fail(err, -rc, "cgroup: copying %s into " CGROUP_PARENT, files[i]);
	}
	return 0;
}

static int prepare_root(const struct cg_layout *l, const char *root, bench_error *err)
{
	int rootfd = -1, benchfd = -1, runfd = -1, rc = -1;

	rootfd = lock_root(root);
	if (rootfd < 0)
		return bench_fail(err, errno, "cgroup: open %s", root);
	if (mkdirat(rootfd, CGROUP_PARENT, 0755) != 0 && errno != EEXIST) {
		bench_fail(err, errno, "cgroup: mkdir %s/" CGROUP_PARENT, root);
		goto out;
	}
	benchfd = openat(rootfd, CGROUP_PARENT, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (benchfd < 0) {
		bench_fail(err, errno, "cgroup: open %s/" CGROUP_PARENT, root);
		goto out;
	}
	if (mkdirat(benchfd, l->run_parent, 0755) != 0 && errno != EEXIST) {
		bench_fail(err, errno, "cgroup: mkdir %s/" CGROUP_PARENT "/%s", root, l->run_parent);
		goto out;
	}
	runfd = openat(benchfd, l->run_parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (runfd < 0) {
		bench_fail(err, errno, "cgroup: open %s/" CGROUP_PARENT "/%s", root, l->run_parent);
		goto out;
	}
	if (l->version == 2)
		rc = enable_v2(l, rootfd, benchfd, runfd, err);
	else if ((l->available & (1u << CG_CPUSET)) && strcmp(root, l->v1_mount[CG_CPUSET]) == 0)
		rc = cpuset_v1_copy(rootfd, benchfd, err) < 0 ? -1 : cpuset_v1_copy(benchfd, runfd, err);
	else
		rc = 0;
out:
	if (runfd >= 0)
		close(runfd);
	if (benchfd >= 0)
		close(benchfd);
	close(rootfd); /* and the lock */
	return rc;
}

int cg_parent_prepare(struct cg_layout *l, bench_error *err)
{
	static _Atomic unsigned seq;
	const char *roots[CG_NCONTROLLERS + 1];
	char run_id[48];
	int n = cg_roots(l, roots);

	run_id_make(run_id, sizeof(run_id));
	snprintf(l->run_parent, sizeof(l->run_parent), CGROUP_PREFIX "%s-run%u", run_id, seq++);
	for (int i = 0; i < n; i++)
		if (prepare_root(l, roots[i], err) < 0) {
			cg_parent_release(l);
			return -1;
		}
	return 0;
}

/* With the root locked: removes CGROUP_PARENT unless another run uses it,
 * and then turns off at the root what bench turned on there. */
static void release_bench_slice(int rootfd)
{
	char recorded[256] = "";
	int benchfd = openat(rootfd, CGROUP_PARENT, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ssize_t n;

	if (benchfd < 0)
		return;
	n = fgetxattr(benchfd, ENABLED_XATTR, recorded, sizeof(recorded) - 1);
	recorded[n > 0 ? n : 0] = '\0';
	close(benchfd);
	if (unlinkat(rootfd, CGROUP_PARENT, AT_REMOVEDIR) != 0)
		return; /* EBUSY: another run still has its parent there */
	for (char *w = recorded; *w;) {
		size_t wl = strcspn(w, " ");
		char buf[40];

		snprintf(buf, sizeof(buf), "-%.*s", (int)wl, w);
		/* EBUSY: something below the root, not bench, now uses
		 * it (systemd may have enabled it in its slices): kept. */
		fd_write(rootfd, "cgroup.subtree_control", buf);
		w += wl + (w[wl] == ' ');
	}
}

/* Removes run_parent (when not NULL) and, where no other run uses it,
 * CGROUP_PARENT, in every hierarchy. */
static void release_roots(const struct cg_layout *l, const char *run_parent)
{
	const char *roots[CG_NCONTROLLERS + 1];
	int n = cg_roots(l, roots);

	for (int i = 0; i < n; i++) {
		int rootfd = lock_root(roots[i]);
		char run[sizeof(l->run_parent) + 16];

		if (rootfd < 0)
			continue;
		if (run_parent && run_parent[0]) {
			snprintf(run, sizeof(run), CGROUP_PARENT "/%s", run_parent);
			unlinkat(rootfd, run, AT_REMOVEDIR); /* EBUSY: a container is left; cleanup's */
		}
		release_bench_slice(rootfd);
		close(rootfd);
	}
}

void cg_parent_release(struct cg_layout *l)
{
	release_roots(l, l->run_parent);
	l->run_parent[0] = '\0';
}

static int need(const struct cg_layout *l, enum cg_controller c, const char *what, bench_error *err)
{
	if (l->available & (1u << c))
		return 0;
	return bench_fail(err, 0,
			  "cgroup v%d: the %s controller is not available, so %s cannot be enforced "
			  "(enable it, or see 'bench doctor')",
			  l->version, cg_controller_name(c), what);
}

static int write_limits(struct cgroup *cg, const struct cg_limits *lim, bench_error *err)
{
	const struct cg_layout *l = cg->layout;
	char buf[160];

	if (lim->cpu_quota_us > 0) {
		if (need(l, CG_CPU, "the CPU quota", err) < 0)
			return -1;
		if (l->version == 2) {
			snprintf(buf, sizeof(buf), "%ld %ld", lim->cpu_quota_us, lim->cpu_period_us);
			if (write_file(cg_dir(cg, CG_CPU), "cpu.max", buf, err) < 0)
				return -1;
		} else {
			snprintf(buf, sizeof(buf), "%ld", lim->cpu_period_us);
			if (write_file(cg_dir(cg, CG_CPU), "cpu.cfs_period_us", buf, err) < 0)
				return -1;
			snprintf(buf, sizeof(buf), "%ld", lim->cpu_quota_us);
			if (write_file(cg_dir(cg, CG_CPU), "cpu.cfs_quota_us", buf, err) < 0)
				return -1;
		}
	}
	if (l->version == 1 && (l->available & (1u << CG_CPUSET))) {
		char parent[PATH_MAX + 300];

		/* v1 needs both lists in every cpuset cgroup. */
		snprintf(parent, sizeof(parent), "%s", cg_dir(cg, CG_CPUSET));
		*strrchr(parent, '/') = '\0';
		if (read_file(parent, "cpuset.mems", buf, sizeof(buf), err) < 0 ||
		    write_file(cg_dir(cg, CG_CPUSET), "cpuset.mems", buf, err) < 0)
			return -1;
		if (!lim->cpus[0] && (read_file(parent, "cpuset.cpus", buf, sizeof(buf), err) < 0 ||
				      write_file(cg_dir(cg, CG_CPUSET), "cpuset.cpus", buf, err) < 0))
			return -1;
	}
	if (lim->cpus[0]) {
		if (need(l, CG_CPUSET, "the cpuset", err) < 0 ||
		    write_file(cg_dir(cg, CG_CPUSET), "cpuset.cpus", lim->cpus, err) < 0)
			return -1;
	}
	if (lim->memory_bytes > 0) {
		if (need(l, CG_MEMORY, "the memory limit", err) < 0)
			return -1;
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)lim->memory_bytes);
		if (write_file(cg_dir(cg, CG_MEMORY), l->version == 2 ? "memory.max" : "memory.limit_in_bytes", buf,
			       err) < 0)
			return -1;
		/* Without this the limit could be escaped through swap. */
		if (l->version == 2 && file_exists(cg_dir(cg, CG_MEMORY), "memory.swap.max") &&
		    write_file(cg_dir(cg, CG_MEMORY), "memory.swap.max", "0", err) < 0)
			return -1;
	}
	if (lim->pids_max > 0) {
		if (need(l, CG_PIDS, "the pids limit", err) < 0)
			return -1;
		snprintf(buf, sizeof(buf), "%ld", lim->pids_max);
		if (write_file(cg_dir(cg, CG_PIDS), "pids.max", buf, err) < 0)
			return -1;
	}
	return 0;
}

int cg_create(struct cgroup *cg, const struct cg_layout *l, const char *name, const struct cg_limits *lim,
	      bench_error *err)
{
	const char *freezer = freezer_root(l);

	memset(cg, 0, sizeof(*cg));
	cg->layout = l;
	cg->v2_dirfd = -1;
	cg->freezer_procs_fd = -1;
	for (int c = 0; c < CG_NCONTROLLERS; c++)
		cg->procs_fd[c] = -1;
	if (l->version != 1 && l->version != 2)
		return bench_fail(err, 0, "cgroup: no usable hierarchy");
	snprintf(cg->name, sizeof(cg->name), "%s", name);
	if (l->run_parent[0])
		snprintf(cg->rel, sizeof(cg->rel), CGROUP_PARENT "/%s/%s", l->run_parent, name);
	else
		snprintf(cg->rel, sizeof(cg->rel), CGROUP_PARENT "/%s", name);
	for (int c = 0; c <= CG_NCONTROLLERS; c++) {
		char *path = c < CG_NCONTROLLERS ? cg->path[c] : cg->freezer_path;
		int *procs_fd = c < CG_NCONTROLLERS ? &cg->procs_fd[c] : &cg->freezer_procs_fd;
		const char *root = c < CG_NCONTROLLERS ? cg_mount(l, c) : freezer;
		char procs[PATH_MAX + 320];

		if (c < CG_NCONTROLLERS ? !cg_uses(l, c) : !freezer)
			continue;
		snprintf(path, sizeof(cg->path[0]), "%s/%s", root, cg->rel);
		if (mkdir(path, 0755) != 0) {
			int e = errno;
			path[0] = '\0';
			cg_destroy(cg, NULL);
			return bench_fail(err, e, "cgroup: mkdir %s/%s", root, cg->rel);
		}
		cg->created = true;
		snprintf(procs, sizeof(procs), "%s/cgroup.procs", path);
		*procs_fd = open(procs, O_WRONLY | O_CLOEXEC);
		if (*procs_fd < 0) {
			int e = errno;
			cg_destroy(cg, NULL);
			return bench_fail(err, e, "cgroup: open %s", procs);
		}
	}
	if (l->version == 2) {
		cg->v2_dirfd = open(cg->path[0], O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (cg->v2_dirfd < 0) {
			int e = errno;
			cg_destroy(cg, NULL);
			return bench_fail(err, e, "cgroup: open %s", cg->path[0]);
		}
	}
	if (write_limits(cg, lim, err) < 0) {
		cg_destroy(cg, NULL);
		return -1;
	}
	return 0;
}

int cg_join_self(const struct cgroup *cg)
{
	/* The freezer first: a process that is in the others is one a kill
	 * can freeze. */
	if (cg->freezer_path[0] && cg->freezer_procs_fd >= 0 && write(cg->freezer_procs_fd, "0", 1) != 1)
		return -errno;
	for (int c = 0; c < CG_NCONTROLLERS; c++) {
		/* "0" is the writer itself, whatever its pid namespace. */
		if (cg->procs_fd[c] >= 0 && write(cg->procs_fd[c], "0", 1) != 1)
			return -errno;
	}
	return 0;
}

int cg_attach(struct cgroup *cg, pid_t pid, bench_error *err)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d", (int)pid);

	if (cg->freezer_path[0] && cg->freezer_procs_fd >= 0 && write(cg->freezer_procs_fd, buf, (size_t)n) != n)
		return bench_fail(err, errno, "cgroup: attaching pid %d to %s", (int)pid, cg->freezer_path);
	for (int c = 0; c < CG_NCONTROLLERS; c++)
		if (cg->procs_fd[c] >= 0 && write(cg->procs_fd[c], buf, (size_t)n) != n)
			return bench_fail(err, errno, "cgroup: attaching pid %d to %s", (int)pid, cg->path[c]);
	return 0;
}

/* SIGKILLs every process listed in the cgroup's cgroup.procs; returns how
 * many.  Safe from pid reuse only while the cgroup is frozen. */
static int kill_listed(int dirfd)
{
	int fd = openat(dirfd, "cgroup.procs", O_RDONLY | O_CLOEXEC);
	FILE *f;
	int pid, n = 0;

	if (fd < 0)
		return 0;
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return 0;
	}
	while (fscanf(f, "%d", &pid) == 1)
		if (pid > 0 && kill(pid, SIGKILL) == 0)
			n++;
	fclose(f);
	return n;
}

/* Waits (up to a second) until file reads as want, or has the line want. */
static bool wait_for_state(int dirfd, const char *file, const char *want)
{
	for (int i = 0; i < 1000; i++) {
		struct timespec ts = { 0, 1000 * 1000 };
		char buf[512] = "";

		if (fd_read(dirfd, file, buf, sizeof(buf)) == 0 && strstr(buf, want))
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

/* Kills everything in the cgroup at rel (below each root) without reading a
 * pid that could be reused meanwhile: see cg_destroy in cgroup.h. */
static void kill_cgroup(const struct cg_layout *l, const char *rel)
{
	const char *freezer = freezer_root(l);
	char path[PATH_MAX + 300];
	int dirfd;

	if (l->version == 2) {
		snprintf(path, sizeof(path), "%s/%s", l->v2_mount, rel);
		dirfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dirfd < 0)
			return;
		/* One write, done by the kernel: no pid is read at all. */
		if (fd_write(dirfd, "cgroup.kill", "1") != 0 && fd_write(dirfd, "cgroup.freeze", "1") == 0) {
			/* Before 5.14: frozen, nothing in it forks or exits
			 * (so no listed pid is freed for reuse) until thawed,
			 * and SIGKILL still ends a frozen process. */
			wait_for_state(dirfd, "cgroup.events", "frozen 1");
			kill_listed(dirfd);
			fd_write(dirfd, "cgroup.freeze", "0");
		}
		close(dirfd);
		return;
	}
	if (freezer) {
		snprintf(path, sizeof(path), "%s/%s", freezer, rel);
		dirfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dirfd >= 0 && fd_write(dirfd, "freezer.state", "FROZEN") == 0) {
			/* FREEZING while a task sleeps where it cannot be
			 * frozen: the frozen ones still cannot fork or exit. */
			wait_for_state(dirfd, "freezer.state", "FROZEN");
			kill_listed(dirfd);
			fd_write(dirfd, "freezer.state", "THAWED");
			close(dirfd);
			return;
		}
		if (dirfd >= 0)
			close(dirfd);
	}
	/* No freezer here (or a cgroup made without one): each hierarchy's
	 * list, read unfrozen.  A member may exit and its pid be reused
	 * between the read and the kill: the v1 freezer is what prevents it. */
	for (int c = 0; c < CG_NCONTROLLERS; c++) {
		if (!cg_uses(l, c))
			continue;
		snprintf(path, sizeof(path), "%s/%s", cg_mount(l, c), rel);
		dirfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dirfd >= 0) {
			kill_listed(dirfd);
			close(dirfd);
		}
	}
}

/* rmdir root/rel, killing what runs there and waiting briefly while the
 * killed are still exiting. */
static int remove_dir(const struct cg_layout *l, const char *root, const char *rel, bench_error *err)
{
	char dir[PATH_MAX + 300];

	snprintf(dir, sizeof(dir), "%s/%s", root, rel);
	for (int attempt = 0; attempt < 200; attempt++) {
		struct timespec ts = { 0, 5 * 1000 * 1000 };

		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return bench_fail(err, errno, "cgroup: rmdir %s", dir);
		kill_cgroup(l, rel);
		nanosleep(&ts, NULL);
	}
	return bench_fail(err, EBUSY, "cgroup: rmdir %s (processes would not die)", dir);
}

int cg_destroy(struct cgroup *cg, bench_error *err)
{
	int rc = 0;

	for (int c = 0; c < CG_NCONTROLLERS; c++) {
		if (cg->procs_fd[c] >= 0)
			close(cg->procs_fd[c]);
		cg->procs_fd[c] = -1;
	}
	if (cg->freezer_path[0] && cg->freezer_procs_fd >= 0)
		close(cg->freezer_procs_fd);
	cg->freezer_procs_fd = -1;
	if (cg->v2_dirfd >= 0)
		close(cg->v2_dirfd);
	cg->v2_dirfd = -1;
	for (int c = 0; c < CG_NCONTROLLERS; c++) {
		if (!cg->path[c][0])
			continue;
		if (remove_dir(cg->layout, cg_mount(cg->layout, c), cg->rel, err) < 0)
			rc = -1;
		else
			cg->path[c][0] = '\0';
	}
	/* The freezer's folder last: the kills above freeze through it. */
	if (cg->freezer_path[0]) {
		if (remove_dir(cg->layout, cg->layout->v1_freezer, cg->rel, err) < 0)
			rc = -1;
		else
			cg->freezer_path[0] = '\0';
	}
	if (rc == 0)
		cg->created = false;
	return rc;
}

int cg_read(const struct cgroup *cg, enum cg_controller c, const char *file, char *buf, size_t len,
	    bench_error *err)
{
	return read_file(cg_dir(cg, c), file, buf, len, err);
}

/* Removes root/rel and the cgroups in it (a run's parent holds its
 * containers; a cgroup of an older bench, made straight in CGROUP_PARENT,
 * holds none).  Returns how many went, or -1. */
static int remove_run(const struct cg_layout *l, const char *root, const char *rel, bench_error *err)
{
	char dir[PATH_MAX + 300];
	struct dirent *de;
	int removed = 0, rc = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/%s", root, rel);
	d = opendir(dir);
	while (d && (de = readdir(d)) != NULL) {
		char sub[sizeof(dir)];

		if (de->d_type != DT_DIR || strncmp(de->d_name, CGROUP_PREFIX, strlen(CGROUP_PREFIX)) != 0)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", rel, de->d_name);
		if (remove_dir(l, root, sub, err) < 0)
			rc = -1;
		else
			removed++;
	}
	if (d)
		closedir(d);
	if (remove_dir(l, root, rel, err) < 0)
		rc = -1;
	else
		removed++;
	return rc < 0 ? -1 : removed;
}

int cg_cleanup_stale(const struct cg_layout *l, bool all, bench_error *err)
{
	const char *roots[CG_NCONTROLLERS + 1];
	int n = cg_roots(l, roots), removed = 0, rc = 0;

	for (int i = 0; i < n; i++) {
		char parent[PATH_MAX + 32];
		struct dirent *de;
		DIR *d;

		snprintf(parent, sizeof(parent), "%s/" CGROUP_PARENT, roots[i]);
		d = opendir(parent);
		if (!d)
			continue;
		while ((de = readdir(d)) != NULL) {
			char rel[300];
			int r;

			if (de->d_type != DT_DIR || strncmp(de->d_name, CGROUP_PREFIX, strlen(CGROUP_PREFIX)) != 0)
				continue;
			if (!all && run_id_owner_alive(de->d_name))
				continue;
			snprintf(rel, sizeof(rel), CGROUP_PARENT "/%s", de->d_name);
			r = remove_run(l, roots[i], rel, err);
			if (r < 0)
				rc = -1;
			else if (i == 0) /* counted once, not per hierarchy */
				removed += r;
		}
		closedir(d);
	}
	release_roots(l, NULL);
	return rc < 0 ? -1 : removed;
}
