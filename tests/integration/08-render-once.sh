# Issue 20, render once, send many: boards that show the same item at the
# same size and format are drawn once a frame period and the pixels copied
# to the others (render_item_shared); what each board shows is still the
# item.  Two simulated LSP boards and 18 DDP boards (to a port nobody
# listens on) of 64x16, all scrolling the theme for 3 s.
# Then the alert path: with every fsync made 700 ms slow (an LD_PRELOAD
# shim, as a small box's SD card can be), an emergency is on the board
# while `ledsign alert` still waits for its answer (before: only after both
# fsyncs, 1.4 s or more), and the answer still comes, after the write.
# serial: counts frames sent and drawn in 3 s at 30 fps, and an alert's time to the boards
. tests/lib.sh
P1=$(free_port) P2=$(free_port) SINK=$(free_port)
CFG=$TMP/play.cfg
{
	echo "timezone = \"Asia/Shanghai\";"
	echo "control_socket = \"$TMP/run/control.sock\"; state_dir = \"$TMP/state\";"
	echo "boards = ("
	echo "  { name = \"a\"; width = 64; height = 16; format = \"mono\"; protocol = \"lsp\"; address = \"tcp:127.0.0.1:$P1\"; },"
	echo "  { name = \"b\"; width = 64; height = 16; format = \"mono\"; protocol = \"lsp\"; address = \"tcp:127.0.0.1:$P2\"; },"
	i=0
	while [ $i -lt 18 ]; do
		echo "  { name = \"d$i\"; width = 64; height = 16; format = \"mono\"; protocol = \"ddp\"; address = \"udp:127.0.0.1:$SINK\"; },"
		i=$((i + 1))
	done
	echo "  { name = \"big\"; width = 96; height = 16; format = \"mono\"; protocol = \"ddp\"; address = \"udp:127.0.0.1:$SINK\"; }"
	echo ");"
	echo 'content = ( { name = "theme"; text = "网络安全为人民,网络安全靠人民"; effect = "scroll-left"; speed = 32.0; } );'
	echo 'playlists = ( { name = "week"; items = ["theme"]; } );'
	echo 'schedule = ( { playlist = "week"; boards = ["all"]; } );'
} >"$CFG"
$B/ledsign check "$CFG" >/dev/null || fail "test config does not check"
for b in a b; do
	mkdir -p "$TMP/snap-$b"
	[ $b = a ] && port=$P1 || port=$P2
	$B/ledboard --listen "tcp:127.0.0.1:$port" --size 64x16 --format mono --snapshot "$TMP/snap-$b" --quiet \
	    2>>"$TMP/board-$b.log" &
	PIDS="$PIDS $!"
done
for b in a b; do wait_listening "$TMP/board-$b.log" || { cat "$TMP/board-$b.log"; fail "board $b does not listen"; }; done
$B/ledsign play "$CFG" --foreground --duration 3 2>"$TMP/daemon.log" || { cat "$TMP/daemon.log"; fail "play failed"; }
line=$(grep "rendering:" "$TMP/daemon.log") || { tail "$TMP/daemon.log"; fail "no rendering summary"; }
echo "$line"
drawn=$(echo "$line" | sed -E 's/.*rendering: ([0-9]+) frames drawn.*/\1/')
copied=$(echo "$line" | sed -E 's/.* ([0-9]+) copied .*/\1/')
sent=$(sed -n 's/.*: \([0-9]*\) frames sent,.*/\1/p' "$TMP/daemon.log" | awk '{ s += $1 } END { print s + 0 }')
[ "$sent" -gt 200 ] || fail "only $sent frames sent in 3 s to 21 boards"
# 20 boards of one size share a render; the 96-wide one has its own: at
# least 3 copies a drawing even when a loaded machine splits frame periods
[ "$copied" -ge $((3 * drawn)) ] || fail "$drawn frames drawn and only $copied copied: boards do not share renders"
[ "$drawn" -ge 60 ] || fail "only $drawn frames drawn in 3 s at 30 fps for two sizes"
for b in a b; do
	$B/tools/pngcmp --lit "$TMP/snap-$b/latest.png" || { cat "$TMP/board-$b.log"; grep -v " frame" "$TMP/daemon.log" | tail; fail "board $b shows nothing"; }
done
echo "render once: $drawn frames drawn for $sent sent to 21 boards"

cat >"$TMP/slowfsync.c" <<'CEOF'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <time.h>
int fsync(int fd)
{
	static int (*real)(int);
	struct timespec ts = { 0, 700000000 };

	if (!real)
		real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
	nanosleep(&ts, 0);
	return real(fd);
}
CEOF
${CC:-cc} -shared -fPIC -o "$TMP/slowfsync.so" "$TMP/slowfsync.c" -ldl || fail "cannot build the fsync shim"
. tests/alert-lib.sh
alert_config
start_boards
LD_PRELOAD="$TMP/slowfsync.so" $L play "$CFG" --foreground 2>>"$TMP/daemon2.log" &
DAEMON=$!
PIDS="$PIDS $DAEMON"
n=100
until $L alerts --socket "$SOCK" >/dev/null 2>&1; do
	n=$((n - 1)); [ $n -gt 0 ] || { cat "$TMP/daemon2.log"; fail "daemon does not answer"; }; sleep 0.1
done
wait_colour hall 00ff00 || wait_colour hall 008000 || fail "hall does not show the schedule"
$L alert "EVACUATE" --level emergency --socket "$SOCK" >"$TMP/alert.out" 2>&1 &
ALERT=$!
PIDS="$PIDS $ALERT"
shown=0
n=0
while [ $n -lt 40 ] && kill -0 $ALERT 2>/dev/null; do
	if [ "$(count_colour hall ff0000)" -gt 0 ] && [ "$(count_colour gate ff0000)" -gt 0 ]; then
		kill -0 $ALERT 2>/dev/null && shown=1
		break
	fi
	sleep 0.05
	n=$((n + 1))
done
wait $ALERT || { cat "$TMP/alert.out"; fail "the alert was refused"; }
[ -s "$TMP/alert.out" ] || fail "no answer to the alert (its id)"
[ $shown = 1 ] || fail "the boards showed the alert only after the answer (after the fsyncs)"
ls "$TMP/state" | grep -q . || fail "the alert was not written"
echo "alert on the boards before its fsyncs ended; answered after them"
