/* SHA-256 of a file with nettle, read in blocks (sha256_file.h). */
#include "sha256_file.h"

#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <unistd.h>

static int digest_fd(int fd, const char *what, char out[65], bench_error *err);

int sha256_file_hex(const char *path, char out[65], bench_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return bench_fail(err, errno, "%s", path);
	rc = digest_fd(fd, path, out, err);
	close(fd);
	return rc;
}

int sha256_fd_hex(int fd, const char *what, char out[65], bench_error *err)
{
	if (lseek(fd, 0, SEEK_SET) != 0)
		return bench_fail(err, errno, "reading %s", what);
	return digest_fd(fd, what, out, err);
}

static int digest_fd(int fd, const char *what, char out[65], bench_error *err)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char buf[65536], digest[SHA256_DIGEST_SIZE];
	struct sha256_ctx ctx;

	sha256_init(&ctx);
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n == 0)
			break;
		if (n < 0) {
			int e = errno;

			if (e == EINTR)
				continue;
			return bench_fail(err, e, "reading %s", what);
		}
		sha256_update(&ctx, (size_t)n, buf);
	}
	sha256_digest(&ctx, sizeof(digest), digest);
	for (size_t i = 0; i < sizeof(digest); i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 15];
	}
	out[64] = '\0';
	return 0;
}
