# One bad board never stalls the rest.  Five simulated boards under one
# `ledsign play`: two healthy (TCP), one that accepts and never reads
# (--stall; reconnected after 6 s), one killed and restarted mid-run, one
# behind a pseudo-terminal paced like a 9600-baud line.  The healthy boards
# must keep their frame pacing (measured from the boards' own per-message
# log, time-stamped as each line arrives), and the restarted board must
# show frames again within 3 seconds of coming back.
# serial: measures the healthy boards' frame intervals (median, p95, max)
. tests/lib.sh
L=$B/ledsign
P1=$(free_port); P2=$(free_port); P3=$(free_port); P4=$(free_port)

# stamp.py LOG -- CMD...: run CMD, write each stderr line to LOG prefixed
# with CLOCK_MONOTONIC (the same clock in every process), first line "start T".
cat >"$TMP/stamp.py" <<'EOF'
import signal, subprocess, sys, time
log = open(sys.argv[1], "w", buffering=1)
p = subprocess.Popen(sys.argv[3:], stderr=subprocess.PIPE, text=True, errors="replace")
signal.signal(signal.SIGTERM, lambda *a: p.terminate())
log.write("start %.6f\n" % time.monotonic())
for line in p.stderr:
    log.write("%.6f %s" % (time.monotonic(), line))
p.wait()
EOF

cat >"$TMP/play.cfg" <<EOF
timezone = "Asia/Shanghai";
control_socket = "$TMP/run/control.sock";
state_dir = "$TMP/state";
boards = (
  { name = "good1";   width = 64; height = 16; format = "mono"; protocol = "lsp"; address = "tcp:127.0.0.1:$P1"; },
  { name = "good2";   width = 64; height = 16; format = "red-green"; protocol = "lsp"; address = "tcp:127.0.0.1:$P2"; },
  { name = "stalled"; width = 64; height = 16; format = "mono"; protocol = "lsp"; address = "tcp:127.0.0.1:$P3"; },
  { name = "restart"; width = 64; height = 16; format = "mono"; protocol = "lsp"; address = "tcp:127.0.0.1:$P4"; },
  { name = "slow";    width = 64; height = 16; format = "mono"; protocol = "lsp"; address = "serial:$TMP/slow.pty@9600"; }
);
content = ( { name = "theme"; text = "网络安全为人民,网络安全靠人民"; effect = "scroll-left"; speed = 32.0; } );
playlists = ( { name = "week"; items = ["theme"]; } );
schedule = ( { playlist = "week"; boards = ["all"]; } );
EOF
$L check "$TMP/play.cfg" || fail "test config does not check"

board() {   # board NAME PORT-OR-PTY [ledboard options...]
	name=$1; listen=$2; shift 2
	mkdir -p "$TMP/snap-$name"
	/usr/bin/python3 "$TMP/stamp.py" "$TMP/$name.log" -- \
	    "$B/ledboard" --listen "$listen" --size 64x16 --format "$FMT" --snapshot "$TMP/snap-$name" "$@" &
	PIDS="$PIDS $!"
	LAST=$!
}
FMT=mono board good1 "tcp:127.0.0.1:$P1"
FMT=red-green board good2 "tcp:127.0.0.1:$P2"
FMT=mono board stalled "tcp:127.0.0.1:$P3" --stall
FMT=mono board restart "tcp:127.0.0.1:$P4"; RESTART=$LAST
FMT=mono board slow "pty:$TMP/slow.pty" --baud 9600
wait_file "$TMP/slow.pty" || fail "ledboard made no pty"
sleep 0.3

$L play "$TMP/play.cfg" --foreground --duration 9 2>"$TMP/daemon.log" &
DAEMON=$!
PIDS="$PIDS $DAEMON"
watch_events "$TMP/run/control.sock" "$TMP/events"

