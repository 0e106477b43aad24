# LSP behaviour over time against ledboard (issue 15, items 7-11):
#  - a board offering only RLE (--caps) gets a rgb565 poster without one
#    NACK, and no BRIGHTNESS;
#  - a board that refuses what its INFO offers (--claim) is refused once per
#    feature, logged once, and the scroll carries on at full rate;
#  - a power-off rule sends POWER 0 to a board that has POWER and then
#    nothing more, and black to one that has not;
#  - over TCP to a board with Nagle's algorithm on, a scroll goes without
#    retransmissions;
#  - sequence numbers on the wire are 0, 1, 2...;
#  - `send` to a board that never answers sends 12 times, then says so.
. tests/lib.sh
L=$B/ledsign
cp -r content "$TMP/content"
wait_listen() { n=50; while ! grep -q "listening on" "$1" 2>/dev/null && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done; }

# ---- item 7: only what the board offers --------------------------------
P1=$(free_port)
cat >"$TMP/c.cfg" <<CFG
boards = ( { name = "teach"; width = 128; height = 32; format = "rgb565"; protocol = "lsp";
             address = "tcp:127.0.0.1:$P1"; brightness = 60; } );
content = ( { name = "poster"; image = "$TMP/content/posters/theme-128x32.png"; } );
playlists = ( { name = "p"; items = ["poster"]; } );
schedule = ( { playlist = "p"; boards = ["all"]; } );
CFG
mkdir -p "$TMP/snap1"
$B/ledboard --listen "tcp:127.0.0.1:$P1" --size 128x32 --format rgb565 --caps rle --snapshot "$TMP/snap1" \
    2>"$TMP/b1.log" &
PIDS="$PIDS $!"
wait_listen "$TMP/b1.log"
($L send "$TMP/c.cfg" --board teach --item poster --timeout 20) >"$TMP/s1.out" 2>"$TMP/s1.err" \
    || { cat "$TMP/s1.err" "$TMP/b1.log"; fail "rgb565 poster to an RLE-only board not delivered"; }
cat "$TMP/s1.out"
! grep -q "NACK" "$TMP/b1.log" || { cat "$TMP/b1.log"; fail "the host sent what the board does not offer"; }
! grep -Eq "enc=(rowxor|delta)" "$TMP/b1.log" || fail "rowxor or delta sent to an RLE-only board"
($L preview "$TMP/c.cfg" --board teach --item poster --raw -o "$TMP/p1.png")
$B/tools/pngcmp "$TMP/snap1/latest.png" "$TMP/p1.png" || fail "board differs from preview"

# ---- item 11: consecutive sequence numbers -----------------------------
seqs=$(sed -n 's/.*rx [A-Z_]* seq=\([0-9]*\).*/\1/p' "$TMP/b1.log" | tr '\n' ' ')
expect=$(seq 0 $(( $(echo $seqs | wc -w) - 1 )) | tr '\n' ' ')
[ "$seqs" = "$expect" ] || fail "sequence numbers on the wire: $seqs (expected $expect)"
echo "seq on the wire: $seqs"

# ---- item 8: a board that refuses what its INFO offers --------------------
P8=$(free_port)
cat >"$TMP/e.cfg" <<CFG
boards = ( { name = "teach"; width = 128; height = 32; format = "rgb565"; protocol = "lsp";
             address = "tcp:127.0.0.1:$P8"; brightness = 60; } );
content = ( { name = "up"; image = "$TMP/content/posters/theme-128x32.png"; effect = "scroll-up"; speed = 16.0; } );
playlists = ( { name = "p"; items = ["up"]; } );
schedule = ( { playlist = "p"; boards = ["all"]; } );
control_socket = "$TMP/run8/control.sock"; state_dir = "$TMP/state8";
CFG
mkdir -p "$TMP/snap8"
$B/ledboard --listen "tcp:127.0.0.1:$P8" --size 128x32 --format rgb565 --caps rle,delta,power \
    --claim rowxor,brightness --snapshot "$TMP/snap8" 2>"$TMP/b8.log" &
PIDS="$PIDS $!"
wait_listen "$TMP/b8.log"
timeout 30 $L play "$TMP/e.cfg" --foreground --start-at "2023-09-12 10:00" --until "2023-09-12 10:00:03" \
    2>"$TMP/play8.log" || { cat "$TMP/play8.log"; fail "play failed"; }
shown=$(grep -c "frame [0-9]* shown" "$TMP/b8.log")
refused=$(grep -c "NACK unsupported" "$TMP/b8.log")
notes=$(grep -o "refuses" "$TMP/play8.log" | wc -l)
echo "refusing board: $shown frames shown in 3 s, $refused refusals, $notes logged"
grep "refuses" "$TMP/play8.log"
# every refused packet is one variant once (each chunk of a refused frame is refused too)
[ "$notes" -ge 2 ] && [ "$notes" -le 4 ] || fail "$notes refusals logged (want one per refused feature)"
grep -q "refuses BRIGHTNESS" "$TMP/play8.log" || fail "refused BRIGHTNESS not logged"
! grep -q "delivery failed" "$TMP/play8.log" || fail "a refusal made delivery fail"
[ "$refused" -le 12 ] || fail "$refused refusals: the host kept sending what the board refused"
[ "$shown" -ge 20 ] || fail "only $shown frames in 3 s after a refusal"

