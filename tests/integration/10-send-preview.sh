# Walking skeleton end to end: for every sample board (one per pixel format),
# start ledboard on a free loopback TCP port, push the theme slogan with
# `ledsign send`, and check that the board's PNG equals `ledsign preview --raw`
# bit for bit.
. tests/lib.sh
L=$B/ledsign
cp -r content "$TMP/content"
CFG=$TMP/content/campaign-week.cfg
AT="2023-09-12 10:00"

$L check content/campaign-week.cfg --list >"$TMP/boards.txt"
# Give every board a free port in the copy.
while read -r name w h fmt proto addr; do
	port=$(free_port)
	sed -i "s|\"$addr\"|\"tcp:127.0.0.1:$port\"|" "$CFG"
done <"$TMP/boards.txt"
$L check "$CFG" --list >"$TMP/boards.txt"

while read -r name w h fmt proto addr; do
	mkdir -p "$TMP/snap-$name"
	$B/ledboard --listen "$addr" --size "${w}x${h}" --format "$fmt" --snapshot "$TMP/snap-$name" \
	    2>"$TMP/board-$name.log" &
	PIDS="$PIDS $!"
	n=50; while ! grep -q "listening on" "$TMP/board-$name.log" && [ $n -gt 0 ]; do sleep 0.1; n=$((n-1)); done
	$L send "$CFG" --board "$name" --item theme --at "$AT" || { cat "$TMP/board-$name.log"; fail "send to $name"; }
	wait_file "$TMP/snap-$name/latest.png" || fail "$name showed nothing"
	$L preview "$CFG" --board "$name" --item theme --at "$AT" --raw -o "$TMP/preview-$name.png" || fail "preview $name"
	[ "$($B/tools/pngcmp --size "$TMP/preview-$name.png")" = "${w}x${h}" ] || fail "$name preview is not ${w}x${h}"
	$B/tools/pngcmp --lit "$TMP/preview-$name.png" || fail "$name preview is blank"
	$B/tools/pngcmp "$TMP/snap-$name/latest.png" "$TMP/preview-$name.png" || fail "$name: board differs from preview"
	# --from: the LED look of what the board showed; with --raw its pixels unchanged
	$L preview "$CFG" --board "$name" --from "$TMP/snap-$name/latest.png" --raw -o "$TMP/from-$name.png" || fail "preview --from"
	$B/tools/pngcmp "$TMP/from-$name.png" "$TMP/snap-$name/latest.png" || fail "$name: --from --raw changed pixels"
	$L preview "$CFG" --board "$name" --from "$TMP/snap-$name/latest.png" -o "$TMP/look-$name.png" || fail "preview --from look"
	$B/tools/pngcmp --lit "$TMP/look-$name.png" || fail "$name: LED look is dark"
	echo "$name ($fmt ${w}x${h}): board == preview"
done <"$TMP/boards.txt"
