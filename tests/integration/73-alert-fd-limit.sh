# Issue 13 item 6: with more boards than the open-file limit leaves room
# for, alerts still work (the alert store and control socket are opened
# before the boards), the daemon says at start how many boards the limit
# allows, and it raises a low soft limit to the hard one by itself.
. tests/lib.sh
. tests/alert-lib.sh
alert_config
# 150 more boards: DDP on UDP to a port nobody listens on (one socket each)
SINK=$(free_port)
{
	echo "boards = ("
	echo "  { name = \"hall\"; width = 64; height = 16; format = \"rgb888\"; protocol = \"lsp\";"
	echo "    address = \"tcp:127.0.0.1:$HALL_PORT\"; groups = [\"north\"]; },"
	i=0
	while [ $i -lt 150 ]; do
		echo "  { name = \"f$i\"; width = 8; height = 8; format = \"rgb888\"; protocol = \"ddp\"; address = \"udp:127.0.0.1:$SINK\"; },"
		i=$((i + 1))
	done
	echo "  { name = \"gate\"; width = 64; height = 16; format = \"rgb888\"; protocol = \"lsp\";"
	echo "    address = \"tcp:127.0.0.1:$GATE_PORT\"; groups = [\"south\"]; }"
	echo ");"
} >"$TMP/boards.part"
sed -i '/^boards = (/,/^);/d' "$CFG"
cat "$TMP/boards.part" >>"$CFG"
$L check "$CFG" >/dev/null || { $L check "$CFG"; fail "test config does not check"; }
start_boards

# Hard and soft limit 160: no raising; room for fewer than the 152 boards.
( ulimit -n 160 && exec $L play "$CFG" --foreground 2>>"$TMP/daemon.log" ) &
DAEMON=$!
PIDS="$PIDS $DAEMON"
n=100
until $L alerts --socket "$SOCK" >/dev/null 2>&1; do
	n=$((n - 1))
	[ $n -gt 0 ] || afail "no control socket under ulimit -n 160 (alerts disabled?)"
	kill -0 $DAEMON 2>/dev/null || afail "the daemon exited under ulimit -n 160"
	sleep 0.1
done
grep -E "open-file limit 160: room for [0-9]+ boards \(152 in the config" "$TMP/daemon.log" ||
    afail "the start-up message does not give the limit and the room"
room=$(sed -n 's/.*open-file limit 160: room for \([0-9]*\) boards.*/\1/p' "$TMP/daemon.log" | head -n 1)
[ "$room" -gt 10 ] && [ "$room" -lt 152 ] || afail "room for $room boards under a limit of 160?"
grep -q "only the first $room of 152 boards are played: raise the open-file limit" "$TMP/daemon.log" ||
    afail "no line saying what to raise"
grep -q "alerts disabled" "$TMP/daemon.log" && afail "alerts disabled"
$L alert "EVACUATE" --level emergency --groups north --socket "$SOCK" >/dev/null || afail "alert refused"
wait_colour hall ff0000 || afail "the emergency never reached hall"
kill "$DAEMON"; wait "$DAEMON" 2>/dev/null
$L clear --all --socket "$SOCK" >/dev/null 2>&1

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
	grep -q "only the first" "$TMP/daemon.log" && afail "boards left out under the raised limit"
	kill "$DAEMON"; wait "$DAEMON" 2>/dev/null
fi
echo "alerts work with more boards than the fd limit allows; limit and room logged at start"
