#!/bin/sh
# Run every unit test binary in BUILD/tests; exit non-zero if any fails.
# cmocka prints its own summary per binary; we add one closing line.
B=${1:-build}
pass=0; fail=0; failed=""; t0=$(date +%s)
for t in "$B"/tests/test_*; do
	[ -x "$t" ] || continue
	if "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed $(basename "$t")"; fi
done
echo "unit: $pass passed, $fail failed, $(( $(date +%s) - t0 )) s"
[ "$fail" -eq 0 ] || { echo "unit: failed:$failed"; exit 1; }
