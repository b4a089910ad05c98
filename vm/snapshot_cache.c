#include "snapshot_cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/run_id.h"
#include "initramfs.h"

static int snapshot_dir(char *out, size_t outsz)
{
	return snprintf(out, outsz, "%s/snapshot", vm_cache_dir()) >= (int)outsz ? -1 : 0;
}

int snapshot_paths(const char *key, const char *run_id, char *out, size_t outsz, char *tmp, size_t tmpsz,
		   bench_error *err)
{
	char dir[512], hex[INITRAMFS_SHA256_HEX];

	if (snapshot_dir(dir, sizeof(dir)) < 0)
		return bench_fail(err, ENAMETOOLONG, "snapshot folder");
	if (strspn(dir, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-") != strlen(dir))
		return bench_fail(err, 0, "snapshot folder %.200s holds a character QEMU's exec: migration would "
				  "hand a shell; set BENCH_CACHE_DIR to a plain path", dir);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return bench_fail(err, errno, "snapshot folder %s", dir);
	initramfs_sha256_hex(key, strlen(key), hex);
	if ((size_t)snprintf(out, outsz, "%s/%s.qemu", dir, hex) >= outsz ||
	    (size_t)snprintf(tmp, tmpsz, "%s/%s." RUN_ID_PREFIX "%s.tmp", dir, hex, run_id) >= tmpsz)
		return bench_fail(err, ENAMETOOLONG, "snapshot path");
	return 0;
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
		} else if (all && len == 64 + 5 && strcmp(e->d_name + 64, ".qemu") == 0) {
			take = true;
		}
		/* unlinkat never follows a link: it removes the name. */
		if (take && unlinkat(dirfd(d), e->d_name, 0) == 0)
			removed++;
	}
	closedir(d);
	return removed;
}
