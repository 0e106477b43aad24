#!/bin/sh
# The district over a real mosquitto (TLS, accounts, the ACL of dist/):
#   BENCH district-alert-p99-ms: SCHOOLS school controllers (default 20)
#     with BOARDS simulated LSP boards each (default 50; bench/alertfarm.c
#     serves all of them from one process), ROUNDS rounds of `ledsign
#     district alert`, each timed from starting the command to the last
#     board of every school showing and acknowledging the alert frame, then
#     `ledsign district clear`.  Goal: < 500 ms.
#   BENCH district-bundle-100-schools-s: BSCHOOLS controllers (default 100,
#     one board each) take a BUNDLE_MB MiB bundle (default 5: campaign.cfg
#     and posters of random pixels, so nothing compresses), from starting
#     `ledsign district bundle` to the last school's "accepted".
# Usage: bench/district.sh [BUILD_DIR]; SCHOOLS, BOARDS, ROUNDS, BSCHOOLS, BUNDLE_MB from the environment.
# STATE_ROOT=/dev/shm puts every school's state_dir (alerts, fsync'd before
# they show; proof.db) in memory: on one machine 20 controllers otherwise
# queue their fsyncs on one disk, which 20 schools' own machines do not.
B=${1:-build}
SCHOOLS=${SCHOOLS:-20}
BOARDS=${BOARDS:-50}
ROUNDS=${ROUNDS:-20}
BSCHOOLS=${BSCHOOLS:-100}
BUNDLE_MB=${BUNDLE_MB:-5}
OUT=$(mktemp -d)
PIDS=""
stop() { for p in $PIDS; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$OUT" ${STATE_ROOT:+"$STATE_ROOT/$OUT"}; }
trap stop EXIT
trap 'exit 1' INT TERM
fail() { echo "bench/district: $*" >&2; exit 1; }
TMP=$OUT
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
. tests/district-lib.sh
L=$B/ledsign

# ---- the broker ----
schools=""; i=1; while [ $i -le $BSCHOOLS ] || [ $i -le $SCHOOLS ]; do schools="$schools s$i"; i=$((i + 1)); done
district_tls
district_accounts $schools
broker_start
bureau_file "$OUT/bureau.cfg"

# a school controller NAME whose boards are the lines FROM..TO of PORTFILE
# (none: one send-only DDP board on a port nobody listens on)
school_cfg() {
	d="$OUT/$1"; mkdir -p "$d/run"
	{
		echo "timezone = \"UTC\"; control_socket = \"$d/run/control.sock\"; state_dir = \"${STATE_ROOT:+$STATE_ROOT/}$d/state\";"
		echo "boards = ("
		if [ -n "$2" ]; then
			sed -n "$3,$4p" "$2" | awk '{ printf "%s{ name = \"b%03d\"; width = 32; height = 8; format = \"rgb888\"; protocol = \"lsp\"; address = \"tcp:127.0.0.1:%s\"; }\n", (NR > 1 ? "," : ""), NR, $1 }'
		else
			echo "{ name = \"b1\"; width = 32; height = 8; format = \"rgb888\"; protocol = \"ddp\"; address = \"udp:127.0.0.1:9\"; }"
		fi
		echo ");"
		echo "district = { host = \"127.0.0.1\"; port = $MQ_PORT; ca_file = \"$OUT/tls/ca.pem\"; district = \"$DIST\"; school = \"$1\";"
		echo "             password_file = \"$OUT/$1.pass\"; bundle_file = \"campaign.cfg\"; };"
		echo "@include \"campaign.cfg\""
	} >"$d/school.cfg"
	# nothing scheduled: boards are blank until an alert comes
	printf 'content = ( { name = "x"; text = "x"; } );\nplaylists = ( { name = "p"; items = ["x"]; } );\n' >"$d/campaign.cfg"
}
play() { "$L" play "$OUT/$1/school.cfg" --foreground 2>"$OUT/$1/daemon.log" & PIDS="$PIDS $!"; }

# the broker's CPU seconds so far (user + system) and its resident memory
broker_cpu() { awk '{ printf "%.2f", ($14 + $15) / 100 }' /proc/$MQ/stat; }
broker_rss() { awk '/VmRSS/ { print $2 / 1024 " MiB" }' /proc/$MQ/status; }

# ---- alert latency: SCHOOLS x BOARDS boards ----
N=$((SCHOOLS * BOARDS))
${CC:-cc} -std=c11 -O2 -Ifirmware-proto -o "$OUT/alertfarm" bench/alertfarm.c firmware-proto/ledboard_lsp.c \
    "$B/libfwproto.a" || exit 1
cpu0=$(broker_cpu)
ALERTFARM_BUREAU="$OUT/bureau.cfg" "$OUT/alertfarm" "$N" "$OUT/ports" "$L" none "$ROUNDS" 32 8 >"$OUT/farm.out" &
FARM=$!
PIDS="$PIDS $FARM"
n=200; while [ "$(cat "$OUT/ports" 2>/dev/null | wc -l)" -lt "$N" ]; do
	n=$((n - 1)); [ $n -gt 0 ] || fail "the board farm did not start"; sleep 0.05
done
i=1; while [ $i -le $SCHOOLS ]; do
	school_cfg s$i "$OUT/ports" $(( (i - 1) * BOARDS + 1 )) $(( i * BOARDS ))
	play s$i
	i=$((i + 1))
done
if ! wait $FARM; then
	tail -5 "$OUT/s1/daemon.log" >&2; cat "$OUT/farm.out" >&2; fail "alert rounds failed"
fi
grep -v '^BENCH' "$OUT/farm.out" | tail -3 >&2
p99=$(sed -n 's/^BENCH district-alert-p99 \([0-9.]*\) ms/\1/p' "$OUT/farm.out")
p50=$(sed -n 's/^BENCH district-alert-p50 \([0-9.]*\) ms/\1/p' "$OUT/farm.out")
echo "district alert: $SCHOOLS schools x $BOARDS boards, $ROUNDS rounds: p50 $p50 ms" >&2
echo "BENCH district-alert-p99-ms $p99 ms"
echo "district alert: the broker used $(echo "$(broker_cpu) - $cpu0" | bc -l) s of CPU for the whole phase (connects, states, events, $ROUNDS alerts and clears), $(broker_rss) resident" >&2
# how much of that is the broker's fan-out: per round, from the first
# school's link taking the alert to the last one's (their log lines)
cat "$OUT"/s*/daemon.log | sed -n 's/^[0-9-]* \([0-9:.]*\) ledsign: daemon: district alert \(bench-[0-9]*\) .*raising it here/\2 \1/p' |
	awk '{ split($2, t, ":"); s = t[1] * 3600 + t[2] * 60 + t[3]; if (!($1 in lo) || s < lo[$1]) lo[$1] = s; if (s > hi[$1]) hi[$1] = s }
	     END { for (k in lo) print (hi[k] - lo[k]) * 1000 }' | sort -n >"$OUT/spread"
echo "district alert: spread between the first and the last school's link taking it, per round (ms): $(tr '\n' ' ' <"$OUT/spread")" >&2
echo "BENCH district-alert-fanout-spread-max-ms $(tail -1 "$OUT/spread") ms"
for p in $PIDS; do [ "$p" = "$MQ" ] || kill "$p" 2>/dev/null; done
wait_except_broker() { for p in $PIDS; do [ "$p" = "$MQ" ] || wait "$p" 2>/dev/null; done; }
wait_except_broker
PIDS="$MQ"

# ---- a BUNDLE_MB bundle to BSCHOOLS schools ----
mkdir -p "$OUT/bundle/posters"
/usr/bin/python3 - "$OUT/bundle" "$BUNDLE_MB" <<'PY'
import os, struct, sys, zlib
out, mb = sys.argv[1], float(sys.argv[2])
def png(path, w, h):
    raw = b''.join(b'\0' + os.urandom(w * 3) for _ in range(h))
    def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
    with open(path, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) +
                chunk(b'IDAT', zlib.compress(raw, 1)) + chunk(b'IEND', b''))
