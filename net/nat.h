/* The DNAT/MASQUERADE pair Docker installs when it publishes a container's
 * port, in an nftables table of bench's own named after the instance
 * ("bench-<run id>-<seq>"), through libnftables: removing the table removes
 * both rules, and `bench cleanup` finds tables of dead runs by their name. */
#ifndef BENCH_NET_NAT_H
#define BENCH_NET_NAT_H

#include <stdbool.h>

#include "../lib/error.h"
#include "plan.h"

int net_nat_add(const struct net_plan *p, uint16_t target_port, bench_error *err);
/* 0 also when the table is gone. */
int net_nat_remove(const char *table, bench_error *err);
/* Removes the tables of runs that are over (all: also of runs going);
 * returns how many, or -1. */
int net_nat_cleanup_stale(bool all, bench_error *err);
/* How many of bench's tables start with prefix ("bench-<pid>-"), or -1. */
int net_nat_count(const char *prefix, bench_error *err);

#endif
