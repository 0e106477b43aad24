# Onbon BX on a serial line (a pseudo-terminal paced at 57600 baud, the cards'
# default): after line noise and a damaged frame (counted bad, not answered),
# a 12-step scroll arrives frame by frame, each acknowledged, bit for bit what
# ledsign sent.  Then a line that corrupts 10% of reads both ways: what is
# damaged gets no ACK and is sent again, so the board still ends on the last
# frame sent.
. tests/lib.sh
L=$B/ledsign
cat >"$TMP/t.cfg" <<CFG
boards = ( { name = "dorm"; width = 96; height = 16; format = "red-green"; protocol = "onbon-bx";
             card = "bx-5e"; address = "serial:$TMP/bx0"; baud = 57600; } );
content = ( { name = "theme"; text = "网络安全为人民,网络安全靠人民"; effect = "scroll-left"; speed = 32.0; color = "amber"; } );
playlists = ( { name = "p"; items = ["theme"]; } );
schedule = ( { playlist = "p"; boards = ["all"]; } );
CFG

# run NAME CORRUPT
run() {
	d="$TMP/$1"
	mkdir -p "$d/snap" "$d/sent"
	$B/ledboard --listen "pty:$TMP/bx0" --size 96x16 --format red-green --protocol onbon-bx:card=bx-5e \
	    --snapshot "$d/snap" --keep --baud 57600 --corrupt "$2" --seed 7 2>"$d/board.log" &
	BOARD=$!
	PIDS="$PIDS $BOARD"
	n=50; while ! grep -q "listening on" "$d/board.log" && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
	# Line noise, then the vendor's ping with one bit flipped: the board must
	# count a bad frame, answer nothing, and take the next good frame.
	/usr/bin/python3 - "$TMP/bx0" <<'PY' || fail "$1: cannot write to the serial line"
import os, sys, tty
fd = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY)
tty.setraw(fd)
ping = bytes.fromhex("A5A5A5A5A5A5A5A5FEFF0080F000FEFF000000000500000001A2000000C6865A")
bad = bytearray(ping); bad[20] ^= 0x10
os.write(fd, b"\x00\x13\x5a\xff" + bytes(bad))
os.close(fd)
PY
	$L send "$TMP/t.cfg" --board dorm --item theme --at "2023-09-12 10:00" --frames 12 --interval 0.25 \
	    --timeout 30 --dump "$d/sent" >"$d/send.out" || { tail -20 "$d/board.log"; fail "$1: send"; }
	cat "$d/send.out"
	grep -q "rx bad frame" "$d/board.log" || { cat "$d/board.log"; fail "$1: the damaged ping was not counted as bad"; }
	kill "$BOARD"; wait "$BOARD" 2>/dev/null
}

run clean 0
for k in $(seq 1 12); do
	f=$(printf 'frame-%06d.png' "$k")
	[ -f "$TMP/clean/snap/$f" ] || fail "clean: the board never showed frame $k"
	$B/tools/pngcmp "$TMP/clean/snap/$f" "$TMP/clean/sent/$f" || fail "clean: frame $k differs from what was sent"
done
echo "clean line: 12 frames, each shown once, bit for bit"

run noisy 0.1
last=$(ls "$TMP/noisy/sent" | sort | tail -1)
$B/tools/pngcmp "$TMP/noisy/snap/latest.png" "$TMP/noisy/sent/$last" || fail "noisy: the board does not show the last frame"
bad=$(($(grep -c "rx bad frame" "$TMP/noisy/board.log") - 1))
echo "noisy line: board ends on the last frame ($bad damaged frames resent)"
