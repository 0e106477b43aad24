#!/bin/sh
# Vendor protocols: frames per second encoded by ledsign (host side) and
# decoded by the firmware-proto decoders (board side), and bytes on the wire
# per frame, for a 128x64 board in mono and rgb888 (one core, 3000 frames;
# the decode loop also checks that the board ends with the canvas sent).
#
# Usage: bench/proto_vendor.sh [BUILD_DIR]
set -eu
B=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
make -s "$B/libledsign.a" "$B/libfwproto.a" >/dev/null
mkdir -p "$B/bench"
PKGS="libconfig freetype2 harfbuzz fontconfig libpng libevent libserialport libxml-2.0"
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -Isrc -Ifirmware-proto -o "$B/bench/proto_vendor_bench" \
    bench/proto_vendor_bench.c "$B/libledsign.a" "$B/libfwproto.a" $(pkg-config --libs $PKGS) -lm
"$B/bench/proto_vendor_bench"
