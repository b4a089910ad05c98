/* Creating, filling and removing a container's cgroups, v1 or v2. */
#include "cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
	char path[PATH_MAX + 256];
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
	char path[PATH_MAX + 256];
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
	char path[PATH_MAX + 256];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return access(path, F_OK) == 0;
}

int cg_parent_prepare(const struct cg_layout *l, bench_error *err)
{
	char parent[PATH_MAX + 32];
	char buf[256];

	for (int c = 0; c < CG_NCONTROLLERS; c++) {
		if (!cg_uses(l, c))
			continue;
		snprintf(parent, sizeof(parent), "%s/" CGROUP_PARENT, cg_mount(l, c));
		if (mkdir(parent, 0755) != 0 && errno != EEXIST)
			return bench_fail(err, errno, "cgroup: mkdir %s", parent);
		if (l->version == 2) {
			/* Children get a controller only where every ancestor
			 * enables it in cgroup.subtree_control. */
			for (int k = 0; k < CG_NCONTROLLERS; k++) {
				if (!(l->available & (1u << k)))
					continue;
				snprintf(buf, sizeof(buf), "+%s", cg_controller_name(k));
				if (write_file(l->v2_mount, "cgroup.subtree_control", buf, err) < 0 ||
				    write_file(parent, "cgroup.subtree_control", buf, err) < 0)
					return bench_error_prefix(err, "enabling the %s controller", cg_controller_name(k));
			}
		} else if (c == CG_CPUSET) {
			/* A v1 cpuset starts empty and takes no task until
			 * both lists are set. */
			if (read_file(cg_mount(l, c), "cpuset.cpus", buf, sizeof(buf), err) < 0 ||
			    write_file(parent, "cpuset.cpus", buf, err) < 0 ||
			    read_file(cg_mount(l, c), "cpuset.mems", buf, sizeof(buf), err) < 0 ||
			    write_file(parent, "cpuset.mems", buf, err) < 0)
				return -1;
		}
	}
	return 0;
}

void cg_parent_release(const struct cg_layout *l)
{
	char parent[PATH_MAX + 32];

	for (int c = 0; c < CG_NCONTROLLERS; c++) {
		if (!cg_uses(l, c))
			continue;
		snprintf(parent, sizeof(parent), "%s/" CGROUP_PARENT, cg_mount(l, c));
		rmdir(parent); /* EBUSY: another run still has containers there */
	}
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
		char parent[PATH_MAX + 32];

		/* v1 needs both lists in every cpuset cgroup. */
		snprintf(parent, sizeof(parent), "%s/" CGROUP_PARENT, l->v1_mount[CG_CPUSET]);
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
	memset(cg, 0, sizeof(*cg));
	cg->layout = l;
	cg->v2_dirfd = -1;
	for (int c = 0; c < CG_NCONTROLLERS; c++)
		cg->procs_fd[c] = -1;
	if (l->version != 1 && l->version != 2)
		return bench_fail(err, 0, "cgroup: no usable hierarchy");
	snprintf(cg->name, sizeof(cg->name), "%s", name);
	for (int c = 0; c < CG_NCONTROLLERS; c++) {
		char procs[PATH_MAX + 160];

		if (!cg_uses(l, c))
			continue;
		snprintf(cg->path[c], sizeof(cg->path[c]), "%s/" CGROUP_PARENT "/%s", cg_mount(l, c), name);
		if (mkdir(cg->path[c], 0755) != 0) {
			int e = errno;
			cg->path[c][0] = '\0';
			cg_destroy(cg, NULL);
			return bench_fail(err, e, "cgroup: mkdir %s/" CGROUP_PARENT "/%s", cg_mount(l, c), name);
		}
		cg->created = true;
		snprintf(procs, sizeof(procs), "%s/cgroup.procs", cg->path[c]);
		cg->procs_fd[c] = open(procs, O_WRONLY | O_CLOEXEC);
		if (cg->procs_fd[c] < 0) {
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

	for (int c = 0; c < CG_NCONTROLLERS; c++)
		if (cg->procs_fd[c] >= 0 && write(cg->procs_fd[c], buf, (size_t)n) != n)
			return bench_fail(err, errno, "cgroup: attaching pid %d to %s", (int)pid, cg->path[c]);
	return 0;
}

/* SIGKILLs every process listed in dir/cgroup.procs; returns how many. */
static int kill_members(const char *dir)
{
	char path[PATH_MAX + 400];
	FILE *f;
	int pid, n = 0;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fscanf(f, "%d", &pid) == 1)
		if (pid > 0 && kill(pid, SIGKILL) == 0)
			n++;
	fclose(f);
	return n;
}

/* rmdir, waiting briefly while killed members are still exiting. */
static int remove_dir(const char *dir, bench_error *err)
{
	for (int attempt = 0; attempt < 200; attempt++) {
		struct timespec ts = { 0, 5 * 1000 * 1000 };

		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return bench_fail(err, errno, "cgroup: rmdir %s", dir);
		if (file_exists(dir, "cgroup.kill"))
			write_file(dir, "cgroup.kill", "1", NULL);
		else
			kill_members(dir);
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
	if (cg->v2_dirfd >= 0)
		close(cg->v2_dirfd);
	cg->v2_dirfd = -1;
	for (int c = 0; c < CG_NCONTROLLERS; c++) {
		if (!cg->path[c][0])
			continue;
		if (remove_dir(cg->path[c], err) < 0)
			rc = -1;
		else
			cg->path[c][0] = '\0';
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

int cg_cleanup_stale(const struct cg_layout *l, bool all, bench_error *err)
{
	int removed = 0, rc = 0;

	for (int c = 0; c < CG_NCONTROLLERS; c++) {
		char parent[PATH_MAX + 32];
		struct dirent *de;
		DIR *d;

		if (!cg_uses(l, c))
			continue;
		snprintf(parent, sizeof(parent), "%s/" CGROUP_PARENT, cg_mount(l, c));
		d = opendir(parent);
		if (!d)
			continue;
		while ((de = readdir(d)) != NULL) {
			char dir[PATH_MAX + 300];

			if (de->d_type != DT_DIR || strncmp(de->d_name, CGROUP_PREFIX, strlen(CGROUP_PREFIX)) != 0)
				continue;
			if (!all && run_id_owner_alive(de->d_name))
				continue;
			snprintf(dir, sizeof(dir), "%s/%s", parent, de->d_name);
			if (remove_dir(dir, err) < 0)
				rc = -1;
			else
				removed++;
		}
		closedir(d);
	}
	cg_parent_release(l);
	return rc < 0 ? -1 : removed;
}
