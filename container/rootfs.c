#include "rootfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/run_id.h"
#include "../lib/tree_remove.h"

static const char *base_dir(void)
{
	const char *b = getenv("BENCH_RUN_DIR");

	return b && *b ? b : ROOTFS_BASE_DEFAULT;
}

static int copy_file(const char *from, const char *to, mode_t mode, bench_error *err)
{
	int in = open(from, O_RDONLY | O_CLOEXEC);
	int out;
	char buf[65536];
	ssize_t n;

	if (in < 0)
		return bench_fail(err, errno, "agent %s", from);
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (out < 0) {
		int e = errno;
		close(in);
		return bench_fail(err, e, "creating %s", to);
	}
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		if (write(out, buf, (size_t)n) != n) {
			int e = errno;
			close(in);
			close(out);
			return bench_fail(err, e, "writing %s", to);
		}
	}
	close(in);
	if (n < 0 || fchmod(out, mode) != 0 || close(out) != 0)
		return bench_fail(err, errno, "copying %s", from);
	return 0;
}

int rootfs_prepare(struct rootfs *fs, const char *run_id, const char *agent_path, bench_error *err)
{
	static const char *const dirs[] = { "proc", "dev", ROOTFS_DISK_DIR + 1 };
	char path[PATH_MAX + 32];

	int rc, tries = 0;

	memset(fs, 0, sizeof(*fs));
	snprintf(fs->run_dir, sizeof(fs->run_dir), "%s/" RUN_ID_PREFIX "%s", base_dir(), run_id);
	/* Another run's rootfs_remove may take the shared base folder away
	 * between the two mkdirs (it removes it when it looks unused): make
	 * it again.  Once the run folder is in it, it stays. */
	do {
		if (mkdir(base_dir(), 0755) != 0 && errno != EEXIST)
			return bench_fail(err, errno, "mkdir %s", base_dir());
		rc = mkdir(fs->run_dir, 0700);
	} while (rc != 0 && errno == ENOENT && ++tries < 100);
	if (rc != 0) {
		int e = errno;
		fs->run_dir[0] = '\0';
		return bench_fail(err, e, "mkdir %s/" RUN_ID_PREFIX "%s", base_dir(), run_id);
	}
	snprintf(fs->path, sizeof(fs->path), "%s/rootfs", fs->run_dir);
	if (mkdir(fs->path, 0755) != 0)
		goto fail;
	/* A file system of its own, so that a container's mountinfo shows
	 * its root as "/" of a tmpfs, not as a path on the host's disk. */
	if (mount("bench-rootfs", fs->path, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=8m,nr_inodes=64") != 0)
		goto fail;
	fs->mounted = true;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", fs->path, dirs[i]);
		if (mkdir(path, 0755) != 0)
			goto fail;
	}
	snprintf(path, sizeof(path), "%s%s", fs->path, ROOTFS_AGENT_PATH);
	if (copy_file(agent_path, path, 0755, err) < 0) {
		rootfs_remove(fs);
		return -1;
	}
	return 0;
fail:
	bench_fail(err, errno, "making the container root file system in %s", fs->run_dir);
	rootfs_remove(fs);
	return -1;
}

/* Detaches the tmpfs a run folder's rootfs holds, if it holds one. */
static void unmount_rootfs(const char *run_dir)
{
	char path[PATH_MAX + 512];

	snprintf(path, sizeof(path), "%s/rootfs", run_dir);
	umount2(path, MNT_DETACH);
}

void rootfs_remove(struct rootfs *fs)
{
	if (!fs->run_dir[0])
		return;
	if (fs->mounted)
		unmount_rootfs(fs->run_dir);
	fs->mounted = false;
	tree_remove(fs->run_dir);
	fs->run_dir[0] = '\0';
	fs->path[0] = '\0';
	rmdir(base_dir()); /* only when no other run uses it */
}

int rootfs_cleanup_stale(bool all, bench_error *err)
{
	DIR *d = opendir(base_dir());
	struct dirent *de;
	int removed = 0;

	(void)err;
	if (!d)
		return 0;
	while ((de = readdir(d)) != NULL) {
		char dir[PATH_MAX + 300];

		if (strncmp(de->d_name, RUN_ID_PREFIX, strlen(RUN_ID_PREFIX)) != 0)
			continue;
		if (!all && run_id_owner_alive(de->d_name))
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", base_dir(), de->d_name);
		unmount_rootfs(dir);
		tree_remove(dir);
		removed++;
	}
	closedir(d);
	rmdir(base_dir());
	return removed;
}
