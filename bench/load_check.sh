#!/bin/bash
# Load checks of bench itself: does it leak when it runs long, does it
# leak in libvirtd, and does it fail cleanly at the host's fd limit?  A
# benchmark script, not a test: it prints figures and a word on each.
#
#   1. CONTAINER_STARTS container starts in one run, sampling bench's own
#      RSS (VmRSS) and open fds every SAMPLE_MS (100) ms: the first and last samples,
#      the largest, and FLAT or GROWING (the mean of the last 10% of the
#      samples against the first 10% after bench's first second: RSS up
#      by more than 10%, or fds by more than 2).
#   2. VM_STARTS VM starts back to back: libvirtd's fds before and after
#      (and bench's own samples, as in 1).
#   3. A container launch storm larger than FD_LIMIT under `ulimit -n
#      FD_LIMIT`: a non-zero exit with one error line on stderr (and the
#      line that says where the storms that fitted went), and nothing of
#      the run left (no cgroup, /run/bench folder or mount with its run
#      id; `bench cleanup` then removes nothing).
#
#   bench/load_check.sh [CONTAINER_STARTS] [VM_STARTS] [FD_LIMIT]
#                                      (defaults: 1000, 20, 64; as root)
#
# Uses bin/bench and bin/bench-agent (BENCH_BIN / BENCH_AGENT override).
# Run it on a quiet machine: other work changes the timings, not the
# verdicts.
set -uo pipefail

# 1000 container starts take about 6 s here: every 100 ms gives enough
# samples for two windows of 10%.
sample_ms=${SAMPLE_MS:-100}
container_starts=${1:-1000}
vm_starts=${2:-20}
fd_limit=${3:-64}
here=$(cd "$(dirname "$0")/.." && pwd)
bench=${BENCH_BIN:-$here/bin/bench}
export BENCH_AGENT=${BENCH_AGENT:-$here/bin/bench-agent}

die() { echo "load_check: $*" >&2; exit 1; }

[[ $(id -u) == 0 ]] || die "needs root (containers, VMs, cgroups)"
[[ -x $bench ]] || die "$bench not built (make)"
[[ -x $BENCH_AGENT ]] || die "$BENCH_AGENT not built (make)"

