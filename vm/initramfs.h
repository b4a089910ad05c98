/* The guest's initramfs: the agent as /init and nothing else but /dev,
 * /proc and /dev/console; for a guest with devices, also the kernel
 * modules their drivers need (vm/guest_modules.h) under /lib/modules.
 *
 * Format: newc cpio, uncompressed.  The archive is ~the agent's size (a few
 * hundred KiB); the kernel unpacks an uncompressed archive with memcpy,
 * while gzip would cost a decompression on every boot, under TCG at that,
 * to save reading a few hundred KiB that sit in the host's page cache.
 *
 * The archive is cached as <cache>/initramfs/<sha256 of the agent>.cpio, so
 * a rebuilt agent gets a new archive and every boot of a run uses the bytes
 * that were hashed. */
#ifndef BENCH_VM_INITRAMFS_H
#define BENCH_VM_INITRAMFS_H

#include <stddef.h>

#include "../lib/error.h"

#define INITRAMFS_SHA256_HEX 65 /* 64 hex digits and the NUL */

/* The cache folder: $BENCH_CACHE_DIR, else /var/cache/bench. */
const char *vm_cache_dir(void);

/* sha256 of len bytes, as lower-case hex. */
void initramfs_sha256_hex(const void *data, size_t len, char hex[INITRAMFS_SHA256_HEX]);

/* Writes the archive holding agent[0..len) as /init to out_path, atomically
 * (a temporary file in the same folder, then rename). */
int initramfs_write(const void *agent, size_t len, const char *out_path, bench_error *err);

/* A file the archive carries beside /init: a guest kernel module, as
 * /lib/modules/<name>.ko (BENCH_GUEST_MODULES_DIR). */
struct initramfs_file {
	const char *name;   /* "virtio_blk" */
	const void *data;
	size_t len;
};
#define INITRAMFS_MODULES_MAX 16

/* initramfs_write, with modules[0..nmodules) added. */
int initramfs_write_modules(const void *agent, size_t len, const struct initramfs_file *modules, unsigned nmodules,
			    const char *out_path, bench_error *err);

/* Reads the agent, and returns in path the cached archive for its exact
 * bytes, building it when missing; sha_hex gets the agent's sha256. */
int initramfs_get(const char *agent_path, const char *cache_dir, char *path, size_t pathsz,
		  char sha_hex[INITRAMFS_SHA256_HEX], bench_error *err);

/* initramfs_get for an archive that also carries n guest modules (names[i]
 * read from paths[i], e.g. a struct guest_modules): cached as
 * <cache>/initramfs/<sha256 of agent and modules>-modules.cpio.  n == 0 is
 * initramfs_get: the archive of the agent alone.  sha_hex gets the
 * agent's sha256. */
int initramfs_get_modules(const char *agent_path, const char *cache_dir, const char *const *names,
			  const char (*paths)[4200], unsigned n, char *path, size_t pathsz,
			  char sha_hex[INITRAMFS_SHA256_HEX], bench_error *err);

#endif
