/* The command line of a benchmark guest's QEMU, started without libvirt
 * (the qemu runner): the same machine as the vm runner's domain XML
 * (domain_xml.c): direct kernel boot of the cached kernel with the agent's
 * initramfs, the same CPU model and topology (cpu_model.h), memory, serial
 * console on a unix socket, and nothing else: no disk, network, USB,
 * balloon or display.  QEMU starts paused (-S) with its QMP monitor on a
 * unix socket of its own. */
#ifndef BENCH_VM_QEMU_CMDLINE_H
#define BENCH_VM_QEMU_CMDLINE_H

#include <stddef.h>

#include "../lib/error.h"
#include "accel.h"

#define QEMU_BINARY "qemu-system-x86_64"
#define QEMU_ARGV_MAX 48

enum vm_machine { VM_MACHINE_PC, VM_MACHINE_Q35, VM_MACHINE_MICROVM };

struct qemu_spec {
	const char *name;           /* "bench-<run id>-<seq>": QEMU's -name */
	enum vm_machine machine;
	enum vm_accel accel;
	unsigned memory_mib;
	unsigned vcpus;             /* >= 1 */
	const char *kernel, *initrd, *cmdline;
	const char *console_socket; /* QEMU listens; bench connects */
	const char *qmp_socket;     /* QEMU listens; bench connects */
	const char *incoming;       /* NULL, or a file to restore the guest
				       from (-incoming defer, then
				       migrate-incoming "fd:0" with the file
				       as QEMU's standard input) */
};

struct qemu_argv {
	char *argv[QEMU_ARGV_MAX + 1]; /* NULL-terminated, into store */
	int argc;
	char store[8192];
	size_t used;
};

/* Fills a from spec; -1 with *err when a value holds a ',' QEMU would take
 * as an option separator, a control character, or does not fit. */
int qemu_argv_build(const struct qemu_spec *spec, struct qemu_argv *a, bench_error *err);

/* "pc", "q35", "microvm"; and back (-1 with a usage error). */
const char *vm_machine_name(enum vm_machine m);
int vm_machine_parse(const char *s, enum vm_machine *m, bench_error *err);

#endif
