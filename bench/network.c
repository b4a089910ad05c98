/* bench run network: TCP request/response and stream figures between a
 * server in bench on the host side and the agent as client, over the link
 * each runner gives its instance, in each of the runner's network modes
 * (runner_ops.net_modes), and over the instance's own loopback as the
 * baseline of its kernel's stack.  A runner without RUNNER_CAP_NETWORK
 * that has no network namespace or kernel of its own (the host) is
 * measured over the host's loopback: that is the baseline of every ratio. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/benchmark.h"
#include "harness/run_output.h"
#include "harness/schedule.h"
#include "harness/session.h"
#include "harness/suite.h"
#include "../lib/net_wire.h"
#include "../net/instance.h"
#include "network.h"

#define NETWORK_DEFAULT_RUNS 1
#define NETWORK_DEFAULT_RR 2000
#define NETWORK_DEFAULT_BATCHES 5
#define NETWORK_DEFAULT_STREAM_MS 200

struct network_bench {
	bool wanted[NET_NMODES];
	bool modes_given;
	uint32_t base;
	unsigned rr, batches, stream_ms;
	unsigned patterns; /* a mask of enum net_wire_pattern */
	int timeout_ms;
	/* Per schedule. */
	struct net_config net;
	const char *run_id;
	bool layout_recorded;
	char arg_server[48], arg_port[24], arg_rr[24], arg_batches[24], arg_stream[24], arg_lo[24];
	char arg_patterns[48];
};

/* ---- options ------------------------------------------------------------ */

static int set_modes(void *ctx, const char *value, bench_error *err)
{
	struct network_bench *b = ctx;
	char buf[160], *save = NULL;

	if (strlen(value) >= sizeof(buf))
		return bench_fail_usage(err, "--modes: the list is too long");
	memcpy(buf, value, strlen(value) + 1);
	memset(b->wanted, 0, sizeof(b->wanted));
	b->modes_given = true;
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int m = net_mode_find(tok);

		if (m <= NET_NONE)
			return bench_fail_usage(err, "--modes: unknown mode '%.32s' (known: host, veth, bridge, "
						     "bridge-nat, tap, tap-bridge)", tok);
		b->wanted[m] = true;
	}
	return 0;
}

static int set_base(void *ctx, const char *value, bench_error *err)
{
	return net_base_parse(value, &((struct network_bench *)ctx)->base, err);
}

static int parse_count(const char *opt, const char *value, unsigned max, unsigned *out, bench_error *err)
{
	char *end;
	unsigned long v;

	if (*value < '0' || *value > '9')
		return bench_fail_usage(err, "%s: '%.32s' is not a whole number", opt, value);
	v = strtoul(value, &end, 10);
	if (*end || v == 0 || v > max)
		return bench_fail_usage(err, "%s: '%.32s' is not a number from 1 to %u", opt, value, max);
	*out = (unsigned)v;
	return 0;
}

static int set_rr(void *ctx, const char *value, bench_error *err)
{
	return parse_count("--rr", value, 1000000, &((struct network_bench *)ctx)->rr, err);
}

static int set_batches(void *ctx, const char *value, bench_error *err)
{
	return parse_count("--batches", value, 1000, &((struct network_bench *)ctx)->batches, err);
}

static int set_stream_ms(void *ctx, const char *value, bench_error *err)
{
	return parse_count("--stream-ms", value, 10000, &((struct network_bench *)ctx)->stream_ms, err);
}

static int set_patterns(void *ctx, const char *value, bench_error *err)
{
	if (net_wire_patterns_parse(value, &((struct network_bench *)ctx)->patterns) < 0)
		return bench_fail_usage(err, "--patterns: '%.64s' is not a list of rr1, rr200, up, down", value);
	return 0;
}

static const struct bench_option network_options[] = {
	{ "modes", "LIST", "network modes to measure where a runner offers them (default: all): host, veth, "
			   "bridge, bridge-nat, tap, tap-bridge", set_modes },
	{ "net-base", "ADDR", "first /30 of the instances' link-local addresses (default: 169.254.x.y from "
			      "bench's pid)", set_base },
	{ "rr", "N", "request/response transactions per batch (default 2000)", set_rr },
	{ "batches", "N", "measured batches or stream intervals per pattern (default 5)", set_batches },
	{ "stream-ms", "N", "length of one stream interval in ms (default 200)", set_stream_ms },
	{ "patterns", "LIST", "patterns to measure (default: all): rr1, rr200 (request/response), up, down "
			      "(streams)", set_patterns },
	{ NULL, NULL, NULL, NULL },
};

/* ---- one instance ------------------------------------------------------- */

