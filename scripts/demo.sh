#!/bin/sh
# make demo: start one simulated board (build/ledboard) per board of the sample
# campaign, play the campaign onto them with `ledsign play` as if it were
# 12 September 10:00 (campus day), and leave a PNG of what each board showed,
# and one animated GIF of the whole site (every board, LED look) on a normal
# campaign morning, 13 September 10:00, when the slogans and laws scroll.
set -eu
B=${1:-build}
# DEMO_OUT moves everything the demo writes (tests use a scratch directory).
ROOTOUT=${DEMO_OUT:-out}
OUT=$ROOTOUT/demo
AT="2023-09-12 10:00"
SECONDS_TO_PLAY=8
SITE_AT="2023-09-13 10:00"
SITE_SECONDS=6
rm -rf "$OUT" "$ROOTOUT/raw" "$ROOTOUT"/*.png "$ROOTOUT/site.gif"
mkdir -p "$OUT" "$ROOTOUT/raw"
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

# A copy of the sample whose control socket and alert store live under out/,
# so the demo needs no /run or /var and never shows an alert raised elsewhere.
cp -r content "$OUT/content"
CFG=$OUT/content/campaign-week.cfg
{
	echo "control_socket = \"$(cd "$OUT" && pwd)/run/control.sock\";"
	echo "state_dir = \"$(cd "$OUT" && pwd)/state\";"
	cat content/campaign-week.cfg
} >"$CFG"
# The daemon refuses directories others could write (docs/daemon.md): make them
# 0700 whatever the umask (a umask of 002 would leave them group-writable).
mkdir -p "$OUT/run" "$OUT/state"
chmod 0700 "$OUT/run" "$OUT/state"

"$B/ledsign" check "$CFG"
# one ledboard per board: NAME WIDTH HEIGHT FORMAT PROTOCOL ADDRESS.  Each listens
# on a port the kernel picks (port 0), and the demo's copy of the config is pointed
# at it, so a demo never collides with another demo or a test on the same machine.
"$B/ledsign" check "$CFG" --list >"$OUT/boards.txt"
while read -r name w h fmt proto addr; do
	mkdir -p "$OUT/$name"
	kind=${addr%%:*}; rest=${addr#*:}; host=${rest%:*}
	"$B/ledboard" --listen "$kind:$host:0" --size "${w}x${h}" --format "$fmt" --protocol "$proto" \
	    --snapshot "$OUT/$name" 2>"$OUT/$name.log" &
	pids="$pids $!"
done <"$OUT/boards.txt"
# wait until every board listens
n=50
while [ "$n" -gt 0 ] && [ "$(cat "$OUT"/*.log | grep -c 'listening on')" -lt "$(wc -l <"$OUT/boards.txt")" ]; do
	sleep 0.1; n=$((n - 1))
done
while read -r name w h fmt proto addr; do
	port=$(sed -n 's/^ledboard: listening on [a-z]*:[^ ]*:\([0-9]*\) .*/\1/p' "$OUT/$name.log")
	[ -n "$port" ] || { cat "$OUT/$name.log" >&2; echo "demo: board $name did not start" >&2; exit 1; }
	sed -i "s|\"$addr\"|\"${addr%:*}:$port\"|" "$CFG"
done <"$OUT/boards.txt"
"$B/ledsign" check "$CFG" --list >"$OUT/boards-demo.txt"

echo "demo: playing the campaign as on $AT for $SECONDS_TO_PLAY seconds"
"$B/ledsign" play "$CFG" --foreground --start-at "$AT" --duration "$SECONDS_TO_PLAY" --run-dir "$OUT/run"

echo "demo: what each simulated board showed (LED look; one pixel per LED under $ROOTOUT/raw/):"
while read -r name w h fmt proto addr; do
	if [ ! -f "$OUT/$name/latest.png" ]; then
		echo "  $name: nothing arrived; see $OUT/$name.log" >&2
		exit 1
	fi
	cp "$OUT/$name/latest.png" "$ROOTOUT/raw/$name.png"
	"$B/ledsign" preview "$CFG" --board "$name" --from "$ROOTOUT/raw/$name.png" -o "$ROOTOUT/$name.png"
	echo "  $ROOTOUT/$name.png  (${w}x${h} $fmt)"
done <"$OUT/boards.txt"
"$B/ledsign" preview "$CFG" --all --at "$SITE_AT" --for "$SITE_SECONDS" -o "$ROOTOUT/site.gif"
echo "demo: the whole site as on $SITE_AT, $SITE_SECONDS s at 30 fps: $ROOTOUT/site.gif"
