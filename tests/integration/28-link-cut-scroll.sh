# The link cut for 60 s in the middle of a scroll (issue 18).  The theme
# slogan scrolls left on a 128x32 mono LSP board from its stored programme
# (the board's clock 5 times fast: ledboard --clock-rate 5).  ledboard cuts
# its link on SIGUSR1 (nothing in or out, no connection accepted) and mends
# it on the next.  For the 60 s of the board's time without a link the board
# keeps scrolling: at least 600 pictures, and sampled ones are exactly what
# `ledsign preview --t` draws for that moment of the scroll.  The controller
# sees the board stalled, and once the link is mended finds the programme
# still there and uploads nothing again.  A reload that changes nothing the
# board shows sends nothing; one that changes the scroll's speed stores a
# new programme version.
# serial: the board's clock runs 5 times fast and its pictures are sampled by time
. tests/lib.sh
. tests/lib-stored.sh
L=$B/ledsign
T0=1694491200            # 2023-09-12 12:00:00 at UTC+8
PORT=$(free_port)
stored_dirs
stored_config "$TMP/c.cfg" gate "$PORT"
cat >>"$TMP/c.cfg" <<CFG
content = ( { name = "theme"; text = "网络安全为人民,网络安全靠人民"; effect = "scroll-left"; speed = 32.0;
              duration = 3600; } );
playlists = ( { name = "p"; items = ["theme"]; } );
schedule = ( { playlist = "p"; boards = ["all"]; } );
CFG
$B/ledboard --listen "tcp:127.0.0.1:$PORT" --size 128x32 --format mono --snapshot "$TMP/snap" --keep \
    --clock-rate 5 2>"$TMP/board.log" &
BOARD=$!; PIDS="$PIDS $BOARD"
wait_listen "$TMP/board.log"
$L play "$TMP/c.cfg" --foreground --start-at "2023-09-12 12:00" 2>"$TMP/d.log" &
D=$!; PIDS="$PIDS $D"
stored_status_wait 100 "$TMP/st1.txt" "^gate .* stored +[0-9a-f]{8} "; got=$?
cat "$TMP/st1.txt"
[ $got -eq 0 ] || { cat "$TMP/d.log"; fail "the board never played its stored programme"; }
sleep 1
kill -USR1 $BOARD
n=20; until grep -q "link cut" "$TMP/board.log" || [ $n -eq 0 ]; do sleep 0.1; n=$((n - 1)); done
# 12 s of real time, 60 s of the board's
sleep 12
kill -USR1 $BOARD
n=20; until grep -q "link mended" "$TMP/board.log" || [ $n -eq 0 ]; do sleep 0.1; n=$((n - 1)); done
sed -n '/link cut/,/link mended/p' "$TMP/board.log" >"$TMP/cut.log"
grep -q "rx " "$TMP/cut.log" && fail "the board heard something through a cut link"
stored_shows "$TMP/cut.log" >"$TMP/shows.txt"
shows=$(wc -l <"$TMP/shows.txt")
span=$(echo "$(tail -1 "$TMP/shows.txt" | cut -d' ' -f1) - $(head -1 "$TMP/shows.txt" | cut -d' ' -f1)" | bc)
echo "link cut: $shows pictures over $span s of the board's time"
[ "$(echo "$span >= 58" | bc)" -eq 1 ] || fail "the board scrolled only $span s of its 60 s without a link"
[ "$shows" -ge 600 ] || fail "only $shows scroll steps in 60 s (32 LEDs a second)"
# ten of them, spread over the minute, against the host's own drawing of that moment
step=$((shows / 10)); k=0; checked=0
while read -r clk frame; do
	k=$((k + 1)); [ $((k % step)) -eq 1 ] || continue
	t=$(echo "$clk - $T0" | bc)
	$L preview "$TMP/c.cfg" --board gate --item theme --raw --t "$t" -o "$TMP/want.png" >/dev/null 2>&1 ||
	    fail "preview --t $t"
	$B/tools/pngcmp "$(printf '%s/snap/frame-%06d.png' "$TMP" "$frame")" "$TMP/want.png" ||
	    fail "frame $frame at $t s into the scroll differs from the host's drawing of that moment"
	checked=$((checked + 1))
done <"$TMP/shows.txt"
echo "$checked pictures from the minute without a link are exactly the host's scroll at their moment"
# the controller noticed, and came back to a board that still holds its programme
grep -q "stalled\|offline" "$TMP/d.log" || fail "the controller did not notice the cut link"
stored_status_wait 150 "$TMP/st2.txt" "^gate +online .* stored "; got=$?
cat "$TMP/st2.txt"
[ $got -eq 0 ] || { tail "$TMP/d.log"; fail "the controller is not back on the board after the link was mended"; }
tail -n +$(grep -n "link mended" "$TMP/board.log" | cut -d: -f1) "$TMP/board.log" >"$TMP/after.log"
! grep -Eq "rx PROGRAMME|rx FRAME .* stored" "$TMP/after.log" || fail "the programme was uploaded again after the cut"
VER=$(stored_version "$TMP/st2.txt" gate)
# a reload that changes nothing the board shows uploads nothing; one that
# changes the scroll's speed stores a new programme
$L reload "$TMP/c.cfg" >/dev/null || fail "reload"
sleep 1
[ "$(grep -c "rx PROGRAMME" "$TMP/board.log")" -eq 1 ] || fail "an unchanged reload stored the programme again"
sed -i 's/speed = 32.0/speed = 40.0/' "$TMP/c.cfg"
$L reload "$TMP/c.cfg" >/dev/null || fail "reload with a new speed"
n=100; until $L status "$TMP/c.cfg" >"$TMP/st3.txt" 2>/dev/null && grep -Eq "^gate .* stored +[0-9a-f]{8} " "$TMP/st3.txt" &&
    ! grep -q " $VER " "$TMP/st3.txt" || [ $n -eq 0 ]; do sleep 0.1; n=$((n - 1)); done
[ $n -gt 0 ] || { cat "$TMP/st3.txt"; fail "a reload with a new speed did not store a new programme"; }
[ "$(grep -c "rx PROGRAMME" "$TMP/board.log")" -eq 2 ] || fail "the new programme was not sent once"
echo "reload: unchanged, nothing sent; a new speed, programme $VER -> $(stored_version "$TMP/st3.txt" gate)"
echo ok
