/* Ctrl-C and SIGTERM during a run: the handler only sets a flag; every wait
 * in the harness checks it, fails with BENCH_EXIT_INTERRUPTED, and the
 * failure path tears down what it made and keeps the samples measured. */
#ifndef BENCH_INTERRUPT_H
#define BENCH_INTERRUPT_H

#include <poll.h>
#include <signal.h>
#include <stdint.h>

#include "error.h"

extern volatile sig_atomic_t bench_interrupted;

/* SIGINT, SIGTERM, SIGHUP set the flag (no SA_RESTART: blocking calls
 * return EINTR); SIGPIPE is ignored. */
void interrupt_install(void);

/* Between these two calls, on this thread, the flag is not seen: a
 * teardown (a runtime's "delete", a ctr call) that a Ctrl-C cut short would
 * leave its container behind, so it runs to its own deadline instead.
 * They nest. */
void interrupt_teardown_begin(void);
void interrupt_teardown_end(void);

/* -1 with "interrupted" in *err when the flag is set (outside a teardown),
 * else 0. */
int interrupt_check(bench_error *err);

/* poll(2) until deadline_ns (clock_now_ns() scale) that a Ctrl-C cannot
 * slip past: SIGINT, SIGTERM and SIGHUP are blocked while the flag is
 * checked and let in only inside ppoll(2), so a signal that comes between
 * the check and the wait ends the wait at once instead of after the whole
 * timeout.  Returns >0 when fds are ready, 0 when none is (the deadline
 * passed, or another signal came: the caller checks its deadline), -1
 * with *err when interrupted (BENCH_EXIT_INTERRUPTED) or on an error. */
int interrupt_poll(struct pollfd *fds, nfds_t nfds, uint64_t deadline_ns, bench_error *err);

#endif
