# The control socket against broken and hostile clients (issue 13, items 1,
# 2, 11, 15): CRLF requests; control characters in alert text refused by the
# daemon and never printed raw by `ledsign alerts`; the line limit; a client
# pipelining requests without reading costs bounded memory, one that reads
# is rate-limited; idle holders from other users cannot lock root out, and
# a full socket still takes alert requests; an unlisted user's reload is
# "denied"; no status file is left for others to read.
# serial: counts answers in 4 s (the rate limit) and the daemon's RSS growth
. tests/lib.sh
. tests/alert-lib.sh
L=$(world_ledsign)   # run by other users too: the checkout may be readable by root only
C="$PY $(world_tool ctlclient.py)"
as_user() { uid=$1; shift; setpriv --reuid="$uid" --regid=65534 --clear-groups "$@"; }
chmod 755 "$TMP"
# Under ASan freed memory sits in a quarantine (256 MiB by default) and
# would read as growth: keep it small so the RSS bounds measure the daemon.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1"
alert_config 'control_groups = ["nogroup"];'
chmod 644 "$CFG"
# a record planted in the store as an older daemon (or an editor) could
# have written it: ESC [ 2 J clears the screen of whoever lists the alerts
mkdir -p "$TMP/state"
now=$(date +%s)
printf 'ledsign-alert/1 id=planted level=info start=%s expires=0 created=%s text=a%%1B%%5B2Jb\n' \
    "$now" "$now" >"$TMP/state/planted.alert"
chmod 600 "$TMP/state/planted.alert"
start_boards
start_daemon

# --- CRLF line ends are line ends
out=$($C ask "$SOCK" 'ledsign-control/1 status\r\n')
echo "$out" | grep -q "^ok count=1 " || fail "CRLF request not answered: $out"

# --- control characters: the daemon refuses them, the client never prints them
out=$($L alert "$(printf 'x\033]0;pwned\007y')" --socket "$SOCK" 2>&1) && fail "ESC in alert text accepted: $out"
echo "$out" | grep -q "control character (byte 0x1b at offset 1)" || fail "unclear error for ESC: $out"
out=$($L alert "$(printf 'x\302\233y')" --socket "$SOCK" 2>&1) && fail "C1 CSI in alert text accepted: $out"
$L alert "$(printf 'two\nlines')" --id twolines --level info --socket "$SOCK" >/dev/null || fail "a line feed is refused"
$L alerts --socket "$SOCK" >"$TMP/alerts.txt" || fail "ledsign alerts"
cat "$TMP/alerts.txt"
if LC_ALL=C grep -q "$(printf '\033')" "$TMP/alerts.txt"; then fail "ledsign alerts printed a raw ESC"; fi
grep -q 'a\\x1b\[2Jb' "$TMP/alerts.txt" || fail "the planted ESC is not shown escaped"
grep -q 'two\\nlines' "$TMP/alerts.txt" || fail "the line feed is not shown as \\n"
$L clear twolines --socket "$SOCK" >/dev/null || fail "clear"

# --- line length: 64 KiB for requests, more only for a CAP document
out=$($C long "$SOCK" status 100000)
echo "$out" | grep -q "^error code=toolarge " || fail "100 kB status line not refused: $out"
out=$($C long "$SOCK" cap 200000)
echo "$out" | grep -q "^error code=usage " || fail "200 kB cap line not read: $out"

# a real CAP document of 600 kB (a long comment) goes through the long-line path
$PY - "$TMP/big.xml" <<'PYEOF'
import sys
open(sys.argv[1], "w").write(
    '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><!-- ' + "x" * 600000 + ' -->'
    "<identifier>BIG1</identifier><sender>s@x</sender><sent>2026-01-01T00:00:00+00:00</sent>"
    "<status>Actual</status><msgType>Alert</msgType><scope>Public</scope><info><category>Met</category>"
    "<event>Storm</event><urgency>Expected</urgency><severity>Minor</severity><certainty>Likely</certainty>"
    "</info></alert>")
PYEOF
$L alert --cap "$TMP/big.xml" --socket "$SOCK" >"$TMP/big.out" 2>&1 || fail "600 kB CAP refused: $(cat "$TMP/big.out")"
$L clear cap-BIG1 --socket "$SOCK" >/dev/null || fail "the big CAP alert was not stored"

