# `ledsign play` on the sample campaign, as `make demo` runs it: one
# simulated board per configured board, the campaign clock set to campus
# day with --start-at, stopping by itself at --until (campaign time).
# Every board comes online and shows something, and the daemon stops cleanly.
. tests/lib.sh
L=$B/ledsign
cp -r content "$TMP/content"
CFG=$TMP/content/campaign-week.cfg
echo "control_socket = \"$TMP/run/control.sock\"; state_dir = \"$TMP/state\";" >>"$CFG"
$L check content/campaign-week.cfg --list >"$TMP/boards.txt"
while read -r name w h fmt proto addr; do
	sed -i "s|\"$addr\"|\"tcp:127.0.0.1:$(free_port)\"|" "$CFG"
done <"$TMP/boards.txt"
$L check "$CFG" --list >"$TMP/boards.txt" || fail "copy does not check"
while read -r name w h fmt proto addr; do
	mkdir -p "$TMP/snap-$name"
	$B/ledboard --listen "$addr" --size "${w}x${h}" --format "$fmt" --protocol "$proto" \
	    --snapshot "$TMP/snap-$name" 2>"$TMP/board-$name.log" &
	PIDS="$PIDS $!"
done <"$TMP/boards.txt"
sleep 0.3
# 10:00:40 on campus day: campus-title scrolls on most boards
start=$(date +%s)
timeout 30 $L play "$CFG" --foreground --start-at "2023-09-12 10:00:40" --until "2023-09-12 10:00:44" \
    2>"$TMP/daemon.log" &
PLAY=$!
PIDS="$PIDS $PLAY"
watch_events "$TMP/run/control.sock" "$TMP/events"
wait $PLAY || { cat "$TMP/daemon.log"; fail "play failed"; }
took=$(( $(date +%s) - start ))
wait $WATCH || { cat "$TMP/events.err"; fail "watch did not end cleanly with the daemon"; }
cat "$TMP/daemon.log"
[ "$took" -ge 3 ] && [ "$took" -le 8 ] || fail "--until stopped after $took s, not about 4"
grep -q "campaign clock 2023-09-12 10:00:4" "$TMP/daemon.log" || fail "--start-at did not set the campaign clock"
while read -r name w h fmt proto addr; do
	grep -Eq "^type=link .* board=$name from=[a-z]* to=online " "$TMP/events" || fail "$name never came online"
	grep -Eq "^type=item_start .* board=$name item=[^ ]+ rule=campus-day" "$TMP/events" || fail "$name: campus-day rule not in force"
	$B/tools/pngcmp --lit "$TMP/snap-$name/latest.png" || fail "$name shows nothing"
	[ "$($B/tools/pngcmp --size "$TMP/snap-$name/latest.png")" = "${w}x${h}" ] || fail "$name wrong size"
done <"$TMP/boards.txt"
grep -q "run time is over: stopping" "$TMP/daemon.log" || fail "no clean stop"
# the boards store their programme (LSP 1.1) and play it on their own: the
# live frames the daemon paces are only those before it is stored, which
# may be none (since the build budget, a board streams only while it waits)
if ! grep -Eq "pacing: [0-9]+ animated frames" "$TMP/daemon.log"; then
	while read -r name w h fmt proto addr; do
		grep -q "$name: programme [0-9a-f]* stored on the board" "$TMP/daemon.log" ||
		    fail "$name: neither paced live frames nor a stored programme"
	done <"$TMP/boards.txt"
fi
# Usage errors are errors, not a daemon start.
$L play "$CFG" --duration 0 2>/dev/null && fail "--duration 0 accepted"
$L play "$CFG" --start-at "yesterday" 2>/dev/null && fail "bad --start-at accepted"
$L play 2>/dev/null && fail "no file accepted"
echo "campaign played on every board"
