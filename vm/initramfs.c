#include "initramfs.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../lib/agent_protocol.h"

/* An agent larger than this is not the agent. */
#define AGENT_MAX_BYTES (64u << 20)

const char *vm_cache_dir(void)
{
	const char *d = getenv("BENCH_CACHE_DIR");

	return d && *d ? d : "/var/cache/bench";
}

void initramfs_sha256_hex(const void *data, size_t len, char hex[INITRAMFS_SHA256_HEX])
{
	static const char digits[] = "0123456789abcdef";
	struct sha256_ctx ctx;
	uint8_t digest[SHA256_DIGEST_SIZE];

	sha256_init(&ctx);
	sha256_update(&ctx, len, data);
	sha256_digest(&ctx, sizeof(digest), digest);
	for (size_t i = 0; i < sizeof(digest); i++) {
		hex[2 * i] = digits[digest[i] >> 4];
		hex[2 * i + 1] = digits[digest[i] & 15];
	}
	hex[2 * SHA256_DIGEST_SIZE] = '\0';
}

/* A guest module larger than this is not one of the virtio modules. */
#define MODULE_MAX_BYTES (4u << 20)

/* Reads a whole regular file of 1..max bytes (what: "agent", "module" in
 * messages; flags: O_NOFOLLOW or 0). */
static int read_file_max(const char *path, const char *what, int flags, size_t max, char **out, size_t *outlen,
			 bench_error *err)
{
	struct stat st;
	char *buf;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | flags);

	if (fd < 0)
		return bench_fail(err, errno, "%s %s", what, path);
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (unsigned long long)st.st_size > max) {
		close(fd);
		return bench_fail(err, 0, "%s %s: not a regular file of 1 byte to %zu MiB", what, path, max >> 20);
	}
	buf = malloc((size_t)st.st_size);
	if (!buf) {
		close(fd);
		return bench_fail(err, ENOMEM, "%s %s", what, path);
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;

			free(buf);
			close(fd);
			return bench_fail(err, e, "%s %s: short read", what, path);
		}
		got += (size_t)n;
	}
	close(fd);
	*out = buf;
	*outlen = got;
	return 0;
}

static int read_all(const char *path, char **out, size_t *outlen, bench_error *err)
{
	return read_file_max(path, "agent", 0, AGENT_MAX_BYTES, out, outlen, err);
}

static int add_entry(struct archive *a, const char *name, mode_t type, mode_t perm, dev_t rdev,
		     const void *data, size_t len, bench_error *err)
{
	struct archive_entry *e = archive_entry_new();
	int rc = 0;

	if (!e)
		return bench_fail(err, ENOMEM, "initramfs: %s", name);
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, perm);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	archive_entry_set_nlink(e, type == AE_IFDIR ? 2 : 1);
	archive_entry_set_mtime(e, 0, 0); /* the same agent gives the same bytes */
	if (type == AE_IFCHR)
		archive_entry_set_rdev(e, rdev);
	archive_entry_set_size(e, type == AE_IFREG ? (la_int64_t)len : 0);
	if (archive_write_header(a, e) != ARCHIVE_OK)
		rc = bench_fail(err, 0, "initramfs: %s: %s", name, archive_error_string(a));
	else if (type == AE_IFREG && archive_write_data(a, data, len) != (la_ssize_t)len)
		rc = bench_fail(err, 0, "initramfs: %s: %s", name, archive_error_string(a));
	archive_entry_free(e);
	return rc;
}

int initramfs_write(const void *agent, size_t len, const char *out_path, bench_error *err)
{
	return initramfs_write_modules(agent, len, NULL, 0, out_path, err);
}

int initramfs_write_modules(const void *agent, size_t len, const struct initramfs_file *modules, unsigned nmodules,
			    const char *out_path, bench_error *err)
{
	char tmp[4096];
	struct archive *a;
	int fd, rc = -1;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", out_path) >= (int)sizeof(tmp))
		return bench_fail(err, ENAMETOOLONG, "initramfs %s", out_path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return bench_fail(err, errno, "initramfs: cannot create a file next to %s", out_path);
	/* QEMU runs as another user: the archive must be readable by it. */
	if (fchmod(fd, 0644) != 0) {
		rc = bench_fail(err, errno, "initramfs %s", tmp);
		close(fd);
		unlink(tmp);
		return rc;
	}
	a = archive_write_new();
	if (!a) {
		close(fd);
		unlink(tmp);
		return bench_fail(err, ENOMEM, "initramfs");
	}
	if (archive_write_set_format_cpio_newc(a) != ARCHIVE_OK ||
	    archive_write_add_filter_none(a) != ARCHIVE_OK ||
	    /* No padding of the last block to 10 KiB: the kernel doesn't care. */
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    archive_write_open_fd(a, fd) != ARCHIVE_OK) {
		bench_fail(err, 0, "initramfs: %s", archive_error_string(a));
		goto out;
	}
	if (add_entry(a, "dev", AE_IFDIR, 0755, 0, NULL, 0, err) != 0 ||
	    add_entry(a, "dev/console", AE_IFCHR, 0600, makedev(5, 1), NULL, 0, err) != 0 ||
	    add_entry(a, "proc", AE_IFDIR, 0555, 0, NULL, 0, err) != 0 ||
	    add_entry(a, "init", AE_IFREG, 0755, 0, agent, len, err) != 0)
		goto out;
	if (nmodules > 0 && (add_entry(a, "lib", AE_IFDIR, 0755, 0, NULL, 0, err) != 0 ||
			     add_entry(a, BENCH_GUEST_MODULES_DIR + 1, AE_IFDIR, 0755, 0, NULL, 0, err) != 0))
		goto out;
	for (unsigned i = 0; i < nmodules; i++) {
		char name[128];

		if (snprintf(name, sizeof(name), "%s/%s.ko", BENCH_GUEST_MODULES_DIR + 1, modules[i].name) >=
		    (int)sizeof(name)) {
			bench_fail(err, ENAMETOOLONG, "initramfs: module %s", modules[i].name);
			goto out;
		}
		if (add_entry(a, name, AE_IFREG, 0644, 0, modules[i].data, modules[i].len, err) != 0)
			goto out;
	}
	if (archive_write_close(a) != ARCHIVE_OK) {
		bench_fail(err, 0, "initramfs: %s", archive_error_string(a));
		goto out;
	}
	if (fsync(fd) != 0) {
		bench_fail(err, errno, "initramfs %s", tmp);
		goto out;
	}
	rc = 0;
out:
	archive_write_free(a);
	if (close(fd) != 0 && rc == 0)
		rc = bench_fail(err, errno, "initramfs %s", tmp);
	if (rc == 0 && rename(tmp, out_path) != 0)
		rc = bench_fail(err, errno, "initramfs: rename to %s", out_path);
	if (rc != 0)
		unlink(tmp);
	return rc;
}

static int mkdir_p(const char *path, bench_error *err)
{
	char buf[4096];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(buf))
		return bench_fail(err, ENAMETOOLONG, "cache folder '%.64s'", path);
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			return bench_fail(err, errno, "cache folder %s (set BENCH_CACHE_DIR?)", buf);
		*p = '/';
	}
	if (mkdir(buf, 0755) != 0 && errno != EEXIST)
		return bench_fail(err, errno, "cache folder %s (set BENCH_CACHE_DIR?)", buf);
	return 0;
}

