# `ledsign probe BOARD` on every protocol: the three test patterns reach a
# simulated board through the same path as `send` (each frame ledboard shows
# equals the pattern probe dumped), and a board set up the wrong way shows
# the difference the hints describe: an Onbon 6Q reading RGB565 low byte
# first changes the byte-order stripe but not the corner marks, a DDP
# controller with another channel order changes the colour bar as the
# printed pixel_order table says, a two-colour card set up green-red swaps
# the bars.  Pixel protocols get the pattern again while it is held.
. tests/lib.sh
artnet_port_lock   # it sends Art-Net, from UDP 6454 where free (tests/lib.sh)
L=$B/ledsign

# name width height format protocol link extra ledboard-protocol
cat >"$TMP/boards.txt" <<'LIST'
lsp565 32 16 rgb565 lsp tcp - lsp
q565 32 16 rgb565 onbon-bx tcp card="bx-6q"; onbon-bx:card=bx-6q
e5rg 40 8 red-green onbon-bx tcp card="bx-5e"; onbon-bx:card=bx-5e
e6mono 64 8 mono onbon-bx udp card="bx-6e"; onbon-bx:card=bx-6e
ddp888 32 8 rgb888 ddp udp pixel_order="grb"; ddp:order=grb
e131mono 24 8 mono e131 udp universe=7; e131:universe=7
artnet888 200 2 rgb888 artnet udp universe=3;pixel_order="bgr"; artnet:universe=3,order=bgr
LIST
{
	echo 'timezone = "Asia/Shanghai";'
	echo 'boards = ('
	sep=""
	while read -r name w h fmt proto link extra lbp; do
		port=$(free_port)
		echo "$name $port" >>"$TMP/ports.txt"
		[ "$extra" = - ] && extra=""
		printf '%s  { name = "%s"; width = %s; height = %s; format = "%s"; protocol = "%s"; address = "%s:127.0.0.1:%s"; %s }\n' \
		    "$sep" "$name" "$w" "$h" "$fmt" "$proto" "$link" "$port" "$(echo "$extra" | sed 's/;/; /g')"
		sep=","
	done <"$TMP/boards.txt"
	echo ');'
	echo 'content = ( { name = "hello"; text = "x"; } );'
	echo 'fallback = "all";'
	echo 'playlists = ( { name = "all"; items = ["hello"]; } );'
	echo 'schedule = ( );'
} >"$TMP/probe.cfg"
$L check "$TMP/probe.cfg" >"$TMP/check.log" 2>&1 || { cat "$TMP/check.log" "$TMP/probe.cfg"; fail "the test config does not check"; }

# start_board NAME LEDBOARD-PROTOCOL DIR: ledboard for board NAME, keeping every frame
start_board() {
	set -- "$1" "$2" "$3" $(grep "^$1 " "$TMP/boards.txt")
	mkdir -p "$3"
	$B/ledboard --listen "$9:127.0.0.1:$(grep "^$1 " "$TMP/ports.txt" | cut -d' ' -f2)" --size "${5}x${6}" \
	    --format "$7" --protocol "$2" --snapshot "$3" --keep 2>"$3.log" &
	BOARD=$!
	PIDS="$PIDS $BOARD"
	sleep 0.2
}

# 1. Every protocol: what the board shows is the pattern probe sent.
while read -r name w h fmt proto link extra lbp; do
	start_board "$name" "$lbp" "$TMP/snap-$name"
	mkdir -p "$TMP/dump-$name"
	$L probe "$TMP/probe.cfg" "$name" --pause 0 --dump "$TMP/dump-$name" >"$TMP/probe-$name.txt" 2>&1 || {
		cat "$TMP/probe-$name.txt" "$TMP/snap-$name.log"; fail "probe $name"; }
	wait_file "$TMP/snap-$name/frame-000003.png" 30 || { cat "$TMP/snap-$name.log"; fail "$name: fewer than 3 patterns shown"; }
	sleep 0.3
	# The frames shown, a pattern shown again (a new sender's first frame goes
	# out twice on DDP and E1.31; held patterns are repeated) counted once,
	# must be the three patterns in order.
	i=1
	for f in "$TMP/snap-$name"/frame-*.png; do
		[ "$i" -le 3 ] && $B/tools/pngcmp "$f" "$TMP/dump-$name/probe-$i.png" 2>/dev/null && { i=$((i + 1)); continue; }
		[ "$i" -gt 1 ] && $B/tools/pngcmp "$f" "$TMP/dump-$name/probe-$((i - 1)).png" 2>/dev/null && continue
		cat "$TMP/snap-$name.log"; fail "$name: $f is not pattern $i (nor a repeat of the one before)"
	done
	[ "$i" -eq 4 ] || { cat "$TMP/snap-$name.log"; fail "$name: only $((i - 1)) of 3 patterns shown as sent"; }
	$B/tools/pngcmp --lit "$TMP/dump-$name/probe-1.png" || fail "$name: corner marks are blank"
	for want in "1/3 corner marks" "2/3 colour bar" "3/3 byte-order stripe" "You should see" "If every pattern"; do
		grep -qF "$want" "$TMP/probe-$name.txt" || { cat "$TMP/probe-$name.txt"; fail "$name: probe did not say: $want"; }
	done
	kill "$BOARD"; wait "$BOARD" 2>/dev/null
	echo "$name ($proto $fmt): 3 patterns shown as sent"
