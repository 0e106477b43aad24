# Reaching the daemon does not depend on the config being valid: `reload
# FILE` and `status FILE` after a bad edit (an error the loader finds, then a
# syntax error) still find the daemon from FILE's control_socket, with or
# without --run-dir, and reload reports "still playing the old one".
. tests/lib.sh
L=$B/ledsign
two_board_cfg "$TMP/play.cfg" b1 "$(free_port)" b2 "$(free_port)"
$L play "$TMP/play.cfg" --foreground --duration 25 2>"$TMP/daemon.log" &
DAEMON=$!
PIDS="$PIDS $DAEMON"
n=100; until [ -S "$TMP/run/control.sock" ] || [ $n -eq 0 ]; do sleep 0.1; n=$((n - 1)); done
[ -S "$TMP/run/control.sock" ] || { cat "$TMP/daemon.log"; fail "daemon did not start"; }

try() {   # try NAME: reload and status of the broken play.cfg, with and without --run-dir
	if $L reload "$TMP/play.cfg" >"$TMP/$1.reload" 2>&1; then fail "$1: reload of a broken config succeeded"; fi
	cat "$TMP/$1.reload"
	grep -q "need the config" "$TMP/$1.reload" && fail "$1: reload did not reach the daemon"
	grep -q "still playing the old one" "$TMP/$1.reload" || fail "$1: reload does not say the old config plays on"
	grep -q "play.cfg:$2:" "$TMP/$1.reload" || fail "$1: reload does not name line $2"
	for rd in "" "--run-dir $TMP/run"; do
		$L status "$TMP/play.cfg" $rd >"$TMP/$1.status" 2>"$TMP/$1.status.err" ||
		    { cat "$TMP/$1.status.err"; fail "$1: status $rd failed"; }
		grep -q "^ledsign play: running, pid $DAEMON" "$TMP/$1.status" || fail "$1: status $rd: no daemon line"
		grep -Eq "^b1 " "$TMP/$1.status" || fail "$1: status $rd: no board b1"
		grep -q "1 reload.*FAILED" "$TMP/$1.status" 2>/dev/null ||
		    grep -q "reloads; last one FAILED" "$TMP/$1.status" || fail "$1: status does not show the failed reload"
	done
}

# 1. an error the loader finds: a playlist that does not exist
sed -i 's/playlist = "week"/playlist = "wek"/' "$TMP/play.cfg"
try missing "$(grep -n '"wek"' "$TMP/play.cfg" | cut -d: -f1)"
# 2. a syntax error: no comma between the two boards
sed -i '/name = "b1"/s/},$/}/' "$TMP/play.cfg"
try syntax "[0-9]*"
grep -q "syntax error" "$TMP/syntax.status.err" || fail "status does not warn of the syntax error"

# 3. a file that cannot be read at all, with --run-dir: the run directory is enough
$L status "$TMP/nosuch.cfg" --run-dir "$TMP/run" >"$TMP/nofile.status" 2>"$TMP/nofile.err" ||
    { cat "$TMP/nofile.err"; fail "status with an unreadable FILE and --run-dir failed"; }
grep -q "^ledsign play: running" "$TMP/nofile.status" || fail "status with --run-dir: no daemon line"
if $L status "$TMP/nosuch.cfg" 2>"$TMP/nofile2.err"; then fail "status of an unreadable FILE without --run-dir succeeded"; fi
grep -q "nosuch.cfg: cannot read the file.*--run-dir" "$TMP/nofile2.err" || { cat "$TMP/nofile2.err"; fail "no hint for an unreadable FILE"; }

# 4. alerts --config of the broken file reaches the same daemon
$L alerts --config "$TMP/play.cfg" >"$TMP/alerts.out" 2>"$TMP/alerts.err" || { cat "$TMP/alerts.err"; fail "alerts with a broken config"; }
grep -q "socket $TMP/run/control.sock" "$TMP/alerts.err" || { cat "$TMP/alerts.err"; fail "alerts did not take the file's control_socket"; }
grep -q "no active alerts" "$TMP/alerts.out" || fail "alerts did not list"
kill -0 "$DAEMON" || fail "daemon died"
echo "ok"
