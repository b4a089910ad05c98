#include "profile.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* runc's default masked paths (the spec runc generates, 1.1). */
static const char *const masked_paths[] = {
	"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
	"/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
};

/* runc's default read-only paths. */
static const char *const readonly_paths[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

/* Docker's default capability set. */
static const int caps_default[] = {
	CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FSETID, CAP_FOWNER, CAP_MKNOD, CAP_NET_RAW, CAP_SETGID,
	CAP_SETUID, CAP_SETFCAP, CAP_SETPCAP, CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT, CAP_KILL, CAP_AUDIT_WRITE,
};

/* What Docker's default seccomp profile refuses to a container without
 * extra capabilities.  Docker writes an allow-list; this deny-list of the
 * same calls (EPERM) keeps the filter short and readable. */
static const char *const denied_syscalls[] = {
	"acct", "add_key", "bpf", "clock_adjtime", "clock_settime", "create_module", "delete_module",
	"finit_module", "get_kernel_syms", "get_mempolicy", "init_module", "ioperm", "iopl", "kcmp",
	"kexec_file_load", "kexec_load", "keyctl", "lookup_dcookie", "mbind", "mount", "move_pages",
	"name_to_handle_at", "nfsservctl", "open_by_handle_at", "perf_event_open", "pivot_root",
	"process_vm_readv", "process_vm_writev", "ptrace", "query_module", "quotactl", "reboot",
	"request_key", "set_mempolicy", "setns", "settimeofday", "stime", "swapon", "swapoff", "sysfs",
	"_sysctl", "syslog", "umount", "umount2", "unshare", "uselib", "userfaultfd", "ustat", "vm86",
	"vm86old", "fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree", "mount_setattr",
	"quotactl_fd", "pidfd_getfd", "fanotify_init", "lookup_dcookie",
};

/* Namespace flags a container may not clone with (as Docker's profile). */
static const unsigned long clone_ns_flags[] = {
	CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP,
};

static int build_filter(struct container_profile *p, bench_error *err)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int fd = -1, rc;
	struct stat st;
	void *buf = NULL;

	if (!ctx)
		return bench_fail(err, 0, "container: seccomp_init failed");
	for (size_t i = 0; i < sizeof(denied_syscalls) / sizeof(denied_syscalls[0]); i++) {
		int nr = seccomp_syscall_resolve_name(denied_syscalls[i]);

		/* Calls this architecture does not have are skipped. */
		if (nr == __NR_SCMP_ERROR || nr < 0)
			continue;
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
		if (rc < 0 && rc != -EEXIST)
			goto fail_rc;
	}
	for (size_t i = 0; i < sizeof(clone_ns_flags) / sizeof(clone_ns_flags[0]); i++) {
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
				      SCMP_A0(SCMP_CMP_MASKED_EQ, clone_ns_flags[i], clone_ns_flags[i]));
		if (rc < 0)
			goto fail_rc;
	}
	/* clone3 passes its flags in memory a filter cannot read: ENOSYS
	 * makes the C library fall back to clone, as Docker does. */
	rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	if (rc < 0)
		goto fail_rc;
	fd = memfd_create("bench-seccomp", MFD_CLOEXEC);
	if (fd < 0) {
		seccomp_release(ctx);
		return bench_fail(err, errno, "container: memfd for the seccomp filter");
	}
	rc = seccomp_export_bpf(ctx, fd);
	seccomp_release(ctx);
	ctx = NULL;
	if (rc < 0) {
		close(fd);
		return bench_fail(err, -rc, "container: exporting the seccomp filter");
	}
	if (fstat(fd, &st) != 0 || st.st_size <= 0 || st.st_size % (off_t)sizeof(struct sock_filter) != 0 ||
	    st.st_size / (off_t)sizeof(struct sock_filter) > BPF_MAXINSNS || !(buf = malloc((size_t)st.st_size)) ||
	    pread(fd, buf, (size_t)st.st_size, 0) != st.st_size) {
		int e = errno;

		free(buf);
		close(fd);
		return bench_fail(err, e, "container: reading the seccomp filter back");
	}
	close(fd);
	p->prog.filter = buf;
	p->prog.len = (unsigned short)(st.st_size / (off_t)sizeof(struct sock_filter));
	return 0;
fail_rc:
	seccomp_release(ctx);
	return bench_fail(err, -rc, "container: building the seccomp filter");
}

int profile_prepare(struct container_profile *p, const char *name, bench_error *err)
{
	memset(p, 0, sizeof(*p));
	if (!name || strcmp(name, "plain") == 0)
		return 0;
	if (strcmp(name, "hardened") != 0)
		return bench_fail_usage(err, "container: unknown profile '%s' (plain or hardened)", name);
	p->hardened = true;
	for (size_t i = 0; i < sizeof(caps_default) / sizeof(caps_default[0]); i++)
		p->caps_keep |= 1ull << caps_default[i];
	return build_filter(p, err);
}

void profile_release(struct container_profile *p)
{
	free(p->prog.filter);
	memset(p, 0, sizeof(*p));
}

/* ---- in the child: raw system calls only -------------------------------- */

static int mask_path(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return errno == ENOENT ? 0 : -1;
	if (S_ISDIR(st.st_mode))
		return mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0,nr_inodes=1");
	return mount("/dev/null", path, NULL, MS_BIND, NULL);
}

static int readonly_path(const char *path)
{
	if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) != 0)
		return errno == ENOENT ? 0 : -1;
	return mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
}

static int drop_caps(uint64_t keep)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[2];

	for (int c = 0; c <= CAP_LAST_CAP; c++)
		if (!(keep & (1ull << c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) != 0 && errno != EINVAL)
			return -1;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
		return -1;
	for (int i = 0; i < 2; i++) {
		data[i].effective = data[i].permitted = data[i].inheritable = (uint32_t)(keep >> (32 * i));
	}
	return (int)syscall(SYS_capset, &hdr, data);
}

int profile_apply(const struct container_profile *p, int *step)
{
	if (!p || !p->hardened)
		return 0;
	*step = PROFILE_STEP_MASK;
	for (size_t i = 0; i < sizeof(masked_paths) / sizeof(masked_paths[0]); i++)
		if (mask_path(masked_paths[i]) != 0)
			return -1;
	*step = PROFILE_STEP_READONLY;
	for (size_t i = 0; i < sizeof(readonly_paths) / sizeof(readonly_paths[0]); i++)
		if (readonly_path(readonly_paths[i]) != 0)
			return -1;
	*step = PROFILE_STEP_CAPS;
	if (drop_caps(p->caps_keep) != 0)
		return -1;
	*step = PROFILE_STEP_NNP;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -1;
	*step = PROFILE_STEP_SECCOMP;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &p->prog, 0, 0) != 0)
		return -1;
	return 0;
}
