/* An OCI runtime's CLI, run once (oci_cli_exec.h). */
#include "oci_cli_exec.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/process.h"

extern char **environ;

void oci_cmd_arg(struct oci_cmd *c, const char *arg)
{
	if (c->argc < OCI_CMD_ARGS_MAX) {
		c->argv[c->argc++] = arg;
		c->argv[c->argc] = NULL;
	}
}

/* In the child, which shares bench's memory until it execs (CLONE_VM |
 * CLONE_VFORK): system calls only, nothing written but its own stack (the
 * harness may have threads, and the parent's memory is not its own). */
static int child(void *arg)
{
	const struct oci_cmd *c = arg;
	sigset_t none;

	if (c->mntns_fd >= 0 && setns(c->mntns_fd, CLONE_NEWNS) != 0)
		_exit(126);
	if (dup2(c->stdin_fd, 0) < 0 || dup2(c->stdout_fd, 1) < 0 || dup2(c->stderr_fd, 2) < 0)
		_exit(126);
	/* Its own signal dispositions (no CLONE_SIGHAND): reset, not bench's. */
	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execve(c->argv[0], (char *const *)c->argv, environ);
	_exit(127);
}

/* The stack the child runs on until execve (it needs little: a few
 * system calls); one per spawn, as bench may spawn from threads. */
#define SPAWN_STACK (64 * 1024)

int oci_cmd_spawn(const struct oci_cmd *c, struct child *ch, bench_error *err)
{
	/* A runtime command is timed: no fork copying bench's page tables
	 * (CLONE_VM), and bench waits until the child has exec'd
	 * (CLONE_VFORK), so its stack is free again when clone returns;
	 * CLONE_PIDFD gives the pidfd without a pidfd_open of its own. */
	char *stack = malloc(SPAWN_STACK);
	int pidfd = -1, saved;
	pid_t pid;

	ch->pid = 0;
	ch->pidfd = -1;
	ch->pgid = 0;
	ch->status = 0;
	if (!stack)
		return bench_fail(err, errno, "malloc");
	pid = clone(child, stack + SPAWN_STACK, CLONE_VM | CLONE_VFORK | CLONE_PIDFD | SIGCHLD, (void *)c, &pidfd);
	saved = errno;
	free(stack);
	if (pid < 0)
		return bench_fail(err, saved, "clone");
	ch->pid = pid;
	ch->pidfd = pidfd;
	if (pidfd < 0) {
		child_kill(ch);
		return bench_fail(err, 0, "clone gave no pidfd (Linux 5.2 or later is needed)");
	}
	return 0;
}

int oci_cmd_run(const struct oci_cmd *c, uint64_t deadline_ns, int *status, bench_error *err)
{
	struct child ch = { .pidfd = -1 };

	if (oci_cmd_spawn(c, &ch, err) < 0)
		return -1;
	if (child_wait(&ch, deadline_ns, err) < 0) {
		child_kill(&ch);
		return bench_error_prefix(err, "%s %s", c->argv[0], c->argc > 1 ? c->argv[c->argc - 2] : "");
	}
	*status = ch.status;
	return 0;
}

int oci_private_mntns(const char *hide, bench_error *err)
{
	int sync[2], fd;
	char path[64], ok = 0;
	pid_t pid;

	if (pipe2(sync, O_CLOEXEC) != 0)
		return bench_fail(err, errno, "pipe");
	pid = fork();
	if (pid < 0) {
		close(sync[0]);
		close(sync[1]);
		return bench_fail(err, errno, "fork");
	}
	if (pid == 0) {
		/* System calls only: the harness may have threads.  It holds the
		 * namespace for bench alone, so it dies with bench, also when
		 * bench is SIGKILLed (else it would pause forever). */
		char one = 1;

		close(sync[0]);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() == 1)
			_exit(1);
		if (unshare(CLONE_NEWNS) == 0 && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0 &&
		    umount2(hide, MNT_DETACH) == 0 && write(sync[1], &one, 1) == 1)
			pause();
		_exit(1);
	}
	close(sync[1]);
	while (read(sync[0], &ok, 1) < 0 && errno == EINTR)
		;
	close(sync[0]);
	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)pid);
	fd = ok ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	if (fd < 0)
		bench_fail(err, ok ? errno : EPERM, "a private mount namespace without %s", hide);
	/* The fd keeps the namespace; the process is no longer needed. */
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return fd;
}

int oci_parse_pid(const char *text, size_t len, pid_t *pid, bench_error *err)
{
	long long v = 0;
	size_t i = 0;

	while (i < len && text[i] >= '0' && text[i] <= '9' && v <= INT_MAX)
		v = v * 10 + (text[i++] - '0');
	if (i < len && text[i] == '\n')
		i++;
	if (i == 0 || i != len || v < 1 || v > INT_MAX)
		return bench_fail(err, 0, "the runtime's pid file does not hold a pid");
	*pid = (pid_t)v;
	return 0;
}

void oci_last_line(const char *text, size_t len, char *out, size_t outsz)
{
	size_t end = len, start, n = 0;

	if (outsz == 0)
		return;
	out[0] = '\0';
	while (end > 0 && (text[end - 1] == '\n' || text[end - 1] == '\r' || text[end - 1] == ' '))
		end--;
	start = end;
	while (start > 0 && text[start - 1] != '\n')
		start--;
	for (size_t i = start; i < end && n + 1 < outsz; i++) {
		unsigned char ch = (unsigned char)text[i];

		out[n++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
	}
	out[n] = '\0';
}

ssize_t oci_read_tail(const char *path, char *buf, size_t maxlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	ssize_t n;
	off_t off;

	if (maxlen == 0 || fd < 0)
		return fd < 0 ? -1 : 0;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -1;
	}
	off = st.st_size > (off_t)(maxlen - 1) ? st.st_size - (off_t)(maxlen - 1) : 0;
	n = pread(fd, buf, maxlen - 1, off);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}
