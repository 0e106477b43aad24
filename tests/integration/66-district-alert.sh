# District alerts over a real mosquitto (TLS, an account per school, the
# ACL of dist/mosquitto.acl): three school controllers with simulated
# boards and the bureau's CLI.  A district alert reaches every board of
# every school and the coverage is complete board by board; the broker is
# killed and started again mid-alert and nothing is lost (a new alert and
# the clear still arrive); a school that is down for an alert shows it when
# it comes back, and one that is down for the clear takes it down when it
# comes back; a school's account cannot raise a district alert (the broker
# refuses it and no board shows it); a CAP file from the bureau is mapped by
# each school and shown on every board, and a CAP Cancel takes it down.
. tests/lib.sh
. tests/district-lib.sh
. tests/alert-lib.sh
district_tls
district_accounts s1 s2 s3
broker_start
bureau_file "$TMP/bureau.cfg"
bureau_file "$TMP/rogue.cfg" s2
school_make s1 2; school_make s2 2; school_make s3 1
school_play s1; school_play s2; school_play s3
wait_online "s1 s2 s3" 20 || fail "the schools did not come online"
grep -q '^  b2 .* online .*local (always)' "$TMP/status.out" || { cat "$TMP/status.out"; fail "status lists no boards"; }
BF="--bureau $TMP/bureau.cfg"
# every board of every school shows it and acknowledges it
$L district alert "台风红色预警：停课" --id typhoon-1 --level emergency $BF --wait 15 >"$TMP/a1.out" ||
	{ cat "$TMP/a1.out"; fail "typhoon-1: coverage incomplete"; }
grep -q '^coverage typhoon-1: 5 of 5 boards at 3 schools, complete$' "$TMP/a1.out" || { cat "$TMP/a1.out"; fail "coverage line"; }
for b in s1/b1 s1/b2 s2/b1 s2/b2 s3/b1; do grep -q "^  $b acknowledged$" "$TMP/a1.out" || fail "$b not acknowledged"; done
for s in s1 s2 s3; do $L alerts --config "$TMP/$s/school.cfg" | grep -q '^d:typhoon-1 ' || fail "$s does not hold the alert"; done
# cleared everywhere
$L district clear typhoon-1 $BF --wait 10 >"$TMP/c0.out" || { cat "$TMP/c0.out"; fail "clear typhoon-1"; }
for s in s1 s2 s3; do $L alerts --config "$TMP/$s/school.cfg" | grep -q 'typhoon-1' && fail "$s still has typhoon-1"; done
# an alert for one group only: coverage counts the targeted boards
$L district alert "Hall only" --id hall-1 --level info --groups hall $BF --wait 15 >"$TMP/a2.out" ||
	{ cat "$TMP/a2.out"; fail "hall-1 incomplete"; }
grep -q '^coverage hall-1: 3 of 3 boards at 3 schools, complete$' "$TMP/a2.out" || { cat "$TMP/a2.out"; fail "group coverage"; }

# the broker goes away mid-alert and comes back: the school side reconnects
broker_stop
sleep 1
for s in s1 s2 s3; do $L alerts --config "$TMP/$s/school.cfg" | grep -q '^d:hall-1 ' || fail "$s lost the alert with the broker"; done
broker_start
$L district alert "Second wave" --id wave-2 --level warning $BF --wait 20 >"$TMP/a3.out" ||
	{ cat "$TMP/a3.out" "$TMP/s1/daemon.log"; fail "after the broker restart: wave-2 incomplete"; }
# the coverage the schools published before is still there (retained, persisted)
$L district coverage hall-1 $BF >"$TMP/c1.out"
grep -q '^s1: showing' "$TMP/c1.out" || { cat "$TMP/c1.out"; fail "hall-1 coverage lost with the broker"; }

# a school down during the alert shows it when it comes back
school_stop s3
$L district alert "Flood" --id flood-3 --level emergency $BF --wait 15 >"$TMP/a4.out" || { cat "$TMP/a4.out"; fail "flood-3 incomplete at the schools online"; }
grep -q '^coverage flood-3: 4 of 4 boards at 2 schools, complete$' "$TMP/a4.out" || { cat "$TMP/a4.out"; fail "flood-3 coverage while s3 is away"; }
$L alerts --config "$TMP/s3/school.cfg" 2>/dev/null | grep -q 'flood-3' && fail "s3 is down but has flood-3"
school_play s3
n=60; until $L alerts --config "$TMP/s3/school.cfg" 2>/dev/null | grep -q '^d:flood-3 '; do
	n=$((n - 1)); [ $n -gt 0 ] || { cat "$TMP/s3/daemon.log"; fail "s3 did not show flood-3 on coming back"; }; sleep 0.25; done
