#include "container.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/clock.h"
#include "../lib/interrupt.h"
#include "clone_vm.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* What the child sends up the sync pipe: once, just before exec or at the
 * step that failed. */
struct child_report {
	int32_t failed_step;   /* -1 when all went well */
	int32_t errnum;
	uint64_t t_child, t_joined, t_rootfs;
};

enum child_step {
	STEP_PDEATHSIG, STEP_JOIN_CGROUP, STEP_CGROUP_NS, STEP_HOSTNAME, STEP_PROPAGATION,
	STEP_BIND_ROOT, STEP_READONLY_ROOT, STEP_CHDIR, STEP_PROC, STEP_DEV, STEP_DEV_NODES,
	STEP_PIVOT_ROOT, STEP_DETACH_OLD_ROOT, STEP_STDIO, STEP_EXEC, STEP_MASK, STEP_READONLY, STEP_CAPS,
	STEP_NNP, STEP_SECCOMP, STEP_COUNT
};

static const char *const step_names[STEP_COUNT] = {
	"set the parent-death signal", "join its cgroup", "make its cgroup namespace", "set its hostname",
	"make its mounts private", "bind its root file system", "make its root read-only",
	"enter its root", "mount /proc", "mount /dev", "make the device nodes in /dev", "pivot_root",
	"detach the old root", "set up stdin/stdout", "exec the workload", "mask /proc paths",
	"make /proc paths read-only", "drop capabilities", "set no_new_privs", "load its seccomp filter",
};

/* The device nodes a container gets, as OCI runtimes give them. */
static const struct {
	const char *name;
	unsigned major, minor;
} dev_nodes[] = {
	{ "dev/null", 1, 3 }, { "dev/zero", 1, 5 }, { "dev/full", 1, 7 },
	{ "dev/random", 1, 8 }, { "dev/urandom", 1, 9 }, { "dev/tty", 5, 0 },
};

static __attribute__((noreturn)) void child_fail(int sync_fd, struct child_report *rep, enum child_step step)
{
	rep->failed_step = (int32_t)step;
	rep->errnum = errno;
	if (write(sync_fd, rep, sizeof(*rep)) < 0)
		_exit(126);
	_exit(127);
}

/* Between clone and exec the child runs in the harness's own memory, on its
 * own stack: raw system calls only, no allocation, no stdio, nothing that
 * writes to memory the parent will read but the report on the pipe. */