# --- board states leave through the socket only: no status file beside it
[ "$(stat -c '%a %G' "$SOCK")" = "660 nogroup" ] || fail "socket is $(stat -c '%a %G' "$SOCK")"
[ ! -e "$TMP/run/status" ] || fail "a status file was written"

# --- reload by a user not on the lists: "denied", never "the new config has errors"
out=$(setpriv --reuid=12345 --regid=12345 --clear-groups $L reload "$CFG" 2>&1) && fail "unlisted user reloaded: $out"
echo "$out" | grep -q "denied" || fail "unlisted reload (socket 0660): $out"
chmod 666 "$SOCK"
out=$(setpriv --reuid=12345 --regid=12345 --clear-groups $L reload "$CFG" 2>&1) && fail "unlisted user reloaded: $out"
echo "$out" | grep -q "^ledsign reload: denied: user 12345" || fail "unlisted reload (socket 0666): $out"
echo "$out" | grep -q "config has errors" && fail "denied reload blamed on the config: $out"
chmod 660 "$SOCK"

rss() { $C rss "$DAEMON"; }
# --- a client pipelining requests and never reading: memory stays bounded
rss0=$(rss)
as_user 65534 $C flood "$SOCK" 4 >"$TMP/flood.txt"
rss1=$(rss)
cat "$TMP/flood.txt"
echo "RSS before $rss0 KiB, after a 4 s flood $rss1 KiB"
[ $((rss1 - rss0)) -lt 8192 ] || fail "the daemon grew by $((rss1 - rss0)) KiB under a pipelined flood"
# --- one that reads: rate-limited (50 a second, bursts of 100), memory bounded too
as_user 65534 $C readflood "$SOCK" 4 >"$TMP/readflood.txt"
rss2=$(rss)
cat "$TMP/readflood.txt"
answered=$(sed -n 's/^answered //p' "$TMP/readflood.txt")
echo "RSS after a 4 s reading flood $rss2 KiB; $answered answers"
[ "$answered" -ge 50 ] && [ "$answered" -le 500 ] || fail "$answered answers in 4 s: not rate-limited to about 300"
[ $((rss2 - rss0)) -lt 8192 ] || fail "the daemon grew by $((rss2 - rss0)) KiB under a reading flood"

# --- 64 idle connections from one user cannot lock root out
as_user 65534 $C hold "$SOCK" 64 4 >"$TMP/hold.txt" &
HOLD=$!
PIDS="$PIDS $HOLD"
n=50; until grep -q "^held" "$TMP/hold.txt" 2>/dev/null; do n=$((n - 1)); [ $n -gt 0 ] || fail "holders did not start"; sleep 0.1; done
cat "$TMP/hold.txt"
grep -q '^held 8$' "$TMP/hold.txt" || fail "one user holds more than 8 connections"
$L alert "root gets in" --id rootin --level info --socket "$SOCK" >/dev/null || fail "64 idle holders locked root out"
$L clear rootin --socket "$SOCK" >/dev/null || fail "clear"
wait "$HOLD"

# --- six users fill the shared connections: root and alert requests still get in
HP=""
for u in 12001 12002 12003 12004 12005 12006; do
	as_user $u $C hold "$SOCK" 8 4 >"$TMP/hold-$u.txt" &
	HP="$HP $!"
done
PIDS="$PIDS $HP"
for u in 12001 12002 12003 12004 12005 12006; do
	n=50; until grep -q "^refused" "$TMP/hold-$u.txt" 2>/dev/null; do n=$((n - 1)); [ $n -gt 0 ] || fail "holders did not start"; sleep 0.1; done
done
cat "$TMP"/hold-*.txt | sort | uniq -c
out=$(as_user 12007 $L alerts --socket "$SOCK" 2>&1) && fail "status got in past the shared limit: $out"
echo "$out" | grep -q "only alert and clear are taken now" || fail "full socket, status: $out"
as_user 12007 $L alert "duty gets in" --id dutyin --level info --socket "$SOCK" >/dev/null \
    || fail "a full socket refused an alert request"
$L clear dutyin --socket "$SOCK" >/dev/null || fail "root locked out of a full socket"
for p in $HP; do wait "$p"; done

kill "$DAEMON"; wait "$DAEMON" || fail "unclean stop (see $TMP/daemon.log)"
grep -q "refused: user 65534 already has 8 control connections" "$TMP/daemon.log" || fail "per-user refusal not logged"
echo "control socket limits hold"
