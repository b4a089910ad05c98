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
#define BZIMAGE_MAGIC_OFF 0x202

int kernel_check_bzimage(const char *path, bench_error *err)
{
	struct stat st;
	char magic[4];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return bench_fail(err, errno, "guest kernel %s", path);
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return bench_fail(err, 0, "guest kernel %s is not a regular file: run 'make setup'", path);
	}
	if (st.st_size <= (off_t)KERNEL_MIN_BYTES) {
		close(fd);
		return bench_fail(err, 0,
				  "guest kernel %s is %lld bytes, too small to be a kernel (truncated?): run 'make setup'",
				  path, (long long)st.st_size);
	}
	n = pread(fd, magic, sizeof(magic), BZIMAGE_MAGIC_OFF);
	close(fd);
	if (n != (ssize_t)sizeof(magic) || memcmp(magic, "HdrS", 4) != 0)
		return bench_fail(err, 0, "guest kernel %s is not a bzImage (no HdrS magic at 0x202): run 'make setup'",
				  path);
	return 0;
}

int kernel_cache_find(const char *cache_dir, struct guest_kernel *k, bench_error *err)
{
	char dir[4096], file[4200];
	char resolved[PATH_MAX];
	FILE *f;
	size_t len;

	memset(k, 0, sizeof(*k));
	if (snprintf(dir, sizeof(dir), "%s/kernel", cache_dir) >= (int)sizeof(dir))
		return bench_fail(err, ENAMETOOLONG, "guest kernel folder in %s", cache_dir);
	snprintf(file, sizeof(file), "%s/current/vmlinuz", dir);
	if (access(file, F_OK) != 0)
		return bench_fail(err, 0, "guest kernel not found in %s: run 'make setup'", dir);
	if (!realpath(file, resolved))
		return bench_fail(err, errno, "guest kernel %s", file);
	if (strlen(resolved) >= sizeof(k->path))
		return bench_fail(err, ENAMETOOLONG, "guest kernel %s", resolved);
	memcpy(k->path, resolved, strlen(resolved) + 1);
	if (kernel_check_bzimage(k->path, err) != 0)
		return -1;

	snprintf(file, sizeof(file), "%s/current/release", dir);
	f = fopen(file, "re");
	if (!f)
		return bench_fail(err, errno, "guest kernel release %s (run 'make setup')", file);
	if (!fgets(k->release, sizeof(k->release), f))
		k->release[0] = '\0';
	fclose(f);
	len = strcspn(k->release, "\r\n");
	k->release[len] = '\0';
	if (len == 0)
		return bench_fail(err, 0, "guest kernel release %s is empty: run 'make setup'", file);
	for (size_t i = 0; i < len; i++) {
		char c = k->release[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '-' || c == '_' || c == '+' || c == '~'))
			return bench_fail(err, 0, "guest kernel release in %s is not a release string", file);
	}
	return 0;
}
