/* The vm runner on a libvirt host that is not this one (--libvirt-uri
 * qemu+ssh://host/system, qemu+tcp://, qemu+tls://): nothing is shared but
 * the connection.  The guest kernel and initramfs go into a storage pool
 * there (vm/remote_volume.h) and the domain names those volumes; the
 * console is read through libvirt's stream (vm/console_stream.h) instead
 * of a unix socket that would be a path on that host; and no figure that
 * needs this host's /proc is taken for its guests. */
#ifndef BENCH_VM_REMOTE_H
#define BENCH_VM_REMOTE_H

#include <libvirt/libvirt.h>
#include <stdbool.h>

#include "record_stream.h"
#include "runner.h"
#include "vm_guest.h"
#include "../vm/console_stream.h"
#include "../vm/remote_volume.h"

struct vm_remote {
	bool on;                      /* the URI names another host */
	struct remote_volume kernel;  /* the guest's files on that host */
	struct remote_volume initrd;
};

/* True for a URI that reaches libvirtd over the network: a host name, or
 * a network transport (ssh, libssh, libssh2, tcp, tls, ext) even to
 * localhost, since what it reaches is then no longer this process's view
 * of the files and sockets. */
bool vm_uri_is_remote(const char *uri);

/* Before virConnectOpen: the event loop that moves console bytes. */
int vm_remote_begin(struct vm_remote *rm, bench_error *err);

/* After it: the kernel and initramfs into the host's pool. */
int vm_remote_upload(struct vm_remote *rm, virConnectPtr conn, const struct vm_guest *g, const char *run_id,
		     bench_error *err);

/* Refuses what a remote guest cannot have: a disk or a tap are files and
 * links on this host. */
int vm_remote_check_instance(const struct instance *in, bench_error *err);

/* Opens the console of a created (paused) domain through the stream;
 * *con gets the bridge's fd and *rs starts on it. */
int vm_remote_console(virConnectPtr conn, virDomainPtr dom, const char *name, struct vm_console_stream **cs,
		      int *con, struct record_stream *rs, bench_error *err);

/* Undoes vm_remote_begin, after the connection is closed. */
void vm_remote_end(struct vm_remote *rm);

/* The results' meta: the console's path, the volumes, uploaded or found
 * in the cache and how long the upload took, and a note; o: a json_t. */
void vm_remote_describe(const struct vm_remote *rm, const char *uri, void *json_object);

#endif
