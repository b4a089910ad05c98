/* What an interrupted vm runner may leave behind: libvirt domains named
 * "bench-<run id>-<seq>" (only if the harness died and libvirtd missed its
 * connection closing: they are created auto-destroy) and the folders of
 * their console sockets, $TMPDIR/bench-<run id>-vm.XXXXXX. */
#ifndef BENCH_VM_CLEANUP_H
#define BENCH_VM_CLEANUP_H

#include <stdbool.h>

#include "../lib/error.h"

/* Destroys (and undefines, if persistent) every domain whose name starts
 * with "bench-" and whose bench process is gone, or every such domain when
 * all is true, and removes such socket folders.  uri NULL: qemu:///system.
 * Returns how many domains it removed, or -1 with *err. */
int vm_cleanup_stale(const char *uri, bool all, bench_error *err);

#endif
