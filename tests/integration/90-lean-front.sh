# The lean front (docs/cli.md, issue 20): `ledsign` loads none of the heavy
# libraries, running an alert or not, and what anyone sees of a command --
# stdout, stderr, exit status -- is the same through the front as from
# ledsign-full directly: the help, errors, a broken config's full report,
# and alert, alerts, clear, watch and status against a running daemon.
. tests/lib.sh
. tests/alert-lib.sh
F=$B/ledsign-full
[ -x "$F" ] || fail "no $F"

# --- (a) what the front loads: LD_DEBUG=libs names every library the
# dynamic linker looks for; the old single binary had all of these
HEAVY="freetype harfbuzz fontconfig png cairo microhttpd sqlite mosquitto"
libs_of() {   # libs_of NAME ARGS...: the libraries a run loads, into $TMP/libs-NAME
	n=$1; shift
	LD_DEBUG=libs "$@" >/dev/null 2>"$TMP/ld-$n.log"
	sed -n 's/.*calling init: //p' "$TMP/ld-$n.log" >"$TMP/libs-$n"
}
libs_of full "$F" version
grep -q "libfreetype" "$TMP/libs-full" || fail "LD_DEBUG=libs shows no libfreetype for ledsign-full: the check below would prove nothing ($(head -3 "$TMP/ld-full.log"))"
libs_of version "$L" version
libs_of alert "$L" alert "x" --socket "$TMP/none.sock"
libs_of help "$L" alert --help
for run in version alert help; do
	[ -s "$TMP/libs-$run" ] || fail "LD_DEBUG=libs shows nothing for ledsign ($run)"
	for lib in $HEAVY; do
		! grep -q "/lib$lib" "$TMP/libs-$run" || fail "ledsign ($run) loads lib$lib: $(grep "/lib$lib" "$TMP/libs-$run" | head -1)"
	done
done

# --- (b) the same output through the front as from ledsign-full
# (with PRE set, that command runs before each of the two: a state to start
# from; with OUT set, a sed script both stdouts go through first: what may
# change from one moment to the next)
same() {   # same NAME ARGS...: stdout, stderr and status of `ledsign ARGS` and `ledsign-full ARGS` agree
	n=$1; shift
	[ -z "${PRE:-}" ] || eval "$PRE" >/dev/null 2>&1 || fail "$n: $PRE"
	"$L" "$@" >"$TMP/$n.front.out" 2>"$TMP/$n.front.err.raw" </dev/null
	echo "exit $?" >>"$TMP/$n.front.out"
	[ -z "${PRE:-}" ] || eval "$PRE" >/dev/null 2>&1 || fail "$n: $PRE"
	"$F" "$@" >"$TMP/$n.full.out" 2>"$TMP/$n.full.err.raw" </dev/null
	echo "exit $?" >>"$TMP/$n.full.out"
	for w in front full; do
		own_stderr "$TMP/$n.$w.err.raw" >"$TMP/$n.$w.err"
		[ -z "${OUT:-}" ] || { sed "$OUT" "$TMP/$n.$w.out" >"$TMP/$n.$w.o" && mv "$TMP/$n.$w.o" "$TMP/$n.$w.out"; }
	done
	cmp -s "$TMP/$n.front.out" "$TMP/$n.full.out" ||
	    { diff "$TMP/$n.front.out" "$TMP/$n.full.out"; fail "$n: stdout or status differ (ledsign $*)"; }
	cmp -s "$TMP/$n.front.err" "$TMP/$n.full.err" ||
	    { diff "$TMP/$n.front.err" "$TMP/$n.full.err"; fail "$n: stderr differs (ledsign $*)"; }
}

# without a daemon
same help --help
same help-cmd help
same help-alert help alert
same help-check help check
same alert-help alert --help
same play-help play --help
same version version
same dash-version --version
same no-args
same unknown frobnicate --now
same alert-no-text alert --socket "$TMP/none.sock"
same alert-bad-level alert x --level loud --socket "$TMP/none.sock"
same alert-no-socket alert "x" --socket "$TMP/none.sock"
same clear-usage clear
same status-no-daemon status --run-dir "$TMP/none"
same watch-no-daemon watch --socket "$TMP/none.sock" --count 1
grep -q "no ledsign daemon is listening" "$TMP/alert-no-socket.front.err" || fail "alert without a daemon says: $(cat "$TMP/alert-no-socket.front.err")"

