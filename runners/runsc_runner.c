/* The runsc runner: the OCI CLI runner (oci_cli_runner.c) with runsc's quirks. */
#include "oci_cli_runner.h"

static const struct oci_cli_runtime runsc_runtime = {
	.name = "runsc",
	.binary = "runsc",
	.package = "runsc",
	.init_is_host_process = false,
	.hide_unified_on_hybrid = false,
	.pids_overhead = 64,
	.caps_known = 38,
	.gvisor = true,
};

/* 10 runs by default (warm-up 1, fewer workload repetitions, one
 * density repeat: runner_ops.default_runs): a start takes about 1.5 s
 * under ptrace, so startup's 30 + 3 would take almost a minute.
 * Not NAMESPACES: its calls never reach the host kernel behind
 * namespaces; not HOST_PIDS: the host sees the Sentry and the gofer,
 * not the workload's processes. */
OCI_CLI_RUNNER(runsc, runsc_runtime,
	       "gVisor's runsc: the workload on a user-space kernel (the Sentry); create, start, READY, delete",
	       RUNNER_CAP_CGROUP | RUNNER_CAP_PROFILES | RUNNER_CAP_LIMITS | RUNNER_CAP_USER_KERNEL | RUNNER_CAP_DISK,
	       NULL, 10);