static __attribute__((noreturn)) void child_main(const struct container_spec *spec, int sync_fd,
						 const sigset_t *mask, bool born_in_cgroup)
{
	static char *const envp[] = { "PATH=/", "HOME=/", "container=bench", NULL };
	struct child_report rep = { .failed_step = -1 };

	rep.t_child = clock_now_ns();
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
		child_fail(sync_fd, &rep, STEP_PDEATHSIG);
	/* Join first: the cgroup namespace made next has the container's
	 * own cgroup as its root.  (clone3 has done both already where the
	 * child was born in its cgroup.) */
	if (!born_in_cgroup) {
		int rc = cg_join_self(spec->cgroup);

		if (rc < 0) {
			errno = -rc;
			child_fail(sync_fd, &rep, STEP_JOIN_CGROUP);
		}
		if (unshare(CLONE_NEWCGROUP) != 0)
			child_fail(sync_fd, &rep, STEP_CGROUP_NS);
	}
	rep.t_joined = clock_now_ns();
	if (sethostname(spec->hostname, strlen(spec->hostname)) != 0)
		child_fail(sync_fd, &rep, STEP_HOSTNAME);
	/* Nothing mounted here may leak back to the host, and nothing the
	 * host mounts later may appear here. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		child_fail(sync_fd, &rep, STEP_PROPAGATION);
	if (mount(spec->rootfs, spec->rootfs, NULL, MS_BIND, NULL) != 0)
		child_fail(sync_fd, &rep, STEP_BIND_ROOT);
	if (mount(NULL, spec->rootfs, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) != 0)
		child_fail(sync_fd, &rep, STEP_READONLY_ROOT);
	if (chdir(spec->rootfs) != 0)
		child_fail(sync_fd, &rep, STEP_CHDIR);
	if (mount("proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0)
		child_fail(sync_fd, &rep, STEP_PROC);
	if (mount("tmpfs", "dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755,size=64k,nr_inodes=64") != 0)
		child_fail(sync_fd, &rep, STEP_DEV);
	umask(0);
	for (size_t i = 0; i < sizeof(dev_nodes) / sizeof(dev_nodes[0]); i++)
		if (mknod(dev_nodes[i].name, S_IFCHR | 0666, makedev(dev_nodes[i].major, dev_nodes[i].minor)) != 0)
			child_fail(sync_fd, &rep, STEP_DEV_NODES);
	if (symlink("/proc/self/fd", "dev/fd") != 0)
		child_fail(sync_fd, &rep, STEP_DEV_NODES);
	umask(022);
	/* pivot_root(".", ".") stacks the old root under the new one; the
	 * detaching umount then removes it (as runc and crun do). */
	if (syscall(SYS_pivot_root, ".", ".") != 0)
		child_fail(sync_fd, &rep, STEP_PIVOT_ROOT);
	if (umount2(".", MNT_DETACH) != 0)
		child_fail(sync_fd, &rep, STEP_DETACH_OLD_ROOT);
	if (chdir("/") != 0)
		child_fail(sync_fd, &rep, STEP_CHDIR);
	rep.t_rootfs = clock_now_ns();
	if (dup2(spec->stdin_fd, 0) < 0 || dup2(spec->stdout_fd, 1) < 0)
		child_fail(sync_fd, &rep, STEP_STDIO);
	/* Whatever the harness holds open must not reach the workload. */
	syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
	/* Hardening last: it drops the privileges the steps above needed,
	 * and the seccomp filter still allows the write and execve below. */
	{
		int step = 0;

		if (profile_apply(spec->profile, &step) != 0)
			child_fail(sync_fd, &rep, (enum child_step)(STEP_MASK + step - PROFILE_STEP_MASK));
	}
	if (write(sync_fd, &rep, sizeof(rep)) != sizeof(rep))
		_exit(126);
	/* The workload starts with default signal dispositions and the
	 * harness's signal mask, not with everything blocked. */
	signal(SIGPIPE, SIG_DFL);
	sigprocmask(SIG_SETMASK, mask, NULL);
	execve(spec->argv[0], (char *const *)spec->argv, envp);
	child_fail(sync_fd, &rep, STEP_EXEC);
}

/* Reads the child's report, then waits for end-of-file: the exec. */
static int wait_for_exec(struct container *ct, int sync_fd, uint64_t deadline_ns, bench_error *err)
{
	struct child_report rep;
	size_t got = 0;

	for (;;) {
		struct pollfd p = { .fd = sync_fd, .events = POLLIN };
		uint64_t now = clock_now_ns();
		char extra;
		ssize_t n;

		if (interrupt_check(err) < 0)
			return -1;
		if (now >= deadline_ns)
			return bench_fail(err, 0, "container: its init did not exec in time");
		if (poll(&p, 1, (int)((deadline_ns - now + 999999) / 1000000)) <= 0)
			continue;
		n = got < sizeof(rep) ? read(sync_fd, (char *)&rep + got, sizeof(rep) - got) : read(sync_fd, &extra, 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return bench_fail(err, errno, "container: reading the sync pipe");
		}
		if (n > 0 && got >= sizeof(rep))
			return bench_fail(err, 0, "container: its init wrote too much on the sync pipe");
		if (n > 0) {
			got += (size_t)n;
			continue;
		}
		/* End of file. */
		ct->t_exec = clock_now_ns();
		if (got != sizeof(rep))
			return bench_fail(err, 0, "container: its init died before reporting");
		if (rep.failed_step >= 0) {
			const char *step = rep.failed_step < STEP_COUNT ? step_names[rep.failed_step] : "?";
			return bench_fail(err, rep.errnum, "container: its init could not %s", step);
		}
		ct->t_child = rep.t_child;
		ct->t_joined = rep.t_joined;
		ct->t_rootfs = rep.t_rootfs;
		return 0;
	}
}

