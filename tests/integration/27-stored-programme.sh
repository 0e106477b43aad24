# The day's programme stored on the board (issue 18).  A 128x32 mono LSP
# board whose clock runs 50 times fast (ledboard --clock-rate 50) gets its
# programme from the controller: 12:00-12:06 a playlist of A (20 s) and
# B (30 s), 12:06-13:00 one of C (15 s) and A (15 s).  Then:
#  1. the controller is killed (SIGKILL): for more than 10 minutes of the
#     board's time it plays on, every picture one of A, B, C (never dark),
#     each the item the schedule wants at the board's clock, and every
#     item change the schedule has in that time (about 40) within 8 s of it
#     on the board's clock (0.16 s of real time);
#  2. a new controller finds the board holding the same programme version
#     and uploads nothing (no stored image, no PROGRAMME), sets the clock
#     and takes over (its first frame, sent before it knew, is followed by
#     RESUME): `status` says stored with that version, and no frame the
#     board shows from then on is dark;
#  3. an alert is on the board at once (a live frame), with HOLD 0: when
#     the controller is killed the board keeps the alert up (it does not go
#     back to its programme); a controller started again clears it, and the
#     board is back on its programme with the next picture (RESUME), no
#     dark one between.
# serial: the board's clock runs 50 times fast: item changes within 0.16 s of real time
. tests/lib.sh
. tests/lib-stored.sh
L=$B/ledsign
T0=1694491200            # 2023-09-12 12:00:00 at UTC+8
PORT=$(free_port)
stored_dirs
stored_config "$TMP/c.cfg" hall "$PORT"
cat >>"$TMP/c.cfg" <<CFG
content = ( { name = "A"; text = "早上好"; },
            { name = "B"; text = "网络安全"; },
            { name = "C"; text = "午饭时间"; } );
playlists = ( { name = "p1"; items = ( { item = "A"; duration = 20; }, { item = "B"; duration = 30; } ); },
              { name = "p2"; items = ( { item = "C"; duration = 15; }, { item = "A"; duration = 15; } ); } );
schedule = ( { name = "morning"; playlist = "p1"; boards = ["all"]; hours = "12:00-12:06"; },
             { name = "noon"; playlist = "p2"; boards = ["all"]; hours = "12:06-13:00"; } );
CFG
$L check "$TMP/c.cfg" >/dev/null || { $L check "$TMP/c.cfg"; fail "test config does not check"; }
for i in A B C; do
	$L preview "$TMP/c.cfg" --board hall --item $i --raw -o "$TMP/$i.png" >/dev/null || fail "preview $i"
done
# (at real-time priority where we may: on a loaded machine its wake-ups, 50
# times magnified on its clock, are what this test measures)
RT=""; chrt -f 10 true 2>/dev/null && RT="chrt -f 10"
$RT $B/ledboard --listen "tcp:127.0.0.1:$PORT" --size 128x32 --format mono --snapshot "$TMP/snap" --keep \
    --clock-rate 50 2>"$TMP/board.log" &
BOARD=$!; PIDS="$PIDS $BOARD"
wait_listen "$TMP/board.log"

$L play "$TMP/c.cfg" --foreground --start-at "2023-09-12 12:00" 2>"$TMP/d1.log" &
D1=$!; PIDS="$PIDS $D1"
# stored: the board acknowledged the programme and plays it
n=150; until grep -q "programme version=" "$TMP/board.log" || [ $n -eq 0 ]; do sleep 0.1; n=$((n - 1)); done
[ $n -gt 0 ] || { cat "$TMP/d1.log"; tail "$TMP/board.log"; fail "the board never played a stored programme"; }
stored_status_wait 50 "$TMP/st1.txt" "^hall .* stored +[0-9a-f]{8} "; got=$?
cat "$TMP/st1.txt"
[ $got -eq 0 ] || fail "status does not say the board plays its stored programme"
VER=$(stored_version "$TMP/st1.txt" hall)

