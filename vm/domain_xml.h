/* The libvirt domain XML of one benchmark guest: a direct kernel boot of
 * the cached kernel with the agent's initramfs, and nothing else (no disk,
 * no network, no USB, no balloon, no graphics), so that what is measured is
 * the start of a VM and not of its devices. */
#ifndef BENCH_VM_DOMAIN_XML_H
#define BENCH_VM_DOMAIN_XML_H

#include <stdbool.h>
#include <stddef.h>

#include "../lib/error.h"
#include "accel.h"

#define VM_CPUS_MAX 256

/* bench's own namespace in a domain's <metadata>: <bench:run id='RUN ID'/>
 * marks a domain bench made, for the run whose id it holds; `bench
 * cleanup` removes no domain without it. */
#define VM_BENCH_MARK_NS "https://bench.invalid/ns/run/1"
#define VM_BENCH_MARK_PREFIX "bench"

/* This machine's /etc/machine-id, the mark's controller='...': the
 * machine whose processes the run id names, so that `bench cleanup` on a
 * libvirt host shared by several machines judges only its own runs; NULL
 * where it cannot be read. */
const char *vm_machine_id(void);

struct vm_domain_spec {
	const char *name;           /* "bench-<run id>-<seq>" */
	unsigned memory_mib;
	unsigned vcpus;             /* >= 1 */
	/* Host CPUs to pin to: vCPU i runs on cpus[i % ncpus], the emulator
	 * threads on all of them.  ncpus == 0: no <cputune>. */
	const unsigned *cpus;
	unsigned ncpus;
	const char *kernel;         /* host paths */
	const char *initrd;
	const char *cmdline;
	enum vm_accel accel;        /* <domain type='kvm'> or 'qemu' (TCG) */
	/* The serial console: a unix socket that QEMU listens on (libvirt
	 * binds it and passes the descriptor), or NULL for a pty (what
	 * virDomainOpenConsole reads). */
	const char *console_socket;
	const char *run_id;         /* the mark's run id; NULL: no mark */
	const char *controller;     /* the mark's controller (vm_machine_id());
				       NULL: none */
	const char *machine;        /* "pc" (NULL) or "q35" */
	const char *disk;           /* a host file as a virtio-blk disk (vda, raw,
				       cache=none); NULL: no disk */
	const char *disk_io;        /* its io= mode: "native" (NULL) or "io_uring" */
	const char *tap;            /* a tap the caller made, as a virtio-net NIC
				       (<interface type='ethernet'>); NULL: none */
	bool vhost;                 /* that NIC through vhost-net (/dev/vhost-net) */
};

/* Builds the XML; returns a malloc'd string, or NULL with *err.  Every
 * string of spec is escaped. */
char *vm_domain_xml(const struct vm_domain_spec *spec, bench_error *err);

/* Appends s to out[*len..] with the five XML entities escaped (& < > " ')
 * and refuses control characters XML 1.0 cannot hold; returns 0, or -1 when
 * it does not fit or s holds such a character. */
int vm_xml_escape(const char *s, char *out, size_t outsz, size_t *len);

/* Parses a Linux cpu list ("0-1", "0,2-3") into ascending, distinct CPU
 * numbers; returns how many, or -1 with *err on a malformed list or more
 * than max CPUs. */
int vm_cpulist_parse(const char *list, unsigned *cpus, unsigned max, bench_error *err);

#endif
