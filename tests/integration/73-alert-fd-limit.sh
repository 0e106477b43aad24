# Issue 13 item 6 and issue 20: the daemon raises a low soft open-file limit
# to the hard one by itself and says at start how many boards the limit
# allows; with the alert store and control socket opened before the boards,
# alerts work with every board of the config playing; a config with more
# boards than fit is refused (issue 20: it used to leave the rest dark).
. tests/lib.sh
. tests/alert-lib.sh
alert_config
# 150 more boards: DDP on UDP to a port nobody listens on (one socket each)
SINK=$(free_port)
sed -i '/^boards = (/,/^);/d' "$CFG"
alert_many_boards 150 "$SINK" >>"$CFG"
$L check "$CFG" >/dev/null || { $L check "$CFG"; fail "test config does not check"; }
start_boards

# Hard and soft limit 160, too low for the 152 boards: refused at start
# (tests/integration/07 checks the message and the reload).
( ulimit -n 160 && exec $L play "$CFG" --foreground 2>>"$TMP/daemon.log" ) &
DAEMON=$!
PIDS="$PIDS $DAEMON"
n=100
while kill -0 $DAEMON 2>/dev/null; do
	n=$((n - 1)); [ $n -gt 0 ] || afail "a config that does not fit under ulimit -n 160 is played"; sleep 0.1
done
grep -q "152 boards need an open-file limit of at least" "$TMP/daemon.log" || afail "no refusal naming the limit"

# Soft 64 under a higher hard limit: raised, and every board fits.
hard=$(ulimit -Hn)
if [ "$hard" = unlimited ] || [ "$hard" -gt 400 ]; then
	: >"$TMP/daemon.log"
	( ulimit -Sn 64 && exec $L play "$CFG" --foreground 2>>"$TMP/daemon.log" ) &
	DAEMON=$!
	PIDS="$PIDS $DAEMON"
	n=100
	until $L alerts --socket "$SOCK" >/dev/null 2>&1; do
		n=$((n - 1)); [ $n -gt 0 ] || afail "no control socket under ulimit -Sn 64"; sleep 0.1
	done
	grep -E "open-file limit [0-9]+, raised from 64: room for [0-9]+ boards \(152 in the config" "$TMP/daemon.log" ||
	    afail "the soft limit was not raised (or not said)"
	grep -q "cannot start" "$TMP/daemon.log" && afail "refused under the raised limit"
	$L alert "EVACUATE" --level emergency --groups north --socket "$SOCK" >/dev/null || afail "alert refused"
	wait_colour hall ff0000 || afail "the emergency never reached hall"
	kill "$DAEMON"; wait "$DAEMON" 2>/dev/null
fi
echo "a low soft fd limit is raised, alerts work with 152 boards; too low a hard limit is refused; limit and room logged"
