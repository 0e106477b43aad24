# The default paths are written once, in src/util/paths.h.  The man page,
# the docs, the systemd unit and `make install` must name the same ones: this
# reads them through the C preprocessor and checks each place that says them.
# serial: checks that nothing holds the default /run/ledsign socket, and runs make install in the checkout
. tests/lib.sh
printf '#include "util/paths.h"\nCONFIG=LS_PATH_CONFIG\nRUN=LS_PATH_RUN_DIR\nSOCK=LS_PATH_CONTROL_SOCKET\nSTATE=LS_PATH_STATE_DIR\nPID=LS_FILE_PID\n' |
	${CC:-cc} -E -P -Isrc - | sed 's/" *"//g; s/"//g' >"$TMP/paths.sh" || fail "cannot preprocess src/util/paths.h"
. "$TMP/paths.sh"
for v in "$CONFIG" "$RUN" "$SOCK" "$STATE" "$PID"; do
	case $v in LS_*|"") fail "paths.h does not define everything (got '$v')";; esac
done
[ "$SOCK" = "$RUN/control.sock" ] || fail "the control socket $SOCK is not in the run directory $RUN"
has() { grep -qF -- "$2" "$1" || fail "$1 does not name $2 (src/util/paths.h)"; }
# the man page's FILES section, one entry per path
sed -n '/^\.SH FILES/,/^\.SH /p' docs/ledsign.1 >"$TMP/files.man"
for p in "$CONFIG" "$SOCK" "$RUN/$PID" "$STATE"; do
	grep -qxF ".I $p" "$TMP/files.man" || fail "docs/ledsign.1 FILES lacks $p"
done
has docs/config.md "\`\"$SOCK\"\`"
has docs/config.md "\`\"$STATE\"\`"
has docs/daemon.md "default \`$RUN\`"
has docs/alerts.md "$SOCK"
has docs/alerts.md "$STATE"
has docs/guide.md "$CONFIG"
# systemd makes the run and state directories: their names must be ours
grep -qx "RuntimeDirectory=${RUN#/run/}" dist/ledsign.service || fail "RuntimeDirectory= is not ${RUN#/run/}"
grep -qx "StateDirectory=${STATE#/var/lib/}" dist/ledsign.service || fail "StateDirectory= is not ${STATE#/var/lib/}"
grep -v '^#' dist/ledsign.service | grep -qF "$CONFIG" && fail "dist/ledsign.service writes $CONFIG instead of @CONFIG@"
# make install puts the config where the program looks for it, and the unit names it
D=$TMP/pkg
make -s -o all install B="$B" PREFIX=/usr DESTDIR="$D" >"$TMP/install.log" 2>&1 || { cat "$TMP/install.log"; fail "make install"; }
[ -f "$D$CONFIG" ] || fail "make install did not put the config at $CONFIG"
grep -qx "ExecStart=/usr/bin/ledsign play $CONFIG --foreground" "$D/usr/lib/systemd/system/ledsign.service" ||
	fail "the installed unit does not play $CONFIG"
grep -q "@[A-Z]*@" "$D/usr/lib/systemd/system/ledsign.service" && fail "the installed unit has an unfilled @...@"
# and the program itself: with no config, the alert commands use the default socket
if [ ! -e "$CONFIG" ] && [ ! -e "$SOCK" ]; then
	"$B/ledsign" alerts >"$TMP/out" 2>"$TMP/err" && fail "alerts without a daemon succeeded"
	grep -qF "$SOCK" "$TMP/err" || { cat "$TMP/err"; fail "alerts does not name the default socket $SOCK"; }
fi
echo "default paths ok: $CONFIG $SOCK $STATE"
