#include "interrupt.h"

#include <string.h>

volatile sig_atomic_t bench_interrupted;

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
	if (!bench_interrupted)
		return 0;
	bench_fail(err, 0, "interrupted by signal %d", (int)bench_interrupted);
	err->exit_code = BENCH_EXIT_INTERRUPTED;
	return -1;
}