/* The child's stack.  CLONE_VFORK keeps the parent asleep until the child
 * has exec'd, so one stack serves every start of this process in turn. */
static char child_stack[256 * 1024] __attribute__((aligned(64)));

struct child_args {
	const struct container_spec *spec;
	int sync_fd;
	sigset_t mask;            /* the parent's, restored before exec */
	bool born_in_cgroup;      /* clone3 put it in its cgroup and namespace */
};

static int child_entry(void *arg)
{
	const struct child_args *a = arg;

	child_main(a->spec, a->sync_fd, &a->mask, a->born_in_cgroup);
}

/* False once this kernel has refused clone3 or CLONE_INTO_CGROUP: the
 * other starts of the run go the clone() way at once. */
static bool clone3_works = true;

/* Starts the child.  On cgroup v2, clone3 creates it inside its cgroup
 * (CLONE_INTO_CGROUP) and cgroup namespace: moving a task between cgroups
 * takes a lock whose first writer after a quiet spell waits for an RCU
 * grace period (milliseconds), and a child born in place moves nothing.
 * Elsewhere, and on kernels before 5.7, clone() and the child joins. */
static pid_t start_child(struct child_args *args, int *pidfd)
{
	/* CLONE_VM | CLONE_VFORK, as posix_spawn does: the child borrows the
	 * harness's memory until it execs instead of copying its page
	 * tables, which would cost more than all the namespaces but one. */
	const int flags = CONTAINER_NAMESPACES | CLONE_VM | CLONE_VFORK | CLONE_PIDFD;
	const struct cgroup *cg = args->spec->cgroup;

	if (cg->v2_dirfd >= 0 && clone3_works) {
		struct clone_args ca = {
			.flags = (uint64_t)flags | CLONE_INTO_CGROUP | CLONE_NEWCGROUP,
			.pidfd = (uint64_t)(uintptr_t)pidfd,
			.exit_signal = SIGCHLD,
			.stack = (uint64_t)(uintptr_t)child_stack,
			.stack_size = sizeof(child_stack),
			.cgroup = (uint64_t)cg->v2_dirfd,
		};
		pid_t pid;

		args->born_in_cgroup = true;
		pid = clone3_vm(&ca, child_entry, args);
		if (pid >= 0 || (errno != ENOSYS && errno != E2BIG && errno != EINVAL))
			return pid;
		clone3_works = false;
	}
	args->born_in_cgroup = false;
	return clone(child_entry, child_stack + sizeof(child_stack), flags | SIGCHLD, args, pidfd);
}

int container_start(struct container *ct, const struct container_spec *spec, uint64_t deadline_ns,
		    bench_error *err)
{
	struct child_args args = { .spec = spec };
	sigset_t all;
	int pidfd = -1, sync[2], e;
	pid_t pid;

	memset(ct, 0, sizeof(*ct));
	ct->init.pidfd = -1;
	if (pipe2(sync, O_CLOEXEC) != 0)
		return bench_fail(err, errno, "container: pipe");
	args.sync_fd = sync[1];
	/* No signal handler of the harness may run on the child's stack. */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &args.mask);
	ct->t_clone = clock_now_ns();
	pid = start_child(&args, &pidfd);
	e = errno;
	sigprocmask(SIG_SETMASK, &args.mask, NULL);
	close(sync[1]);
	if (pid < 0) {
		close(sync[0]);
		return bench_fail(err, e, "container: clone with new namespaces");
	}
	ct->init.pid = pid;
	ct->init.pidfd = pidfd;
	ct->born_in_cgroup = args.born_in_cgroup;
	if (wait_for_exec(ct, sync[0], deadline_ns, err) < 0) {
		close(sync[0]);
		container_kill(ct);
		return -1;
	}
	close(sync[0]);
	return 0;
}

void container_kill(struct container *ct)
{
	child_kill(&ct->init);
}
