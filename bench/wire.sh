# bench/wire.sh — LSP on the wire.
#  1. Every sample content item sent as a whole frame (a fresh session, so
#     no delta) to every sample board: bytes raw vs bytes on the wire
#     (packets with headers and CRCs); then one scroll step of the theme.
#     BENCH wire-ratio-<format> for each board format, -scroll for a step.
#  2. A 128x32 mono frame of the theme through a pseudo-terminal that
#     ledboard paces at 57600 baud 8N1 (a pty itself has no baud rate):
#     time from encode to acknowledgement against the physical minimum,
#     10 bits per byte for every byte both ways (half duplex, as RS-485).
# See docs/protocol.md, "Measurements", for what these numbers mean.
. tests/lib.sh
L=$B/ledsign
AT="2023-09-12 10:00"
cp -r content "$TMP/content"
CFG=$TMP/content/campaign-week.cfg
ITEMS=$(sed -n 's/^ *{ *name *= *"\([^"]*\)"; *text *=.*/\1/p' "$CFG")
[ -n "$ITEMS" ] || fail "no content items found in $CFG"

# field NAME LINE: the number before NAME in a send result line
field() { echo "$2" | sed -n "s/.* \([0-9.]*\) $1.*/\1/p"; }

$L check "$CFG" --list >"$TMP/boards.txt" || fail "sample config does not check"
# `sh bench/wire.sh BUILD serial` runs only part 2
[ "${2:-}" = serial ] && : >"$TMP/boards.txt"
while read -r name w h fmt proto addr; do
	port=$(free_port)
	sed -i "s|\"$addr\"|\"tcp:127.0.0.1:$port\"|" "$CFG"
done <"$TMP/boards.txt"
[ "${2:-}" = serial ] || $L check "$CFG" --list >"$TMP/boards.txt"

printf '%-9s %-10s %-10s %6s %6s %6s %7s  %s\n' board format item raw coded wire ratio encoding
while read -r name w h fmt proto addr; do
	[ "$proto" = lsp ] || continue
	mkdir -p "$TMP/snap-$name"
	$B/ledboard --listen "$addr" --size "${w}x${h}" --format "$fmt" --snapshot "$TMP/snap-$name" --quiet \
	    2>"$TMP/board-$name.log" &
	PIDS="$PIDS $!"
	n=50; while ! grep -q "listening on" "$TMP/board-$name.log" && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
	raw_sum=0; wire_sum=0
	for item in $ITEMS; do
		out=$($L send "$CFG" --board "$name" --item "$item" --at "$AT") || fail "send $item to $name"
		raw=$(field "bytes raw" "$out"); coded=$(field coded "$out"); wire=$(field "on the wire" "$out")
		enc=$(echo "$out" | sed -n 's/.*last as \([^;]*\);.*/\1/p')
		printf '%-9s %-10s %-10s %6s %6s %6s %6.2fx  %s\n' "$name" "$fmt" "$item" "$raw" "$coded" "$wire" \
		    "$(echo "$raw / $wire" | bc -l)" "$enc"
		raw_sum=$((raw_sum + raw)); wire_sum=$((wire_sum + wire))
		[ "$item" = theme ] && theme_wire=$wire && theme_raw=$raw
	done
	echo "BENCH wire-ratio-$fmt $(printf '%.2f' "$(echo "$raw_sum / $wire_sum" | bc -l)") x"
	# one scroll step: 33 frames 1/32 s apart (the theme scrolls at 32 LEDs/s)
	out=$($L send "$CFG" --board "$name" --item theme --at "$AT" --frames 33 --interval 0.03125) ||
	    fail "scroll to $name"
	step=$(echo "($(field "on the wire" "$out") - $theme_wire) / 32" | bc -l)
	printf '%-9s %-10s %-10s %6s %6s %6.1f %6.1fx  %s\n' "$name" "$fmt" "scrollstep" "$theme_raw" - "$step" \
	    "$(echo "$theme_raw / $step" | bc -l)" "mean of 32 steps"
	echo "BENCH wire-ratio-$fmt-scroll $(printf '%.1f' "$(echo "$theme_raw / $step" | bc -l)") x"
done <"$TMP/boards.txt"

# 2. serial efficiency
cat >"$TMP/serial.cfg" <<CFG
boards = ( { name = "bench"; width = 128; height = 32; format = "mono"; protocol = "lsp";
             address = "serial:$TMP/pty0"; baud = 57600; } );
content = ( { name = "theme"; text = "网络安全为人民,网络安全靠人民"; effect = "scroll-left"; speed = 32.0; } );
playlists = ( { name = "p"; items = ["theme"]; } );
schedule = ( { playlist = "p"; boards = ["all"]; } );
CFG
mkdir -p "$TMP/snap-serial"
$B/ledboard --listen "pty:$TMP/pty0" --baud 57600 --size 128x32 --format mono --snapshot "$TMP/snap-serial" \
    --quiet 2>"$TMP/board-serial.log" &
PIDS="$PIDS $!"
n=50; while ! grep -q "listening on" "$TMP/board-serial.log" && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
: >"$TMP/eff.txt"
for i in 1 2 3 4 5 6 7; do
	out=$($L send "$TMP/serial.cfg" --board bench --item theme --at "$AT") || fail "send over the pty"
	ms=$(echo "$out" | sed -n 's/.* in \([0-9.]*\) ms.*/\1/p')
	bout=$(field "bytes out" "$out"); bin=$(echo "$out" | sed -n 's/.* \([0-9]*\) in; .*/\1/p')
	min=$(echo "($bout + $bin) * 10 * 1000 / 57600" | bc -l)
	echo "$(echo "$ms / $min" | bc -l) $ms $min $bout $bin" >>"$TMP/eff.txt"
done
sort -n "$TMP/eff.txt" | sed -n 4p | {
	read -r eff ms min bout bin
	printf 'serial: 128x32 mono at 57600 8N1: %s bytes out + %s in = %.2f ms minimum; median measured %.2f ms\n' \
	    "$bout" "$bin" "$min" "$ms"
	echo "BENCH serial-efficiency $(printf '%.3f' "$eff") x"
}