# ---- item 9: POWER for a power-off rule --------------------------------
PA=$(free_port); PB=$(free_port)
cat >"$TMP/d.cfg" <<CFG
boards = ( { name = "a"; width = 64; height = 16; format = "mono"; protocol = "lsp"; address = "tcp:127.0.0.1:$PA"; },
           { name = "b"; width = 64; height = 16; format = "mono"; protocol = "lsp"; address = "tcp:127.0.0.1:$PB"; } );
content = ( { name = "hello"; text = "Hello"; } );
playlists = ( { name = "p"; items = ["hello"]; } );
schedule = ( { playlist = "p"; boards = ["all"]; hours = "06:00-10:00"; },
             { name = "sleep"; kind = "power-off"; boards = ["all"]; hours = "10:00-12:00"; } );
control_socket = "$TMP/run/control.sock"; state_dir = "$TMP/state";
CFG
$L check "$TMP/d.cfg" >/dev/null 2>&1 || fail "power config does not check"
mkdir -p "$TMP/snapa" "$TMP/snapb"
$B/ledboard --listen "tcp:127.0.0.1:$PA" --size 64x16 --format mono --snapshot "$TMP/snapa" 2>"$TMP/ba.log" &
PIDS="$PIDS $!"
$B/ledboard --listen "tcp:127.0.0.1:$PB" --size 64x16 --format mono --caps rle,delta,brightness \
    --snapshot "$TMP/snapb" 2>"$TMP/bb.log" &
PIDS="$PIDS $!"
wait_listen "$TMP/ba.log"; wait_listen "$TMP/bb.log"
timeout 30 $L play "$TMP/d.cfg" --foreground --start-at "2023-09-12 09:59:58" --until "2023-09-12 10:00:03" \
    2>"$TMP/play.log" &
PLAY=$!
PIDS="$PIDS $PLAY"
watch_events "$TMP/run/control.sock" "$TMP/events"
wait $PLAY || { cat "$TMP/play.log"; fail "play failed"; }
wait $WATCH || fail "watch did not end with the daemon"
grep -q "^type=item_start .* board=a item=power%20off rule=sleep$" "$TMP/events" || { cat "$TMP/events"; fail "power-off rule not in force"; }
grep -q "rx POWER .*power=off -> ACK" "$TMP/ba.log" || { cat "$TMP/ba.log"; fail "no POWER 0 to a board that has POWER"; }
# after POWER 0 nothing more is sent
! sed -n '/power=off/,$p' "$TMP/ba.log" | grep -q "rx FRAME" || fail "frames sent after POWER 0"
$B/tools/pngcmp --lit "$TMP/snapa/latest.png" || fail "POWER 0 should keep the picture in the board"
# a board without POWER: no POWER message, a black frame instead
! grep -q "rx POWER" "$TMP/bb.log" || fail "POWER sent to a board that does not offer it"
! grep -q "NACK" "$TMP/bb.log" || fail "a board without POWER was sent something it refused"
! $B/tools/pngcmp --lit "$TMP/snapb/latest.png" || fail "a board without POWER is not dark in a power-off rule"
echo "power-off: POWER 0 where offered, black elsewhere"

# ---- item 10: TCP to a board with Nagle on -----------------------------
P3=$(free_port)
cat >"$TMP/n.cfg" <<CFG
boards = ( { name = "canteen"; width = 128; height = 64; format = "rgb888"; protocol = "lsp";
             address = "tcp:127.0.0.1:$P3"; } );
content = ( { name = "up"; image = "$TMP/content/posters/campus-day-128x64.png"; effect = "scroll-up"; speed = 64.0; } );
playlists = ( { name = "p"; items = ["up"]; } );
schedule = ( { playlist = "p"; boards = ["all"]; } );
CFG
mkdir -p "$TMP/snap3"
$B/ledboard --listen "tcp:127.0.0.1:$P3" --size 128x64 --format rgb888 --nagle --quiet --snapshot "$TMP/snap3" \
    2>"$TMP/b3.log" &
PIDS="$PIDS $!"
wait_listen "$TMP/b3.log"
($L send "$TMP/n.cfg" --board canteen --item up --frames 20 --interval 0.1) >"$TMP/s3.out" \
    || fail "scroll over tcp to a Nagle board"
cat "$TMP/s3.out"
rt=$(sed -n 's/.* \([0-9]*\) retransmitted.*/\1/p' "$TMP/s3.out")
# each multi-chunk frame waited for the host's delayed ACK (40 ms, the
# shortest retransmission time) and had chunks resent: 17 in 20 frames
[ "$rt" -le 3 ] || fail "$rt chunks retransmitted over TCP to a board with Nagle on"

# ---- item 11: 12 sends to a board that never answers --------------------
P4=$(free_port)
sed "s/tcp:127.0.0.1:$P1/udp:127.0.0.1:$P4/" "$TMP/c.cfg" >"$TMP/u.cfg"
$B/ledboard --listen "udp:127.0.0.1:$P4" --size 128x32 --format rgb565 --drop 1 --snapshot "$TMP/snap1" \
    2>"$TMP/b4.log" &
B4=$!
PIDS="$PIDS $B4"
wait_listen "$TMP/b4.log"
if ($L send "$TMP/u.cfg" --board teach --item poster) 2>"$TMP/s4.err"; then
	fail "send to a board that never answers succeeded"
fi
cat "$TMP/s4.err"
n=$(grep -c "fault: dropped" "$TMP/b4.log")
[ "$n" -eq 12 ] || fail "the board got $n sends, not the 12 of docs/protocol.md §5"
grep -q "no answer after 12 sends of INFO_REQ" "$TMP/s4.err" || fail "unclear give-up message"
echo ok
