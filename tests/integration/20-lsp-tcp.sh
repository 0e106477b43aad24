# LSP over TCP: a scroll of 20 frames arrives bit-exact and in order; a board
# that accepts and never reads (--stall) and a port nobody listens on both
# make `ledsign send` fail with a message naming the board.
. tests/lib.sh
L=$B/ledsign
PORT=$(free_port)
mkdir -p "$TMP/snap" "$TMP/sent"
cat >"$TMP/t.cfg" <<CFG
boards = ( { name = "gate"; width = 128; height = 32; format = "mono"; protocol = "lsp";
             address = "tcp:127.0.0.1:$PORT"; } );
content = ( { name = "theme"; text = "网络安全为人民,网络安全靠人民"; effect = "scroll-left"; speed = 32.0; } );
playlists = ( { name = "p"; items = ["theme"]; } );
schedule = ( { playlist = "p"; boards = ["all"]; } );
CFG
$L check "$TMP/t.cfg" >/dev/null || fail "test config does not check"

$B/ledboard --listen "tcp:127.0.0.1:$PORT" --size 128x32 --format mono --snapshot "$TMP/snap" --keep \
    2>"$TMP/board.log" &
BOARD=$!
PIDS="$PIDS $BOARD"
n=50; while ! grep -q "listening on" "$TMP/board.log" 2>/dev/null && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
$L send "$TMP/t.cfg" --board gate --item theme --at "2023-09-12 10:00" --frames 20 --interval 0.1 \
    --dump "$TMP/sent" >"$TMP/send.out" || { cat "$TMP/board.log"; fail "send over tcp"; }
cat "$TMP/send.out"
grep -q "20 frames delivered" "$TMP/send.out" || fail "send did not report 20 frames"
for k in $(seq 1 20); do
	f=$(printf 'frame-%06d.png' "$k")
	[ -f "$TMP/snap/$f" ] || fail "board never showed frame $k"
	$B/tools/pngcmp "$TMP/snap/$f" "$TMP/sent/$f" || fail "frame $k differs from what was sent"
done
[ ! -f "$TMP/snap/frame-000021.png" ] || fail "board showed more frames than were sent"
$B/tools/pngcmp "$TMP/snap/latest.png" "$TMP/sent/frame-000020.png" || fail "latest.png is not the last frame"
# the scroll steps went as deltas, not whole frames
grep -q "enc=delta" "$TMP/board.log" || fail "no delta frames on the wire"
echo "20 frames over tcp: bit-exact, in order"

# A board that never reads: send gives up in bounded time, naming the board.
SPORT=$(free_port)
sed "s/:$PORT\"/:$SPORT\"/" "$TMP/t.cfg" >"$TMP/stall.cfg"
$B/ledboard --listen "tcp:127.0.0.1:$SPORT" --size 128x32 --format mono --snapshot "$TMP/snap" --stall \
    2>"$TMP/stall.log" &
PIDS="$PIDS $!"
n=50; while ! grep -q "listening on" "$TMP/stall.log" 2>/dev/null && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
start=$(date +%s)
if $L send "$TMP/stall.cfg" --board gate --item theme --timeout 3 2>"$TMP/stall.err"; then
	fail "send to a stalled board succeeded"
fi
cat "$TMP/stall.err"
[ $(( $(date +%s) - start )) -le 10 ] || fail "send to a stalled board took too long"
grep -q "board gate" "$TMP/stall.err" || fail "stall error does not name the board"

# Nobody listening.
DPORT=$(free_port)
sed "s/:$PORT\"/:$DPORT\"/" "$TMP/t.cfg" >"$TMP/dead.cfg"
if $L send "$TMP/dead.cfg" --board gate --item theme 2>"$TMP/dead.err"; then
	fail "send to a closed port succeeded"
fi
cat "$TMP/dead.err"
grep -q "board gate: cannot connect to tcp:127.0.0.1:$DPORT" "$TMP/dead.err" || fail "unhelpful connect error"
grep -q "is the board powered" "$TMP/dead.err" || fail "connect error gives no advice"
