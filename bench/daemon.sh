#!/bin/sh
# Daemon pacing and memory: 50 simulated boards (ledboard, 64x16 mono, lsp
# over loopback TCP) all scrolling at 30 frames per second under one
# `ledsign play` for SECONDS (default 10).  Prints
#   BENCH pacing-jitter-p99 <ms> ms   how late frames leave, 99th percentile
#                                     (send time minus the frame's deadline on
#                                     the monotonic grid, every animated frame
#                                     sent in its own slot; slots where the board
#                                     was still busy with the last frame count in
#                                     daemon-fps instead)
#   BENCH pacing-jitter-p50 <ms> ms
#   BENCH daemon-fps <fps> fps        frames per second per board actually sent
#   BENCH daemon-rss <MiB> MiB        the daemon's peak resident memory
#   BENCH daemon-cpu-per-frame <ms> ms CPU time of the daemon per frame sent
# The simulators run at nice 19: they stand in for boards, which are other
# hardware, and 50 of them writing a PNG per frame would otherwise take the
# CPU the controller is being measured on.
# Usage: bench/daemon.sh [BUILD_DIR] [SECONDS] [BOARDS]
set -eu
B=${1:-build}
SECS=${2:-10}
N=${3:-50}
TMP=$(mktemp -d /tmp/ledsign-bench.XXXXXX)
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT INT TERM

ports=$(/usr/bin/python3 -c "
import socket
ss = []
for i in range($N):
    s = socket.socket(); s.bind(('127.0.0.1', 0)); ss.append(s)
print(' '.join(str(s.getsockname()[1]) for s in ss))")

{
	echo "timezone = \"Asia/Shanghai\";"
	echo "control_socket = \"$TMP/run/control.sock\"; state_dir = \"$TMP/state\";"
	echo "boards = ("
	i=0
	for p in $ports; do
		[ $i -gt 0 ] && echo ","
		printf '  { name = "b%02d"; width = 64; height = 16; format = "mono"; protocol = "lsp"; address = "tcp:127.0.0.1:%s"; }' $i "$p"
		i=$((i + 1))
	done
	echo ");"
	echo 'content = ( { name = "theme"; text = "网络安全为人民,网络安全靠人民"; effect = "scroll-left"; speed = 32.0; } );'
	echo 'playlists = ( { name = "week"; items = ["theme"]; } );'
	echo 'schedule = ( { playlist = "week"; boards = ["all"]; } );'
} >"$TMP/bench.cfg"
"$B/ledsign" check "$TMP/bench.cfg" >/dev/null

i=0
for p in $ports; do
	mkdir -p "$TMP/snap$i"
	# every capability but PROGRAMME: streamed boards, as this bench has
	# always measured (a board that stores its programme plays the scroll
	# by itself and gets a PING every 2 s; docs/daemon.md)
	nice -n 19 "$B/ledboard" --listen "tcp:127.0.0.1:$p" --size 64x16 --format mono --snapshot "$TMP/snap$i" --quiet \
	    --caps rle,rowxor,delta,page,brightness,power,clock \
	    2>/dev/null &
	pids="$pids $!"
	i=$((i + 1))
done
sleep 0.5
${BENCH_WRAP:-} "$B/ledsign" play "$TMP/bench.cfg" --foreground --duration "$SECS" 2>"$TMP/daemon.log"
line=$(grep "pacing:" "$TMP/daemon.log" | tail -1)
[ -n "$line" ] || { cat "$TMP/daemon.log" >&2; echo "bench/daemon.sh: no pacing summary" >&2; exit 1; }
online=$(grep -c ": online: " "$TMP/daemon.log" || true)
frames=$(echo "$line" | sed -E 's/.*pacing: ([0-9]+) animated frames.*/\1/')
p50=$(echo "$line" | sed -E 's/.*p50 ([0-9.]+) ms.*/\1/')
p99=$(echo "$line" | sed -E 's/.*p99 ([0-9.]+) ms.*/\1/')
rss=$(grep "peak memory" "$TMP/daemon.log" | sed -E 's/.*peak memory ([0-9.]+) MiB.*/\1/')
cpu=$(grep "peak memory" "$TMP/daemon.log" | sed -E 's/.*CPU ([0-9.]+) s.*/\1/')
echo "# $N boards (64x16 mono, lsp/TCP), $SECS s at 30 fps; $online online at the end; $frames frames; load $(cut -d' ' -f1 /proc/loadavg) on $(nproc) CPUs" >&2
echo "BENCH pacing-jitter-p99 $p99 ms"
echo "BENCH pacing-jitter-p50 $p50 ms"
echo "BENCH daemon-fps $(/usr/bin/python3 -c "print('%.1f' % ($frames / $N / $SECS))") fps"
echo "BENCH daemon-rss $rss MiB"
# CPU the daemon spent per frame sent (render, encode, send, replies): what
# the pacing figures depend on when the machine is busy with other work
echo "BENCH daemon-cpu-per-frame $(/usr/bin/python3 -c "print('%.3f' % ($cpu * 1000 / max($frames, 1)))") ms"