static const char *layout_words(enum net_mode m)
{
	switch (m) {
	case NET_HOST:
		return "the host's network namespace, over its loopback (no link)";
	case NET_VETH:
		return "veth pair, host end addressed, routed /30 (no bridge, no NAT)";
	case NET_BRIDGE:
		return "veth pair under a Linux bridge bench made, the /30 on the bridge";
	case NET_BRIDGE_NAT:
		return "veth pair under a Linux bridge, nftables DNAT of a published port and MASQUERADE";
	case NET_TAP:
		return "tap with virtio-net, host end addressed, routed /30";
	case NET_TAP_BRIDGE:
		return "tap under a Linux bridge bench made";
	default:
		return "none";
	}
}

static void record_layout(struct network_bench *b, struct runner *r, const struct net_plan *p, unsigned inst_mtu,
			  struct results *res)
{
	json_t *all = json_object_get(res->meta, "network"), *one = json_object();
	char host[16], inst[16];

	if (!json_is_array(all)) {
		all = json_array();
		json_object_set_new(res->meta, "network", all);
	}
	net_addr_str(p->host_addr, host, sizeof(host));
	net_addr_str(p->inst_addr, inst, sizeof(inst));
	json_object_set_new(one, "runner", json_string(r->ops->name));
	json_object_set_new(one, "mode", json_string(net_mode_name(p->mode)));
	json_object_set_new(one, "layout", json_string(layout_words(p->mode)));
	json_object_set_new(one, "host_addr", json_string(host));
	json_object_set_new(one, "instance_addr", json_string(inst));
	json_object_set_new(one, "prefix", json_integer(p->mode == NET_HOST ? 8 : p->prefix));
	if (p->mode != NET_HOST) {
		json_object_set_new(one, "host_link", json_string(p->host_if));
		json_object_set_new(one, "host_mtu", json_integer(net_instance_mtu(p)));
	}
	json_object_set_new(one, "instance_mtu", json_integer(inst_mtu));
	if (p->bridge[0])
		json_object_set_new(one, "bridge", json_string(p->bridge));
	if (p->nat_table[0]) {
		json_object_set_new(one, "nat_table", json_string(p->nat_table));
		json_object_set_new(one, "published_port", json_integer(b->net.nat_port));
	}
	json_object_set_new(one, "server_port", json_integer(b->net.port));
	json_array_append_new(all, one);
	b->layout_recorded = true;
}

static int collect_network(void *ctx, struct runner *r, struct instance *in, bool measured, struct results *res,
			   bench_error *err)
{
	struct network_bench *b = ctx;
	struct network_server srv;
	struct net_plan plan;
	struct results scratch;
	unsigned mtu = 0;
	int rc = 0;

	if (net_plan_make(&b->net, b->run_id, in->seq, &plan, err) < 0)
		return -1;
	if (network_server_start(&srv, plan.host_addr, b->net.port, err) < 0)
		return -1;
	/* Warm-ups are collected too (the agent runs to its end), into
	 * results that are thrown away. */
	results_init(&scratch, "network");
	for (;;) {
		struct agent_record rec;
		int st;

		if (r->ops->collect(r, in, &rec, b->timeout_ms, err) < 0) {
			rc = bench_error_prefix(err, "network: collecting");
			break;
		}
		st = network_data_apply(&rec, r->ops->name, net_mode_name(b->net.mode), measured ? res : &scratch,
					&mtu, err);
		if (st != 0) {
			rc = st < 0 ? bench_error_prefix(err, "%s (%s)", r->ops->name, net_mode_name(b->net.mode)) : 0;
			break;
		}
	}
	if (rc == 0 && measured && !b->layout_recorded)
		record_layout(b, r, &plan, mtu, res);
	network_server_stop(&srv);
	results_free(&scratch);
	return rc;
}

/* ---- the runs ----------------------------------------------------------- */

