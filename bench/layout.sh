#!/bin/sh
# Screen areas: frames per second of the sample canteen board (128x64
# rgb888) showing its three-area meal layout (clock strip, poster, scrolling
# tips) at lunch, against one scrolling item and one poster on the whole
# board; all advance 1/30 s of effect time per frame as the controller does.
#
# Usage: bench/layout.sh [BUILD_DIR]
set -eu
B=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
make -s "$B/libledsign.a" "$B/libfwproto.a" >/dev/null
BIN=$B/bench/layout_bench
mkdir -p "$B/bench"
PKGS="libconfig freetype2 harfbuzz fontconfig libpng libevent libserialport libxml-2.0"
CFLAGS_PC=$(pkg-config --cflags $PKGS)
LIBS_PC=$(pkg-config --libs $PKGS)
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -Isrc -Ifirmware-proto $CFLAGS_PC -o "$BIN" bench/layout_bench.c "$B/libledsign.a" "$B/libfwproto.a" $LIBS_PC -lm -lpthread
set -- $("$BIN" content/campaign-week.cfg canteen canteen-meal qr-code "2023-09-13 12:05")
echo "BENCH layout-canteen-meal-fps $1 frames/s"
echo "BENCH layout-whole-board-scroll-fps $2 frames/s"
set -- $("$BIN" content/campaign-week.cfg canteen canteen-meal poster-theme "2023-09-13 12:05")
echo "BENCH layout-whole-board-poster-fps $2 frames/s"
