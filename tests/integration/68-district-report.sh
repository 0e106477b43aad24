# The bureau's proof-of-play report across schools: `ledsign district
# report` asks every school over the broker, each answers from its own
# proof.db, and the bureau's CSV has one row per school/board and item that
# adds up to the frames each simulated board showed (each stops after a
# fixed number); the alert timeline names the school; the PNG chart; a
# school's local report says the same for its boards.  The link, killed,
# is started again by its controller.
. tests/lib.sh
. tests/district-lib.sh
district_tls
district_accounts s1 s2
broker_start
bureau_file "$TMP/bureau.cfg"
BF="--bureau $TMP/bureau.cfg"
EXIT_AFTER=90
school_make s1 2; school_make s2 1
school_play s1; school_play s2
wait_online "s1 s2" 20 || fail "the schools did not come online"
$L district alert "Drill" --id drill-9 --level warning $BF --wait 10 >/dev/null || fail "drill-9"
$L district clear drill-9 $BF --wait 10 >/dev/null || fail "clear drill-9"
# every board shows its frames and stops
for f in "$TMP"/s1/b1.log "$TMP"/s1/b2.log "$TMP"/s2/b1.log; do
	n=300; until grep -q "stopping after $EXIT_AFTER frames" "$f"; do
		n=$((n - 1)); [ $n -gt 0 ] || { tail -3 "$f"; fail "$f: the board did not show its frames"; }; sleep 0.1; done
done
FROM=$(date -u -d "-10 minutes" +"%Y-%m-%d %H:%M")
TO=$(date -u -d "+10 minutes" +"%Y-%m-%d %H:%M")
sum() { awk -F, -v b="$2" 'NF == 0 { exit } $1 == b { f += $5 } END { print f + 0 }' "$1"; }
# The schools' writers commit once a second, later on a loaded machine:
# ask again until every board's frames are in (at most 20 s), then judge.
n=40; while :; do
	$L district report $BF --from "$FROM" --to "$TO" -o "$TMP/d.csv" 2>"$TMP/d.err" || { cat "$TMP/d.err"; fail "district report"; }
	[ "$(sum "$TMP/d.csv" s1/b1)$(sum "$TMP/d.csv" s1/b2)$(sum "$TMP/d.csv" s2/b1)" = "$EXIT_AFTER$EXIT_AFTER$EXIT_AFTER" ] && break
	n=$((n - 1)); [ $n -gt 0 ] || break; sleep 0.5
done
cat "$TMP/d.csv"
head -1 "$TMP/d.csv" | grep -q '^school/board,item,hours,seconds,frames,plays$' || fail "header"
for b in s1/b1 s1/b2 s2/b1; do
	[ "$(sum "$TMP/d.csv" $b)" = $EXIT_AFTER ] || fail "$b: the district report says $(sum "$TMP/d.csv" $b) frames, the board showed $EXIT_AFTER"
done
grep -Eq '^s1/b1,alert:warning,' "$TMP/d.csv" || fail "no alert rows"
grep -Eq '^[0-9-]+ [0-9:]+,s2,d:drill-9,raised,warning,$' "$TMP/d.csv" || fail "s2's timeline: raised"
grep -Eq '^[0-9-]+ [0-9:]+,s1,d:drill-9,cleared,warning,$' "$TMP/d.csv" || fail "s1's timeline: cleared"
# a school's own report agrees with what the bureau got from it
$L report "$TMP/s1/school.cfg" --from "$FROM" --to "$TO" >"$TMP/s1.csv" || fail "s1 local report"
[ "$(sum "$TMP/s1.csv" b2)" = $EXIT_AFTER ] || fail "s1's local report"
$L district report $BF --from "$FROM" --to "$TO" -o "$TMP/d.png" >/dev/null 2>&1 || fail "district report -o png"
[ "$(head -c 8 "$TMP/d.png" | od -An -tx1 | tr -d ' ')" = 89504e470d0a1a0a ] || fail "not a PNG"
# the link is a process of its own: killed, the controller starts it again
LINK=$(pgrep -P "$SP_s2" -f 'district-link') || fail "no district-link child of s2's controller"
kill -KILL "$LINK"   # a crash, not a stop
n=150; until grep -q "the district link (pid $LINK) died of signal 9; starting it again" "$TMP/s2/daemon.log"; do
	n=$((n - 1)); [ $n -gt 0 ] || fail "the controller did not notice its link died"; sleep 0.1; done
n=150; until [ "$(grep -c 'district link started' "$TMP/s2/daemon.log")" -ge 2 ]; do
	n=$((n - 1)); [ $n -gt 0 ] || fail "the link was not started again"; sleep 0.1; done
wait_online "s2" 20 || fail "s2 is not back online after its link restarted"
echo "district report: 3 boards at 2 schools, $EXIT_AFTER frames each, alert timeline per school, PNG; the link restarted"
