/* What the agent's tasks share: key=value arguments, the clock, pinning,
 * and noticing that the harness wants them to stop (SIGTERM, or a STOP
 * line on the task's input: a VM's console). */
#ifndef BENCH_AGENT_UTIL_H
#define BENCH_AGENT_UTIL_H

#include <stdbool.h>
#include <time.h>

#include "tasks.h"

/* The value of "key=value" among the task's arguments, or NULL. */
const char *util_arg(const struct task_ctx *ctx, const char *key);

/* util_arg as a number within [lo, hi]; def when missing or out of range. */
long util_arg_long(const struct task_ctx *ctx, const char *key, long lo, long hi, long def);

/* clock id in nanoseconds; 0 where the clock cannot be read. */
unsigned long long util_clock_ns(clockid_t id);

/* CLOCK_MONOTONIC in nanoseconds. */
unsigned long long util_now_ns(void);


/* Installs the SIGTERM/SIGINT handler that util_stop_requested sees. */
void util_stop_install(void);

/* True once SIGTERM came or a STOP line was read from ctx->in (cheap: a
 * non-blocking poll). */
bool util_stop_requested(struct task_ctx *ctx);

/* True once SIGTERM or SIGINT came (any thread may ask). */
bool util_stop_signalled(void);

/* Sleeps until util_stop_requested would say true; what stopped it:
 * "SIGTERM", "SIGINT" or "stop-line". */
const char *util_stop_wait(struct task_ctx *ctx);
/* ... or "restored" when the harness said its VM was restored
 * (BENCH_PROTO_RESTORED_LINE), which does not stop it. */

/* Pins the process to one CPU (the host runner's neighbours share it). */
void util_pin(long cpu);

void util_sleep_ms(long ms);

#endif
