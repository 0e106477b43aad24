# Screen areas in `check`, `schedule --at`, `schedule --week` and `preview`:
# areas that leave the layout, overlap or are too small for their text are
# reported with FILE:LINE and what to do; a layout on a board of another
# size is refused; the schedule lists each area's playlist and item; the
# sample campaign's canteen meal layout checks clean and shows at lunch.
. tests/lib.sh
L=$B/ledsign
P=$B/tools/pngcmp

cat >"$TMP/bad.cfg" <<'CFG'
timezone = "Asia/Shanghai";
boards = ( { name = "b"; width = 64; height = 32; format = "mono"; address = "tcp:127.0.0.1:1"; },
  { name = "w"; width = 96; height = 16; format = "mono"; address = "tcp:127.0.0.1:1"; } );
content = ( { name = "big"; text = "安全"; size = 16; }, { name = "fit"; text = "安全"; } );
playlists = ( { name = "p"; items = ["big"]; }, { name = "q"; items = ["fit"]; } );
layouts = ( { name = "l"; width = 64; height = 32; areas = (
  { name = "top"; x = 0; y = 0; width = 64; height = 10; playlist = "p"; },
  { name = "mid"; x = 0; y = 8; width = 64; height = 8; playlist = "q"; },
  { name = "off"; x = 40; y = 16; width = 30; height = 16; playlist = "q"; } ); } );
schedule = ( { name = "split"; layout = "l"; boards = ["all"]; } );
CFG
if $L check "$TMP/bad.cfg" >"$TMP/bad.out" 2>"$TMP/bad.log"; then fail "check accepted an area off the layout"; fi
for want in \
    'bad.cfg:9: error: layout "l": area "off" (30x16 at 40,16) leaves the 64x32 layout by 6 LEDs at the right; make it smaller or move it left' \
    'bad.cfg:8: warning: layout "l": areas "top" (line 7) and "mid" overlap in 64x2 LEDs at 0,8' \
    'bad.cfg:10: error: schedule rule "split": layout "l" is for 64x32 boards but board "w" is 96x16; name only boards of that size'; do
	grep -qF "$want" "$TMP/bad.log" || { cat "$TMP/bad.log"; fail "check did not say: $want"; }
done
echo "check: an area off the layout, an overlap and a layout on the wrong board, with file:line"

# Fixed, the rest is warnings: areas too small for their items' text
sed -e 's/x = 40; y = 16; width = 30/x = 34; y = 16; width = 30/' -e 's/boards = \["all"\]/boards = ["b"]/' \
    "$TMP/bad.cfg" >"$TMP/small.cfg"
$L check "$TMP/small.cfg" >"$TMP/small.out" 2>"$TMP/small.log" || { cat "$TMP/small.log"; fail "check refused warnings only"; }
for want in \
    'small.cfg:7: warning: layout "l" area "top" is 10 LEDs high but item "big" (line 4) has size 16: its text is cut off; make the area at least 16 high' \
    'small.cfg:8: warning: layout "l" area "mid" is 8 LEDs high, too low for the text of item "fit" (line 4): auto-fit goes down to 12; make the area at least 12 high'; do
	grep -qF "$want" "$TMP/small.log" || { cat "$TMP/small.log"; fail "check did not say: $want"; }
done
grep -q "configuration OK: 2 boards, 2 content items, 2 playlists, 1 schedule rules, 1 layout, with the warnings above" "$TMP/small.out" || { cat "$TMP/small.out"; fail "no summary with the layout"; }
echo "check: areas too small for their text are warnings at the area's line"

