# Alerts through the running daemon: `ledsign alert` pre-empts the schedule
# on the targeted board only; the alert survives SIGKILL of the daemon and is
# shown again right after a restart; `ledsign clear` returns the board to its
# schedule, bit for bit what `preview` shows.
. tests/lib.sh
L=$B/ledsign
P1=$(free_port); P2=$(free_port)
cat >"$TMP/play.cfg" <<EOF
timezone = "Asia/Shanghai";
control_socket = "$TMP/run/control.sock";
state_dir = "$TMP/state";
boards = (
  { name = "b1"; width = 64; height = 16; format = "mono"; protocol = "lsp"; address = "tcp:127.0.0.1:$P1"; groups = ["hall"]; },
  { name = "b2"; width = 64; height = 16; format = "mono"; protocol = "lsp"; address = "tcp:127.0.0.1:$P2"; }
);
content = ( { name = "one"; text = "平时内容"; } );
playlists = ( { name = "p"; items = ["one"]; } );
schedule = ( { playlist = "p"; boards = ["all"]; } );
EOF
for b in 1 2; do
	mkdir -p "$TMP/snap-b$b"
	eval port=\$P$b
	$B/ledboard --listen "tcp:127.0.0.1:$port" --size 64x16 --format mono --snapshot "$TMP/snap-b$b" 2>"$TMP/b$b.log" &
	PIDS="$PIDS $!"
done
sleep 0.3
start_daemon() {
	$L play "$TMP/play.cfg" --foreground --duration 30 2>>"$TMP/daemon.log" &
	DAEMON=$!
	PIDS="$PIDS $DAEMON"
	n=50; until [ -S "$TMP/run/control.sock" ] && $L status "$TMP/play.cfg" >/dev/null 2>&1; do
		n=$((n - 1)); [ $n -gt 0 ] || { cat "$TMP/daemon.log"; fail "daemon did not start"; }; sleep 0.1
	done
	# (after a SIGKILL the old socket file is there before the new daemon listens)
	watch_events "$TMP/run/control.sock" "$TMP/events-$DAEMON"
	EVENTS=$TMP/events-$DAEMON
}
start_daemon
$L preview "$TMP/play.cfg" --board b1 --item one --raw -o "$TMP/normal.png" || fail preview
wait_file "$TMP/snap-b1/latest.png"
sleep 0.3
$B/tools/pngcmp "$TMP/snap-b1/latest.png" "$TMP/normal.png" || fail "b1 does not show its schedule"

id=$($L alert "紧急疏散" --groups hall --level warning --config "$TMP/play.cfg") || fail "ledsign alert"
echo "alert id: $id"
n=30; while $B/tools/pngcmp "$TMP/snap-b1/latest.png" "$TMP/normal.png" 2>/dev/null; do
	n=$((n - 1)); [ $n -gt 0 ] || fail "alert never reached b1"; sleep 0.1
done
wait_event "$EVENTS" "^type=alert_raised .* id=$id level=warning targets=hall$" || fail "no alert_raised event"
wait_event "$EVENTS" "^type=item_start .* board=b1 item=alert:warning rule=alert%20$id$" || fail "the alert did not pre-empt b1"
grep -q "b2 item=alert" "$EVENTS" && fail "b2 is not in the hall group"
$B/tools/pngcmp "$TMP/snap-b2/latest.png" "$TMP/normal.png" || fail "b2 lost its schedule"
# the status file follows within moments (it is rewritten after the boards re-choose)
n=20; until $L status "$TMP/play.cfg" >"$TMP/status.txt" && grep -Eq "^b1 +online +alert:warning +alert $id" "$TMP/status.txt"; do
	n=$((n - 1)); [ $n -gt 0 ] || { cat "$TMP/status.txt"; fail "status does not show the alert on b1"; }; sleep 0.1
done
cat "$TMP/status.txt"
grep -q "$id" "$TMP/status.txt" || fail "status does not list the alert"
cp "$TMP/snap-b1/latest.png" "$TMP/alert.png"

# Power cut: SIGKILL.  The alert comes back with the daemon.
kill -9 "$DAEMON"; wait "$DAEMON" 2>/dev/null
rm -f "$TMP/snap-b1/latest.png"
start_daemon
wait_file "$TMP/snap-b1/latest.png" || fail "b1 shows nothing after the restart"
sleep 0.3
$B/tools/pngcmp "$TMP/snap-b1/latest.png" "$TMP/alert.png" || fail "the alert did not survive SIGKILL"
grep -q "1 alert(s) still active from before the restart" "$TMP/daemon.log" || fail "restart did not report the alert"

$L clear "$id" --config "$TMP/play.cfg" || fail "ledsign clear"
n=30; until $B/tools/pngcmp "$TMP/snap-b1/latest.png" "$TMP/normal.png" 2>/dev/null; do
	n=$((n - 1)); [ $n -gt 0 ] || fail "b1 did not return to its schedule"; sleep 0.1
done
wait_event "$EVENTS" "^type=alert_cleared .* id=$id " || fail "no alert_cleared event"
wait_event "$EVENTS" "^type=item_start .* board=b1 item=one " || { cat "$EVENTS"; fail "no back-to-schedule item_start"; }
# after the restart, b1 started with the alert (it survived) and went back once
[ "$(grep -c '^type=item_start .* board=b1 item=alert:warning' "$EVENTS")" -eq 1 ] || fail "the alert was not on b1 once after the restart"
kill "$DAEMON"; wait "$DAEMON" || fail "unclean stop"
echo "alert pre-empted, survived SIGKILL, cleared back to the schedule"
