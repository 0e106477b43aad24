# An alert the daemon puts on its boards as soon as it is validated is
# logged once for all of them ("... pre-empts the schedule on 2 boards"),
# not with a line (a write) per board (issue 20: per-board work on the
# alert path); both boards still show it, and an alert raised again with
# another text is logged once more.
. tests/lib.sh
. tests/alert-lib.sh
alert_config
start_boards
start_daemon
wait_colour hall 00ff00 || afail "hall never showed its schedule"
wait_colour gate 00ff00 || afail "gate never showed its schedule"

id=$($L alert "疏散演练" --id drill --socket "$SOCK") || afail "ledsign alert"
[ "$id" = drill ] || afail "alert id is \"$id\""
wait_colour hall ff0000 || afail "the alert never reached hall"
wait_colour gate ff0000 || afail "the alert never reached gate"
n=50; until grep -q "alert drill (emergency) pre-empts the schedule on 2 boards" "$TMP/daemon.log"; do
	n=$((n - 1)); [ $n -gt 0 ] || afail "no single log line for the two boards"; sleep 0.1
done
grep -E "(hall|gate): alert drill .*pre-empts" "$TMP/daemon.log" && afail "a log line per board"
[ "$(grep -c "alert drill (emergency) pre-empts" "$TMP/daemon.log")" -eq 1 ] || afail "logged more than once"

# the same id with another text: the boards take it up again, one line again
$L alert "疏散演练结束" --id drill --level info --socket "$SOCK" >/dev/null || afail "ledsign alert (again)"
n=50; until grep -q "alert drill (info) pre-empts the schedule on 2 boards" "$TMP/daemon.log"; do
	n=$((n - 1)); [ $n -gt 0 ] || afail "no single log line for the replaced alert"; sleep 0.1
done
grep -E "(hall|gate): alert drill .*pre-empts" "$TMP/daemon.log" && afail "a log line per board (replaced alert)"
$L clear drill --socket "$SOCK" >/dev/null || afail "ledsign clear"
wait_colour hall 00ff00 || afail "hall did not go back to its schedule"
wait_colour gate 00ff00 || afail "gate did not go back to its schedule"
echo "ok"
