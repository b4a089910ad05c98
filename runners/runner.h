/* The runner interface: how a benchmark starts the agent somewhere (a host
 * process, a container, a VM) without knowing where.
 *
 * Life of one benchmark run:
 *
 *     runner_find("container") -> ops
 *     ops->prepare(r)             once: shared, untimed set-up (root fs, ...)
 *     for each sample:
 *         ops->launch(r, in)      start the agent with in->task; sets
 *                                 in->t_launch_ns as its first act
 *         ops->wait_ready(r, in)  until READY (in->ready, in->t_ready_ns),
 *                                 or the timeout
 *         ops->collect(r, in)     further records, for tasks that send any
 *         ops->stop(r, in)        ask the agent to stop if it still runs;
 *                                 wait until it and everything the runner
 *                                 made for it are gone (in->t_gone_ns)
 *         ops->destroy(r, in)     always, also after any failure: kill and
 *                                 remove whatever is left; idempotent
 *     ops->finish(r)              undo prepare
 *
 * Every call that fails leaves a one-line reason in *err.  destroy and
 * finish never fail: they do their best and are safe to call twice, from a
 * failure path or after Ctrl-C.
 *
 * Threads: prepare, finish and launch run one at a time (launch: the
 * container runtime clones every container on one shared stack).  wait_ready,
 * collect, stop and destroy may run at the same time from several threads,
 * also beside a launch, each on a different instance (density_storm.c stops
 * N instances from N threads); two calls on the same instance never
 * overlap.  So these calls only read r->priv (set up by prepare) and keep
 * whatever they change in in->priv. */
#ifndef BENCH_RUNNER_H
#define BENCH_RUNNER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../lib/error.h"
#include "../net/plan.h"
#include "record.h"

#define RUNNER_PHASES_MAX 8
#define RUNNER_MEASURES_MAX 4
#define RUNNER_TASK_ARGS_MAX 16

/* What every runner is given, from the command line. */
struct run_config {
	const char *agent_path;   /* the static agent binary on the host */
	const char *run_id;       /* unique per invocation; names cgroups, domains */
	char cpus[128];           /* cpu list ("0-1", "0,2"); the container's cpuset
				     and the VM's pinning; "" = all online */
	unsigned ncpus;           /* how many CPUs that list holds */
	unsigned memory_mib;      /* memory limit (container) or size (VM) */
	unsigned pids_max;        /* pids limit of a container */
	int timeout_ms;           /* for READY and for stop */
	const char *libvirt_uri;  /* vm runner: NULL = qemu:///system */
	const char *accel;        /* vm runner: "auto", "kvm", "tcg" */
	const char *vm_machine;   /* qemu runner: NULL = "pc", "q35", "microvm" */
	const char *vm_start;     /* qemu, vm runners: NULL = "cold", "restore" */
	const char *guest_kernel; /* vm and qemu runners: NULL = "distro", "minimal", a bzImage's path */
	const char *gvisor_platform; /* runsc runner: "auto", "ptrace", "kvm"; NULL = auto */
	const char *oci_lifecycle; /* runc, crun, runsc runners: "phases" (create,
				      start, delete: three runtime calls, the
				      default) or "run" (one `<runtime> run`);
				      NULL = phases */
	const char *profile;      /* container hardening: NULL or "plain"
				     (namespaces and cgroups only), "hardened"
				     (masked paths, fewer capabilities,
				     no_new_privs, seccomp) */
	const struct net_config *net; /* RUNNER_CAP_NETWORK: each instance's
					 link (net/plan.h); NULL = none */
};

/* What the agent is asked to do: argv[1..] on a host or in a container, the
 * kernel command line of a VM. */
struct agent_task {
	const char *name;                          /* BENCH_TASK_* */
	int nargs;
	const char *args[RUNNER_TASK_ARGS_MAX];    /* further arguments */
	/* RUNNER_CAP_DISK: a preallocated host file the runner gives the
	 * instance as its disk; the runner adds one argument,
	 * "disk=PATH", where the agent finds it.  NULL: none. */
	const char *disk;
};

/* task->disk (non-NULL) as the folder to bind-mount at inside, as a
 * Kubernetes hostPath volume is, and the argument that tells the agent
 * where the file is then: "disk=<inside>/<file name>". */
int agent_task_disk_bind(const struct agent_task *task, const char *inside, char *dir, size_t dirsz, char *arg,
			 size_t argsz, bench_error *err);

/* A phase of starting one instance: its name and how long it took. */
struct phase {
	const char *name; /* static string: "clone", "cgroup", "rootfs", ... */
	uint64_t ns;
};

struct runner;

