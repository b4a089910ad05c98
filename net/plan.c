/* Names and addresses of an instance's network, worked out from settings
 * alone (no system call). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/run_id.h"
#include "plan.h"

#define LL_NET 0xA9FE0000u /* 169.254.0.0 */
#define LL_FIRST (LL_NET | 0x0100u)
#define LL_END (LL_NET | 0xFF00u) /* 169.254.255.0: reserved, never used */
#define LL_SLOTS ((LL_END - LL_FIRST) / 4u)

static const char *const mode_names[NET_NMODES] = { "none", "host", "veth", "bridge", "bridge-nat", "tap",
						    "tap-bridge" };

const char *net_mode_name(enum net_mode m)
{
	return (unsigned)m < NET_NMODES ? mode_names[m] : "?";
}

int net_mode_find(const char *name)
{
	for (int i = 0; i < NET_NMODES; i++)
		if (strcmp(mode_names[i], name) == 0)
			return i;
	return -1;
}

uint32_t net_default_base(int pid)
{
	/* 64 /30s a run (instances beyond wrap around): one pid's block. */
	return LL_FIRST + ((unsigned)pid % (LL_SLOTS / 64u)) * 64u * 4u;
}

int net_base_parse(const char *s, uint32_t *base, bench_error *err)
{
	struct in_addr a;
	uint32_t v;

	if (inet_pton(AF_INET, s, &a) != 1)
		return bench_fail_usage(err, "--net-base: '%.40s' is not an IPv4 address", s);
	v = ntohl(a.s_addr);
	if ((v & 0xFFFF0000u) != LL_NET || v < LL_FIRST || v >= LL_END || (v & 3u))
		return bench_fail_usage(err, "--net-base: '%.40s' is not the first address of a /30 in "
					     "169.254.1.0 - 169.254.254.255", s);
	*base = v;
	return 0;
}

/* The kernel's largest pid (PID_MAX_LIMIT): 7 digits. */
#define PID_MAX 4194304

static void link_name(char out[16], int pid, unsigned seq, char role)
{
	char name[32];

	snprintf(name, sizeof(name), "b%d-%u%c", pid, seq, role);
	memcpy(out, name, 16);
	out[15] = '\0';
}

int net_plan_make(const struct net_config *cfg, const char *run_id, unsigned seq, struct net_plan *p,
		  bench_error *err)
{
	uint32_t base = cfg->base ? cfg->base : net_default_base(atoi(run_id));
	uint32_t slot = ((base - LL_FIRST) / 4u + seq) % LL_SLOTS;
	int pid = atoi(run_id);

	memset(p, 0, sizeof(*p));
	p->mode = cfg->mode;
	if (pid <= 0 || pid > PID_MAX || seq > 0xFFFF)
		return bench_fail(err, 0, "network: run id '%.40s' or instance %u cannot name a link", run_id, seq);
	run_id_object_name(run_id, seq, p->alias, sizeof(p->alias));
	/* b<pid>-<seq><role>: at most 1 + 7 + 1 + 5 + 1 = 15 characters. */
	link_name(p->host_if, pid, seq, cfg->mode == NET_TAP || cfg->mode == NET_TAP_BRIDGE ? 't' : 'h');
	snprintf(p->inst_if, sizeof(p->inst_if), "eth0");
	if (cfg->mode == NET_BRIDGE || cfg->mode == NET_BRIDGE_NAT || cfg->mode == NET_TAP_BRIDGE)
		link_name(p->bridge, pid, seq, 'b');
	if (cfg->mode == NET_BRIDGE_NAT)
		snprintf(p->nat_table, sizeof(p->nat_table), "%s", p->alias);
	p->prefix = 30;
	p->host_addr = LL_FIRST + slot * 4u + 1u;
	p->inst_addr = p->host_addr + 1u;
	p->server_port = cfg->mode == NET_BRIDGE_NAT ? cfg->nat_port : cfg->port;
	if (cfg->mode == NET_HOST || cfg->mode == NET_NONE)
		p->host_addr = p->inst_addr = 0x7F000001u; /* the one loopback */
	return 0;
}

void net_addr_str(uint32_t addr, char *out, unsigned len)
{
	snprintf(out, len, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 255u, (addr >> 8) & 255u, addr & 255u);
}
