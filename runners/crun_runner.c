/* The crun runner: the OCI CLI runner (oci_cli_runner.c) with crun's quirks. */
#include "../container/cgroup.h"
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

static int crun_prepare(struct runner *r, bench_error *err)
{
	return oci_cli_prepare(r, &crun_runtime, err);
}

static int crun_cleanup(bool all, struct runner_cleanup_counts *removed, bench_error *err)
{
	return oci_cli_cleanup(&crun_runtime, all, removed, err);
}

static const struct runner_check crun_doctor_checks[] = {
	{ "crun", oci_cli_doctor_binary, &crun_runtime },
	{ NULL, NULL, NULL },
};

const struct runner_ops crun_runner_ops = {
	.name = "crun",
	.summary = "crun (Podman's and CRI-O's runtime, in C): create, start, READY, delete",
	.caps = RUNNER_CAP_HOST_PIDS | RUNNER_CAP_CGROUP | RUNNER_CAP_PROFILES | RUNNER_CAP_NAMESPACES | RUNNER_CAP_LIMITS,
	.needs_root = true,
	.prepare = crun_prepare,
	.launch = oci_cli_launch,
	.wait_ready = oci_cli_wait_ready,
	.collect = oci_cli_collect,
	.stop = oci_cli_stop,
	.destroy = oci_cli_destroy,
	.finish = oci_cli_finish,
	.describe = oci_cli_describe,
	.doctor = crun_doctor_checks,
	.cleanup = crun_cleanup,
	.cgroup_memory = oci_cli_cgroup_memory,
	.cgroup_layout = cg_detect_describe,
};
