#include "process.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "interrupt.h"

int child_track(struct child *c, pid_t pid, bench_error *err)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);

	c->pid = pid;
	c->status = 0;
	c->pidfd = fd;
	c->pgid = 0;
	if (fd < 0)
		return bench_fail(err, errno, "pidfd_open (Linux 5.3 or later is needed)");
	return 0;
}

static void child_forget(struct child *c)
{
	if (c->pidfd >= 0)
		close(c->pidfd);
	c->pidfd = -1;
	c->pid = 0;
	c->pgid = 0;
}

/* Reaps the child if it has exited, after killing its process group:
 * while the child is a zombie its pid, and so the group's id, is still
 * taken.  Returns true when reaped. */
static bool child_reap(struct child *c)
{
	siginfo_t si;

	si.si_pid = 0;
	if (waitid(P_PID, (id_t)c->pid, &si, WEXITED | WNOHANG | WNOWAIT) != 0) {
		if (errno != ECHILD)
			return false;
		child_forget(c);
		return true;
	}
	if (si.si_pid == 0)
		return false;
	if (c->pgid > 0)
		kill(-c->pgid, SIGKILL);
	while (waitpid(c->pid, &c->status, 0) < 0 && errno == EINTR)
		;
	child_forget(c);
	return true;
}

int child_wait(struct child *c, uint64_t deadline_ns, bench_error *err)
{
	while (c->pid > 0) {
		struct pollfd p = { .fd = c->pidfd, .events = POLLIN };

		if (child_reap(c))
			return 0;
		if (clock_now_ns() >= deadline_ns)
			return bench_fail(err, 0, "process %d did not exit in time", (int)c->pid);
		/* The pidfd becomes readable when the process exits. */
		if (interrupt_poll(&p, c->pidfd >= 0 ? 1 : 0, deadline_ns, err) < 0)
			return -1;
	}
	return 0;
}

void child_kill(struct child *c)
{
	if (c->pid <= 0) {
		child_forget(c);
		return;
	}
	if (c->pgid > 0)
		kill(-c->pgid, SIGKILL);
	if (c->pidfd >= 0)
		syscall(SYS_pidfd_send_signal, c->pidfd, SIGKILL, NULL, 0);
	else
		kill(c->pid, SIGKILL);
	while (waitpid(c->pid, &c->status, 0) < 0 && errno == EINTR)
		;
	child_forget(c);
}

bool child_has_exited(const struct child *c)
{
	siginfo_t si;

	if (c->pid <= 0)
		return true;
	si.si_pid = 0;
	if (waitid(P_PID, (id_t)c->pid, &si, WEXITED | WNOHANG | WNOWAIT) != 0)
		return errno == ECHILD;
	return si.si_pid != 0;
}

void child_status_describe(int status, char *buf, size_t len)
{
	if (WIFSIGNALED(status)) {
		const char *name = strsignal(WTERMSIG(status));

		snprintf(buf, len, "killed by signal %d (%s)%s", WTERMSIG(status), name ? name : "unknown",
			 WCOREDUMP(status) ? ", core dumped" : "");
	} else if (WIFEXITED(status)) {
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
	} else {
		snprintf(buf, len, "ended with wait status %#x", (unsigned)status);
	}
}
