#include "host_spawn.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../container/clone_vm.h"

extern char **environ;

struct spawn_args {
	const struct host_spawn_spec *spec;
	sigset_t mask;            /* the caller's, restored before exec */
	volatile int exec_errno;  /* written by the child: shared memory */
};

/* The child's stack.  CLONE_VFORK keeps the parent asleep until the child
 * has exec'd; launches come from one thread, so one stack serves them. */
static char spawn_stack[64 * 1024] __attribute__((aligned(64)));

/* Between clone and exec: raw system calls only, on spawn_stack, in the
 * harness's memory; every signal is blocked until the dispositions are
 * reset, so no handler of the harness runs here. */
static int spawn_child(void *arg)
{
	struct spawn_args *a = arg;
	const struct host_spawn_spec *spec = a->spec;
	struct sigaction dfl;

	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	/* A workload starts as from a shell: no ignored SIGPIPE, no
	 * handler (exec resets handlers, not SIG_IGN). */
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			sigaction(sig, &dfl, NULL);
	if (setpgid(0, 0) != 0)
		goto fail;
	if (dup2(spec->stdin_fd, 0) < 0 || dup2(spec->stdout_fd, 1) < 0)
		goto fail;
	sigprocmask(SIG_SETMASK, &a->mask, NULL);
	execve(spec->path, (char *const *)spec->argv, environ);
fail:
	a->exec_errno = errno;
	_exit(127);
}

static bool clone3_into_cgroup_works = true;

int host_spawn(const struct host_spawn_spec *spec, pid_t *pid, int *pidfd, bool *born_in_cgroup, bench_error *err)
{
	struct spawn_args a = { .spec = spec };
	sigset_t all;
	pid_t p = -1;
	int e;

	*pidfd = -1;
	*born_in_cgroup = false;
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &a.mask);
	if (spec->cgroup_dirfd >= 0 && clone3_into_cgroup_works) {
		struct clone_args ca = {
			.flags = CLONE_VM | CLONE_VFORK | CLONE_PIDFD | CLONE_INTO_CGROUP,
			.pidfd = (uint64_t)(uintptr_t)pidfd,
			.exit_signal = SIGCHLD,
			.stack = (uint64_t)(uintptr_t)spawn_stack,
			.stack_size = sizeof(spawn_stack),
			.cgroup = (uint64_t)spec->cgroup_dirfd,
		};

		p = clone3_vm(&ca, spawn_child, &a);
		*born_in_cgroup = p >= 0;
		if (p < 0 && (errno == ENOSYS || errno == E2BIG || errno == EINVAL))
			clone3_into_cgroup_works = false;
	}
	if (p < 0 && !(spec->cgroup_dirfd >= 0 && clone3_into_cgroup_works))
		p = clone(spawn_child, spawn_stack + sizeof(spawn_stack), CLONE_VM | CLONE_VFORK | CLONE_PIDFD | SIGCHLD,
			  &a, pidfd);
	e = errno;
	sigprocmask(SIG_SETMASK, &a.mask, NULL);
	if (p < 0)
		return bench_fail(err, e, "starting %s", spec->path);
	if (a.exec_errno != 0) {
		/* The child has exited: reap it. */
		while (waitpid(p, NULL, 0) < 0 && errno == EINTR)
			;
		if (*pidfd >= 0)
			close(*pidfd);
		*pidfd = -1;
		return bench_fail(err, a.exec_errno, "starting %s", spec->path);
	}
	*pid = p;
	return 0;
}
