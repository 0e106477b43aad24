# Tables line up by display width, not bytes: `status` (boards and alerts),
# `alerts`, `schedule --at`, the `--week` grid and `check --legibility` with long and Chinese
# board, item and rule names and a narrow "—"; week cells are cut at a
# character boundary.  Whatever the user's locale.
. tests/lib.sh
L=$B/ledsign
cat >"$TMP/t.cfg" <<EOF
timezone = "Asia/Shanghai";
control_socket = "$TMP/run/control.sock";
state_dir = "$TMP/state";
boards = (
  { name = "gate"; width = 64; height = 16; format = "mono"; address = "tcp:127.0.0.1:$(free_port)"; groups = ["户外"]; },
  { name = "图书馆门口大屏"; width = 64; height = 16; format = "mono"; address = "tcp:127.0.0.1:$(free_port)"; },
  { name = "a-very-long-board-name-for-the-east-wing"; width = 64; height = 16; format = "mono"; address = "tcp:127.0.0.1:$(free_port)"; }
);
content = ( { name = "安全口号—校园"; text = "网络安全为人民"; }, { name = "t"; text = "x"; } );
playlists = ( { name = "午餐"; items = ["安全口号—校园"]; } );
schedule = ( { name = "a午餐时间—食堂"; playlist = "午餐"; boards = ["all"]; } );
EOF
$L check "$TMP/t.cfg" >/dev/null || fail "test config does not check"

# aligned FILE HEAD COL VALUE...: in the table of FILE whose heading line
# holds HEAD and COL, every line holding one of the VALUEs has it at the
# display column where COL starts on the heading, up to the table's end
# (a blank line); FILE must be valid UTF-8
aligned() {
	/usr/bin/python3 - "$@" <<'PY'
import sys, unicodedata
path, head, col, values = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
def width(s):
    w = 0
    for ch in s:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ('Mn', 'Me', 'Cf'):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ('W', 'F') else 1
    return w
lines = open(path, encoding='utf-8').read().split('\n')
h = [i for i, l in enumerate(lines) if head in l and col in l]
assert h, f"{path}: no heading with {head} and {col}"
want = width(lines[h[0]][:lines[h[0]].index(col)])
table = []
for l in lines[h[0] + 1:]:
    if not l.strip():
        break
    table.append(l)
h = [lines[h[0]]]
bad = 0
for v in values:
    rows = [l for l in table if v in l]
    if not rows:
        print(f"{path}: no row with {v!r}"); bad += 1; continue
    for r in rows:
        got = width(r[:r.index(v)])
        if got != want:
            print(f"{path}: {v!r} at display column {got}, heading {col!r} at {want}:\n{h[0]}\n{r}"); bad += 1
sys.exit(1 if bad else 0)
PY
}

for loc in C C.UTF-8; do
	LC_ALL=$loc $L schedule "$TMP/t.cfg" --at "2023-09-12 12:05" >"$TMP/at.$loc" || fail "schedule --at"
	aligned "$TMP/at.$loc" BOARD PLAYLIST "午餐  " || fail "schedule --at ($loc): PLAYLIST column"
	aligned "$TMP/at.$loc" BOARD ITEM "1:安全" || fail "schedule --at ($loc): ITEM column"
done
$L check "$TMP/t.cfg" --legibility --at "2023-09-12 12:05" >"$TMP/leg" || fail "check --legibility"
aligned "$TMP/leg" BOARD ITEM "安全口号" || fail "check --legibility: ITEM column"
aligned "$TMP/leg" BOARD "SHOWN AS" "2 pages" || fail "check --legibility: SHOWN AS column"
$L schedule "$TMP/t.cfg" --week 2023-09-11 --board gate >"$TMP/week" || fail "schedule --week"
/usr/bin/python3 - "$TMP/week" <<'PY' || fail "week grid: a cell cut inside a character, or rows of unequal width"
import re, sys, unicodedata
lines = open(sys.argv[1], encoding='utf-8').read().split('\n')   # a cut character fails here
w = lambda s: sum(2 if unicodedata.east_asian_width(c) in ('W', 'F') else 1 for c in s)
grid = [l for l in lines if re.match(r'^\d\d:00  ', l)]
head = [l for l in lines if 'Mon 09-11' in l][0]
assert len(grid) == 24 and all('a午餐时' in l for l in grid), grid
bad = [l for l in grid if w(l) != w(head)]
assert not bad, (w(head), bad[:2])
PY

$L play "$TMP/t.cfg" --foreground --duration 25 2>"$TMP/daemon.log" &
PIDS="$PIDS $!"
n=100; until [ -S "$TMP/run/control.sock" ] || [ $n -eq 0 ]; do sleep 0.1; n=$((n - 1)); done
[ -S "$TMP/run/control.sock" ] || { cat "$TMP/daemon.log"; fail "daemon did not start"; }
$L alert "暴雨预警：请留在室内" --boards 图书馆门口大屏 --socket "$TMP/run/control.sock" >/dev/null || fail "alert"
$L alert "short" --groups 户外 --socket "$TMP/run/control.sock" >/dev/null || fail "alert 2"
n=50; until $L status "$TMP/t.cfg" >"$TMP/status" 2>&1 && grep -q "^图书馆.*alert:" "$TMP/status"; do
	n=$((n - 1)); [ $n -gt 0 ] || { cat "$TMP/status"; fail "status never showed the alert item"; }; sleep 0.1
done
cat "$TMP/status"
for loc in C C.UTF-8; do
	LC_ALL=$loc $L status "$TMP/t.cfg" >"$TMP/status.$loc" || fail "status ($loc)"
	aligned "$TMP/status.$loc" BOARD ITEM "alert:" "安全口号" || fail "status ($loc): ITEM column"
	aligned "$TMP/status.$loc" BOARD "LAST ACK" "never" || fail "status ($loc): LAST ACK column"
	aligned "$TMP/status.$loc" ID EXPIRES "until cleared" || fail "status ($loc): alerts' EXPIRES column"
	aligned "$TMP/status.$loc" ID TARGETS "图书馆门口大屏" "@户外" || fail "status ($loc): alerts' TARGETS column"
done
$L alerts --config "$TMP/t.cfg" >"$TMP/alerts" || fail "alerts"
aligned "$TMP/alerts" ID TEXT "暴雨预警" "short" || fail "alerts: TEXT column"
echo "ok"
