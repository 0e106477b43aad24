# Roles on the control socket (issue 14, item 3): a viewer may run status,
# alerts and boards but is denied alert, clear and reload, with the role
# each needs; an operator raises and clears but does not reload; root does
# everything.  `ledsign status` reads the boards verb: the daemon writes no
# status file, and the table is the same for every role.
. tests/lib.sh
. tests/alert-lib.sh
L=$(world_ledsign)   # run by other users too: the checkout may be readable by root only
C="$PY $(world_tool ctlclient.py)"
as_user() { uid=$1; shift; setpriv --reuid="$uid" --regid=65534 --clear-groups "$@"; }
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root to act as other users"; exit 0; }
chmod 755 "$TMP"
# nobody (65534) is a viewer through its group; 12001 is an operator by uid
alert_config 'control_viewer_groups = ["nogroup"]; control_operators = ["12001"];'
chmod 644 "$CFG"
start_boards
start_daemon
[ "$(stat -c '%a %G' "$SOCK")" = "660 nogroup" ] || fail "socket is $(stat -c '%a %G' "$SOCK"), not 660 nogroup"

# --- viewer: reads
n=50; until as_user 65534 $L status "$CFG" >"$TMP/status.txt" 2>&1 && grep -Eq "^gate +online" "$TMP/status.txt"; do
	n=$((n - 1)); [ $n -gt 0 ] || { cat "$TMP/status.txt"; afail "a viewer's ledsign status does not show gate online"; }
	sleep 0.1
done
cat "$TMP/status.txt"
grep -q "^ledsign play: running, pid $DAEMON, $CFG, up " "$TMP/status.txt" || afail "status head line: $(head -1 "$TMP/status.txt")"
grep -Eq "^hall +online +ok +fallback +[0-9]+ " "$TMP/status.txt" || afail "hall's row"
grep -q "tcp:127.0.0.1:$HALL_PORT" "$TMP/status.txt" || afail "hall's address is not shown"
grep -q "^no active alerts" "$TMP/status.txt" || afail "status does not list the alerts"
[ ! -e "$TMP/run/status" ] || afail "the daemon wrote a status file"
as_user 65534 $L alerts --config "$CFG" >/dev/null || afail "a viewer may not list alerts"
out=$(as_user 65534 $C ask "$SOCK" 'ledsign-control/1 boards\n')
echo "$out"
echo "$out" | grep -q "^board name=hall state=online .*frames_sent=[1-9]" || afail "boards verb: no hall line"
echo "$out" | grep -q "^ok version=1 boards=2 pid=$DAEMON " || afail "boards verb: ok line"
out=$(as_user 65534 $C ask "$SOCK" 'ledsign-control/1 help\n')
echo "$out" | grep -q "^ok verbs=13 role=viewer" || afail "help for a viewer: $out"
# a schedule query: what the schedule gives hall now (the fallback), and at a given time
out=$(as_user 65534 $C ask "$SOCK" 'ledsign-control/1 schedule board=hall\n')
echo "$out"
echo "$out" | grep -q "^slot board=hall state=play rule= fallback=1 playlist=normal entry=1 item=ok " || afail "schedule verb: $out"
echo "$out" | grep -q "^ok at=[0-9]* local=[-0-9T:]* zone=Asia/Shanghai boards=1" || afail "schedule verb ok line: $out"
out=$(as_user 65534 $C ask "$SOCK" 'ledsign-control/1 schedule at=1800000000\n')
echo "$out" | grep -q "^ok at=1800000000 local=2027-01-15T16:00:00 zone=Asia/Shanghai boards=2" || afail "schedule at=: $out"
out=$(as_user 65534 $C ask "$SOCK" 'ledsign-control/1 schedule board=nosuch\n')
echo "$out" | grep -q "^error code=notfound " || afail "schedule of an unknown board: $out"

# --- viewer: may not change anything, and is told which role would
out=$(as_user 65534 $L alert "viewer was here" --config "$CFG" 2>&1) && afail "a viewer raised an alert: $out"
echo "$out"
echo "$out" | grep -q "alert needs the operator role; user 65534 has viewer" || afail "viewer alert: $out"
out=$(as_user 65534 $L reload "$CFG" 2>&1) && afail "a viewer reloaded: $out"
echo "$out" | grep -q "^ledsign reload: denied: reload needs the admin role" || afail "viewer reload: $out"
grep -q "control: alert denied to uid 65534 (viewer; needs operator)" "$TMP/daemon.log" || afail "denial not logged"

# --- operator: raises and clears, but does not reload
id=$(as_user 12001 $L alert "operator alert" --level info --config "$CFG") || afail "an operator may not raise an alert"
as_user 65534 $L status "$CFG" | grep -q "$id" || afail "the viewer does not see the operator's alert"
out=$(as_user 65534 $L clear "$id" --config "$CFG" 2>&1) && afail "a viewer cleared: $out"
echo "$out" | grep -q "clear needs the operator role" || afail "viewer clear: $out"
as_user 12001 $L clear "$id" --config "$CFG" >/dev/null || afail "an operator may not clear"
out=$(as_user 12001 $L reload "$CFG" 2>&1) && afail "an operator reloaded: $out"
echo "$out" | grep -q "reload needs the admin role; user 12001 has operator" || afail "operator reload: $out"

# --- root: admin
$L reload "$CFG" >/dev/null || afail "root may not reload"
$L status "$CFG" | grep -q ", 1 reload" || afail "status does not count the reload"
kill "$DAEMON"; wait "$DAEMON" || afail "unclean stop"
echo "viewer reads, operator changes alerts, admin reloads; status comes from the boards verb"
