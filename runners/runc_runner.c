/* The runc runner: the OCI CLI runner (oci_cli_runner.c) with runc's quirks. */
#include "oci_cli_runner.h"

static const struct oci_cli_runtime runc_runtime = {
	.name = "runc",
	.binary = "runc",
	.package = "runc",
	.init_is_host_process = true,
	.hide_unified_on_hybrid = false,
	.pids_overhead = 0,
	.caps_known = 0,
	.gvisor = false,
};

OCI_CLI_RUNNER(runc, runc_runtime,
	       "runc (what Docker and containerd run by default): create, start, READY, delete",
	       RUNNER_CAP_HOST_PIDS | RUNNER_CAP_CGROUP | RUNNER_CAP_PROFILES | RUNNER_CAP_NAMESPACES |
		       RUNNER_CAP_LIMITS | RUNNER_CAP_DISK | RUNNER_CAP_NETWORK,
	       oci_cli_veth_only, 0);
