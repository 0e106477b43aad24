# Why a board shows what it shows (issue 16): `schedule --at --why` names the
# rule that won, every rule it beat and on what, the fallback and the alert
# covering the board; the daemon's `why v=1` and `week v=1` verbs give the
# console the same answers from the config it plays.
. tests/lib.sh
. tests/alert-lib.sh
S=content/campaign-week.cfg

# --- the terminal, on the sample: no controller runs for it
$L schedule $S --at "2023-09-12 12:05" --why --board canteen >"$TMP/why.txt" || fail "--why failed"
cat "$TMP/why.txt"
grep -q '^canteen: play playlist "campus-day-canteen", item [0-9]*:[a-z-]* by rule "campus-day-canteen" (content/campaign-week[a-z.-]*cfg:[0-9]*), brightness 90%' "$TMP/why.txt" ||
    fail "--why: no winner line"
grep -q '^  priority  lunch (content/campaign-week[a-z.-]*cfg:[0-9]*): applies, but its priority 20 is below "campus-day-canteen" (100)$' "$TMP/why.txt" ||
    fail "--why: lunch is not beaten on priority"
grep -q '^  window    breakfast (content/campaign-week[a-z.-]*cfg:[0-9]*): 12:05 is outside its hours 06:30-08:00$' "$TMP/why.txt" ||
    fail "--why: breakfast is not out on its window"
grep -q '^  alert: not known: no controller answers at ' "$TMP/why.txt" || fail "--why: says nothing about alerts"
grep -q '^  fallback "everyday": not used, a rule applies$' "$TMP/why.txt" || fail "--why: fallback"
$L schedule $S --at "2023-09-13 12:05" --why --board gate >"$TMP/why2.txt" || fail "--why gate"
grep -q '^  dates     campus-day (content/campaign-week[a-z.-]*cfg:[0-9]*): 2023-09-13 is not one of its dates (2023-09-12)$' "$TMP/why2.txt" ||
    fail "--why: campus-day is not out on its date"
$L schedule $S --week 2023-09-11 --why 2>/dev/null && fail "--why with --week accepted"

# --- the daemon: the same answers, and the alert covering a board
alert_config 'schedule = (
  { name = "day"; playlist = "normal"; boards = ["all"]; hours = "07:00-19:00"; priority = 5; },
  { name = "late"; kind = "off"; boards = ["north"]; hours = "15:00-06:00"; priority = 50; },
  { name = "mondays"; playlist = "normal"; boards = ["gate"]; weekdays = ["mon"]; priority = 9; }
);'
start_boards
start_daemon
# 1800000000 = Friday 2027-01-15 16:00 in Asia/Shanghai
out=$($PY tests/tools/ctlclient.py ask "$SOCK" 'ledsign-control/1 why v=1 at=1800000000\n')
echo "$out"
echo "$out" | grep -q "^board name=hall groups=north state=off rule=late rule_line=[0-9]* rule_file=$TMP/alerts.cfg fallback=0 " ||
    fail "why: hall is not off by late"
echo "$out" | grep -q "^rule board=hall name=day line=[0-9]* file=[^ ]* priority=5 reason=priority by=late " ||
    fail "why: day is not beaten by late on priority for hall"
echo "$out" | grep -q "^rule board=gate name=mondays .* reason=weekday by= .*text=Friday%20is%20not%20one%20of%20its%20weekdays%20(mon)" ||
    fail "why: mondays is not out on its weekday for gate"
echo "$out" | grep -q "^rule board=gate name=late " && fail "why: a rule for north listed for gate"
echo "$out" | grep -q "^ok version=1 at=1800000000 local=2027-01-15T16:00:00 zone=Asia/Shanghai boards=2 fallback=normal" ||
    fail "why: ok line"
$PY tests/tools/ctlclient.py ask "$SOCK" 'ledsign-control/1 why v=1 local=2027-01-15T16:00 board=hall\n' |
    grep -q "^ok version=1 at=1800000000 local=2027-01-15T16:00:00 .* boards=1" || fail "why local= is not the same moment"
$PY tests/tools/ctlclient.py ask "$SOCK" 'ledsign-control/1 why v=2\n' | grep -q "^error code=version " ||
    fail "why v=2 not refused as a version"
$PY tests/tools/ctlclient.py ask "$SOCK" 'ledsign-control/1 why v=1 group=south\n' | grep -q "^ok .* boards=1" ||
    fail "why group=south is not one board"

# an alert on the north group covers hall, not gate, in the verb and in the terminal
$L alert "Storm" --level warning --groups north --socket "$SOCK" >/dev/null || fail "alert refused"
out=$($PY tests/tools/ctlclient.py ask "$SOCK" 'ledsign-control/1 why v=1\n')
echo "$out" | grep -q "^board name=hall .* alert=[^ ]\+ alert_level=warning alert_text=Storm" || fail "why: no alert on hall: $out"
echo "$out" | grep -q "^board name=gate .* alert= alert_level= alert_text=$" || fail "why: an alert on gate"
$L schedule "$CFG" --why --board hall >"$TMP/why3.txt" || fail "--why against the daemon"
cat "$TMP/why3.txt"
grep -q '^  alert [^ ]* (warning) covers it: "Storm", until cleared$' "$TMP/why3.txt" || fail "--why: the alert is not shown"
$L schedule "$CFG" --why --board gate | grep -q "^  alert: none (asked the controller at $SOCK)" || fail "--why: gate alert line"

# the week, as schedule --week computes it
out=$($PY tests/tools/ctlclient.py ask "$SOCK" 'ledsign-control/1 week v=1 first=2027-01-11 board=gate\n')
echo "$out" | grep -q "^run board=gate day=2027-01-11 from=00:00 to=24:00 state=play who=mondays rule=mondays " ||
    fail "week: gate on Monday"
echo "$out" | grep -q "^run board=gate day=2027-01-12 from=07:00 to=19:00 state=play who=day rule=day " ||
    fail "week: gate on Tuesday daytime"
echo "$out" | grep -q "^run board=gate day=2027-01-12 from=19:00 to=24:00 state=play who=fallback rule= .*playlist=normal " ||
    fail "week: gate on Tuesday evening is the fallback"
echo "$out" | grep -q "^ok version=1 first=2027-01-11 zone=Asia/Shanghai boards=1" || fail "week: ok line"
$L schedule "$CFG" --week 2027-01-11 --board gate | grep -q "Tue 01-12 00:00 fallback, 07:00 day, 19:00 fallback" ||
    fail "the terminal's week disagrees"
$PY tests/tools/ctlclient.py ask "$SOCK" 'ledsign-control/1 week v=1 first=2027-02-30\n' | grep -q "^error code=usage" ||
    fail "week: 30 February accepted"
echo "schedule-why: ok"
