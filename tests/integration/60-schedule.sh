# `ledsign schedule` on the sample campaign: the table at one moment, the week
# grid as text and PNG, independence from the shell's TZ, and clear errors.
. tests/lib.sh
L=$B/ledsign
CFG=content/campaign-week.cfg

$L schedule $CFG --at "2023-09-12 12:05" >"$TMP/at.txt" || fail "schedule --at failed"
cat "$TMP/at.txt"
grep -q "2023-09-12 12:05:00 Asia/Shanghai (Tuesday" "$TMP/at.txt" || fail "no header"
# Every board has a row, campus day in force, and an item.
$L check $CFG --list | while read -r name rest; do
	grep -Eq "^$name +play +campus-day[a-z-]* +[a-z-]+ +[0-9]+:[a-z-]+" "$TMP/at.txt" ||
	    fail "board $name has no campus-day item"
done || exit 1

# The machine's TZ must not matter.
TZ=America/New_York $L schedule $CFG --at "2023-09-12 12:05" >"$TMP/at-ny.txt" || fail "TZ run"
cmp "$TMP/at.txt" "$TMP/at-ny.txt" || fail "output depends on TZ"

# Night: dark.
$L schedule $CFG --at "2023-09-13 23:30" --board gate >"$TMP/night.txt" || fail "night"
grep -Eq "^gate +off " "$TMP/night.txt" || fail "gate is not off at night"

# The week, as text and as PNGs (one A4 page per board; 37 checks the PDF).
$L schedule $CFG --week 2023-09-11 -o "$TMP/plan.png" >"$TMP/week.txt" || fail "schedule --week failed"
grep -q "^gate (192x32 mono" "$TMP/week.txt" || fail "no gate grid"
grep -q "Tue 09-12 00:00 off, 06:30 campus-day" "$TMP/week.txt" || fail "campus day missing from the week"
[ "$(grep -c '^[0-2][0-9]:00  ' "$TMP/week.txt")" -eq $((24 * $($L check $CFG --list | wc -l))) ] ||
    fail "not 24 rows per board"
size=$($B/tools/pngcmp --size "$TMP/plan-gate.png") || fail "plan-gate.png is not a PNG"
[ "$size" = 1754x1240 ] || fail "plan-gate.png is $size, expected A4 landscape at 150 dpi, 1754x1240"

# Mistakes are reported, not crashed on.
$L schedule $CFG --at "2023-02-30 10:00" 2>"$TMP/err.txt" && fail "accepted 30 February"
grep -q "YYYY-MM-DD HH:MM" "$TMP/err.txt" || fail "no hint for a bad time"
$L schedule $CFG --week 2023-09-11 --board nosuch 2>"$TMP/err.txt" && fail "accepted an unknown board"
grep -q 'no board "nosuch"' "$TMP/err.txt" || fail "unknown board not named"
$L schedule $CFG --week 2023-09-11 -o /nonexistent/dir/plan.png >/dev/null 2>"$TMP/err.txt" && fail "wrote to nowhere"
grep -q "cannot write /nonexistent/dir/plan-gate.png" "$TMP/err.txt" || fail "no write error"
echo "schedule: ok"
