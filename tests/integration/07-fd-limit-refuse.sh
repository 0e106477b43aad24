# Issue 20 item 1: a config whose boards do not fit under the open-file
# limit is refused with the limit it needs, at start and at reload, instead
# of leaving some boards dark (before: the first boards that fitted were
# played, the others stayed blank, and a reload added boards only while
# there was room).
. tests/lib.sh
. tests/alert-lib.sh
alert_config
SINK=$(free_port)
# many.cfg: hall, 150 DDP boards on UDP to a port nobody listens on (one socket each), gate
cp "$CFG" "$TMP/two.cfg"
{
	sed '/^boards = (/,/^);/d' "$CFG"
	alert_many_boards 150 "$SINK"
} >"$TMP/many.cfg"
$L check "$TMP/many.cfg" >/dev/null || { $L check "$TMP/many.cfg"; fail "test config does not check"; }
start_boards

# 1. At start: hard and soft limit 160 leave room for fewer than 152 boards.
( ulimit -n 160 && exec $L play "$TMP/many.cfg" --foreground 2>"$TMP/start.log" ) &
DAEMON=$!
PIDS="$PIDS $DAEMON"
n=100
while kill -0 $DAEMON 2>/dev/null; do
	n=$((n - 1))
	[ $n -gt 0 ] || { cat "$TMP/start.log"; fail "the daemon plays a config that does not fit under ulimit -n 160"; }
	sleep 0.1
done
wait $DAEMON && fail "the daemon exited 0 after refusing to start"
grep -E "cannot start: .*many.cfg: 152 boards need an open-file limit of at least [0-9]+ .*the hard limit is 160: raise it" \
    "$TMP/start.log" || { cat "$TMP/start.log"; fail "no message saying what limit the config needs"; }
grep -q "now showing" "$TMP/start.log" && fail "some boards were played before refusing"

# 2. At reload: two boards play; a reload to the 152 is refused, the two go on.
CFG=$TMP/play.cfg
cp "$TMP/two.cfg" "$CFG"
( ulimit -n 160 && exec $L play "$CFG" --foreground 2>"$TMP/daemon.log" ) &
DAEMON=$!
PIDS="$PIDS $DAEMON"
n=100
until $L alerts --socket "$SOCK" >/dev/null 2>&1; do
	n=$((n - 1)); [ $n -gt 0 ] || { cat "$TMP/daemon.log"; fail "daemon does not answer"; }; sleep 0.1
done
wait_colour hall 00ff00 || wait_colour hall 008000 || fail "hall does not show the schedule"
cp "$TMP/many.cfg" "$CFG"
if $L reload "$CFG" 2>"$TMP/reload.err"; then fail "a reload to more boards than fit was accepted"; fi
grep -E "152 boards need an open-file limit of at least [0-9]+ .*hard limit is 160" "$TMP/reload.err" ||
    { cat "$TMP/reload.err"; fail "the refused reload does not say what limit it needs"; }
grep -q "reload refused, keeping the running configuration" "$TMP/daemon.log" || fail "no log line for the refusal"
grep -q "f0.*sending to" "$TMP/daemon.log" && fail "a board of the refused config was started"
$L status "$CFG" >"$TMP/status.out" 2>&1 || true
grep -q '^hall ' "$TMP/status.out" && grep -q '^gate ' "$TMP/status.out" || { cat "$TMP/status.out"; fail "hall and gate no longer play"; }
kill "$DAEMON"; wait "$DAEMON" 2>/dev/null
echo "configs that do not fit under the open-file limit are refused at start and at reload, with the limit they need"
