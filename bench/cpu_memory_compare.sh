#!/bin/bash
# Are bench's cpu and memory figures right?  Runs the host runner's kernels
# and puts them beside outside tools: `sysbench memory` (a block copied in
# memory: comparable in kind to STREAM's copy, not in access pattern),
# `sysbench cpu` (primes: not the same work, shown for scale only), and an
# independent STREAM-style triad loop compiled here from the agent's own
# flags (musl-gcc -std=c17 -O2 -static) over arrays of bench's size.  Prints
# each ratio; the host runner's triad must agree with the independent loop
# within 10% (exit 1 otherwise), best pass against best batch as STREAM
# reports it: on a shared host the medians of both sink with the load, at
# different times.  A benchmark script, not a test.
#
#   bench/cpu_memory_compare.sh
#
# Uses bin/bench and bin/bench-agent (BENCH_BIN / BENCH_AGENT override).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
bench=${BENCH_BIN:-$here/bin/bench}
export BENCH_AGENT=${BENCH_AGENT:-$here/bin/bench-agent}
die() { echo "cpu_memory_compare: $*" >&2; exit 1; }
[[ -x $bench ]] || die "$bench not built (make)"
for tool in sysbench musl-gcc jq; do
	command -v "$tool" >/dev/null || die "$tool is missing (make setup)"
done

tmp=$(mktemp -d /tmp/bench-cpumem-compare.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
first=0

# --target-ms 1: a batch is one pass over the arrays, as the loop's are.
"$bench" run memory --runners host --cpus "$first" --target-ms 1 --batches 20 --quiet --out "$tmp/mem" >/dev/null
"$bench" run cpu --runners host --cpus "$first" --quiet --out "$tmp/cpu" >/dev/null
stat() { jq -r --arg m "$2" --arg k "$3" '.results[] | select(.runner == "host" and .metric == $m) | .[$k]' "$1"/latest/results.json; }
median() { stat "$1" "$2" median; }
triad=$(median "$tmp/mem" memory.triad.1t)
triad_best=$(stat "$tmp/mem" memory.triad.1t max)
copy=$(median "$tmp/mem" memory.copy.1t)
sha=$(median "$tmp/cpu" cpu.sha256.1t)
array=$(jq -r '.meta.memory_sizes.array_bytes' "$tmp/mem"/latest/results.json)
[[ $triad != null && $array != null ]] || die "bench wrote no triad figure"

# The independent triad: its own loop and clock, 20 passes after one to
# fault the pages in; the best pass (STREAM's figure) and the median.
cat >"$tmp/triad.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
int main(int argc, char **argv)
{
	size_t n = strtoull(argv[1], NULL, 10) / sizeof(double);
	double *a = malloc(n * 8), *b = malloc(n * 8), *c = malloc(n * 8), best = 0, all[20];
	if (!a || !b || !c)
		return 1;
	for (size_t j = 0; j < n; j++) { a[j] = 1; b[j] = 2; c[j] = 0; }
	for (int r = 0; r < 21; r++) {
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (size_t j = 0; j < n; j++)
			a[j] = b[j] + 3.0 * c[j];
		clock_gettime(CLOCK_MONOTONIC, &t1);
		double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		double gbs = 3.0 * (double)n * 8 / s / 1e9;
		if (r > 0 && gbs > best)
			best = gbs;
		if (r > 0)
			all[r - 1] = gbs;
	}
	for (int i = 0; i < 20; i++)
		for (int k = i + 1; k < 20; k++)
			if (all[k] < all[i]) {
				double t = all[i];
				all[i] = all[k];
				all[k] = t;
			}
	printf("%.6g %.6g %g\n", best, (all[9] + all[10]) / 2, a[n / 2]);
	return 0;
}
C
musl-gcc -std=c17 -D_GNU_SOURCE -O2 -static -o "$tmp/triad" "$tmp/triad.c"
read -r ref ref_median _ < <(taskset -c "$first" "$tmp/triad" "$array")

sb_mem=$(taskset -c "$first" sysbench memory --threads=1 --memory-block-size=1M --memory-total-size=8G \
	--memory-oper=read --time=5 run | awk '/MiB\/sec/ { gsub(/[()]/, ""); print $(NF - 1) }')
sb_cpu=$(taskset -c "$first" sysbench cpu --threads=1 --time=5 run | awk '/events per second/ { print $NF }')

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "n/a" }'; }
printf 'array: %d bytes each (the size bench run memory chose)\n' "$array"
printf 'triad  best:   bench host %.3f GB/s   independent loop %.3f GB/s   ratio %s\n' "$triad_best" "$ref" \
	"$(ratio "$triad_best" "$ref")"
printf 'triad  median: bench host %.3f GB/s   independent loop %.3f GB/s   ratio %s (load-dependent)\n' "$triad" \
	"$ref_median" "$(ratio "$triad" "$ref_median")"
sb_gbs=$(awk -v m="$sb_mem" 'BEGIN { printf "%.3f", m * 1048576 / 1e9 }')
printf 'copy   bench host %.3f GB/s   sysbench memory read %.3f GB/s   ratio %s (different access: block reads vs a stream copy)\n' \
	"$copy" "$sb_gbs" "$(ratio "$copy" "$sb_gbs")"
printf 'cpu    bench sha256 %.4f GB/s   sysbench cpu %s events/s (primes: not the same work, no ratio)\n' "$sha" "$sb_cpu"
r=$(ratio "$triad_best" "$ref")
if awk -v r="$r" 'BEGIN { exit !(r >= 0.9 && r <= 1.1) }'; then
	echo "triad agrees within 10%"
else
	echo "triad DISAGREES by more than 10% (ratio $r)"
	exit 1
fi
