# `ledsign check`: the sample is valid; syntax errors and unknown settings are
# reported with the right line; all errors of a file are reported at once.
. tests/lib.sh
L=$B/ledsign
CFG=content/campaign-week.cfg

$L check $CFG >"$TMP/out" 2>"$TMP/err" || { cat "$TMP/err"; fail "sample config rejected"; }
grep -q "configuration OK" "$TMP/out" || fail "no summary line"
no_own_stderr "$TMP/err" "sample config has warnings"

# A syntax error at line 3 of a copy.
awk 'NR==3 {print "this is = = not valid"} {print}' $CFG >"$TMP/syntax.cfg"
if $L check "$TMP/syntax.cfg" 2>"$TMP/err"; then fail "syntax error accepted"; fi
grep -q "syntax.cfg:3:" "$TMP/err" || { cat "$TMP/err"; fail "syntax error not at :3:"; }

# An unknown top-level setting appended at the end, line N (with the staff
# file it @includes beside it).
cp content/campaign-week.staff.cfg "$TMP/"
cp $CFG "$TMP/unknown.cfg"
echo 'colour_scheme = "dark";' >>"$TMP/unknown.cfg"
N=$(wc -l <"$TMP/unknown.cfg")
if $L check "$TMP/unknown.cfg" 2>"$TMP/err"; then fail "unknown setting accepted"; fi
grep -q "unknown.cfg:$N: .*unknown setting \"colour_scheme\"" "$TMP/err" || { cat "$TMP/err"; fail "unknown setting not at :$N:"; }

# Many mistakes at once: every one is reported, each with its own line.
cat >"$TMP/many.cfg" <<'CFG'
boards = (
  { name = "a"; width = 0; height = 16; format = "mono"; address = "tcp:127.0.0.1:1"; },
  { name = "a"; width = 64; height = "tall"; format = "purple"; address = "tcp:127.0.0.1:2"; },
  { name = "c"; width = 64; height = 16; format = "mono"; }
);
content = (
  { name = "x"; text = "hi"; font = "No Such Font Family"; effekt = "scroll-left"; },
  { name = "p"; image = "missing.png"; }
);
playlists = ( { name = "pl"; items = ["x", "nope"]; } );
schedule = ( { playlist = "ghost"; boards = ["nowhere"]; from = "2023-02-30"; } );
CFG
if $L check "$TMP/many.cfg" 2>"$TMP/err"; then fail "bad config accepted"; fi
cat "$TMP/err"
for pat in \
  "many.cfg:2: .*width is 0" \
  "many.cfg:3: .*name \"a\" is used twice" \
  "many.cfg:3: .*height must be a whole number" \
  "many.cfg:3: .*format \"purple\" is not known" \
  "many.cfg:4: .*missing required setting \"address\"" \
  "many.cfg:7: .*font \"No Such Font Family\"" \
  "many.cfg:7: .*unknown setting \"effekt\"; did you mean \"effect\"" \
  "many.cfg:8: .*missing.png\" cannot be read" \
  "many.cfg:10: .*item \"nope\" is not in content" \
  "many.cfg:11: .*playlist \"ghost\" does not exist" \
  "many.cfg:11: .*\"nowhere\" is neither a board nor a group" \
  "many.cfg:11: .*from must be a real date" ; do
	grep -q "$pat" "$TMP/err" || fail "missing diagnostic: $pat"
done
# A missing file is an error with the file name, not a crash.
if $L check "$TMP/none.cfg" 2>"$TMP/err"; then fail "missing file accepted"; fi
grep -q "none.cfg: error: cannot read" "$TMP/err" || fail "missing file message"
echo ok

# A character no installed font has is a warning with the item's line, in
# the staff file the item is in; the file still passes.  A malformed live
# field is an error there.
mkdir -p "$TMP/g"
cp -r content/posters $CFG "$TMP/g/"
/usr/bin/python3 - content/campaign-week.staff.cfg "$TMP/g/campaign-week.staff.cfg" <<'PY'
import sys
s = open(sys.argv[1], encoding="utf-8").read()
open(sys.argv[2], "w", encoding="utf-8").write(s.replace('text = "', 'text = "\U00013000', 1))
PY
$L check "$TMP/g/campaign-week.cfg" 2>"$TMP/err" || { cat "$TMP/err"; fail "missing glyph should only warn"; }
grep -q "g/campaign-week.staff.cfg:[0-9]*: warning: .*U+13000.* is in no installed font" "$TMP/err" || { cat "$TMP/err"; fail "no missing-glyph warning"; }
sed 's/{countdown:2023-09-17}/{countdown:2023-02-30}/' content/campaign-week.staff.cfg >"$TMP/g/campaign-week.staff.cfg"
if $L check "$TMP/g/campaign-week.cfg" 2>"$TMP/err"; then fail "malformed field accepted"; fi
grep -q "g/campaign-week.staff.cfg:[0-9]*: error: .*countdown:2023-02-30" "$TMP/err" || { cat "$TMP/err"; fail "no field error"; }
echo ok
