#!/bin/bash
# How much does bench add to an OCI runtime's start?  Runs bench's crun and
# runc runners (startup, launch to gone: create, start, READY, delete) next
# to `<runtime> run` of the same bundle started by hand under hyperfine
# (one process doing create, start, wait and delete), and prints both
# medians and their ratio (aim: within 10%).  A benchmark script, not a
# test.
#
#   bench/oci_compare.sh [RUNS] [RUNTIMES]     (default 20, "crun runc")
#
# The bundle is the one bench wrote: its config.json is in the results'
# metadata (oci_runtimes.<runtime>.config), rewritten here only for the
# rootfs path and the cgroup.  On a hybrid cgroup host crun runs in a
# private mount namespace without the cgroup2 mount, as bench's runner
# does (crun 1.8 refuses hybrid layouts).  Uses bin/bench and
# bin/bench-agent (BENCH_BIN / BENCH_AGENT override); needs root, hyperfine
# and jq.
set -euo pipefail

runs=${1:-20}
runtimes=${2:-crun runc}
here=$(cd "$(dirname "$0")/.." && pwd)
bench=${BENCH_BIN:-$here/bin/bench}
export BENCH_AGENT=${BENCH_AGENT:-$here/bin/bench-agent}

die() { echo "oci_compare: $*" >&2; exit 1; }
[[ -x $bench ]] || die "$bench not built (make)"
command -v hyperfine >/dev/null || die "hyperfine missing: apt-get install -y hyperfine"
command -v jq >/dev/null || die "jq missing: apt-get install -y jq"
[[ $(id -u) -eq 0 ]] || die "needs root"

tmp=$(mktemp -d /tmp/bench-oci-compare.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
unified=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
hybrid=no
[[ -n $unified && $unified != /sys/fs/cgroup ]] && hybrid=yes

for rt in $runtimes; do
	command -v "$rt" >/dev/null || die "$rt missing: apt-get install -y $rt"
	"$bench" run startup --runners "$rt" --runs "$runs" --warmup 2 --quiet --out "$tmp/res-$rt" \
		--export-csv "$tmp/$rt.csv" 2>/dev/null
	ours=$(awk -F, '$2 == "gone" { print $5 }' "$tmp/$rt.csv" | sort -g |
		awk '{ v[NR] = $1 } END { printf "%.3f\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
	bundle=$tmp/bundle-$rt
	mkdir -p "$bundle/rootfs/proc" "$bundle/rootfs/dev"
	cp "$BENCH_AGENT" "$bundle/rootfs/bench-agent"
	jq --arg rt "$rt" ".oci_runtimes[\$rt].config | .root.path = \"rootfs\" |
		.linux.cgroupsPath = \"/bench-oci.slice/compare-$$\"" "$tmp/res-$rt/latest/meta.json" >"$bundle/config.json"
	cli="$rt --root $tmp/state-$rt"
	run="$cli run --bundle $bundle cmp-$$"
	# bench's own lifecycle, by hand: three runtime processes, as a shim
	# drives them (hyperfine subtracts the shell's own start).
	steps="$cli create --bundle $bundle cmp-$$ && $cli start cmp-$$ && $cli delete --force cmp-$$"
	wrap=()
	if [[ $rt == crun && $hybrid == yes ]]; then
		wrap=(unshare -m --propagation private bash -c "umount -l $unified && exec \"\$0\" \"\$@\"")
	fi
	"${wrap[@]}" hyperfine --warmup 2 --runs "$runs" --export-json "$tmp/$rt.json" \
		--output=null "$run" "$steps" >/dev/null
	hand=$(jq '.results[0].median * 1000' "$tmp/$rt.json")
	hand3=$(jq '.results[1].median * 1000' "$tmp/$rt.json")
	echo "$rt: by hand, '$rt run' (hyperfine, $runs runs):          median $(printf '%.1f' "$hand") ms"
	echo "$rt: by hand, create + start + delete (hyperfine):   median $(printf '%.1f' "$hand3") ms"
	echo "$rt: bench's $rt runner, launch to gone:               median $(printf '%.1f' "$ours") ms"
	awk -v a="$ours" -v b="$hand" -v c="$hand3" -v rt="$rt" 'BEGIN {
		printf "%s: bench / \"run\" by hand = %.3f (%+.1f%%); bench / create+start+delete by hand = %.3f (%+.1f%%)\n",
			rt, a / b, (a / b - 1) * 100, a / c, (a / c - 1) * 100 }'
	rmdir /sys/fs/cgroup/*/bench-oci.slice/compare-$$ 2>/dev/null || true
	rmdir /sys/fs/cgroup/*/bench-oci.slice 2>/dev/null || true
done
