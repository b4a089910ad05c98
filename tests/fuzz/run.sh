#!/usr/bin/env bash
# Runs each libFuzzer target for SECONDS from its seed corpus
# (tests/fuzz/corpus/<target>/) and says how many inputs it ran.  New inputs
# go to DIR/corpus/<target>/ (the committed seeds stay as they are), a
# crashing input to DIR/crashes/<target>-*.  Every target runs even when an
# earlier one crashed; the exit status is non-zero when any did.
#
#   tests/fuzz/run.sh DIR SECONDS TARGET...
set -uo pipefail

dir=$1 seconds=$2
shift 2
seeds=$(dirname "$0")/corpus
failed=()

for t in "$@"; do
	name=${t#fuzz_}
	log=$dir/$t.log
	mkdir -p "$dir/corpus/$name" "$dir/crashes"
	dict=$(dirname "$0")/$name.dict
	[[ $name == report ]] && dict=$(dirname "$0")/results_load.dict
	"$dir/$t" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 -dict="$dict" \
		-artifact_prefix="$dir/crashes/$name-" "$dir/corpus/$name" "$seeds/$name" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	if [[ $rc -ne 0 ]]; then
		tail -n 40 "$log" >&2
		printf 'fuzz: %s: FAILED (exit %d) after %s execs; log %s, input under %s/crashes/\n' \
			"$t" "$rc" "${execs:-?}" "$log" "$dir" >&2
		failed+=("$t")
	else
		printf 'fuzz: %s: %s execs in %s s, no crash\n' "$t" "${execs:-?}" "$seconds"
	fi
done
if [[ ${#failed[@]} -gt 0 ]]; then
	printf 'fuzz: failed: %s\n' "${failed[*]}" >&2
	exit 1
fi
