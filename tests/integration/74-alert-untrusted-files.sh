# Issue 13 items 7, 8, 13: what others could plant in the daemon's directories.
# - A state_dir or run directory writable by others is refused at start,
#   with the directory and the chmod that fixes it.
# - An alert file owned by another user (root only: chown) or writable by
#   others is quarantined and never shown; a FIFO named like an alert file
#   does not hang the start.
# - A symlink planted at status.tmp is not followed (the daemon writes no
#   status file at all since `ledsign status` reads the boards verb).
. tests/lib.sh
. tests/alert-lib.sh
alert_config
start_boards

# world-writable state_dir: refused, naming the directory and the fix
mkdir -m 0777 "$TMP/state"
chmod 0777 "$TMP/state"
timeout 10 $L play "$CFG" --foreground 2>"$TMP/refused.log" && afail "played with a world-writable state_dir"
cat "$TMP/refused.log"
grep -q "cannot start: alert store: state_dir $TMP/state: writable by others (mode 0777).*fix: chmod go-w $TMP/state" \
    "$TMP/refused.log" || afail "no refusal naming state_dir and the fix"
chmod 0700 "$TMP/state"
# group-writable run directory: refused too
mkdir -p "$TMP/run"
chmod 0775 "$TMP/run"
timeout 10 $L play "$CFG" --foreground 2>"$TMP/refused.log" && afail "played with a group-writable run directory"
grep -q "cannot start: run directory $TMP/run: writable by its group (mode 0775).*fix: chmod go-w $TMP/run" \
    "$TMP/refused.log" || { cat "$TMP/refused.log"; afail "no refusal naming the run directory"; }
chmod 0755 "$TMP/run"

# planted files: a foreign owner, a world-writable one, a FIFO
printf 'ledsign-alert/1 id=open level=emergency text=FAKE%%20EVACUATE\n' >"$TMP/state/open.alert"
chmod 0666 "$TMP/state/open.alert"
mkfifo "$TMP/state/pipe.alert"
if [ "$(id -u)" -eq 0 ]; then
	printf 'ledsign-alert/1 id=evil level=emergency text=FAKE%%20EVACUATE%%20NOW\n' >"$TMP/state/evil.alert"
	chown 65534 "$TMP/state/evil.alert"
fi
start_daemon   # gives up after 10 s: a FIFO opened for reading would block it for ever
grep -q "alert store: $TMP/state/open.alert: writable by group or others (mode 0666): not trusted (moved aside to open.alert.bad)" \
    "$TMP/daemon.log" || afail "the world-writable alert file was not quarantined"
grep -q "alert store: $TMP/state/pipe.alert: not a regular file (a FIFO) (moved aside to pipe.alert.bad)" \
    "$TMP/daemon.log" || afail "the FIFO was not quarantined"
if [ "$(id -u)" -eq 0 ]; then
	grep -q "alert store: $TMP/state/evil.alert: owned by uid 65534, not by the daemon's user (uid 0) or root: not trusted (moved aside" \
	    "$TMP/daemon.log" || afail "the foreign alert file was not quarantined"
	[ -f "$TMP/state/evil.alert.bad" ] || afail "evil.alert not moved aside"
fi
$L alerts --socket "$SOCK" | grep -q "^no active alerts" || { $L alerts --socket "$SOCK"; afail "a planted alert is active"; }
wait_colour hall 00ff00 || afail "hall does not show its schedule"
never_colour hall ff0000 || afail "a planted alert is on the board"

# status.tmp: a planted symlink is replaced, not followed
echo precious >"$TMP/victim"
ln -s "$TMP/victim" "$TMP/run/status.tmp"
sleep 2.5   # older daemons rewrote a status file every second
[ "$(cat "$TMP/victim")" = precious ] || afail "the daemon followed a symlink at status.tmp"
[ ! -e "$TMP/run/status" ] || afail "a status file was written"
$L status "$CFG" | grep -Eq "^hall +online" || afail "ledsign status does not show hall online"
kill "$DAEMON"; wait "$DAEMON" 2>/dev/null
echo "unsafe directories refused; planted alert files quarantined; status.tmp symlink not followed"
