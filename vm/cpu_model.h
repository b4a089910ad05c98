/* The guest CPU both VM runners give a guest, so that the libvirt domain
 * (domain_xml.c) and the QEMU command line (qemu_cmdline.c) describe the
 * same machine: what differs between the two runners is then only who
 * starts QEMU.
 *
 *   - KVM: the host's CPU passed through (libvirt host-passthrough, QEMU
 *     -cpu host): a guest sees what the host has, as in production.
 *   - TCG: an explicit named model, qemu64: QEMU's default for the pc
 *     machine, written out so that neither libvirt nor a later QEMU picks
 *     another one behind the figures' back.
 *   - Topology: one socket, one core per vCPU, one thread per core. */
#ifndef BENCH_VM_CPU_MODEL_H
#define BENCH_VM_CPU_MODEL_H

#include <stddef.h>

#include "accel.h"

#define VM_CPU_MODEL_TCG "qemu64"

struct vm_cpu_topology {
	unsigned sockets, cores, threads;
};

/* The model's name for the results: "host-passthrough" or "qemu64". */
const char *vm_cpu_model_name(enum vm_accel accel);

/* QEMU's -cpu value: "host" or "qemu64". */
const char *vm_cpu_model_qemu(enum vm_accel accel);

/* The topology of vcpus vCPUs (>= 1). */
struct vm_cpu_topology vm_cpu_topology_of(unsigned vcpus);

/* "1 socket x 2 cores x 1 thread" for the results. */
void vm_cpu_topology_describe(struct vm_cpu_topology t, char *out, size_t outsz);

#endif
