/* An instance's network per mode (net/plan.h), made and removed whole. */
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <string.h>

#include "../lib/run_id.h"
#include "instance.h"
#include "link.h"
#include "nat.h"

static int inside(const struct net_plan *p, int pid, bench_error *err)
{
	struct mnl_socket *nl = net_link_open(pid, err);
	int rc;

	if (!nl)
		return -1;
	/* The instance's own loopback, then its end of the link. */
	rc = net_link_up(nl, "lo", err);
	if (rc == 0)
		rc = net_link_addr_up(nl, p->inst_if, htonl(p->inst_addr), p->prefix, err);
	net_link_close(nl);
	return rc;
}

/* What make() made, so that a failure removes that and nothing else (a
 * link of the same name that was there before is not ours). */
struct made {
	bool host_if, bridge;
};

static int make(struct mnl_socket *nl, const struct net_plan *p, int pid, uint16_t target_port, struct made *m,
		bench_error *err)
{
	const char *addressed = p->bridge[0] ? p->bridge : p->host_if;

	if (p->mode == NET_TAP || p->mode == NET_TAP_BRIDGE) {
		if (net_link_tap(nl, p->host_if, p->alias, err) < 0)
			return -1;
	} else if (net_link_veth(nl, p->host_if, p->inst_if, pid, p->alias, err) < 0) {
		return -1;
	}
	m->host_if = true;
	if (p->bridge[0]) {
		if (net_link_bridge(nl, p->bridge, p->alias, err) < 0)
			return -1;
		m->bridge = true;
		if (net_link_master(nl, p->host_if, p->bridge, err) < 0 || net_link_up(nl, p->host_if, err) < 0)
			return -1;
	}
	if (net_link_addr_up(nl, addressed, htonl(p->host_addr), p->prefix, err) < 0)
		return -1;
	if (pid > 0 && inside(p, pid, err) < 0)
		return -1;
	/* net_nat_add removes its table itself when it fails. */
	if (p->nat_table[0] && net_nat_add(p, target_port, err) < 0)
		return -1;
	return 0;
}

int net_instance_up(const struct net_plan *p, int pid, uint16_t target_port, bench_error *err)
{
	struct mnl_socket *nl;
	struct made m = { false, false };
	int rc;

	if (p->mode == NET_NONE || p->mode == NET_HOST)
		return 0;
	nl = net_link_open(0, err);
	if (!nl)
		return bench_error_prefix(err, "network");
	rc = make(nl, p, pid, target_port, &m, err);
	if (rc < 0) {
		bench_error ignored;

		if (m.host_if)
			net_link_delete(nl, p->host_if, &ignored);
		if (m.bridge)
			net_link_delete(nl, p->bridge, &ignored);
	}
	net_link_close(nl);
	if (rc < 0)
		return bench_error_prefix(err, "network (%s)", net_mode_name(p->mode));
	return 0;
}

void net_instance_down(const struct net_plan *p)
{
	bench_error ignored;
	struct mnl_socket *nl;

	if (p->mode == NET_NONE || p->mode == NET_HOST)
		return;
	if (p->nat_table[0])
		net_nat_remove(p->nat_table, &ignored);
	nl = net_link_open(0, &ignored);
	if (!nl)
		return;
	net_link_delete(nl, p->host_if, &ignored);
	if (p->bridge[0])
		net_link_delete(nl, p->bridge, &ignored);
	net_link_close(nl);
}

unsigned net_instance_mtu(const struct net_plan *p)
{
	bench_error ignored;
	struct mnl_socket *nl;
	unsigned mtu;

	if (p->mode == NET_NONE || p->mode == NET_HOST)
		return 0;
	nl = net_link_open(0, &ignored);
	if (!nl)
		return 0;
	mtu = net_link_mtu(nl, p->host_if);
	net_link_close(nl);
	return mtu;
}

struct stale {
	struct mnl_socket *nl;
	bool all;
	unsigned n;
};

static void remove_stale(void *ctx, const char *name, const char *alias)
{
	struct stale *s = ctx;
	bench_error ignored;

	if (run_id_owner(alias + strlen(RUN_ID_PREFIX)) == RUN_OWNER_UNKNOWN)
		return;
	if (!s->all && run_id_owner_alive(alias))
		return;
	if (net_link_delete(s->nl, name, &ignored) == 0)
		s->n++;
}

int net_cleanup_stale(bool all, unsigned *links, unsigned *tables, bench_error *err)
{
	struct stale s = { .all = all };
	int n;

	*links = *tables = 0;
	s.nl = net_link_open(0, err);
	if (!s.nl)
		return bench_error_prefix(err, "network cleanup");
	n = net_link_each_aliased(s.nl, RUN_ID_PREFIX, remove_stale, &s, err);
	net_link_close(s.nl);
	*links = s.n;
	if (n < 0)
		return bench_error_prefix(err, "network cleanup");
	n = net_nat_cleanup_stale(all, err);
	if (n < 0)
		return bench_error_prefix(err, "network cleanup");
	*tables = (unsigned)n;
	return 0;
}
