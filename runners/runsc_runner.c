/* The runsc runner: the OCI CLI runner (oci_cli_runner.c) with runsc's quirks. */
#include "../container/cgroup.h"
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

static int runsc_prepare(struct runner *r, bench_error *err)
{
	return oci_cli_prepare(r, &runsc_runtime, err);
}

static int runsc_cleanup(bool all, struct runner_cleanup_counts *removed, bench_error *err)
{
	return oci_cli_cleanup(&runsc_runtime, all, removed, err);
}

static const struct runner_check runsc_doctor_checks[] = {
	{ "runsc", oci_cli_doctor_binary, &runsc_runtime },
	{ NULL, NULL, NULL },
};

const struct runner_ops runsc_runner_ops = {
	.name = "runsc",
	.summary = "gVisor's runsc: the workload on a user-space kernel (the Sentry); create, start, READY, delete",
	/* Not NAMESPACES: its calls never reach the host kernel behind
	 * namespaces; not HOST_PIDS: the host sees the Sentry and the gofer,
	 * not the workload's processes. */
	.caps = RUNNER_CAP_CGROUP | RUNNER_CAP_PROFILES | RUNNER_CAP_LIMITS | RUNNER_CAP_USER_KERNEL,
	.needs_root = true,
	.prepare = runsc_prepare,
	.launch = oci_cli_launch,
	.wait_ready = oci_cli_wait_ready,
	.collect = oci_cli_collect,
	.stop = oci_cli_stop,
	.destroy = oci_cli_destroy,
	.finish = oci_cli_finish,
	.describe = oci_cli_describe,
	.doctor = runsc_doctor_checks,
	.cleanup = runsc_cleanup,
	.cgroup_memory = oci_cli_cgroup_memory,
	.cgroup_layout = cg_detect_describe,
};
