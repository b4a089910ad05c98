/* The qemu runner's part of `bench doctor` (QEMU itself, the guest kernel;
 * the accelerator and /dev/kvm are the vm runner's checks, the same for
 * both) and of `bench cleanup` (QEMU processes and run folders of runs
 * that are over). */
#include <stdio.h>

#include "../vm/initramfs.h"
#include "../vm/kernel_cache.h"
#include "../vm/qemu_process.h"
#include "../vm/snapshot_cache.h"
#include "runner_hooks.h"

static void check_qemu(const void *arg, struct runner_check_result *r)
{
	char path[4096];
	bench_error err = { 0 };

	(void)arg;
	if (qemu_binary_find(path, sizeof(path), &err) < 0) {
		runner_check_set(r, RUNNER_CHECK_FAIL, "%s", err.msg);
		runner_check_fix(r, "make setup");
		return;
	}
	runner_check_set(r, RUNNER_CHECK_OK, "%s (started directly, driven over QMP)", path);
}

static void check_kernel(const void *arg, struct runner_check_result *r)
{
	struct guest_kernel k;
	bench_error err = { 0 };

	(void)arg;
	if (kernel_cache_find(vm_cache_dir(), &k, &err) < 0) {
		runner_check_set(r, RUNNER_CHECK_FAIL, "%s", err.msg);
		runner_check_fix(r, "make setup");
		return;
	}
	runner_check_set(r, RUNNER_CHECK_OK, "%s (%s)", k.path, k.release);
}

/* The minimal kernel is optional: a warning, never a failure. */
static void check_minimal_kernel(const void *arg, struct runner_check_result *r)
{
	struct guest_kernel k;
	bench_error err = { 0 };

	(void)arg;
	if (kernel_cache_find_minimal(vm_cache_dir(), &k, &err) < 0) {
		runner_check_set(r, RUNNER_CHECK_WARN, "%s (optional: only --guest-kernel minimal needs it)", err.msg);
		runner_check_fix(r, "make guest-kernel");
		return;
	}
	runner_check_set(r, RUNNER_CHECK_OK, "%s (%s; --guest-kernel minimal)", k.path, k.release);
}

const struct runner_check qemu_doctor_checks[] = {
	{ "qemu binary", check_qemu, NULL },
	{ "guest kernel (qemu)", check_kernel, NULL },
	{ "minimal guest kernel", check_minimal_kernel, NULL },
	{ NULL, NULL, NULL },
};

int qemu_cleanup(bool all, struct runner_cleanup_counts *removed, bench_error *err)
{
	(void)err;
	/* The processes first: a folder's sockets are theirs. */
	runner_cleanup_add(removed, "QEMU processes", qemu_kill_stale(all));
	runner_cleanup_add(removed, "run folders", qemu_remove_stale_folders(all));
	runner_cleanup_add(removed, "saved guests", snapshot_cleanup(all));
	return 0;
}
