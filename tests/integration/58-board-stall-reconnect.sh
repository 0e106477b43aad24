# A board that stops answering is reconnected.  `ledboard --stall-after 20`
# shows 20 frames and then hangs: it keeps the TCP connection open but never
# reads it again, and serves the next connection normally (a board that a
# watchdog restarted while the host's end of the old connection lived on).
# The controller reports it stalled after 3 s without an acknowledgement,
# closes and reopens the link after 6 s, and the board shows frames again.
# A healthy board beside it keeps its frame rate throughout.
# serial: measures the healthy board's frame rate
. tests/lib.sh
L=$B/ledsign
P1=$(free_port); P2=$(free_port)
two_board_cfg "$TMP/play.cfg" good $P1 hang $P2
mkdir -p "$TMP/snap-good" "$TMP/snap-hang"
$B/ledboard --listen "tcp:127.0.0.1:$P1" --size 64x16 --format mono --snapshot "$TMP/snap-good" 2>"$TMP/good.log" &
PIDS="$PIDS $!"
$B/ledboard --listen "tcp:127.0.0.1:$P2" --size 64x16 --format mono --snapshot "$TMP/snap-hang" \
    --stall-after 20 2>"$TMP/hang.log" &
PIDS="$PIDS $!"
sleep 0.3
$L play "$TMP/play.cfg" --foreground --duration 14 2>"$TMP/daemon.log" &
DAEMON=$!
PIDS="$PIDS $DAEMON"
watch_events "$TMP/run/control.sock" "$TMP/events"
frames() { grep -c "frame [0-9]* shown" "$TMP/$1.log"; }

# stalled, and said so, while it hangs
wait_event "$TMP/events" "^type=link .* board=hang from=online to=stalled reason=no%20acknowledgement" 60 ||
	{ cat "$TMP/events"; fail "the hung board was never reported stalled"; }
# the status file is rewritten every second
status_shows() {   # state file
	n=30; until $L status "$TMP/play.cfg" >"$TMP/$2" 2>&1 && grep -Eq "^hang +$1" "$TMP/$2"; do
		n=$((n - 1)); [ $n -gt 0 ] || { cat "$TMP/$2"; return 1; }
		sleep 0.1
	done
}
status_shows stalled status1.txt || fail "status does not show the board stalled"
g0=$(frames good); t0=$(date +%s.%N)
# reconnected, and showing frames again
n=80; until grep -q "recovered" "$TMP/hang.log" && [ "$(frames hang)" -gt 40 ]; do
	n=$((n - 1))
	[ $n -gt 0 ] || { cat "$TMP/daemon.log"; tail -5 "$TMP/hang.log"; fail "the board that hung was not reconnected, or shows no new frames"; }
	sleep 0.1
done
g1=$(frames good); t1=$(date +%s.%N)
status_shows online status2.txt || fail "status does not show the board online again"
wait "$DAEMON" || { tail -20 "$TMP/daemon.log"; fail "ledsign play exited non-zero"; }
grep -Eq "^type=link .* board=hang from=stalled to=offline reason=no%20acknowledgement%20for%20[0-9.]+%20s;%20reconnecting" "$TMP/events" ||
	{ cat "$TMP/events"; fail "no link event for the reconnect"; }
grep -Eq "^type=link .* board=hang from=[a-z]+ to=online reason=connected" "$TMP/events" || fail "no link event for the way back"
/usr/bin/python3 -c '
import sys
g0, g1, t0, t1 = (float(x) for x in sys.argv[1:])
fps = (g1 - g0) / (t1 - t0)
print("good board while the other hung and came back: %.1f fps over %.1f s" % (fps, t1 - t0))
sys.exit(0 if fps >= 24 else 1)' "$g0" "$g1" "$t0" "$t1" || fail "the healthy board lost its frame rate"
echo "a board that hung was reconnected and shows frames again"
