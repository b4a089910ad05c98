#include "process.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
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
}

int child_wait(struct child *c, uint64_t deadline_ns, bench_error *err)
{
	while (c->pid > 0) {
		struct pollfd p = { .fd = c->pidfd, .events = POLLIN };
		uint64_t now = clock_now_ns();
		pid_t r;

		r = waitpid(c->pid, &c->status, WNOHANG);
		if (r == c->pid || (r < 0 && errno == ECHILD)) {
			child_forget(c);
			return 0;
		}
		if (interrupt_check(err) < 0)
			return -1;
		if (now >= deadline_ns)
			return bench_fail(err, 0, "process %d did not exit in time", (int)c->pid);
		/* The pidfd becomes readable when the process exits. */
		if (poll(&p, 1, (int)((deadline_ns - now + 999999) / 1000000)) < 0 && errno != EINTR)
			return bench_fail(err, errno, "poll on pidfd");
	}
	return 0;
}

void child_kill(struct child *c)
{
	if (c->pid <= 0) {
		child_forget(c);
		return;
	}
	if (c->pidfd >= 0)
		syscall(SYS_pidfd_send_signal, c->pidfd, SIGKILL, NULL, 0);
	else
		kill(c->pid, SIGKILL);
	while (waitpid(c->pid, &c->status, 0) < 0 && errno == EINTR)
		;
	child_forget(c);
}
