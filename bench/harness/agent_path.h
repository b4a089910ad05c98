/* Where the agent binary is: $BENCH_AGENT, else beside the bench program
 * (bin/bench-agent in the source tree), else the installed
 * <prefix>/libexec/bench/bench-agent. */
#ifndef BENCH_AGENT_PATH_H
#define BENCH_AGENT_PATH_H

#include <stddef.h>

#include "../../lib/error.h"

/* Fills out (PATH_MAX bytes at least) with the first candidate that is
 * executable, as an absolute path; -1 with *err otherwise.  A BENCH_AGENT
 * that does not work is an error, not a reason to look elsewhere. */
int agent_locate(char *out, size_t outsz, bench_error *err); /* outsz >= PATH_MAX */

/* The folder of the running program (/proc/self/exe), for files installed
 * beside it. */
int exe_dir(char *out, size_t outsz);

#endif
