#!/bin/sh
# The bounds of issue 13 #3 and #16, with their targets:
#   longtext-<board>-first-ms   first frame of the largest text check allows
#                               (4096 bytes: "{time}" and 1363 different Chinese
#                               characters, auto-fit), fresh render context;
#                               target under 50 ms on boards up to 512x256
#   longtext-<board>-next-ms    the frame after {time} changed (laid out again,
#                               glyphs warm); target under 10 ms
#   check-25mb-s, check-100mb-s `ledsign check` of a generated config
#                               (tests/tools/gencfg: 150000 / 600000 items and
#                               playlists), CPU seconds; it was 3 s and 50 s
#                               with quadratic lookups; target linear, under
#                               3 s per 25 MB
# Best of three for the render figures.
set -eu
B=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
make -s "$B/libledsign.a" "$B/libfwproto.a" "$B/ledsign" "$B/tools/gencfg" "$B/tools/cputime" >/dev/null
PKGS="libconfig freetype2 harfbuzz fontconfig libpng libevent libserialport libxml-2.0"
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -Isrc $(pkg-config --cflags $PKGS) -o "$OUT/longtext_bench" \
    bench/longtext_bench.c "$B/libledsign.a" "$B/libfwproto.a" $(pkg-config --libs $PKGS) -lm

for board in "64 16 mono" "192 64 rgb888" "512 256 rgb888" "4096 4096 rgb888"; do
	set -- $board
	first=999999 next=999999
	for _ in 1 2 3; do
		set -- $("$OUT/longtext_bench" $board distinct)
		first=$(echo "$first $1" | awk '{ print ($2 < $1) ? $2 : $1 }')
		next=$(echo "$next $2" | awk '{ print ($2 < $1) ? $2 : $1 }')
	done
	name=$(echo "$board" | awk '{ print $1 "x" $2 "-" $3 }')
	echo "BENCH longtext-$name-first-ms $first ms"
	echo "BENCH longtext-$name-next-ms $next ms"
done

for spec in "25mb 150000" "100mb 600000"; do
	set -- $spec
	"$B/tools/gencfg" "$2" >"$OUT/big.cfg"
	echo "# check-$1: $(wc -c <"$OUT/big.cfg") bytes" >&2
	echo "BENCH check-$1-s $("$B/tools/cputime" "$B/ledsign" check "$OUT/big.cfg" 2>/dev/null) s"
	rm -f "$OUT/big.cfg"
done
