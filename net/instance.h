/* An instance's network as a whole, per mode: made at launch (the
 * container's end straight into its namespace, addressed there from the
 * host, as a CNI plugin does), removed at destroy, and found again by
 * `bench cleanup` after a run that died.  Whatever fails half-way is
 * removed before the failure is returned. */
#ifndef BENCH_NET_INSTANCE_H
#define BENCH_NET_INSTANCE_H

#include <stdbool.h>

#include "../lib/error.h"
#include "plan.h"

/* Makes p's links (pid: the process whose network namespace gets the
 * instance's end; 0 for a tap) and NAT rules.  target_port: where a
 * published port leads. */
int net_instance_up(const struct net_plan *p, int pid, uint16_t target_port, bench_error *err);
/* Removes them; idempotent. */
void net_instance_down(const struct net_plan *p);
/* The MTU of the host's end, 0 when it has none. */
unsigned net_instance_mtu(const struct net_plan *p);

/* Links and NAT tables of runs that are over (all: also of runs going);
 * the counts of what was removed. */
int net_cleanup_stale(bool all, unsigned *links, unsigned *tables, bench_error *err);

#endif
