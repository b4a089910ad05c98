/* What every `bench run <benchmark>` does around its measuring: find the
 * agent, name the run, collect the machine's metadata, handle Ctrl-C; then
 * print each failure once, keep what was measured, and turn the first
 * failure into the exit code. */
#ifndef BENCH_SESSION_H
#define BENCH_SESSION_H

#include <limits.h>

#include "../../lib/error.h"
#include "results.h"

struct session {
	char agent[PATH_MAX];   /* the agent binary every runner starts */
	char run_id[64];        /* names the run's cgroups, domains, folders */
	struct results res;     /* what the run measures */
	int exit_code;          /* of the first failure; 0 while none */
};

struct benchmark;

/* After the options are parsed.  Prints a failure and returns its exit
 * code; 0 when the session is ready (session_finish must follow). */
int session_begin(struct session *s, const struct benchmark *b, int full_argc, char **full_argv);

/* Takes the result of a step: when rc < 0, prints *err and, if it is the
 * first failure, keeps its exit code.  Returns rc. */
int session_check(struct session *s, int rc, const bench_error *err);

/* Frees the results; the exit code of the whole run. */
int session_finish(struct session *s);

#endif
