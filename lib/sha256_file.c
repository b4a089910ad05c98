/* SHA-256 of a file with nettle, read in blocks (sha256_file.h). */
#include "sha256_file.h"

#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <unistd.h>

int sha256_file_hex(const char *path, char out[65], bench_error *err)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char buf[65536], digest[SHA256_DIGEST_SIZE];
	struct sha256_ctx ctx;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return bench_fail(err, errno, "%s", path);
	sha256_init(&ctx);
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n == 0)
			break;
		if (n < 0) {
			int e = errno;

			if (e == EINTR)
				continue;
			close(fd);
			return bench_fail(err, e, "reading %s", path);
		}
		sha256_update(&ctx, (size_t)n, buf);
	}
	close(fd);
	sha256_digest(&ctx, sizeof(digest), digest);
	for (size_t i = 0; i < sizeof(digest); i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 15];
	}
	out[64] = '\0';
	return 0;
}
