#!/bin/bash
# How much does bench add to an OCI runtime's start?  Times bench's runner
# for each runtime (startup, launch to gone) against the same runtime
# started by hand with the same bundle and the same lifecycle, with no
# shell in between (bench/tools/oci_by_hand.c, compiled here), in both of
# bench's lifecycles:
#   phases  bench --oci-lifecycle phases (the default: create, start, READY,
#           delete: three runtime calls)  vs  create, start, READY, agent's
#           end, delete by hand;
#   run     bench --oci-lifecycle run (one `<runtime> run`)  vs  `<runtime>
#           run` by hand until READY and its end.
# The load on this machine drifts, so the four are interleaved in ROUNDS
# rounds of RUNS/ROUNDS runs each and the medians are over all rounds.
# Prints the medians, bench / by hand (aim: within 10%), and by hand each
# step's median.  Also `hyperfine -N '<runtime> run'` where hyperfine is
# there, as a check of the by-hand driver.  A benchmark script, not a test.
#
#   bench/oci_compare.sh [RUNS] [RUNTIMES] [ROUNDS]   (default 20, "crun runc", 4)
#
# The bundle is the one bench wrote: its config.json is in the results'
# metadata (oci_runtimes.<runtime>.config), rewritten here only for the
# rootfs path and the cgroup.  On a hybrid cgroup host crun runs in a
# private mount namespace without the cgroup2 mount (made once per batch,
# as bench makes one per run; crun 1.8 refuses hybrid layouts).  Uses
# bin/bench and bin/bench-agent (BENCH_BIN / BENCH_AGENT override); needs
# root, cc and jq.
set -euo pipefail

runs=${1:-20}
runtimes=${2:-crun runc}
rounds=${3:-4}
here=$(cd "$(dirname "$0")/.." && pwd)
bench=${BENCH_BIN:-$here/bin/bench}
export BENCH_AGENT=${BENCH_AGENT:-$here/bin/bench-agent}

die() { echo "oci_compare: $*" >&2; exit 1; }
[[ $runs =~ ^[0-9]+$ && $rounds =~ ^[0-9]+$ && $rounds -ge 1 && $runs -ge $rounds ]] ||
	die "RUNS and ROUNDS are whole numbers, RUNS >= ROUNDS >= 1"
[[ -x $bench ]] || die "$bench not built (make)"
command -v jq >/dev/null || die "jq missing: apt-get install -y jq"
command -v cc >/dev/null || die "cc missing: apt-get install -y gcc"
[[ $(id -u) -eq 0 ]] || die "needs root"