# configs: one the loader refuses (check reports it), one that does not parse
alert_config
sed 's/items = \["ok"\]/items = ["nosuch"]/' "$CFG" >"$TMP/refused.cfg"
sed 's/^boards = ($/boards = (( /' "$CFG" >"$TMP/syntax.cfg"
same check-refused check "$TMP/refused.cfg"
same check-syntax check "$TMP/syntax.cfg"
grep -q "nosuch" "$TMP/check-refused.front.err" || fail "check of a refused config says: $(cat "$TMP/check-refused.front.err")"

# against a daemon
start_boards
start_daemon
same alerts-none alerts --config "$CFG"
same alert-raise alert "停课通知" --id front1 --level info --config "$CFG"
grep -qx "front1" "$TMP/alert-raise.front.out" || fail "alert through the front printed: $(cat "$TMP/alert-raise.front.out")"
same alerts-one alerts --config "$CFG"
grep -q "^front1 " "$TMP/alerts-one.front.out" || fail "alerts through the front: $(cat "$TMP/alerts-one.front.out")"
same alert-until alert "x" --id front2 --until "2199-01-01 00:00" --config "$CFG"
same alerts-until alerts --config "$CFG"
same alert-cap-missing alert --cap "$TMP/nosuch.xml" --config "$CFG"
# the refused config is only peeked at (its socket is good); the one that
# does not parse is shown in full (the front runs ledsign-full), then used
same alert-refused-cfg alert "x" --id front3 --config "$TMP/refused.cfg"
same alert-syntax-cfg alert "x" --id front4 --config "$TMP/syntax.cfg"
grep -q "syntax.cfg:[0-9]*: .*syntax error" "$TMP/alert-syntax-cfg.front.err" &&
    grep -q "syntax.cfg has errors (above); going on with the socket $SOCK" "$TMP/alert-syntax-cfg.front.err" ||
    fail "alert with a config that does not parse: $(cat "$TMP/alert-syntax-cfg.front.err")"
same watch-first watch --since 1 --count 1 --config "$CFG"
# the boards' counters and "up" move on between the two runs; the rest may not
OUT='s/, up [0-9:]*$//; /^BOARD /,/^$/{/^BOARD /!{/^$/!d;};}'
same status status "$CFG"
OUT=
grep -q "^front2 .* 2199-01-01 00:00:00 " "$TMP/status.front.out" ||
    fail "status shows --until 2199-01-01 00:00 (the config's default zone) as: $(grep '^front2' "$TMP/status.front.out")"
grep -q "^front2 .* 2199-01-01 00:00:00 " "$TMP/alerts-until.front.out" ||
    fail "alerts shows --until 2199-01-01 00:00 (the config's default zone) as: $(grep '^front2' "$TMP/alerts-until.front.out")"
# each run starts from the same alerts: one raised by ledsign-full
PRE='"$F" alert "y" --id again --config "$CFG"'
same clear-one clear again --config "$CFG"
grep -qx "cleared 1" "$TMP/clear-one.front.out" || fail "clear through the front: $(cat "$TMP/clear-one.front.out")"
PRE=
same clear-unknown clear nosuch --config "$CFG"
same clear-bad-id clear "bad id" --config "$CFG"
PRE='"$F" clear --all --config "$CFG" && "$F" alert "y" --id again --config "$CFG"'
same clear-all clear --all --config "$CFG"
PRE=
same alerts-after alerts --config "$CFG"
grep -q "no active alerts" "$TMP/alerts-after.front.out" || fail "alerts after clear --all: $(cat "$TMP/alerts-after.front.out")"

# --- without ledsign-full beside it the front says so, naming the path
mkdir -p "$TMP/solo"
cp "$L" "$TMP/solo/ledsign"
"$TMP/solo/ledsign" check "$CFG" >"$TMP/solo.out" 2>"$TMP/solo.err.raw" && fail "check without ledsign-full succeeded"
own_stderr "$TMP/solo.err.raw" >"$TMP/solo.err"
grep -q "cannot run $TMP/solo/ledsign-full: No such file" "$TMP/solo.err" || fail "without ledsign-full: $(cat "$TMP/solo.err")"
"$TMP/solo/ledsign" alerts --socket "$SOCK" >/dev/null 2>&1 || fail "the front alone cannot list alerts"
echo "lean front ok"
