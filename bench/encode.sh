#!/bin/sh
# Encoder CPU per frame (issue 20): LSP's proto_lsp_compress as the daemon
# calls it (with the board's hint), on the theme slogan scrolling left 1 LED
# a frame (30 fps at 32 px/s) and 8 LEDs a frame (an overloaded daemon's
# steps), and the same without the hint (the full shift search).
#   BENCH lsp-encode-<W>x<H>-<format>[-step8|-nohint]-us <µs> us
# CPU time of the process (not wall clock), best of three; the machine may
# be shared, so bench/encode.sh BUILD callgrind gives instruction counts
# instead (repeatable):  lsp-encode-...-kinstr <thousand instructions per frame>
set -eu
B=${1:-build}
MODE=${2:-time}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
make -s "$B/libledsign.a" "$B/libfwproto.a" >/dev/null
PKGS="libconfig freetype2 harfbuzz fontconfig libpng libevent libserialport libxml-2.0"
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -g -Isrc -Ifirmware-proto $(pkg-config --cflags $PKGS) -o "$OUT/lsp_bench" \
    bench/lsp_bench.c "$B/libledsign.a" "$B/libfwproto.a" $(pkg-config --libs $PKGS) -lm -lpthread

best() { echo "$1 $2" | awk '{ print ($2 < $1) ? $2 : $1 }'; }
# instructions per frame: a run coding 60 frames minus one coding none
kinstr() {
	a=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$OUT/lsp_bench" "$@" 60 1 ${X:-x} 2>&1 | sed -n 's/.*refs: *//p' | tr -d ,)
	b=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$OUT/lsp_bench" "$@" 60 0 ${X:-x} 2>&1 | sed -n 's/.*refs: *//p' | tr -d ,)
	echo "$a $b" | awk '{ printf "%.0f\n", ($1 - $2) / 60 / 1000 }'
}
for spec in "128 32 mono 1" "192 32 mono 1" "192 32 mono 8" "192 32 red-green 1" "192 32 rgb888 1" "64 16 mono 1" \
    "192 32 mono 1 nohint"; do
	set -- $spec
	W=$1 H=$2 F=$3 S=$4 X=${5:-}
	name="lsp-encode-${W}x$H-$F"
	[ "$S" = 1 ] || name="$name-step$S"
	[ -z "$X" ] || name="$name-$X"
	if [ "$MODE" = callgrind ]; then
		echo "BENCH $name-kinstr $(kinstr "$W" "$H" "$F" "$S") kinstr"
		continue
	fi
	us=999999
	for _ in 1 2 3; do
		set -- $("$OUT/lsp_bench" "$W" "$H" "$F" "$S" 300 2 $X)
		us=$(best "$us" "$1")
		bytes=$2
	done
	echo "# $name: $bytes bytes a frame on average" >&2
	echo "BENCH $name-us $us us"
done
