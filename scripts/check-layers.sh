#!/usr/bin/env bash
# Checks that includes point one way: a folder includes only folders below
# it (HACKING.md).  Prints each include that points up and exits 1 if any.
set -euo pipefail
cd "$(dirname "$0")/.."

# Rank of each folder, lowest first.  bench/ may include bench/harness/ and
# its agent's task headers (the definitions a benchmark shares with its task).
rank() {
	case "$1" in
	lib) echo 0 ;;
	container | vm | oci | net) echo 1 ;;
	runners) echo 2 ;;
	bench/harness) echo 3 ;;
	bench | bench/agent) echo 4 ;;
	*) echo -1 ;;
	esac
}

bad=0
for f in lib/*.[ch] container/*.[ch] vm/*.[ch] oci/*.[ch] net/*.[ch] runners/*.[ch] bench/harness/*.[ch] bench/*.[ch] bench/agent/*.[ch]; do
	[ -e "$f" ] || continue
	dir=$(dirname "$f")
	from=$(rank "$dir")
	while IFS= read -r inc; do
		target=$(realpath -m --relative-to=. "$dir/$inc")
		tdir=$(dirname "$target")
		[ "$tdir" = "$dir" ] && continue
		to=$(rank "$tdir")
		[ "$to" -lt 0 ] && continue
		if [ "$dir" = bench/agent ] && [ "$tdir" != lib ]; then
			echo "layers: $f includes $target: the agent includes only lib/"
			bad=1
		elif [ "$dir" = bench ] && [ "$tdir" = bench/agent ]; then
			continue
		elif [ "$to" -ge "$from" ]; then
			echo "layers: $f includes $target, which is not below $dir"
			bad=1
		fi
	done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
done
exit "$bad"
