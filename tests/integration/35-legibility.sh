# `check --legibility`: every board x item of the sample with how it is shown;
# none is broken inside a word, number or date (issue 17), the 64x16 board
# pages the clock as 2023-09-12 / 星期二 / 10:00; a long static text on a
# small board is a warning from plain `check` with the item's line, the
# board and the remedy; a too-small fixed size is flagged.
. tests/lib.sh
L=$B/ledsign
CFG=content/campaign-week.cfg

$L check $CFG --legibility --at "2023-09-12 10:00" >"$TMP/out" 2>"$TMP/err" ||
	{ cat "$TMP/err"; fail "check --legibility failed on the sample"; }
no_own_stderr "$TMP/err" "sample has legibility warnings"
grep -q "^BOARD  *SIZE  *ITEM  *SHOWN AS" "$TMP/out" || fail "no header"
# one row per board x item the schedule or the fallback may show there (and area x item)
rows=$(grep -Ec '^(gate|canteen|dorm-1|dorm-2|teach-a|teach-b) ' "$TMP/out")
[ "$rows" -ge 80 ] || { cat "$TMP/out"; fail "only $rows board x item rows"; }
grep -q "BROKEN" "$TMP/out" && { grep BROKEN "$TMP/out"; fail "an item is broken inside a word"; }
grep -q "pairs: 0 broken inside a word, 0 with more than 3 pages, 0 below the legible size" "$TMP/out" ||
	{ tail -1 "$TMP/out"; fail "summary"; }
grep -Eq "^dorm-2 +64x16 +clock +3 pages of 1 line at 12 px \(auto-fit\): 2023-09-12 / 星期二 / 10:00$" "$TMP/out" ||
	{ grep "^dorm-2.*clock" "$TMP/out"; fail "clock on 64x16 not paged whole"; }
grep -Eq "^gate +192x32 +no-security-no-nation +one page, 2 lines at 16 px \(auto-fit\): 没有网络安全就 / 没有国家安全$" "$TMP/out" ||
	{ grep "no-security" "$TMP/out"; fail "no-security-no-nation on the gate"; }
grep -Eq "^canteen +128x64 +poster-theme +poster$" "$TMP/out" || fail "posters not listed"
# the areas of the canteen's meal layout, each at its own size
grep -Eq "^canteen/tips +128x16 +countdown +one page, 1 line at 1[2-6] px \(auto-fit\): 距宣传周闭幕还有5天$" "$TMP/out" ||
	{ grep "area" "$TMP/out"; fail "layout areas not listed at their size"; }

# A small board with a long static text and a fixed 9 px size.
cat >"$TMP/small.cfg" <<'CFG'
timezone = "Asia/Shanghai";
boards = ( { name = "corridor"; width = 64; height = 16; format = "red-green";
             protocol = "lsp"; address = "tcp:127.0.0.1:9"; } );
content = (
  { name = "nation"; text = "没有网络安全就没有国家安全"; },
  { name = "tiny";   text = "网络安全"; size = 9; }
);
playlists = ( { name = "p"; items = ["nation", "tiny"]; } );
fallback = "p";
CFG
$L check "$TMP/small.cfg" >"$TMP/out" 2>"$TMP/err" || { cat "$TMP/err"; fail "small.cfg rejected"; }
grep -q "small.cfg:5: warning: content \"nation\" on board \"corridor\" (64x16) needs 4 pages at 16 px; make it effect = \"scroll-left\"" "$TMP/err" ||
	{ cat "$TMP/err"; fail "no warning for 4 pages"; }
grep -q "with the warnings above" "$TMP/out" || fail "summary does not mention the warnings"
$L check "$TMP/small.cfg" --legibility >"$TMP/out" 2>/dev/null || fail "--legibility on small.cfg"
grep -Eq "^corridor +64x16 +nation +4 pages of 1 line at 16 px \(auto-fit\): 没有 / 网络安全 / 就没有 / 国家安全  \[MANY PAGES" "$TMP/out" ||
	{ cat "$TMP/out"; fail "nation row"; }
grep -Eq "^corridor +64x16 +tiny +one page, 1 line at 9 px: 网络安全  \[SMALL: below 12 px" "$TMP/out" ||
	{ cat "$TMP/out"; fail "tiny row not flagged"; }
# the same text in a 64x16 area of a layout on a 128x32 board
cat >"$TMP/area.cfg" <<'CFG'
timezone = "Asia/Shanghai";
boards = ( { name = "hall"; width = 128; height = 32; format = "mono";
             protocol = "lsp"; address = "tcp:127.0.0.1:9"; } );
content = ( { name = "nation"; text = "没有网络安全就没有国家安全"; } );
playlists = ( { name = "p"; items = ["nation"]; } );
layouts = ( { name = "split"; width = 128; height = 32; areas = (
  { name = "left"; x = 0; y = 0; width = 64; height = 16; playlist = "p"; } ); } );
schedule = ( { name = "r"; layout = "split"; boards = ["hall"]; } );
CFG
$L check "$TMP/area.cfg" >/dev/null 2>"$TMP/err" || { cat "$TMP/err"; fail "area.cfg rejected"; }
grep -q "area.cfg:4: warning: content \"nation\" on board \"hall\" in area \"left\" of layout \"split\" (64x16) needs 4 pages at 16 px" "$TMP/err" ||
	{ cat "$TMP/err"; fail "no warning for the area"; }
# --at must be a time
$L check "$TMP/small.cfg" --legibility --at "tomorrow" >/dev/null 2>"$TMP/err" && fail "bad --at accepted"
grep -q -- "--at" "$TMP/err" || { cat "$TMP/err"; fail "bad --at not named"; }
echo "35-legibility: ok"
