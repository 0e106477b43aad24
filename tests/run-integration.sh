#!/bin/sh
# Run every tests/integration/*.sh with the build directory as $1.
# Each test runs in its own temporary directory (TMP) and must clean up the
# processes it starts; each line says how long it took (make check has a
# 20-minute budget on 2 cores).  Exit non-zero if any test fails.
B=$(cd "${1:-build}" && pwd)
ROOT=$(cd "$(dirname "$0")/.." && pwd)
pass=0; fail=0; failed=""
for t in "$ROOT"/tests/integration/*.sh; do
	[ -f "$t" ] || continue
	name=$(basename "$t" .sh)
	tmp=$(mktemp -d /tmp/ledsign-it.XXXXXX)
	t0=$(date +%s)
	if (cd "$ROOT" && TMP="$tmp" timeout 300 sh "$t" "$B" >"$tmp/log" 2>&1); then
		pass=$((pass + 1)); echo "PASS $name ($(( $(date +%s) - t0 )) s)"
	else
		fail=$((fail + 1)); failed="$failed $name"; echo "FAIL $name ($(( $(date +%s) - t0 )) s)"; sed 's/^/    /' "$tmp/log" | tail -40
	fi
	rm -rf "$tmp"
done
echo "integration: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
