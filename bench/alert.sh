#!/bin/sh
# Alert latency: 100 simulated boards (LSP over loopback TCP, bench/alertfarm.c)
# driven by `ledsign play`; 25 rounds of `ledsign alert` (emergency, every
# board), each timed from starting the command to the last board showing
# and acknowledging the alert frame, then `ledsign clear --all`.
#   BENCH alert-latency-p50 <ms> ms    BENCH alert-latency-p99 <ms> ms
# (alert-latency-<BOARDS>-p50/-p99 for other than 100 boards; bench/alert-1000.sh)
# Usage: bench/alert.sh [BUILD_DIR] [BOARDS] [ROUNDS]
B=${1:-build}
N=${2:-100}
ROUNDS=${3:-25}
OUT=$(mktemp -d)
# a thousand boards are a thousand sockets on each side
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)"
[ -n "${KEEP:-}" ] && echo "bench/alert: keeping $OUT" >&2
FARM="" DAEMON=""
# only the two processes started here, by pid
stop() { for p in $FARM $DAEMON; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$OUT"; }
trap stop EXIT
trap 'exit 1' INT TERM

NAME=alert
. bench/farm.lib
farm_start "$ROUNDS"
farm_config
"$B/ledsign" play "$OUT/bench.cfg" --foreground 2>"$OUT/daemon.log" &
DAEMON=$!
if ! wait $FARM; then
	echo "bench/alert: failed; daemon log:" >&2
	tail -20 "$OUT/daemon.log" >&2
	cat "$OUT/farm.out" >&2
	exit 1
fi
FARM=""
grep -v '^BENCH' "$OUT/farm.out" >&2
echo "# $N boards, load $(cut -d' ' -f1 /proc/loadavg) on $(nproc) CPUs" >&2
if [ "$N" = 100 ]; then
	grep '^BENCH' "$OUT/farm.out"
else
	grep '^BENCH' "$OUT/farm.out" | sed "s/alert-latency-/alert-latency-$N-/"
fi
