#include "snapshot_cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/run_id.h"
#include "../lib/sha256_file.h"
#include "initramfs.h"

/* The kinds of image (snapshot_cache.h); anything else is not ours. */
static const char *const kinds[] = { "qemu", "libvirt" };

static int snapshot_dir(char *out, size_t outsz)
{
	return snprintf(out, outsz, "%s/snapshot", vm_cache_dir()) >= (int)outsz ? -1 : 0;
}

int snapshot_paths(const char *key, const char *kind, const char *run_id, char *out, size_t outsz, char *tmp,
		   size_t tmpsz, bench_error *err)
{
	char dir[512], hex[INITRAMFS_SHA256_HEX];
	bool known = false;

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		known |= strcmp(kind, kinds[i]) == 0;
	if (!known)
		return bench_fail(err, EINVAL, "snapshot kind %.20s", kind);

	if (snapshot_dir(dir, sizeof(dir)) < 0)
		return bench_fail(err, ENAMETOOLONG, "snapshot folder");
	if (strspn(dir, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-") != strlen(dir))
		return bench_fail(err, 0, "snapshot folder %.200s holds a character QEMU's exec: migration would "
				  "hand a shell; set BENCH_CACHE_DIR to a plain path", dir);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return bench_fail(err, errno, "snapshot folder %s", dir);
	initramfs_sha256_hex(key, strlen(key), hex);
	if ((size_t)snprintf(out, outsz, "%s/%s.%s", dir, hex, kind) >= outsz ||
	    (size_t)snprintf(tmp, tmpsz, "%s/%s." RUN_ID_PREFIX "%s.tmp", dir, hex, run_id) >= tmpsz)
		return bench_fail(err, ENAMETOOLONG, "snapshot path");
	return 0;
}

/* "<path>.sha256": the image's record. */
static int record_path(const char *path, char *out, size_t outsz)
{
	return (size_t)snprintf(out, outsz, "%s.sha256", path) >= outsz ? -1 : 0;
}

int snapshot_seal(const char *tmp, const char *path, bench_error *err)
{
	char rec[640], hex[65];
	struct stat st;
	FILE *f;
	int bad;

	if (record_path(path, rec, sizeof(rec)) < 0)
		return bench_fail(err, ENAMETOOLONG, "snapshot record");
	if (stat(tmp, &st) != 0)
		return bench_fail(err, errno, "saved guest %s", tmp);
	if (sha256_file_hex(tmp, hex, err) < 0)
		return bench_error_prefix(err, "saved guest");
	/* The record first: an image without one is refused, never used. */
	f = fopen(rec, "we");
	if (!f)
		return bench_fail(err, errno, "snapshot record %s", rec);
	bad = fprintf(f, "%s %lld\n", hex, (long long)st.st_size) < 0;
	bad |= fclose(f) != 0;
	if (bad) {
		unlink(rec);
		return bench_fail(err, EIO, "snapshot record %s", rec);
	}
	if (rename(tmp, path) != 0)
		return bench_fail(err, errno, "saved guest %s", path);
	return 0;
}

int snapshot_check(const char *path, char *why, size_t whysz)
{
	char rec[640], want[80] = "", hex[65];
	long long want_size = -1;
	struct stat st;
	bench_error err = { 0 };
	FILE *f;

	if (stat(path, &st) != 0)
		return 0;
	if (record_path(path, rec, sizeof(rec)) < 0)
		return snprintf(why, whysz, "saved guest %s: path too long", path), -1;
	f = fopen(rec, "re");
	/* The record is bench's own, but read as untrusted all the same. */
	if (!f || fscanf(f, "%64[0-9a-f] %lld", want, &want_size) != 2 || strlen(want) != 64) {
		snprintf(why, whysz, "saved guest %s has no valid record of its digest: removed, saved again", path);
	} else if (!S_ISREG(st.st_mode) || st.st_size != want_size) {
		snprintf(why, whysz, "saved guest %s is %lld bytes, %lld when it was saved (truncated?): removed, saved "
			 "again", path, (long long)st.st_size, want_size);
	} else if (sha256_file_hex(path, hex, &err) < 0 || strcmp(hex, want) != 0) {
		snprintf(why, whysz, "saved guest %s does not match the digest it was saved with (%s): removed, saved "
			 "again", path, err.msg[0] ? err.msg : "damaged");
	} else {
		fclose(f);
		return 1;
	}
	if (f)
		fclose(f);
	unlink(path);
	unlink(rec);
	return -1;
}

/* "<64 hex>.<kind>" (record: with ".sha256" after it). */
static bool is_image_name(const char *n, bool record)
{
	size_t len = strlen(n);

	if (len < 66 || strspn(n, "0123456789abcdef") != 64 || n[64] != '.')
		return false;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		size_t k = strlen(kinds[i]);

		if (strncmp(n + 65, kinds[i], k) == 0 &&
		    strcmp(n + 65 + k, record ? ".sha256" : "") == 0)
			return true;
	}
	return false;
}

unsigned snapshot_cleanup(bool all)
{
	char dir[512];
	DIR *d;
	struct dirent *e;
	unsigned removed = 0;

	if (snapshot_dir(dir, sizeof(dir)) < 0 || !(d = opendir(dir)))
		return 0;
	while ((e = readdir(d)) != NULL) {
		const char *run = strstr(e->d_name, "." RUN_ID_PREFIX);
		size_t len = strlen(e->d_name);
		bool take = false;

		if (run && len > 4 && strcmp(e->d_name + len - 4, ".tmp") == 0) {
			char id[96];
			enum run_owner o;

			/* "<hex>.bench-<run id>.tmp": the run id alone. */
			snprintf(id, sizeof(id), "%.*s", (int)(e->d_name + len - 4 - (run + 1 + strlen(RUN_ID_PREFIX))),
				 run + 1 + strlen(RUN_ID_PREFIX));
			o = run_id_owner(id);

			take = o == RUN_OWNER_DEAD || (all && o == RUN_OWNER_ALIVE);
		} else if (all && is_image_name(e->d_name, false)) {
			take = true;
		} else if (all && is_image_name(e->d_name, true)) {
			unlinkat(dirfd(d), e->d_name, 0); /* a record, not counted */
		}
		/* unlinkat never follows a link: it removes the name. */
		if (take && unlinkat(dirfd(d), e->d_name, 0) == 0)
			removed++;
	}
	closedir(d);
	return removed;
}
