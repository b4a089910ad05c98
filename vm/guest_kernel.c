/* --guest-kernel distro|minimal|PATH (guest_kernel.h). */
#include "guest_kernel.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/sha256_file.h"

#define HDR_MAGIC_OFF 0x202
#define HDR_VERSION_OFF 0x206
#define HDR_KERNEL_VERSION_OFF 0x20e

static bool release_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
	       c == '_' || c == '+' || c == '~';
}

int bzimage_release(const unsigned char *img, size_t len, char *out, size_t outsz)
{
	size_t pos, n = 0;

	if (outsz == 0)
		return -1;
	out[0] = '\0';
	if (len < HDR_KERNEL_VERSION_OFF + 2 || memcmp(img + HDR_MAGIC_OFF, "HdrS", 4) != 0)
		return -1;
	/* kernel_version is there from boot protocol 2.00 on. */
	if ((img[HDR_VERSION_OFF] | (unsigned)img[HDR_VERSION_OFF + 1] << 8) < 0x200)
		return -1;
	pos = (size_t)(img[HDR_KERNEL_VERSION_OFF] | (unsigned)img[HDR_KERNEL_VERSION_OFF + 1] << 8);
	if (pos == 0)
		return -1;
	pos += 0x200;
	while (pos + n < len && release_char(img[pos + n])) {
		if (n + 1 >= outsz) {
			out[0] = '\0';
			return -1;
		}
		out[n] = (char)img[pos + n];
		n++;
	}
	/* The word must end: at a space or the text's NUL, not at the end of
	 * what was read or at some other byte. */
	if (n == 0 || pos + n >= len || (img[pos + n] != ' ' && img[pos + n] != '\0')) {
		out[0] = '\0';
		return -1;
	}
	out[n] = '\0';
	return 0;
}

/* path made absolute (QEMU and libvirt open it from elsewhere), its folder
 * resolved; the last component is kept as given, for O_NOFOLLOW to judge. */
static int absolute_path(const char *path, char *out, size_t outsz, bench_error *err)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	char dir[PATH_MAX], resolved[PATH_MAX];
	size_t dlen = slash ? (size_t)(slash - path) : 0;

	if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return bench_fail_usage(err, "--guest-kernel %.200s names a folder, not a kernel file", path);
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (dlen == 0)
		snprintf(dir, sizeof(dir), "/");
	else if (dlen >= sizeof(dir))
		return bench_fail_usage(err, "--guest-kernel: the path is too long");
	else {
		memcpy(dir, path, dlen);
		dir[dlen] = '\0';
	}
	if (!realpath(dir, resolved)) {
		bench_fail(err, errno, "--guest-kernel %.200s: its folder", path);
		err->exit_code = BENCH_EXIT_USAGE;
		return -1;
	}
	if (snprintf(out, outsz, "%s/%s", strcmp(resolved, "/") == 0 ? "" : resolved, base) >= (int)outsz)
		return bench_fail_usage(err, "--guest-kernel: the path is too long");
	return 0;
}

/* A bzImage the user names: checked through one descriptor opened with
 * O_NOFOLLOW; its release from its own header; hashed when want_hash. */
static int file_kernel(const char *path, struct guest_kernel *k, bool want_hash, bench_error *err)
{
	unsigned char *hdr;
	ssize_t n;
	int fd;

	memset(k, 0, sizeof(*k));
	snprintf(k->kind, sizeof(k->kind), "%s", GUEST_KERNEL_FILE);
	if (absolute_path(path, k->path, sizeof(k->path), err) < 0)
		return -1;
	fd = open(k->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 && errno == ELOOP)
		return bench_fail_usage(err, "--guest-kernel %.200s is a symbolic link: name the kernel file itself "
					"(bench never reads a kernel through a link)", path);
	if (fd < 0) {
		bench_fail(err, errno, "--guest-kernel %.200s", path);
		err->exit_code = BENCH_EXIT_USAGE;
		return -1;
	}
	if (kernel_check_bzimage_fd(fd, path, NULL, err) != 0) {
		close(fd);
		err->exit_code = BENCH_EXIT_USAGE;
		return -1;
	}
	hdr = malloc(BZIMAGE_RELEASE_SPAN);
	if (!hdr) {
		close(fd);
		return bench_fail(err, ENOMEM, "--guest-kernel %.200s", path);
	}
	n = pread(fd, hdr, BZIMAGE_RELEASE_SPAN, 0);
	if (n < 0 || bzimage_release(hdr, (size_t)n, k->release, sizeof(k->release)) != 0)
		snprintf(k->release, sizeof(k->release), "unknown");
	free(hdr);
	if (want_hash && sha256_fd_hex(fd, k->path, k->sha256, err) != 0) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int guest_kernel_check_choice(const char *choice, bench_error *err)
{
	struct guest_kernel k;

	if (!choice || !*choice)
		return bench_fail_usage(err, "--guest-kernel: give distro, minimal or the path of a bzImage");
	if (strcmp(choice, GUEST_KERNEL_DISTRO) == 0 || strcmp(choice, GUEST_KERNEL_MINIMAL) == 0)
		return 0;
	return file_kernel(choice, &k, false, err);
}

int guest_kernel_find(const char *choice, const char *cache_dir, struct guest_kernel *k, bench_error *err)
{
	int fd, rc;

	if (!choice || strcmp(choice, GUEST_KERNEL_DISTRO) == 0)
		rc = kernel_cache_find(cache_dir, k, err);
	else if (strcmp(choice, GUEST_KERNEL_MINIMAL) == 0)
		rc = kernel_cache_find_minimal(cache_dir, k, err);
	else if (!*choice)
		return guest_kernel_check_choice(choice, err);
	else
		return file_kernel(choice, k, true, err);
	if (rc != 0)
		return -1;
	fd = open(k->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return bench_fail(err, errno, "guest kernel %s", k->path);
	rc = sha256_fd_hex(fd, k->path, k->sha256, err);
	close(fd);
	return rc;
}
