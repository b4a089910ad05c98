/* The hardened profile's rules (hardened_rules.h). */
#include "hardened_rules.h"

#include <linux/capability.h>
#include <sched.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define CAP(c) { c, #c }

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
static const struct hardened_cap caps_default[] = {
	CAP(CAP_CHOWN), CAP(CAP_DAC_OVERRIDE), CAP(CAP_FSETID), CAP(CAP_FOWNER), CAP(CAP_MKNOD),
	CAP(CAP_NET_RAW), CAP(CAP_SETGID), CAP(CAP_SETUID), CAP(CAP_SETFCAP), CAP(CAP_SETPCAP),
	CAP(CAP_NET_BIND_SERVICE), CAP(CAP_SYS_CHROOT), CAP(CAP_KILL), CAP(CAP_AUDIT_WRITE),
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
	"quotactl_fd", "pidfd_getfd", "fanotify_init",
};

/* Namespace flags a container may not clone with (as Docker's profile). */
static const unsigned long clone_ns_flags[] = {
	CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP,
};

/* Indexed by number: the kernel's capabilities have no gaps. */
static const struct hardened_cap all_caps[] = {
	CAP(CAP_CHOWN), CAP(CAP_DAC_OVERRIDE), CAP(CAP_DAC_READ_SEARCH), CAP(CAP_FOWNER), CAP(CAP_FSETID),
	CAP(CAP_KILL), CAP(CAP_SETGID), CAP(CAP_SETUID), CAP(CAP_SETPCAP), CAP(CAP_LINUX_IMMUTABLE),
	CAP(CAP_NET_BIND_SERVICE), CAP(CAP_NET_BROADCAST), CAP(CAP_NET_ADMIN), CAP(CAP_NET_RAW),
	CAP(CAP_IPC_LOCK), CAP(CAP_IPC_OWNER), CAP(CAP_SYS_MODULE), CAP(CAP_SYS_RAWIO), CAP(CAP_SYS_CHROOT),
	CAP(CAP_SYS_PTRACE), CAP(CAP_SYS_PACCT), CAP(CAP_SYS_ADMIN), CAP(CAP_SYS_BOOT), CAP(CAP_SYS_NICE),
	CAP(CAP_SYS_RESOURCE), CAP(CAP_SYS_TIME), CAP(CAP_SYS_TTY_CONFIG), CAP(CAP_MKNOD), CAP(CAP_LEASE),
	CAP(CAP_AUDIT_WRITE), CAP(CAP_AUDIT_CONTROL), CAP(CAP_SETFCAP), CAP(CAP_MAC_OVERRIDE),
	CAP(CAP_MAC_ADMIN), CAP(CAP_SYSLOG), CAP(CAP_WAKE_ALARM), CAP(CAP_BLOCK_SUSPEND), CAP(CAP_AUDIT_READ),
	CAP(CAP_PERFMON), CAP(CAP_BPF), CAP(CAP_CHECKPOINT_RESTORE),
};

_Static_assert(N(all_caps) == CAP_LAST_CAP + 1, "a capability is missing from all_caps");

static const struct hardened_rules rules = {
	.masked_paths = masked_paths,
	.n_masked = N(masked_paths),
	.readonly_paths = readonly_paths,
	.n_readonly = N(readonly_paths),
	.caps_kept = caps_default,
	.n_caps_kept = N(caps_default),
	.denied_syscalls = denied_syscalls,
	.n_denied = N(denied_syscalls),
	.clone_ns_flags = clone_ns_flags,
	.n_clone_ns_flags = N(clone_ns_flags),
};

const struct hardened_rules *hardened_rules(void)
{
	return &rules;
}

const struct hardened_cap *hardened_all_caps(size_t *n)
{
	*n = N(all_caps);
	return all_caps;
}
