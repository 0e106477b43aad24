#!/bin/sh
# make demo: rehearse the sample campaign (`ledsign rehearse`: one simulated
# board, build/ledboard, per board of the sample on a port the kernel picks,
# the controller playing onto them as if it were 12 September 10:00, campus
# day), leave a PNG of what each board showed, and one animated GIF of the
# whole site (every board, LED look) on a normal campaign morning,
# 13 September 10:00, when the slogans and laws scroll.
set -eu
B=${1:-build}
# DEMO_OUT moves everything the demo writes (tests use a scratch directory).
ROOTOUT=${DEMO_OUT:-out}
OUT=$ROOTOUT/demo
AT="2023-09-12 10:00"
SECONDS_TO_PLAY=8
SITE_AT="2023-09-13 10:00"
SITE_SECONDS=6
CFG=content/campaign-week.cfg
rm -rf "$OUT" "$ROOTOUT/raw" "$ROOTOUT"/*.png "$ROOTOUT/site.gif"
mkdir -p "$ROOTOUT/raw"

"$B/ledsign" check "$CFG"
# The rehearsal never reaches the boards the sample names (its ports may be
# anyone's): every board is simulated on a free port, and the control socket
# and alerts stay under $OUT (docs/daemon.md, "Rehearsals").
echo "demo: playing the campaign as on $AT for $SECONDS_TO_PLAY seconds"
"$B/ledsign" rehearse "$CFG" --at "$AT" --for "$SECONDS_TO_PLAY" -o "$OUT" >"$OUT.txt"

echo "demo: what each simulated board showed (LED look; one pixel per LED under $ROOTOUT/raw/):"
"$B/ledsign" check "$CFG" --list >"$ROOTOUT/boards.txt"
while read -r name w h fmt proto addr; do
	cp "$OUT/boards/$name/latest.png" "$ROOTOUT/raw/$name.png"
	cp "$OUT/$name.png" "$ROOTOUT/$name.png"
	echo "  $ROOTOUT/$name.png  (${w}x${h} $fmt)"
done <"$ROOTOUT/boards.txt"
rm -f "$ROOTOUT/boards.txt"
echo "demo: the rehearsal's strips and animations per board: $OUT/"
"$B/ledsign" preview "$CFG" --all --at "$SITE_AT" --for "$SITE_SECONDS" -o "$ROOTOUT/site.gif"
echo "demo: the whole site as on $SITE_AT, $SITE_SECONDS s at 30 fps: $ROOTOUT/site.gif"
