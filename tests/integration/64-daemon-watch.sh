# `ledsign watch` streams the running daemon's events: a board's link
# coming up and its item starting, then an alert raised and cleared (with
# the item switches it causes), each as one key=value line in order; a
# filtered watcher gets only its types; --count; a bad type is refused; the
# log still says what it said.
. tests/lib.sh
L=$B/ledsign
P1=$(free_port)
cat >"$TMP/play.cfg" <<EOF
timezone = "UTC";
control_socket = "$TMP/run/control.sock";
state_dir = "$TMP/state";
boards = (
  { name = "b1"; width = 64; height = 16; format = "mono"; protocol = "lsp"; address = "tcp:127.0.0.1:$P1"; groups = ["hall"]; }
);
content = ( { name = "one"; text = "hello"; } );
playlists = ( { name = "p"; items = ["one"]; } );
schedule = ( { name = "always"; playlist = "p"; boards = ["all"]; } );
EOF
# wait until FILE has a line matching the extended regex (up to 10 s)
wait_line() { n=100; until grep -Eq "$2" "$1"; do n=$((n - 1)); [ $n -gt 0 ] || { cat "$1"; fail "$3"; }; sleep 0.1; done; }

# the board is not there yet: the watcher, connected first, sees its link come up
$L play "$TMP/play.cfg" --foreground --duration 40 2>"$TMP/daemon.log" &
DAEMON=$!
PIDS="$PIDS $DAEMON"
n=50; until [ -S "$TMP/run/control.sock" ]; do n=$((n - 1)); [ $n -gt 0 ] || fail "no control socket"; sleep 0.1; done
$L watch --config "$TMP/play.cfg" >"$TMP/watch.out" 2>"$TMP/watch.err" &
WATCH=$!
PIDS="$PIDS $WATCH"
$L watch --config "$TMP/play.cfg" --types alert_raised,alert_cleared >"$TMP/alerts.out" 2>"$TMP/alerts.err" &
WATCH2=$!
PIDS="$PIDS $WATCH2"
sleep 0.5
mkdir -p "$TMP/snap"
$B/ledboard --listen "tcp:127.0.0.1:$P1" --size 64x16 --format mono --snapshot "$TMP/snap" 2>"$TMP/b1.log" &
PIDS="$PIDS $!"

wait_line "$TMP/watch.out" '^type=link seq=[0-9]+ time=[0-9.]+ board=b1 from=[a-z]* to=online ' "no link event for b1"
# a reload that changes the item: the old one stops, the new one starts
sed -i 's/name = "one"; text = "hello"/name = "two"; text = "hello"/; s/items = \["one"\]/items = ["two"]/' "$TMP/play.cfg"
$L reload "$TMP/play.cfg" >/dev/null || fail "reload"
wait_line "$TMP/watch.out" '^type=reload seq=[0-9]+ time=[0-9.]+ ok=1 reason=$' "no reload event"
wait_line "$TMP/watch.out" '^type=item_stop seq=[0-9]+ time=[0-9.]+ board=b1 item=one rule=always$' "no item_stop event for b1"
wait_line "$TMP/watch.out" '^type=item_start seq=[0-9]+ time=[0-9.]+ board=b1 item=two rule=always$' "no item_start event for b1"

id=$($L alert "Fire drill" --groups hall --level warning --id drill-1 --config "$TMP/play.cfg") || fail "ledsign alert"
[ "$id" = drill-1 ] || fail "alert id $id"
wait_line "$TMP/watch.out" '^type=alert_raised seq=[0-9]+ time=[0-9.]+ id=drill-1 level=warning targets=hall$' "no alert_raised event"
# the board switches to the alert: the item that stopped, then the alert's look
wait_line "$TMP/watch.out" '^type=item_stop .* board=b1 item=two rule=always$' "no item_stop for the schedule's item"
wait_line "$TMP/watch.out" '^type=item_start .* board=b1 item=alert:warning rule=alert%20drill-1$' "no item_start of the alert"
$L clear drill-1 --config "$TMP/play.cfg" || fail "ledsign clear"
wait_line "$TMP/watch.out" '^type=alert_cleared seq=[0-9]+ time=[0-9.]+ id=drill-1 level=warning targets=hall$' "no alert_cleared event"
n=100; until [ "$(grep -c '^type=item_start .* item=two ' "$TMP/watch.out")" = 2 ]; do
	n=$((n - 1)); [ $n -gt 0 ] || { cat "$TMP/watch.out"; fail "b1 did not go back to item two"; }; sleep 0.1
