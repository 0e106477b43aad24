#!/bin/sh
# Rendering speed: the theme slogan on a 128x32 mono board (16 px, where the
# WenQuanYi Zen Hei Sharp bitmap strike is used) and a 192x64 rgb888 board
# (24 px, grey antialiased outlines), in frames per second; then the same
# text, same font file, face and size drawn by Pillow and by ImageMagick.
#
# Pillow is timed inside one Python process over many frames (start-up
# excluded).  ImageMagick is timed as one `convert` run drawing the text N
# times minus a run drawing it 0 times, so its start-up is excluded too.
# Each figure is the best of three runs, ours and theirs alternating.
# Ratios are our fps / their fps.  "cold" figures empty our glyph and layout
# caches before every frame (full shaping and rasterising), for honesty;
# render-*-cold-vs-pillow compares those with Pillow, which shapes and
# rasterises every frame too.
#
# Usage: bench/render.sh [BUILD_DIR]
set -eu
B=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
make -s "$B/libledsign.a" >/dev/null
BIN=$B/bench/render_bench
mkdir -p "$B/bench"
CFLAGS_PC=$(pkg-config --cflags freetype2 harfbuzz fontconfig libpng)
LIBS_PC=$(pkg-config --libs freetype2 harfbuzz fontconfig libpng)
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -Isrc $CFLAGS_PC -o "$BIN" bench/render_bench.c "$B/libledsign.a" $LIBS_PC -lm -lpthread
PY=/usr/bin/python3
IM=/usr/bin/convert        # Debian's ImageMagick, not a wrapper earlier in PATH

# im_fps W H SIZE FONT[INDEX] AA(+antialias|-antialias)
im_fps() {
	n=200
	set -- "$@"
	args0="-size ${1}x${2} xc:black -font $4 -pointsize $3 $5 -fill red -gravity center"
	argsn=""
	i=0
	# the text has no spaces; IM turns the two characters \n into a newline
	while [ $i -lt $n ]; do argsn="$argsn ( -clone 0 -annotate +0+0 $IMTEXT +delete )"; i=$((i + 1)); done
	t0=$(date +%s.%N)
	# shellcheck disable=SC2086
	$IM $args0 null:
	t1=$(date +%s.%N)
	# shellcheck disable=SC2086
	$IM $args0 $argsn null:
	t2=$(date +%s.%N)
	echo "$t0 $t1 $t2 $n" | awk '{ d = ($3 - $2) - ($2 - $1); if (d <= 0) d = 1e-6; printf "%.1f\n", $4 / d }'
}

IMTEXT='网络安全为人民,\n网络安全靠人民'

max() { echo "$1 $2" | awk '{ print ($1 > $2) ? $1 : $2 }'; }

run() {   # name W H FORMAT SIZE PILMODE IMAA
	name=$1 w=$2 h=$3 fmt=$4 size=$5 pmode=$6 imaa=$7
	fps=0 cold=0 pil=0 im=0
	# best of three, ours and theirs taken in turn, so that a busy machine
	# slows both alike rather than whichever ran at the wrong moment
	for _ in 1 2 3; do
		set -- $("$BIN" "$w" "$h" "$fmt" "$size")
		fps=$(max "$fps" "$1") font=$2 index=$3
		set -- $("$BIN" "$w" "$h" "$fmt" "$size" cold)
		cold=$(max "$cold" "$1")
		pil=$(max "$pil" "$($PY bench/render_pillow.py "$w" "$h" "$pmode" "$size" "$font" "$index")")
		im=$(max "$im" "$(im_fps "$w" "$h" "$size" "$font" "$imaa")")
	done
	echo "BENCH render-$name-fps $fps fps"
	echo "BENCH render-$name-cold-fps $cold fps"
	echo "BENCH render-$name-pillow-fps $pil fps"
	echo "BENCH render-$name-imagemagick-fps $im fps"
	echo "$fps $pil" | awk -v n="$name" '{ printf "BENCH render-%s-vs-pillow %.1f x\n", n, $1 / $2 }'
	# issue 20: shaping and rasterising every frame against Pillow doing the same
	echo "$cold $pil" | awk -v n="$name" '{ printf "BENCH render-%s-cold-vs-pillow %.1f x\n", n, $1 / $2 }'
	echo "$fps $im" | awk -v n="$name" '{ printf "BENCH render-%s-vs-imagemagick %.1f x\n", n, $1 / $2 }'
	echo "# render-$name: ${w}x${h} $fmt at $size px, font $font face $index" >&2
}
run mono 128 32 mono 16 1 +antialias
run rgb 192 64 rgb888 24 RGB -antialias
