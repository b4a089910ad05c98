/* The network task's records (untrusted: every field checked) into
 * series: "<pattern>.<mode>.<stat>". */
#include <stdio.h>
#include <string.h>

#include "../lib/net_wire.h"
#include "network.h"

static int add(struct results *res, const char *runner, const char *pattern, const char *mode, const char *stat,
	       const char *unit, double v, bench_error *err)
{
	char metric[48];
	struct series *s;

	snprintf(metric, sizeof(metric), "%s.%s.%s", pattern, mode, stat);
	s = results_series(res, runner, metric, unit, err);
	return s ? series_add(s, v, err) : -1;
}

static int get(const struct agent_record *rec, const char *key, uint64_t max, uint64_t *v, bench_error *err)
{
	if (record_get_u64(rec, key, v, err) < 0)
		return -1;
	if (*v > max)
		return bench_fail(err, 0, "network: %s=%llu is out of range", key, (unsigned long long)*v);
	return 0;
}

#define NS_MAX 600000000000ull /* ten minutes */

int network_data_apply(const struct agent_record *rec, const char *runner, const char *mode, struct results *res,
		       unsigned *mtu, bench_error *err)
{
	const char *kind, *path, *pattern;
	const char *label;
	uint64_t n, ns, a, b;
	int p = -1;

	if (strcmp(rec->type, BENCH_REC_DONE) == 0)
		return 1;
	if (strcmp(rec->type, BENCH_REC_ERROR) == 0)
		return bench_fail(err, 0, "the agent failed: %.200s",
				  record_get(rec, "msg") ? record_get(rec, "msg") : "(no message)");
	if (strcmp(rec->type, BENCH_REC_DATA) != 0)
		return bench_fail(err, 0, "network: unexpected %s record", rec->type);
	kind = record_get(rec, "kind");
	if (!kind)
		return bench_fail(err, 0, "network: a DATA record without kind");
	if (strcmp(kind, "setup") == 0)
		return get(rec, "mtu", 1u << 20, &n, err) < 0 ? -1 : (*mtu = (unsigned)n, 0);
	path = record_get(rec, "path");
	pattern = record_get(rec, "pattern");
	if (pattern)
		p = net_wire_pattern_find(pattern, strlen(pattern));
	if (!path || (strcmp(path, "lo") != 0 && strcmp(path, "link") != 0) || p < 0)
		return bench_fail(err, 0, "network: a DATA record with a bad path or pattern");
	label = strcmp(path, "lo") == 0 ? "lo" : mode;
	pattern = net_wire_pattern_name((unsigned)p);
	if (strcmp(kind, "rr") == 0) {
		if (get(rec, "n", 100000000u, &n, err) < 0 || get(rec, "ns", NS_MAX, &ns, err) < 0 ||
		    get(rec, "p50", NS_MAX, &a, err) < 0 || get(rec, "p99", NS_MAX, &b, err) < 0)
			return -1;
		if (n == 0 || ns == 0)
			return bench_fail(err, 0, "network: an empty batch");
		if (add(res, runner, pattern, label, "tps", "1/s", (double)n * 1e9 / (double)ns, err) < 0 ||
		    add(res, runner, pattern, label, "p50_us", "us", (double)a / 1e3, err) < 0 ||
		    add(res, runner, pattern, label, "p99_us", "us", (double)b / 1e3, err) < 0)
			return -1;
		return 0;
	}
	if (strcmp(kind, "cdf") == 0) {
		for (unsigned k = 0; k < 20; k++) {
			char key[8];

			snprintf(key, sizeof(key), "q%u", k);
			if (get(rec, key, NS_MAX, &a, err) < 0 ||
			    add(res, runner, pattern, label, "lat_us", "us", (double)a / 1e3, err) < 0)
				return -1;
		}
		return 0;
	}
	if (strcmp(kind, "stream") == 0) {
		if (get(rec, "bytes", 1ull << 50, &n, err) < 0 || get(rec, "ns", NS_MAX, &ns, err) < 0)
			return -1;
		if (ns == 0)
			return bench_fail(err, 0, "network: an empty interval");
		return add(res, runner, pattern, label, "gbps", "Gbit/s", (double)n * 8.0 / (double)ns, err);
	}
	return bench_fail(err, 0, "network: unknown kind '%.32s'", kind);
}
