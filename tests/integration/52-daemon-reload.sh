# Reload: a broken config is refused with its file:line and the old content
# keeps playing; a good one is applied without restarting the daemon, and a
# board whose content did not change never shows a blank (or any other) frame.
. tests/lib.sh
L=$B/ledsign
P1=$(free_port); P2=$(free_port)

config() {   # config TEXT-OF-b1
	cat >"$TMP/play.cfg" <<EOF
timezone = "Asia/Shanghai";
control_socket = "$TMP/run/control.sock";
state_dir = "$TMP/state";
boards = (
  { name = "b1"; width = 64; height = 16; format = "mono"; protocol = "lsp"; address = "tcp:127.0.0.1:$P1"; },
  { name = "b2"; width = 64; height = 16; format = "mono"; protocol = "lsp"; address = "tcp:127.0.0.1:$P2"; }
);
content = (
  { name = "one"; text = "$1"; },
  { name = "two"; text = "不变"; }
);
playlists = ( { name = "p1"; items = ["one"]; }, { name = "p2"; items = ["two"]; } );
schedule = ( { playlist = "p1"; boards = ["b1"]; }, { playlist = "p2"; boards = ["b2"]; } );
EOF
}
config "旧内容"
for b in b1 b2; do mkdir -p "$TMP/snap-$b"; done
$B/ledboard --listen "tcp:127.0.0.1:$P1" --size 64x16 --format mono --snapshot "$TMP/snap-b1" --keep 2>"$TMP/b1.log" &
PIDS="$PIDS $!"
$B/ledboard --listen "tcp:127.0.0.1:$P2" --size 64x16 --format mono --snapshot "$TMP/snap-b2" --keep 2>"$TMP/b2.log" &
PIDS="$PIDS $!"
sleep 0.3
$L play "$TMP/play.cfg" --foreground --duration 20 2>"$TMP/daemon.log" &
DAEMON=$!
PIDS="$PIDS $DAEMON"
watch_events "$TMP/run/control.sock" "$TMP/events"
wait_file "$TMP/snap-b1/latest.png" || fail "b1 showed nothing"
wait_file "$TMP/snap-b2/latest.png" || fail "b2 showed nothing"
sleep 0.5
$L preview "$TMP/play.cfg" --board b1 --item one --raw -o "$TMP/old.png" || fail "preview old"
$B/tools/pngcmp "$TMP/snap-b1/latest.png" "$TMP/old.png" || fail "b1 does not show the old content"

# 1. A broken file: line 12 names a playlist that does not exist.
cp "$TMP/play.cfg" "$TMP/good.cfg"
sed -i 's/{ playlist = "p1"; boards = \["b1"\]; }/{ playlist = "nosuch"; boards = ["b1"]; }/' "$TMP/play.cfg"
line=$(grep -n nosuch "$TMP/play.cfg" | cut -d: -f1)
if $L reload "$TMP/good.cfg" 2>"$TMP/reload1.err"; then fail "reload of a broken config succeeded"; fi
cat "$TMP/reload1.err"
grep -q "play.cfg:$line:" "$TMP/reload1.err" || fail "reload did not report line $line"
grep -q "play.cfg:$line:" "$TMP/daemon.log" || fail "daemon did not log line $line"
grep -q "keeping the running configuration" "$TMP/daemon.log" || fail "no 'keeping' line"
wait_event "$TMP/events" "^type=reload .* ok=0 reason=.*play.cfg:$line:" || fail "no reload event with ok=0 and the error"
sleep 0.5
$B/tools/pngcmp "$TMP/snap-b1/latest.png" "$TMP/old.png" || fail "old content gone after a failed reload"
kill -0 "$DAEMON" || fail "daemon died on a broken config"

