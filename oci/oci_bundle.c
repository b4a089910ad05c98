/* Bundle folders and the shared root file system (oci_spec.h). */
#include "oci_spec.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/sha256_file.h"
#include "../lib/tree_remove.h"

static int copy_agent(const char *from, const char *to, bench_error *err)
{
	int in = open(from, O_RDONLY | O_CLOEXEC), out = -1;
	struct stat st;
	off_t off = 0;

	if (in < 0)
		return bench_fail(err, errno, "oci: agent %s", from);
	if (fstat(in, &st) != 0 || !S_ISREG(st.st_mode))
		goto fail;
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0755);
	if (out < 0)
		goto fail;
	while (off < st.st_size) {
		ssize_t n = sendfile(out, in, &off, (size_t)(st.st_size - off));

		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			goto fail;
		}
	}
	if (fchmod(out, 0755) != 0 || close(out) != 0) {
		out = -1;
		goto fail;
	}
	close(in);
	return 0;
fail:
	bench_fail(err, errno ? errno : EINVAL, "oci: copying the agent %s into the root file system", from);
	close(in);
	if (out >= 0)
		close(out);
	return -1;
}

int oci_rootfs_make(const char *path, const char *agent_path, bench_error *err)
{
	static const char *const dirs[] = { "proc", "dev", OCI_DISK_DIR + 1 };
	char p[PATH_MAX];

	if (mkdir(path, 0755) != 0)
		return bench_fail(err, errno, "oci: mkdir %s", path);
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if ((size_t)snprintf(p, sizeof(p), "%s/%s", path, dirs[i]) >= sizeof(p) || mkdir(p, 0755) != 0) {
			bench_fail(err, errno ? errno : ENAMETOOLONG, "oci: mkdir %s/%s", path, dirs[i]);
			oci_tree_remove(path);
			return -1;
		}
	}
	if ((size_t)snprintf(p, sizeof(p), "%s%s", path, OCI_AGENT_PATH) >= sizeof(p) ||
	    copy_agent(agent_path, p, err) != 0) {
		if (!err->msg[0])
			bench_fail(err, ENAMETOOLONG, "oci: %s", path);
		oci_tree_remove(path);
		return -1;
	}
	return 0;
}

int oci_bundle_write(const char *dir, const json_t *spec, char sha256[65], bench_error *err)
{
	char path[PATH_MAX];

	if ((size_t)snprintf(path, sizeof(path), "%s/config.json", dir) >= sizeof(path))
		return bench_fail(err, ENAMETOOLONG, "oci: bundle %s", dir);
	if (mkdir(dir, 0700) != 0)
		return bench_fail(err, errno, "oci: mkdir %s", dir);
	/* The folder is new and ours (0700): nothing else can have put a link
	 * where config.json goes. */
	if (json_dump_file(spec, path, JSON_INDENT(2) | JSON_SORT_KEYS) != 0) {
		bench_fail(err, errno ? errno : EIO, "oci: writing %s", path);
		oci_tree_remove(dir);
		return -1;
	}
	if (sha256_file_hex(path, sha256, err) != 0) {
		oci_tree_remove(dir);
		return bench_error_prefix(err, "oci: bundle digest");
	}
	return 0;
}

void oci_tree_remove(const char *dir)
{
	if (!dir || !dir[0])
		return;
	tree_remove(dir); /* never follows a link out nor crosses a mount */
}
