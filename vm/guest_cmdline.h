/* The guest kernel's command line of a benchmark guest: the console, the
 * agent's task and its arguments (lib/agent_protocol.h's bench.* keys).
 * Shared by the vm runner (libvirt) and the qemu runner (QEMU by hand) so
 * that both boot the very same guest. */
#ifndef BENCH_VM_GUEST_CMDLINE_H
#define BENCH_VM_GUEST_CMDLINE_H

#include <stddef.h>

#include "../lib/error.h"

/* The serial console from the kernel's first instruction (earlycon),
 * "quiet" to keep it to a dozen lines, and panic=-1 so that a dead /init
 * ends the VM instead of hanging it. */
#define VM_CMDLINE_BASE "console=ttyS0 earlycon=uart8250,io,0x3f8 quiet panic=-1"

/* Writes VM_CMDLINE_BASE, the task, the hostname bench-vm-<seq> and one
 * bench.argN= per argument into out.  The task and its arguments may hold
 * no space, quote or anything else that could add a kernel parameter: a
 * usage error says which. */
int vm_guest_cmdline(const char *task, const char *const *args, int nargs, unsigned seq, char *out, size_t outsz,
		     bench_error *err);

#endif
