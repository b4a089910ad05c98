/* NAT rules through libnftables: one table per instance, so that they are
 * added, and removed, as a whole. */
#include <jansson.h>
#include <nftables/libnftables.h>
#include <stdio.h>
#include <string.h>

#include "../lib/run_id.h"
#include "nat.h"

/* Runs cmd; on failure, nftables' own message (first line) into *err. */
static int run_cmd(const char *cmd, char *out, size_t outsz, bool json, bench_error *err)
{
	struct nft_ctx *nft = nft_ctx_new(NFT_CTX_DEFAULT);
	int rc;

	if (!nft)
		return bench_fail(err, 0, "nftables: cannot make a context");
	nft_ctx_buffer_output(nft);
	nft_ctx_buffer_error(nft);
	if (json)
		nft_ctx_output_set_flags(nft, NFT_CTX_OUTPUT_JSON);
	rc = nft_run_cmd_from_buffer(nft, cmd);
	if (rc != 0) {
		const char *msg = nft_ctx_get_error_buffer(nft);
		char line[200];

		snprintf(line, sizeof(line), "%s", msg ? msg : "");
		line[strcspn(line, "\n")] = '\0';
		bench_fail(err, 0, "nftables: %s", line[0] ? line : "command failed");
	} else if (out) {
		const char *o = nft_ctx_get_output_buffer(nft);

		snprintf(out, outsz, "%s", o ? o : "");
	}
	nft_ctx_free(nft);
	return rc != 0 ? -1 : 0;
}

int net_nat_add(const struct net_plan *p, uint16_t target_port, bench_error *err)
{
	char cmd[1024], host[16], net[16];

	net_addr_str(p->host_addr, host, sizeof(host));
	net_addr_str(p->host_addr & ~3u, net, sizeof(net));
	/* As Docker publishes a port: DNAT of the published port to where
	 * the service listens, and MASQUERADE of what the instance sends
	 * anywhere but its own bridge. */
	snprintf(cmd, sizeof(cmd),
		 "add table ip %s\n"
		 "add chain ip %s pre { type nat hook prerouting priority dstnat; }\n"
		 "add chain ip %s post { type nat hook postrouting priority srcnat; }\n"
		 "add rule ip %s pre iifname \"%s\" ip daddr %s tcp dport %u dnat to %s:%u\n"
		 "add rule ip %s post ip saddr %s/30 oifname != \"%s\" masquerade\n",
		 p->nat_table, p->nat_table, p->nat_table, p->nat_table, p->bridge, host, (unsigned)p->server_port,
		 host, (unsigned)target_port, p->nat_table, net, p->bridge);
	if (run_cmd(cmd, NULL, 0, false, err) < 0) {
		bench_error ignored;

		net_nat_remove(p->nat_table, &ignored);
		return bench_error_prefix(err, "network: adding the NAT rules");
	}
	return 0;
}

int net_nat_remove(const char *table, bench_error *err)
{
	char cmd[128];

	/* destroy is 1.0.8+; delete fails when the table is gone, which is fine. */
	snprintf(cmd, sizeof(cmd), "delete table ip %s\n", table);
	if (run_cmd(cmd, NULL, 0, false, err) < 0 && strstr(err->msg, "No such file") == NULL)
		return -1;
	return 0;
}

/* The ip tables whose names bench made ("bench-<run id>-<seq>") and that
 * start with prefix; remove: remove those of runs that are over (all: every
 * one).  Returns how many it found or removed. */
static int each_table(const char *prefix, bool remove, bool all, bench_error *err)
{
	static char out[1 << 16];
	json_error_t jerr;
	json_t *doc, *items, *item;
	size_t i;
	int n = 0;

	if (run_cmd("list tables ip", out, sizeof(out), true, err) < 0)
		return -1;
	doc = json_loads(out, 0, &jerr);
	items = json_object_get(doc, "nftables");
	json_array_foreach(items, i, item) {
		const char *name = json_string_value(json_object_get(json_object_get(item, "table"), "name"));

		if (!name || strncmp(name, prefix, strlen(prefix)) != 0 || strlen(name) > 60)
			continue;
		if (run_id_owner(name + strlen(RUN_ID_PREFIX)) == RUN_OWNER_UNKNOWN)
			continue;
		if (!remove)
			n++;
		else if ((all || !run_id_owner_alive(name)) && net_nat_remove(name, err) == 0)
			n++;
	}
	json_decref(doc);
	return n;
}

int net_nat_cleanup_stale(bool all, bench_error *err)
{
	return each_table(RUN_ID_PREFIX, true, all, err);
}

int net_nat_count(const char *prefix, bench_error *err)
{
	if (strncmp(prefix, RUN_ID_PREFIX, strlen(RUN_ID_PREFIX)) != 0)
		return bench_fail(err, 0, "network: '%.40s' is not a name bench makes", prefix);
	return each_table(prefix, false, false, err);
}
