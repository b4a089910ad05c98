#include "instance_link.h"

#include "../lib/clock.h"
#include "../net/instance.h"

int instance_link_up(struct instance_link *l, const struct run_config *cfg, struct instance *in, pid_t pid,
		     bench_error *err)
{
	const struct net_config *net = cfg->net;
	uint64_t t0 = clock_now_ns();

	if (!net || net->mode == NET_NONE || net->mode == NET_HOST)
		return 0;
	if (pid <= 0)
		return bench_fail(err, 0, "no process whose network namespace gets the link");
	if (net_plan_make(net, cfg->run_id, in->seq, &l->plan, err) < 0)
		return -1;
	/* net_instance_up removes what it made when it fails half-way. */
	if (net_instance_up(&l->plan, (int)pid, net->port, err) < 0)
		return -1;
	l->made = true;
	instance_add_measure(in, "network", clock_now_ns() - t0);
	return 0;
}

void instance_link_down(struct instance_link *l)
{
	if (!l->made)
		return;
	net_instance_down(&l->plan);
	l->made = false;
}
