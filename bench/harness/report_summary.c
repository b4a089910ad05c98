/* The summary at the top of the report, for a vSphere administrator who
 * must decide whether workloads move from VMs to containers on Kubernetes:
 * each benchmark's lines (start-up, memory and instances per host, the
 * cost of a call, isolation gained and lost: its descriptor's
 * report_summary), and the caveats without which the figures mislead.
 * Host by host, from the newest folder of each benchmark; a benchmark not
 * measured is said to be. */
#include <stdio.h>
#include <string.h>

#include "benchmark.h"
#include "report_model.h"
#include "stats.h"

/* Noise and sample sizes over every folder. */
static void caveats(struct doc *d, const struct report_input *in)
{
	bool tcg = false, kvm = false, gvisor_ptrace = false, oci = false;
	size_t noisy = 0, small = 0, total = 0;
	char names[512] = "";

	for (size_t i = 0; i < in->n; i++) {
		const char *accel = json_string_value(json_object_get(in->f[i].res.meta, "accel"));

		tcg |= accel && strcmp(accel, "tcg") == 0;
		kvm |= accel && strcmp(accel, "kvm") == 0;
		{
			const char *gp = json_string_value(json_object_get(in->f[i].res.meta, "gvisor_platform"));

			gvisor_ptrace |= gp && strcmp(gp, "ptrace") == 0;
			oci |= json_object_get(in->f[i].res.meta, "oci_runtimes") != NULL;
			oci |= json_object_get(in->f[i].res.meta, "containerd_version") != NULL;
		}
		for (size_t k = 0; k < in->f[i].res.nseries; k++) {
			const struct series *s = &in->f[i].res.series[k];
			struct stats st;

			st = *series_stats(s);
			total++;
			if (s->n < 5)
				small++;
			if (st.mean > 0.0 && st.stddev / st.mean > 0.25) {
				if (noisy < 5)
					snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s %s %s",
						 noisy ? ", " : "", in->f[i].res.benchmark, s->runner, s->metric);
				noisy++;
			}
		}
	}
	if (tcg)
		doc_bullet(d, "Caveat, accelerator: the VMs ran under QEMU's TCG emulation (this host exposes no hardware "
			      "virtualisation). Their start-up and system-call figures measure emulation and overstate "
			      "what ESXi or KVM would cost; their memory figures hold.");
	else if (kvm)
		doc_bullet(d, "Caveat, accelerator: the VMs ran under KVM (hardware virtualisation), comparable with "
			      "a production hypervisor, though not ESXi itself.");
	else
		doc_bullet(d, "Caveat, accelerator: no VM run is among these folders.");
	if (gvisor_ptrace)
		doc_bullet(d, "Caveat, gVisor platform: gVisor (runsc) ran on its ptrace platform (no usable /dev/kvm "
			      "here), where every system call of the workload is a ptrace stop; its start-up and "
			      "system-call figures overstate what gVisor costs on its kvm platform.");
	if (oci)
		doc_bullet(d, "The ladder, from least to most isolation: a host process (nothing between the workload "
			      "and the kernel); bench's own container (namespaces and cgroups made by bench itself, the "
			      "floor of what any container costs); crun and runc (the OCI runtimes that Podman, CRI-O, "
			      "Docker and containerd call: the same namespaces and cgroups, plus the runtime's own "
			      "process start, its state files and its cgroup set-up, paid on every container start); "
			      "containerd (where measured: the daemon and its shim in front of runc, the path the "
			      "kubelet takes through CRI); gVisor (runsc: the workload's system calls go to a kernel in "
			      "user space, so far less of the host kernel is exposed, at a cost on every call and on "
			      "start-up); and the VM (a kernel of its own behind a hypervisor). Not measured: the kubelet, "
			      "the pause container and CNI networking, which Kubernetes adds to every pod start.");
	doc_bullet(d, "Caveat, noise: %zu of %zu series spread widely (coefficient of variation above 25%%)%s%s%s. "
		      "Other work on the machine moves such figures; medians are quoted for that reason.",
		   noisy, total, noisy ? ", e.g. " : "", names, noisy > 5 ? ", ..." : "");
	doc_bullet(d, "Caveat, sample sizes: %zu of %zu series have fewer than 5 samples (VM runs and launch storms "
		      "are few because each takes seconds); treat those figures as indications.",
		   small, total);
	doc_bullet(d, "Caveat, scope: bench's containers are bare (namespaces and cgroups, no container runtime "
		      "shim, pause container, kubelet or image layers), and its workload is a tiny idle program. "
		      "Kubernetes adds per-pod and per-node overhead not measured here; a real workload's own memory "
		      "adds to both sides alike, and a VM also carries its guest operating system.");
}

/* The benchmarks that have summary lines, by their rank (a stable sort:
 * equal ranks keep the table's order); how many. */
static size_t summary_order(const struct benchmark *const *table, const struct benchmark **out, size_t cap)
{
	size_t n = 0;

	for (const struct benchmark *const *b = table; *b && n < cap; b++) {
		size_t k = n;

		if (!(*b)->report_summary)
			continue;
		for (; k > 0 && out[k - 1]->summary_rank > (*b)->summary_rank; k--)
			out[k] = out[k - 1];
		out[k] = *b;
		n++;
	}
	return n;
}

void report_summary(struct doc *d, const struct report_input *in, const struct benchmark *const *table)
{
	const char *hosts[64];
	size_t nhosts = report_hosts(in, hosts, 64);
	const struct benchmark *order[64];
	size_t norder = summary_order(table, order, 64);

	doc_heading(d, 2, "Summary for a vSphere administrator");
	report_fleet_summary(d, in, table);
	for (size_t h = 0; h < nhosts; h++) {
		if (nhosts > 1)
			doc_heading(d, 3, "Host %s", hosts[h]);
		for (size_t k = 0; k < norder; k++)
			order[k]->report_summary(d, report_latest(in, order[k]->name, hosts[h]), hosts[h]);
	}
	if (nhosts > 1)
		doc_heading(d, 3, "Caveats");
	caveats(d, in);
}
