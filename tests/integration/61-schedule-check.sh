# `ledsign check` warns about schedule mistakes, each with its file and line:
# equal-priority overlaps, rules that can never apply or are always hidden,
# and boards with nothing to show.  The sample itself has no warnings.
. tests/lib.sh
L=$B/ledsign

$L check content/campaign-week.cfg 2>"$TMP/sample.err" || fail "sample does not pass check"
no_own_stderr "$TMP/sample.err" "sample has warnings"

cat >"$TMP/bad.cfg" <<'CFG'
timezone = "Asia/Shanghai";
boards = (
  { name = "gate"; width = 64; height = 16; format = "mono"; address = "tcp:127.0.0.1:9"; },
  { name = "hall"; width = 64; height = 16; format = "mono"; address = "tcp:127.0.0.1:9"; groups = ["indoor"]; }
);
content = ( { name = "a"; text = "A"; }, { name = "b"; text = "B"; } );
playlists = (
  { name = "pa"; items = ["a"]; },
  { name = "pb"; items = ["b"]; },
  { name = "lunch"; items = ( { item = "a"; hours = "11:30-13:00"; } ); }
);
schedule = (
  { name = "week"; playlist = "pa"; boards = ["all"]; from = "2023-09-11"; to = "2023-09-17"; },
  { name = "twin"; playlist = "pb"; boards = ["gate"]; from = "2023-09-11"; to = "2023-09-17"; },
  { name = "wrong-day"; playlist = "pb"; boards = ["hall"]; dates = ["2023-09-20"];
    from = "2023-09-11"; to = "2023-09-17"; },
  { name = "no-weekday"; playlist = "pb"; boards = ["hall"]; from = "2023-09-11"; to = "2023-09-12";
    weekdays = ["sat"]; },
  { name = "hidden"; playlist = "pb"; boards = ["hall"]; from = "2023-09-12"; to = "2023-09-12";
    priority = -5; },
  { name = "early-lunch"; playlist = "lunch"; boards = ["hall"]; hours = "07:00-09:00"; priority = 50; }
);
CFG
$L check "$TMP/bad.cfg" 2>"$TMP/bad.err"
rc=$?
cat "$TMP/bad.err"
[ $rc -eq 0 ] || fail "warnings alone must not fail check (rc $rc)"
grep -q 'bad.cfg:14: warning: schedule rules "week" (line 13) and "twin" (line 14) overlap at equal priority 0 on board "gate"' "$TMP/bad.err" ||
    fail "no overlap warning"
grep -q 'bad.cfg:15: warning: .*"wrong-day".* never applies: none of its dates' "$TMP/bad.err" || fail "no dates warning"
grep -q 'bad.cfg:17: warning: .*"no-weekday".* no day from 2023-09-11 to 2023-09-12' "$TMP/bad.err" ||
    fail "no weekday warning"
grep -q 'bad.cfg:19: warning: .*"hidden".* always overridden by higher-priority rules (e.g. "week"' "$TMP/bad.err" ||
    fail "no overridden warning"
grep -q 'bad.cfg:21: warning: .*"early-lunch".* never shows anything' "$TMP/bad.err" || fail "no item-window warning"
grep -q 'bad.cfg:3: warning: board "gate" is on but has nothing to show up to 2023-09-11 00:00' "$TMP/bad.err" ||
    fail "no nothing-to-show warning for gate"
grep -q 'bad.cfg:4: warning: board "hall"' "$TMP/bad.err" || fail "no nothing-to-show warning for hall"
[ "$(grep -c warning "$TMP/bad.err")" -eq 7 ] || fail "expected exactly 7 warnings"
# A file under zoneinfo that is not a zone is an error, not a silent UTC.
sed 's|^timezone = .*|timezone = "zone1970.tab";|' "$TMP/bad.cfg" >"$TMP/tz.cfg"
$L check "$TMP/tz.cfg" 2>"$TMP/tz.err" && fail "accepted zone1970.tab as a timezone"
grep -q 'tz.cfg:1: error: timezone "zone1970.tab" is not known' "$TMP/tz.err" || fail "no timezone error"
echo "schedule check: ok"
