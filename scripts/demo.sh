#!/bin/sh
# make demo: start one simulated board per board in the sample campaign,
# play the campaign onto them, and leave a PNG of what each board showed.
set -eu
B=${1:-build}
CFG=content/campaign-week.cfg
OUT=out/demo
AT="2023-09-12 10:00"
rm -rf "$OUT"
mkdir -p "$OUT"
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

"$B/ledsign" check "$CFG"
# one ledboard per board: NAME WIDTH HEIGHT FORMAT PROTOCOL ADDRESS
"$B/ledsign" check "$CFG" --list >"$OUT/boards.txt"
while read -r name w h fmt proto addr; do
	mkdir -p "$OUT/$name"
	"$B/ledboard" --listen "$addr" --size "${w}x${h}" --format "$fmt" --protocol "$proto" \
	    --snapshot "$OUT/$name" 2>"$OUT/$name.log" &
	pids="$pids $!"
done <"$OUT/boards.txt"
sleep 0.5

if "$B/ledsign" help play >/dev/null 2>&1; then
	echo "demo: playing the campaign as on $AT for 8 seconds"
	"$B/ledsign" play "$CFG" --foreground --start-at "$AT" --duration 8
else
	echo "demo: pushing each board's first scheduled item"
	while read -r name w h fmt proto addr; do
		"$B/ledsign" send "$CFG" --board "$name" --item theme --at "$AT"
	done <"$OUT/boards.txt"
fi

echo "demo: what each simulated board showed:"
while read -r name w h fmt proto addr; do
	if [ -f "$OUT/$name/latest.png" ]; then
		cp "$OUT/$name/latest.png" "out/$name.png"
		echo "  out/$name.png  (${w}x${h} $fmt, one pixel per LED)"
	else
		echo "  $name: nothing arrived; see $OUT/$name.log" >&2
		exit 1
	fi
done <"$OUT/boards.txt"
