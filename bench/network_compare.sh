#!/bin/bash
# Checks the container runner's network figures against outside tools over
# the same kind of link: a veth pair into a network namespace this script
# makes (link-local /30, no route out), iperf3 for the streams both ways
# and sockperf ping-pong for the 1-byte-class request/response latency
# (sockperf's smallest message is 14 bytes, and it reports half the round
# trip: doubled here).  A benchmark script, not a test: it prints each
# figure and the ratio bench/tool; on a quiet machine they agree within 10%.
#
# Like for like on a shared machine: the container's agent runs in a cpu
# cgroup of its own (bench.slice/..., one entity beside the host's other
# tasks when the CPUs are contended), and a client in the root cgroup got
# 10-30% less CPU, so less throughput, than the same client in a cgroup of
# its own, at load 6 on 2 cores.  The tools' clients therefore run in a cpu
# cgroup this script makes at the top (bcmp<pid>), as the agent does; their
# servers, like bench's (a thread of bench), stay where the script runs.
# Where the machine has two CPUs or more (PIN=0 turns it off), servers run
# on CPU 0 (bench itself, so its server thread, under taskset) and clients
# on CPU 1 (the container's cpuset, --cpus 1; the tools under taskset): a
# request/response round trip here is 15 us when the other CPU is busy and
# 50 us when it has to wake from idle, for the tools and bench alike, so
# both must cross between the same two CPUs.
#
# The same sender: iperf3 runs with its defaults (128 KiB writes and
# reads, Nagle on, kernel-sized buffers), as bench's streams do; only
# bench's request/response connections set TCP_NODELAY, as sockperf's do.
# TCP_NODELAY on a stream is not a detail on a veth: iperf3 -N carried
# 32 Gbit/s where iperf3 carried 17 (load 0.8), and bench's up stream,
# which had it until December 2026, read 1.5-1.6 times iperf3's figure
# while its down stream (bench's server sends, with Nagle) agreed within
# 3%.  Both count what the receiver got: iperf3's sum_received, bench's
# bytes the server's TCP acknowledged (up) or the agent read (down).
#
#   bench/network_compare.sh [SECONDS] [ROUNDS]   (defaults: 3 s per tool run, 3 rounds)
#
# Uses bin/bench and bin/bench-agent (BENCH_BIN / BENCH_AGENT override).
# Everything it makes is named bcmp<pid> and removed on exit.
set -euo pipefail

secs=${1:-3}
rounds=${2:-3}
pin=${PIN:-1}
here=$(cd "$(dirname "$0")/.." && pwd)
bench=${BENCH_BIN:-$here/bin/bench}
export BENCH_AGENT=${BENCH_AGENT:-$here/bin/bench-agent}

