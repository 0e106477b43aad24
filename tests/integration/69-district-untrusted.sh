# A school without its broker, and what comes from the broker: a school
# whose broker is not there yet plays its own content and takes local
# alerts; it connects when the broker comes.  What the bureau's topics
# carry gets the checks local input gets: an alert the controller would
# refuse (a control character in its text) is refused and the refusal is
# published as the coverage; a payload that is not ours is ignored; a
# school refuses a broker whose certificate its CA did not sign.
. tests/lib.sh
. tests/district-lib.sh
district_tls
district_accounts s1
MQ_PORT=$(free_port)
bureau_file "$TMP/bureau.cfg"
BF="--bureau $TMP/bureau.cfg"
school_make s1 1
school_play s1
# no broker: the school plays and alerts all the same
watch_events "$TMP/s1/run/control.sock" "$TMP/ev"
wait_event "$TMP/ev" 'type=item_start .* board=b1 item=local ' || fail "no local content without the broker"
$L alert "Local drill" --id local-1 --config "$TMP/s1/school.cfg" >/dev/null || fail "a local alert without the broker"
wait_event "$TMP/ev" 'type=item_start .* board=b1 item=alert:emergency rule=alert%20local-1' || fail "the local alert is not shown"
$L clear local-1 --config "$TMP/s1/school.cfg" >/dev/null || fail "clear local-1"
n=100; until grep -q "cannot reach the broker" "$TMP/s1/daemon.log"; do
	n=$((n - 1)); [ $n -gt 0 ] || fail "the link did not say the broker is missing"; sleep 0.1; done
# the broker comes: the school connects by itself
broker_start
wait_online "s1" 40 || { tail "$TMP/s1/daemon.log"; fail "s1 did not connect once the broker came"; }

pub() { mosquitto_pub -h 127.0.0.1 -p $MQ_PORT --cafile "$TMP/tls/ca.pem" -u bureau -P bureau-secret -q 1 "$@"; }
# a control character in the text: the controller refuses it, the bureau hears why
pub -r -t "ledsign/v1/$DIST/bureau/all/alert/bad-1" -m "$(printf 'ledsign-district/1 alert state=raised id=bad-1 time=1\nid=bad-1 level=emergency start=1 expires=0 created=1 text=a%%07b')"
n=40; until $L district coverage bad-1 $BF >"$TMP/bad.out" 2>&1; grep -q '^s1: rejected' "$TMP/bad.out"; do
	n=$((n - 1)); [ $n -gt 0 ] || { cat "$TMP/bad.out"; fail "no rejection published for bad-1"; }; sleep 0.25; done
grep -q 'control character' "$TMP/bad.out" || { cat "$TMP/bad.out"; fail "the reason is not the controller's"; }
$L alerts --config "$TMP/s1/school.cfg" | grep -q bad-1 && fail "bad-1 is shown"
# not ours, or its record says another id: ignored or refused, nothing shown
pub -t "ledsign/v1/$DIST/bureau/all/alert/junk" -m "hello"
pub -t "ledsign/v1/$DIST/bureau/all/alert/two" -m "$(printf 'ledsign-district/1 alert state=raised id=two time=1\nid=other level=info start=1 expires=0 created=1 text=x')"
pub -t "ledsign/v1/$DIST/bureau/all/bundle" -m "ledsign-district/1 bundle version=9 files=1"
pub -t "ledsign/v1/$DIST/bureau/all/nosuch" -m "x"
sleep 1
$L alerts --config "$TMP/s1/school.cfg" | grep -Eq 'junk|two|other' && fail "a malformed alert is shown"
grep -q 'district alert junk refused: not a ledsign-district/1 alert' "$TMP/s1/daemon.log" || fail "junk: no reason logged"
grep -q 'district alert two refused: alert two: its record says id other' "$TMP/s1/daemon.log" || fail "two: no reason logged"
grep -q 'bundle version 0 refused: not a ledsign-district/1 bundle' "$TMP/s1/daemon.log" || fail "bad bundle: no reason logged"
grep -q 'nosuch ignored: this version knows no such topic' "$TMP/s1/daemon.log" || fail "unknown topic"
# an alert that expired while on its way is not shown
pub -r -t "ledsign/v1/$DIST/bureau/all/alert/old-1" -m "$(printf 'ledsign-district/1 alert state=raised id=old-1 time=1\nid=old-1 level=info start=1 expires=2 created=1 text=old')"
n=40; until $L district coverage old-1 $BF 2>&1 | grep -q '^s1: expired'; do
	n=$((n - 1)); [ $n -gt 0 ] || fail "old-1 not reported expired"; sleep 0.25; done
$L alerts --config "$TMP/s1/school.cfg" | grep -q old-1 && fail "an expired alert is shown"
# the school is still well
$L district alert "Real one" --id real-1 $BF --wait 10 >"$TMP/real.out" || { cat "$TMP/real.out"; fail "real-1 after the junk"; }

# a broker with a certificate the district's CA did not sign: refused
mkdir -p "$TMP/tls2"
( cd "$TMP/tls2" && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=rogue" \
	-keyout ca.key -out ca.pem 2>/dev/null ) || fail "openssl"
sed "s|$TMP/tls/ca.pem|$TMP/tls2/ca.pem|" "$TMP/bureau.cfg" >"$TMP/wrongca.cfg"
$L district status --bureau "$TMP/wrongca.cfg" 2>"$TMP/wrongca.err" && fail "a certificate from another CA was taken"
grep -qi 'certificate\|TLS\|refused\|cannot reach\|lost' "$TMP/wrongca.err" || { cat "$TMP/wrongca.err"; fail "no reason"; }
echo "district untrusted input: plays and alerts without the broker, connects later; refused alert with reason; junk ignored; expired not shown; wrong CA refused"
