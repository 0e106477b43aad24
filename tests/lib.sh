# Helpers sourced by integration tests.  $B is the build dir, $TMP a scratch dir.
B=$1
PIDS=""
cleanup() { for p in $PIDS; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; }
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }
# What the program itself wrote to stderr, without the sanitizer runtime's own
# "==PID==WARNING: ..." style lines (symbolizer trouble, verbosity): tests that
# judge stderr must not mistake the runtime's noise for the program's words.
# A real sanitizer error still fails the test through the exit status.
own_stderr() { grep -Ev '^==[0-9]+==' "$1" || true; }
# Fail unless FILE holds nothing of the program's own on stderr.
no_own_stderr() { [ -z "$(own_stderr "$1")" ] || { own_stderr "$1"; fail "$2"; }; }
# Art-Net goes from UDP 6454 where that port is free, and 6454 is one port
# for the whole machine: every test that sends Art-Net takes this lock (on fd
# 9, held until the test ends) so that tests run side by side (and a second
# `make check`) never take 6454 while test 48 checks who sends from it.
artnet_port_lock() {
	exec 9>/tmp/ledsign-tests-udp6454.lock
	flock -w 240 9 || fail "another test held the UDP 6454 lock for 4 minutes"
}
# A loopback port free for TCP and UDP, one no other test gets at the same
# time (tests/tools/free-port.py says how and why not the kernel's choice).
LS_FREE_PORT=$(pwd)/tests/tools/free-port.py
free_port() { /usr/bin/python3 "$LS_FREE_PORT"; }
# Wait until the ledboard whose stderr goes to LOG listens (up to $2 tenths
# of a second, default 100): an ASan ledboard on a loaded machine can take
# longer to start than a fixed sleep allows.
wait_listening() { n=${2:-100}; until grep -q "listening on" "$1" 2>/dev/null; do n=$((n - 1)); [ $n -gt 0 ] || return 1; sleep 0.1; done; }
# Wait until FILE exists (up to $2 tenths of a second, default 50).
wait_file() { n=${2:-50}; while [ ! -e "$1" ] && [ "$n" -gt 0 ]; do sleep 0.1; n=$((n - 1)); done; [ -e "$1" ]; }
# A copy of tests/tools/NAME that other users can run (tests that act as
# nobody or another uid): the checkout may sit where only root can read
# (/root/project on a fresh machine).  Opens $TMP to others; prints the path.
world_tool() { chmod 755 "$TMP"; cp "tests/tools/$1" "$TMP/$1" && chmod 755 "$TMP/$1" && echo "$TMP/$1"; }
# $B/ledsign copied where other users can run it (see world_tool), with the
# ledsign-full and ledsign-play it runs from its own directory; prints its path.
world_ledsign() {
	chmod 755 "$TMP"; mkdir -p "$TMP/bin" && chmod 755 "$TMP/bin" &&
	cp "$B/ledsign" "$B/ledsign-full" "$B/ledsign-play" "$TMP/bin/" && echo "$TMP/bin/ledsign"
}
# Events instead of log wording: once the daemon's control SOCKET is up,
# `ledsign watch` from the oldest event the daemon still holds (so nothing
# since its start is missed), into FILE until the daemon stops; its pid in
# WATCH.  Usage: watch_events SOCKET FILE
watch_events() {
	n=100; until [ -S "$1" ] || [ $n -eq 0 ]; do sleep 0.1; n=$((n - 1)); done
	$B/ledsign watch --socket "$1" --since 1 >"$2" 2>"$2.err" &
	WATCH=$!
	PIDS="$PIDS $WATCH"
}
# Wait until watch output FILE has a line matching the extended regex ERE
# (up to $3 tenths of a second, default 100); 1 when it never came.
wait_event() { n=${3:-100}; until grep -Eq "$2" "$1"; do n=$((n - 1)); [ $n -gt 0 ] || return 1; sleep 0.1; done; }
# A config FILE of two 64x16 mono LSP boards on loopback TCP, NAME1 at PORT1
# and NAME2 at PORT2, scrolling the theme slogan all the time, with the
# control socket and state under $TMP.  Usage: two_board_cfg FILE N1 P1 N2 P2
two_board_cfg() {
	cat >"$1" <<EOF
timezone = "Asia/Shanghai";
control_socket = "$TMP/run/control.sock";
state_dir = "$TMP/state";
boards = (
  { name = "$2"; width = 64; height = 16; format = "mono"; protocol = "lsp"; address = "tcp:127.0.0.1:$3"; },
  { name = "$4"; width = 64; height = 16; format = "mono"; protocol = "lsp"; address = "tcp:127.0.0.1:$5"; }
);
content = ( { name = "theme"; text = "网络安全为人民"; effect = "scroll-left"; speed = 32.0; } );
playlists = ( { name = "week"; items = ["theme"]; } );
schedule = ( { playlist = "week"; boards = ["all"]; } );
EOF
	$B/ledsign check "$1" >/dev/null || fail "test config $1 does not check"
}
# The lines of a "boards" list for the alert, staff and console tests:
# hall (group north) and gate (group south), 64x16 rgb888 LSP boards at
# $HALL_PORT and $GATE_PORT, then the board lines MORE if given.
# Usage: hall_gate_boards [MORE]
hall_gate_boards() {
	printf '  { name = "hall"; width = 64; height = 16; format = "rgb888"; protocol = "lsp";\n'
	printf '    address = "tcp:127.0.0.1:%s"; groups = ["north"]; },\n' "$HALL_PORT"
	printf '  { name = "gate"; width = 64; height = 16; format = "rgb888"; protocol = "lsp";\n'
	printf '    address = "tcp:127.0.0.1:%s"; groups = ["south"]; }' "$GATE_PORT"
	[ -z "$1" ] || printf ',\n%s' "$1"
	printf '\n'
}
# A 64x16 simulated LSP board NAME of FORMAT listening on PORT, its pictures
# in $TMP/snap-NAME, its pid in $PIDS and $TMP/board-NAME.pid.
# Usage: start_snapshot_board NAME FORMAT PORT
start_snapshot_board() {
	mkdir -p "$TMP/snap-$1"
	$B/ledboard --listen "tcp:127.0.0.1:$3" --size 64x16 --format "$2" --snapshot "$TMP/snap-$1" \
	    --quiet 2>>"$TMP/board-$1.log" &
	PIDS="$PIDS $!"
	echo $! >"$TMP/board-$1.pid"
}
# `ledsign play $CFG` in the background (pid in $DAEMON and $PIDS, stderr in
# $TMP/daemon.log), back once it answers on $SOCK (a socket file left by a
# killed daemon does not count); fails after 10 s.  Runs $L if set.
start_play_daemon() {
	${L:-$B/ledsign} play "$CFG" --foreground 2>>"$TMP/daemon.log" &
	DAEMON=$!
	PIDS="$PIDS $DAEMON"
	n=100
	until ${L:-$B/ledsign} alerts --socket "$SOCK" >/dev/null 2>&1; do
		n=$((n - 1))
		[ $n -gt 0 ] || { cat "$TMP/daemon.log"; fail "daemon does not answer on its control socket"; }
		sleep 0.1
	done
}