done <"$TMP/boards.txt"
grep -q "shown (the board acknowledged it)" "$TMP/probe-q565.txt" || fail "onbon: no acknowledgement reported"
grep -qF 'set card = "bx-5q" or "bx-6q"' "$TMP/probe-q565.txt" || fail "q565: no byte-order hint"
grep -qF 'set card = "bx-5e" or "bx-6e"' "$TMP/probe-e6mono.txt" || fail "e6mono: no word-order hint"
grep -q "170 LEDs" "$TMP/probe-artnet888.txt" || fail "artnet: no channels-per-universe hint"

# 2. A 6Q set to read RGB565 low byte first: the corners (white) look right,
#    the byte-order stripe does not.
start_board q565 onbon-bx:card=bx-6q,rgb565=low-first "$TMP/wrong-q565"
$L probe "$TMP/probe.cfg" q565 --pause 0 >/dev/null 2>&1 || fail "probe q565 (wrong order)"
wait_file "$TMP/wrong-q565/frame-000003.png" 30 || fail "q565: patterns not shown"
$B/tools/pngcmp "$TMP/wrong-q565/frame-000001.png" "$TMP/dump-q565/probe-1.png" || fail "q565: corners should not depend on byte order"
if $B/tools/pngcmp "$TMP/wrong-q565/frame-000003.png" "$TMP/dump-q565/probe-3.png" 2>"$TMP/cmp.txt"; then
	fail "q565: the stripe looks right on a card reading the other byte order"
fi
kill "$BOARD"; wait "$BOARD" 2>/dev/null
echo "onbon 6Q 565: a card set to the other byte order shows a different stripe ($(cat "$TMP/cmp.txt"))"

# 3. A DDP controller reading rgb while the board says grb: the bars come out
#    green, red, blue, and the table printed says pixel_order = "rgb".
start_board ddp888 ddp:order=rgb "$TMP/wrong-ddp"
$L probe "$TMP/probe.cfg" ddp888 --step 2 --pause 0 >"$TMP/probe-wrong-ddp.txt" 2>&1 || fail "probe ddp888 --step 2"
wait_file "$TMP/wrong-ddp/frame-000001.png" 30 || fail "ddp888: bar not shown"
$B/tools/pngcmp "$TMP/wrong-ddp/frame-000001.png" "$TMP/dump-ddp888/probe-2.png" 2>"$TMP/cmp.txt" && fail "ddp888: bars right on a controller with another order"
grep -q "(0,0): 00ff00 vs ff0000" "$TMP/cmp.txt" || { cat "$TMP/cmp.txt"; fail "ddp888: the first bar is not green"; }
grep -q 'green red   blue  -> pixel_order = "rgb"' "$TMP/probe-wrong-ddp.txt" || { cat "$TMP/probe-wrong-ddp.txt"; fail "ddp888: table does not say rgb"; }
kill "$BOARD"; wait "$BOARD" 2>/dev/null
echo "ddp: a controller with another channel order shows green, red, blue; probe says pixel_order = \"rgb\""

# 4. A two-colour card set up green-red: the bars swap.
start_board e5rg onbon-bx:card=bx-5e,colors=green-red "$TMP/wrong-rg"
$L probe "$TMP/probe.cfg" e5rg --step 2 --pause 0 >"$TMP/probe-wrong-rg.txt" 2>&1 || fail "probe e5rg"
wait_file "$TMP/wrong-rg/frame-000001.png" 30 || fail "e5rg: bar not shown"
$B/tools/pngcmp "$TMP/wrong-rg/frame-000001.png" "$TMP/dump-e5rg/probe-2.png" 2>"$TMP/cmp.txt" && fail "e5rg: bars right on a green-red card"
grep -q "(0,0): 00ff00 vs ff0000" "$TMP/cmp.txt" || { cat "$TMP/cmp.txt"; fail "e5rg: the red bar is not green"; }
grep -q "red and green swapped" "$TMP/probe-wrong-rg.txt" || fail "e5rg: no hint for swapped colours"
kill "$BOARD"; wait "$BOARD" 2>/dev/null
echo "onbon 5E red-green: a green-red card swaps the bars, as the hint says"

# 5. Held patterns are sent again for receivers that time a source out.
start_board e131mono e131:universe=7 "$TMP/hold"
$L probe "$TMP/probe.cfg" e131mono --pause 1.5 >/dev/null 2>&1 || fail "probe e131mono --pause 1.5"
n=$(grep -c "SHOW" "$TMP/hold.log")
[ "$n" -ge 5 ] || { cat "$TMP/hold.log"; fail "e131: pattern not repeated while held ($n frames)"; }
kill "$BOARD"; wait "$BOARD" 2>/dev/null
echo "e131: patterns repeated while held ($n frames for 3 patterns)"

# 6. Usage errors.
$L probe "$TMP/probe.cfg" nosuch --pause 0 >/dev/null 2>"$TMP/err.txt" && fail "probe accepted an unknown board"
grep -q 'has no board called "nosuch"' "$TMP/err.txt" || fail "no message for an unknown board"
$L probe "$TMP/probe.cfg" q565 --step 4 >/dev/null 2>&1 && fail "probe accepted --step 4"
echo "probe: usage errors reported"
