/* Which accelerator a VM can use on this host: KVM only where the CPU shows
 * hardware virtualisation (vmx or svm) and /dev/kvm opens; anything else
 * (including a nested PVM /dev/kvm without those flags, which cannot boot a
 * stock kernel) gets QEMU's TCG emulation. */
#ifndef BENCH_VM_ACCEL_H
#define BENCH_VM_ACCEL_H

#include <stdbool.h>
#include <stddef.h>

#include "../lib/error.h"

enum vm_accel { VM_ACCEL_TCG, VM_ACCEL_KVM };

struct accel_facts {
	bool hw_virt_flag;   /* vmx or svm in /proc/cpuinfo */
	bool kvm_opens;      /* /dev/kvm opened read-write */
	char why[160];       /* one line: why auto chose what it chose */
};

/* True when the "flags" lines of a /proc/cpuinfo text hold vmx or svm. */
bool accel_cpuinfo_has_hw_virt(const char *cpuinfo);

void accel_probe(struct accel_facts *facts);

/* Resolves "auto", "kvm" or "tcg" to an accelerator.  Asking for kvm where
 * it cannot work is an error. */
int accel_choose(const char *wanted, const struct accel_facts *facts, enum vm_accel *out,
		 bench_error *err);

const char *accel_name(enum vm_accel a);

#endif
