# A save is checked in a child process, not on the controller's loop
# (issue 16): while one save's check is stuck (a poster that is a FIFO
# nobody writes), the controller still answers at once and the boards keep
# getting frames (an alert raised meanwhile shows at once); a second save
# is told to wait (busy); when the check ends
# with an error, nothing is changed.  On the loop, the same save would hold
# every board and every request until the check ended.
# serial: asserts status answers within 1 s while a save is checked
. tests/lib.sh
. tests/alert-lib.sh
. tests/lib-staff.sh
# a checker stuck on the FIFO must not keep the test from ending
unblock() { [ -p "$TMP/conf/slow.ttf" ] && timeout 2 sh -c ": >'$TMP/conf/slow.ttf'" 2>/dev/null; cleanup; }
trap unblock EXIT INT TERM
staff_config
# a scrolling slogan: the boards get frames all the time
sed -i 's/text = "OK";/text = "OK OK OK OK OK"; effect = "scroll-left";/' "$STAFF"
$L staff-text "$MAIN" >"$TMP/canon.cfg" && mv "$TMP/canon.cfg" "$STAFF"
start_boards
start_daemon
cp "$STAFF" "$TMP/orig.cfg"
mkfifo "$TMP/conf/slow.ttf"
$B/ledsign staff-text "$MAIN" | sed 's|^  { name = "ok"; .*; }$|&,\n  { name = "slow"; text = "slow"; font = "./slow.ttf"; }|' >"$TMP/slow.cfg"
grep -q '"./slow.ttf"' "$TMP/slow.cfg" || fail "test text has no slow item"
$PY tests/tools/ctlclient.py file "$SOCK" staff-save text "$TMP/slow.cfg" v=1 actor=alice >"$TMP/first.out" &
FIRST=$!
PIDS="$PIDS $FIRST"
# the checker is stuck opening the FIFO; the controller is not
sleep 1
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
# the check goes on with a font that is not a font: an error, nothing changed
# (FreeType may open the file more than once, and close it unread: keep
# writing until the save is answered)
( while :; do timeout 2 sh -c "printf 'not a font' >'$TMP/conf/slow.ttf'" 2>/dev/null; sleep 0.05; done ) &
FEED=$!
n=200
while kill -0 $FIRST 2>/dev/null && [ $n -gt 0 ]; do n=$((n - 1)); sleep 0.05; done
kill $FEED
wait $FEED 2>/dev/null
[ $n -gt 0 ] || fail "the stuck save was not answered once the font could be read"
cat "$TMP/first.out"
grep -q "^problem level=error file=$STAFF line=[0-9]* staff=1 section=content item=slow key=font " "$TMP/first.out" ||
    fail "no problem at the slow item's font"
grep -q "^error code=invalid" "$TMP/first.out" || fail "the stuck save was not refused"
cmp "$STAFF" "$TMP/orig.cfg" || fail "the refused save changed the staff file"
# and the next save goes through
$B/ledsign staff-text "$MAIN" | sed 's/text = "OK OK OK OK OK";/text = "OK2";/' >"$TMP/ok2.cfg"
save "$TMP/ok2.cfg" actor=bob | grep -q "^ok version=1 id=2 " || fail "the save after did not go through"
echo "staff-check-async: ok"
