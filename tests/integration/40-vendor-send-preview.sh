# Vendor protocols end to end: for Onbon BX (every graphic card and format),
# DDP, E1.31 and Art-Net (every pixel format), start ledboard speaking the
# protocol on a free loopback port, push one item with `ledsign send`, and
# check that the board's PNG equals `ledsign preview --raw` bit for bit.
# Universes and channel orders differ from the defaults on purpose, so a
# board configured like the sender is the only way to get the picture right.
. tests/lib.sh
artnet_port_lock   # it sends Art-Net, from UDP 6454 where free (tests/lib.sh)
L=$B/ledsign
CFG=$TMP/vendor.cfg
AT="2023-09-12 10:00"

# name width height format protocol link card-or-universe order
cat >"$TMP/boards.txt" <<'LIST'
bx-5e-mono 64 16 mono onbon-bx tcp bx-5e -
bx-5e-rg 70 16 red-green onbon-bx tcp bx-5e -
bx-6e-mono 50 16 mono onbon-bx udp bx-6e -
bx-6e-rg 96 16 red-green onbon-bx tcp bx-6e -
bx-5q 32 16 rgb565 onbon-bx tcp bx-5q -
bx-6q-565 64 32 rgb565 onbon-bx tcp bx-6q -
bx-6q 96 32 rgb888 onbon-bx tcp bx-6q -
ddp-mono 64 16 mono ddp udp - rgb
ddp-rg 64 16 red-green ddp udp - grb
ddp-565 64 32 rgb565 ddp udp - brg
ddp-888 96 32 rgb888 ddp udp - bgr
e131-mono 64 16 mono e131 udp 5 rgb
e131-rg 64 16 red-green e131 udp 300 grb
e131-565 64 32 rgb565 e131 udp 1 gbr
e131-888 96 32 rgb888 e131 udp 63000 bgr
artnet-mono 64 16 mono artnet udp 0 rgb
artnet-rg 64 16 red-green artnet udp 17 grb
artnet-565 64 32 rgb565 artnet udp 256 rbg
artnet-888 96 32 rgb888 artnet udp 4660 bgr
LIST

{
	echo 'timezone = "Asia/Shanghai";'
	echo 'boards = ('
	sep=""
	while read -r name w h fmt proto link opt order; do
		port=$(free_port)
		echo "$name $port" >>"$TMP/ports.txt"
		extra=""
		case $proto in
		onbon-bx) extra="card = \"$opt\";" ;;
		ddp) extra="pixel_order = \"$order\";" ;;
		*) extra="universe = $opt; pixel_order = \"$order\";" ;;
		esac
		printf '%s  { name = "%s"; width = %s; height = %s; format = "%s"; protocol = "%s";\n' \
		    "$sep" "$name" "$w" "$h" "$fmt" "$proto"
		printf '    address = "%s:127.0.0.1:%s"; color = "red"; %s }\n' "$link" "$port" "$extra"
		sep=","
	done <"$TMP/boards.txt"
	echo ');'
	echo 'content = ('
	echo '  { name = "hello"; text = "校园 LED 安全"; color = "#FF8040"; background = "#2040A0"; }'
	echo ');'
	echo 'fallback = "all";'
	echo 'playlists = ( { name = "all"; items = ["hello"]; } );'
	echo 'schedule = ( );'
} >"$CFG"
$L check "$CFG" >"$TMP/check.log" 2>&1 || { cat "$TMP/check.log"; fail "the test config does not check"; }

while read -r name w h fmt proto link opt order; do
	port=$(grep "^$name " "$TMP/ports.txt" | cut -d' ' -f2)
	case $proto in
	onbon-bx) popt="$proto:card=$opt" ;;
	ddp) popt="$proto:order=$order" ;;
	*) popt="$proto:universe=$opt,order=$order" ;;
	esac
	mkdir -p "$TMP/snap-$name"
	$B/ledboard --listen "$link:127.0.0.1:$port" --size "${w}x${h}" --format "$fmt" \
	    --protocol "$popt" --snapshot "$TMP/snap-$name" 2>"$TMP/board-$name.log" &
	pid=$!
	PIDS="$PIDS $pid"
	sleep 0.2
	$L send "$CFG" --board "$name" --item hello --at "$AT" || { cat "$TMP/board-$name.log"; fail "send to $name"; }
	wait_file "$TMP/snap-$name/latest.png" || { cat "$TMP/board-$name.log"; fail "$name showed nothing"; }
	$L preview "$CFG" --board "$name" --item hello --at "$AT" --raw -o "$TMP/preview-$name.png" || fail "preview $name"
	$B/tools/pngcmp --lit "$TMP/preview-$name.png" || fail "$name preview is blank"
	$B/tools/pngcmp "$TMP/snap-$name/latest.png" "$TMP/preview-$name.png" || { cat "$TMP/board-$name.log"; fail "$name: board differs from preview"; }
	kill "$pid" 2>/dev/null
	echo "$name ($proto $fmt ${w}x${h}): board == preview"
done <"$TMP/boards.txt"

# `ledsign check` refuses protocol options a board cannot use, with file:line.
cat >"$TMP/bad.cfg" <<'CFG'
timezone = "Asia/Shanghai";
boards = (
  { name = "k"; width = 64; height = 16; format = "mono"; protocol = "onbon-bx"; card = "bx-6k"; address = "tcp:127.0.0.1:5005"; },
  { name = "q"; width = 64; height = 16; format = "mono"; protocol = "onbon-bx"; card = "bx-6q"; address = "tcp:127.0.0.1:5005"; },
  { name = "u"; width = 640; height = 480; format = "rgb888"; protocol = "e131"; universe = 63000; address = "udp:127.0.0.1:5568"; },
  { name = "o"; width = 64; height = 16; format = "rgb888"; protocol = "artnet"; pixel_order = "rgbw"; address = "udp:127.0.0.1:6454"; }
);
content = ( { name = "hello"; text = "x"; } );
fallback = "all";
playlists = ( { name = "all"; items = ["hello"]; } );
schedule = ( );
CFG
if $L check "$TMP/bad.cfg" >"$TMP/bad.log" 2>&1; then fail "check accepted bad protocol options"; fi
for want in "bad.cfg:3: error: board k: bx-6k is a font card" "bad.cfg:4: error: board q: card bx-6q cannot show format mono" \
    "bad.cfg:5: error: board u: 640x480 needs 1808 universes" "bad.cfg:6: error: board o: pixel_order \"rgbw\""; do
	grep -qF "$want" "$TMP/bad.log" || { cat "$TMP/bad.log"; fail "check did not say: $want"; }
done
echo "check: bad protocol options reported with file:line"

# A card that never answers: ledsign send resends, then gives up with a reason.
port=$(grep "^bx-5e-mono " "$TMP/ports.txt" | cut -d' ' -f2)
mkdir -p "$TMP/snap-deaf"
$B/ledboard --listen "tcp:127.0.0.1:$port" --size 64x16 --format mono --protocol onbon-bx \
    --snapshot "$TMP/snap-deaf" --drop 1 --quiet 2>"$TMP/board-deaf.log" &
PIDS="$PIDS $!"
sleep 0.2
if $L send "$CFG" --board bx-5e-mono --item hello --at "$AT" 2>"$TMP/deaf.log"; then
	fail "send to a card that never answers succeeded"
fi
grep -q "no answer from the card after 6 tries" "$TMP/deaf.log" || { cat "$TMP/deaf.log"; fail "no reason given"; }
echo "onbon-bx: a silent card is reported after 6 tries"
