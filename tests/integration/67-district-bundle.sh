# Campaign bundles over a real mosquitto: the bureau publishes a bundle
# (campaign.cfg and a poster) to every school; each school checks it against
# its own boards, puts it in place of its bundle_file, reloads, and says
# "accepted"; its boards show the new campaign and `district status` shows
# the version.  A bad bundle (a schedule rule naming a playlist that does
# not exist) is rejected with the check's reason published and the schools
# keep what they had; a bundle that sets the school's own settings or names
# a file outside it is rejected; a bundle for one school reaches only it;
# an older version is ignored.
. tests/lib.sh
. tests/district-lib.sh
district_tls
district_accounts s1 s2 s3
broker_start
bureau_file "$TMP/bureau.cfg"
BF="--bureau $TMP/bureau.cfg"
school_make s1 2; school_make s2 1; school_make s3 1
school_play s1; school_play s2; school_play s3
wait_online "s1 s2 s3" 20 || fail "the schools did not come online"

# version 1: a slogan and a poster
mkdir -p "$TMP/v1/posters"
cp content/posters/$(ls content/posters | head -1) "$TMP/v1/posters/week.png"
cat >"$TMP/v1/campaign.cfg" <<CFG
content = ( { name = "slogan"; text = "网络安全为人民"; effect = "scroll-left"; speed = 32.0; },
            { name = "poster"; image = "district-posters/week.png"; } );
playlists = ( { name = "week"; items = ["slogan", "poster"]; } );
schedule = ( { name = "campaign"; playlist = "week"; boards = ["all"]; } );
CFG
$L district bundle "$TMP/v1" --version 1 --label "Cyber week" $BF --wait 20 >"$TMP/b1.out" ||
	{ cat "$TMP/b1.out" "$TMP/s1/daemon.log"; fail "bundle 1 not accepted everywhere"; }
for s in s1 s2 s3; do grep -q "^$s: accepted$" "$TMP/b1.out" || { cat "$TMP/b1.out"; fail "$s did not accept bundle 1"; }; done
for s in s1 s2 s3; do
	cmp -s "$TMP/v1/campaign.cfg" "$TMP/$s/campaign.cfg" || fail "$s: campaign.cfg is not the bundle's"
	cmp -s "$TMP/v1/posters/week.png" "$TMP/$s/district-posters/week.png" || fail "$s: poster not in place"
done
# the boards play it: status shows the new item under the bundle's rule on every board
n=40; until $L district status $BF >"$TMP/st.out" && [ "$(grep -Ec '^  b[0-9] +online +(slogan|poster) \(campaign\)' "$TMP/st.out")" = 4 ]; do
	n=$((n - 1)); [ $n -gt 0 ] || { cat "$TMP/st.out"; fail "the boards do not play bundle 1"; }; sleep 0.25; done
for s in s1 s2 s3; do grep -q "^$s: online, bundle 1 (last received: version 1 accepted)" "$TMP/st.out" || { cat "$TMP/st.out"; fail "$s status"; }; done

# version 2 is bad: a playlist that does not exist; every school says why and keeps version 1
mkdir -p "$TMP/v2"; cp -r "$TMP/v1/posters" "$TMP/v2/"
sed 's/playlist = "week"/playlist = "weak"/' "$TMP/v1/campaign.cfg" >"$TMP/v2/campaign.cfg"
$L district bundle "$TMP/v2" --version 2 $BF --wait 20 >"$TMP/b2.out" && fail "a bad bundle was accepted"
for s in s1 s2 s3; do
	grep -q "^$s: rejected: check failed against this school's boards (1 error): [a-z.]*cfg:[0-9]*: schedule.*playlist \"weak\" does not exist" "$TMP/b2.out" ||
		{ cat "$TMP/b2.out"; fail "$s: no reason for rejecting bundle 2"; }
	cmp -s "$TMP/v1/campaign.cfg" "$TMP/$s/campaign.cfg" || fail "$s: a rejected bundle changed campaign.cfg"
done
# the rejection is retained for the bureau to see later too
mosquitto_sub -h 127.0.0.1 -p $MQ_PORT --cafile "$TMP/tls/ca.pem" -u bureau -P bureau-secret -C 1 -W 5 \
	-t "ledsign/v1/$DIST/school/s2/bundle" >"$TMP/r2.out" 2>/dev/null
grep -q 'result=rejected' "$TMP/r2.out" || { cat "$TMP/r2.out"; fail "the rejection is not retained"; }

# version 3 tries to take over the school: its control socket, another file
mkdir -p "$TMP/v3"; cp -r "$TMP/v1/posters" "$TMP/v3/"
{ echo 'control_socket = "/tmp/evil.sock";'; cat "$TMP/v1/campaign.cfg"; } >"$TMP/v3/campaign.cfg"
$L district bundle "$TMP/v3" --version 3 $BF --wait 20 >"$TMP/b3.out" && fail "a bundle set control_socket"
grep -q "^s1: rejected: campaign.cfg:1: \"control_socket\" is the school's own setting" "$TMP/b3.out" || { cat "$TMP/b3.out"; fail "no reason for v3"; }
mkdir -p "$TMP/v4"; cp -r "$TMP/v1/posters" "$TMP/v4/"
sed 's|district-posters/week.png|/etc/passwd|' "$TMP/v1/campaign.cfg" >"$TMP/v4/campaign.cfg"
$L district bundle "$TMP/v4" --version 4 $BF --wait 20 >"$TMP/b4.out" && fail "a bundle named a file outside it"
grep -q '^s1: rejected: campaign.cfg:[0-9]*: image "/etc/passwd" must be district-posters/NAME' "$TMP/b4.out" || { cat "$TMP/b4.out"; fail "no reason for v4"; }

# version 5 for s2 only
mkdir -p "$TMP/v5"
sed 's/网络安全为人民/只给二校/' "$TMP/v1/campaign.cfg" | sed 's|, "poster"||; /name = "poster"/d; s/effect = "scroll-left"; speed = 32.0; },/effect = "scroll-left"; speed = 32.0; } );/' >"$TMP/v5/campaign.cfg"
$L check "$TMP/v5/campaign.cfg" >/dev/null 2>&1 || true
$L district bundle "$TMP/v5" --version 5 --schools s2 $BF --wait 20 >"$TMP/b5.out" || { cat "$TMP/b5.out" "$TMP/v5/campaign.cfg"; fail "bundle 5 for s2"; }
grep -q '只给二校' "$TMP/s2/campaign.cfg" || fail "s2 did not get bundle 5"
grep -q '只给二校' "$TMP/s1/campaign.cfg" && fail "s1 got s2's bundle"
sleep 1
$L district status $BF >"$TMP/st5.out"
grep -q "^s2: online, bundle 5" "$TMP/st5.out" && grep -q "^s1: online, bundle 1 " "$TMP/st5.out" || { cat "$TMP/st5.out"; fail "bundle versions"; }
# an old version again is ignored (a school only moves forward)
$L district bundle "$TMP/v1" --version 1 --schools s2 $BF >/dev/null || fail "republish v1"
sleep 1
grep -q '只给二校' "$TMP/s2/campaign.cfg" || fail "s2 went back to an older bundle"
echo "district bundles: v1 accepted at 3 schools and played; bad playlist, school settings and outside files rejected with reasons; one school only; no going back"
