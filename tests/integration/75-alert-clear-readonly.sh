# Issue 13 item 17: `ledsign clear` on a read-only state_dir still takes the
# alert off the boards at once, and says it could not be recorded and what
# to do; once the directory is writable again the daemon records it.
# As root the directory is made read-only with a read-only bind mount in a
# mount namespace of the daemon's own (root ignores file modes); where no
# mount namespace can be had (a chroot), the alert file is made immutable
# (chattr +i); otherwise the directory gets mode 0500.
. tests/lib.sh
. tests/alert-lib.sh
alert_config
start_boards
start_daemon
id=$($L alert "FALSE ALARM" --level emergency --socket "$SOCK") || afail "alert refused"
wait_colour hall ff0000 || afail "the alert never reached hall"
kill "$DAEMON"; wait "$DAEMON" 2>/dev/null

if [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null && command -v nsenter >/dev/null &&
    unshare -m true 2>/dev/null; then
	RO=mount
	unshare -m sh -c 'mount --make-rprivate / && mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" &&
	    exec "$2" play "$3" --foreground' sh "$TMP/state" "$L" "$CFG" 2>>"$TMP/daemon.log" &
	DAEMON=$!
	PIDS="$PIDS $DAEMON"
	n=100
	until $L alerts --socket "$SOCK" >/dev/null 2>&1; do
		n=$((n - 1)); [ $n -gt 0 ] || afail "daemon did not start on the read-only state_dir"; sleep 0.1
	done
	nsenter -t "$DAEMON" -m touch "$TMP/state/probe" 2>/dev/null && afail "state_dir is not read-only for the daemon"
elif [ "$(id -u)" -eq 0 ] && command -v chattr >/dev/null && chattr +i "$TMP/state/$id.alert" 2>/dev/null; then
	# no mount namespace here (a chroot, a container): an immutable alert
	# file cannot be removed by root either
	RO=chattr
	start_daemon
else
	RO=chmod
	chmod 0500 "$TMP/state"
	start_daemon
fi
wait_colour hall ff0000 || afail "the stored alert is not shown after the restart"

$L clear "$id" --socket "$SOCK" >"$TMP/clear.out" 2>"$TMP/clear.err" && afail "clear said all is well"
cat "$TMP/clear.out" "$TMP/clear.err"
grep -q "^cleared 1" "$TMP/clear.out" || afail "clear did not say it cleared"
grep -q "warning: 1 alert(s) taken off the boards, but not recorded: $TMP/state/$id.alert: cannot remove" \
    "$TMP/clear.err" || afail "clear did not say it was not recorded"
grep -q "make the state directory writable and run the clear again" "$TMP/clear.err" || afail "clear did not say what to do"
wait_colour hall 00ff00 20 || afail "hall still shows the false alarm"
never_colour hall ff0000 || afail "the false alarm came back"
$L alerts --socket "$SOCK" | grep -q "^no active alerts" || afail "the alert is still listed"
[ -f "$TMP/state/$id.alert" ] || afail "the file went although the directory is read-only"

# writable again: the daemon records the clear by itself within a few seconds
if [ "$RO" = mount ]; then
	nsenter -t "$DAEMON" -m mount -o remount,bind,rw "$TMP/state" || afail "cannot remount"
elif [ "$RO" = chattr ]; then
	chattr -i "$TMP/state/$id.alert" || afail "cannot make the alert file removable again"
else
	chmod 0700 "$TMP/state"
fi
n=50
while [ -f "$TMP/state/$id.alert" ]; do
	n=$((n - 1)); [ $n -gt 0 ] || afail "the clear was never recorded"; sleep 0.1
done
grep -q "1 cleared alert(s) now recorded in $TMP/state; 0 still not" "$TMP/daemon.log" || afail "no log line"
kill "$DAEMON"; wait "$DAEMON" 2>/dev/null
echo "clear on a read-only state_dir: off the boards at once, not-recorded said, recorded later ($RO)"
