#!/bin/sh
# Run the integration tests (tests/integration/NN-name.sh, each given the
# build directory as $1), several at a time.
#
#   tests/run-integration.sh [-j N] [BUILD] [TEST...]
#
#   -j N    run N tests at once (default: $LEDSIGN_TEST_JOBS, else twice
#           the number of cores; most tests wait on sockets and timers, not
#           on a CPU).  -j 1 runs them one after another.
#   BUILD   the build directory (default build)
#   TEST    only these tests: a number (56) or a name (56-control-stress)
#
# A test whose header has a line "# serial: REASON" runs alone, after the
# others: it measures a frame rate, CPU or wall time, or uses something the
# whole machine shares (the default /run/ledsign paths).  Everything else runs
# side by side, so each test keeps to its own $TMP and kernel-chosen loopback
# ports and kills only the processes it started, by pid.
#
# LEDSIGN_TEST_BESIDE=COMMAND runs COMMAND at nice 19 beside the tests that
# run side by side, and waits for it before the serial tests start (make
# check builds the ASan binaries there, while the CPU waits for the tests).
# Its failure is printed, not counted: make check builds again and stops.
#
# Each test runs in its own temporary directory (TMP) under `timeout 300`.
# When a test ends its line is printed, "PASS name (S s)" or "FAIL name (S s)"
# followed by the last 40 lines of its output; a summary line ends the run
# with the total time (make check has a 20-minute budget on 2 cores).  Exit
# non-zero if any test fails.
usage() { echo "usage: $0 [-j N] [BUILD] [TEST...]" >&2; exit 2; }
J=${LEDSIGN_TEST_JOBS:-$(( 2 * $(nproc 2>/dev/null || echo 1) ))}
while getopts j: o; do
	case $o in j) J=$OPTARG;; *) usage;; esac
done
shift $((OPTIND - 1))
case $J in ''|*[!0-9]*|0) usage;; esac
B=$(cd "${1:-build}" && pwd) || exit 2
[ $# -gt 0 ] && shift
ROOT=$(cd "$(dirname "$0")/.." && pwd)

# the tests to run, in order, as "serial|parallel path" lines
RUN=$(mktemp -d /tmp/ledsign-itrun.XXXXXX) || exit 2
for t in "$ROOT"/tests/integration/*.sh; do
	[ -f "$t" ] || continue
	name=$(basename "$t" .sh)
	if [ $# -gt 0 ]; then
		want=0
		for w in "$@"; do case $name in "$w"|"$w"-*) want=1;; esac; done
		[ $want = 1 ] || continue
	fi
	if grep -q '^# serial:' "$t"; then echo "$t" >>"$RUN/serial"; else echo "$t" >>"$RUN/parallel"; fi
done
[ -s "$RUN/serial" ] || [ -s "$RUN/parallel" ] || { echo "no such test: $*" >&2; rm -rf "$RUN"; exit 2; }

pass=0; fail=0; failed=""; running=0
T0=$(date +%s)
# Start test $1 in the background; when it ends, $RUN/NAME.done holds
# "STATUS SECONDS" and $RUN/NAME.tmp names its directory.
start() {
	name=$(basename "$1" .sh)
	tmp=$(mktemp -d /tmp/ledsign-it.XXXXXX)
	echo "$tmp" >"$RUN/$name.tmp"
	(
		t0=$(date +%s)
		(cd "$ROOT" && TMP="$tmp" exec timeout 300 sh "$1" "$B" </dev/null >"$tmp/log" 2>&1)
		echo "$? $(( $(date +%s) - t0 ))" >"$RUN/$name.part" && mv "$RUN/$name.part" "$RUN/$name.done"
	) &
	echo $! >"$RUN/$name.pid"
	running=$((running + 1))
}
# Print the line (and a failure's log tail) of every test that has ended.
reap() {
	for d in "$RUN"/*.done; do
		[ -f "$d" ] || continue
		name=$(basename "$d" .done)
		read -r rc secs <"$d"
		tmp=$(cat "$RUN/$name.tmp")
		wait "$(cat "$RUN/$name.pid")" 2>/dev/null
		if [ "$rc" = 0 ]; then
			pass=$((pass + 1)); echo "PASS $name ($secs s)"
		else
			fail=$((fail + 1)); failed="$failed $name"; echo "FAIL $name ($secs s)"
			[ "$rc" = 124 ] && echo "    (timed out after 300 s)"
			sed 's/^/    /' "$tmp/log" | tail -40
		fi
		rm -rf "$tmp" "$d" "$RUN/$name.tmp" "$RUN/$name.pid"
		running=$((running - 1))
	done
}
# Wait until fewer than $1 tests run.
wait_below() {
	reap
	while [ "$running" -ge "$1" ]; do sleep 0.2; reap; done
}
stop() {
	for p in "$RUN"/*.pid; do [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null; done
	[ -n "$BESIDE" ] && kill "$BESIDE" 2>/dev/null
	rm -rf "$RUN"; exit 130
}
BESIDE=""
trap stop INT TERM

BESIDE=""
if [ -n "${LEDSIGN_TEST_BESIDE:-}" ]; then
	nice -n 19 sh -c "$LEDSIGN_TEST_BESIDE" </dev/null >"$RUN/beside.log" 2>&1 &
	BESIDE=$!
fi
if [ -s "$RUN/parallel" ]; then
	while read -r t; do wait_below "$J"; start "$t"; done <"$RUN/parallel"
	wait_below 1
fi
if [ -n "$BESIDE" ]; then
	b0=$(date +%s)
	wait "$BESIDE"; rc=$?
	echo "beside the tests: $LEDSIGN_TEST_BESIDE: status $rc, waited $(( $(date +%s) - b0 )) s for it"
	[ $rc = 0 ] || tail -40 "$RUN/beside.log" | sed 's/^/    /'
fi
if [ -s "$RUN/serial" ]; then
	while read -r t; do start "$t"; wait_below 1; done <"$RUN/serial"
fi
rm -rf "$RUN"
echo "integration: $pass passed, $fail failed, $(( $(date +%s) - T0 )) s at -j $J${failed:+; failed:$failed}"
[ "$fail" -eq 0 ]
