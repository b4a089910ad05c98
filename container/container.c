#include "container.h"
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
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

/* What the child sends up the sync pipe.  One record per outcome:
 *   REPORT_STARTED  every step before exec went well (its timestamps), sent
 *                   just before execve;
 *   REPORT_FAILED   a step failed (its errno): the only record when a step
 *                   before exec failed, the second one when execve did.
 * The pipe is close-on-exec, so the parent reads records until end of file:
 * STARTED then EOF is an exec, STARTED then FAILED is a failed exec. */
enum report_kind { REPORT_STARTED = 1, REPORT_FAILED = 2 };

struct child_report {
	int32_t kind;          /* enum report_kind */
	int32_t failed_step;   /* REPORT_FAILED: enum child_step */
	int32_t errnum;        /* REPORT_FAILED: errno of that step */
	int32_t pad;
	uint64_t t_child, t_joined, t_rootfs;
};

enum child_step {
	STEP_PDEATHSIG, STEP_JOIN_CGROUP, STEP_CGROUP_NS, STEP_HOSTNAME, STEP_PROPAGATION,
	STEP_BIND_ROOT, STEP_READONLY_ROOT, STEP_CHDIR, STEP_PROC, STEP_DEV, STEP_DEV_NODES,
	STEP_PIVOT_ROOT, STEP_DETACH_OLD_ROOT, STEP_STDIO, STEP_EXEC, STEP_MASK, STEP_READONLY, STEP_CAPS,
	STEP_NNP, STEP_SECCOMP, STEP_BIND_DISK, STEP_COUNT
};

static const char *const step_names[STEP_COUNT] = {
	"set the parent-death signal", "join its cgroup", "make its cgroup namespace", "set its hostname",
	"make its mounts private", "bind its root file system", "make its root read-only",
	"enter its root", "mount /proc", "mount /dev", "make the device nodes in /dev", "pivot_root",
	"detach the old root", "set up stdin/stdout", "exec the workload", "mask /proc paths",
	"make /proc paths read-only", "drop capabilities", "set no_new_privs", "load its seccomp filter",
	"bind its disk folder",
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
	rep->errnum = errno;
	rep->kind = REPORT_FAILED;
	rep->failed_step = (int32_t)step;
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
	struct child_report rep = { .kind = REPORT_STARTED, .failed_step = -1 };

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
	/* A volume from the host: read-write, no devices, no set-uid. */
	if (spec->bind_dir && (mount(spec->bind_dir, ROOTFS_DISK_DIR + 1, NULL, MS_BIND, NULL) != 0 ||
			       mount(NULL, ROOTFS_DISK_DIR + 1, NULL, MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NODEV,
				     NULL) != 0))
		child_fail(sync_fd, &rep, STEP_BIND_DISK);
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
	 * harness's signal mask, not with everything blocked.  Handlers go
	 * back to the default before the unblocking, as posix_spawn does:
	 * a harness handler run here would run in the harness's memory
	 * (Ctrl-C's flag, say) for a signal sent to the container.  The
	 * harness handles standard signals only, and ignores SIGPIPE. */
	for (int sig = 1; sig < 32; sig++) {
		struct sigaction sa;

		if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler != SIG_DFL &&
		    (sa.sa_handler != SIG_IGN || sig == SIGPIPE))
			signal(sig, SIG_DFL);
	}
	sigprocmask(SIG_SETMASK, mask, NULL);
	execve(spec->argv[0], (char *const *)spec->argv, envp);
	child_fail(sync_fd, &rep, STEP_EXEC);
}

/* The parent's side of the sync pipe: records until end of file, or the
 * deadline (then the caller kills the child). */
static int wait_for_exec(struct container *ct, const struct container_spec *spec, int sync_fd,
			 uint64_t deadline_ns, bench_error *err)
{
	struct child_report rep[2];
	/* Room for one byte more than the two records a child may send, so
	 * that a third is seen for what it is. */
	char buf[sizeof(rep) + 1];
	size_t got = 0, nrec;

	for (;;) {
		struct pollfd p = { .fd = sync_fd, .events = POLLIN };
		uint64_t now = clock_now_ns();
		ssize_t n;

		if (interrupt_check(err) < 0)
			return -1;
		if (now >= deadline_ns)
			return bench_fail(err, 0, "container: its init did not exec in time");
		if (poll(&p, 1, (int)((deadline_ns - now + 999999) / 1000000)) <= 0)
			continue;
		n = read(sync_fd, buf + got, sizeof(buf) - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return bench_fail(err, errno, "container: reading the sync pipe");
		}
		if (n == 0)
			break;
		got += (size_t)n;
		if (got > sizeof(rep))
			return bench_fail(err, 0, "container: its init wrote too much on the sync pipe");
	}
	/* End of file: the child exec'd or exited. */
	ct->t_exec = clock_now_ns();
	if (got == 0 || got % sizeof(rep[0]) != 0)
		return bench_fail(err, 0, "container: its init died before reporting");
	nrec = got / sizeof(rep[0]);
	memcpy(rep, buf, got);
	if (rep[nrec - 1].kind == REPORT_FAILED && (nrec == 1 || rep[0].kind == REPORT_STARTED)) {
		int32_t step = rep[nrec - 1].failed_step;

		if (step == STEP_EXEC)
			return bench_fail(err, rep[nrec - 1].errnum, "container: exec of %s failed", spec->argv[0]);
		return bench_fail(err, rep[nrec - 1].errnum, "container: its init could not %s",
				  step >= 0 && step < STEP_COUNT ? step_names[step] : "?");
	}
	if (nrec != 1 || rep[0].kind != REPORT_STARTED)
		return bench_fail(err, 0, "container: its init sent a malformed report on the sync pipe");
	ct->t_child = rep[0].t_child;
	ct->t_joined = rep[0].t_joined;
	ct->t_rootfs = rep[0].t_rootfs;
	return 0;
}

