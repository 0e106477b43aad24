#!/bin/sh
# Many boards under one controller (issue 20): N boards emulated by one farm
# process (bench/scalefarm.c: the ledboard decoders, LSP acknowledging every
# frame over loopback TCP, or DDP over loopback UDP) at nice 19, every board
# scrolling the theme slogan at the default 30 fps, for SECS seconds after
# WARM.  The farm's CPU is reported apart from the daemon's.
#   BENCH scale-<N>-mono-fps        median pictures per second per board, LSP 128x32 mono
#   BENCH scale-<N>-mono-jitter-p99-ms  the daemon's pacing p99: how late frames left their slot
#   BENCH scale-<N>-ddp-fps         the same for DDP 64x32 rgb888
#   BENCH scale-cpu-per-board-frame-<N>  daemon CPU (user+system) per picture the boards
#                                   showed, both over the same SECS, µs
#   BENCH scale-<N>-<kind>-daemon-cpu  the daemon's CPU over the farm's SECS, % of one core
#                                   (over 100 when its worker threads use more than one)
#   BENCH scale-<N>-<kind>-farm-cpu  the farm's CPU over the whole run, s
#   BENCH daemon-rss-<N>            the daemon's peak resident memory, MiB
# FARM_NICE (default 19) is the farm's nice value: on a machine shared with
# other work a farm at 19 is starved and LSP boards acknowledge late, so the
# figures in docs/daemon.md say which was used.
# The daemon picks its number of worker threads itself (docs/daemon.md,
# Workers: one per CPU from 64 boards); LEDSIGN_WORKERS=N sets it.
#   BENCH scale-cpu-per-board-frame-spread  the largest of -100, -300 and -1000 over
#                                   the smallest (the goal: within 20 %, 1.2)
# Every figure is the median of ROUNDS rounds of all RUNS (default 3, one
# after the other, so a passing load spike touches one round of each): a
# single 10-s run of the same code moves by up to 10 us a board-frame
# (docs/daemon.md, Phases).  The rounds' own figures go to stderr.
# Usage: bench/scale.sh [BUILD_DIR] [RUNS] [SECS]
#   RUNS: space-separated PROTO:N, default "lsp:100 lsp:300 lsp:1000 ddp:1000"
#   ROUNDS=N in the environment: how many rounds (default 3)
set -eu
B=${1:-build}
RUNS=${2:-lsp:100 lsp:300 lsp:1000 ddp:1000}
SECS=${3:-10}
ROUNDS=${ROUNDS:-3}
WARM=3
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
OUT=$(mktemp -d /tmp/ledsign-scale.XXXXXX)
FARM="" DAEMON=""
stop() { for p in $FARM $DAEMON; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$OUT"; }
trap stop EXIT
trap 'exit 1' INT TERM
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)"
make -s "$B/libfwproto.a" "$B/ledsign" >/dev/null
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -Ifirmware-proto -o "$OUT/scalefarm" bench/scalefarm.c firmware-proto/ledboard_lsp.c \
    firmware-proto/ledboard_vendor.c "$B/libfwproto.a" || exit 1

