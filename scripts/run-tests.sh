#!/bin/bash
# Runs the criterion test binary ($1, then its arguments) with its output
# also in build/test.log, and when a test fails, prints every failure
# again at the end: CI shows only the tail of a log, and a failure told
# ten minutes before the summary line would be out of it.
set -uo pipefail
log=${TEST_LOG:-build/test.log}
mkdir -p "$(dirname "$log")"
"$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
if ((status != 0)); then
	echo "== the failures again (all of the output: $log) =="
	# Criterion's own lines for a failure: [FAIL] per test, [----] for
	# each assertion and its message, [ERR ]/[WARN] for a crash or timeout.
	grep -aE '^\[(FAIL|----|ERR |WARN)\]' "$log" | tail -n 80
	grep -aE '^\[====\] Synthesis' "$log"
fi
exit "$status"
