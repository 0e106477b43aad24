# Least privilege (docs/architecture.md, "Processes").  Started as root with
# --user nobody the controller makes its directories, gives them to nobody
# and runs as nobody for good, still playing to a board and taking alerts;
# CAP XML is parsed in a second process that runs as nobody with no extra
# groups and no_new_privs.  Killing that parser (kill -9) costs nothing: the
# daemon logs it, starts a new one, keeps playing, and the next CAP file is
# applied.  A parser that hangs on a document fails that one file with the
# reason and is replaced.
. tests/lib.sh
. tests/alert-lib.sh
[ "$(id -u)" = 0 ] || { echo "least privilege: skipped (needs root to switch users)"; exit 0; }
NOBODY=$(id -u nobody) || { echo "least privilege: skipped (no user nobody)"; exit 0; }
CAPD=$TMP/cap
alert_config 'cap_dir = "'"$CAPD"'";'
# nobody must reach the run and state directories under $TMP, and own cap_dir
chmod 755 "$TMP"
chmod 644 "$CFG"
mkdir -p "$CAPD"
chown nobody "$CAPD"
start_boards
$L play "$CFG" --foreground --user nobody 2>>"$TMP/daemon.log" &
DAEMON=$!
PIDS="$PIDS $DAEMON"
n=100
until $L alerts --socket "$SOCK" >/dev/null 2>&1; do
	n=$((n - 1))
	[ $n -gt 0 ] || afail "daemon started with --user nobody does not answer on its control socket"
	sleep 0.1
done