static int run_mode(struct network_bench *b, const struct run_options *opts, const char *runner, enum net_mode mode,
		    const char *agent, struct results *res, bench_error *err)
{
	struct run_options one = *opts;
	struct schedule s = {
		.opts = &one, .agent_path = agent, .run_id = b->run_id, .task = BENCH_TASK_NETWORK,
		.res = res, .after_ready = collect_network, .ctx = b,
	};
	const struct runner_ops *ops = runner_find(runner);
	char list[32];

	b->net.mode = mode;
	b->layout_recorded = false;
	one.runners[0] = runner;
	one.nrunners = 1;
	s.net = runner_has(ops, RUNNER_CAP_NETWORK) ? &b->net : NULL;
	snprintf(b->arg_server, sizeof(b->arg_server), "--server=%s", mode == NET_HOST ? "127.0.0.1" : "peer");
	snprintf(b->arg_port, sizeof(b->arg_port), "--port=%u",
		 (unsigned)(mode == NET_BRIDGE_NAT ? b->net.nat_port : b->net.port));
	snprintf(b->arg_rr, sizeof(b->arg_rr), "--rr=%u", b->rr);
	snprintf(b->arg_batches, sizeof(b->arg_batches), "--batches=%u", b->batches);
	snprintf(b->arg_stream, sizeof(b->arg_stream), "--stream-ms=%u", b->stream_ms);
	/* The host's loopback is the link of the host runner already. */
	snprintf(b->arg_lo, sizeof(b->arg_lo), "--loopback=%d", mode != NET_HOST);
	net_wire_patterns_format(b->patterns, list, sizeof(list));
	snprintf(b->arg_patterns, sizeof(b->arg_patterns), "--patterns=%s", list);
	s.task_args[0] = b->arg_server;
	s.task_args[1] = b->arg_port;
	s.task_args[2] = b->arg_rr;
	s.task_args[3] = b->arg_batches;
	s.task_args[4] = b->arg_stream;
	s.task_args[5] = b->arg_lo;
	s.task_args[6] = b->arg_patterns;
	s.task_nargs = 7;
	return schedule_run(&s, err);
}

static int run_network(void *ctx, const struct run_options *o, struct session *ss, bench_error *err)
{
	struct network_bench *b = ctx;
	int hold_port = -1, hold_nat = -1, rc = 0;

	b->run_id = ss->run_id;
	b->net.base = b->base;
	if (network_port_reserve(&hold_port, &b->net.port, err) < 0 ||
	    network_port_reserve(&hold_nat, &b->net.nat_port, err) < 0) {
		rc = -1;
		goto out;
	}
	json_object_set_new(ss->res.meta, "network_patterns",
			    json_string("rr1: 1-byte request and response (netperf TCP_RR); rr200: 100-byte request, "
					"200-byte response; up: the instance sends (iperf3); down: it receives (iperf3 -R)"));
	for (int i = 0; i < o->nrunners && rc == 0; i++) {
		const struct runner_ops *ops = runner_find(o->runners[i]);

		if (runner_has(ops, RUNNER_CAP_NETWORK)) {
			for (const enum net_mode *m = ops->net_modes; m && *m != NET_NONE && rc == 0; m++)
				if (!b->modes_given || b->wanted[*m])
					rc = run_mode(b, o, ops->name, *m, ss->agent, &ss->res, err);
		} else if (runner_has(ops, RUNNER_CAP_BASELINE)) {
			rc = run_mode(b, o, ops->name, NET_HOST, ss->agent, &ss->res, err);
		} else {
			/* Its own stack (namespaces, a guest's, gVisor's), but no
			 * link bench can give it. */
			results_meta_not_measured(ss->res.meta, ops->name,
						  "it has a network stack of its own, but bench cannot give it a link");
		}
	}
out:
	if (hold_port >= 0)
		close(hold_port);
	if (hold_nat >= 0)
		close(hold_nat);
	return rc;
}

static void init_network(void *ctx)
{
	struct network_bench *b = ctx;

	b->rr = NETWORK_DEFAULT_RR;
	b->batches = NETWORK_DEFAULT_BATCHES;
	b->stream_ms = NETWORK_DEFAULT_STREAM_MS;
	b->patterns = NET_WIRE_ALL_PATTERNS;
}

static int prepare_network(void *ctx, struct run_options *o, bench_error *err)
{
	struct network_bench *b = ctx;

	(void)err;
	if (o->runs < 0)
		o->runs = NETWORK_DEFAULT_RUNS;
	if (o->warmup < 0)
		o->warmup = 0;
	/* The agent's patterns take about this long, with room for a slow VM. */
	b->timeout_ms = o->timeout_ms + 20000;
	return 0;
}

static void print_table(void *ctx, FILE *out)
{
	network_report_print(ctx, out);
}

static bool finish_network(void *ctx, const struct run_options *o, struct session *ss,
			   struct run_output_hooks *hooks)
{
	(void)ctx;
	(void)o;
	return run_output_print_after(&ss->res, print_table, hooks);
}

/* ---- bench run all ------------------------------------------------------ */

/* One path's patterns (RR_BATCH_MS in the agent caps a batch at 3 s).
 * A transaction takes about 0.1 ms here (10000 per second), 3 ms to a TCG
 * guest (about 300 per second, measured on this 2-core host). */