# 2. A good file: b1's text changes, b2's does not.
config "新内容"
frames_b2=$(ls "$TMP/snap-b2" | grep -c '^frame-')
$L reload "$TMP/play.cfg" || { cat "$TMP/daemon.log"; fail "good reload refused"; }
$L preview "$TMP/play.cfg" --board b1 --item one --raw -o "$TMP/new.png" || fail "preview new"
n=30
until $B/tools/pngcmp "$TMP/snap-b1/latest.png" "$TMP/new.png" 2>/dev/null; do
	n=$((n - 1)); [ $n -gt 0 ] || fail "b1 never showed the new content"; sleep 0.1
done
grep -q "reloaded .*2 boards (2 kept playing, 0 reconnected, 0 added, 0 removed)" "$TMP/daemon.log" ||
    fail "reload did not keep both links"
kill -0 "$DAEMON" || fail "daemon restarted or died"
wait_event "$TMP/events" "^type=reload .* ok=1 reason=$" || fail "no reload event with ok=1"
[ "$(grep -Ec '^type=link .* to=online ' "$TMP/events")" -eq 2 ] || { cat "$TMP/events"; fail "a board reconnected on reload"; }
[ "$(grep -Ec '^type=item_start .* board=b2 ' "$TMP/events")" -eq 1 ] || fail "b2's item restarted on reload"
# b2: no frame at all was sent for the reload (its picture did not change), and none was ever blank.
[ "$(ls "$TMP/snap-b2" | grep -c '^frame-')" -eq "$frames_b2" ] || fail "b2 got a frame on reload"
for f in "$TMP"/snap-b1/frame-* "$TMP"/snap-b2/frame-*; do
	$B/tools/pngcmp --lit "$f" || fail "blank frame $f"
done
# status says the last reload worked
$L status --run-dir "$TMP/run" | tee "$TMP/status.txt"
grep -q "2 reloads" "$TMP/status.txt" || fail "status does not count reloads"
grep -q "FAILED" "$TMP/status.txt" && fail "status still shows the failed reload"

# 3. Boards come and go: b2 removed, b3 added, b1 moved to another port (reconnects).
P3=$(free_port); P4=$(free_port)
mkdir -p "$TMP/snap-b3" "$TMP/snap-b1b"
$B/ledboard --listen "tcp:127.0.0.1:$P3" --size 32x16 --format red-green --snapshot "$TMP/snap-b3" 2>"$TMP/b3.log" &
PIDS="$PIDS $!"
$B/ledboard --listen "tcp:127.0.0.1:$P4" --size 64x16 --format mono --snapshot "$TMP/snap-b1b" 2>"$TMP/b1b.log" &
PIDS="$PIDS $!"
sleep 0.2
sed -i -e "s|tcp:127.0.0.1:$P1|tcp:127.0.0.1:$P4|" \
    -e "s|{ name = \"b2\"; width = 64; height = 16; format = \"mono\";|{ name = \"b3\"; width = 32; height = 16; format = \"red-green\";|" \
    -e "s|tcp:127.0.0.1:$P2|tcp:127.0.0.1:$P3|" -e 's|boards = \["b2"\]|boards = ["b3"]|' "$TMP/play.cfg"
$L reload "$TMP/play.cfg" || { cat "$TMP/daemon.log"; fail "third reload refused"; }
grep -q "reloaded .*2 boards (0 kept playing, 1 reconnected, 1 added, 1 removed)" "$TMP/daemon.log" ||
    { tail -5 "$TMP/daemon.log"; fail "board changes not applied as expected"; }
wait_file "$TMP/snap-b3/latest.png" || fail "added board b3 shows nothing"
wait_file "$TMP/snap-b1b/latest.png" || fail "moved board b1 shows nothing at its new address"
$B/tools/pngcmp "$TMP/snap-b1b/latest.png" "$TMP/new.png" || fail "moved b1 shows the wrong thing"
grep -q "b2: removed from the configuration" "$TMP/daemon.log" || fail "no removal line"
kill "$DAEMON"
wait "$DAEMON" || fail "daemon did not stop cleanly on SIGTERM"
grep -q "SIGTERM: stopping" "$TMP/daemon.log" || fail "no clean stop line"
[ ! -e "$TMP/run/ledsign.pid" ] || fail "pid file left behind"
echo "reload: broken config refused with its line, good config applied live"
