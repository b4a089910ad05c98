/* Run folders and cgroup folders of the OCI runtimes (oci_cli_paths.h). */
#include "oci_cli_paths.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../lib/run_id.h"
#include "../oci/oci_spec.h"
#include "oci_cli_exec.h"

void oci_cli_folder_prefix(const char *runtime, char *out, size_t outsz)
{
	snprintf(out, outsz, "oci-%s-", runtime);
}

int oci_cli_paths_make(struct oci_cli_paths *p, const char *base, const char *runtime, const char *run_id,
		       bench_error *err)
{
	char prefix[64];

	memset(p, 0, sizeof(*p));
	oci_cli_folder_prefix(runtime, prefix, sizeof(prefix));
	if (mkdir(base, 0755) != 0 && errno != EEXIST)
		return bench_fail(err, errno, "mkdir %s", base);
	if ((size_t)snprintf(p->root, sizeof(p->root), "%s/%s" RUN_ID_PREFIX "%s", base, prefix, run_id) >=
	    sizeof(p->root))
		return bench_fail(err, ENAMETOOLONG, "%s: run folder", runtime);
	if (mkdir(p->root, 0700) != 0) {
		int e = errno;

		p->root[0] = '\0';
		return bench_fail(err, e, "mkdir %s/%s" RUN_ID_PREFIX "%s", base, prefix, run_id);
	}
	snprintf(p->state, sizeof(p->state), "%s/state", p->root);
	snprintf(p->rootfs, sizeof(p->rootfs), "%s/rootfs", p->root);
	snprintf(p->bundles, sizeof(p->bundles), "%s/bundles", p->root);
	if (mkdir(p->state, 0700) != 0 || mkdir(p->bundles, 0700) != 0) {
		bench_fail(err, errno, "%s: making %s", runtime, p->root);
		oci_cli_paths_remove(p);
		return -1;
	}
	return 0;
}

void oci_cli_paths_remove(struct oci_cli_paths *p)
{
	if (!p->root[0])
		return;
	oci_tree_remove(p->root);
	p->root[0] = '\0';
}

void oci_cli_cgroup_rel(const char *runtime, const char *id, char *out, size_t outsz)
{
	snprintf(out, outsz, "/" OCI_CGROUP_PARENT "/%s/%s", runtime, id);
}

struct rm_arg {
	const char *runtime, *id;
};

static void rm_in(const char *root, void *arg)
{
	const struct rm_arg *a = arg;
	char path[PATH_MAX + 256];

	if (a->id) {
		snprintf(path, sizeof(path), "%s/" OCI_CGROUP_PARENT "/%s/%s", root, a->runtime, a->id);
		rmdir(path);
		return;
	}
	snprintf(path, sizeof(path), "%s/" OCI_CGROUP_PARENT "/%s", root, a->runtime);
	rmdir(path); /* only when no other run's container is in it */
	snprintf(path, sizeof(path), "%s/" OCI_CGROUP_PARENT, root);
	rmdir(path);
}

struct dead_arg {
	const char *runtime;
	bool all;
	unsigned removed;
};

/* Kills what is still in a cgroup folder (v1 and v2 alike: cgroup.procs),
 * then removes it; the kernel may take a moment to empty it. */
static bool kill_and_remove(const char *dir)
{
	char path[PATH_MAX + 400], line[32];
	FILE *f;

	if ((size_t)snprintf(path, sizeof(path), "%s/cgroup.procs", dir) >= sizeof(path))
		return false;
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f)) {
		long pid = strtol(line, NULL, 10);

		if (pid > 1)
			kill((pid_t)pid, SIGKILL);
	}
	if (f)
		fclose(f);
	for (int i = 0; i < 50; i++) {
		struct timespec pause = { 0, 10 * 1000000L };

		if (rmdir(dir) == 0 || errno == ENOENT)
			return true;
		if (errno != EBUSY)
			return false;
		nanosleep(&pause, NULL);
	}
	return false;
}

