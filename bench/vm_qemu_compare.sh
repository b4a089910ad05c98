#!/bin/bash
# How much do libvirt and the harness add to a VM's start?  Runs the vm
# runner's launch-to-READY next to the same QEMU command line started by
# hand (no libvirt, the serial console on a pipe) and the qemu runner (the
# same QEMU started by bench, driven over QMP), alternating, and prints the
# medians and their ratios.  A benchmark script, not a test.
#
#   bench/vm_qemu_compare.sh [ROUNDS]     (default 8)
#
# Uses bin/bench and bin/bench-agent (BENCH_BIN / BENCH_AGENT override) and
# the cached guest kernel and initramfs (run bench once with the vm runner
# first, so that the initramfs exists).
set -euo pipefail

rounds=${1:-8}
here=$(cd "$(dirname "$0")/.." && pwd)
bench=${BENCH_BIN:-$here/bin/bench}
export BENCH_AGENT=${BENCH_AGENT:-$here/bin/bench-agent}
cache=${BENCH_CACHE_DIR:-/var/cache/bench}

die() { echo "vm_qemu_compare: $*" >&2; exit 1; }
[[ -x $bench ]] || die "$bench not built (make)"
kernel=$cache/kernel/current/vmlinuz
[[ -r $kernel ]] || die "no guest kernel in $cache (make setup)"
initrd=$cache/initramfs/$(sha256sum "$BENCH_AGENT" | cut -d' ' -f1).cpio
[[ -r $initrd ]] || die "no initramfs for this agent in $cache/initramfs (run: bench run startup --runners vm --runs 1)"
accel=tcg
grep -qwE 'vmx|svm' /proc/cpuinfo && [[ -w /dev/kvm ]] && accel=kvm

tmp=$(mktemp -d /tmp/bench-vm-compare.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# The vm runner's own command line, as libvirt builds it, less libvirt's
# monitor and its paused start.
by_hand() {
	local start now line
	start=$(date +%s%N)
	while IFS= read -r line; do
		if [[ $line == "BENCH/1 READY"* ]]; then
			now=$(date +%s%N)
			echo $(((now - start) / 1000))
			break
		fi
	done < <(qemu-system-x86_64 -machine pc,usb=off -accel "$accel" -m 256 -smp 2 \
		-display none -no-user-config -nodefaults -rtc base=utc \
		-kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 earlycon=uart8250,io,0x3f8 quiet panic=-1 bench.task=ready bench.hostname=bench-vm-0" \
		-chardev stdio,id=s0 -device isa-serial,chardev=s0 </dev/null 2>/dev/null)
	wait
}

harness() {
	"$bench" run startup --runners "${1:-vm}" --runs 1 --warmup 0 --quiet --out "$tmp/res" \
		--export-csv "$tmp/one.csv" 2>/dev/null
	awk -F, '$2 == "ready" { printf "%d\n", $5 * 1000 }' "$tmp/one.csv"
	rm -rf "$tmp/res"
}

median() { sort -n | awk '{ v[NR] = $1 } END { printf "%d\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

for ((i = 0; i < rounds; i++)); do
	by_hand >>"$tmp/hand"
	harness >>"$tmp/harness"
	harness qemu >>"$tmp/qemu"
done
hand=$(median <"$tmp/hand")
ours=$(median <"$tmp/harness")
direct=$(median <"$tmp/qemu")
echo "accelerator: $accel ($rounds rounds each, alternating)"
echo "QEMU by hand, launch to READY: median $((hand / 1000)) ms"
echo "bench vm runner (libvirt):     median $((ours / 1000)) ms"
echo "bench qemu runner (QMP):       median $((direct / 1000)) ms"
awk -v a="$ours" -v b="$hand" 'BEGIN { printf "libvirt and the harness add %+.1f%%\n", (a / b - 1) * 100 }'
awk -v a="$direct" -v b="$hand" 'BEGIN { printf "the qemu runner adds %+.1f%% to QEMU by hand (aim: within 5%%)\n", (a / b - 1) * 100 }'
awk -v a="$ours" -v b="$direct" 'BEGIN { printf "libvirt'"'"'s own share (vm / qemu runner): %.2f\n", a / b }'
