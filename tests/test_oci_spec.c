/* OCI bundles (oci/): what config.json says, and that each runtime here
 * (runc, crun, runsc) runs the agent from it. */
#include <fcntl.h>
#include <jansson.h>
#include <seccomp.h>
#include <sys/wait.h>

#include "../lib/hardened_rules.h"
#include "../lib/run_id.h"
#include "../oci/oci_spec.h"
#include "helpers.h"

static json_t *build(bool hardened)
{
	static const char *const argv[] = { OCI_AGENT_PATH, "ready", NULL };
	struct oci_spec_params p = {
		.argv = argv, .hostname = "bench-oci", .rootfs = "rootfs", .cpus = "0",
		.memory_bytes = 64u << 20, .cpu_quota_us = 50000, .cpu_period_us = 100000, .pids_max = 16,
		.hardened = hardened,
	};
	bench_error err = { 0 };
	json_t *spec = oci_spec_build(&p, &err);

	cr_assert_not_null(spec, "%s", err.msg);
	return spec;
}

Test(oci_spec, hardened_matches_the_containers_rules)
{
	const struct hardened_rules *r = hardened_rules();
	json_t *spec = build(true);
	json_t *caps = json_object_get(json_object_get(json_object_get(spec, "process"), "capabilities"), "bounding");
	json_t *lx = json_object_get(spec, "linux");
	json_t *denied = json_object_get(json_array_get(json_object_get(json_object_get(lx, "seccomp"), "syscalls"), 0), "names");
	size_t resolvable = 0;

	cr_assert_eq(json_array_size(caps), r->n_caps_kept);
	for (size_t i = 0; i < r->n_caps_kept; i++)
		cr_assert_str_eq(json_string_value(json_array_get(caps, i)), r->caps_kept[i].name);
	cr_assert_eq(json_array_size(json_object_get(lx, "maskedPaths")), r->n_masked);
	cr_assert_eq(json_array_size(json_object_get(lx, "readonlyPaths")), r->n_readonly);
	for (size_t i = 0; i < r->n_denied; i++)
		resolvable += seccomp_syscall_resolve_name(r->denied_syscalls[i]) >= 0;
	cr_assert_eq(json_array_size(denied), resolvable);
	cr_assert(json_is_true(json_object_get(json_object_get(spec, "process"), "noNewPrivileges")));
	cr_assert(json_is_true(json_object_get(json_object_get(spec, "root"), "readonly")));
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(json_object_get(lx, "resources"), "pids"), "limit")), 16);
	json_decref(spec);
}

Test(oci_spec, plain_keeps_every_capability_and_no_filter)
{
	json_t *spec = build(false);
	size_t n;

	hardened_all_caps(&n);
	cr_assert_eq(json_array_size(json_object_get(json_object_get(json_object_get(spec, "process"), "capabilities"), "effective")), n);
	cr_assert_null(json_object_get(json_object_get(spec, "linux"), "seccomp"));
	json_decref(spec);
}

Test(oci_spec, bad_profile_is_a_usage_error)
{
	bench_error err = { 0 };
	bool h;

	cr_assert_eq(oci_profile_parse("paranoid", &h, &err), -1);
	cr_assert_eq(err.exit_code, BENCH_EXIT_USAGE);
}
