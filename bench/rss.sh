#!/bin/sh
# The sample campaign's daemon memory (issue 20): content/campaign-week.cfg
# played by `ledsign play` for 8 s as on campus day (12 September 10:00)
# onto one ledboard simulator per board (their own processes, on ports the
# kernel picks), as `make demo` did before `ledsign rehearse`: the daemon's
# own memory, without the rehearsal's recording of every board.
#   BENCH daemon-rss-sample <MiB> MiB   peak resident memory of `ledsign play`
# tests/integration/09 runs it and holds it under 30 MiB.
set -eu
B=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
OUT=$(mktemp -d)
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$OUT"; }
trap cleanup EXIT INT TERM
cp -r content "$OUT/content"
CFG=$OUT/content/campaign-week.cfg
{
	echo "control_socket = \"$OUT/run/control.sock\";"
	echo "state_dir = \"$OUT/state\";"
	cat content/campaign-week.cfg
} >"$CFG"
mkdir -p "$OUT/run" "$OUT/state"
chmod 0700 "$OUT/run" "$OUT/state"
"$B/ledsign" check "$CFG" --list >"$OUT/boards.txt"
while read -r name w h fmt proto addr; do
	mkdir -p "$OUT/$name"
	kind=${addr%%:*}; rest=${addr#*:}; host=${rest%:*}
	"$B/ledboard" --listen "$kind:$host:0" --size "${w}x${h}" --format "$fmt" --protocol "$proto" \
	    --snapshot "$OUT/$name" --quiet 2>"$OUT/$name.log" &
	pids="$pids $!"
done <"$OUT/boards.txt"
n=50
while [ "$n" -gt 0 ] && [ "$(cat "$OUT"/*.log | grep -c 'listening on')" -lt "$(wc -l <"$OUT/boards.txt")" ]; do
	sleep 0.1; n=$((n - 1))
done
while read -r name w h fmt proto addr; do
	port=$(sed -n 's/^ledboard: listening on [a-z]*:[^ ]*:\([0-9]*\) .*/\1/p' "$OUT/$name.log")
	[ -n "$port" ] || { cat "$OUT/$name.log" >&2; echo "bench/rss: board $name did not start" >&2; exit 1; }
	sed -i "s|\"$addr\"|\"${addr%:*}:$port\"|" "$CFG"
done <"$OUT/boards.txt"
"$B/ledsign" play "$CFG" --foreground --start-at "2023-09-12 10:00" --duration 8 --run-dir "$OUT/run" \
    2>"$OUT/daemon.log" || { tail -20 "$OUT/daemon.log" >&2; exit 1; }
line=$(grep "peak memory" "$OUT/daemon.log") || { tail -20 "$OUT/daemon.log" >&2; exit 1; }
echo "# $(echo "$line" | sed 's/.*daemon: //'); $(grep 'rendering:' "$OUT/daemon.log" | sed 's/.*daemon: //')" >&2
echo "BENCH daemon-rss-sample $(echo "$line" | sed -E 's/.*peak memory ([0-9.]+) MiB.*/\1/') MiB"
