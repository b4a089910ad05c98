/* The guest drivers a VM's devices need, and where they come from: built
 * into the cached kernel, or modules that scripts/setup.sh copied from the
 * same package into <cache>/kernel/<release>/modules/ and that the agent,
 * as /init, loads (bench.modules= on the kernel command line, in the order
 * of this list: each after those it depends on).
 *
 * Debian's cloud kernel builds virtio as modules (CONFIG_VIRTIO=m, ...);
 * a kernel with them built in needs no module, and a guest with no device
 * loads none, so the VM start benchmark pays nothing for them. */
#ifndef BENCH_VM_GUEST_MODULES_H
#define BENCH_VM_GUEST_MODULES_H

#include <stdbool.h>
#include <stddef.h>

#include "../lib/error.h"
#include "kernel_cache.h"

/* What a guest's devices need (bits). */
enum guest_driver {
	GUEST_DRIVER_BLK = 1u << 0, /* a virtio-blk disk */
	GUEST_DRIVER_NET = 1u << 1, /* a virtio-net interface */
};

#define GUEST_MODULES_MAX 9

/* The modules to load for a set of drivers, in load order. */
struct guest_modules {
	unsigned n;
	const char *names[GUEST_MODULES_MAX];    /* static strings: "virtio_ring" */
	char paths[GUEST_MODULES_MAX][4200];     /* the host's .ko files */
	unsigned builtin;                        /* how many needed were built in */
};

/* Which of the drivers' modules k needs loaded, from the kernel's config
 * (CONFIG_...=m: a module; =y: built in) and the cached modules: a module
 * that is missing fails with "run 'make setup'".  A kernel without a
 * config is taken to have modules where the cache holds them. */
int guest_modules_resolve(const struct guest_kernel *k, unsigned drivers, struct guest_modules *m,
			  bench_error *err);

/* "modules" (some loaded by /init), "built-in" (none needed), for the
 * results. */
const char *guest_modules_kind(const struct guest_modules *m);

/* Appends " bench.modules=a,b,c" (nothing when m->n == 0) to out[*len..];
 * returns 0, or -1 when it does not fit. */
int guest_modules_cmdline(const struct guest_modules *m, char *out, size_t outsz, size_t *len);

#endif
