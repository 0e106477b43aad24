# The event loop never waits on the CAP parser (docs/architecture.md,
# "Processes").  With the parser process stopped (SIGSTOP: it hangs on
# whatever it is given), a CAP file dropped into cap_dir and a `cap` request
# each wait up to 2 s for an answer that never comes; meanwhile the board
# keeps its frame rate.  Then the parser is killed and replaced, the file
# goes to failed/ saying the parser did not answer, the request gets that
# error, and the next file is applied.  A client that goes while its
# document is at the parser still has it applied.
# serial: counts a board's frames in 2 s while the parser is stopped
. tests/lib.sh
. tests/alert-lib.sh
CAPD=$TMP/cap
mkdir -p "$CAPD" "$TMP/snap"
PORT=$(free_port)
cat >"$CFG" <<CFGEOF
control_socket = "$SOCK";
state_dir = "$TMP/state";
cap_dir = "$CAPD";
boards = (
  { name = "hall"; width = 64; height = 16; format = "mono"; protocol = "lsp"; address = "tcp:127.0.0.1:$PORT"; }
);
content = ( { name = "theme"; text = "SCROLLING ALL THE TIME"; effect = "scroll-left"; speed = 32.0; } );
playlists = ( { name = "week"; items = ["theme"]; } );
schedule = ( { playlist = "week"; boards = ["all"]; } );
CFGEOF
$L check "$CFG" >/dev/null || fail "test config does not check"
$B/ledboard --listen "tcp:127.0.0.1:$PORT" --size 64x16 --format mono --snapshot "$TMP/snap" \
    2>"$TMP/board-hall.log" &
PIDS="$PIDS $!"
sleep 0.2
start_daemon
frames() { grep -c "frame [0-9]* shown" "$TMP/board-hall.log"; }
n=100; until [ "$(frames)" -gt 30 ]; do
	n=$((n - 1)); [ $n -gt 0 ] || afail "the board shows no frames"; sleep 0.1
done
children() { for s in /proc/[0-9]*/stat; do
	awk -v p="$DAEMON" '$4 == p { print $1 }' "$s" 2>/dev/null; done; }
parser() {   # a parser process other than $1
	n=50; while P=$(children); [ -z "$P" ] || [ "$P" = "$1" ]; do
		n=$((n - 1)); [ $n -gt 0 ] || afail "no (new) CAP parser process"; sleep 0.1
	done
	echo "$P"
}
# frames the board showed over 2 s from now, as "FRAMES SECONDS"
window() {
	f0=$(frames); t0=$(date +%s.%N)
	sleep 2
	f1=$(frames); t1=$(date +%s.%N)
	echo "$((f1 - f0)) $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')"
}
enough() {   # what, "FRAMES SECONDS"
	set -- "$1" $2
	echo "$1: $2 frames in $3 s while the parser was stopped"
	[ "$2" -ge 40 ] || afail "$1: the board showed $2 frames in $3 s (30 fps expected): the loop waited for the parser"
}

# a cap_dir file
P1=$(parser 0)
kill -STOP "$P1"
cap_drop H1
enough "cap_dir file" "$(window)"
wait_file "$CAPD/failed/H1.xml" 50 || afail "the document the parser hung on was not failed"
grep -q "did not answer" "$CAPD/failed/H1.xml.error" ||
	afail "failed/H1.xml.error does not say why: $(cat "$CAPD/failed/H1.xml.error")"
cap_drop C1
wait_file "$CAPD/done/C1.xml" 50 || afail "the CAP file after a hung parser was not applied"
$L alerts --socket "$SOCK" | grep -q cap-C1 || afail "the CAP alert after a hung parser is not active"

# a `cap` request: answered once the parser is given up on, not before
P2=$(parser "$P1")
kill -STOP "$P2"
cap_typhoon "$TMP/H2.xml" H2
$L alert --cap "$TMP/H2.xml" --socket "$SOCK" >"$TMP/h2.out" 2>&1 &
REQ=$!
PIDS="$PIDS $REQ"
enough "cap request" "$(window)"
wait "$REQ" && afail "the request the parser hung on was accepted: $(cat "$TMP/h2.out")"
grep -q "did not answer" "$TMP/h2.out" || afail "the request the parser hung on was not told why: $(cat "$TMP/h2.out")"
cap_typhoon "$TMP/C2.xml" C2
$L alert --cap "$TMP/C2.xml" --socket "$SOCK" >/dev/null || afail "the request after a hung parser was refused"
$L alerts --socket "$SOCK" | grep -q cap-C2 || afail "the CAP alert from the request is not active"

# a client that gives up while its document is at the parser: still applied
P3=$(parser "$P2")
kill -STOP "$P3"
cap_typhoon "$TMP/C3.xml" C3
$PY - "$SOCK" "$TMP/C3.xml" <<'PYEOF' || afail "could not send the cap request"
import socket, sys, urllib.parse
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
doc = urllib.parse.quote(open(sys.argv[2]).read(), safe="")
s.sendall(("ledsign-control/1 cap name=C3.xml doc=" + doc + "\n").encode())
s.close()
PYEOF
sleep 0.3
kill -CONT "$P3"
n=30; until $L alerts --socket "$SOCK" | grep -q cap-C3; do
	n=$((n - 1)); [ $n -gt 0 ] || afail "a CAP request whose client went before the answer was not applied"; sleep 0.1
done
[ "$(children)" = "$P3" ] || afail "the parser was replaced though it answered"
kill -0 "$DAEMON" 2>/dev/null || afail "the daemon died"
echo "cap parser async: ok"