int initramfs_get(const char *agent_path, const char *cache_dir, char *path, size_t pathsz,
		  char sha_hex[INITRAMFS_SHA256_HEX], bench_error *err)
{
	char dir[4096];
	char *agent = NULL;
	size_t len = 0;
	struct stat st;
	int rc = 0;

	if (!agent_path)
		return bench_fail(err, 0, "vm: no agent binary given");
	if (read_all(agent_path, &agent, &len, err) != 0)
		return -1;
	initramfs_sha256_hex(agent, len, sha_hex);
	if (snprintf(dir, sizeof(dir), "%s/initramfs", cache_dir) >= (int)sizeof(dir) ||
	    snprintf(path, pathsz, "%s/%s.cpio", dir, sha_hex) >= (int)pathsz) {
		free(agent);
		return bench_fail(err, ENAMETOOLONG, "initramfs in %s", cache_dir);
	}
	/* Already built for these bytes: the name is the agent's hash and the
	 * file only appears complete (rename). */
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size > len) {
		free(agent);
		return 0;
	}
	if (mkdir_p(dir, err) != 0 || initramfs_write(agent, len, path, err) != 0)
		rc = -1;
	free(agent);
	return rc;
}

int initramfs_get_modules(const char *agent_path, const char *cache_dir, const char *const *names,
			  const char (*paths)[4200], unsigned n, char *path, size_t pathsz,
			  char sha_hex[INITRAMFS_SHA256_HEX], bench_error *err)
{
	struct initramfs_file files[INITRAMFS_MODULES_MAX];
	char dir[4096], set_hex[INITRAMFS_SHA256_HEX];
	char *agent = NULL;
	size_t len = 0;
	struct sha256_ctx ctx;
	uint8_t digest[SHA256_DIGEST_SIZE];
	struct stat st;
	int rc = -1;

	if (n == 0)
		return initramfs_get(agent_path, cache_dir, path, pathsz, sha_hex, err);
	if (n > INITRAMFS_MODULES_MAX)
		return bench_fail(err, E2BIG, "initramfs: %u modules, at most %u", n, INITRAMFS_MODULES_MAX);
	if (!agent_path)
		return bench_fail(err, 0, "vm: no agent binary given");
	memset(files, 0, sizeof(files));
	if (read_all(agent_path, &agent, &len, err) != 0)
		return -1;
	initramfs_sha256_hex(agent, len, sha_hex);
	/* The archive's name: a hash of the agent and of every module's name
	 * and bytes, so that a new agent or kernel gets a new archive. */
	sha256_init(&ctx);
	sha256_update(&ctx, len, (const uint8_t *)agent);
	for (unsigned i = 0; i < n; i++) {
		char *data = NULL;
		size_t dlen = 0;

		if (read_file_max(paths[i], "guest kernel module", O_NOFOLLOW, MODULE_MAX_BYTES, &data, &dlen, err) != 0)
			goto out;
		files[i] = (struct initramfs_file){ .name = names[i], .data = data, .len = dlen };
		sha256_update(&ctx, strlen(names[i]) + 1, (const uint8_t *)names[i]);
		sha256_update(&ctx, dlen, (const uint8_t *)data);
	}
	sha256_digest(&ctx, sizeof(digest), digest);
	initramfs_sha256_hex(digest, sizeof(digest), set_hex);
	if (snprintf(dir, sizeof(dir), "%s/initramfs", cache_dir) >= (int)sizeof(dir) ||
	    snprintf(path, pathsz, "%s/%s-modules.cpio", dir, set_hex) >= (int)pathsz) {
		bench_fail(err, ENAMETOOLONG, "initramfs in %s", cache_dir);
		goto out;
	}
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size > len) {
		rc = 0;
		goto out;
	}
	if (mkdir_p(dir, err) == 0 && initramfs_write_modules(agent, len, files, n, path, err) == 0)
		rc = 0;
out:
	for (unsigned i = 0; i < n; i++)
		free((void *)files[i].data);
	free(agent);
	return rc;
}
