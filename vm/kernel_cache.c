#include "kernel_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KERNEL_MIN_BYTES (1u << 20)
/* Debian's cloud kernel is 8 MiB, the minimal one about 1.5: anything
 * this large is some other file that happens to say HdrS. */
#define KERNEL_MAX_BYTES (256u << 20)
#define BZIMAGE_MAGIC_OFF 0x202

int kernel_check_bzimage_fd(int fd, const char *path, const char *fix, bench_error *err)
{
	const char *sep = fix ? ": " : "", *f = fix ? fix : "";
	struct stat st;
	char magic[4];
	ssize_t n;

	if (fstat(fd, &st) != 0)
		return bench_fail(err, errno, "guest kernel %s", path);
	if (!S_ISREG(st.st_mode))
		return bench_fail(err, 0, "guest kernel %s is not a regular file%s%s", path, sep, f);
	if (st.st_size <= (off_t)KERNEL_MIN_BYTES)
		return bench_fail(err, 0, "guest kernel %s is %lld bytes, too small to be a kernel (truncated?)%s%s", path,
				  (long long)st.st_size, sep, f);
	if (st.st_size > (off_t)KERNEL_MAX_BYTES)
		return bench_fail(err, 0, "guest kernel %s is %lld bytes, too large to be a bzImage%s%s", path,
				  (long long)st.st_size, sep, f);
	n = pread(fd, magic, sizeof(magic), BZIMAGE_MAGIC_OFF);
	if (n != (ssize_t)sizeof(magic) || memcmp(magic, "HdrS", 4) != 0)
		return bench_fail(err, 0, "guest kernel %s is not a bzImage (no HdrS magic at 0x202)%s%s", path, sep, f);
	return 0;
}

/* <cache_dir>/kernel/<link>/vmlinuz and its release file; fix ends every
 * error. */
static int cache_find(const char *cache_dir, const char *link, const char *kind, const char *fix,
		      struct guest_kernel *k, bench_error *err)
{
	char dir[4096], file[4200];
	char resolved[PATH_MAX];
	FILE *f;
	size_t len;
	int fd, rc;

	memset(k, 0, sizeof(*k));
	snprintf(k->kind, sizeof(k->kind), "%s", kind);
	if (snprintf(dir, sizeof(dir), "%s/kernel", cache_dir) >= (int)sizeof(dir))
		return bench_fail(err, ENAMETOOLONG, "guest kernel folder in %s", cache_dir);
	snprintf(file, sizeof(file), "%s/%s/vmlinuz", dir, link);
	if (access(file, F_OK) != 0)
		return bench_fail(err, 0, "%s guest kernel not found in %s: %s", kind, dir, fix);
	/* The links are setup's and the build script's own (current ->
	 * <release>, minimal -> minimal-<key>): followed once, here. */
	if (!realpath(file, resolved))
		return bench_fail(err, errno, "guest kernel %s", file);
	if (strlen(resolved) >= sizeof(k->path))
		return bench_fail(err, ENAMETOOLONG, "guest kernel %s", resolved);
	memcpy(k->path, resolved, strlen(resolved) + 1);
	fd = open(k->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return bench_fail(err, errno, "guest kernel %s", k->path);
	rc = kernel_check_bzimage_fd(fd, k->path, fix, err);
	close(fd);
	if (rc != 0)
		return -1;

	snprintf(file, sizeof(file), "%s/%s/release", dir, link);
	f = fopen(file, "re");
	if (!f)
		return bench_fail(err, errno, "guest kernel release %s (%s)", file, fix);
	if (!fgets(k->release, sizeof(k->release), f))
		k->release[0] = '\0';
	fclose(f);
	len = strcspn(k->release, "\r\n");
	k->release[len] = '\0';
	if (len == 0)
		return bench_fail(err, 0, "guest kernel release %s is empty: %s", file, fix);
	for (size_t i = 0; i < len; i++) {
		char c = k->release[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '-' || c == '_' || c == '+' || c == '~'))
			return bench_fail(err, 0, "guest kernel release in %s is not a release string", file);
	}
	return 0;
}

int kernel_cache_find(const char *cache_dir, struct guest_kernel *k, bench_error *err)
{
	return cache_find(cache_dir, "current", "distro", "run 'make setup'", k, err);
}

int kernel_cache_find_minimal(const char *cache_dir, struct guest_kernel *k, bench_error *err)
{
	return cache_find(cache_dir, "minimal", "minimal", "run 'make guest-kernel'", k, err);
}