ids() { sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" | tr -s ' \t' '  '; }
# the parser processes: the daemon's children
children() { for s in /proc/[0-9]*/stat; do
	awk -v p="$DAEMON" '$4 == p { print $1 }' "$s" 2>/dev/null; done; }

[ "$(ids "$DAEMON" Uid)" = "$NOBODY $NOBODY $NOBODY $NOBODY" ] ||
    afail "daemon runs with Uid $(ids "$DAEMON" Uid), not nobody ($NOBODY) for real, effective, saved and fs"
[ "$(ids "$DAEMON" Gid | cut -d' ' -f1)" = "$(id -g nobody)" ] || afail "daemon runs with Gid $(ids "$DAEMON" Gid)"
if DIALOUT=$(getent group dialout | cut -d: -f3) && [ -n "$DIALOUT" ]; then
	ids "$DAEMON" Groups | tr ' ' '\n' | grep -qx "$DIALOUT" || afail "daemon lost group dialout (serial boards)"
fi
[ "$(stat -c %u "$TMP/state")" = "$NOBODY" ] || afail "state_dir was not given to nobody"
[ "$(stat -c %a "$TMP/state")" = 700 ] || afail "state_dir is mode $(stat -c %a "$TMP/state"), not 700"
[ "$(stat -c %u "$TMP/run")" = "$NOBODY" ] || afail "run directory was not given to nobody"

P1=$(children)
[ -n "$P1" ] && [ "$(echo "$P1" | wc -w)" -eq 1 ] || afail "expected one parser process, found: '$P1'"
[ "$(ids "$P1" Uid)" = "$NOBODY $NOBODY $NOBODY $NOBODY" ] || afail "parser runs with Uid $(ids "$P1" Uid)"
[ -z "$(ids "$P1" Groups)" ] || afail "parser keeps groups $(ids "$P1" Groups)"
[ "$(ids "$P1" NoNewPrivs)" = 1 ] || afail "parser lacks no_new_privs"
# it holds no board link and no file: only stdin/out/err and its socket
[ "$(ls "/proc/$P1/fd" | wc -l)" -le 4 ] || afail "parser holds descriptors: $(ls -l "/proc/$P1/fd")"
[ "$(readlink "/proc/$P1/cwd")" = / ] || afail "parser's working directory is $(readlink "/proc/$P1/cwd")"
# and may open, write or start nothing more
lim() { awk -v k="$2" 'index($0, k) == 1 { print $(NF - 2) }' "/proc/$1/limits"; }
[ "$(lim "$P1" "Max open files")" = 4 ] || afail "parser may open $(lim "$P1" "Max open files") descriptors"
[ "$(lim "$P1" "Max processes")" = 0 ] || afail "parser may start processes"
[ "$(lim "$P1" "Max file size")" = 0 ] || afail "parser may write files"

wait_colour hall 00ff00 || afail "hall never showed its schedule with the daemon as nobody"
$L alert "EVACUATE" --level emergency --socket "$SOCK" >/dev/null || afail "alert refused by the daemon as nobody"
wait_colour hall ff0000 50 || afail "hall does not show the alert"
$L clear --all --socket "$SOCK" >/dev/null || afail "clear refused"
wait_colour hall 00ff00 50 || afail "hall did not return to its schedule"


cap_drop C1
wait_file "$CAPD/done/C1.xml" 80 || afail "a CAP file was not applied by the daemon as nobody"
cap_wait_active C1 || afail "the CAP alert is not active"
$L clear --all --socket "$SOCK" >/dev/null

# the parser opens no file once started, yet still reads a GB2312 feed
# (glibc's converter for it was loaded before)
$PY - "$TMP/G1.xml" <<'PYEOF'
import sys
doc = '''<?xml version="1.0" encoding="GB2312"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>G1</identifier><sender>duty@school.example</sender>
  <sent>2026-01-01T08:00:00+08:00</sent><status>Actual</status><msgType>Alert</msgType><scope>Public</scope>
  <info><category>Met</category><event>Typhoon</event><urgency>Immediate</urgency>
    <severity>Extreme</severity><certainty>Observed</certainty><headline>台风预警</headline></info>
</alert>
'''
open(sys.argv[1], "wb").write(doc.encode("gb2312"))
PYEOF
mv "$TMP/G1.xml" "$CAPD/G1.xml"
wait_file "$CAPD/done/G1.xml" 80 || afail "a GB2312 CAP file was not applied: $(cat "$CAPD/failed/G1.xml.error" 2>/dev/null)"
$L alerts --socket "$SOCK" | grep -q "台风预警" || afail "the GB2312 headline did not arrive as UTF-8: $($L alerts --socket "$SOCK")"
$L clear --all --socket "$SOCK" >/dev/null

# kill the parser: the daemon logs it, starts another, keeps playing
kill -9 "$P1"
n=50
while P2=$(children); [ -z "$P2" ] || [ "$P2" = "$P1" ]; do
	n=$((n - 1)); [ $n -gt 0 ] || afail "no new parser process after the first was killed"; sleep 0.1
done
grep -q "CAP parser process $P1 killed by signal 9" "$TMP/daemon.log" || afail "the parser's death was not logged"
kill -0 "$DAEMON" 2>/dev/null || afail "the daemon died with its parser"
[ "$(ids "$P2" Uid)" = "$NOBODY $NOBODY $NOBODY $NOBODY" ] || afail "new parser runs with Uid $(ids "$P2" Uid)"
[ "$(ids "$P2" NoNewPrivs)" = 1 ] || afail "new parser lacks no_new_privs"
cap_drop C2
wait_file "$CAPD/done/C2.xml" 80 || afail "the CAP file after the parser was killed was not applied"
cap_wait_active C2 || afail "the CAP alert after the parser was killed is not active"
wait_colour hall ff0000 50 || afail "hall does not show the CAP alert after the parser was killed"
$L clear --all --socket "$SOCK" >/dev/null

# a parser that hangs on a document: that file fails with the reason, the next works
kill -STOP "$P2"
cap_drop H1
wait_file "$CAPD/failed/H1.xml" 120 || afail "the document the parser hung on was not failed"
grep -q "did not answer" "$CAPD/failed/H1.xml.error" || afail "failed/H1.xml.error does not say why: $(cat "$CAPD/failed/H1.xml.error")"
grep -q "starting a new CAP parser process" "$TMP/daemon.log" || afail "the hung parser's replacement was not logged"
cap_drop C3
wait_file "$CAPD/done/C3.xml" 80 || afail "the CAP file after a hung parser was not applied"
cap_wait_active C3 || afail "the CAP alert after a hung parser is not active"
kill -0 "$DAEMON" 2>/dev/null || afail "the daemon died"
echo "least privilege: ok"
