# A save is checked in a child process, not on the controller's loop
# (issue 16): while one save's check takes seconds (20 large posters, each
# decoded in full, and a font that is not a font), the controller still
# answers at once and the boards keep getting frames (an alert raised
# meanwhile shows at once); a second save is told to wait; the first ends
# with an error, and nothing is changed.  On the loop, the same save would
# hold every board and every request until the check ended.  (The check was
# made slow with a FIFO as a font until a FIFO was refused at once.)
# serial: asserts status answers within 1 s while a save is checked
. tests/lib.sh
. tests/alert-lib.sh
. tests/lib-staff.sh
staff_config
# a scrolling slogan: the boards get frames all the time
sed -i 's/text = "OK";/text = "OK OK OK OK OK"; effect = "scroll-left";/' "$STAFF"
$L staff-text "$MAIN" >"$TMP/canon.cfg" && mv "$TMP/canon.cfg" "$STAFF"
start_boards
start_daemon
cp "$STAFF" "$TMP/orig.cfg"
printf 'not a font' >"$TMP/conf/slow.ttf"
# 20 posters of 2800x2800 (7.8 Mpixel, under the 8 Mpixel limit) in 16-bit
# RGB, each decoded on its own: 0.17 s apiece here, so seconds of checking
mkdir -p "$TMP/conf/posters"
convert -size 2800x2800 -depth 16 gradient:red-blue "PNG48:$TMP/conf/posters/big-0.png" ||
    fail "cannot make the test poster (ImageMagick's convert)"
items=""
for i in $(seq 1 19); do cp "$TMP/conf/posters/big-0.png" "$TMP/conf/posters/big-$i.png"; done
for i in $(seq 0 19); do items="$items,\\n  { name = \"big$i\"; image = \"posters/big-$i.png\"; }"; done
$B/ledsign staff-text "$MAIN" | sed "s|^  { name = \"ok\"; .*; }\$|&,\\n  { name = \"slow\"; text = \"slow\"; font = \"./slow.ttf\"; }$items|" >"$TMP/slow.cfg"
grep -q '"./slow.ttf"' "$TMP/slow.cfg" || fail "test text has no slow item"
grep -q '"posters/big-19.png"' "$TMP/slow.cfg" || fail "test text has no posters"
$PY tests/tools/ctlclient.py file "$SOCK" staff-save text "$TMP/slow.cfg" v=1 actor=alice >"$TMP/first.out" &
FIRST=$!
PIDS="$PIDS $FIRST"
# the checker is busy decoding posters; the controller is not
sleep 1
# the checker is the program started afresh, not a fork() of the threaded
# controller (which could copy a lock another thread held, held for ever)
fresh=0
for p in $(pgrep -P "$DAEMON"); do
	tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q "^ledsign staff-check $MAIN $STAFF" && fresh=1
done
[ $fresh = 1 ] || { ps -o pid,args --ppid "$DAEMON"; fail "no 'ledsign staff-check' process checks the save"; }
start=$(date +%s%N)
out=$(ask status)
ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "$out" | grep -q "^ok" || fail "status did not answer while a save is checked: $out"
[ "$ms" -lt 1000 ] || fail "status took $ms ms while a save was checked"
out=$(save "$TMP/orig.cfg" actor=bob)
echo "$out" | grep -q "^error code=busy" || fail "a second save was not told to wait: $out"
# an emergency raised meanwhile reaches the board at once
$L alert "暴雨" --level emergency --id storm --socket "$SOCK" >/dev/null || fail "alert refused while a save is checked"
n=40
until [ "$(count_colour hall ff0000)" -gt 300 ]; do
	n=$((n - 1)); [ $n -gt 0 ] || fail "the alert did not reach hall while a save was checked"
	sleep 0.05
done
$L clear storm --socket "$SOCK" >/dev/null || fail "clear"
# the check ends with the font that is not a font: an error, nothing changed
n=600
while kill -0 $FIRST 2>/dev/null && [ $n -gt 0 ]; do n=$((n - 1)); sleep 0.05; done
[ $n -gt 0 ] || fail "the slow save was not answered in 30 s"
cat "$TMP/first.out"
grep -q "^problem level=error file=$STAFF line=[0-9]* staff=1 section=content item=slow key=font " "$TMP/first.out" ||
    fail "no problem at the slow item's font"
grep -q "^error code=invalid" "$TMP/first.out" || fail "the slow save was not refused"
cmp "$STAFF" "$TMP/orig.cfg" || fail "the refused save changed the staff file"
# and the next save goes through
$B/ledsign staff-text "$MAIN" | sed 's/text = "OK OK OK OK OK";/text = "OK2";/' >"$TMP/ok2.cfg"
save "$TMP/ok2.cfg" actor=bob | grep -q "^ok version=1 id=2 " || fail "the save after did not go through"
echo "staff-check-async: ok"
