# The printable week plan (issue 17): `schedule --week -o plan.pdf` is one
# A4-landscape page per board (cairo); PNG output is one 1754x1240 file per
# board; labels show each rule's true window (the canteen's "dinner" runs
# 17:00–18:50, though the evening dimming starts inside it at 18:30), short
# events (a 30-minute notice, a 10-minute one) are labelled, a brightness
# keeps its "%" however narrow the column; `schedule --at` fills in live
# fields.  The PDF's text is read back with pdftotext (poppler-utils).
. tests/lib.sh
L=$B/ledsign
CFG=content/campaign-week.cfg
command -v pdftotext >/dev/null || fail "pdftotext missing (scripts/deps.sh installs poppler-utils)"

$L schedule $CFG --week 2023-09-11 -o "$TMP/plan.pdf" >"$TMP/out" 2>"$TMP/err" || { cat "$TMP/err"; fail "plan.pdf"; }
grep -q "wrote $TMP/plan.pdf (6 A4-landscape pages, one per board)" "$TMP/out" || fail "no summary line"
pdfinfo "$TMP/plan.pdf" >"$TMP/info" || fail "not a PDF"
grep -q "^Pages: *6$" "$TMP/info" || { cat "$TMP/info"; fail "not one page per board"; }
grep -Eq "^Page size: *841\.[0-9]+ x 595\.[0-9]+ pts \(A4\)" "$TMP/info" || { cat "$TMP/info"; fail "not A4 landscape"; }
# page 2 is the canteen (config order)
pdftotext -f 2 -l 2 -layout "$TMP/plan.pdf" "$TMP/canteen.txt" || fail "pdftotext"
grep -q "^canteen " "$TMP/canteen.txt" || fail "page 2 is not the canteen's"
[ "$(grep -o "17:00–18:50" "$TMP/canteen.txt" | wc -l)" -ge 7 ] ||
	{ grep -n "dinner" -A1 "$TMP/canteen.txt"; fail "dinner is not labelled 17:00–18:50 on every day"; }
grep -q "17:00–18:30" "$TMP/canteen.txt" && fail "a block is labelled 17:00–18:30: not the rule's true window"
grep -q "40% from 18:30" "$TMP/canteen.txt" || fail "the dimming inside dinner is not named"
grep -q "campaign-canteen 40%" "$TMP/canteen.txt" || fail "the evening's 40% lost"

# Short events and a long rule name with a brightness, on one board.
cat >"$TMP/short.cfg" <<'CFG'
timezone = "Asia/Shanghai";
boards = ( { name = "hall"; width = 64; height = 16; format = "mono";
             protocol = "lsp"; address = "tcp:127.0.0.1:9"; } );
content = ( { name = "a"; text = "网络安全"; }, { name = "b"; text = "消防演练"; } );
playlists = ( { name = "day"; items = ["a"]; }, { name = "notice"; items = ["b"]; } );
schedule = (
  { name = "day"; playlist = "day"; boards = ["all"]; },
  { name = "drill-notice"; playlist = "notice"; boards = ["all"]; hours = "10:00-10:30"; priority = 20; },
  { name = "bell"; playlist = "notice"; boards = ["all"]; hours = "15:00-15:10"; priority = 20; },
  { name = "a-very-long-evening-programme-name"; playlist = "day"; boards = ["all"];
    hours = "18:00-21:00"; priority = 20; brightness = 40; }
);
CFG
$L check "$TMP/short.cfg" >/dev/null 2>&1 || fail "short.cfg does not check"
$L schedule "$TMP/short.cfg" --week 2023-09-11 -o "$TMP/short.pdf" >/dev/null || fail "short.pdf"
pdftotext -layout "$TMP/short.pdf" "$TMP/short.txt" || fail "pdftotext short"
[ "$(grep -o "drill-notice 10:00–10:30" "$TMP/short.txt" | wc -l)" -eq 7 ] ||
	{ cat "$TMP/short.txt"; fail "the 30-minute notice is not labelled on every day"; }
[ "$(grep -o "bell 15:00–15:10" "$TMP/short.txt" | wc -l)" -eq 7 ] ||
	{ cat "$TMP/short.txt"; fail "the 10-minute bell is not labelled on every day"; }
[ "$(grep -Eo "a-very-long[^ ]*… 40%|a-very-long-evening-programme-name 40%" "$TMP/short.txt" | wc -l)" -eq 7 ] ||
	{ cat "$TMP/short.txt"; fail "the long name's label lost its 40%"; }
[ "$(grep -o "18:00–21:00" "$TMP/short.txt" | wc -l)" -ge 7 ] || fail "the evening's window"

# PNG: one A4 page per board, no tall strip
$L schedule $CFG --week 2023-09-11 -o "$TMP/plan.png" >"$TMP/out" || fail "plan.png"
[ ! -e "$TMP/plan.png" ] || fail "a single tall plan.png was written"
n=0
while read -r name w h rest; do
	[ "$($B/tools/pngcmp --size "$TMP/plan-$name.png")" = "1754x1240" ] || fail "plan-$name.png is not A4 at 150 dpi"
	grep -q "wrote $TMP/plan-$name.png" "$TMP/out" || fail "plan-$name.png not reported"
	n=$((n + 1))
done <<EOF2
$($L check $CFG --list)
EOF2
[ "$n" -eq 6 ] || fail "$n boards"
$L schedule $CFG --week 2023-09-11 -o /nonexistent/dir/plan.pdf >/dev/null 2>"$TMP/err" && fail "wrote to nowhere"
grep -q "cannot write /nonexistent/dir/plan.pdf" "$TMP/err" || { cat "$TMP/err"; fail "no write error"; }

# schedule --at: live fields filled in as the boards show them (a config of
# its own, so that changes to the sample's timing do not move the countdown)
cat >"$TMP/live.cfg" <<'CFG'
timezone = "Asia/Shanghai";
boards = ( { name = "gate"; width = 192; height = 32; format = "mono";
             protocol = "lsp"; address = "tcp:127.0.0.1:9"; } );
content = ( { name = "countdown"; text = "距宣传周闭幕还有{countdown:2023-09-17}天"; },
            { name = "clock"; text = "{date} {weekday} {time}"; } );
playlists = ( { name = "week"; items = ["countdown"]; }, { name = "everyday"; items = ["clock"]; } );
fallback = "everyday";
schedule = ( { name = "campaign"; playlist = "week"; boards = ["all"]; from = "2023-09-11"; to = "2023-09-17"; } );
CFG
$L schedule "$TMP/live.cfg" --at "2023-09-12 12:05" >"$TMP/at.txt" || fail "schedule --at"
grep -q "{countdown" "$TMP/at.txt" && { cat "$TMP/at.txt"; fail "{countdown:...} printed raw"; }
grep -Eq "^gate .*1:countdown .* 距宣传周闭幕还有5天$" "$TMP/at.txt" || { cat "$TMP/at.txt"; fail "countdown not filled in"; }
$L schedule "$TMP/live.cfg" --at "2023-09-10 08:00" --board gate >"$TMP/at.txt" || fail "schedule --at (fallback)"
grep -Eq "^gate .* 2023-09-10 星期日 08:00$" "$TMP/at.txt" || { cat "$TMP/at.txt"; fail "clock not filled in"; }
echo "37-plan-pdf: ok"
