/* bench run isolation, the parts its files share: the channel verdicts
 * (isolation_verdict.c), one probe of a runner (isolation_probe.c), what
 * the host sees of a workload (isolation_hostview.c), the noisy neighbour
 * (isolation_noisy.c) and the output (isolation_report.c). */
#ifndef BENCH_ISOLATION_H
#define BENCH_ISOLATION_H

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

#include "harness/options.h"
#include "harness/results.h"
#include "../runners/runner.h"
#include "agent/probe_read.h"

enum iso_verdict { ISO_ISOLATED, ISO_LEAKS, ISO_HOST_COUPLED, ISO_UNAVAILABLE, ISO_NVERDICTS };

const char *iso_verdict_name(enum iso_verdict v);

/* One reading of a channel, on either side.  A reading the agent did not
 * send at all is !present. */
struct iso_reading {
	bool present;
	struct probe_value pv;
};

/* Everything known about one channel of one workload. */
struct iso_channel_obs {
	struct iso_reading inside[2], host[2]; /* [0] first read, [1] after the burst */
};

/* The context a verdict needs besides the channel's own readings. */
struct iso_context {
	bool same_kernel;          /* the workload runs on the host's kernel */
	unsigned long long mem_limit_kib;   /* what the workload was given (0 = none) */
	unsigned cpus_given;       /* CPUs given (0 = all) */
};

/* The verdict on one channel; why gets a short reason.  Pure: the tests
 * feed it recorded values. */
enum iso_verdict iso_decide(int ch, const struct iso_channel_obs *o, const struct iso_context *cx, char *why,
			    size_t whysz);

/* Does the workload run on the host's kernel?  From boot_id, else the
 * kernel version and uptime. */
bool iso_same_kernel(const struct iso_channel_obs obs[PC_COUNT]);

/* The markers planted on the host before the probes (kernel log line, a
 * POSIX lock held on a memfd). */
struct iso_markers {
	char kmsg[40];
	char lock[48];
	int lock_fd;
};

int iso_markers_plant(struct iso_markers *m, const char *run_id, bench_error *err);
void iso_markers_remove(struct iso_markers *m);

/* What the host sees of a workload (section 2). */
struct iso_hostview {
	char what[48];       /* "agent process", "container's processes", "QEMU process" */
	int processes, threads;
	int environ_readable, maps_readable, fds_readable; /* of those processes: how many */
	int fds;             /* open files seen, all processes */
};

/* Counts what the host's /proc shows of the workload whose first process
 * is host_pid: the processes in its PID namespace (container), or the one
 * process (host agent, QEMU). */
int iso_hostview_collect(const char *runner, pid_t host_pid, struct iso_hostview *hv, bench_error *err);

/* A short burst of host-wide activity (forks, context switches across
 * CPUs, timer interrupts) lasting about ms. */
int iso_host_burst(int ms, bench_error *err);

/* One probed workload, ready for the report. */
struct iso_probe_result {
	char runner[16], profile[16];
	struct iso_channel_obs obs[PC_COUNT];
	enum iso_verdict verdict[PC_COUNT];
	char why[PC_COUNT][64];
	struct iso_hostview hv;
	bool hv_ok;
	bool hv_remote;       /* not measurable: the workload ran on another
				 machine (a remote libvirt host) */
};

#define ISO_PROBES_MAX 16

/* What the isolation run sets and the probe fills. */
struct iso_run {
	struct iso_markers markers;
	int pause_ms, burst_ms;
	const char *profile;          /* of the runner being probed */
	struct iso_context cx;
	struct iso_probe_result probes[ISO_PROBES_MAX];
	int nprobes;
	char control_msg[256];        /* the host runner's verdicts, when broken */
};

/* The schedule's after_ready hook for the probe task (ctx: struct iso_run). */
int iso_probe_after_ready(void *ctx, struct runner *r, struct instance *in, bool measured, struct results *res,
			  bench_error *err);

/* Checks the positive control: every channel the host runner could read
 * must have come out as leaking (or host_coupled).  Returns the number of
 * channels that did not, naming them in msg. */
int iso_control_check(const struct iso_probe_result *p, char *msg, size_t msgsz);

/* The label a runner's series carry: "container" or "container-hardened". */
void iso_runner_label(const char *runner, const char *profile, char *out, size_t outsz);

/* Adds the "isolation", "host_view" and "verdict_counts" lists to
 * res->extra (facts of one probe, not samples: no series). */
int iso_results_add(const struct iso_run *run, struct results *res, bench_error *err);

/* The channel-by-runner matrix, for a terminal and as Markdown. */
void iso_print_matrix(const struct iso_run *run, FILE *out, bool markdown);
void iso_print_hostview(const struct iso_run *run, FILE *out, bool markdown);

/* Noisy neighbour (section 4). */
struct iso_noisy_opts {
	int window_ms;      /* one measurement window of the victim */
	int windows;        /* windows per measurement */
	int vm_window_ms;   /* windows of a VM victim (TCG is slow to warm) */
	const char *victims, *aggressors; /* comma lists */
};

int iso_noisy_run(const struct run_options *opts, const struct iso_noisy_opts *no, const char *agent,
		  const char *run_id, const char *runner, const char *profile, struct results *res, FILE *log,
		  bench_error *err);

struct run_output_hooks;
struct doc;
struct report_folder;

/* What the output adds for isolation: isolation.md in the results folder,
 * the matrix after the Markdown export's summary and the terminal's. */
void iso_output_hooks(const struct iso_run *run, struct run_output_hooks *hooks);

/* plots/isolation.gp: the matrix and the noisy neighbours' slowdowns. */
int plot_isolation(const struct results *res, const char *dir, bench_error *err);

/* bench report: the matrix of one folder, and the summary's lines. */
void isolation_report_table(struct doc *d, const struct results *res);
void isolation_report_summary(struct doc *d, const struct report_folder *f, const char *host);

#endif
