#!/bin/bash
# Does bench's storage agent measure what fio measures?  Runs, on one file
# on the host, each storage pattern as a fio job and `bench run storage
# --runners host` on the very same file (--scratch-file), fio then bench,
# pattern by pattern, round by round.  The fio job is bench's pattern:
#   - direct=1, the same block size, random offsets over the whole file
#     (norandommap) or in order, the same ramp and measured window;
#   - queue depth 1: ioengine=psync, one job; queue depth 32: the engine
#     bench ran (results' storage_engines, asked of a short bench run first,
#     then named to bench with --engine): io_uring -> ioengine=io_uring
#     iodepth=32, one job; threads -> psync, 32 jobs as threads;
#   - latency percentiles of fio's "lat" (lat_percentiles=1: from the I/O's
#     preparation to its completion seen, what bench times; fio's clat starts
#     at the submission), MB/s as 10^6 bytes per second on both sides;
#   - at queue depth 32, where the figure is IOPS alone, fio keeps no
#     latencies (gtod_reduce=1, fio's option for fewer clock reads): its
#     time-keeping of every I/O (slat, clat, lat and their histograms) cost
#     fio 10-15% of its QD32 reads on a 2-vCPU guest (the same CPU, the same
#     minute), where bench's loop reads the clock twice per I/O;
#   - the page cache dropped before each (bench drops it itself).
# Each round pairs a fio job with the bench run next to it, so the verdict
# is the median of the per-round ratios bench/fio (a change of load falls on
# both sides of a pair).  The pair's order alternates from round to round:
# whichever ran second was 10-20% faster at queue depth 1 (the virtual
# disk's own cache below this machine, which dropping this kernel's cannot
# touch, is warm for it), so an even number of rounds cancels the order.
# Both tools run on one CPU, the same for both (taskset; bench's agent
# inherits it): by default the CPU that took the fewest of the disk's
# interrupts.  Left to the scheduler, where a job lands decides more than
# the tool does: on a 2-vCPU guest whose virtio disk interrupts one CPU,
# fio's QD32 reads did 128-137k IOPS on that CPU and 160-218k on the other.
# The host runner's figures should be within 10% of fio's
# (|ratio - 1| <= 0.10).  A benchmark script, not a test.
#
#   bench/storage_fio_compare.sh [ROUNDS]          (default 4)
#   SIZE_MIB=256 RAMP_MS=1000 RUN_MS=5000 ...      (defaults)
#   ENGINE=auto|io_uring|threads                   (queue depth 32; default auto)
#   CPU=N                                          (the CPU both run on; default: the
#                                                   one the disk interrupts least)
#   SCRATCH=DIR                                    (default $BENCH_STATE_DIR/scratch
#                                                   or /var/lib/bench/scratch)
# Needs root (bench drops the page cache), fio and jq (make setup).
set -euo pipefail

rounds=${1:-4}
size_mib=${SIZE_MIB:-256}
ramp_ms=${RAMP_MS:-1000}
run_ms=${RUN_MS:-5000}
engine=${ENGINE:-auto}
here=$(cd "$(dirname "$0")/.." && pwd)
bench=${BENCH_BIN:-$here/bin/bench}
export BENCH_AGENT=${BENCH_AGENT:-$here/bin/bench-agent}
scratch=${SCRATCH:-${BENCH_STATE_DIR:-/var/lib/bench}/scratch}