/* One started agent. */
struct instance {
	struct runner *runner;
	unsigned seq;                 /* 0, 1, 2 ... within the run */
	struct agent_task task;
	uint64_t t_launch_ns;         /* CLOCK_MONOTONIC, taken first in launch */
	uint64_t t_ready_ns;          /* READY read by the host */
	uint64_t t_gone_ns;           /* everything torn down */
	int nphases;
	struct phase phases[RUNNER_PHASES_MAX];   /* in order, back to back */
	int nmeasures;
	struct phase measures[RUNNER_MEASURES_MAX]; /* durations that overlap the
						     phases, e.g. a guest kernel's
						     own uptime at READY */
	struct agent_record ready;    /* the READY record, as parsed */
	pid_t host_pid;               /* the workload's first process as the host
					 sees it (a VM's: 0, it has none) */
	void *priv;                   /* the runner's own state */
};

/* What a benchmark or the report may ask of a runner, instead of its name:
 * outside the runner table no code compares runner names.  Each run
 * records them in the results (meta "runner_caps"), so the report reads the
 * same facts from a results folder. */
enum runner_cap {
	RUNNER_CAP_BASELINE = 1u << 0,     /* the floor every ratio is taken
					      against: a plain host process */
	RUNNER_CAP_HOST_PIDS = 1u << 1,    /* the workload's own processes are
					      in the host's /proc */
	RUNNER_CAP_CGROUP = 1u << 2,       /* each instance has a cgroup of its
					      own, whose memory can be read */
	RUNNER_CAP_GUEST_KERNEL = 1u << 3, /* the workload runs on a kernel of
					      its own (a VM guest) */
	RUNNER_CAP_PROFILES = 1u << 4,     /* takes a hardening profile
					      (run_config.profile) */
	RUNNER_CAP_NAMESPACES = 1u << 5,   /* the workload shares the host's
					      kernel behind namespaces */
	RUNNER_CAP_LIMITS = 1u << 6,       /* confines each instance to
					      run_config's cpus and memory
					      (cgroup limits, a VM's size and
					      pinning) */
	RUNNER_CAP_HOST_DISK = 1u << 7,    /* the workload can write to the
					      host's file systems (a disk a
					      noisy neighbour can hurt) */
	RUNNER_CAP_USER_KERNEL = 1u << 8,  /* the workload's system calls are
					      answered by a kernel in user
					      space (gVisor's Sentry), not by
					      the host's kernel nor a guest's */
	RUNNER_CAP_DISK = 1u << 9,         /* attaches a host file as the
					      instance's disk (agent_task.disk) */
	RUNNER_CAP_NETWORK = 1u << 10,     /* gives each instance a network link
					      of its own (run_config.net), in
					      the modes ops->net_modes lists */
	RUNNER_CAP_OVERLAY_ROW = 1u << 11, /* storage also measures a file on an
					      overlayfs upper layer through it,
					      as a container's own writable root
					      is: the kernel's overlayfs, the
					      same whatever made the container,
					      so one runner says it */
};
#define RUNNER_NCAPS 12

/* "baseline", "host_pids", ...: the names written into results. */
const char *runner_cap_name(unsigned cap_bit_index);

/* One check of `bench doctor`, as a runner declares it (ops->doctor): run
 * fills res, and prints nothing. */
enum runner_check_level { RUNNER_CHECK_OK, RUNNER_CHECK_WARN, RUNNER_CHECK_FAIL };
struct runner_check_result {
	enum runner_check_level level;
	char detail[640];
	char fix[512];           /* a command that fixes it; "" = none */
};
struct runner_check {
	const char *name;        /* "libvirtd", "namespace pid", ... */
	void (*run)(const void *arg, struct runner_check_result *res);
	const void *arg;
};

