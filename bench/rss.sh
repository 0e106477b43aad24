#!/bin/sh
# The sample campaign's daemon memory (issue 20): scripts/demo.sh plays
# content/campaign-week.cfg on six simulated boards for 8 s (campus day).
#   BENCH daemon-rss-sample <MiB> MiB   peak resident memory of `ledsign play`
set -eu
B=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
DEMO_OUT="$OUT" scripts/demo.sh "$B" >"$OUT/demo.log" 2>&1 || { tail -20 "$OUT/demo.log" >&2; exit 1; }
line=$(grep "peak memory" "$OUT/demo.log")
echo "# $(echo "$line" | sed 's/.*daemon: //'); $(grep 'rendering:' "$OUT/demo.log" | sed 's/.*daemon: //')" >&2
echo "BENCH daemon-rss-sample $(echo "$line" | sed -E 's/.*peak memory ([0-9.]+) MiB.*/\1/') MiB"
