#include "interrupt.h"

#include <errno.h>
#include <string.h>

#include "clock.h"

volatile sig_atomic_t bench_interrupted;

/* Per thread: destroy() runs on several threads at once (density's storms),
 * and only the thread tearing down may look past the flag. */
static _Thread_local int teardown_depth;

void interrupt_teardown_begin(void)
{
	teardown_depth++;
}

void interrupt_teardown_end(void)
{
	if (teardown_depth > 0)
		teardown_depth--;
}

static void on_signal(int sig)
{
	bench_interrupted = sig;
}

void interrupt_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

int interrupt_check(bench_error *err)
{
	if (!bench_interrupted || teardown_depth > 0)
		return 0;
	bench_fail(err, 0, "interrupted by signal %d", (int)bench_interrupted);
	err->exit_code = BENCH_EXIT_INTERRUPTED;
	return -1;
}

int interrupt_poll(struct pollfd *fds, nfds_t nfds, uint64_t deadline_ns, bench_error *err)
{
	sigset_t stop, outside, inside;
	struct timespec ts;
	uint64_t now, left;
	int r, e;

	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &stop, &outside);
	if (interrupt_check(err) < 0) {
		pthread_sigmask(SIG_SETMASK, &outside, NULL);
		return -1;
	}
	now = clock_now_ns();
	if (now >= deadline_ns) {
		pthread_sigmask(SIG_SETMASK, &outside, NULL);
		return 0;
	}
	left = deadline_ns - now;
	ts.tv_sec = (time_t)(left / 1000000000u);
	ts.tv_nsec = (long)(left % 1000000000u);
	inside = outside;
	sigdelset(&inside, SIGINT);
	sigdelset(&inside, SIGTERM);
	sigdelset(&inside, SIGHUP);
	r = ppoll(fds, nfds, &ts, &inside);
	e = errno;
	pthread_sigmask(SIG_SETMASK, &outside, NULL);
	if (interrupt_check(err) < 0)
		return -1;
	if (r < 0 && e != EINTR)
		return bench_fail(err, e, "ppoll");
	return r < 0 ? 0 : r;
}
