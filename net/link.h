/* Network links bench makes for an instance, through rtnetlink (libmnl):
 * veth pairs, bridges, taps; their addresses, their state and their alias.
 * Every link bench makes carries its object name ("bench-<run id>-<seq>")
 * as its alias (IFLA_IFALIAS), which is what `bench cleanup` reads: a link
 * without such an alias is never bench's. */
#ifndef BENCH_NET_LINK_H
#define BENCH_NET_LINK_H

#include <stdbool.h>
#include <stdint.h>

#include "../lib/error.h"

struct mnl_socket;

/* A netlink socket in the caller's network namespace, or in that of the
 * process pid (pid > 0: entered and left again by this thread only). */
struct mnl_socket *net_link_open(int pid, bench_error *err);
void net_link_close(struct mnl_socket *nl);

/* A veth pair: name here, peer named peer_name in the namespace of
 * peer_pid (0: here), both aliased alias. */
int net_link_veth(struct mnl_socket *nl, const char *name, const char *peer_name, int peer_pid, const char *alias,
		  bench_error *err);
int net_link_bridge(struct mnl_socket *nl, const char *name, const char *alias, bench_error *err);
/* A persistent tap (IFF_VNET_HDR, for vhost-net) that QEMU opens later. */
int net_link_tap(struct mnl_socket *nl, const char *name, const char *alias, bench_error *err);
/* Puts name under bridge. */
int net_link_master(struct mnl_socket *nl, const char *name, const char *bridge, bench_error *err);
/* Adds addr/prefix (IPv4, network order) to name and brings it up. */
int net_link_addr_up(struct mnl_socket *nl, const char *name, uint32_t addr, unsigned prefix, bench_error *err);
int net_link_up(struct mnl_socket *nl, const char *name, bench_error *err);
/* Removes name (its veth peer goes with it); 0 also when it is gone. */
int net_link_delete(struct mnl_socket *nl, const char *name, bench_error *err);
/* The MTU of name, 0 when it cannot be read. */
unsigned net_link_mtu(struct mnl_socket *nl, const char *name);

/* Calls fn for every link of this namespace whose alias starts with
 * prefix; fn may not use nl. */
int net_link_each_aliased(struct mnl_socket *nl, const char *prefix,
			  void (*fn)(void *ctx, const char *name, const char *alias), void *ctx, bench_error *err);

#endif
