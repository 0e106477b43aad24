# The body of the LSP fault tests (21 over UDP, 22 over a pty), sourced after
# tests/lib.sh with ADDR (the board address ledsign uses), LISTEN (what ledboard
# listens on) and SEED_OFFSET (so the two links see different fault patterns).
L=$B/ledsign
cat >"$TMP/t.cfg" <<CFG
boards = ( { name = "dorm"; width = 96; height = 16; format = "red-green"; protocol = "lsp";
             address = "$ADDR"; baud = 115200; } );
content = ( { name = "theme"; text = "网络安全为人民,网络安全靠人民"; effect = "scroll-left"; speed = 32.0; color = "amber"; },
            { name = "law"; text = "网络安全法 守护网络空间"; color = "green"; } );
playlists = ( { name = "p"; items = ["theme", "law"]; } );
schedule = ( { playlist = "p"; boards = ["all"]; } );
CFG

# run_link NAME DROP CORRUPT SEED
run_link() {
	d="$TMP/$1"
	mkdir -p "$d/snap" "$d/sent" "$d/sent2"
	$B/ledboard --listen "$LISTEN" --size 96x16 --format red-green --snapshot "$d/snap" --keep \
	    --drop "$2" --corrupt "$3" --seed "$(($4 + SEED_OFFSET))" 2>"$d/board.log" &
	BOARD=$!
	PIDS="$PIDS $BOARD"
	n=50; while ! grep -q "listening on" "$d/board.log" 2>/dev/null && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
	$L send "$TMP/t.cfg" --board dorm --item theme --at "2023-09-12 10:00" --frames 30 --interval 0.25 \
	    --dump "$d/sent" >"$d/send1.out" || { tail -30 "$d/board.log"; fail "$1: send theme"; }
	$L send "$TMP/t.cfg" --board dorm --item law --at "2023-09-12 10:00" --frames 10 --interval 1 \
	    --dump "$d/sent2" >"$d/send2.out" || { tail -30 "$d/board.log"; fail "$1: send law"; }
	cat "$d/send1.out" "$d/send2.out"
	for k in $(seq 1 10); do
		cp "$d/sent2/$(printf 'frame-%06d.png' "$k")" "$d/sent/$(printf 'frame-%06d.png' $((k + 30)))"
	done
	kill "$BOARD"; wait "$BOARD" 2>/dev/null
	for k in $(seq 1 40); do
		f=$(printf 'frame-%06d.png' "$k")
		[ -f "$d/snap/$f" ] || fail "$1: board never showed frame $k"
		$B/tools/pngcmp "$d/snap/$f" "$d/sent/$f" || fail "$1: frame $k differs from what was sent"
	done
	[ ! -f "$d/snap/frame-000041.png" ] || fail "$1: board showed a frame twice"
	tail -1 "$d/board.log"
	echo "$1: 40 frames bit-exact, once each, in order"
}

run_link lossy 0.1 0.01 21
dropped=$(tail -1 "$TMP/lossy/board.log" | sed -n 's/.*faults: \([0-9]*\) dropped.*/\1/p')
[ "${dropped:-0}" -gt 0 ] || fail "no packets were dropped; the test proves nothing"
run_link noisy 0.1 0.1 23
corrupted=$(tail -1 "$TMP/noisy/board.log" | sed -n 's/.*dropped, \([0-9]*\) corrupted in.*/\1/p')
[ "${corrupted:-0}" -gt 0 ] || fail "no packets were corrupted; the test proves nothing"
