#!/bin/sh
# Alert latency to 1,000 boards (issue 20): bench/alert.sh with 1000 boards
# and 15 rounds.   BENCH alert-latency-1000-p50 / -p99 <ms> ms
exec sh "$(dirname "$0")/alert.sh" "${1:-build}" 1000 15
