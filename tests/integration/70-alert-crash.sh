# Alerts survive a crash: SIGKILL the daemon with an alert active, restart
# it, and the alert is on its board again at once; one that expired while
# the daemon was down is not.  Targets are honoured, and clearing returns
# the board to its schedule.
. tests/lib.sh
. tests/alert-lib.sh
alert_config
start_boards
start_daemon
wait_colour hall 00ff00 || afail "hall never showed its schedule"

id=$($L alert "EVACUATE" --groups north --id evac --socket "$SOCK") || afail "alert refused"
[ "$id" = evac ] || afail "alert printed \"$id\", not its id"
[ -f "$TMP/state/evac.alert" ] || afail "the alert is not on disk once its id is printed"
wait_colour hall ff0000 50 || afail "hall does not show the emergency"
never_colour gate ff0000 || afail "gate (group south) shows an alert for north"

$L alert "short notice" --boards gate --level info --for 3s --id soon --socket "$SOCK" >/dev/null || afail "info alert"
wait_colour gate 000080 50 || afail "gate does not show the info alert"

kill -9 "$DAEMON"
wait "$DAEMON" 2>/dev/null
echo "daemon killed"
sleep 3.5   # the info alert expires while the controller is down
# The boards keep their last picture: forget it, so only frames from the new daemon count.
rm -f "$TMP/snap-hall/latest.png" "$TMP/snap-gate/latest.png"
start_daemon
wait_colour hall ff0000 50 || afail "after the restart hall does not show the alert again"
grep -q "1 alert(s) still active from before the restart" "$TMP/daemon.log" || afail "restart did not say what it restored"
wait_colour gate 00ff00 80 || afail "gate is not back on its schedule"
never_colour gate 000080 || afail "the expired alert came back"
[ ! -e "$TMP/state/soon.alert" ] || afail "the expired alert's file is still there"

$L alerts --socket "$SOCK" >"$TMP/alerts.txt" || afail "ledsign alerts"
cat "$TMP/alerts.txt"
grep -q "^evac  *emergency  *@north  *until cleared  *root (uid 0)  *EVACUATE" "$TMP/alerts.txt" || afail "alerts does not list evac"
grep -q soon "$TMP/alerts.txt" && afail "alerts lists the expired one"

# Raising the same id again replaces it, on the board too.
$L alert "Walk, do not run" --groups north --id evac --level info --socket "$SOCK" >/dev/null || afail "re-raise"
wait_colour hall 000080 50 || afail "hall does not show the replaced alert"
never_colour hall ff0000 || afail "hall still shows the old version of the alert"

$L clear evac --socket "$SOCK" | grep -q "cleared 1" || afail "clear"
$L clear evac --socket "$SOCK" 2>"$TMP/err.txt" && afail "cleared a missing alert"
grep -q "no alert with id evac" "$TMP/err.txt" || afail "no clear message for a missing id"
wait_colour hall 00ff00 50 || afail "hall does not return to its schedule"
never_colour hall ff0000 || afail "hall still shows the alert"
[ ! -e "$TMP/state/evac.alert" ] || afail "cleared alert still on disk"
# Expiry while the daemon runs: the board goes back to its schedule by itself.
$L alert "two seconds" --boards gate --level info --for 2s --socket "$SOCK" >/dev/null || afail "short alert"
wait_colour gate 000080 30 || afail "gate does not show the short alert"
sleep 2
wait_colour gate 00ff00 30 || afail "gate is not back on its schedule after the expiry"
never_colour gate 000080 || afail "the expired alert is still shown"
echo "alert crash: ok"
