/* The vm runner's part of `bench doctor` (libvirtd, /dev/kvm, the
 * accelerator, the guest kernel) and of `bench cleanup` (its domains,
 * console folders and half-written saved guests of runs that are over). */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "../vm/accel.h"
#include "../vm/cleanup.h"
#include "../vm/snapshot_cache.h"
#include "../net/instance.h"
#include "runner_hooks.h"
#include "vm_remote.h"

#define DEFAULT_CACHE_DIR "/var/cache/bench"
#define LIBVIRT_URI "qemu:///system"

static void quiet_libvirt(void *userdata, virErrorPtr error)
{
	(void)userdata;
	(void)error;
}

static void check_libvirtd(const void *arg, struct runner_check_result *r)
{
	virConnectPtr conn;

	(void)arg;
	virSetErrorFunc(NULL, quiet_libvirt);
	conn = virConnectOpen(LIBVIRT_URI);
	if (!conn) {
		const char *msg = virGetLastErrorMessage();

		runner_check_set(r, RUNNER_CHECK_FAIL, "%s does not answer: %s", LIBVIRT_URI,
				 msg ? msg : "unknown error");
		if (geteuid() != 0)
			runner_check_fix(r, "sudo bench doctor");
		else
			runner_check_fix(r, "make setup (or: virtlogd -d && libvirtd -d)");
	} else {
		unsigned long v = 0;

		if (virConnectGetLibVersion(conn, &v) == 0)
			runner_check_set(r, RUNNER_CHECK_OK, "%s answers (libvirt %lu.%lu.%lu)", LIBVIRT_URI,
					 v / 1000000, v / 1000 % 1000, v % 1000);
		else
			runner_check_set(r, RUNNER_CHECK_OK, "%s answers", LIBVIRT_URI);
		virConnectClose(conn);
	}
	virResetLastError();
	virSetErrorFunc(NULL, NULL);
}

static void check_dev_kvm(const void *arg, struct runner_check_result *r)
{
	struct stat st;
	const struct group *gr;
	char gname[64];
	unsigned mode;

	(void)arg;
	if (stat("/dev/kvm", &st) < 0) {
		runner_check_set(r, RUNNER_CHECK_WARN, "absent (%s): VMs can only use TCG emulation", strerror(errno));
		runner_check_fix(r, "modprobe kvm_intel || modprobe kvm_amd");
		return;
	}
	if (!S_ISCHR(st.st_mode)) {
		runner_check_set(r, RUNNER_CHECK_FAIL, "exists but is not a character device");
		runner_check_fix(r, "rm /dev/kvm && mknod -m 0660 /dev/kvm c 10 232 && chgrp kvm /dev/kvm");
		return;
	}
	gr = getgrgid(st.st_gid);
	if (gr)
		snprintf(gname, sizeof(gname), "%s", gr->gr_name);
	else
		snprintf(gname, sizeof(gname), "%u", (unsigned)st.st_gid);
	mode = st.st_mode & 07777;
	if (strcmp(gname, "kvm") == 0 && mode == 0660) {
		runner_check_set(r, RUNNER_CHECK_OK, "group kvm, mode 0660");
		return;
	}
	/* Not fatal, but libvirt then re-probes QEMU (~40 s) on every start. */
	runner_check_set(r, RUNNER_CHECK_WARN,
			 "group %s, mode %04o (want kvm, 0660): libvirt re-probes QEMU on every VM start", gname, mode);
	runner_check_fix(r, "chgrp kvm /dev/kvm && chmod 0660 /dev/kvm (or: make setup)");
}

static void check_accel(const void *arg, struct runner_check_result *r)
{
	struct accel_facts facts;
	enum vm_accel a;
	bench_error err = { 0 };

	(void)arg;
	accel_probe(&facts);
	if (accel_choose("auto", &facts, &a, &err) < 0) {
		runner_check_set(r, RUNNER_CHECK_FAIL, "%s", err.msg);
		runner_check_fix(r, "bench run startup --accel tcg");
		return;
	}
	if (a == VM_ACCEL_KVM) {
		runner_check_set(r, RUNNER_CHECK_OK, "kvm (%s)", facts.why);
		return;
	}
	runner_check_set(r, RUNNER_CHECK_WARN,
			 "tcg (%s). VMs will run under TCG emulation: figures are emulation, not virtualisation "
			 "overhead",
			 facts.why);
	runner_check_fix(r, "on vSphere, power the VM off and enable \"Expose hardware assisted virtualization "
			    "to the guest OS\" (vhv.enable = TRUE)");
}

static void check_kernel(const void *arg, struct runner_check_result *r)
{
	const char *cache = getenv("BENCH_CACHE_DIR");
	char path[PATH_MAX], relpath[PATH_MAX], release[128] = "";
	struct stat st;
	FILE *f;

	(void)arg;
	if (!cache || !*cache)
		cache = DEFAULT_CACHE_DIR;
	snprintf(path, sizeof(path), "%s/kernel/current/vmlinuz", cache);
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
		runner_check_set(r, RUNNER_CHECK_FAIL, "%s missing: the vm runner cannot boot a guest", path);
		runner_check_fix(r, "make setup");
		return;
	}
	snprintf(relpath, sizeof(relpath), "%s/kernel/current/release", cache);
	f = fopen(relpath, "re");
	if (f) {
		if (fgets(release, sizeof(release), f))
			release[strcspn(release, "\r\n")] = '\0';
		fclose(f);
	}
	runner_check_set(r, RUNNER_CHECK_OK, "%s (%s, %lld MiB)", path, release[0] ? release : "release unknown",
			 (long long)st.st_size >> 20);
}

const struct runner_check vm_doctor_checks[] = {
	{ "libvirtd", check_libvirtd, NULL },
	{ "/dev/kvm", check_dev_kvm, NULL },
	{ "accelerator", check_accel, NULL },
	{ "guest kernel", check_kernel, NULL },
	{ NULL, NULL, NULL },
};

int vm_cleanup(bool all, struct runner_cleanup_counts *removed, bench_error *err)
{
	unsigned folders = 0, links = 0, tables = 0;
	int n = vm_cleanup_stale(NULL, all, &folders, err);

	runner_cleanup_add(removed, "run folders", folders);
	if (n < 0)
		return -1;
	runner_cleanup_add(removed, "libvirt domains", (unsigned)n);
	/* Half-written saved guests (--vm-start restore) of runs that are
	 * over; with --all, every saved guest.  The qemu runner's cleanup
	 * does the same: the cache is shared. */
	runner_cleanup_add(removed, "saved guests", snapshot_cleanup(all));
	/* Taps and bridges, once the domains that held them are gone. */
	if (net_cleanup_stale(all, &links, &tables, err) < 0)
		return -1;
	runner_cleanup_add(removed, "network links", links);
	runner_cleanup_add(removed, "NAT tables", tables);
	return 0;
}

int vm_cleanup_libvirt(const char *uri, bool all, struct runner_cleanup_counts *removed, bench_error *err)
{
	unsigned volumes = 0;
	int n = vm_cleanup_at(uri, vm_uri_is_remote(uri), all, &volumes, err);

	runner_cleanup_add(removed, "upload leftovers", volumes);
	if (n < 0)
		return -1;
	runner_cleanup_add(removed, "libvirt domains", (unsigned)n);
	return 0;
}
