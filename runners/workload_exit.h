/* Whether the way a workload ended fails its instance: a workload that
 * crashes, or quits while it still had work to do, must not give samples. */
#ifndef BENCH_WORKLOAD_EXIT_H
#define BENCH_WORKLOAD_EXIT_H

#include <stdbool.h>

#include "../lib/error.h"

struct cgroup;
struct child;
struct instance;

struct workload_end {
	int status;          /* its wait status */
	bool asked_to_stop;  /* it still ran when it was told to stop */
	int stop_signal;     /* the signal it was told with; 0 for none */
	bool task_over;      /* its task ends by itself (task_ends_by_itself),
				or it has said DONE */
};

/* 0 when the end is a clean one: exit 0, or death by the stop signal it
 * was sent, and exit 0 unasked only once its task is over.  Otherwise -1
 * with *err naming the signal or status ("workload killed by signal 11
 * (Segmentation fault)"). */
int workload_end_check(const struct workload_end *e, bench_error *err);

/* Ends a workload whose first process the runner holds (first), the same
 * way in every such runner: tells it to stop (SIGTERM through its pidfd;
 * the agent handles it, also as PID 1 of a namespace) unless its task ends
 * by itself or it has gone already; waits for it within timeout_ms; removes
 * its cgroup (cg may be NULL) with whatever is left in it; stamps
 * in->t_gone_ns; then judges how it ended (workload_end_check).  saw_done:
 * the workload said DONE, so its task is over. */
int workload_stop(struct instance *in, struct child *first, struct cgroup *cg, bool saw_done, int timeout_ms,
		  bench_error *err);

#endif