void runner_check_set(struct runner_check_result *res, enum runner_check_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void runner_check_fix(struct runner_check_result *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* What a runner's cleanup removed, by kind ("cgroups", "run folders",
 * "libvirt domains"); `bench cleanup` adds up the same kinds. */
#define RUNNER_CLEANUP_KINDS_MAX 16
struct runner_cleanup_count {
	const char *kind;
	unsigned n;
};
struct runner_cleanup_counts {
	int nkinds;
	struct runner_cleanup_count kinds[RUNNER_CLEANUP_KINDS_MAX];
};

/* Adds n to kind (which is added, in order, on first use). */
void runner_cleanup_add(struct runner_cleanup_counts *c, const char *kind, unsigned n);

struct runner_ops {
	const char *name;             /* "host", "container", "vm" */
	const char *summary;          /* one line for --help */
	unsigned caps;                /* enum runner_cap bits */
	bool needs_root;              /* checked before anything is measured */
	unsigned default_runs;        /* 0 = the benchmark's own default; a
					 runner whose start takes seconds asks
					 for fewer */
	int (*prepare)(struct runner *r, bench_error *err);
	int (*launch)(struct runner *r, struct instance *in, bench_error *err);
	int (*wait_ready)(struct runner *r, struct instance *in, bench_error *err);
	/* The next record after READY (DATA, DONE, ...), within timeout_ms. */
	int (*collect)(struct runner *r, struct instance *in, struct agent_record *rec,
		       int timeout_ms, bench_error *err);
	int (*stop)(struct runner *r, struct instance *in, bench_error *err);
	void (*destroy)(struct runner *r, struct instance *in);
	void (*finish)(struct runner *r);
	/* Facts for the results' metadata, added to a jansson object (may be
	 * NULL): e.g. the vm runner's accelerator and guest kernel. */
	void (*describe)(struct runner *r, void *json_object);

	/* Each may be NULL.  None prints. */
	/* This host's checks for this runner (`bench doctor`), ending with a
	 * NULL name. */
	const struct runner_check *doctor;
	/* `bench cleanup`: removes what runs of this runner that are over
	 * left behind (all: also those of runs still going), and only what
	 * bench made for a run (a name that merely looks like bench's is
	 * never taken).  Adds what it removed to *removed, also when it
	 * fails (-1 with *err). */
	int (*cleanup)(bool all, struct runner_cleanup_counts *removed, bench_error *err);
	/* The same at the libvirt URI of --libvirt-uri, which may be another
	 * machine's (`bench cleanup --libvirt-uri URI`, and a run given one);
	 * called beside cleanup. */
	int (*cleanup_libvirt)(const char *uri, bool all, struct runner_cleanup_counts *removed, bench_error *err);
	/* RUNNER_CAP_CGROUP: the memory charged to a launched instance's
	 * cgroup, in bytes. */
	int (*cgroup_memory)(struct runner *r, const struct instance *in, uint64_t *bytes, bench_error *err);
	/* RUNNER_CAP_CGROUP: how often the CPU quota of a launched instance's
	 * cgroup throttled it, and for how long (cpu.stat: nr_throttled,
	 * throttled_usec on v2, throttled_time in ns on v1). */
	int (*cgroup_cpu_throttled)(struct runner *r, const struct instance *in, uint64_t *periods, uint64_t *usec,
				    bench_error *err);
	/* This machine's cgroup layout in words ("v1", "v2", ...) for the
	 * results' metadata; NULL when it cannot be told. */
	const char *(*cgroup_layout)(void);
	/* RUNNER_CAP_NETWORK: the modes (enum net_mode) it can give an
	 * instance, ending with NET_NONE. */
	const enum net_mode *net_modes;
};

struct runner {
	const struct runner_ops *ops;
	const struct run_config *cfg;
	void *priv;
	/* Set by prepare when the instances run on another machine (the vm
	 * runner over a remote libvirt URI), naming it; NULL when they run
	 * here.  Nothing of a remote instance is in this host's /proc and this
	 * host's own figures (MemAvailable, its view of a workload) are not
	 * about it: a benchmark says they are not measurable over a remote
	 * connection instead of measuring the wrong machine. */
	const char *remote;
};

/* All runners compiled in, in their default order; NULL-terminated. */
extern const struct runner_ops *const runner_table[];

const struct runner_ops *runner_find(const char *name);

/* True when the runner has every bit of caps. */
bool runner_has(const struct runner_ops *ops, unsigned caps);
/* Would ops boot its guest under QEMU's TCG emulation with --accel auto?
 * (The same choice the runner makes, vm/accel.h: a /dev/kvm without vmx or
 * svm, a nested PVM one, is emulation.)  False for a runner without a
 * guest kernel. */
bool runner_guest_emulated(const struct runner_ops *ops);

/* ops->destroy and ops->finish, as every caller must make them: a Ctrl-C
 * that came before does not cut their own waits short (a runtime's
 * "delete", a ctr call), since a teardown stopped half-way leaves what it
 * was removing behind. */
void runner_destroy(struct runner *r, struct instance *in);
void runner_finish(struct runner *r);

/* Records a phase of in (ignored past RUNNER_PHASES_MAX). */
void instance_add_phase(struct instance *in, const char *name, uint64_t ns);

/* Records a duration that is not one of the back-to-back phases. */
void instance_add_measure(struct instance *in, const char *name, uint64_t ns);

/* Sets in->task from a task name and its arguments. */
void instance_init(struct instance *in, struct runner *r, unsigned seq, const char *task);

/* True for tasks after which the agent exits without being told to: stop
 * waits for them instead of telling them. */
bool task_ends_by_itself(const struct agent_task *task);

/* True also for tasks that are told to stop but may, at a time bound of
 * their own, exit 0 first: such an exit is a clean end, not a crash. */
bool task_may_end_by_itself(const struct agent_task *task);

/* Checks a READY record for the fields every runner relies on, so that a
 * workload that answers with nonsense fails clearly. */
int record_check_ready(const struct agent_record *rec, bench_error *err);

#endif
