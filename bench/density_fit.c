/* The density arithmetic: storm sizes, default limits, and how many
 * instances fit in a host.  Pure functions: the tests check them. */
#include <math.h>

#include "density.h"

/* Containers and host processes per core in the largest default storm. */
#define STORM_PER_CPU 16
#define STORM_MAX_LIGHT 64
/* VMs under TCG boot on a core each for seconds: two per core already
 * queue up behind each other. */
#define STORM_VM_PER_CPU 2
/* Never commit more than this share of the available memory by default. */
#define STORM_MEM_SHARE 0.5

int density_storm_sizes(unsigned max, unsigned *out, int cap)
{
	int n = 0;
	unsigned size = 1;

	while (size <= max && n < cap) {
		out[n++] = size;
		if (size > max / 2)
			break;
		size *= 2;
	}
	if (n > 0 && out[n - 1] != max && n < cap)
		out[n++] = max;
	return n;
}

unsigned density_default_storm_max(bool is_vm, uint64_t mem_available_mib, unsigned cpus, double per_instance_mib)
{
	double by_mem = per_instance_mib > 0.0 ? (double)mem_available_mib * STORM_MEM_SHARE / per_instance_mib
					       : (double)STORM_MAX_LIGHT;
	unsigned by_cpu = (cpus ? cpus : 1) * (is_vm ? STORM_VM_PER_CPU : STORM_PER_CPU);
	unsigned max = by_cpu;

	if (!is_vm && max > STORM_MAX_LIGHT)
		max = STORM_MAX_LIGHT;
	if (by_mem < (double)max)
		max = (unsigned)by_mem;
	return max ? max : 1;
}

int density_fit(const struct density_host *h, const struct density_need *need, struct density_fit *out,
		bench_error *err)
{
	double usable = h->memory_mib - h->reserve_mib;
	double cpu_budget = h->cpus * (need->vm ? h->vcpu_ratio : 1.0);

	if (!(h->memory_mib > 0.0) || !(h->cpus > 0.0) || !(h->reserve_mib >= 0.0) || !(h->vcpu_ratio > 0.0))
		return bench_fail(err, 0, "density: a host needs memory, CPUs and a vCPU ratio above zero");
	if (!(need->memory_mib > 0.0) || !(need->cpus > 0.0) || !isfinite(need->memory_mib) ||
	    !isfinite(need->cpus))
		return bench_fail(err, 0, "density: an instance needs some memory and CPU to be counted");
	if (usable < 0.0)
		usable = 0.0;
	/* A small epsilon: 4 * 0.1 CPU is 0.4 CPU, not 0.39999. */
	out->by_memory = (long)floor(usable / need->memory_mib + 1e-9);
	out->by_cpu = (long)floor(cpu_budget / need->cpus + 1e-9);
	out->fit = out->by_memory < out->by_cpu ? out->by_memory : out->by_cpu;
	out->limit = out->by_memory <= out->by_cpu ? "memory" : "cpu";
	return 0;
}

double density_planning_memory(bool is_vm, double measured_mib, double guest_mib, double qemu_pss_mib)
{
	if (!is_vm)
		return measured_mib;
	return guest_mib > qemu_pss_mib ? guest_mib : qemu_pss_mib;
}
