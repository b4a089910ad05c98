/* The crun runner: the OCI CLI runner (oci_cli_runner.c) with crun's quirks. */
#include "oci_cli_runner.h"

static const struct oci_cli_runtime crun_runtime = {
	.name = "crun",
	.binary = "crun",
	.package = "crun",
	.init_is_host_process = true,
	.hide_unified_on_hybrid = true,
	.pids_overhead = 0,
	.caps_known = 0,
	.gvisor = false,
};

OCI_CLI_RUNNER(crun, crun_runtime,
	       "crun (Podman's and CRI-O's runtime, in C): create, start, READY, delete",
	       RUNNER_CAP_HOST_PIDS | RUNNER_CAP_CGROUP | RUNNER_CAP_PROFILES | RUNNER_CAP_NAMESPACES |
		       RUNNER_CAP_LIMITS | RUNNER_CAP_DISK | RUNNER_CAP_NETWORK,
	       oci_cli_veth_only, 0);
