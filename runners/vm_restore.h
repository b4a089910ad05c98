/* The vm runner's --vm-start restore: its guest booted once to an idle
 * agent and saved by libvirt (virDomainSaveFlags), kept in bench's cache
 * beside the qemu runner's saved guests (vm/snapshot_cache.h, kind
 * "libvirt"), then brought back for every sample with
 * virDomainRestoreFlags.
 *
 * libvirt keeps a saved domain's name and UUID on restore, so the saved
 * domain is named for the image, bench-restore-<16 hex of its key>, not for
 * a run; each restore gets its own console socket and the run's mark
 * (vm/restore_xml.h), by which `bench cleanup` judges it.  A restore cannot
 * be AUTODESTROY (libvirt has no such flag for it): a harness killed while
 * a restored guest runs leaves it to `bench cleanup`, which every `bench
 * run` does first.  Two runs cannot restore one image at once (one name):
 * the second says so. */
#ifndef BENCH_VM_RESTORE_H
#define BENCH_VM_RESTORE_H

#include <libvirt/libvirt.h>
#include <stdbool.h>

#include "runner.h"
#include "vm_guest.h"

struct vm_restore {
	bool on;              /* --vm-start restore */
	bool made;            /* this run saved the image */
	char image[512];
	char name[64];        /* the saved domain's, kept by every restore */
	char *xml;            /* the image's domain XML */
	char refused[900];    /* why a cached image was not used */
};

/* --vm-start: nothing for cold; for restore, the image from the cache, or
 * made by boot(r, name, err), which must leave a running domain called
 * name with an idle agent (saved, then gone, here). */
int vm_restore_prepare(struct runner *r, struct vm_restore *s, virConnectPtr conn, const struct vm_guest *g,
		       const char *machine, int (*boot)(struct runner *r, const char *name, bench_error *err),
		       bench_error *err);

/* The saved guest back, paused, its console at sock, marked for run_id. */
virDomainPtr vm_restore_domain(const struct vm_restore *s, virConnectPtr conn, const char *run_id, const char *sock,
			       bench_error *err);

void vm_restore_describe(const struct vm_restore *s, void *json_object);
void vm_restore_free(struct vm_restore *s);

#endif
