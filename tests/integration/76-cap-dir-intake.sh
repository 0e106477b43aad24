# cap_dir takes only complete files.  A writer that pauses half-way with the
# file open, one that closes half a file and appends the rest later, and a
# slow `cp` of a 900 KB CAP all end up applied (in done/), not in failed/,
# even though other files arriving meanwhile make the daemon scan the
# directory while they are half-written.  A symbolic link is not followed
# but moved to failed/ with a reason and a log line; a truly broken file
# still lands in failed/ once it has been still for the settle time.
. tests/lib.sh
. tests/alert-lib.sh
CAPD=$TMP/cap
alert_config 'cap_dir = "'"$CAPD"'";'
start_boards
start_daemon

# A complete file dropped the proper way (cap_drop) makes the daemon scan
# the whole directory at once.

# 1. Half a file, the writer pauses 1.5 s holding it open, then finishes.
cap_typhoon "$TMP/w1.xml" W1
size=$(wc -c <"$TMP/w1.xml")
$PY - "$TMP/w1.xml" "$CAPD/w1.xml" "$TMP/w1.paused" <<'EOF' &
import sys, time
doc = open(sys.argv[1], "rb").read()
with open(sys.argv[2], "wb") as f:
    f.write(doc[:len(doc) // 2]); f.flush()
    open(sys.argv[3], "w").close()
    time.sleep(1.5)
    f.write(doc[len(doc) // 2:])
EOF
W1=$!
wait_file "$TMP/w1.paused" || afail "writer did not start"
cap_drop P1
wait_file "$CAPD/done/P1.xml" || afail "the poke file was not applied"
wait "$W1"
wait_file "$CAPD/done/w1.xml" 80 || afail "a file written with a pause never reached done/"
[ -e "$CAPD/failed/w1.xml" ] && afail "a file still being written was moved to failed/: $(cat "$CAPD/failed/w1.xml.error")"
cap_wait_active W1 || afail "the paused writer's alert is not active"

# 2. Half a file, closed, 1.5 s later the rest appended (the mtime is fresh:
#    it is given the settle time before it may fail).
cap_typhoon "$TMP/w2.xml" W2
head -c $((size / 2)) "$TMP/w2.xml" >"$CAPD/w2.xml"
sleep 0.3
cap_drop P2
sleep 1.2
tail -c +$((size / 2 + 1)) "$TMP/w2.xml" >>"$CAPD/w2.xml"
wait_file "$CAPD/done/w2.xml" 80 || afail "a file closed half-way and finished later never reached done/"
[ -e "$CAPD/failed/w2.xml" ] && afail "a half file closed for 1.5 s was failed"
cap_wait_active W2 || afail "the appended file's alert is not active"

# 3. A slow cp of a 900 KB CAP: cp copies from a pipe that stalls half-way.
cap_typhoon "$TMP/big.xml" BIG 900000
bsize=$(wc -c <"$TMP/big.xml")
[ "$bsize" -gt 900000 ] && [ "$bsize" -lt 1048576 ] || fail "big CAP is $bsize bytes"
{ head -c 450000 "$TMP/big.xml"; sleep 1.5; tail -c +450001 "$TMP/big.xml"; } | cp /dev/stdin "$CAPD/big.xml" &
CP=$!
sleep 0.5
cap_drop P3
wait "$CP" || fail "cp failed"
wait_file "$CAPD/done/big.xml" 80 || afail "a slow cp of a large CAP never reached done/"
[ -e "$CAPD/failed/big.xml" ] && afail "a file being copied was failed"
cap_wait_active BIG || afail "the large CAP's alert is not active"
cmp -s "$TMP/big.xml" "$CAPD/done/big.xml" || afail "done/big.xml is not the whole file"

# 4. A symbolic link: not followed, moved to failed/ with the reason, logged.
cap_typhoon "$TMP/target.xml" LINK
ln -s "$TMP/target.xml" "$CAPD/link.xml"
cap_drop P4
wait_file "$CAPD/failed/link.xml.error" 80 || afail "a symbolic link in cap_dir was not moved to failed/"
[ -L "$CAPD/failed/link.xml" ] || afail "the link itself is not in failed/"
[ -e "$CAPD/link.xml" ] || [ -L "$CAPD/link.xml" ] && afail "the link is still in cap_dir"
grep -q "symbolic link" "$CAPD/failed/link.xml.error" || afail "the .error file does not say it is a link"
grep -q "cap_dir $CAPD/link.xml: a symbolic link" "$TMP/daemon.log" || afail "no log line for the link"
cap_active LINK && afail "the link's target was applied"

# 5. A broken file still fails, with its reason, after the settle time.
printf '<html><body>hello</body></html>' >"$CAPD/bad.xml"
wait_file "$CAPD/failed/bad.xml.error" 80 || afail "a broken file was never moved to failed/"
grep -q "not a CAP 1.2 document" "$CAPD/failed/bad.xml.error" || afail "the .error file does not say why"
grep -q "cap_dir $CAPD/bad.xml: .*not a CAP 1.2 document.*moved to failed/" "$TMP/daemon.log" ||
    afail "no log line for the failed file"
[ "$(grep -c "bad.xml" "$TMP/daemon.log")" -eq 1 ] || afail "the broken file was logged more than once"
echo "cap_dir intake: ok"