sleep 2.5
kill "$RESTART"
sleep 1.5
FMT=mono board restart2 "tcp:127.0.0.1:$P4"
sleep 2.5
# While it runs, `ledsign status` names each board's state.
$L status "$TMP/play.cfg" >"$TMP/status.txt" || { cat "$TMP/daemon.log"; fail "ledsign status"; }
cat "$TMP/status.txt"
wait "$DAEMON" || { cat "$TMP/daemon.log"; fail "ledsign play exited non-zero"; }
cat "$TMP/daemon.log"

grep -Eq "^good1 +online" "$TMP/status.txt" || fail "good1 not online in status"
grep -Eq "^good2 +online" "$TMP/status.txt" || fail "good2 not online in status"
# it is reconnected after 6 s without an answer: caught in that moment, it is offline or connecting
grep -Eq "^stalled +(stalled|offline|connecting)" "$TMP/status.txt" || fail "stalled board not reported stalled"
grep -Eq "^restart +online" "$TMP/status.txt" || fail "restarted board not back online in status"
grep -Eq "^slow +online" "$TMP/status.txt" || fail "pty board not online"
wait "$WATCH" || fail "watch did not end with the daemon"
grep -Eq "^type=link .* board=restart from=online to=offline reason=connection%20closed%20by%20board" "$TMP/events" ||
	{ cat "$TMP/events"; fail "no offline event with a reason"; }
grep -Eq "^type=link .* board=stalled from=online to=stalled reason=no%20acknowledgement%20for%20" "$TMP/events" ||
	fail "no stalled event with a reason"
[ "$(grep -Ec "^type=link .* board=restart from=[a-z]* to=online " "$TMP/events")" -ge 2 ] ||
	fail "restart came back online without an event"
grep -Eq "^type=link .* board=stalled from=stalled to=offline reason=no%20acknowledgement%20for%20[0-9.]+%20s;%20reconnecting" "$TMP/events" ||
	fail "the stalled board was not reconnected"

/usr/bin/python3 - "$TMP" <<'EOF' || fail "pacing"
import re, sys
tmp = sys.argv[1]
def frames(name):
    start, t = None, []
    for line in open("%s/%s.log" % (tmp, name)):
        if line.startswith("start "):
            start = float(line.split()[1])
        elif re.search(r" frame \d+ shown", line):
            t.append(float(line.split()[0]))
    return start, t
bad = 0
for name in ("good1", "good2"):
    _, t = frames(name)
    # look only at the middle of the run, where the faults happen
    t = [x for x in t if t[0] + 1.0 <= x <= t[0] + 7.5]
    iv = sorted((b - a) * 1000 for a, b in zip(t, t[1:]))
    if len(iv) < 50:
        print("%s: only %d frames in 6.5 s" % (name, len(iv) + 1)); bad = 1; continue
    med, p95, mx = iv[len(iv) // 2], iv[int(len(iv) * 0.95)], iv[-1]
    rate = len(iv) / ((t[-1] - t[0]) or 1)
    print("%s: %d frames, %.1f fps, interval median %.1f ms, p95 %.1f ms, max %.1f ms" % (name, len(t), rate, med, p95, mx))
    # 30 fps is 33.3 ms; a daemon that waited on the bad boards would show
    # gaps of seconds (the stall timeout is 2-3 s); the slack above 33 ms is
    # for a loaded machine running the ASan build beside other tests
    if not (28 <= med <= 40) or p95 > 150 or mx > 900 or rate < 20:
        bad = 1
start, t = frames("restart2")
if not t:
    print("restarted board showed nothing"); bad = 1
else:
    print("restarted board: first frame %.2f s after it came back" % (t[0] - start))
    if t[0] - start > 3.0:
        bad = 1
_, t = frames("slow")
print("pty board at 9600 baud: %d frames" % len(t))
if len(t) < 10:
    bad = 1
_, t = frames("stalled")
if t:
    print("the stalled board read frames?"); bad = 1
sys.exit(bad)
EOF
echo "five boards: healthy pacing kept, restarted board back, stalled and slow boards contained"
