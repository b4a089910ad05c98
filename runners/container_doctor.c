/* The container runner's part of `bench doctor` (namespaces, cgroups) and
 * of `bench cleanup` (cgroups and run folders of runs that are over). */
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../container/cgroup.h"
#include "../container/rootfs.h"
#include "../net/instance.h"
#include "runner_hooks.h"

/* --- namespaces ----------------------------------------------------------- */

struct ns_type {
	int flag;
	const char *flag_name;
	const char *config;   /* kernel option that provides it */
	const char *sysctl;   /* user.max_*_namespaces */
	bool required;        /* does the container runner need it? */
};

static const struct ns_type ns_uts = { CLONE_NEWUTS, "CLONE_NEWUTS", "CONFIG_UTS_NS",
				       "user.max_uts_namespaces", true };
static const struct ns_type ns_pid = { CLONE_NEWPID, "CLONE_NEWPID", "CONFIG_PID_NS",
				       "user.max_pid_namespaces", true };
static const struct ns_type ns_mnt = { CLONE_NEWNS, "CLONE_NEWNS", "CONFIG_NAMESPACES",
				       "user.max_mnt_namespaces", true };
static const struct ns_type ns_ipc = { CLONE_NEWIPC, "CLONE_NEWIPC", "CONFIG_IPC_NS",
				       "user.max_ipc_namespaces", true };
static const struct ns_type ns_net = { CLONE_NEWNET, "CLONE_NEWNET", "CONFIG_NET_NS",
				       "user.max_net_namespaces", true };
static const struct ns_type ns_cgroup = { CLONE_NEWCGROUP, "CLONE_NEWCGROUP", "CONFIG_CGROUPS",
					  "user.max_cgroup_namespaces", true };
/* Root containers do without a user namespace. */
static const struct ns_type ns_user = { CLONE_NEWUSER, "CLONE_NEWUSER", "CONFIG_USER_NS",
					"user.max_user_namespaces", false };

/* Tries unshare(flag) in a throw-away child, so this process keeps its own
 * namespaces; the namespace goes when the child exits.  Returns 0 or the
 * child's errno. */
static int try_unshare(int flag)
{
	int status;
	pid_t pid, w;

	fflush(NULL); /* nothing buffered is duplicated into the child */
	pid = fork();
	if (pid < 0)
		return errno;
	if (pid == 0)
		_exit(unshare(flag) == 0 ? 0 : (errno > 0 && errno < 256 ? errno : 255));
	do
		w = waitpid(pid, &status, 0);
	while (w < 0 && errno == EINTR);
	if (w < 0)
		return errno;
	if (!WIFEXITED(status))
		return ECHILD;
	return WEXITSTATUS(status);
}

static void check_namespace(const void *arg, struct runner_check_result *r)
{
	const struct ns_type *ns = arg;
	enum runner_check_level bad = ns->required ? RUNNER_CHECK_FAIL : RUNNER_CHECK_WARN;
	int e = try_unshare(ns->flag);

	if (e == 0) {
		runner_check_set(r, RUNNER_CHECK_OK, "unshare(%s) works", ns->flag_name);
		return;
	}
	runner_check_set(r, bad, "unshare(%s) failed: %s%s", ns->flag_name, strerror(e),
			 ns->required ? "" : " (only needed for rootless containers)");
	switch (e) {
	case EPERM:
		if (geteuid() != 0)
			runner_check_fix(r, "sudo bench doctor");
		else
			runner_check_fix(r, "run bench on the host itself, not inside a restricted container "
					    "(or start that container with --privileged)");
		break;
	case EINVAL:
		runner_check_fix(r, "boot a kernel with %s=y (see: grep %s /boot/config-$(uname -r))", ns->config,
				 ns->config);
		break;
	case ENOSPC:
	case EUSERS:
		runner_check_fix(r, "sysctl -w %s=15000", ns->sysctl);
		break;
	default:
		runner_check_fix(r, "check dmesg and %s in /boot/config-$(uname -r)", ns->config);
		break;
	}
}

/* --- cgroups -------------------------------------------------------------- */

static void append(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void append(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

static void check_cgroups(const void *arg, struct runner_check_result *r)
{
	static struct cg_layout layout; /* large: off the stack */
	bench_error err = { 0 };
	char have[128] = "", missing[128] = "";

	(void)arg;
	memset(&layout, 0, sizeof(layout));
	if (cg_detect(&layout, &err) < 0 || layout.version == 0) {
		runner_check_set(r, RUNNER_CHECK_FAIL, "no usable cgroup hierarchy: %s",
				 err.msg[0] ? err.msg : "neither v1 controllers nor a v2 mount");
		runner_check_fix(r, "mount -t cgroup2 none /sys/fs/cgroup");
		return;
	}
	for (int c = 0; c < CG_NCONTROLLERS; c++) {
		const char *name = cg_controller_name((enum cg_controller)c);

		if (layout.available & (1u << c)) {
			append(have, sizeof(have), "%s%s", have[0] ? " " : "", name);
			continue;
		}
		append(missing, sizeof(missing), "%s%s", missing[0] ? " " : "", name);
		if (layout.version == 2)
			append(r->fix, sizeof(r->fix), "%secho +%s > %s/cgroup.subtree_control",
			       r->fix[0] ? " && " : "", name, layout.v2_mount);
		else
			append(r->fix, sizeof(r->fix),
			       "%smkdir -p /sys/fs/cgroup/%s && mount -t cgroup -o %s cgroup /sys/fs/cgroup/%s",
			       r->fix[0] ? " && " : "", name, name, name);
	}
	if (missing[0])
		runner_check_set(r, RUNNER_CHECK_FAIL, "v%d, controllers %s; missing %s", layout.version,
				 have[0] ? have : "(none)", missing);
	else
		runner_check_set(r, RUNNER_CHECK_OK, "v%d, controllers %s", layout.version, have);
}

const struct runner_check container_doctor_checks[] = {
	{ "namespace uts", check_namespace, &ns_uts },
	{ "namespace pid", check_namespace, &ns_pid },
	{ "namespace mnt", check_namespace, &ns_mnt },
	{ "namespace ipc", check_namespace, &ns_ipc },
	{ "namespace net", check_namespace, &ns_net },
	{ "namespace cgroup", check_namespace, &ns_cgroup },
	{ "namespace user", check_namespace, &ns_user },
	{ "cgroups", check_cgroups, NULL },
	{ NULL, NULL, NULL },
};

/* --- cleanup -------------------------------------------------------------- */

int container_cleanup(bool all, struct runner_cleanup_counts *removed, bench_error *err)
{
	struct cg_layout layout;
	bench_error ignored = { 0 };
	int n, rc = 0;
	unsigned links = 0, tables = 0;

	/* Without a cgroup hierarchy no run made a cgroup. */
	if (cg_detect(&layout, &ignored) == 0) {
		n = cg_cleanup_stale(&layout, all, err);
		if (n < 0)
			rc = -1;
		else
			runner_cleanup_add(removed, "cgroups", (unsigned)n);
	}
	n = rootfs_cleanup_stale(all, &ignored);
	runner_cleanup_add(removed, "run folders", n < 0 ? 0u : (unsigned)n);
	if (net_cleanup_stale(all, &links, &tables, rc < 0 ? &ignored : err) < 0)
		rc = -1;
	runner_cleanup_add(removed, "network links", links);
	runner_cleanup_add(removed, "NAT tables", tables);
	return rc;
}