# ---- 1. the controller is killed --------------------------------------
kill -9 $D1; wait $D1 2>/dev/null
KILLED=$(wc -l <"$TMP/board.log")
CLK0=$(grep "programme version=" "$TMP/board.log" | tail -1 | sed 's/.*clock=\([0-9]*\)\..*/\1/')
# 13 s of real time is nearly 11 minutes of the board's
sleep 13
tail -n +$((KILLED + 1)) "$TMP/board.log" >"$TMP/after-kill.log"
grep -q "rx " "$TMP/after-kill.log" && fail "something spoke to the board after the controller was killed"
# each programme picture: its board clock, then the frame that shows it
stored_shows "$TMP/after-kill.log" >"$TMP/shows.txt"
expect() {   # ITEM the schedule wants at board clock $1 (seconds)
	awk -v c="$1" -v t0=$T0 'BEGIN { t = c - t0; if (t < 360) { p = (t % 50); print (p < 20 ? "A" : "B") }
	    else if (t < 3600) { p = ((t - 360) % 30); print (p < 15 ? "C" : "A") } else print "dark" }'
}
changes=0; last=$(expect "$CLK0"); lastclk=$CLK0
while read -r clk frame; do
	f=$(printf '%s/snap/frame-%06d.png' "$TMP" "$frame")
	got=""
	for i in A B C; do $B/tools/pngcmp "$f" "$TMP/$i.png" >/dev/null 2>&1 && got=$i; done
	[ -n "$got" ] || fail "frame $frame at board clock $clk is none of A, B, C (dark or garbled)"
	want=$(expect "${clk%.*}")
	# a change shows at its boundary: the item wanted 0.5 s on must be it
	want2=$(expect "$(echo "$clk + 0.5" | bc | cut -d. -f1)")
	[ "$got" = "$want" ] || [ "$got" = "$want2" ] || fail "at board clock $clk the board shows $got, the schedule wants $want"
	# the boundary it belongs to must be no more than 8 s of board time
	# before (0.16 s of real time: a loaded machine wakes ledboard late)
	before=$(expect "$(echo "$clk - 8" | bc | cut -d. -f1)")
	if [ -n "$last" ] && [ "$got" != "$last" ]; then
		changes=$((changes + 1))
		[ "$before" != "$got" ] || fail "the change to $got at board clock $clk came more than 8 s (board time) late"
	fi
	last=$got; lastclk=$clk
done <"$TMP/shows.txt"
span=$(echo "$lastclk - $CLK0" | bc)
echo "after the kill: $changes item changes over $span s of board time, every one on time"
[ "$(echo "$span >= 600" | bc)" -eq 1 ] || fail "the board played only $span s of its programme (want 600)"
# the changes the schedule has between the first and the last picture
want=$(awk -v a="$CLK0" -v b="$lastclk" -v t0=$T0 'function it(c,  t, p) { t = c - t0;
    if (t < 360) { p = t % 50; return p < 20 ? "A" : "B" } p = (t - 360) % 30; return p < 15 ? "C" : "A" }
    BEGIN { n = 0; prev = it(int(a)); for (c = int(a) + 1; c <= int(b); c++) { x = it(c); if (x != prev) n++; prev = x }; print n }')
echo "the schedule has $want changes in that time"
[ $changes -ge $want ] && [ $want -ge 30 ] || fail "$changes item changes on the board, the schedule has $want"

# ---- 2. a new controller takes over -----------------------------------
RESTART=$(wc -l <"$TMP/board.log")
FRAMES0=$(ls "$TMP/snap" | grep -c '^frame-')
$L play "$TMP/c.cfg" --foreground --start-at "2023-09-12 12:00" 2>"$TMP/d2.log" &
D2=$!; PIDS="$PIDS $D2"
stored_status_wait 100 "$TMP/st2.txt" "^hall .* stored +$VER "; got=$?
cat "$TMP/st2.txt"
[ $got -eq 0 ] || { cat "$TMP/d2.log"; fail "the new controller did not find programme $VER on the board"; }
grep -q "holds programme $VER already" "$TMP/d2.log" || fail "the new controller did not say the board holds $VER"
tail -n +$((RESTART + 1)) "$TMP/board.log" >"$TMP/after-restart.log"
! grep -Eq "rx PROGRAMME|rx FRAME .* stored" "$TMP/after-restart.log" || { grep "rx " "$TMP/after-restart.log"; fail "the programme was uploaded again"; }
grep -q "rx CLOCK" "$TMP/after-restart.log" || fail "the new controller did not set the board's clock"

