/* Ctrl-C and SIGTERM during a run: the handler only sets a flag; every wait
 * in the harness checks it, fails with BENCH_EXIT_INTERRUPTED, and the
 * failure path tears down what it made and keeps the samples measured. */
#ifndef BENCH_INTERRUPT_H
#define BENCH_INTERRUPT_H

#include <signal.h>

#include "error.h"

extern volatile sig_atomic_t bench_interrupted;

/* SIGINT, SIGTERM, SIGHUP set the flag (no SA_RESTART: blocking calls
 * return EINTR); SIGPIPE is ignored. */
void interrupt_install(void);

/* -1 with "interrupted" in *err when the flag is set, else 0. */
int interrupt_check(bench_error *err);

#endif
