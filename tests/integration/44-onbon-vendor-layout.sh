# Onbon BX against the vendor's own layout, not against our decoder:
#  - a card written here from the 6th/5th-generation manuals' field tables
#    (tests/tools/bx_manual_card.py) takes `ledsign send` for a 5E, a
#    6E and a 6Q and checks AreaDataLen (6th gen: area and page parameters
#    only, 63 bytes; 5th gen: the whole area with its bitmap) and where the
#    bitmap lies;
#  - ledboard shows a 6Q frame built by hand from the manual and refuses the
#    layout ledsign used to send (AreaDataLen = 63 + bitmap);
#  - a 6Q in 565 mode gets RGB565 high byte first: the board equals the
#    preview, and a board set to the other byte order does not;
#  - check refuses serial links for the 5Q and 6Q and a 5Q frame that needs
#    more than four 1 KiB packets, with FILE:LINE; a 5Q frame over 1 KiB is
#    split into areas;
#  - the manual-or-SDK settings reach the card (ledboard logs what it got).
. tests/lib.sh
L=$B/ledsign
AT="2023-09-12 10:00"
PY=tests/tools/bx_manual_card.py

p5e=$(free_port); p6e=$(free_port); p6q=$(free_port); p565=$(free_port); p5q=$(free_port); psdk=$(free_port)
cat >"$TMP/bx.cfg" <<CFG
timezone = "Asia/Shanghai";
boards = (
  { name = "e5"; width = 20; height = 4; format = "mono"; protocol = "onbon-bx"; card = "bx-5e"; address = "tcp:127.0.0.1:$p5e"; },
  { name = "e6"; width = 40; height = 4; format = "red-green"; protocol = "onbon-bx"; card = "bx-6e"; address = "tcp:127.0.0.1:$p6e"; },
  { name = "q6"; width = 16; height = 4; format = "rgb888"; protocol = "onbon-bx"; card = "bx-6q"; address = "tcp:127.0.0.1:$p6q"; },
  { name = "q565"; width = 64; height = 16; format = "rgb565"; protocol = "onbon-bx"; card = "bx-6q"; address = "tcp:127.0.0.1:$p565"; },
  { name = "q5"; width = 32; height = 16; format = "rgb565"; protocol = "onbon-bx"; card = "bx-5q"; address = "tcp:127.0.0.1:$p5q"; },
  { name = "sdk"; width = 16; height = 4; format = "rgb888"; protocol = "onbon-bx"; card = "bx-6q"; address = "tcp:127.0.0.1:$psdk";
    bx_transparency = 101; bx_cmd_reserved = "sdk"; },
  { name = "sdk5"; width = 16; height = 4; format = "mono"; protocol = "onbon-bx"; card = "bx-5e"; address = "tcp:127.0.0.1:$psdk";
    bx_area_type = "sdk"; bx_cmd_reserved = "sdk"; }
);
content = ( { name = "hello"; text = "Hi"; color = "#FF8040"; background = "#2040A0"; } );
fallback = "all";
playlists = ( { name = "all"; items = ["hello"]; } );
schedule = ( );
CFG
$L check "$TMP/bx.cfg" >"$TMP/check.log" 2>&1 || { cat "$TMP/check.log"; fail "the test config does not check"; }