# The sample: clean, and the canteen shows its three areas at lunch
$L check content/campaign-week.cfg >"$TMP/sample.out" 2>"$TMP/sample.log" || { cat "$TMP/sample.log"; fail "sample does not check"; }
[ -s "$TMP/sample.log" ] && { cat "$TMP/sample.log"; fail "the sample has warnings"; }
$L schedule content/campaign-week.cfg --at "2023-09-13 12:05" --board canteen >"$TMP/at.txt" || fail "schedule --at"
grep -Eq '^canteen +play +lunch +layout canteen-meal ' "$TMP/at.txt" || { cat "$TMP/at.txt"; fail "schedule --at: no layout"; }
grep -Eq '^  clock +area +128x16@0,0 +clock-strip +1:clock-strip ' "$TMP/at.txt" || { cat "$TMP/at.txt"; fail "no clock area"; }
grep -Eq '^  poster +area +128x32@0,16 +meal-posters +1:poster-theme-wide ' "$TMP/at.txt" || { cat "$TMP/at.txt"; fail "no poster area"; }
grep -Eq '^  tips +area +128x16@0,48 +meal-tips +[0-9]:[a-z-]+ ' "$TMP/at.txt" || { cat "$TMP/at.txt"; fail "no tips area"; }
$L schedule content/campaign-week.cfg --week 2023-09-11 --board canteen >"$TMP/week.txt" || fail "schedule --week"
grep -q "^  lunch shows layout canteen-meal: clock 128x16@0,0 playlist clock-strip, poster 128x32@0,16 playlist meal-posters, tips 128x16@0,48 playlist meal-tips$" \
    "$TMP/week.txt" || { tail -12 "$TMP/week.txt"; fail "schedule --week: no layout line"; }
echo "schedule: --at lists the canteen's areas at lunch, --week names the layout and its areas"

# preview --all draws the layout an all-day rule shows: the same picture as
# preview --layout, and not the whole-board rendering of any one item
$L preview "$TMP/small.cfg" --all --board b --at "2023-09-13 11:20" --raw -o "$TMP/all" 2>/dev/null || fail "preview --all"
$L preview "$TMP/small.cfg" --board b --layout l --at "2023-09-13 11:20" --raw -o "$TMP/layout.png" 2>/dev/null || fail "preview --layout"
$P --lit "$TMP/layout.png" || fail "preview --layout is dark"
$P "$TMP/all/b.png" "$TMP/layout.png" || fail "preview --all differs from preview --layout"
for item in big fit; do
	$L preview "$TMP/small.cfg" --board b --item $item --raw -o "$TMP/$item.png" 2>/dev/null || fail "preview $item"
	$P "$TMP/all/b.png" "$TMP/$item.png" 2>/dev/null && fail "preview --all drew item $item on the whole board"
done
echo "preview: --all draws the layout a rule shows, as --layout does"

# Legibility inside areas: items are judged at their area's size
$L check content/campaign-week.cfg --legibility --at "2023-09-13 12:05" >"$TMP/legib.txt" || fail "check --legibility"
grep -Eq '^canteen/tips +128x16 +campus-card +one page, 1 line at 16 px' "$TMP/legib.txt" || { cat "$TMP/legib.txt"; fail "--legibility: no tips area row"; }
grep -Eq '^canteen/clock +128x16 +clock-strip +one page, 1 line at 16 px \(auto-fit\): 星期三 12:05$' "$TMP/legib.txt" ||
    { cat "$TMP/legib.txt"; fail "--legibility: no clock strip row"; }
grep -Eq '^canteen +128x64 +campus-card ' "$TMP/legib.txt" && fail "--legibility: an area item judged at the whole board's size"
cat >"$TMP/pages.cfg" <<'CFG'
timezone = "Asia/Shanghai";
boards = ( { name = "b"; width = 128; height = 32; format = "mono"; address = "tcp:127.0.0.1:1"; } );
content = ( { name = "long"; text = "网络安全为人民网络安全靠人民共建网络安全共享网络文明"; size = 16; },
  { name = "x"; text = "安全"; } );
playlists = ( { name = "p"; items = ["long"]; }, { name = "q"; items = ["x"]; } );
layouts = ( { name = "l"; width = 128; height = 32; areas = (
  { name = "left"; x = 0; y = 0; width = 32; height = 32; playlist = "p"; },
  { name = "right"; x = 32; y = 0; width = 96; height = 32; playlist = "q"; } ); } );
schedule = ( { layout = "l"; boards = ["b"]; } );
CFG
$L check "$TMP/pages.cfg" >/dev/null 2>"$TMP/pages.log" || { cat "$TMP/pages.log"; fail "pages.cfg does not check"; }
grep -qF 'pages.cfg:3: warning: content "long" on board "b" in area "left" of layout "l" (32x32) needs 7 pages at 16 px' "$TMP/pages.log" ||
    { cat "$TMP/pages.log"; fail "no many-pages warning for the area"; }
echo "check --legibility: a layout's items at their area's size, warnings naming the area"
