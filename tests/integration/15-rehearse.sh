# `ledsign rehearse`: a config of a TCP (lsp), a UDP (ddp) and a serial (lsp)
# board, whose addresses are "real" boards here (ledboards on their own
# ports and pty), is played on simulated boards as if it were 2023-09-13
# 10:00: each simulated board shows that day's item, bit for bit what
# preview draws; a reload during the rehearsal (the file now names other
# real addresses and new text) changes the text on the simulators only;
# the real boards never get a byte.  Pictures: BOARD.png, a strip, BOARD.gif
# and site.gif; every simulator ends cleanly.
. tests/lib.sh
L=$B/ledsign
RP=$(free_port); RU=$(free_port); DP=$(free_port)
for r in tcp udp pty; do mkdir -p "$TMP/real-$r"; done
$B/ledboard --listen "tcp:127.0.0.1:$RP" --size 64x16 --format mono --snapshot "$TMP/real-tcp" 2>"$TMP/real-tcp.log" &
PIDS="$PIDS $!"
$B/ledboard --listen "udp:127.0.0.1:$RU" --size 32x16 --format rgb888 --protocol ddp --snapshot "$TMP/real-udp" 2>"$TMP/real-udp.log" &
PIDS="$PIDS $!"
$B/ledboard --listen "pty:$TMP/real-tty" --size 64x16 --format red-green --snapshot "$TMP/real-pty" 2>"$TMP/real-pty.log" &
PIDS="$PIDS $!"
wait_file "$TMP/real-tty" || fail "the real serial board did not start"

cfg() {   # cfg TEXT PORT-OF-TCP-BOARD
	cat >"$TMP/r.cfg" <<EOF
timezone = "Asia/Shanghai";
control_socket = "$TMP/real-run/control.sock";
state_dir = "$TMP/real-state";
boards = (
  { name = "gate"; width = 64; height = 16; format = "mono"; address = "tcp:127.0.0.1:$2"; },
  { name = "wall"; width = 32; height = 16; format = "rgb888"; protocol = "ddp"; address = "udp:127.0.0.1:$RU"; },
  { name = "dorm"; width = 64; height = 16; format = "red-green"; address = "serial:$TMP/real-tty@115200"; }
);
content = ( { name = "day"; text = "$1"; }, { name = "other"; text = "别的日子"; } );
playlists = ( { name = "day"; items = ["day"]; }, { name = "other"; items = ["other"]; } );
fallback = "other";
schedule = ( { name = "wednesday"; playlist = "day"; boards = ["all"]; dates = ["2023-09-13"]; } );
district = { host = "127.0.0.1"; port = $DP; tls = false; district = "d"; school = "s"; };
EOF
}
cfg "排练" "$RP"
$L check "$TMP/r.cfg" >/dev/null || fail "test config does not check"
start=$(date +%s)
timeout 60 $L rehearse "$TMP/r.cfg" --at "2023-09-13 10:00" --for 8s -o "$TMP/out" --frames 4 >"$TMP/rehearse.out" 2>"$TMP/rehearse.err" &
REH=$!
PIDS="$PIDS $REH"
# the rehearsal's own socket, inside -o DIR; the file's control_socket is never made
n=100; until [ -S "$TMP/out/run/control.sock" ] || [ $n -eq 0 ]; do sleep 0.1; n=$((n - 1)); done
[ -S "$TMP/out/run/control.sock" ] || { cat "$TMP/rehearse.err"; fail "the rehearsal's controller did not start"; }
for b in gate wall dorm; do
	wait_file "$TMP/out/boards/$b/latest.png" 50 || { cat "$TMP/rehearse.err"; fail "$b: nothing on its simulator"; }
done
sleep 0.5
for b in gate wall dorm; do
	$L preview "$TMP/r.cfg" --board $b --item day --raw -o "$TMP/want-$b.png" || fail "preview $b"
	$B/tools/pngcmp "$TMP/out/boards/$b/latest.png" "$TMP/want-$b.png" ||
	    fail "$b: the simulator does not show Wednesday's item (clock not at --at?)"
done
# reload mid-rehearsal: new text, and the file now names another "real" TCP port
cfg "改过了" "$(free_port)"
$L reload --run-dir "$TMP/out/run" || { cat "$TMP/rehearse.err"; fail "reload during the rehearsal"; }
$L preview "$TMP/r.cfg" --board gate --item day --raw -o "$TMP/want2.png" || fail "preview after edit"
n=50; until $B/tools/pngcmp "$TMP/out/boards/gate/latest.png" "$TMP/want2.png" 2>/dev/null; do
	n=$((n - 1)); [ $n -gt 0 ] || fail "gate's simulator never showed the reloaded text"; sleep 0.1