die() { echo "storage_fio_compare: $*" >&2; exit 1; }
[[ $rounds =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive number"
[[ $size_mib =~ ^[1-9][0-9]*$ && $ramp_ms =~ ^[0-9]+$ && $run_ms =~ ^[1-9][0-9]*$ ]] ||
	die "SIZE_MIB, RAMP_MS and RUN_MS must be whole numbers"
[[ $engine =~ ^(auto|io_uring|threads)$ ]] || die "ENGINE must be auto, io_uring or threads"
[[ -z ${CPU:-} || $CPU =~ ^[0-9]+$ ]] || die "CPU must be a CPU number"
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

# The whole disk under the file ("vda" of vda1), and its interrupts' names:
# a virtio disk's are "virtio1-req.0", an NVMe namespace's "nvme0q1".
disk_of() {
	local sys
	sys=$(readlink -f "/sys/dev/block/$(stat -c '%Hd:%Ld' "$1")") || return 0
	[[ -e $sys/partition ]] && sys=$(dirname "$sys")
	basename "$sys"
}
disk=$(disk_of "$file")
irq_name=
[[ -n $disk && -e /sys/block/$disk/device ]] && irq_name=$(basename "$(readlink -f "/sys/block/$disk/device")")
# Among the CPUs this script may use, the one with the fewest of the disk's
# interrupts so far (the first allowed where none is named).
pick_cpu() {
	local allowed
	allowed=$(taskset -cp $$ | sed 's/.*: //')
	awk -v name="$irq_name" -v allowed="$allowed" '
		BEGIN {
			n = split(allowed, parts, ",")
			for (i = 1; i <= n; i++) {
				if (split(parts[i], r, "-") == 2) { for (c = r[1]; c <= r[2]; c++) ok[c] = 1 }
				else ok[parts[i]] = 1
			}
		}
		NR == 1 { for (i = 1; i <= NF; i++) { sub("CPU", "", $i); cpu[i] = $i }; ncpu = NF; next }
		name != "" && $NF ~ ("^" name "(-|q)") { for (i = 1; i <= ncpu; i++) irqs[cpu[i]] += $(i + 1) }
		END {
			best = -1
			for (i = 1; i <= ncpu; i++) {
				c = cpu[i]
				if (!(c in ok)) continue
				if (best < 0 || irqs[c] + 0 < irqs[best] + 0) best = c
			}
			print best
		}' /proc/interrupts
}
cpu=${CPU:-$(pick_cpu)}
[[ $cpu =~ ^[0-9]+$ ]] || die "no CPU to run on (taskset -cp $$)"
taskset -c "$cpu" true 2>/dev/null || die "cannot run on CPU $cpu"

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
	local rw=$1 bs=$2 qd=$3 dir how
	if ((qd == 1)); then
		how=(--ioengine=psync --numjobs=1 --lat_percentiles=1)
	elif [[ $engine == io_uring ]]; then
		how=(--ioengine=io_uring --iodepth="$qd" --numjobs=1 --gtod_reduce=1)
	else
		how=(--ioengine=psync --numjobs="$qd" --gtod_reduce=1)
	fi
	sync
	echo 3 >/proc/sys/vm/drop_caches
	taskset -c "$cpu" fio --name=bench --filename="$file" --size="${size_mib}M" --rw="$rw" --bs="$bs" --direct=1 \
		"${how[@]}" --thread --group_reporting --time_based \
		--ramp_time="${ramp_ms}ms" --runtime="${run_ms}ms" --randrepeat=0 --norandommap \
		--output-format=json >"$tmp/fio.json" || die "fio failed"
	case $rw in *read) dir="read" ;; *) dir="write" ;; esac
	jq -r --arg d "$dir" '.jobs[0][$d] | "\(.iops) \((.lat_ns.percentile["50.000000"] // 0) / 1000) \((.lat_ns.percentile["99.000000"] // 0) / 1000) \(.bw_bytes / 1000000)"' \
		"$tmp/fio.json"
}

# One bench run of pattern $1 on the same file, as "metric value" lines.
bench_one() {
	rm -rf "$tmp/res"
	taskset -c "$cpu" "$bench" run storage --runners host --scratch-file "$file" --scratch "$scratch" --patterns "$1" \
		--ramp-ms "$2" --duration-ms "$3" --engine "$engine" --runs 1 --warmup 0 --quiet --out "$tmp/res" \
		--export-csv "$tmp/one.csv" >/dev/null 2>"$tmp/bench.err" || { cat "$tmp/bench.err" >&2; die "bench failed"; }
	awk -F, 'NR > 1 && $1 == "host" { print $2, $5 }' "$tmp/one.csv"
}

