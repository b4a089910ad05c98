/* One runner for every OCI runtime driven through its own command line
 * (runc, crun, runsc): the OCI lifecycle `create` (the runtime builds the
 * container and leaves it stopped before exec), `start` (until the agent
 * execs), the agent's READY, and `delete`.  Each runtime is a small table of
 * its binary and its quirks (runc_runner.c, crun_runner.c, runsc_runner.c);
 * this header is what those tables fill and call.
 *
 * Every runtime gets a state root of its own per run, named with bench's run
 * id, so a concurrent run's containers are never touched:
 *   <run base>/oci-<runtime>-bench-<run id>/state     the runtime's --root
 *                                           /rootfs    the agent only
 *                                           /bundles/<container id>/
 * and cgroups at /bench-oci.slice/<runtime>/<container id>. */
#ifndef BENCH_OCI_CLI_RUNNER_H
#define BENCH_OCI_CLI_RUNNER_H

#include <stdbool.h>

#include "runner.h"
#include "../container/cgroup.h"

struct oci_cli_runtime {
	const char *name;           /* "runc": the runner's name too */
	const char *binary;         /* looked up on PATH */
	const char *package;        /* the Debian package that has it */
	/* bench becomes the child subreaper while the runner is prepared, so
	 * the container's init (the agent), orphaned when `create` exits, is
	 * bench's child: its pid and exit status are bench's to see, as a
	 * containerd shim sees them.  False for runsc, whose container is
	 * the sandbox's (gVisor's Sentry), not a host process. */
	bool init_is_host_process;
	/* crun 1.8 refuses a hybrid host (v1 controllers, a cgroup2 mount with
	 * a controller available): each of its commands runs in a private
	 * mount namespace where the cgroup2 mount is detached, so it sees
	 * plain v1 (the controllers it uses are all v1 here anyway). */
	bool hide_unified_on_hybrid;
	/* runsc: the pids limit also counts the sandbox's own host threads
	 * (the Sentry's and the gofer's, Go threads): added to --pids so the
	 * sandbox can start at all. */
	unsigned pids_overhead;
	/* How many capabilities the runtime knows (runsc 2022: 38, up to
	 * CAP_AUDIT_READ; it refuses a spec naming a later one); 0 = all. */
	int caps_known;
	/* runsc: its platform (--gvisor-platform), no network stack of its
	 * own (--network=none: loopback only, as the other containers), and
	 * the OCI seccomp filter loaded inside the sandbox (--oci-seccomp). */
	bool gvisor;
};

/* The network modes of a runtime whose container is a host process: a
 * veth into the namespace the runtime made, the link a CNI bridge or ptp
 * plugin gives a pod (the bridge and NAT modes are the same kernel paths
 * as bench's container's, measured there). */
extern const enum net_mode oci_cli_veth_only[];

int oci_cli_prepare(struct runner *r, const struct oci_cli_runtime *rt, bench_error *err);
int oci_cli_launch(struct runner *r, struct instance *in, bench_error *err);
int oci_cli_wait_ready(struct runner *r, struct instance *in, bench_error *err);
int oci_cli_collect(struct runner *r, struct instance *in, struct agent_record *rec, int timeout_ms,
		    bench_error *err);
int oci_cli_stop(struct runner *r, struct instance *in, bench_error *err);
void oci_cli_destroy(struct runner *r, struct instance *in);
void oci_cli_finish(struct runner *r);
void oci_cli_describe(struct runner *r, void *json_object);
int oci_cli_cgroup_memory(struct runner *r, const struct instance *in, uint64_t *bytes, bench_error *err);

/* `bench cleanup` for one runtime: for every state root of a run that is
 * over (or of any run, with all), `delete --force` each of its containers,
 * then remove the root and the containers' cgroup folders. */
int oci_cli_cleanup(const struct oci_cli_runtime *rt, bool all, struct runner_cleanup_counts *removed,
		    bench_error *err);

/* `bench doctor`: the binary is there (else one line naming the package and
 * `apt-get install -y <package>`), and its version. */
void oci_cli_doctor_binary(const void *rt, struct runner_check_result *res);

/* Defines `const struct runner_ops id##_runner_ops`, named #id: the calls
 * above bound to the runtime rt (a static const struct oci_cli_runtime),
 * with its summary, caps and network modes (NULL: none), and its default
 * runs (0: the benchmark's own; a runtime whose start takes seconds asks
 * for fewer, as the vm runner does).  A runtime's file is then its table,
 * and this. */
#define OCI_CLI_RUNNER(id, rt, summary_text, runner_caps, modes, runs)                                       \
	static int id##_prepare(struct runner *r, bench_error *err)                                     \
	{                                                                                              \
		return oci_cli_prepare(r, &(rt), err);                                                 \
	}                                                                                              \
	static int id##_cleanup(bool all, struct runner_cleanup_counts *removed, bench_error *err)      \
	{                                                                                              \
		return oci_cli_cleanup(&(rt), all, removed, err);                                      \
	}                                                                                              \
	static const struct runner_check id##_doctor_checks[] = {                                      \
		{ #id, oci_cli_doctor_binary, &(rt) },                                                 \
		{ NULL, NULL, NULL },                                                                  \
	};                                                                                             \
	const struct runner_ops id##_runner_ops = {                                                    \
		.name = #id,                                                                           \
		.summary = (summary_text),                                                             \
		.caps = (runner_caps),                                                                 \
		.net_modes = (modes),                                                                  \
		.needs_root = true,                                                                    \
		.default_runs = (runs),                                                                \
		.prepare = id##_prepare,                                                               \
		.launch = oci_cli_launch,                                                              \
		.wait_ready = oci_cli_wait_ready,                                                      \
		.collect = oci_cli_collect,                                                            \
		.stop = oci_cli_stop,                                                                  \
		.destroy = oci_cli_destroy,                                                            \
		.finish = oci_cli_finish,                                                              \
		.describe = oci_cli_describe,                                                          \
		.doctor = id##_doctor_checks,                                                          \
		.cleanup = id##_cleanup,                                                               \
		.cgroup_memory = oci_cli_cgroup_memory,                                                \
		.cgroup_layout = cg_detect_describe,                                                   \
	}

#endif