# 1. A card from the manuals' field tables takes what ledsign sends.
for b in e5:$p5e:5 e6:$p6e:6 q6:$p6q:6; do
	name=${b%%:*}; rest=${b#*:}; port=${rest%%:*}; gen=${rest#*:}
	/usr/bin/python3 $PY "$port" "$gen" "$TMP/card-$name.txt" 2>"$TMP/card-$name.err" &
	PIDS="$PIDS $!"
	wait_file "$TMP/card-$name.txt.ready" || fail "the manual card did not start"
	$L send "$TMP/bx.cfg" --board "$name" --item hello --at "$AT" --timeout 5 >"$TMP/send-$name.log" 2>&1 || {
		cat "$TMP/send-$name.log" "$TMP/card-$name.err"; fail "$name: the card from the manual refused ledsign's frame"; }
	wait_file "$TMP/card-$name.txt" || fail "$name: no result"
	grep -q "^OK" "$TMP/card-$name.txt" || { cat "$TMP/card-$name.txt"; fail "$name: not the vendor's layout"; }
	echo "$name (gen $gen): $(cat "$TMP/card-$name.txt")"
done

# 2. ledboard shows a 6Q frame built by hand from the manual, and refuses
#    AreaDataLen = 63 + bitmap.
port=$(free_port)
mkdir -p "$TMP/snap-hand"
$B/ledboard --listen "tcp:127.0.0.1:$port" --size 2x1 --format rgb888 --protocol onbon-bx:card=bx-6q \
    --snapshot "$TMP/snap-hand" 2>"$TMP/board-hand.log" &
PIDS="$PIDS $!"
sleep 0.2
/usr/bin/python3 $PY --send "$port" vendor "$TMP/hand-vendor.png" >"$TMP/hand.log" 2>&1 || { cat "$TMP/hand.log"; fail "sending the hand-built frame"; }
wait_file "$TMP/snap-hand/latest.png" || { cat "$TMP/board-hand.log"; fail "ledboard did not show the manual's layout"; }
$B/tools/pngcmp "$TMP/snap-hand/latest.png" "$TMP/hand-vendor.png" || fail "the manual's frame shows the wrong pixels"
/usr/bin/python3 $PY --send "$port" old "$TMP/hand-old.png" >>"$TMP/hand.log" 2>&1 || { cat "$TMP/hand.log"; fail "sending the old frame"; }
grep -q "rx bad frame" "$TMP/board-hand.log" || { cat "$TMP/board-hand.log"; fail "ledboard took AreaDataLen = 63 + bitmap"; }
echo "ledboard: the manual's 6th-generation layout shown, the old one refused"

# 3. A 6Q in 565 mode: high byte first; a board set the other way differs.
for order in default low-first; do
	opt="card=bx-6q"; [ $order = default ] || opt="$opt,rgb565=$order"
	mkdir -p "$TMP/snap-565-$order"
	$B/ledboard --listen "tcp:127.0.0.1:$p565" --size 64x16 --format rgb565 --protocol "onbon-bx:$opt" \
	    --snapshot "$TMP/snap-565-$order" 2>"$TMP/board-565-$order.log" &
	pid=$!
	PIDS="$PIDS $pid"
	sleep 0.2
	$L send "$TMP/bx.cfg" --board q565 --item hello --at "$AT" >/dev/null || { cat "$TMP/board-565-$order.log"; fail "send to q565"; }
	wait_file "$TMP/snap-565-$order/latest.png" || fail "q565 showed nothing"
	kill "$pid"; wait "$pid" 2>/dev/null
done
$L preview "$TMP/bx.cfg" --board q565 --item hello --at "$AT" --raw -o "$TMP/q565.png" || fail "preview q565"
$B/tools/pngcmp "$TMP/snap-565-default/latest.png" "$TMP/q565.png" || fail "6Q 565: board differs from preview"
if $B/tools/pngcmp "$TMP/snap-565-low-first/latest.png" "$TMP/q565.png" 2>/dev/null; then
	fail "a 6Q reading 565 low byte first showed the same picture"
fi
echo "6Q 565: high byte first equals the preview; a card set to low-first shows other colours"

# 4. 5Q: a frame over 1 KiB goes as two dynamic areas.
mkdir -p "$TMP/snap-5q"
$B/ledboard --listen "tcp:127.0.0.1:$p5q" --size 32x16 --format rgb565 --protocol onbon-bx:card=bx-5q \
    --snapshot "$TMP/snap-5q" 2>"$TMP/board-5q.log" &
PIDS="$PIDS $!"
sleep 0.2
$L send "$TMP/bx.cfg" --board q5 --item hello --at "$AT" >/dev/null || { cat "$TMP/board-5q.log"; fail "send to q5"; }
[ "$(grep -c 'dynamic area, frame' "$TMP/board-5q.log")" = 2 ] || { cat "$TMP/board-5q.log"; fail "5Q: not two areas"; }
$L preview "$TMP/bx.cfg" --board q5 --item hello --at "$AT" --raw -o "$TMP/q5.png" || fail "preview q5"
$B/tools/pngcmp "$TMP/snap-5q/latest.png" "$TMP/q5.png" || fail "5Q: board differs from preview"
echo "5Q: 32x16 rgb565 sent as two areas of at most 1 KiB"

# 5. The manual-or-SDK settings reach the card.
mkdir -p "$TMP/snap-sdk" "$TMP/snap-sdk5"
$B/ledboard --listen "tcp:127.0.0.1:$psdk" --size 16x4 --format rgb888 --protocol onbon-bx:card=bx-6q \
    --snapshot "$TMP/snap-sdk" 2>"$TMP/board-sdk.log" &
pid=$!
PIDS="$PIDS $pid"
sleep 0.2
$L send "$TMP/bx.cfg" --board sdk --item hello --at "$AT" >/dev/null || fail "send to sdk"
kill "$pid"; wait "$pid" 2>/dev/null
# bx06: 2 + (63 + 4) + 16*4*3 = 261
grep -q "ACK (after Cmd 261, AreaType 0x10, Transparency 101)" "$TMP/board-sdk.log" || { cat "$TMP/board-sdk.log"; fail "6Q SDK settings not on the wire"; }
$B/ledboard --listen "tcp:127.0.0.1:$psdk" --size 16x4 --format mono --protocol onbon-bx:card=bx-5e \
    --snapshot "$TMP/snap-sdk5" 2>"$TMP/board-sdk5.log" &
pid=$!
PIDS="$PIDS $pid"
sleep 0.2
$L send "$TMP/bx.cfg" --board sdk5 --item hello --at "$AT" >/dev/null || fail "send to sdk5"
kill "$pid"; wait "$pid" 2>/dev/null
# bx05: 4 + body = 50 - 5 + 2*4 = 53
grep -q "ACK (after Cmd 53, AreaType 0x00," "$TMP/board-sdk5.log" || { cat "$TMP/board-sdk5.log"; fail "5E SDK settings not on the wire"; }
grep -q "ACK (after Cmd 0, AreaType 0x10, Transparency 0)" "$TMP/board-565-default.log" || fail "the manual's values are not the default"
echo "bx_transparency, bx_cmd_reserved, bx_area_type: on the wire as configured, the manual's by default"

# 6. check: no serial link for 5Q and 6Q, and a 5Q frame that cannot fit.
cat >"$TMP/bad.cfg" <<'CFG'
timezone = "Asia/Shanghai";
boards = (
  { name = "q5s"; width = 32; height = 16; format = "rgb565"; protocol = "onbon-bx"; card = "bx-5q"; address = "serial:/dev/ttyUSB0"; },
  { name = "q6s"; width = 32; height = 16; format = "rgb888"; protocol = "onbon-bx"; card = "bx-6q"; address = "serial:/dev/ttyUSB1"; },
  { name = "q5big"; width = 64; height = 32; format = "rgb565"; protocol = "onbon-bx"; card = "bx-5q"; address = "tcp:127.0.0.1"; },
  { name = "e5s"; width = 32; height = 16; format = "mono"; protocol = "onbon-bx"; card = "bx-5e"; address = "serial:/dev/ttyUSB2"; }
);
content = ( { name = "hello"; text = "x"; } );
fallback = "all";
playlists = ( { name = "all"; items = ["hello"]; } );
schedule = ( );
CFG
if $L check "$TMP/bad.cfg" >"$TMP/bad.log" 2>&1; then fail "check accepted a serial 5Q"; fi
for want in "bad.cfg:3: error: board q5s: bx-5q has no serial port (the 5Q has no RS-232 or RS-485); connect it by Ethernet: address = \"tcp:HOST\"" \
    "bad.cfg:4: error: board q6s: bx-6q has no serial port (the 6Q is Ethernet only)" \
    "bad.cfg:5: error: board q5big: 64x32 rgb565 is too large for bx-5q"; do
	grep -qF "$want" "$TMP/bad.log" || { cat "$TMP/bad.log"; fail "check did not say: $want"; }
done
grep -q "q5big.*card = \"bx-6q\"" "$TMP/bad.log" || { cat "$TMP/bad.log"; fail "no hint for the big 5Q"; }
grep -q "e5s" "$TMP/bad.log" && { cat "$TMP/bad.log"; fail "a serial 5E was refused"; }
echo "check: serial 5Q/6Q and an oversized 5Q frame refused with file:line"