# ---- 3. an alert wins at once, and the programme comes back without dark
$L alert "停电通知" --level warning --for 10m --config "$TMP/c.cfg" >/dev/null || fail "alert"
n=50; until [ -s "$TMP/snap/latest.png" ] && ! $B/tools/pngcmp "$TMP/snap/latest.png" "$TMP/A.png" >/dev/null 2>&1 &&
    ! $B/tools/pngcmp "$TMP/snap/latest.png" "$TMP/B.png" >/dev/null 2>&1 &&
    ! $B/tools/pngcmp "$TMP/snap/latest.png" "$TMP/C.png" >/dev/null 2>&1 || [ $n -eq 0 ]; do sleep 0.1; n=$((n - 1)); done
[ $n -gt 0 ] || fail "the alert did not reach the board within 5 s"
grep -q "rx FRAME .* complete" "$TMP/board.log" || fail "the alert did not come as a live frame"
n=30; until grep -q "rx HOLD .* hold=0 " "$TMP/board.log" || [ $n -eq 0 ]; do sleep 0.1; n=$((n - 1)); done
[ $n -gt 0 ] || fail "the board was not told to keep the alert up (HOLD 0)"
cp "$TMP/snap/latest.png" "$TMP/alert.png"
# the controller dies with the alert up: the board keeps it (100 s of its time)
kill -9 $D2; wait $D2 2>/dev/null
AT=$(wc -l <"$TMP/board.log")
sleep 2
! tail -n +$((AT + 1)) "$TMP/board.log" | grep -q "programme version=" ||
    fail "the board dropped the alert for its programme when the controller died"
$B/tools/pngcmp "$TMP/snap/latest.png" "$TMP/alert.png" || fail "the alert is no longer on the board"
$L play "$TMP/c.cfg" --foreground --start-at "2023-09-12 12:00" 2>"$TMP/d3.log" &
D2=$!; PIDS="$PIDS $D2"
sleep 1.5
$L clear --all --config "$TMP/c.cfg" >/dev/null || fail "clear"
n=50; until grep -q "rx RESUME" "$TMP/board.log" || [ $n -eq 0 ]; do sleep 0.1; n=$((n - 1)); done
[ $n -gt 0 ] || fail "no RESUME after the alert was cleared"
sleep 2
kill $D2; wait $D2 2>/dev/null
# every frame since the restart: lit; after the RESUME one of A, B, C
for f in $(ls "$TMP/snap" | grep '^frame-' | tail -n +$((FRAMES0 + 1))); do
	$B/tools/pngcmp --lit "$TMP/snap/$f" || fail "frame $f after the restart is dark"
done
tail -n +$(grep -n "rx RESUME" "$TMP/board.log" | tail -1 | cut -d: -f1) "$TMP/board.log" |
    sed -n 's/.* frame \([0-9]*\) shown.*/\1/p' >"$TMP/resumed.txt"
[ -s "$TMP/resumed.txt" ] || fail "nothing shown after RESUME"
while read -r frame; do
	f=$(printf '%s/snap/frame-%06d.png' "$TMP" "$frame")
	got=""
	for i in A B C; do $B/tools/pngcmp "$f" "$TMP/$i.png" >/dev/null 2>&1 && got=$i; done
	[ -n "$got" ] || fail "frame $frame after the alert was cleared is not the programme's"
done <"$TMP/resumed.txt"
echo "restart: programme $VER kept, clock set, alert live and back to the programme without a dark frame"
