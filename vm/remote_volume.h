/* A local file (the guest kernel, an initramfs) put on a libvirt host that
 * shares nothing with this one but the connection: uploaded through the
 * libvirt API (virStorageVolUpload over a virStream) into a dir storage
 * pool of bench's own on that host, and cached there by sha256.
 *
 * The pool: BENCH_REMOTE_POOL (default "bench-cache"), defined, built and
 * started when missing with its folder at BENCH_REMOTE_POOL_DIR (default
 * /var/lib/libvirt/images/bench-cache) on the remote host.  It is a cache:
 * its volumes are kept between runs, `bench cleanup` leaves them.
 *
 * A volume is "<what>-<sha256 of the file>".  It only ever appears under
 * that name complete: the bytes go to a temporary volume named after the
 * run ("bench-<run id>-part-<what>"), which the pool then copies to the
 * final name (virStorageVolCreateXMLFrom) before the temporary one is
 * deleted.  An upload cut short leaves at most the temporary volume, which
 * a failure deletes at once and `bench cleanup` once its run is over; a
 * final name found with the wrong size is deleted and uploaded again. */
#ifndef BENCH_VM_REMOTE_VOLUME_H
#define BENCH_VM_REMOTE_VOLUME_H

#include <libvirt/libvirt.h>
#include <stdbool.h>
#include <stdint.h>

#include "../lib/error.h"

#define REMOTE_POOL_DEFAULT "bench-cache"
#define REMOTE_POOL_DIR_DEFAULT "/var/lib/libvirt/images/bench-cache"

struct remote_volume {
	char name[160];             /* "<what>-<sha256>" */
	char path[4096];            /* the file on the libvirt host */
	char sha256[65];
	unsigned long long bytes;
	bool uploaded;              /* false: found in the pool (a cache hit) */
	uint64_t upload_ns;         /* uploaded: upload and copy to its name */
};

/* The pool's name and folder (environment, else the defaults). */
const char *remote_pool_name(void);
const char *remote_pool_dir(void);

/* Puts local_path in the pool as "<what>-<sha256>" (what: [a-z0-9_]+),
 * uploading it unless the pool has it with the right size; run_id names
 * the temporary volume.  A Ctrl-C cuts an upload short (its temporary
 * volume is deleted). */
int remote_volume_put(virConnectPtr conn, const char *what, const char *local_path, const char *run_id,
		      struct remote_volume *out, bench_error *err);

/* `bench cleanup`: deletes the pool's temporary volumes of runs that are
 * over (all: also of runs still going); returns how many, or -1 with *err.
 * A host without the pool has none: 0. */
int remote_volume_cleanup(virConnectPtr conn, bool all, bench_error *err);

#endif
