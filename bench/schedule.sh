#!/bin/sh
# Schedule benchmarks on the sample campaign (6 boards, 15 rules):
#   sched_at_us       one sched_at() answer (CPU time), every board every 7 s of the week
#   sched_check_ms    the schedule part of `ledsign check` (CPU time)
#   schedule_week_ms  `ledsign schedule --week` text report: 7 days x 1440 minutes x 6 boards
#   schedule_plan_ms  the same with the printable PNG (FreeType text, libpng)
#   schedule_at_ms    `ledsign schedule --at` (process start, config load, zone load, 6 answers)
# The last three are wall-clock means of whole command runs.
set -eu
B=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
CFG=content/campaign-week.cfg
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
make -s "$B/libledsign.a" "$B/libfwproto.a" "$B/ledsign" >/dev/null
PKGS="libconfig freetype2 harfbuzz fontconfig libpng libevent libserialport libxml-2.0"
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -Isrc -o "$OUT/sched_bench" bench/sched_bench.c \
    "$B/libledsign.a" "$B/libfwproto.a" $(pkg-config --libs $PKGS) -lm
"$OUT/sched_bench" "$CFG"

ms() {   # ms N CMD...: mean wall time of N runs in milliseconds
	n=$1; shift
	start=$(date +%s%N)
	i=0
	while [ $i -lt "$n" ]; do "$@" >/dev/null || exit 1; i=$((i + 1)); done
	end=$(date +%s%N)
	echo $(( (end - start) / n / 1000000 ))
}
echo "BENCH schedule_week_ms $(ms 10 "$B/ledsign" schedule $CFG --week 2023-09-11) ms"
echo "BENCH schedule_plan_ms $(ms 5 "$B/ledsign" schedule $CFG --week 2023-09-11 -o "$OUT/plan.png") ms"
echo "BENCH schedule_at_ms $(ms 20 "$B/ledsign" schedule $CFG --at "2023-09-12 12:05") ms"
