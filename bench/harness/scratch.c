#include "scratch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../../lib/run_id.h"
#include "../../lib/tree_remove.h"

#define FILL_CHUNK (1u << 20)

const char *scratch_default_dir(void)
{
	static char buf[4096];
	const char *d = getenv("BENCH_STATE_DIR");

	snprintf(buf, sizeof(buf), "%s/scratch", d && *d ? d : "/var/lib/bench");
	return buf;
}

static int mkdir_p(const char *path, mode_t mode, bench_error *err)
{
	char buf[4096];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(buf))
		return bench_fail(err, ENAMETOOLONG, "scratch folder '%.64s'", path);
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			return bench_fail(err, errno, "scratch folder %s", buf);
		*p = '/';
	}
	if (mkdir(buf, mode) != 0 && errno != EEXIST)
		return bench_fail(err, errno, "scratch folder %s", buf);
	return 0;
}

/* Writes bytes of non-zero data into a new file at path. */
static int fill_file(const char *path, uint64_t bytes, bench_error *err)
{
	char *chunk = malloc(FILL_CHUNK);
	uint64_t x = 0x2545F4914F6CDD1Dull, done = 0;
	int fd, rc = 0;

	if (!chunk)
		return bench_fail(err, ENOMEM, "scratch file");
	for (size_t i = 0; i < FILL_CHUNK / 8; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(chunk + i * 8, &x, 8);
	}
	/* 0644: QEMU may run as its own user (libvirt's dynamic ownership
	 * hands the file over while the domain runs). */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		free(chunk);
		return bench_fail(err, errno, "scratch file %s", path);
	}
	if (posix_fallocate(fd, 0, (off_t)bytes) != 0)
		rc = bench_fail(err, errno, "scratch file %s: cannot allocate %llu MiB (--scratch-size?)", path,
				(unsigned long long)(bytes >> 20));
	while (rc == 0 && done < bytes) {
		ssize_t n = pwrite(fd, chunk, FILL_CHUNK, (off_t)done);

		if (n != (ssize_t)FILL_CHUNK)
			rc = bench_fail(err, n < 0 ? errno : ENOSPC, "scratch file %s", path);
		else
			done += FILL_CHUNK;
	}
	if (rc == 0 && fdatasync(fd) != 0)
		rc = bench_fail(err, errno, "scratch file %s", path);
	if (rc == 0)
		posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	close(fd);
	free(chunk);
	return rc;
}

/* Makes <dir>/bench-<run id> (and dir, if need be) as s->run_dir, for
 * scratch_create and scratch_use_file alike. */
static int make_run_dir(struct scratch *s, const char *dir, const char *run_id, bench_error *err)
{
	if ((size_t)snprintf(s->run_dir, sizeof(s->run_dir), "%s/" RUN_ID_PREFIX "%s", dir, run_id) >=
	    sizeof(s->run_dir)) {
		/* Not a truncated path that scratch_remove would then delete. */
		s->run_dir[0] = '\0';
		return bench_fail(err, ENAMETOOLONG, "scratch folder in %.64s", dir);
	}
	if (mkdir_p(dir, 0755, err) < 0)
		return -1;
	if (mkdir(s->run_dir, 0755) != 0) {
		int e = errno;

		s->run_dir[0] = '\0';
		return bench_fail(err, e, "scratch folder %s/" RUN_ID_PREFIX "%s", dir, run_id);
	}
	return 0;
}

int scratch_create(struct scratch *s, const char *dir, const char *run_id, uint64_t bytes, bench_error *err)
{
	memset(s, 0, sizeof(*s));
	if (bytes < (2u << 20) || bytes % (1u << 20) != 0)
		return bench_fail_usage(err, "scratch size must be a whole number of MiB, at least 2");
	if (make_run_dir(s, dir, run_id, err) < 0)
		return -1;
	snprintf(s->file, sizeof(s->file), "%s/disk.img", s->run_dir);
	s->bytes = bytes;
	if (fill_file(s->file, bytes, err) < 0) {
		scratch_remove(s);
		return -1;
	}
	return 0;
}

int scratch_use_file(struct scratch *s, const char *dir, const char *run_id, const char *file, bench_error *err)
{
	struct stat st;

	memset(s, 0, sizeof(*s));
	if (lstat(file, &st) != 0)
		return bench_fail(err, errno, "--scratch-file %.200s", file);
	if (!S_ISREG(st.st_mode) || st.st_size < (off_t)(2u << 20))
		return bench_fail_usage(err, "--scratch-file %.200s: not a regular file of at least 2 MiB (a link is "
					"not followed)", file);
	if (file[0] != '/' || strlen(file) >= sizeof(s->file))
		return bench_fail_usage(err, "--scratch-file: '%.64s' is not an absolute path", file);
	if (make_run_dir(s, dir, run_id, err) < 0)
		return -1;
	snprintf(s->file, sizeof(s->file), "%s", file);
	s->bytes = (uint64_t)st.st_size & ~(uint64_t)((1u << 20) - 1);
	return 0;
}

int scratch_overlay(struct scratch *s, bench_error *err)
{
	static const char *const parts[] = { "ovl", "ovl/lower", "ovl/upper", "ovl/work", "ovl/merged" };
	char path[4300], opts[13000];

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", s->run_dir, parts[i]);
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			return bench_fail(err, errno, "scratch overlay folder %s", path);
	}
	if ((size_t)snprintf(opts, sizeof(opts), "lowerdir=%s/ovl/lower,upperdir=%s/ovl/upper,workdir=%s/ovl/work",
			     s->run_dir, s->run_dir, s->run_dir) >= sizeof(opts))
		return bench_fail(err, ENAMETOOLONG, "overlay options");
	snprintf(path, sizeof(path), "%s/ovl/merged", s->run_dir);
	if (mount("bench-overlay", path, "overlay", MS_NOSUID | MS_NODEV, opts) != 0)
		return bench_fail(err, errno, "mounting an overlay on %s (overlayfs needed for the container's "
				  "own-root row)", path);
	snprintf(s->overlay, sizeof(s->overlay), "%.4190s", path);
	snprintf(s->overlay_file, sizeof(s->overlay_file), "%.4190s/disk.img", s->overlay);
	return fill_file(s->overlay_file, s->bytes, err);
}

