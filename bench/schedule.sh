#!/bin/sh
# Schedule benchmarks on the sample campaign (6 boards, 15 rules):
#   schedule_week_ms  `ledsign schedule --week` text report: 7 days x 1440 minutes x 6 boards
#   schedule_plan_ms  the same with the printable PNG (FreeType text, libpng)
#   schedule_at_ms    `ledsign schedule --at` (process start, config load, zone load, 6 lookups)
B=${1:-build}
CFG=content/campaign-week.cfg
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

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
