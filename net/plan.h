/* What bench's network for one instance looks like, before anything is
 * made: the mode, the link names (from the run id, at most 15 characters),
 * and a /30 of link-local addresses (the host side .1, the instance .2),
 * so that a benchmark and a runner can work it out alike from the same
 * settings and the instance's number. */
#ifndef BENCH_NET_PLAN_H
#define BENCH_NET_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "../lib/error.h"

enum net_mode {
	NET_NONE,       /* no link (the runner's default; a container's
			   loopback stays down) */
	NET_HOST,       /* the host's network namespace (hostNetwork: true) */
	NET_VETH,       /* a veth pair, routed */
	NET_BRIDGE,     /* a veth pair whose host end is under a bridge */
	NET_BRIDGE_NAT, /* that, plus a DNAT/MASQUERADE pair as Docker
			   publishes a port */
	NET_TAP,        /* a VM's tap (virtio-net) */
	NET_TAP_BRIDGE, /* that tap under a bridge */
	NET_NMODES,
};

/* "veth", "bridge", ...; the VM's bridge mode is "tap-bridge". */
const char *net_mode_name(enum net_mode m);
/* -1 when name is none of them. */
int net_mode_find(const char *name);

/* What a run asks for (run_config.net). */
struct net_config {
	enum net_mode mode;
	uint32_t base;        /* first /30, host order; 0 = chosen from the pid */
	uint16_t port;        /* bench's server on the host side */
	uint16_t nat_port;    /* the published port DNATed to port */
};

struct net_plan {
	enum net_mode mode;
	char alias[64];       /* every link's alias: bench-<run id>-<seq> */
	char host_if[16];     /* host end of the veth, or the tap */
	char inst_if[16];     /* the instance's end, in its namespace */
	char bridge[16];      /* "" when there is none */
	char nat_table[64];   /* "" when there is none */
	uint32_t host_addr, inst_addr; /* host order */
	unsigned prefix;      /* 30 */
	uint16_t server_port; /* where the instance connects (nat_port under NAT) */
};

/* The link-local /30 a run starts from when --net-base is not given:
 * spread by the pid so that concurrent runs do not meet. */
uint32_t net_default_base(int pid);
/* Parses "169.254.A.B" (a /30's first address inside 169.254.0.0/16,
 * not in 169.254.0.0/24 or 169.254.255.0/24). */
int net_base_parse(const char *s, uint32_t *base, bench_error *err);

/* The plan of instance seq of the run run_id; base 0 = net_default_base. */
int net_plan_make(const struct net_config *cfg, const char *run_id, unsigned seq, struct net_plan *p,
		  bench_error *err);

/* "169.254.1.2" */
void net_addr_str(uint32_t addr, char *out, unsigned len);

#endif
