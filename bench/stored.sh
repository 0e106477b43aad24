# bench/stored.sh — stored programmes and slow lines (issue 18; docs/daemon.md
# "Stored programmes").
#  1. scroll-bytes-per-minute-9600: the theme slogan scrolling at 32 LEDs/s
#     on two 128x32 mono boards at 9600 baud (pseudo-terminals ledboard paces
#     as a UART) under one controller for SECONDS (default 60): one offers no
#     PROGRAMME (a 1.0 board: every step streamed), the other stores it.
#     Bytes are what each board received, packets with their framing, from
#     the controller's start: the stored board's include its upload.
#  2. poster-push-9600-vs-line: `ledsign send` of a 7 KiB poster (noise:
#     nothing codes it smaller) to a 9600-baud board: time to the board's
#     last ACK over the line time of the bytes that must cross: INFO_REQ,
#     the frame's packets once, the last ACK (goal <= 1.1).
. tests/lib.sh
L=$B/ledsign
SECS=${2:-60}
wait_listen() { n=50; while ! grep -q "listening on" "$1" 2>/dev/null && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done; }
mkdir -p "$TMP/run" "$TMP/state" "$TMP/s1" "$TMP/s2" && chmod 700 "$TMP/run" "$TMP/state"
cat >"$TMP/c.cfg" <<CFG
timezone = "Asia/Shanghai";
control_socket = "$TMP/run/control.sock";
state_dir = "$TMP/state";
boards = ( { name = "streamed"; width = 128; height = 32; format = "mono"; protocol = "lsp";
             address = "serial:$TMP/pty1"; baud = 9600; },
           { name = "stored"; width = 128; height = 32; format = "mono"; protocol = "lsp";
             address = "serial:$TMP/pty2"; baud = 9600; } );
content = ( { name = "theme"; text = "网络安全为人民,网络安全靠人民"; effect = "scroll-left"; speed = 32.0; } );
playlists = ( { name = "p"; items = ["theme"]; } );
schedule = ( { playlist = "p"; boards = ["all"]; } );
CFG
$B/ledboard --listen "pty:$TMP/pty1" --size 128x32 --format mono --baud 9600 --snapshot "$TMP/s1" \
    --caps rle,rowxor,delta,page,brightness,power,clock 2>"$TMP/b1.log" &
PIDS="$PIDS $!"
$B/ledboard --listen "pty:$TMP/pty2" --size 128x32 --format mono --baud 9600 --snapshot "$TMP/s2" 2>"$TMP/b2.log" &
PIDS="$PIDS $!"
wait_listen "$TMP/b1.log"; wait_listen "$TMP/b2.log"
$L play "$TMP/c.cfg" --foreground --duration "$SECS" 2>"$TMP/d.log" || fail "the controller failed"
# what a board received: each packet's payload and 12 bytes of framing
bytes() { sed -n 's/.* rx [A-Z_]* seq=[0-9]* len=\([0-9]*\).*/\1/p' "$1" | awk '{ s += $1 + 12 } END { print s + 0 }'; }
steps() { grep -c "frame [0-9]* shown" "$1"; }
st=$(bytes "$TMP/b1.log"); so=$(bytes "$TMP/b2.log")
up=$(awk '/rx PROGRAMME/ { done = 1 } !done && /rx / { split($0, a, "len="); split(a[2], b, " "); s += b[1] + 12 } END { print s + 0 }' "$TMP/b2.log")
echo "streamed: $st bytes and $(steps "$TMP/b1.log") pictures in $SECS s; stored: $so bytes ($up of them the upload) and $(steps "$TMP/b2.log") pictures"
echo "BENCH scroll-bytes-per-minute-9600-streamed $((st * 60 / SECS)) bytes"
echo "BENCH scroll-bytes-per-minute-9600-stored $((so * 60 / SECS)) bytes"
echo "BENCH scroll-bytes-per-minute-9600 $(echo "$st / $so" | bc -l | xargs printf '%.1f') x"
# once stored: what keeps going to the board (a PING every 2 s, CLOCK every 10 min), per minute
t_up=$(grep -n "rx PROGRAMME" "$TMP/b2.log" | head -1 | cut -d: -f1)
echo "BENCH scroll-bytes-per-minute-9600-stored-after-upload $(( (so - up) * 60 / SECS )) bytes"
echo "BENCH scroll-pictures-per-second-9600-streamed $(echo "$(steps "$TMP/b1.log") / $SECS" | bc -l | xargs printf '%.1f') fps"
echo "BENCH scroll-pictures-per-second-9600-stored $(echo "$(steps "$TMP/b2.log") / $SECS" | bc -l | xargs printf '%.1f') fps"

python3 tests/tools/noise-png.py 112 32 7 "$TMP/noise.png" || fail "cannot make the poster"
cat >"$TMP/p.cfg" <<CFG
boards = ( { name = "slow"; width = 112; height = 32; format = "rgb565"; protocol = "lsp";
             address = "serial:$TMP/pty3"; baud = 9600; } );
content = ( { name = "poster"; image = "$TMP/noise.png"; } );
playlists = ( { name = "p"; items = ["poster"]; } );
schedule = ( { playlist = "p"; boards = ["all"]; } );
CFG
mkdir -p "$TMP/s3"
$B/ledboard --listen "pty:$TMP/pty3" --size 112x32 --format rgb565 --baud 9600 --snapshot "$TMP/s3" --quiet \
    2>"$TMP/b3.log" &
PIDS="$PIDS $!"
wait_listen "$TMP/b3.log"
out=$($L send "$TMP/p.cfg" --board slow --item poster --timeout 60) || fail "poster not delivered"
echo "$out"
ms=$(echo "$out" | sed -n 's/.* in \([0-9.]*\) ms (frames.*/\1/p')
# the line time of what must cross: INFO_REQ (15 bytes), the FRAME packets
# as first sent ("on the wire"), the last ACK (13); resends count against us
wire=$(echo "$out" | sed -n 's/.* \([0-9]*\) on the wire.*/\1/p')
echo "BENCH poster-push-9600-vs-line $(echo "$ms / (($wire + 15 + 13) * 10000 / 9600)" | bc -l | xargs printf '%.3f') x"
