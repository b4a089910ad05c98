/* The runc runner: the OCI CLI runner (oci_cli_runner.c) with runc's quirks. */
#include "../container/cgroup.h"
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

static int runc_prepare(struct runner *r, bench_error *err)
{
	return oci_cli_prepare(r, &runc_runtime, err);
}

static int runc_cleanup(bool all, struct runner_cleanup_counts *removed, bench_error *err)
{
	return oci_cli_cleanup(&runc_runtime, all, removed, err);
}

static const struct runner_check runc_doctor_checks[] = {
	{ "runc", oci_cli_doctor_binary, &runc_runtime },
	{ NULL, NULL, NULL },
};

const struct runner_ops runc_runner_ops = {
	.name = "runc",
	.summary = "runc (what Docker and containerd run by default): create, start, READY, delete",
	.caps = RUNNER_CAP_HOST_PIDS | RUNNER_CAP_CGROUP | RUNNER_CAP_PROFILES | RUNNER_CAP_NAMESPACES | RUNNER_CAP_LIMITS,
	.needs_root = true,
	.prepare = runc_prepare,
	.launch = oci_cli_launch,
	.wait_ready = oci_cli_wait_ready,
	.collect = oci_cli_collect,
	.stop = oci_cli_stop,
	.destroy = oci_cli_destroy,
	.finish = oci_cli_finish,
	.describe = oci_cli_describe,
	.doctor = runc_doctor_checks,
	.cleanup = runc_cleanup,
	.cgroup_memory = oci_cli_cgroup_memory,
	.cgroup_layout = cg_detect_describe,
};
