/* A guest's serial console read through libvirt (virDomainOpenConsole on
 * a non-blocking virStream), for a libvirt host whose files and sockets
 * this machine cannot reach.  The stream is bridged to one end of a unix
 * socket pair, so that its reader handles it as it does the console socket
 * of a local guest (a plain fd: poll, read, send, EOF when QEMU exits).
 *
 * The bytes are moved by libvirt's default event loop (virsh console's
 * way), which runs in a thread of its own: a non-blocking virStream only
 * hands over what the client library has already taken off the RPC
 * connection, and it does that from its event loop; a blocking
 * virStreamRecv in a thread per guest would hold the connection's lock
 * and stall every other call on it while its guest is silent.  The relay
 * adds the thread's wake-up to every console byte, beside the hops through
 * libvirtd and the connection themselves. */
#ifndef BENCH_VM_CONSOLE_STREAM_H
#define BENCH_VM_CONSOLE_STREAM_H

#include <libvirt/libvirt.h>

#include "../lib/error.h"

struct vm_console_stream;

/* Registers libvirt's default event loop (once per process) and runs it in
 * a thread until the last vm_console_events_stop.  Must come before the
 * virConnectOpen of a connection whose consoles are read. */
int vm_console_events_start(bench_error *err);
void vm_console_events_stop(void);

/* Opens dom's console (its first serial port, a pty) as a stream; *fd gets
 * the local end of the bridge (non-blocking, close-on-exec, owned by the
 * returned object): reads give the console's bytes and then EOF once the
 * console has ended; what is written to it goes to the guest.  NULL with
 * *err on failure. */
struct vm_console_stream *vm_console_stream_open(virConnectPtr conn, virDomainPtr dom, int *fd, bench_error *err);

/* Ends the relay, closes the stream and *fd. */
void vm_console_stream_close(struct vm_console_stream *cs);

#endif
