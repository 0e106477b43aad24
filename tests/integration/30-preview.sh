# `ledsign preview` on the sample campaign: --all --raw gives one PNG per
# board at exactly the board's size; the default LED-dot image is the board
# scaled up; --frames writes frames (or a contact sheet) that move; posters
# on every board format; bad input gives a clear error and no crash; the
# machine's TZ does not matter.
. tests/lib.sh
L=$B/ledsign
P=$B/tools/pngcmp
CFG=content/campaign-week.cfg
AT="2023-09-12 10:00"

$L preview $CFG --all --at "$AT" --raw -o "$TMP/raw" || fail "preview --all --raw"
n=0
while read -r name w h fmt proto addr; do
	[ -f "$TMP/raw/$name.png" ] || fail "no $name.png"
	[ "$($P --size "$TMP/raw/$name.png")" = "${w}x${h}" ] || fail "$name.png is not ${w}x${h}"
	$P --lit "$TMP/raw/$name.png" || fail "$name.png is dark at $AT"
	n=$((n + 1))
done <<EOT
$($L check $CFG --list)
EOT
[ "$n" -ge 4 ] || fail "only $n boards"
[ "$(ls "$TMP/raw" | wc -l)" -eq "$n" ] || fail "extra files in the output directory"

# Same moment, another TZ in the environment: same pixels.
TZ=America/New_York $L preview $CFG --all --at "$AT" --raw -o "$TMP/raw-ny" || fail "preview under TZ"
for f in "$TMP"/raw/*.png; do
	$P "$f" "$TMP/raw-ny/$(basename "$f")" || fail "$(basename "$f") depends on TZ"
done

# LED dots: the board scaled up by a whole pitch.
$L preview $CFG --all --at "$AT" -o "$TMP/dots" || fail "preview --all"
size=$($P --size "$TMP/dots/gate.png")
w=${size%x*}; h=${size#*x}
[ $((w % 192)) -eq 0 ] && [ $((h % 32)) -eq 0 ] && [ $((w / 192)) -eq $((h / 32)) ] && [ "$w" -gt 192 ] ||
    fail "gate dots image is $size, not a multiple of 192x32"

# One board and item: frames of a scroll differ; a contact sheet stacks them.
$L preview $CFG --board gate --item theme --at "$AT" --raw --frames 5 --interval 0.25 -o "$TMP/frames" ||
    fail "--frames into a directory"
[ "$(ls "$TMP/frames" | wc -l)" -eq 5 ] || fail "expected 5 frames"
$P "$TMP/frames/gate-000.png" "$TMP/frames/gate-001.png" 2>/dev/null && fail "scroll frames do not move"
$L preview $CFG --board gate --item theme --at "$AT" --raw --frames 4 -o "$TMP/sheet.png" || fail "contact sheet"
[ "$($P --size "$TMP/sheet.png")" = "192x131" ] || fail "sheet is $($P --size "$TMP/sheet.png"), not 4 frames + 3 gaps"

# A poster on every format.
for b in gate canteen dorm-1 teach-a; do
	$L preview $CFG --board $b --item poster-theme --at "$AT" --raw -o "$TMP/poster-$b.png" || fail "poster on $b"
	$P --lit "$TMP/poster-$b.png" || fail "poster on $b is dark"
done

# Bad input: a corrupt poster names the item and the file; exit 1, no crash.
mkdir -p "$TMP/bad/posters"
cp $CFG "$TMP/bad/c.cfg"
cp content/campaign-week.staff.cfg "$TMP/bad/"   # the file c.cfg @includes
cp content/posters/*.png "$TMP/bad/posters/"
head -c 300 content/posters/theme-128x64.png >"$TMP/bad/posters/theme-128x64.png"
set +e
$L preview "$TMP/bad/c.cfg" --board canteen --item poster-theme --at "$AT" -o "$TMP/bad.png" 2>"$TMP/err.txt"
rc=$?
set -e
cat "$TMP/err.txt"
[ "$rc" -eq 1 ] || fail "corrupt poster: exit $rc, expected 1"
grep -q "poster-theme" "$TMP/err.txt" && grep -q "theme-128x64.png" "$TMP/err.txt" || fail "error does not name item and file"

# Usage errors.
set +e
$L preview $CFG --board gate -o "$TMP/x.png" 2>/dev/null; [ $? -eq 2 ] || fail "missing --item is not a usage error"
$L preview $CFG --board nosuch --item theme -o "$TMP/x.png" 2>"$TMP/err2.txt"; [ $? -eq 1 ] || fail "unknown board"
grep -q nosuch "$TMP/err2.txt" || fail "unknown board not named"
exit 0