done
# events come in order: sequence numbers only grow
awk '{ split($2, a, "="); if (a[2] + 0 <= last) { print "out of order: " $0; exit 1 } last = a[2] + 0 }' "$TMP/watch.out" ||
	fail "events out of order"
# the filtered watcher got exactly its two types
wait_line "$TMP/alerts.out" '^type=alert_cleared .* id=drill-1 ' "the alerts-only watcher missed the clear"
{ [ "$(wc -l <"$TMP/alerts.out")" = 2 ] && grep -q '^type=alert_raised .* id=drill-1 ' "$TMP/alerts.out"; } ||
	{ cat "$TMP/alerts.out"; fail "the alerts-only watcher got other events"; }
# the same happened in the log, in the words it always used
grep -q "ledsign: b1: now showing one (always)" "$TMP/daemon.log" || fail "no 'now showing' log line"
grep -q "ledsign: b1: online (" "$TMP/daemon.log" || fail "no link log line"

# --count: exits once it has had that many events
( sleep 0.5; $L alert "again" --id drill-2 --config "$TMP/play.cfg" >/dev/null ) &
$L watch --config "$TMP/play.cfg" --types alert_raised --count 1 --timeout 10 >"$TMP/one.out" ||
	fail "watch --count 1 did not see an event"
grep -q '^type=alert_raised .* id=drill-2 ' "$TMP/one.out" || fail "watch --count 1 printed $(cat "$TMP/one.out")"
# an alert that runs out: alert_expired (the daemon looks once a second)
$L alert "short" --id short-1 --for 2s --config "$TMP/play.cfg" >/dev/null || fail "short alert"
wait_line "$TMP/watch.out" '^type=alert_expired seq=[0-9]+ time=[0-9.]+ id=short-1 level=emergency targets=$' "no alert_expired event"
grep -q '^type=alert_cleared .* id=short-1 ' "$TMP/watch.out" && fail "an expired alert was reported cleared"
# frame acknowledgements only for a watcher that asks for them
$L watch --config "$TMP/play.cfg" --types frame_ack --count 3 --timeout 10 >"$TMP/acks.out" || fail "no frame_ack events"
[ "$(grep -Ec '^type=frame_ack seq=[0-9]+ time=[0-9.]+ board=b1 frame=[0-9]+$' "$TMP/acks.out")" = 3 ] || { cat "$TMP/acks.out"; fail "frame_ack lines"; }
grep -q "frame_ack" "$TMP/watch.out" && fail "a default watcher got frame_ack events"
# a bad type is refused with the list of types
$L watch --config "$TMP/play.cfg" --types item_start,bogus --timeout 5 2>"$TMP/bad.err" && fail "bogus type accepted"
grep -q 'unknown event type "bogus"' "$TMP/bad.err" || { cat "$TMP/bad.err"; fail "no reason for the refusal"; }

# the daemon's stop ends the watchers (exit 0 on EOF)
kill "$DAEMON"; wait "$DAEMON" || fail "unclean stop"
wait "$WATCH" || fail "watch did not end cleanly with the daemon"
grep -q '^type=item_stop .* board=b1 ' "$TMP/watch.out" || true
echo "watch: link, item start/stop, reload, alert raised, cleared and expired, in order; filtered; frame_ack on demand; --count; bad type refused"
