# bench/wire.sh — LSP on the wire.
#  1. Every sample content item sent as a whole frame (a fresh session, so
#     no delta) to every sample board: bytes raw vs bytes on the wire
#     (packets with headers and CRCs); then one scroll step of the theme.
#     BENCH wire-ratio-<format> for each board format, -scroll for a step.
#  2. A 128x32 mono frame of the theme through a pseudo-terminal that
#     ledboard paces at 57600 baud 8N1 (a pty itself has no baud rate):
#     time from the frame's first byte to the board's ACK, against the
#     physical minimum: the FRAME packet and the ACK at 10 bits per byte.
# See docs/protocol.md, "Measurements", for what these numbers mean.
. tests/lib.sh
L=$B/ledsign
AT="2023-09-12 10:00"
cp -r content "$TMP/content"
CFG=$TMP/content/campaign-week.cfg
ITEMS=$(sed -n 's/^ *{ *name *= *"\([^"]*\)"; *text *=.*/\1/p' "$TMP/content/campaign-week.staff.cfg")
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

printf '%-9s %-10s %-22s %6s %6s %6s %7s  %s\n' board format item raw coded wire ratio encoding
while read -r name w h fmt proto addr; do
	[ "$proto" = lsp ] || continue
	mkdir -p "$TMP/snap-$name"
	$B/ledboard --listen "$addr" --size "${w}x${h}" --format "$fmt" --snapshot "$TMP/snap-$name" --quiet \
	    2>"$TMP/board-$name.log" &
	PIDS="$PIDS $!"
	n=50; while ! grep -q "listening on" "$TMP/board-$name.log" 2>/dev/null && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
	raw_sum=0; wire_sum=0
	for item in $ITEMS; do
		out=$($L send "$CFG" --board "$name" --item "$item" --at "$AT") || fail "send $item to $name"
		raw=$(field "bytes raw" "$out"); coded=$(field coded "$out"); wire=$(field "on the wire" "$out")
		enc=$(echo "$out" | sed -n 's/.*last as \([^;]*\);.*/\1/p')
		printf '%-9s %-10s %-22s %6s %6s %6s %6.2fx  %s\n' "$name" "$fmt" "$item" "$raw" "$coded" "$wire" \
		    "$(echo "$raw / $wire" | bc -l)" "$enc"
		raw_sum=$((raw_sum + raw)); wire_sum=$((wire_sum + wire))
		[ "$item" = theme ] && theme_wire=$wire && theme_raw=$raw
	done
	echo "BENCH wire-ratio-board-$name $(printf '%.2f' "$(echo "$raw_sum / $wire_sum" | bc -l)") x"
	echo "$fmt $raw_sum $wire_sum" >>"$TMP/formats.txt"
	# one scroll step: 33 frames 1/32 s apart (the theme scrolls at 32 LEDs/s)
	out=$($L send "$CFG" --board "$name" --item theme --at "$AT" --frames 33 --interval 0.03125) ||
	    fail "scroll to $name"
	step=$(echo "($(field "on the wire" "$out") - $theme_wire) / 32" | bc -l)
	printf '%-9s %-10s %-22s %6s %6s %6.1f %6.1fx  %s\n' "$name" "$fmt" "scrollstep" "$theme_raw" - "$step" \
	    "$(echo "$theme_raw / $step" | bc -l)" "mean of 32 steps"
	echo "$fmt-scroll $theme_raw $step" >>"$TMP/formats.txt"
done <"$TMP/boards.txt"
# one line per format: all its boards together
if [ -s "$TMP/formats.txt" ]; then
	awk '{ raw[$1] += $2; wire[$1] += $3 } END { for (f in raw) printf "BENCH wire-ratio-%s %.2f x\n", f, raw[f] / wire[f] }' \
	    "$TMP/formats.txt" | sort
fi

# 2. serial efficiency
cat >"$TMP/serial.cfg" <<CFG
boards = ( { name = "bench"; width = 128; height = 32; format = "mono"; protocol = "lsp";
             address = "serial:$TMP/pty0"; baud = 57600; } );
content = ( { name = "theme"; text = "网络安全为人民,网络安全靠人民"; effect = "scroll-left"; speed = 32.0; } );
playlists = ( { name = "p"; items = ["theme"]; } );
schedule = ( { playlist = "p"; boards = ["all"]; } );
CFG
mkdir -p "$TMP/snap-serial"
# Timing a 37 ms exchange on a busy machine measures its scheduler, not the
# protocol: run both ends at real-time priority when we may (root).
PRIO=""
if command -v chrt >/dev/null && chrt -f 10 true 2>/dev/null; then
	PRIO="chrt -f 10"
	echo "serial: ledboard and ledsign run at real-time priority (chrt -f 10)"
else
	echo "serial: normal priority (no permission for chrt): other load on the machine adds to the time"
fi
$PRIO $B/ledboard --listen "pty:$TMP/pty0" --baud 57600 --size 128x32 --format mono --snapshot "$TMP/snap-serial" \
    --quiet 2>"$TMP/board-serial.log" &
PIDS="$PIDS $!"
n=50; while ! grep -q "listening on" "$TMP/board-serial.log" 2>/dev/null && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
: >"$TMP/eff.txt"
for i in 1 2 3 4 5 6 7 8 9; do
	out=$($PRIO $L send "$TMP/serial.cfg" --board bench --item theme --at "$AT") || fail "send over the pty"
	ms=$(echo "$out" | sed -n 's/.*(frames \([0-9.]*\) ms.*/\1/p')
	wire=$(field "on the wire" "$out")
	pk=$(echo "$out" | sed -n 's/.* \([0-9]*\) packets, \([0-9]*\) retransmitted.*/\1 \2/p')
	set -- $pk
	[ "$2" = 0 ] || { echo "serial: run $i had $2 retransmissions; not counted"; continue; }
	acks=$(( ($1 - 1) * 13 ))      # one 13-byte ACK per FRAME packet (the first packet is INFO_REQ)
	min=$(echo "($wire + $acks) * 10 * 1000 / 57600" | bc -l)
	echo "$(echo "$ms / $min" | bc -l) $ms $min $wire $acks" >>"$TMP/eff.txt"
done
[ -s "$TMP/eff.txt" ] || fail "no clean serial run"
sort -n "$TMP/eff.txt" | sed -n "$(( ($(wc -l <"$TMP/eff.txt") + 1) / 2 ))p" | {
	read -r eff ms min wire acks
	printf 'serial: 128x32 mono at 57600 8N1: frame %s bytes + ACK %s = %.2f ms minimum; median %.2f ms measured\n' \
	    "$wire" "$acks" "$min" "$ms"
	echo "BENCH serial-efficiency $(printf '%.3f' "$eff") x"
}