static double network_path_s(const struct network_bench *b, bool emulated)
{
	unsigned warm = b->rr / 10 + 1; /* the agent's unmeasured transactions */
	double tx_s = emulated ? 3e-3 : 1e-4, batch_s = b->rr * tx_s;
	int rrs = !!(b->patterns & 1u << NET_WIRE_RR1) + !!(b->patterns & 1u << NET_WIRE_RR200);
	int streams = !!(b->patterns & 1u << NET_WIRE_UP) + !!(b->patterns & 1u << NET_WIRE_DOWN);

	return rrs * (warm * tx_s + b->batches * (batch_s < 3.0 ? batch_s : 3.0)) +
	       streams * (b->batches + 1) * b->stream_ms / 1e3;
}

static double network_estimate(const struct network_bench *b, const struct run_options *o)
{
	int runs = (o->runs > 0 ? o->runs : NETWORK_DEFAULT_RUNS) + (o->warmup > 0 ? o->warmup : 0);
	double total = 0;

	for (int i = 0; i < o->nrunners; i++) {
		const struct runner_ops *ops = runner_find(o->runners[i]);
		bool emulated = suite_emulated(o->runners[i]);
		/* Per instance: its start, its link and server (a TCG guest's
		 * agent also waits for its address), then its paths. */
		double one = suite_start_s(o->runners[i]) + (emulated ? 3.0 : 0.3);

		if (runner_has(ops, RUNNER_CAP_NETWORK)) {
			for (const enum net_mode *m = ops->net_modes; m && *m != NET_NONE; m++)
				if (!b->modes_given || b->wanted[*m])
					total += runs * (one + (*m == NET_HOST ? 1 : 2) * network_path_s(b, emulated));
		} else if (ops && !runner_has(ops, RUNNER_CAP_NAMESPACES) && !runner_has(ops, RUNNER_CAP_GUEST_KERNEL)) {
			total += runs * (one + network_path_s(b, false));
		}
	}
	return total;
}

/* Fewer and shorter batches first (a TCG guest's are cut at 3 s anyway),
 * at last each runner's first mode only. */
static double fit_network(void *ctx, struct run_options *o, double budget_s)
{
	static const struct {
		unsigned rr, batches, stream_ms;
	} steps[] = {
		{ NETWORK_DEFAULT_RR, NETWORK_DEFAULT_BATCHES, NETWORK_DEFAULT_STREAM_MS },
		{ 500, NETWORK_DEFAULT_BATCHES, NETWORK_DEFAULT_STREAM_MS },
		{ 500, 3, NETWORK_DEFAULT_STREAM_MS },
		{ 200, 3, 100 },
	};
	struct network_bench *b = ctx;

	for (size_t i = 0; budget_s > 0 && i < sizeof(steps) / sizeof(steps[0]); i++) {
		b->rr = steps[i].rr;
		b->batches = steps[i].batches;
		b->stream_ms = steps[i].stream_ms;
		if (network_estimate(b, o) <= budget_s)
			return network_estimate(b, o);
	}
	for (int i = 0; budget_s > 0 && i < o->nrunners; i++) {
		const struct runner_ops *ops = runner_find(o->runners[i]);

		if (runner_has(ops, RUNNER_CAP_NETWORK) && ops->net_modes && ops->net_modes[0] != NET_NONE) {
			b->wanted[ops->net_modes[0]] = true;
			b->modes_given = true;
		}
	}
	return network_estimate(b, o);
}

const struct benchmark benchmark_network = {
	.name = "network",
	.summary = "TCP request/response latency and stream throughput over each runner's network link",
	.help = "TCP between a server in bench on the host side and the agent as client: request/response\n"
		"(1-byte and 100/200-byte, like netperf TCP_RR: rate, p50, p99) and streams both ways\n"
		"(like iperf3, Gbit/s), over the link each runner gives its instance (a container: veth,\n"
		"bridge, bridge-nat, host network), and over the instance's own loopback.  Links are\n"
		"bench's own, link-local, one /30 per instance, no route out.  Default: 1 run per mode.\n\n",
	.options = network_options,
	.ctx_size = sizeof(struct network_bench),
	.init = init_network,
	.prepare = prepare_network,
	.run = run_network,
	.finish = finish_network,
	.plot = plot_network,
	.legend = "`<pattern>.<mode>.<stat>`: pattern rr1, rr200 (request/response), up, down (streams, the "
		  "instance sending or receiving); mode the link (`lo`: the instance's own loopback); "
		  "`lat_us` 100 quantiles of every transaction's latency, `p50_us`/`p99_us`/`tps` per batch, "
		  "`gbps` per stream interval.  ",
	.report_table = network_section_table,
	.report_summary = network_section_summary,
	.summary_rank = 60,
	.fit_budget = fit_network,
};