unified=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
hybrid=no
[[ -n $unified && $unified != /sys/fs/cgroup ]] && hybrid=yes
tmp=$(mktemp -d /tmp/bench-oci-compare.XXXXXX)
# Also after a failure: the by-hand containers (force-deleted, crun in its
# private namespace), their cgroups, and the folder.
cleanup() {
	local rt ids
	for rt in $runtimes; do
		[[ -d $tmp/state-$rt ]] || continue
		ids=$(as_bench "$rt" "$rt" --root "$tmp/state-$rt" list -q 2>/dev/null || true)
		for id in $ids; do
			as_bench "$rt" "$rt" --root "$tmp/state-$rt" delete --force "$id" >/dev/null 2>&1 || true
		done
	done
	rmdir /sys/fs/cgroup/*/bench-oci.slice/compare-$$ 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
cc -std=c17 -O2 -Wall -Wextra -Werror -o "$tmp/oci_by_hand" "$here/bench/tools/oci_by_hand.c"

# Runs the command as bench runs runtime $1's: crun on a hybrid host in a
# private mount namespace without the cgroup2 mount.
as_bench() {
	local rt=$1
	shift
	if [[ $rt == crun && $hybrid == yes ]]; then
		unshare -m --propagation private bash -c "umount -l $unified && exec \"\$0\" \"\$@\"" "$@"
	else
		"$@"
	fi
}
per=$(( (runs + rounds - 1) / rounds ))

# The median of column $1 of the files that follow.
median() {
	local col=$1
	shift
	awk -v c="$col" '{ print $c }' "$@" | sort -g |
		awk '{ v[NR] = $1 } END { if (NR == 0) { print "nan"; exit }
			printf "%.2f\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# bench's launch-to-gone samples (ms) of one startup run, appended to $2.
bench_gone() {
	local lifecycle=$1 out=$2 res=$3
	"$bench" run startup --runners "$rt" --runs "$per" --warmup 2 --quiet --oci-lifecycle "$lifecycle" \
		--out "$res" --export-csv "$tmp/last.csv" >/dev/null 2>"$tmp/bench.err" ||
		die "bench run startup --runners $rt --oci-lifecycle $lifecycle failed: $(tail -1 "$tmp/bench.err")"
	awk -F, '$2 == "gone" { print $5 }' "$tmp/last.csv" >>"$out"
}

for rt in $runtimes; do
	bin=$(command -v "$rt") || die "$rt missing: apt-get install -y $rt"
	for f in bench-phases bench-run hand-phases hand-run; do : >"$tmp/$rt-$f"; done
	globals=(--root "$tmp/state-$rt")
	bundle=$tmp/bundle-$rt
	hand=phases
	for ((round = 1; round <= rounds; round++)); do
		bench_gone phases "$tmp/$rt-bench-phases" "$tmp/res-$rt"
		if [[ $round -eq 1 ]]; then
			meta=$(ls -d "$tmp/res-$rt"/*-startup | head -1)/meta.json
			mkdir -p "$bundle/rootfs/proc" "$bundle/rootfs/dev"
			cp "$BENCH_AGENT" "$bundle/rootfs/bench-agent"
			jq --arg rt "$rt" ".oci_runtimes[\$rt].config | .root.path = \"rootfs\" |
				.linux.cgroupsPath = \"/bench-oci.slice/compare-$$\"" "$meta" >"$bundle/config.json"
			platform=$(jq -r --arg rt "$rt" '.oci_runtimes[$rt].platform // empty' "$meta")
			# runsc: the platform and network bench used (its runner's globals).
			# runsc: the platform and network bench used (its runner's
			# globals), and the agent is no host process to wait for.
			[[ -n $platform ]] && globals+=("--platform=$platform" --network=none) && hand=sandbox
		fi
		bench_gone run "$tmp/$rt-bench-run" "$tmp/res-$rt"
		# Two warm-up runs dropped, as bench's --warmup 2.
		as_bench "$rt" "$tmp/oci_by_hand" $((per + 2)) "$hand" "$bundle" "cmp-$$-p$round" "$bin" "${globals[@]}" |
			tail -n +3 >>"$tmp/$rt-hand-phases"
		as_bench "$rt" "$tmp/oci_by_hand" $((per + 2)) run "$bundle" "cmp-$$-r$round" "$bin" "${globals[@]}" |
			tail -n +3 >>"$tmp/$rt-hand-run"
	done
	bp=$(median 1 "$tmp/$rt-bench-phases")
	hp=$(median 1 "$tmp/$rt-hand-phases")
	br=$(median 1 "$tmp/$rt-bench-run")
	hr=$(median 1 "$tmp/$rt-hand-run")
	n=$(wc -l <"$tmp/$rt-hand-phases")
	echo "$rt ($n runs each, $rounds rounds interleaved; $(uptime | sed 's/.*load/load/'))"
	echo "  phases: bench ${bp} ms, by hand ${hp} ms (create $(median 2 "$tmp/$rt-hand-phases"), start" \
		"$(median 3 "$tmp/$rt-hand-phases"), READY $(median 4 "$tmp/$rt-hand-phases"), end" \
		"$(median 5 "$tmp/$rt-hand-phases"), delete $(median 6 "$tmp/$rt-hand-phases"))"
	echo "  run:    bench ${br} ms, by hand ${hr} ms (READY $(median 2 "$tmp/$rt-hand-run"), end" \
		"$(median 3 "$tmp/$rt-hand-run"))"
	awk -v a="$bp" -v b="$hp" -v c="$br" -v d="$hr" -v rt="$rt" 'BEGIN {
		printf "  %s: bench / by hand: phases %.3f (%+.1f%%), run %.3f (%+.1f%%)\n",
			rt, a / b, (a / b - 1) * 100, c / d, (c / d - 1) * 100 }'
	if command -v hyperfine >/dev/null; then
		as_bench "$rt" hyperfine -N --warmup 2 --runs "$per" --export-json "$tmp/$rt.json" --output=null \
			"$bin ${globals[*]} run --bundle $bundle cmp-$$-h" >/dev/null 2>&1 &&
			echo "  check: hyperfine -N '$rt run' (no READY read): median" \
				"$(jq '.results[0].median * 1000 | . * 100 | round / 100' "$tmp/$rt.json") ms"
	fi
	rmdir /sys/fs/cgroup/*/bench-oci.slice/compare-$$ 2>/dev/null || true
done
