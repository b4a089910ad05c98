/* CPU lists, parsed and checked with hwloc, the same library that pins. */
#include <hwloc.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

/* The largest CPU number in list (digits, commas and dashes only), so that
 * a range is bounded before hwloc expands it: "0-9223372036854775806" would
 * otherwise take seconds and half a GiB.  ULLONG_MAX when a number does not
 * fit. */
static unsigned long long list_max(const char *list)
{
	unsigned long long max = 0;

	for (const char *p = list; *p;) {
		unsigned long long v = 0;

		if (*p < '0' || *p > '9') {
			p++;
			continue;
		}
		for (; *p >= '0' && *p <= '9'; p++) {
			if (v > (ULLONG_MAX - 9) / 10)
				v = ULLONG_MAX;
			else
				v = v * 10 + (unsigned long long)(*p - '0');
		}
		if (v > max)
			max = v;
	}
	return max;
}

static int no_such_cpus(const char *list, hwloc_const_bitmap_t allowed, bench_error *err)
{
	char shown[BENCH_SHORT_MAX], *have = NULL;

	hwloc_bitmap_list_asprintf(&have, allowed);
	bench_fail_usage(err, "--cpus: '%s' names CPUs this machine does not have (it has %s)",
			 bench_short(shown, list), have ? have : "?");
	free(have);
	return -1;
}

int cpulist_parse(const char *list, char *out, size_t outsz, unsigned *count, bench_error *err)
{
	hwloc_topology_t topo;
	hwloc_bitmap_t want = NULL;
	hwloc_const_bitmap_t allowed;
	char *text = NULL;
	int rc = -1, weight;

	if (hwloc_topology_init(&topo) != 0)
		return bench_fail(err, 0, "hwloc: cannot initialise the topology");
	if (hwloc_topology_load(topo) != 0) {
		bench_fail(err, 0, "hwloc: cannot load this machine's topology");
		goto out;
	}
	allowed = hwloc_topology_get_allowed_cpuset(topo);
	want = hwloc_bitmap_alloc();
	if (!want) {
		bench_fail(err, 0, "hwloc: out of memory");
		goto out;
	}
	if (!list || !*list) {
		hwloc_bitmap_copy(want, allowed);
	} else {
		/* hwloc accepts an empty or odd-looking list; only digits,
		 * commas and dashes are a CPU list. */
		char shown[BENCH_SHORT_MAX];
		int last = hwloc_bitmap_last(allowed);

		if (strspn(list, "0123456789,-") != strlen(list)) {
			bench_fail_usage(err, "--cpus: '%s' is not a CPU list such as 0-1 or 0,2", bench_short(shown, list));
			goto out;
		}
		if (last < 0 || list_max(list) > (unsigned long long)last) {
			no_such_cpus(list, allowed, err);
			goto out;
		}
		if (hwloc_bitmap_list_sscanf(want, list) != 0 || hwloc_bitmap_iszero(want)) {
			bench_fail_usage(err, "--cpus: '%s' is not a CPU list such as 0-1 or 0,2", bench_short(shown, list));
			goto out;
		}
		if (!hwloc_bitmap_isincluded(want, allowed)) {
			no_such_cpus(list, allowed, err);
			goto out;
		}
	}
	weight = hwloc_bitmap_weight(want);
	if (weight <= 0 || hwloc_bitmap_list_asprintf(&text, want) < 0) {
		bench_fail(err, 0, "hwloc: cannot format the CPU list");
		goto out;
	}
	if (strlen(text) >= outsz) {
		bench_fail_usage(err, "--cpus: the list is too long");
		goto out;
	}
	memcpy(out, text, strlen(text) + 1);
	*count = (unsigned)weight;
	rc = 0;
out:
	free(text);
	if (want)
		hwloc_bitmap_free(want);
	hwloc_topology_destroy(topo);
	return rc;
}
