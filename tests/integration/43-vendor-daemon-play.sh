# `ledsign play` drives vendor boards: the sample campaign with its six boards
# moved to Onbon BX (5E mono, 6E red-green, a 6Q in 565 mode on UDP), DDP, E1.31 and
# Art-Net (universes and channel orders not the defaults).  Every board comes
# online and shows a picture of its size, the Onbon cards acknowledge frames,
# and the daemon stops cleanly.
. tests/lib.sh
artnet_port_lock   # it sends Art-Net, from UDP 6454 where free (tests/lib.sh)
L=$B/ledsign
cp -r content "$TMP/content"
CFG=$TMP/content/campaign-week.cfg
echo "control_socket = \"$TMP/run/control.sock\"; state_dir = \"$TMP/state\";" >>"$CFG"

# old-address new-protocol link extra-config ledboard-protocol
cat >"$TMP/plan.txt" <<'PLAN'
tcp:127.0.0.1:7101 onbon-bx tcp card="bx-5e"; onbon-bx:card=bx-5e
tcp:127.0.0.1:7102 e131 udp universe=3;pixel_order="grb"; e131:universe=3,order=grb
tcp:127.0.0.1:7103 ddp udp pixel_order="brg"; ddp:order=brg
tcp:127.0.0.1:7104 onbon-bx tcp card="bx-6e"; onbon-bx:card=bx-6e
tcp:127.0.0.1:7105 artnet udp universe=16;pixel_order="bgr";artnet_sync=true; artnet:universe=16,order=bgr
tcp:127.0.0.1:7106 onbon-bx udp card="bx-6q";screen_address=3; onbon-bx:card=bx-6q,screen=3
PLAN
while read -r old proto link extra lbproto; do
	port=$(free_port)
	sed -i "s|protocol = \"lsp\"; address = \"$old\";|protocol = \"$proto\"; address = \"$link:127.0.0.1:$port\"; $(echo "$extra" | sed 's/;/; /g')|" "$CFG"
	echo "$link:127.0.0.1:$port $lbproto" >>"$TMP/lb.txt"
done <"$TMP/plan.txt"
$L check "$CFG" --list >"$TMP/boards.txt" || { $L check "$CFG"; fail "copy does not check"; }
grep -q lsp "$TMP/boards.txt" && fail "a board still speaks lsp"
while read -r name w h fmt proto addr; do
	lbproto=$(grep "^$addr " "$TMP/lb.txt" | cut -d' ' -f2)
	mkdir -p "$TMP/snap-$name"
	$B/ledboard --listen "$addr" --size "${w}x${h}" --format "$fmt" --protocol "$lbproto" \
	    --snapshot "$TMP/snap-$name" 2>"$TMP/board-$name.log" &
	PIDS="$PIDS $!"
done <"$TMP/boards.txt"
while read -r name w h fmt proto addr; do
	wait_listening "$TMP/board-$name.log" || { cat "$TMP/board-$name.log"; fail "board $name does not listen"; }
done <"$TMP/boards.txt"
timeout 30 $L play "$CFG" --foreground --start-at "2023-09-12 10:00" --until "2023-09-12 10:00:04" \
    2>"$TMP/daemon.log" &
PLAY=$!
PIDS="$PIDS $PLAY"
watch_events "$TMP/run/control.sock" "$TMP/events"
wait $PLAY || { cat "$TMP/daemon.log"; fail "play failed"; }
wait $WATCH || fail "watch did not end with the daemon"
while read -r name w h fmt proto addr; do
	grep -Eq "^type=link .* board=$name from=[a-z]* to=online " "$TMP/events" || { cat "$TMP/events"; fail "$name never came online"; }
	[ -f "$TMP/snap-$name/latest.png" ] || { cat "$TMP/board-$name.log"; fail "$name ($proto) showed nothing"; }
	$B/tools/pngcmp --lit "$TMP/snap-$name/latest.png" || fail "$name ($proto) shows a blank picture"
	[ "$($B/tools/pngcmp --size "$TMP/snap-$name/latest.png")" = "${w}x${h}" ] || fail "$name wrong size"
	shown=$(grep -c 'frame [0-9]* shown' "$TMP/board-$name.log" || true)
	[ "$shown" -ge 1 ] || fail "$name: no frame shown in 4 s"
	echo "$name ($proto $fmt): online, $shown frames shown"
done <"$TMP/boards.txt"
for name in gate dorm-2 teach-b; do
	grep -q "rx A7 00 dynamic area, frame [0-9]* -> ACK" "$TMP/board-$name.log" || fail "$name: the Onbon card never acknowledged"
done
grep -q "^type=link .* to=stalled " "$TMP/events" && { cat "$TMP/events"; fail "a board stalled"; }
grep -q "NACK" "$TMP/daemon.log" && { cat "$TMP/daemon.log"; fail "a board refused frames"; }
grep -q "run time is over: stopping" "$TMP/daemon.log" || fail "no clean stop"
echo "campaign played on Onbon BX, DDP, E1.31 and Art-Net boards"
