#!/bin/sh
# Run every bench/*.sh (except this one) with the build directory as $1.
# Each prints lines "BENCH <name> <value> <unit>" among its other output.
# Exit non-zero when any benchmark fails to run.
B=$(cd "${1:-build}" && pwd)
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
fail=0
for s in bench/*.sh; do
	[ "$(basename "$s")" = run.sh ] && continue
	echo "== $(basename "$s" .sh)"
	tmp=$(mktemp -d /tmp/ledsign-bench.XXXXXX)
	if ! TMP="$tmp" timeout 600 sh "$s" "$B"; then
		echo "bench: $s failed"
		fail=1
	fi
	rm -rf "$tmp"
done
exit $fail
