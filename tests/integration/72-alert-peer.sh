# Who may raise alerts: a user who is not allowed is refused, first by the
# socket's 0660 mode and, even when the file is opened up, by the peer
# credentials (SO_PEERCRED) check; garbage on the socket gets an error and
# the daemon carries on.  Needs root (to run the client as nobody).
. tests/lib.sh
. tests/alert-lib.sh
L=$(world_ledsign)   # run by other users too: the checkout may be readable by root only
if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null; then
	echo "SKIP: needs root and setpriv"
	exit 0
fi
alert_config
chmod 755 "$TMP"
start_boards
start_daemon
mode=$(stat -c %a "$SOCK")
[ "$mode" = 660 ] || afail "control socket mode is $mode, not 660"
chmod 755 "$TMP/run"
AS_NOBODY="setpriv --reuid=nobody --regid=nogroup --clear-groups"

$AS_NOBODY $L alert "hijack" --socket "$SOCK" 2>"$TMP/err.txt" && afail "nobody raised an alert through a 0660 socket"
cat "$TMP/err.txt"
grep -q "control.sock: permission denied; ask for your user to be added" "$TMP/err.txt" || afail "no permission message from ledsign (an exec failure also says permission denied)"

chmod 666 "$SOCK"   # a careless chmod must not let strangers in
$AS_NOBODY $L alert "hijack" --socket "$SOCK" 2>"$TMP/err.txt" && afail "nobody raised an alert past the peer check"
cat "$TMP/err.txt"
grep -q "user 65534 .* is not allowed" "$TMP/err.txt" || afail "no refusal naming the user"
grep -q "control: refused: user 65534" "$TMP/daemon.log" || afail "the refusal was not logged"
# (the audit log, audit.db, and proof of play, proof.db, live there too: only alerts count)
[ -z "$(ls "$TMP/state" | grep -v "^audit\.db\|^proof\.db")" ] || afail "a refused alert was stored"
never_colour hall ff0000 || afail "a refused alert was shown"

# Bad requests: an error each, and the daemon keeps serving.
printf 'GET / HTTP/1.0\nledsign-control/1 alert level=loud text=x\nledsign-control/1 alert\n' |
    socat -t 2 - "UNIX-CONNECT:$SOCK" >"$TMP/garbage.txt" || afail "socat"
cat "$TMP/garbage.txt"
[ "$(grep -c '^error code=' "$TMP/garbage.txt")" -eq 3 ] || afail "not one error per bad request"
head -c 100000 /dev/urandom | socat -t 2 - "UNIX-CONNECT:$SOCK" >/dev/null 2>&1
kill -0 "$DAEMON" || afail "the daemon died of bad requests"
id=$($L alert "still here" --id ok --level info --socket "$SOCK") || afail "root refused after garbage"
[ "$id" = ok ] || afail "alert printed \"$id\""
echo "alert peer: ok"