$L district coverage flood-3 --schools s3 $BF >"$TMP/c3.out" ||
	{ sleep 2; $L district coverage flood-3 --schools s3 $BF >"$TMP/c3.out" || { cat "$TMP/c3.out"; fail "s3 coverage of flood-3"; }; }
# ... and a clear while it is down is not lost either
school_stop s3
$L district clear flood-3 $BF --wait 10 >/dev/null || fail "clear flood-3 at the schools online"
$L alerts --config "$TMP/s1/school.cfg" | grep -q 'flood-3' && fail "s1 still shows flood-3"
school_play s3
n=60; while $L alerts --config "$TMP/s3/school.cfg" 2>/dev/null | grep -q 'flood-3'; do
	n=$((n - 1)); [ $n -gt 0 ] || { cat "$TMP/s3/daemon.log"; fail "s3 did not take flood-3 down on coming back"; }; sleep 0.25; done

# a school's account may not raise a district alert: the broker says no
$L district alert "Fake" --id fake-1 --bureau "$TMP/rogue.cfg" 2>"$TMP/rogue.err" && fail "a school raised a district alert"
grep -q 'refused .*for s2: Not authorized' "$TMP/rogue.err" || { cat "$TMP/rogue.err"; fail "no reason for the refusal"; }
mosquitto_pub -h 127.0.0.1 -p $MQ_PORT --cafile "$TMP/tls/ca.pem" -u s2 -P s2-secret -q 1 \
	-t "ledsign/v1/$DIST/bureau/all/alert/fake-2" -m "ledsign-district/1 alert state=raised id=fake-2" 2>/dev/null
# ... nor write another school's topics, nor read them
mosquitto_pub -h 127.0.0.1 -p $MQ_PORT --cafile "$TMP/tls/ca.pem" -u s2 -P s2-secret -q 1 -r \
	-t "ledsign/v1/$DIST/school/s1/online" -m "0" 2>/dev/null
sleep 1
for s in s1 s2 s3; do $L alerts --config "$TMP/$s/school.cfg" | grep -q 'fake' && fail "$s shows an alert a school raised"; done
wait_online "s1" 5 || fail "s2 could write s1's topics"
grep -q "Denied PUBLISH from ledsign-bureau-[0-9-]* .*bureau/all/alert/fake-1" "$TMP/mq/log" || fail "the broker did not log the denial"
# wrong password: refused
printf 'nope\n' >"$TMP/bad.pass"
sed "s|$TMP/s2.pass|$TMP/bad.pass|" "$TMP/rogue.cfg" >"$TMP/bad.cfg"
$L district status --bureau "$TMP/bad.cfg" 2>"$TMP/bad.err" && fail "a wrong password was let in"
grep -q 'refused s2' "$TMP/bad.err" || { cat "$TMP/bad.err"; fail "no reason for the wrong password"; }
# a CAP file from the bureau: each school's controller maps it (its CAP
# parser process) and shows it; a CAP Cancel takes it down everywhere
cap_typhoon "$TMP/tf.xml" tf-9
$L district cap "$TMP/tf.xml" $BF --wait 15 >"$TMP/cap.out" || { cat "$TMP/cap.out"; fail "district cap: coverage"; }
grep -q '^coverage cap-tf-9: 5 of 5 boards at 3 schools, complete$' "$TMP/cap.out" || { cat "$TMP/cap.out"; fail "cap coverage line"; }
$L alerts --config "$TMP/s2/school.cfg" | grep -q '^cap-tf-9 ' || fail "s2 does not hold cap-tf-9"
sed -e 's|<identifier>tf-9</identifier>|<identifier>tf-9-cancel</identifier>|' -e 's|<msgType>Alert</msgType>|<msgType>Cancel</msgType><references>duty@school.example,tf-9,2026-01-01T08:00:00+08:00</references>|' \
	"$TMP/tf.xml" >"$TMP/tf-cancel.xml"
$L district cap "$TMP/tf-cancel.xml" $BF >"$TMP/capc.out" || { cat "$TMP/capc.out"; fail "district cap cancel"; }
grep -q '^cleared cap-tf-9$' "$TMP/capc.out" || { cat "$TMP/capc.out"; fail "the cancel cleared nothing"; }
for s in s1 s2 s3; do
	n=40; while $L alerts --config "$TMP/$s/school.cfg" | grep -q 'cap-tf-9'; do
		n=$((n - 1)); [ $n -gt 0 ] || fail "$s still shows cap-tf-9 after the CAP cancel"; sleep 0.25; done
done
echo "district alerts: coverage 5/5 at 3 schools, group targets, broker restart, school away for alert and clear, ACL, CAP alert and cancel"
