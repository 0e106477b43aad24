# A board that floods the controller with bytes gets a read budget, not the
# CPU: with one fake board sending as fast as loopback TCP goes, the
# daemon's own CPU time (utime + stime from /proc) stays well under one
# core, and a healthy board next to it keeps its 30 fps.
# serial: measures the daemon's CPU share and a board's frame rate
. tests/lib.sh
L=$B/ledsign
PY=/usr/bin/python3
P1=$(free_port)

# The flooder: accepts the controller's connection and sends without end.
cat >"$TMP/flood.py" <<'EOF'
import socket, sys
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", 0))
ls.listen(4)
open(sys.argv[1] + ".tmp", "w").write(str(ls.getsockname()[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
junk = bytes(range(256)) * 256
while True:
    c, _ = ls.accept()
    try:
        while True:
            c.sendall(junk)
    except OSError:
        c.close()
EOF
$PY "$TMP/flood.py" "$TMP/flood.port" &
PIDS="$PIDS $!"
wait_file "$TMP/flood.port" || fail "flooder did not start"
PF=$(cat "$TMP/flood.port")

two_board_cfg "$TMP/play.cfg" good $P1 flood $PF
mkdir -p "$TMP/snap"
$B/ledboard --listen "tcp:127.0.0.1:$P1" --size 64x16 --format mono --snapshot "$TMP/snap" 2>"$TMP/good.log" &
PIDS="$PIDS $!"
sleep 0.3
$L play "$TMP/play.cfg" --foreground --duration 12 2>"$TMP/daemon.log" &
DAEMON=$!
PIDS="$PIDS $DAEMON"
sleep 2

# CPU seconds (user + system) of the daemon, and frames the good board showed
cpu() { awk '{ print $14 + $15 }' "/proc/$DAEMON/stat"; }
frames() { grep -c "frame [0-9]* shown" "$TMP/good.log"; }
hz=$(getconf CLK_TCK)
c0=$(cpu); f0=$(frames); t0=$(date +%s.%N)
sleep 4
c1=$(cpu); f1=$(frames); t1=$(date +%s.%N)
wait "$DAEMON" || { tail -20 "$TMP/daemon.log"; fail "ledsign play exited non-zero"; }
$PY - "$c0" "$c1" "$hz" "$f0" "$f1" "$t0" "$t1" <<'EOF' || { tail -20 "$TMP/daemon.log"; fail "a flooding board costs too much"; }
import sys
c0, c1, hz, f0, f1, t0, t1 = (float(x) for x in sys.argv[1:])
wall = t1 - t0
cpu = (c1 - c0) / hz / wall * 100
fps = (f1 - f0) / wall
print("daemon CPU %.1f %% of one core over %.1f s; good board %.1f fps" % (cpu, wall, fps))
# Unbudgeted, the daemon reads everything the flooder sends: close to 100 %.
sys.exit(0 if cpu < 25 and fps >= 24 else 1)
EOF
grep -q "flood: .*more than .* bytes/s" "$TMP/daemon.log" || { tail -20 "$TMP/daemon.log"; fail "no log line about the flooding board"; }
echo "flooding board contained"