tmp=$(mktemp -d /tmp/bench-load-check.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

verdicts=()

# sample PID FILE: "seconds rss_kib fds" every SAMPLE_MS while PID lives,
# with shell builtins only, so that sampling costs little and keeps time.
sample() {
	local pid=$1 out=$2 t0=$EPOCHREALTIME key value _ rss fds
	local pause
	pause=$(printf '%d.%03d' $((sample_ms / 1000)) $((sample_ms % 1000)))
	while [[ -d /proc/$pid ]]; do
		rss=
		while read -r key value _; do
			[[ $key == VmRSS: ]] && { rss=$value; break; }
		done <"/proc/$pid/status" 2>/dev/null
		# A zombie has no memory: the run is over.
		[[ -n $rss ]] || break
		fds=(/proc/"$pid"/fd/*)
		echo "$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }') $rss ${#fds[@]}" >>"$out"
		sleep "$pause"
	done
}

# report NAME FILE STARTS: prints the samples' summary and FLAT or
# GROWING.  The windows leave out the first second, bench's own start
# (libraries, the machine's metadata), which is not the run's growth.
report() {
	local name=$1 file=$2 starts=$3
	awk -v name="$name" -v starts="$starts" '
		{ t[NR] = $1; rss[NR] = $2; fds[NR] = $3
		  if ($2 > maxrss) maxrss = $2; if ($3 > maxfds) maxfds = $3
		  if (!s0 && $1 >= 1.0) s0 = NR }
		END {
			m = s0 ? NR - s0 + 1 : 0
			k = int(m / 10)
			if (k < 2) { printf "%s: %d samples after the first second: too short to judge\n", name, m; exit 2 }
			for (i = 0; i < k; i++) { r0 += rss[s0 + i]; f0 += fds[s0 + i]; r1 += rss[NR - i]; f1 += fds[NR - i] }
			r0 /= k; f0 /= k; r1 /= k; f1 /= k
			printf "%s: %d samples over %.1f s\n", name, NR, t[NR]
			printf "  first  t=%6.1f s  rss %7d KiB  fds %4d\n", t[1], rss[1], fds[1]
			printf "  last   t=%6.1f s  rss %7d KiB  fds %4d\n", t[NR], rss[NR], fds[NR]
			printf "  max                rss %7d KiB  fds %4d\n", maxrss, maxfds
			printf "  mean of the first 10%% after t=%.1f s (%d samples): rss %.0f KiB, fds %.1f\n", t[s0], k, r0, f0
			printf "  mean of the last 10%% (%d samples):                 rss %.0f KiB, fds %.1f\n", k, r1, f1
			growing = (r1 - r0 > 0.10 * r0) || (f1 - f0 > 2)
			printf "  %s (RSS %+.1f%%, %+.0f bytes a start over %d starts; fds %+.1f)\n", growing ? "GROWING" : "FLAT",
			       100 * (r1 - r0) / r0, (r1 - r0) * 1024 / starts, starts, f1 - f0
			exit growing
		}' "$file"
}

# run_sampled NAME STARTS ARGS...: runs bench with ARGS (STARTS starts),
# sampling it.
run_sampled() {
	local name=$1 starts=$2 pid rc t0 t1
	shift 2
	: >"$tmp/$name.samples"
	t0=$(date +%s.%N)
	"$bench" "$@" --out "$tmp/res" >"$tmp/$name.out" 2>"$tmp/$name.err" &
	pid=$!
	sample "$pid" "$tmp/$name.samples"
	wait "$pid"
	rc=$?
	t1=$(date +%s.%N)
	printf '%s: bench %s: exit %d in %.1f s\n' "$name" "$*" "$rc" "$(echo "$t1 - $t0" | bc)"
	[[ $rc == 0 ]] || { sed 's/^/  stderr: /' "$tmp/$name.err"; verdicts+=("$name: bench failed (exit $rc)"); }
	report "$name" "$tmp/$name.samples" "$starts"
	case $? in
	0) verdicts+=("$name: FLAT") ;;
	1) verdicts+=("$name: GROWING") ;;
	*) verdicts+=("$name: too short to judge") ;;
	esac
}

libvirtd_fds() {
	local pid
	pid=$(pidof libvirtd) || { echo "?"; return; }
	find "/proc/${pid%% *}/fd" -mindepth 1 -maxdepth 1 | wc -l
}

echo "load_check: $(date -u +%FT%TZ), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# 1. Many container starts in one run.
run_sampled containers "$container_starts" run startup --runners container --runs "$container_starts" --warmup 0 --quiet
echo

# 2. VM starts back to back, and libvirtd.
if pidof libvirtd >/dev/null; then
	before=$(libvirtd_fds)
	run_sampled vms "$vm_starts" run startup --runners vm --runs "$vm_starts" --warmup 0 --quiet
	sleep 1 # libvirtd closes a domain's fds once QEMU is reaped
	after=$(libvirtd_fds)
	echo "  libvirtd (pid $(pidof libvirtd)) fds: $before before, $after after ($((after - before)))"
	if ((after - before > 2)); then verdicts+=("libvirtd fds: GROWING ($before -> $after)"); else verdicts+=("libvirtd fds: FLAT ($before -> $after)"); fi
else
	echo "vms: libvirtd is not running: skipped"
	verdicts+=("vms: skipped (no libvirtd)")
fi
echo

# 3. A storm that needs more fds than the limit allows.
storm=$((fd_limit * 2))
(
	ulimit -n "$fd_limit" || exit 99
	exec "$bench" run density --runners container --storm-max "$storm" --runs 1 --warmup 0 --quiet --out "$tmp/res"
) >"$tmp/storm.out" 2>"$tmp/storm.err" &
pid=$!
wait "$pid"
rc=$?
# Where the storms that fitted went is said too, and what dead runs of
# others left that bench removed first: neither is this run's error.
lines=$(grep -vc -e '^bench: results in ' -e '^bench: removed what an interrupted earlier run left' "$tmp/storm.err")
echo "fd limit: ulimit -n $fd_limit, bench run density --runners container --storm-max $storm: exit $rc, $lines error line(s) on stderr:"
sed 's/^/  /' "$tmp/storm.err"
left=0
for d in /sys/fs/cgroup/*/bench.slice /sys/fs/cgroup/bench.slice; do
	[[ -d $d ]] || continue
	for c in "$d"/bench-"$pid"-*; do
		[[ -e $c ]] && { echo "  left: cgroup $c"; left=$((left + 1)); }
	done
done
for f in /run/bench/bench-"$pid"-*; do
	[[ -e $f ]] && { echo "  left: $f"; left=$((left + 1)); }
done
n=$(grep -c "bench-$pid-" /proc/self/mountinfo)
((n > 0)) && { echo "  left: $n mounts"; left=$((left + n)); }
echo "  left behind by run bench-$pid-*: $left"
echo "  bench cleanup: $("$bench" cleanup 2>&1 | tr '\n' ' ')"
if ((rc != 0 && rc != 99 && lines == 1 && left == 0)); then
	verdicts+=("fd limit: CLEAN (exit $rc, one line, nothing left)")
else
	verdicts+=("fd limit: NOT CLEAN (exit $rc, $lines lines, $left left)")
fi

echo
echo "load_check: load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
printf '  %s\n' "${verdicts[@]}"