die() { echo "network_compare: $*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || die "needs root (network namespaces)"
srv=() cli=() bench_cpus=() pinned=no
if [[ $pin == 1 ]] && (($(nproc) >= 2)); then
	srv=(taskset -c 0) cli=(taskset -c 1) bench_cpus=(--cpus 1) pinned="servers CPU 0, clients CPU 1"
fi
[[ -x $bench ]] || die "$bench not built (make)"
for t in iperf3 sockperf ip awk; do
	command -v "$t" >/dev/null || die "$t missing (make setup)"
done

ns=bcmp$$
host_if=bcmp$$h
host=169.254.253.1
peer=169.254.253.2
tmp=$(mktemp -d /tmp/bench-net-compare.XXXXXX)
# The cpu controller's top: cgroup v1's cpu hierarchy, or v2's root.
cg=
if [[ -e /sys/fs/cgroup/cpu/cgroup.procs ]]; then
	cg=/sys/fs/cgroup/cpu/$ns
elif grep -qw cpu /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null; then
	cg=/sys/fs/cgroup/$ns
fi
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	[[ -n $cg && -d $cg ]] && { rmdir "$cg" 2>/dev/null || true; }
	ip link del "$host_if" 2>/dev/null || true
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

# The same link as bench's veth mode: a veth pair, the host end addressed,
# the other end in a namespace with its loopback up.
ip netns add "$ns"
ip link add "$host_if" type veth peer name eth0 netns "$ns"
ip addr add "$host/30" dev "$host_if"
ip link set "$host_if" up
ip -n "$ns" link set lo up
ip -n "$ns" addr add "$peer/30" dev eth0
ip -n "$ns" link set eth0 up

[[ -n $cg ]] && mkdir "$cg"
# A client: in the namespace, and in the cgroup where there is one.
client() {
	if [[ -n $cg ]]; then
		sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$cg" "${cli[@]}" ip netns exec "$ns" "$@"
	else
		"${cli[@]}" ip netns exec "$ns" "$@"
	fi
}

# As in bench: the server on the host side, the client in the namespace.
port=$((20000 + $$ % 20000))
timeout $(((secs + 30) * 3 * rounds)) "${srv[@]}" iperf3 -s -B "$host" -p "$port" >/dev/null 2>&1 &
pids+=($!)
timeout $(((secs + 30) * 3 * rounds)) "${srv[@]}" sockperf server --tcp -i "$host" -p $((port + 1)) >/dev/null 2>&1 &
pids+=($!)
sleep 1
iperf() { # extra args; prints Gbit/s received
	client timeout $((secs + 15)) iperf3 -c "$host" -p "$port" -t "$secs" -O 1 -J "$@" |
		awk -F'[:,]' '/"sum_received"/ { f = 1 } f && /"bits_per_second"/ { printf "%.3f\n", $2 / 1e9; exit }'
}
# "sockperf: ---> percentile 50.000 =   12.345" (usec, half the round trip)
sockperf_rtt() {
	client timeout $((secs + 15)) sockperf ping-pong --tcp -i "$host" -p $((port + 1)) -t "$secs" \
		-m 14 2>&1 | awk '/percentile 50.000/ { printf "%.3f\n", $NF * 2; exit }'
}
# The median of the numbers on stdin, one a line.
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# bench's figure for one pattern: the median of its series (the CSV's
# runner,metric,unit,index,value), what bench's own table prints.
bench_figure() { # pattern metric
	rm -rf "$tmp/res" "$tmp/b.csv"
	"${srv[@]}" "$bench" run network --runners container "${bench_cpus[@]}" --modes veth --patterns "$1" \
		--net-base 169.254.252.0 --batches 10 --stream-ms 300 --quiet \
		--out "$tmp/res" --export-csv "$tmp/b.csv" 2>"$tmp/bench.err" ||
		die "bench run network failed: $(tail -1 "$tmp/bench.err")"
	awk -F, -v m="$2" 'NR > 1 && $2 == m { print $5 }' "$tmp/b.csv" | median
}
ratio() { awk -v b="$1" -v t="$2" 'BEGIN { printf "%.3f", b / t }'; }

# Each figure of bench right beside the same figure of its tool (bench
# runs only that pattern: --patterns), the two in turn first, so that a
# change in the machine's load falls on both: on this shared 2-core host
# a whole round's figures moved by up to 20% together, and a round that
# took the tools' three figures first and bench's three after put tens
# of seconds between the two halves of a pair.
pair() { # round pattern metric tool-command...: prints the tool's figure, then bench's
	local round=$1 pattern=$2 metric=$3 t b
	shift 3
	if ((round % 2)); then
		t=$("$@") b=$(bench_figure "$pattern" "$metric")
	else
		b=$(bench_figure "$pattern" "$metric") t=$("$@")
	fi
	[[ -n $t && -n $b ]] || die "no figure for $pattern (tool '$t', bench '$b')"
	echo "$t $b"
}
load_begin=$(cut -d' ' -f1-3 /proc/loadavg)
printf 'round %-30s %10s %10s %10s\n' "figure (veth into a namespace)" "bench" "tool" "bench/tool"
for ((i = 1; i <= rounds; i++)); do
	read -r up b_up < <(pair "$i" up up.veth.gbps iperf)
	read -r down b_down < <(pair "$i" down down.veth.gbps iperf -R)
	read -r rtt b_rtt < <(pair "$i" rr1 rr1.veth.lat_us sockperf_rtt)
	[[ -n $up && -n $b_up && -n $down && -n $b_down && -n $rtt && -n $b_rtt ]] || die "a figure is missing (above)"
	printf '%5d %-30s %10.3f %10.3f %10s\n' "$i" "stream up, Gbit/s (iperf3)" "$b_up" "$up" "$(ratio "$b_up" "$up")"
	printf '%5d %-30s %10.3f %10.3f %10s\n' "$i" "stream down, Gbit/s (iperf3 -R)" "$b_down" "$down" "$(ratio "$b_down" "$down")"
	printf '%5d %-30s %10.3f %10.3f %10s\n' "$i" "round trip p50, us (sockperf)" "$b_rtt" "$rtt" "$(ratio "$b_rtt" "$rtt")"
	echo "$(ratio "$b_up" "$up") $(ratio "$b_down" "$down") $(ratio "$b_rtt" "$rtt")" >>"$tmp/ratios"
done
printf 'median ratios bench/tool: up %s, down %s, round trip %s (%d rounds; tools in cgroup %s; pinned: %s; load average %s at the start, %s at the end)\n' \
	"$(awk '{ print $1 }' "$tmp/ratios" | median)" "$(awk '{ print $2 }' "$tmp/ratios" | median)" \
	"$(awk '{ print $3 }' "$tmp/ratios" | median)" "$rounds" "${cg:-(none: no cpu controller)}" "$pinned" "$load_begin" \
	"$(cut -d' ' -f1-3 /proc/loadavg)"
