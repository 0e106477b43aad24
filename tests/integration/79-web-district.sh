# The console's District page (ledsign web --bureau FILE): a real mosquitto
# (TLS, the ACL of dist/mosquitto.acl), one school controller with two
# simulated boards, and the console started with the bureau's settings.
# A logged-in viewer fetches /district and finds the school and both of
# its boards with their state, item and bundle version, in the same
# collection `ledsign district status` prints; names from the broker are
# escaped; with the broker down the page names it (502); a console without
# --bureau has no District link and answers 404.
. tests/lib.sh
. tests/district-lib.sh
PY=/usr/bin/python3
district_tls
district_accounts s1
broker_start
bureau_file "$TMP/bureau.cfg"
school_make s1 2
school_play s1
wait_online "s1" 20 || fail "the school did not come online"
n=40; until grep -q '^  b2 .* online' "$TMP/status.out"; do
	n=$((n - 1)); [ $n -gt 0 ] || { cat "$TMP/status.out"; fail "district status lists no online boards"; }
	sleep 0.5; $L district status --bureau "$TMP/bureau.cfg" >"$TMP/status.out" 2>&1
done
echo pass-word-1 | $L user add viewer1 --role viewer --users "$TMP/users.db" --password-stdin >/dev/null || fail "user add"
web_up() {  # NAME ARGS...: start a console, its URL in $URL
	name=$1; shift
	$L web --listen 127.0.0.1:0 --config "$TMP/s1/school.cfg" --users "$TMP/users.db" "$@" >"$TMP/$name.out" 2>"$TMP/$name.log" &
	PIDS="$PIDS $!"
	WEBPIDS="$WEBPIDS $!"
	n=100; until grep -q "serving http" "$TMP/$name.out" 2>/dev/null; do
		n=$((n - 1)); [ $n -gt 0 ] || { cat "$TMP/$name.log"; fail "ledsign web $* did not start"; }; sleep 0.1
	done
	URL=$(sed -n 's|.*serving \(http://[0-9.]*:[0-9]*\)/.*|\1|p' "$TMP/$name.out")
}
# GET PATH as viewer1 on URL: status on the first line, then the body
fetch() {
	$PY - "$URL" "$1" <<'PYEOF'
import http.cookiejar, re, sys, urllib.error, urllib.parse, urllib.request
url, path = sys.argv[1], sys.argv[2]
op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
page = op.open(url + "/login", timeout=20).read().decode()
csrf = re.search(r'name="csrf" value="([^"]*)"', page).group(1)
body = urllib.parse.urlencode({"user": "viewer1", "password": "pass-word-1", "csrf": csrf}).encode()
r = op.open(url + "/login", body, timeout=20)
if "/login" in r.geturl():
    sys.exit("login as viewer1 failed")
try:
    r = op.open(url + path, timeout=30)
    print(r.status); print(r.read().decode())
except urllib.error.HTTPError as e:
    print(e.code); print(e.read().decode())
PYEOF
}
web_up web --bureau "$TMP/bureau.cfg"
fetch /district >"$TMP/district.html" || fail "cannot fetch /district"
head -1 "$TMP/district.html" | grep -qx 200 || { head -c 2000 "$TMP/district.html"; fail "/district did not answer 200"; }
grep -q '<a href="/district"' "$TMP/district.html" || fail "no District link in the navigation"
grep -q '<tr class="school" data-school="s1"><th scope="row">s1</th><td></td><td>在线</td>' "$TMP/district.html" ||
	{ cat "$TMP/district.html"; fail "/district: no row for school s1, online"; }
for b in b1 b2; do
	grep -q "<tr class=\"board\" data-school=\"s1\" data-board=\"$b\"><td>s1</td><td>$b</td><td>online</td><td>local (always)</td><td>0</td><td>[0-9-]* [0-9:]*</td></tr>" \
	    "$TMP/district.html" || { cat "$TMP/district.html"; fail "/district: no row for board s1/$b (online, local (always), bundle 0, last seen)"; }
done
# the table holds what `district status` prints, board for board
for b in $(sed -n 's/^  \([a-z0-9]*\) .*/\1/p' "$TMP/status.out"); do
	grep -q "data-board=\"$b\"" "$TMP/district.html" || fail "district status lists $b, the page does not"
done
[ "$(grep -o 'class="board"' "$TMP/district.html" | wc -l)" = "$(grep -c '^  ' "$TMP/status.out")" ] ||
	fail "the page and district status list different numbers of boards"
# what comes from the broker is escaped: a retained state with markup in an
# item name (written here with the bureau's account, which may write anything)
mosquitto_pub -h 127.0.0.1 -p $MQ_PORT --cafile "$TMP/tls/ca.pem" -u bureau -P bureau-secret -q 1 -r \
	-t "ledsign/v1/$DIST/school/x9/state" \
	-m "$(printf 'ledsign-district/1 state school=x9 time=1 bundle=3\nboard name=q1 state=online item=<script>alert(1)</script> rule=r last_ack=0')" ||
	fail "mosquitto_pub"
fetch /district >"$TMP/district2.html"
grep -q 'data-school="x9"' "$TMP/district2.html" || { cat "$TMP/district2.html"; fail "/district: no row for x9"; }
grep -q '<script>alert' "$TMP/district2.html" && fail "/district: markup from the broker is not escaped"
grep -q '&lt;script&gt;alert(1)&lt;/script&gt; (r)' "$TMP/district2.html" || { cat "$TMP/district2.html"; fail "/district: x9's item missing"; }
# the broker away: the page says so and why
broker_stop
fetch /district >"$TMP/district3.html"
head -1 "$TMP/district3.html" | grep -qx 502 || { head -3 "$TMP/district3.html"; fail "/district with the broker down did not answer 502"; }
grep -q "cannot reach the broker 127.0.0.1:$MQ_PORT" "$TMP/district3.html" || { cat "$TMP/district3.html"; fail "/district does not say the broker is unreachable"; }
# a console without --bureau: no link, 404
web_up web2
fetch /district >"$TMP/nodistrict.html"
head -1 "$TMP/nodistrict.html" | grep -qx 404 || { head -3 "$TMP/nodistrict.html"; fail "/district without --bureau did not answer 404"; }
grep -q '<a href="/district"' "$TMP/nodistrict.html" && fail "a District link without --bureau"
# both consoles stop cleanly on SIGTERM, and (under ASan) with nothing leaked
for p in $WEBPIDS; do kill "$p"; wait "$p" || fail "ledsign web (pid $p) exited with $? on SIGTERM"; done
grep -l 'Sanitizer\|runtime error' "$TMP"/web*.log && fail "a sanitizer report from ledsign web (above)"
echo "web district page: school s1 and its boards as district status lists them, escaped, 502 naming the broker when it is down, 404 without --bureau"
