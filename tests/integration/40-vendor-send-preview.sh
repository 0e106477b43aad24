# Vendor protocols end to end: for Onbon BX (every graphic card and format),
# DDP, E1.31 and Art-Net (every pixel format), start ledboard speaking the
# protocol on a free loopback port, push one item with `ledsign send`, and
# check that the board's PNG equals `ledsign preview --raw` bit for bit.
# Universes and channel orders differ from the defaults on purpose, so a
# board configured like the sender is the only way to get the picture right.
. tests/lib.sh
L=$B/ledsign
CFG=$TMP/vendor.cfg
AT="2023-09-12 10:00"

# name width height format protocol link card-or-universe order
cat >"$TMP/boards.txt" <<'LIST'
bx-5e-mono 64 16 mono onbon-bx tcp bx-5e -
bx-5e-rg 70 16 red-green onbon-bx tcp bx-5e -
bx-6e-mono 50 16 mono onbon-bx udp bx-6e -
bx-6e-rg 96 16 red-green onbon-bx tcp bx-6e -
bx-5q 64 32 rgb565 onbon-bx tcp bx-5q -
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
