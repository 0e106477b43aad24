# The console authorises every request on the server: POSTs without the
# CSRF token refused and changing nothing, a viewer refused alerts (no
# form, and 403 when it posts anyway), no session -> login page, login
# attempts rate-limited, CSP without inline script and no framing.
. tests/lib.sh
. tests/web-lib.sh
web_start_all
run_browser csrf_roles
# least privilege: started as root with --user, the console binds its port
# and then runs as that user for good
if [ "$(id -u)" = 0 ]; then
	chmod 755 "$TMP"
	$L web --listen 127.0.0.1:0 --socket "$SOCK" --users "$TMP/users.db" --user nobody >"$TMP/web2.out" 2>"$TMP/web2.log" &
	W2=$!
	PIDS="$PIDS $W2"
	n=100; until grep -q "serving http" "$TMP/web2.out" 2>/dev/null; do
		n=$((n - 1)); [ $n -gt 0 ] || { cat "$TMP/web2.log"; fail "ledsign web --user nobody did not start"; }; sleep 0.1
	done
	uids=$(sed -n 's/^Uid:[[:space:]]*//p' /proc/$W2/status)
	[ "$uids" = "$(printf '65534\t65534\t65534\t65534')" ] || fail "ledsign web --user nobody runs with uids $uids"
	url=$(sed -n 's|.*serving \(http://[0-9.]*:[0-9]*\)/.*|\1|p' "$TMP/web2.out")
	$PY -c "import urllib.request,sys; r=urllib.request.urlopen('$url/login'); sys.exit(r.status != 200)" ||
	    fail "ledsign web --user nobody does not serve its login page"
	echo "ledsign web --user nobody: uids $uids, serving"
else
	echo "SKIP web --user: needs root to change user (running as uid $(id -u))"
fi
# HTTPS when a certificate is given: cookies marked Secure, HSTS
command -v openssl >/dev/null || fail "openssl is missing (scripts/deps.sh installs it): HTTPS untested"
if command -v openssl >/dev/null; then
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/key.pem" -out "$TMP/cert.pem" -days 2 -subj /CN=localhost \
	    2>/dev/null || fail "openssl cannot make a test certificate"
	$L web --listen 127.0.0.1:0 --socket "$SOCK" --users "$TMP/users.db" --cert "$TMP/cert.pem" --key "$TMP/key.pem" \
	    >"$TMP/web3.out" 2>"$TMP/web3.log" &
	PIDS="$PIDS $!"
	n=100; until grep -q "serving https" "$TMP/web3.out" 2>/dev/null; do
		n=$((n - 1)); [ $n -gt 0 ] || { cat "$TMP/web3.log"; fail "ledsign web --cert did not start"; }; sleep 0.1
	done
	url=$(sed -n 's|.*serving \(https://[0-9.]*:[0-9]*\)/.*|\1|p' "$TMP/web3.out")
	$PY - "$url" <<'PYEOF' || fail "HTTPS console"
import ssl, sys, urllib.request
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
r = urllib.request.urlopen(sys.argv[1] + "/login", context=ctx)
cookie = r.headers.get("Set-Cookie", "")
assert r.status == 200, r.status
assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie, cookie
assert r.headers.get("Strict-Transport-Security"), "no HSTS"
print("HTTPS: login page served, cookie", cookie.split(";", 1)[1].strip())
PYEOF
else
	echo "SKIP web over HTTPS: no openssl to make a test certificate"
fi
echo "81-web-csrf-roles: ok"