/* Unmounts <run_dir>/ovl/merged if mounted, then removes the folder
 * without following a link or crossing into another mount. */
static void remove_run_dir(const char *run_dir)
{
	char merged[4300];

	snprintf(merged, sizeof(merged), "%.4280s/ovl/merged", run_dir);
	umount2(merged, MNT_DETACH | UMOUNT_NOFOLLOW);
	tree_remove(run_dir);
}

void scratch_remove(struct scratch *s)
{
	if (!s->run_dir[0])
		return;
	remove_run_dir(s->run_dir);
	s->run_dir[0] = '\0';
	s->overlay[0] = '\0';
}

int scratch_drop_caches(bench_error *err)
{
	int fd;

	sync();
	fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return bench_fail(err, errno, "dropping the page cache (/proc/sys/vm/drop_caches)");
	if (write(fd, "3\n", 2) != 2) {
		int e = errno;

		close(fd);
		return bench_fail(err, e, "dropping the page cache");
	}
	close(fd);
	return 0;
}

/* The first line of a small sysfs file, or "" . */
static void read_line(const char *path, char *out, size_t outsz)
{
	FILE *f = fopen(path, "re");

	out[0] = '\0';
	if (!f)
		return;
	if (!fgets(out, (int)outsz, f))
		out[0] = '\0';
	fclose(f);
	out[strcspn(out, "\n")] = '\0';
}

/* The file system type of the mount that holds dev (major:minor), from
 * /proc/self/mountinfo. */
static void fs_type(dev_t dev, char *out, size_t outsz)
{
	char line[4096], want[32];
	FILE *f = fopen("/proc/self/mountinfo", "re");

	out[0] = '\0';
	if (!f)
		return;
	snprintf(want, sizeof(want), "%u:%u", major(dev), minor(dev));
	while (fgets(line, sizeof(line), f)) {
		char id[32] = "", *sep, type[64] = "";

		if (sscanf(line, "%*s %*s %31s", id) != 1 || strcmp(id, want) != 0)
			continue;
		sep = strstr(line, " - ");
		if (sep && sscanf(sep + 3, "%63s", type) == 1) {
			snprintf(out, outsz, "%s", type);
			break;
		}
	}
	fclose(f);
}

void scratch_describe(const char *path, json_t *o)
{
	struct stat st;
	char sys[256], link[512], buf[300], disk[128] = "";
	ssize_t n;

	if (!o || stat(path, &st) != 0)
		return;
	fs_type(st.st_dev, buf, sizeof(buf));
	if (buf[0])
		json_object_set_new(o, "fs", json_string(buf));
	snprintf(sys, sizeof(sys), "/sys/dev/block/%u:%u", major(st.st_dev), minor(st.st_dev));
	n = readlink(sys, link, sizeof(link) - 1);
	if (n <= 0) {
		json_object_set_new(o, "device", json_string("none (not a block device: tmpfs, overlay, ...)"));
		return;
	}
	link[n] = '\0';
	json_object_set_new(o, "device", json_string(strrchr(link, '/') ? strrchr(link, '/') + 1 : link));
	/* A partition's queue is its disk's: the folder above it. */
	snprintf(buf, sizeof(buf), "%s/partition", sys);
	if (access(buf, F_OK) == 0) {
		char *slash = strrchr(link, '/');

		if (slash) {
			*slash = '\0';
			slash = strrchr(link, '/');
			snprintf(disk, sizeof(disk), "%.127s", slash ? slash + 1 : link);
		}
	} else {
		snprintf(disk, sizeof(disk), "%.127s", strrchr(link, '/') ? strrchr(link, '/') + 1 : link);
	}
	if (!disk[0])
		return;
	json_object_set_new(o, "disk", json_string(disk));
	snprintf(sys, sizeof(sys), "/sys/block/%s/queue/scheduler", disk);
	read_line(sys, buf, sizeof(buf));
	if (buf[0]) {
		char *open_br = strchr(buf, '['), *close_br = open_br ? strchr(open_br, ']') : NULL;

		if (open_br && close_br) {
			*close_br = '\0';
			json_object_set_new(o, "scheduler", json_string(open_br + 1));
		} else {
			json_object_set_new(o, "scheduler", json_string(buf));
		}
	}
	snprintf(sys, sizeof(sys), "/sys/block/%s/queue/rotational", disk);
	read_line(sys, buf, sizeof(buf));
	if (buf[0])
		json_object_set_new(o, "rotational", json_boolean(strcmp(buf, "1") == 0));
}

int scratch_cleanup(const char *dir, bool all, unsigned *removed, bench_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return errno == ENOENT ? 0 : bench_fail(err, errno, "scratch folder %s", dir);
	while ((de = readdir(d)) != NULL) {
		char path[4400];
		struct stat st;

		if (strncmp(de->d_name, RUN_ID_PREFIX, strlen(RUN_ID_PREFIX)) != 0)
			continue;
		if (run_id_owner(de->d_name + strlen(RUN_ID_PREFIX)) == RUN_OWNER_UNKNOWN)
			continue;
		if (!all && run_id_owner_alive(de->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode))
			continue;
		remove_run_dir(path);
		(*removed)++;
	}
	closedir(d);
	return 0;
}
