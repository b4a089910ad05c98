#!/bin/bash
# Checks bench's host figure for getppid against an outside tool, Linux
# perf's `perf bench syscall basic` (10 million getppid() calls in a loop),
# both pinned to the same CPU.  A benchmark script, not a test: it prints
# both figures and their ratio; on a quiet machine they agree within 10%.
#
#   bench/perf_compare.sh [CPU] [ROUNDS]     (defaults: CPU 0, 3 rounds)
#
# Uses bin/bench and bin/bench-agent (BENCH_BIN / BENCH_AGENT override).
set -euo pipefail

cpu=${1:-0}
rounds=${2:-3}
here=$(cd "$(dirname "$0")/.." && pwd)
bench=${BENCH_BIN:-$here/bin/bench}
export BENCH_AGENT=${BENCH_AGENT:-$here/bin/bench-agent}

die() { echo "perf_compare: $*" >&2; exit 1; }

# Debian ships perf as a wrapper that execs perf_<kernel version>; a
# kernel without its own linux-perf package leaves only the versioned one.
perf_bin=
for p in perf $(compgen -c perf_ 2>/dev/null | sort -V -r); do
	if "$p" bench syscall basic -l 1000 >/dev/null 2>&1; then perf_bin=$p; break; fi
done
[[ -n $perf_bin ]] || die "no working perf (apt-get install linux-perf)"
[[ -x $bench ]] || die "$bench not built (make)"
command -v taskset >/dev/null || die "taskset missing (util-linux)"

tmp=$(mktemp -d /tmp/bench-perf-compare.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# The median of the numbers on stdin, one a line.
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

printf 'round  bench getppid (ns)  perf getppid (ns)  bench/perf\n'
for ((i = 1; i <= rounds; i++)); do
	"$bench" run syscall --runners host --calls getppid --runs 1 --batches 50 --cpus "$cpu" \
		--quiet --out "$tmp/res" --export-csv "$tmp/b.csv" 2>/dev/null ||
		die "bench run syscall failed"
	b=$(awk -F, 'NR > 1 && $2 == "syscall.getppid" { print $5 }' "$tmp/b.csv" | median)
	# "0.273445 usecs/op" -> ns
	p=$(taskset -c "$cpu" "$perf_bin" bench syscall basic 2>/dev/null |
		awk '/usecs\/op/ { printf "%.3f", $1 * 1000 }')
	[[ -n $b && -n $p ]] || die "could not read a figure (bench '$b', perf '$p')"
	printf '%5d  %18.1f  %17.1f  %10.3f\n' "$i" "$b" "$p" "$(awk -v b="$b" -v p="$p" 'BEGIN { print b / p }')"
	echo "$b $p" >>"$tmp/all"
done
b=$(awk '{ print $1 }' "$tmp/all" | median)
p=$(awk '{ print $2 }' "$tmp/all" | median)
printf 'median %18.1f  %17.1f  %10.3f   (perf: %s, CPU %s)\n' "$b" "$p" \
	"$(awk -v b="$b" -v p="$p" 'BEGIN { print b / p }')" "$perf_bin" "$cpu"
