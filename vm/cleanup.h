/* What an interrupted vm runner may leave behind: libvirt domains (only if
 * the harness died and libvirtd missed its connection closing: they are
 * created auto-destroy) and the folders of their console sockets,
 * $TMPDIR/bench-<run id>-vm.XXXXXX.
 *
 * A domain is bench's only when it is transient and carries bench's mark
 * (vm/domain_xml.h: <bench:run id='RUN ID'/> in its <metadata>): a domain
 * merely named "bench-..." (a user's "bench-mydb") is never touched.  A
 * guest restored for --vm-start restore (not auto-destroyed: libvirt's
 * restore has no such flag) is named bench-restore-<16 hex> and judged by
 * the run id of its mark. */
#ifndef BENCH_VM_CLEANUP_H
#define BENCH_VM_CLEANUP_H

#include <stdbool.h>

#include "../lib/error.h"

/* Destroys every transient domain marked by bench for a run whose bench
 * process is gone (or for any run when all is true), and removes such
 * socket folders, adding how many to *folders (when not NULL).  uri NULL:
 * qemu:///system.  Returns how many domains it removed, or -1 with *err. */
/* Removes $TMPDIR/bench-<run id>-<kind>.XXXXXX folders (and /tmp's) of
 * runs that are over (all: also of runs still going), never following a
 * link; returns how many. */
/* The value of attr ("id", "controller") in a domain's bench mark (its
 * metadata, untrusted), into out when every character is in charset and it
 * fits; false when it has none. */
bool vm_mark_attr(const char *xml, const char *attr, const char *charset, char *out, size_t outsz);
unsigned vm_cleanup_folders(const char *kind, bool all);

int vm_cleanup_stale(const char *uri, bool all, unsigned *folders, bench_error *err);

/* What dead runs left at a libvirt host other than the default (`bench
 * cleanup --libvirt-uri URI`; remote: that host is another machine): its
 * leftover domains, as above, and the temporary volumes of uploads cut
 * short (vm/remote_volume.h); the cached volumes are a cache and stay.
 * Over a remote connection only domains whose mark names this machine as
 * their controller are judged: another machine's run ids name its own
 * processes.  Returns how many domains went, *volumes how many volumes;
 * -1 with *err. */
int vm_cleanup_at(const char *uri, bool remote, bool all, unsigned *volumes, bench_error *err);

#endif
