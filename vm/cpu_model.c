#include "cpu_model.h"

#include <stdio.h>

const char *vm_cpu_model_name(enum vm_accel accel)
{
	return accel == VM_ACCEL_KVM ? "host-passthrough" : VM_CPU_MODEL_TCG;
}

const char *vm_cpu_model_qemu(enum vm_accel accel)
{
	return accel == VM_ACCEL_KVM ? "host" : VM_CPU_MODEL_TCG;
}

struct vm_cpu_topology vm_cpu_topology_of(unsigned vcpus)
{
	return (struct vm_cpu_topology){ .sockets = 1, .cores = vcpus ? vcpus : 1, .threads = 1 };
}

void vm_cpu_topology_describe(struct vm_cpu_topology t, char *out, size_t outsz)
{
	snprintf(out, outsz, "%u socket%s x %u core%s x %u thread%s", t.sockets, t.sockets == 1 ? "" : "s", t.cores,
		 t.cores == 1 ? "" : "s", t.threads, t.threads == 1 ? "" : "s");
}
