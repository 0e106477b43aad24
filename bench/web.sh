#!/bin/sh
# The staff console with 100 boards (LSP over loopback TCP, bench/alertfarm.c
# in its passive mode), driven by headless chromium through chromedriver:
#   BENCH web-wall-100-boards-ms   from asking for /wall to every board's
#                                  picture loaded in the browser (first load)
#   BENCH web-alert-to-board-ms    from the click on "confirm" to the last of
#                                  the 100 boards acknowledging the alert
#                                  frame (median of ROUNDS; max printed too)
# Usage: bench/web.sh [BUILD_DIR] [BOARDS] [ROUNDS]
B=${1:-build}
N=${2:-100}
ROUNDS=${3:-10}
OUT=$(mktemp -d)
PY=/usr/bin/python3
[ -n "${KEEP:-}" ] && echo "bench/web: keeping $OUT" >&2
FARM="" DAEMON="" WEB="" DRIVER=""
# only the processes started here, by pid (chromedriver and its browser by process group)
stop() {
	[ -n "$DRIVER" ] && kill -- "-$DRIVER" 2>/dev/null
	for p in $FARM $DAEMON $WEB; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	[ -n "${KEEP:-}" ] || rm -rf "$OUT"
}
trap stop EXIT
trap 'exit 1' INT TERM
free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

NAME=web
. bench/farm.lib
farm_start 0
farm_config floors
"$B/ledsign" play "$OUT/bench.cfg" --foreground 2>"$OUT/daemon.log" &
DAEMON=$!
n=200; until grep -q '^ready' "$OUT/farm.out"; do
	n=$((n - 1)); [ $n -gt 0 ] || { echo "bench/web: boards never came up" >&2; tail "$OUT/daemon.log" >&2; exit 1; }; sleep 0.1
done
echo "pass-word-1" | "$B/ledsign" user add duty --role duty --users "$OUT/users.db" --password-stdin >/dev/null || exit 1
"$B/ledsign" web --listen 127.0.0.1:0 --config "$OUT/bench.cfg" --users "$OUT/users.db" >"$OUT/web.out" 2>"$OUT/web.log" &
WEB=$!
DPORT=$(free_port)
setsid /usr/bin/chromedriver --port="$DPORT" >"$OUT/chromedriver.log" 2>&1 &
DRIVER=$!
n=100; until grep -q "serving http" "$OUT/web.out" 2>/dev/null; do
	n=$((n - 1)); [ $n -gt 0 ] || { echo "bench/web: ledsign web did not start" >&2; exit 1; }; sleep 0.1
done
WEB_URL=$(sed -n 's|.*serving \(http://[0-9.]*:[0-9]*\)/.*|\1|p' "$OUT/web.out")
WEB_URL=$WEB_URL DRIVER_URL="http://127.0.0.1:$DPORT" TMP=$OUT SOCK="$OUT/run/control.sock" LEDSIGN="$B/ledsign" \
    PASS=pass-word-1 FARM_OUT="$OUT/farm.out" NBOARDS=$N ROUNDS=$ROUNDS timeout 300 $PY bench/web_bench.py
