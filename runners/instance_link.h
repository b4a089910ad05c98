/* An instance's link (run_config.net) for the runners whose workload is a
 * host process in a network namespace of its own: bench's container, the
 * OCI runtimes' and containerd's.  Made from the host into the namespace
 * of the workload's first process once it exists, as a CNI plugin does
 * after the runtime made the namespace; the agent waits for its address. */
#ifndef BENCH_RUNNERS_INSTANCE_LINK_H
#define BENCH_RUNNERS_INSTANCE_LINK_H

#include <stdbool.h>
#include <sys/types.h>

#include "../net/plan.h"
#include "runner.h"

struct instance_link {
	struct net_plan plan;
	bool made;
};

/* Makes the link of instance in into pid's network namespace, where the
 * run asks for one (not NET_NONE, not NET_HOST: nothing to make), timed
 * as the instance's "network" measure. */
int instance_link_up(struct instance_link *l, const struct run_config *cfg, struct instance *in, pid_t pid,
		     bench_error *err);
/* Removes it, where it was made; idempotent. */
void instance_link_down(struct instance_link *l);

#endif