/* A container's folder outlives its run when the run's own removal found
 * it still busy, and the run folder that named it is gone: found here by
 * its name, which carries the run's owner. */
static void rm_dead_in(const char *root, void *arg)
{
	struct dead_arg *a = arg;
	char dir[PATH_MAX + 128], path[PATH_MAX + 400];
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/" OCI_CGROUP_PARENT "/%s", root, a->runtime);
	d = opendir(dir);
	while (d && (de = readdir(d)) != NULL) {
		if (de->d_type != DT_DIR || strncmp(de->d_name, RUN_ID_PREFIX, strlen(RUN_ID_PREFIX)) != 0)
			continue;
		if (!a->all && run_id_owner_alive(de->d_name))
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= sizeof(path))
			continue;
		if (kill_and_remove(path))
			a->removed++;
	}
	if (d)
		closedir(d);
}

unsigned oci_cli_cgroup_remove_dead(const char *runtime, bool all)
{
	struct dead_arg a = { runtime, all, 0 };

	cg_each_mount(rm_dead_in, &a);
	return a.removed;
}

void oci_cli_cgroup_remove(const char *runtime, const char *id)
{
	struct rm_arg a = { runtime, id };

	cg_each_mount(rm_in, &a);
}

int oci_cli_cgroup_memory_read(const struct cg_layout *l, const char *runtime, const char *id, uint64_t *bytes,
			       bench_error *err)
{
	char path[PATH_MAX + 256], buf[64], *end;
	const char *mnt = l->version == 2 ? l->v2_mount : l->v1_mount[CG_MEMORY];
	ssize_t n;

	if (!mnt[0])
		return bench_fail(err, 0, "%s: no memory controller mounted", runtime);
	snprintf(path, sizeof(path), "%s/" OCI_CGROUP_PARENT "/%s/%s/%s", mnt, runtime, id,
		 l->version == 2 ? "memory.current" : "memory.usage_in_bytes");
	n = oci_read_tail(path, buf, sizeof(buf));
	if (n <= 0)
		return bench_fail(err, errno, "%s: reading %s", runtime, path);
	errno = 0;
	*bytes = strtoull(buf, &end, 10);
	if (errno || end == buf)
		return bench_fail(err, 0, "%s: %s holds '%.20s', not a number", runtime, path, buf);
	return 0;
}

/* Copies cpuset.cpus or cpuset.mems from the folder above when empty. */
static int cpuset_inherit(const char *dir, const char *file, bench_error *err)
{
	char path[PATH_MAX + 64], parent[PATH_MAX + 64], buf[512];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	n = oci_read_tail(path, buf, sizeof(buf));
	if (n > 0 && buf[0] != '\n')
		return 0;
	snprintf(parent, sizeof(parent), "%s", dir);
	*strrchr(parent, '/') = '\0';
	snprintf(parent + strlen(parent), sizeof(parent) - strlen(parent), "/%s", file);
	n = oci_read_tail(parent, buf, sizeof(buf));
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (n <= 0 || fd < 0 || write(fd, buf, (size_t)n) != n) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		return bench_fail(err, e, "initialising %s", path);
	}
	close(fd);
	return 0;
}

int oci_cli_cgroup_prepare(const struct cg_layout *l, const char *runtime, bench_error *err)
{
	char dir[PATH_MAX + 128];
	const char *mnt = l->v1_mount[CG_CPUSET];

	if (l->version != 1 || !mnt[0])
		return 0;
	snprintf(dir, sizeof(dir), "%s/" OCI_CGROUP_PARENT, mnt);
	for (int level = 0; level < 2; level++) {
		if (level == 1)
			snprintf(dir, sizeof(dir), "%s/" OCI_CGROUP_PARENT "/%s", mnt, runtime);
		if (mkdir(dir, 0755) != 0 && errno != EEXIST)
			return bench_fail(err, errno, "mkdir %s", dir);
		if (cpuset_inherit(dir, "cpuset.cpus", err) < 0 || cpuset_inherit(dir, "cpuset.mems", err) < 0)
			return -1;
	}
	return 0;
}
