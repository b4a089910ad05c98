/* bench run density: what one idle instance costs the host, how launch
 * storms scale, and how many instances fit in a host.
 *
 * density_fit.c    the arithmetic (pure, unit-tested)
 * density_proc.c   reading /proc: memory of a process, a process tree
 * density_storm.c  one launch storm of N instances of a runner
 * density.c        the command: options, the runs, the results */
#ifndef BENCH_DENSITY_H
#define BENCH_DENSITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../lib/error.h"
#include "harness/options.h"
#include "harness/results.h"
#include "../runners/runner.h"

/* ---- arithmetic (density_fit.c) ------------------------------------------ */

#define DENSITY_STORMS_MAX 16

/* Storm sizes 1, 2, 4, ... up to max, with max itself last when it is not a
 * power of two.  Returns how many (0 when max is 0). */
int density_storm_sizes(unsigned max, unsigned *out, int cap);

/* The largest storm this machine takes by default for a runner, from the
 * memory available and the CPUs: a VM under TCG needs most of a core for
 * seconds to boot, so VM storms stay at a couple per core; containers and
 * host processes are cheap, and stop at 16 per core (at most 64).  In both
 * cases at most half the available memory may be committed, counting
 * per_instance_mib (a VM's guest memory plus QEMU, a container's likely
 * footprint).  At least 1. */
unsigned density_default_storm_max(bool is_vm, uint64_t mem_available_mib, unsigned cpus,
				   double per_instance_mib);

/* A host to fit instances into: this machine, or one described by flags
 * (a vSphere cluster's host, say). */
struct density_host {
	double memory_mib;    /* physical memory */
	double reserve_mib;   /* kept for the host itself (ESXi, the kubelet, the OS) */
	double cpus;          /* physical cores (or hardware threads) */
	double vcpu_ratio;    /* vCPUs allowed per physical CPU for VMs (overcommit) */
};

/* What one instance needs of a host for planning. */
struct density_need {
	double memory_mib;    /* memory per instance */
	double cpus;          /* a VM's vCPUs; a container's CPU request */
	bool vm;              /* vCPUs may be overcommitted by vcpu_ratio;
				 container CPU requests may not (Kubernetes
				 admits pods while requests fit) */
};

struct density_fit {
	long by_memory;       /* instances the memory holds */
	long by_cpu;          /* instances the CPUs hold */
	long fit;             /* the smaller of the two */
	const char *limit;    /* "memory" or "cpu": which one binds */
};

/* Instances of one kind that fit in h.  -1 and *err on nonsense (no memory,
 * a negative need). */
int density_fit(const struct density_host *h, const struct density_need *need, struct density_fit *out,
		bench_error *err);

/* The memory to plan one instance with, from what was measured (MiB):
 *   host and container: the measured idle footprint (a container's limit is
 *     a ceiling, not a reservation);
 *   vm: the guest memory configured or the QEMU process's PSS, whichever is
 *     larger: a guest keeps whatever it has touched (page cache, freed
 *     memory) and only a balloon gives it back, so over time it holds all
 *     it was given, plus QEMU's own overhead. */
double density_planning_memory(bool is_vm, double measured_mib, double guest_mib, double qemu_pss_mib);

/* ---- /proc (density_proc.c) ---------------------------------------------- */

struct proc_mem {
	uint64_t rss_kib;
	uint64_t pss_kib;
};

/* Parses the text of /proc/PID/smaps_rollup (or smaps: the lines are
 * summed).  -1 and *err when there is no Rss or Pss line. */
int density_parse_smaps(const char *text, struct proc_mem *out, bench_error *err);

/* The parent pid and thread count of a /proc/PID/stat line: the command
 * name may hold spaces and parentheses (it is the workload's choice), so
 * the fields are taken after the last ')'.  -1 and *err when malformed. */
int density_parse_stat(const char *text, pid_t *ppid, unsigned *threads, bench_error *err);

/* The host's processes, pid and parent: to find an instance's tree. */
struct proc_table {
	pid_t *pid, *ppid;
	unsigned *threads;
	size_t n, cap;
};

int proc_table_load(struct proc_table *t, bench_error *err);
void proc_table_free(struct proc_table *t);

/* The memory, processes and threads of root and its descendants. */
struct proc_usage {
	struct proc_mem mem;
	unsigned processes, threads;
};

int proc_tree_usage(const struct proc_table *t, pid_t root, struct proc_usage *out, bench_error *err);

/* MemAvailable of /proc/meminfo, KiB. */
int density_mem_available_kib(uint64_t *out, bench_error *err);

/* ---- a storm (density_storm.c) ------------------------------------------- */

/* What a storm measured. */
struct storm_result {
	unsigned n;
	double ready_ms;      /* first launch to the last READY */
	double gone_ms;       /* the stop of all (in parallel) to the last gone */
};

/* Starts n idle agents of runner r (prepared), waits for all to be READY,
 * measures each (into res: mem.*, proc.*) and the fall of the host's
 * MemAvailable per instance (mem.host: everything the kernel and the
 * runner spent, namespaces and libvirt included; noisy, as anything else
 * running moves it), stops all at once, and destroys them.  seq0 numbers the instances.  Everything made is gone on return. */
int density_storm(struct runner *r, unsigned n, unsigned seq0, struct results *res, struct storm_result *out,
		  bench_error *err);

/* ---- plots and bench report (density_plot.c, density_report.c) -------------- */

struct doc;
struct report_folder;

/* plots/density.gp: memory per instance and the storms. */
int plot_density(const struct results *res, const char *dir, bench_error *err);

/* bench report: the tables of one folder, and the summary's lines. */
void density_report_table(struct doc *d, const struct results *res);
void density_report_summary(struct doc *d, const struct report_folder *f, const char *host);

#endif