# The engine bench runs queue depth 32 with here, named from now on.
bench_one randread_qd32 0 100 >/dev/null
engine=$(jq -r '.storage_engines.host.randread_qd32 // "threads" | split(" ")[0]' "$tmp/res/latest/meta.json")
[[ $engine =~ ^(io_uring|threads)$ ]] || die "bench ran queue depth 32 with '$engine'"

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else printf "%.6g\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

load_begin=$(cut -d" " -f1-3 /proc/loadavg)
: >"$tmp/bench.csv"
: >"$tmp/fio.csv"
for ((i = 0; i < rounds; i++)); do
	for p in "${patterns[@]}"; do
		read -r name rw bs jobs _ <<<"$p"
		# Next to fio's, so that both see the same load on the host;
		# bench first in odd rounds.
		((i % 2)) && bench_one "$name" "$ramp_ms" "$run_ms" | sed "s/^/$i /" >>"$tmp/bench.csv"
		read -r iops p50 p99 mbps < <(fio_one "$rw" "$bs" "$jobs")
		printf '%s.iops %s\n%s.p50 %s\n%s.p99 %s\n%s.mbps %s\n' "$name" "$iops" "$name" "$p50" "$name" "$p99" \
			"$name" "$mbps" | sed "s/^/$i /" >>"$tmp/fio.csv"
		((i % 2)) || bench_one "$name" "$ramp_ms" "$run_ms" | sed "s/^/$i /" >>"$tmp/bench.csv"
	done
	echo "round $((i + 1))/$rounds done" >&2
done

load_end=$(cut -d" " -f1-3 /proc/loadavg)
printf '%-22s %12s %12s %10s %15s  %s\n' "figure" "bench (host)" "fio" "bench/fio" "ratios min-max" "within 10%"
fail=0
for p in "${patterns[@]}"; do
	read -r name _ _ _ kind <<<"$p"
	case $kind in
	lat) stats="p50 p99 iops" ;;
	iops) stats="iops" ;;
	mbps) stats="mbps" ;;
	esac
	for s in $stats; do
		b=$(awk -v m="$name.$s" '$2 == m { print $3 }' "$tmp/bench.csv" | median)
		f=$(awk -v m="$name.$s" '$2 == m { print $3 }' "$tmp/fio.csv" | median)
		# The ratio of each round's pair, then their median.
		awk -v m="$name.$s" 'FNR == NR { if ($2 == m) f[$1] = $3; next }
			$2 == m && f[$1] > 0 { print $3 / f[$1] }' "$tmp/fio.csv" "$tmp/bench.csv" >"$tmp/ratios"
		r=$(median <"$tmp/ratios")
		spread=$(sort -g "$tmp/ratios" | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.3f-%.3f", lo, hi }')
		ok=$(awk -v r="$r" 'BEGIN { printf "%.3f %s", r, (r >= 0.9 && r <= 1.1) ? "yes" : "NO" }')
		read -r rv verdict <<<"$ok"
		printf '%-22s %12s %12s %10s %15s  %s\n' "$name.$s" "$b" "$f" "$rv" "$spread" "$verdict"
		[[ $verdict == yes ]] || fail=1
	done
done
echo "(medians of $rounds rounds, bench/fio the median of the rounds' ratios, fio first in even rounds; queue depth 32 by $engine;" \
	"both on CPU $cpu (disk ${disk:-?}, interrupts ${irq_name:-not found});" \
	"${size_mib} MiB file in $scratch; ramp ${ramp_ms} ms, window ${run_ms} ms; latencies in us;" \
	"load average $load_begin at the start, $load_end at the end)"
exit $fail
