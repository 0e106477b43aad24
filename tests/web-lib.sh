# Helpers for the console's browser tests (tests/integration/8*-web-*.sh).
# Source after tests/lib.sh.  Three simulated boards on loopback TCP:
#   hall  64x16 rgb888, group north;  gate  64x16 rgb888, group south;
#   lab   64x16 mono,   group north.
# The schedule shows a steady green "OK"; three console accounts:
#   admin1 (admin), duty1 (duty), viewer1 (viewer), password "pass-word-1".
# Chromium is driven headless by chromedriver (python3-selenium); the
# driver runs in its own process group, killed with everything it started.
L=$B/ledsign
PY=/usr/bin/python3
SOCK=$TMP/run/control.sock
CFG=$TMP/web.cfg
PASS=pass-word-1
DRIVER=""
web_cleanup() {
	[ -n "$DRIVER" ] && kill -- "-$DRIVER" 2>/dev/null
	cleanup
}
trap web_cleanup EXIT INT TERM

# A test without its browser cannot pass: say what is missing, fail.
need_browser() {
	for p in /usr/bin/chromium /usr/bin/chromedriver; do
		[ -x "$p" ] || fail "$p is missing: scripts/deps.sh installs chromium and chromium-driver"
	done
	$PY -c 'import selenium, PIL' 2>/dev/null || fail "python3-selenium or python3-pil is missing: scripts/deps.sh installs them"
}

web_config() {
	HALL_PORT=$(free_port)
	GATE_PORT=$(free_port)
	LAB_PORT=$(free_port)
	cat >"$CFG" <<CFGEOF
timezone = "Asia/Shanghai";
control_socket = "$SOCK";
state_dir = "$TMP/state";
fallback = "normal";
boards = (
$(hall_gate_boards "  { name = \"lab\"; width = 64; height = 16; format = \"mono\"; protocol = \"lsp\";
    address = \"tcp:127.0.0.1:$LAB_PORT\"; groups = [\"north\"]; }")
);
content = ( { name = "ok"; text = "OK"; color = "green"; } );
playlists = ( { name = "normal"; items = ["ok"]; } );
CFGEOF
	$L check "$CFG" >/dev/null || fail "test config does not check"
}

start_boards() {
	start_snapshot_board hall rgb888 "$HALL_PORT"
	start_snapshot_board gate rgb888 "$GATE_PORT"
	start_snapshot_board lab mono "$LAB_PORT"
}

start_daemon() {
	start_play_daemon
	# every board has shown the schedule
	for b in hall gate lab; do
		wait_file "$TMP/snap-$b/latest.png" 100 || fail "board $b never showed a frame"
	done
}

web_users() {
	for u in admin1:admin duty1:duty viewer1:viewer; do
		echo "$PASS" | $L user add "${u%%:*}" --role "${u#*:}" --users "$TMP/users.db" --password-stdin >/dev/null ||
		    fail "ledsign user add ${u%%:*}"
	done
}

start_web() {
	$L web --listen 127.0.0.1:0 --config "$CFG" --users "$TMP/users.db" >"$TMP/web.out" 2>"$TMP/web.log" &
	PIDS="$PIDS $!"
	n=100
	until grep -q "serving http" "$TMP/web.out" 2>/dev/null; do
		n=$((n - 1))
		[ $n -gt 0 ] || { cat "$TMP/web.log"; fail "ledsign web did not start"; }
		sleep 0.1
	done
	WEB_URL=$(sed -n 's|.*serving \(http://[0-9.]*:[0-9]*\)/.*|\1|p' "$TMP/web.out")
	[ -n "$WEB_URL" ] || fail "no address in: $(cat "$TMP/web.out")"
}

start_driver() {
	need_browser
	DPORT=$(free_port)
	setsid /usr/bin/chromedriver --port="$DPORT" >"$TMP/chromedriver.log" 2>&1 &
	DRIVER=$!
	n=100
	until $PY -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$DPORT/status', timeout=1)" 2>/dev/null; do
		n=$((n - 1))
		[ $n -gt 0 ] || { cat "$TMP/chromedriver.log"; fail "chromedriver did not start"; }
		sleep 0.1
	done
}

# Everything: config, boards, daemon, accounts, console, browser driver.
web_start_all() {
	web_config
	start_boards
	start_daemon
	web_users
	start_web
	start_driver
}

# Run tests/web/NAME.py against it; its output goes to the test's log.
run_browser() {   # NAME
	WEB_URL=$WEB_URL DRIVER_URL="http://127.0.0.1:$DPORT" TMP=$TMP SOCK=$SOCK LEDSIGN=$L PASS=$PASS \
	    SHOTS=${LEDSIGN_SHOTS:-$TMP/shots} STAFF=${STAFF:-} timeout 120 $PY "tests/web/$1.py" || {
		echo "--- web log"; tail -20 "$TMP/web.log"; echo "--- daemon log"; tail -20 "$TMP/daemon.log"
		fail "browser test $1"
	}
}