n = max(1, int(mb))
per = int(mb * 1024 * 1024 / n / 3)
w = 1024; h = max(1, per // w)
items, names = [], []
for i in range(n):
    png(f"{out}/posters/p{i}.png", w, h)
    items.append(f'{{ name = "p{i}"; image = "district-posters/p{i}.png"; }}'); names.append(f'"p{i}"')
open(f"{out}/campaign.cfg", "w").write("content = ( " + ", ".join(items) + " );\nplaylists = ( { name = \"week\"; items = [" +
    ", ".join(names) + "]; } );\nschedule = ( { name = \"campaign\"; playlist = \"week\"; boards = [\"all\"]; } );\n")
PY
i=1; while [ $i -le $BSCHOOLS ]; do school_cfg s$i; play s$i; i=$((i + 1)); done
# every school online (its link connected) before the clock starts
n=240; while :; do
	"$L" district status --bureau "$OUT/bureau.cfg" >"$OUT/status.out" 2>&1
	up=$(grep -c '^s[0-9]*: online' "$OUT/status.out")
	[ "$up" -ge "$BSCHOOLS" ] && break
	n=$((n - 1)); [ $n -gt 0 ] || fail "only $up of $BSCHOOLS schools came online"
	sleep 0.5
done
size=$(du -sb "$OUT/bundle" | cut -f1)
cpu0=$(broker_cpu)
t0=$(date +%s.%N)
"$L" district bundle "$OUT/bundle" --version 1 --bureau "$OUT/bureau.cfg" --wait 600 >"$OUT/bundle.out" 2>&1 ||
	{ grep -v ': accepted$' "$OUT/bundle.out" | head >&2; fail "the bundle was not accepted everywhere"; }
t1=$(date +%s.%N)
ok=$(grep -c ': accepted$' "$OUT/bundle.out")
secs=$(echo "$t1 - $t0" | bc -l)
echo "district bundle: $size bytes to $ok of $BSCHOOLS schools in $secs s; the broker used $(echo "$(broker_cpu) - $cpu0" | bc -l) s of CPU, $(broker_rss) resident" >&2
printf 'BENCH district-bundle-100-schools-s %.2f s\n' "$secs"
