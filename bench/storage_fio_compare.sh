#!/bin/bash
# Does bench's storage agent measure what fio measures?  Runs, on one file
# on the host, each storage pattern as a fio job (psync, direct=1, the same
# block size, threads for queue depth 32, the same ramp and window) and
# `bench run storage --runners host` on the very same file (--scratch-file),
# alternating pattern by pattern, and prints both medians and bench/fio per pattern.  The host
# runner's figures should be within 10% of fio's (|ratio - 1| <= 0.10).
# A benchmark script, not a test.
#
#   bench/storage_fio_compare.sh [ROUNDS]          (default 3)
#   SIZE_MIB=256 RAMP_MS=1000 RUN_MS=5000 ...      (defaults)
#   SCRATCH=DIR                                    (default $BENCH_STATE_DIR/scratch
#                                                   or /var/lib/bench/scratch)
# Needs root (bench drops the page cache), fio and jq (make setup).
set -euo pipefail

rounds=${1:-3}
size_mib=${SIZE_MIB:-256}
ramp_ms=${RAMP_MS:-1000}
run_ms=${RUN_MS:-5000}
here=$(cd "$(dirname "$0")/.." && pwd)
bench=${BENCH_BIN:-$here/bin/bench}
export BENCH_AGENT=${BENCH_AGENT:-$here/bin/bench-agent}
scratch=${SCRATCH:-${BENCH_STATE_DIR:-/var/lib/bench}/scratch}

die() { echo "storage_fio_compare: $*" >&2; exit 1; }
[[ $rounds =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive number"
[[ $size_mib =~ ^[1-9][0-9]*$ && $ramp_ms =~ ^[0-9]+$ && $run_ms =~ ^[1-9][0-9]*$ ]] ||
	die "SIZE_MIB, RAMP_MS and RUN_MS must be whole numbers"
[[ -x $bench ]] || die "$bench not built (make)"
command -v fio >/dev/null || die "fio not found (make setup)"
command -v jq >/dev/null || die "jq not found (make setup)"
[[ $(id -u) -eq 0 ]] || die "must run as root (the page cache is dropped between runs)"

mkdir -p "$scratch"
tmp=$(mktemp -d /tmp/bench-fio-compare.XXXXXX)
file=$(mktemp "$scratch/fio-compare.XXXXXX")
trap 'rm -rf "$tmp"; rm -f "$file"' EXIT

# The same kind of file bench makes: every block written, non-zero data.
dd if=/dev/urandom of="$file" bs=1M count="$size_mib" conv=fsync status=none

# pattern  fio rw  bs  threads  figure
patterns=(
	"randread_qd1 randread 4k 1 lat"
	"randwrite_qd1 randwrite 4k 1 lat"
	"randread_qd32 randread 4k 32 iops"
	"randwrite_qd32 randwrite 4k 32 iops"
	"seqread read 1M 1 mbps"
	"seqwrite write 1M 1 mbps"
)

# One fio job; prints "iops p50_us p99_us mbps".
fio_one() {
	local rw=$1 bs=$2 jobs=$3 dir
	sync
	echo 3 >/proc/sys/vm/drop_caches
	fio --name=bench --filename="$file" --size="${size_mib}M" --rw="$rw" --bs="$bs" --direct=1 \
		--ioengine=psync --numjobs="$jobs" --thread --group_reporting --time_based \
		--ramp_time="${ramp_ms}ms" --runtime="${run_ms}ms" --randrepeat=0 --norandommap \
		--output-format=json >"$tmp/fio.json"
	case $rw in *read) dir=read ;; *) dir=write ;; esac
	jq -r --arg d "$dir" '.jobs[0][$d] | "\(.iops) \(.clat_ns.percentile["50.000000"] / 1000) \(.clat_ns.percentile["99.000000"] / 1000) \(.bw_bytes / 1000000)"' \
		"$tmp/fio.json"
}

# One bench run of pattern $1 on the same file; appends to $tmp/bench.csv.
bench_one() {
	rm -rf "$tmp/res"
	"$bench" run storage --runners host --scratch-file "$file" --scratch "$scratch" --patterns "$1" \
		--ramp-ms "$ramp_ms" --duration-ms "$run_ms" --runs 1 --warmup 0 --quiet --out "$tmp/res" \
		--export-csv "$tmp/one.csv" >/dev/null 2>"$tmp/bench.err" || { cat "$tmp/bench.err" >&2; die "bench failed"; }
	awk -F, 'NR > 1 && $1 == "host" { print $2, $5 }' "$tmp/one.csv" >>"$tmp/bench.csv"
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else printf "%.6g\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

: >"$tmp/bench.csv"
: >"$tmp/fio.csv"
for ((i = 0; i < rounds; i++)); do
	for p in "${patterns[@]}"; do
		read -r name rw bs jobs _ <<<"$p"
		read -r iops p50 p99 mbps < <(fio_one "$rw" "$bs" "$jobs")
		printf '%s.iops %s\n%s.p50 %s\n%s.p99 %s\n%s.mbps %s\n' "$name" "$iops" "$name" "$p50" "$name" "$p99" \
			"$name" "$mbps" >>"$tmp/fio.csv"
		# Right after fio's, so that both see the same load on the host.
		bench_one "$name"
	done
	echo "round $((i + 1))/$rounds done" >&2
done

printf '%-22s %14s %14s %10s  %s\n' "figure" "bench (host)" "fio" "bench/fio" "within 10%"
fail=0
for p in "${patterns[@]}"; do
	read -r name _ _ _ kind <<<"$p"
	case $kind in
	lat) stats="p50 p99 iops" ;;
	iops) stats="iops" ;;
	mbps) stats="mbps" ;;
	esac
	for s in $stats; do
		b=$(awk -v m="$name.$s" '$1 == m { print $2 }' "$tmp/bench.csv" | median)
		f=$(awk -v m="$name.$s" '$1 == m { print $2 }' "$tmp/fio.csv" | median)
		ok=$(awk -v b="$b" -v f="$f" 'BEGIN { r = (f > 0) ? b / f : 0; printf "%.3f %s", r, (r >= 0.9 && r <= 1.1) ? "yes" : "NO" }')
		printf '%-22s %14s %14s %10s  %s\n' "$name.$s" "$b" "$f" ${ok}
		[[ $ok == *yes ]] || fail=1
	done
done
echo "(medians of $rounds rounds; ${size_mib} MiB file in $scratch; ramp ${ramp_ms} ms, window ${run_ms} ms; latencies in us)"
exit $fail