done
# a board added to the file during the rehearsal has no simulator: that reload is refused
cp "$TMP/r.cfg" "$TMP/r2.cfg"
sed -i "s|^boards = (|boards = (\n  { name = \"new\"; width = 64; height = 16; format = \"mono\"; address = \"tcp:127.0.0.1:$RP\"; },|" "$TMP/r.cfg"
$L check "$TMP/r.cfg" >/dev/null || fail "the config with a new board does not check"
if $L reload --run-dir "$TMP/out/run" 2>"$TMP/reload2.err"; then fail "a reload with a board that has no simulator was taken"; fi
grep -q "board new was added after the rehearsal started" "$TMP/reload2.err" || { cat "$TMP/reload2.err"; fail "no reason for the refused reload"; }
cp "$TMP/r2.cfg" "$TMP/r.cfg"
wait $REH || { cat "$TMP/rehearse.err"; fail "rehearse failed"; }
took=$(( $(date +%s) - start ))
cat "$TMP/rehearse.out"
[ "$took" -le 25 ] || fail "rehearse took $took s for --for 8s"
# nothing ever reached the real boards, nor the file's control socket
for r in tcp udp pty; do
	[ -z "$(ls "$TMP/real-$r")" ] || fail "the real $r board got a picture: $(ls "$TMP/real-$r")"
done
grep -q "connection accepted" "$TMP/real-tcp.log" && fail "the real TCP board got a connection"
[ -e "$TMP/real-run" ] && fail "the file's run directory was made"
# pictures: BOARD.png (LED look of the last) and BOARD-strip.png (4 pictures)
for b in gate wall dorm; do
	[ -f "$TMP/out/$b.png" ] || fail "no $b.png"
	$B/tools/pngcmp --lit "$TMP/out/$b.png" || fail "$b.png is dark"
	grep -q "$TMP/out/$b-strip.png  (4 pictures" "$TMP/rehearse.out" || fail "no 4-picture strip for $b"
	s=$($B/tools/pngcmp --size "$TMP/out/$b-strip.png"); one=$($B/tools/pngcmp --size "$TMP/out/$b.png")
	[ "${s%x*}" = "${one%x*}" ] && [ "${s#*x}" -eq $(( 4 * ${one#*x} + 3 * 8 )) ] ||
	    fail "$b-strip.png is $s, not 4 pictures of $one"
	ls "$TMP/out/boards/$b" | grep -q '^frame-' && fail "$b: raw frames left behind"
done
# animations: each board's GIF and the whole site's; gate's shows the text before and after the reload
for g in gate wall dorm site; do
	[ "$(head -c 6 "$TMP/out/$g.gif")" = "GIF89a" ] || fail "no $g.gif"
done
nf=$(sed -n 's|.*/out/gate.gif  (\([0-9]*\) frames)|\1|p' "$TMP/rehearse.out")
[ "${nf:-0}" -ge 2 ] || fail "gate.gif has ${nf:-no} frames, not the two texts"
grep -q "gate: online" "$TMP/out/controller.log" || fail "the controller's log is not in DIR/controller.log"
grep -q "rehearsing: the district link is not started" "$TMP/out/controller.log" || fail "the district link was not held back"
grep -q "ended badly" "$TMP/rehearse.err" && { cat "$TMP/rehearse.err"; fail "a simulator did not end cleanly"; }
# ledboard on port 0 ends cleanly on SIGTERM (it once freed its static port string: abort)
mkdir -p "$TMP/zero"
$B/ledboard --listen tcp:127.0.0.1:0 --size 8x8 --format mono --snapshot "$TMP/zero" 2>"$TMP/zero.log" &
Z=$!
n=50; until grep -q "listening on" "$TMP/zero.log" || [ $n -eq 0 ]; do sleep 0.1; n=$((n - 1)); done
kill $Z; wait $Z; zrc=$?
[ $zrc -eq 0 ] || { cat "$TMP/zero.log"; fail "ledboard on port 0 exited $zrc on SIGTERM"; }
grep -q "board dorm (serial:$TMP/real-tty@115200) is simulated at serial:$TMP/out/boards/dorm/tty@115200" "$TMP/rehearse.err" ||
    { cat "$TMP/rehearse.err"; fail "the serial board was not moved to a private pty"; }
echo "ok"