round=0
while [ $round -lt "$ROUNDS" ]; do
round=$((round + 1))
for run in $RUNS; do
	proto=${run%%:*} n=${run#*:}
	if [ "$proto" = lsp ]; then w=128 h=32 fmt=mono kind=mono; else w=64 h=32 fmt=rgb888 kind=ddp; fi
	rm -f "$OUT/ports" "$OUT/ports.start" "$OUT/ports.end"
	nice -n "${FARM_NICE:-19}" "$OUT/scalefarm" "$proto" "$n" $w $h $fmt "$OUT/ports" $WARM "$SECS" >"$OUT/farm.out" 2>"$OUT/farm.err" &
	FARM=$!
	k=200; while [ "$( (wc -l <"$OUT/ports") 2>/dev/null || echo 0)" -lt "$n" ]; do
		k=$((k - 1)); [ $k -gt 0 ] || { cat "$OUT/farm.err" >&2; echo "bench/scale: the farm did not start" >&2; exit 1; }
		sleep 0.05
	done
	{
		echo "timezone = \"Asia/Shanghai\";"
		echo "control_socket = \"$OUT/run/control.sock\"; state_dir = \"$OUT/state\";"
		echo "boards = ("
		i=0
		while read -r port; do
			[ $i -gt 0 ] && echo ","
			if [ "$proto" = lsp ]; then addr="tcp:127.0.0.1:$port"; else addr="udp:127.0.0.1:$port"; fi
			printf '  { name = "b%04d"; width = %d; height = %d; format = "%s"; protocol = "%s"; address = "%s"; }' \
			    $i $w $h $fmt "$proto" "$addr"
			i=$((i + 1))
		done <"$OUT/ports"
		echo ");"
		echo 'content = ( { name = "theme"; text = "网络安全为人民,网络安全靠人民"; effect = "scroll-left"; speed = 32.0; } );'
		echo 'playlists = ( { name = "week"; items = ["theme"]; } );'
		echo 'schedule = ( { playlist = "week"; boards = ["all"]; } );'
	} >"$OUT/scale.cfg"
	# the daemon plays until the farm has counted: start-up, WARM, SECS and a margin
	"$B/ledsign" play "$OUT/scale.cfg" --foreground --duration $((SECS + WARM + 15)) 2>"$OUT/daemon.log" &
	DAEMON=$!
	load0=$(cut -d' ' -f1 /proc/loadavg)
	# the daemon's CPU (utime + stime, clock ticks) when the farm's window opens and closes
	ticks() { awk '{ print $14 + $15 }' "/proc/$DAEMON/stat" 2>/dev/null || echo 0; }
	cpu0=0 cpu1=0
	k=0; while [ ! -e "$OUT/ports.start" ] && kill -0 $FARM 2>/dev/null && [ $k -lt 2400 ]; do sleep 0.02; k=$((k + 1)); done
	cpu0=$(ticks)
	k=0; while [ ! -e "$OUT/ports.end" ] && kill -0 $FARM 2>/dev/null && [ $k -lt 2400 ]; do sleep 0.02; k=$((k + 1)); done
	cpu1=$(ticks)
	if ! wait $FARM; then
		FARM=""
		cat "$OUT/farm.err" >&2; tail -5 "$OUT/daemon.log" >&2
		echo "bench/scale: $run: the farm failed" >&2
		exit 1
	fi
	FARM=""
	kill -TERM $DAEMON 2>/dev/null || true
	wait $DAEMON 2>/dev/null || true
	DAEMON=""
	farm=$(cat "$OUT/farm.out")
	pacing=$(grep "pacing:" "$OUT/daemon.log" | tail -1)
	p99=$(echo "$pacing" | sed -E 's/.*p99 ([0-9.]+) ms.*/\1/')
	rss=$(grep "peak memory" "$OUT/daemon.log" | sed -E 's/.*peak memory ([0-9.]+) MiB.*/\1/')
	cpu=$(grep "peak memory" "$OUT/daemon.log" | sed -E 's/.*CPU ([0-9.]+) s.*/\1/')
	nw=$(sed -nE 's/.*, ([0-9]+ workers)\).*/\1/p' "$OUT/daemon.log" | head -1)
	[ -n "$nw" ] || nw="1 worker"
	field() { echo "$farm" | sed -E "s/.* $1=([0-9.]+).*/\1/"; }
	shown=$(field frames)
	hz=$(getconf CLK_TCK)
	per=$(echo "$cpu0 $cpu1 $hz $shown" | awk '{ printf "%.0f", ($2 - $1) / $3 * 1e6 / ($4 > 0 ? $4 : 1) }')
	echo "# $run ($w x $h $fmt): $farm; daemon: CPU $cpu s in all, $(echo "$cpu0 $cpu1 $hz" | awk '{ printf "%.2f", ($2 - $1) / $3 }') s in the window, $pacing; $nw; farm at nice ${FARM_NICE:-19}; load $load0 -> $(cut -d' ' -f1 /proc/loadavg) on $(nproc) CPUs" >&2
	echo "BENCH scale-$n-$kind-fps $(field fps_median) fps"
	[ "$kind" = mono ] && echo "BENCH scale-$n-mono-jitter-p99-ms $p99 ms"
	[ "$kind" = mono ] && echo "BENCH scale-cpu-per-board-frame-$n $per us"
	[ "$kind" = ddp ] && echo "BENCH scale-cpu-per-board-frame-ddp-$n $per us"
	[ "$run" = lsp:1000 ] && echo "BENCH daemon-rss-1000 $rss MiB"
	echo "BENCH scale-$n-$kind-daemon-cpu $(echo "$cpu0 $cpu1 $hz $SECS" | awk '{ printf "%.0f", ($2 - $1) / $3 / $4 * 100 }') %"
	echo "BENCH scale-$n-$kind-farm-cpu $(field cpu_s) s"
done >"$OUT/bench.$round"
sed "s/^BENCH/# round $round: BENCH/" "$OUT/bench.$round" >&2
done
# the median of the rounds, per name, in the order of the first round
cat "$OUT"/bench.* | awk '
	{ name = $2; v[name, ++k[name]] = $3; unit[name] = $4; if (!(name in seen)) { seen[name] = 1; order[++n] = name } }
	END {
		for (i = 1; i <= n; i++) {
			name = order[i]; c = k[name]
			for (a = 1; a <= c; a++) x[a] = v[name, a] + 0
			for (a = 1; a <= c; a++) for (b = a + 1; b <= c; b++) if (x[b] < x[a]) { t = x[a]; x[a] = x[b]; x[b] = t }
			med = c % 2 ? x[(c + 1) / 2] : (x[c / 2] + x[c / 2 + 1]) / 2
			printf "BENCH %s %g %s\n", name, med, unit[name]
			if (name ~ /^scale-cpu-per-board-frame-[0-9]+$/) { if (lo == "" || med < lo) lo = med; if (med > hi) hi = med; m++ }
		}
		if (m > 1 && lo > 0) printf "BENCH scale-cpu-per-board-frame-spread %.2f x\n", hi / lo
	}'

