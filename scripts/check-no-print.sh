#!/bin/sh
# "Nothing below main() prints" (lib/error.h): functions fill *err or return
# text, and only the command layer writes to the terminal.  This check keeps
# the rule: a product source file that names stdout or stderr, or calls
# printf, puts, putchar, perror, vprintf, or dprintf/write on fd 1 or 2,
# fails unless it is in the list below.  Writing to a FILE * the caller
# passes in (a summary into a file or a memstream) is not printing.
#
# bench/agent/ is not bench: it is the workload, whose stdout is its protocol.
set -eu
cd "$(dirname "$0")/.."

# The command layer, by name, and why each file may print.
allowed='
bench/main.c                      the command line: help, version, unknown command
lib/error.c                       bench_error_print: every failure, printed once
bench/harness/run_output_print.c  the driver'"'"'s output step: the summary, where the results went
bench/harness/progress.c          the progress bar
bench/harness/report.c            cmd_report
bench/harness/doctor.c            cmd_doctor
bench/harness/cleanup.c           cmd_cleanup
bench/harness/plot_cmd.c          cmd_plot
bench/harness/bench_run.c        cmd_run: the list of benchmarks and their --help
bench/harness/suite.c             cmd_run_all: the progress line of the suite and its closing lines
bench/isolation.c                 the noisy-neighbour progress lines, like the progress bar
bench/tools/oci_by_hand.c         a benchmark script'"'"'s own program (its main), not part of bench
'

status=0
for f in $(find lib container vm net runners bench -name '*.c' -not -path 'bench/agent/*' | sort); do
	if printf '%s\n' "$allowed" | awk '{print $1}' | grep -qxF "$f"; then
		continue
	fi
	# Without string and character literals and comments, so that a
	# message or a comment that mentions stdout is not taken for printing.
	hits=$(sed -E -e 's/"([^"\\]|\\.)*"/""/g' -e "s/'([^'\\\\]|\\\\.)'/''/g" -e 's:/\*.*\*/::g' -e 's://.*$::' \
		-e 's:^[[:space:]]*(/\*|\*).*$::' "$f" |
		grep -nE '\b(stdout|stderr)\b|\b(printf|vprintf|puts|putchar|perror)[[:space:]]*\(|STD(OUT|ERR)_FILENO|\b(dprintf|write)[[:space:]]*\([[:space:]]*[12][[:space:]]*,' ||
		true)
	if [ -n "$hits" ]; then
		printf '%s\n' "$hits" | sed "s|^|$f:|" >&2
		status=1
	fi
done
if [ "$status" -ne 0 ]; then
	echo "check-no-print: nothing below main() prints (lib/error.h): fill *err or return text, and let the cmd layer print; or add the file to the list in $0 if it is the cmd layer" >&2
fi
exit "$status"