/* The child's stack: one per thread, made on its first start and kept (the
 * child of a start is gone or exec'd before the next start of that thread
 * begins; see start_child for why it is not the parent's).  A page with no
 * access below it turns an overflow into a fault, not a corruption. */
#define CHILD_STACK_SIZE (256 * 1024)
#define CHILD_STACK_GUARD 4096
static _Thread_local char *child_stack;

static char *child_stack_get(void)
{
	char *p;

	if (child_stack)
		return child_stack;
	p = mmap(NULL, CHILD_STACK_GUARD + CHILD_STACK_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (mprotect(p, CHILD_STACK_GUARD, PROT_NONE) != 0) {
		munmap(p, CHILD_STACK_GUARD + CHILD_STACK_SIZE);
		return NULL;
	}
	child_stack = p + CHILD_STACK_GUARD;
	return child_stack;
}

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
static pid_t start_child(struct child_args *args, char *stack, int *pidfd)
{
	/* CLONE_VM, as posix_spawn does: the child borrows the harness's
	 * memory until it execs instead of copying its page tables, which
	 * would cost more than all the namespaces but one.
	 *
	 * But not CLONE_VFORK, which posix_spawn adds: with it the parent
	 * sleeps inside clone() (woken by nothing but a fatal signal) until
	 * the child execs or exits, so no deadline can fire while the child
	 * is stuck before exec, and a hung mount would hang bench.  A timer
	 * armed in the child cannot stand in: the child is PID 1 of its PID
	 * namespace, and the kernel drops every default-action signal sent
	 * to such an init from inside, a timer's included.  So clone returns
	 * at once, and the parent waits on the sync pipe with poll and the
	 * deadline (wait_for_exec), and kills the child when it passes.
	 *
	 * Without the vfork sleep, parent and child run side by side in one
	 * memory, which is safe because the child touches only:
	 *   - its own stack (child_stack_get), never the parent's frames,
	 *     and the spec and args, which the parent keeps until the child
	 *     has exec'd or been reaped;
	 *   - no signal handler of the harness: it starts with every signal
	 *     blocked and has a copy of the handlers, not a share (no
	 *     CLONE_SIGHAND), and unblocks only once the handlers reset;
	 *   - no allocator or stdio state (raw system calls only);
	 *   - libc's errno, which lives in the parent thread's TLS (no
	 *     CLONE_SETTLS): the child reads it right after a failed step and
	 *     the parent only when poll or read on the sync pipe fail, so at
	 *     worst a failure message could name the other side's errno.
	 * The start-up cost stays that of a vfork (see the figures in the
	 * commit that made this change). */
	const int flags = (CONTAINER_NAMESPACES & ~(args->spec->host_network ? CLONE_NEWNET : 0)) | CLONE_VM |
			  CLONE_PIDFD;
	const struct cgroup *cg = args->spec->cgroup;

	if (cg->v2_dirfd >= 0 && clone3_works) {
		struct clone_args ca = {
			.flags = (uint64_t)flags | CLONE_INTO_CGROUP | CLONE_NEWCGROUP,
			.pidfd = (uint64_t)(uintptr_t)pidfd,
			.exit_signal = SIGCHLD,
			.stack = (uint64_t)(uintptr_t)stack,
			.stack_size = CHILD_STACK_SIZE,
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
	return clone(child_entry, stack + CHILD_STACK_SIZE, flags | SIGCHLD, args, pidfd);
}

int container_start(struct container *ct, const struct container_spec *spec, uint64_t deadline_ns,
		    bench_error *err)
{
	struct child_args args = { .spec = spec };
	sigset_t all;
	int pidfd = -1, sync[2], e;
	char *stack;
	pid_t pid;

	memset(ct, 0, sizeof(*ct));
	ct->init.pidfd = -1;
	stack = child_stack_get();
	if (!stack)
		return bench_fail(err, errno, "container: mmap of the child's stack");
	if (pipe2(sync, O_CLOEXEC) != 0)
		return bench_fail(err, errno, "container: pipe");
	args.sync_fd = sync[1];
	/* The child starts with every signal blocked: no handler of the
	 * harness may run in it. */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &args.mask);
	ct->t_clone = clock_now_ns();
	pid = start_child(&args, stack, &pidfd);
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
	if (wait_for_exec(ct, spec, sync[0], deadline_ns, err) < 0) {
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
