# Animated previews of screen areas: `preview --layout -o NAME.gif --raw`
# is, frame for frame, what `preview --layout --frames` draws; a site GIF
# (--all) draws a board whose rule shows a layout with its areas, not dark;
# `--rule` takes a rule that shows a layout.
. tests/lib.sh
L=$B/ledsign
CFG=content/campaign-week.cfg
AT="2023-09-13 12:05"
PY=/usr/bin/python3

$L preview $CFG --board canteen --layout canteen-meal --at "$AT" --raw --for 1 --fps 10 -o "$TMP/meal.gif" 2>"$TMP/err" ||
	{ cat "$TMP/err"; fail "layout GIF"; }
$L preview $CFG --board canteen --layout canteen-meal --at "$AT" --raw --frames 10 --interval 0.1 -o "$TMP/meal-png" ||
	fail "layout PNG frames"
cat >"$TMP/cmp.py" <<'PY'
import sys
from PIL import Image
gif, pngdir, board, fps, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
im = Image.open(gif)
starts, t, frames = [], 0, []
for k in range(im.n_frames):
    im.seek(k)
    starts.append(t)
    t += im.info["duration"]
    frames.append(im.convert("RGB").copy())
for i in range(n):
    ms = round(100 * i / fps) * 10
    k = max(j for j in range(len(starts)) if starts[j] <= ms)
    png = Image.open("%s/%s-%03d.png" % (pngdir, board, i)).convert("RGB")
    if png.size != frames[k].size or list(png.getdata()) != list(frames[k].getdata()):
        sys.exit("frame %d: GIF frame %d differs from %s-%03d.png" % (i, k, board, i))
print(len(frames))
PY
nf=$($PY "$TMP/cmp.py" "$TMP/meal.gif" "$TMP/meal-png" canteen 10 10) || fail "layout GIF differs from the PNG frames"
[ "$nf" -ge 2 ] || fail "the tips strip scrolls: the layout GIF should have several frames, not $nf"
echo "layout GIF: $nf frames, each the PNG frame preview --layout draws"

# The site at lunch: the canteen shows its clock strip (green LEDs), not a dark board
cat >"$TMP/green.py" <<'PY'
import sys
from PIL import Image
im = Image.open(sys.argv[1]).convert("RGB")
print(sum(1 for r, g, b in im.getdata() if g > 200 and r < 80 and b < 80))
PY
$L preview $CFG --all --board canteen --at "$AT" --for 0.5 --fps 10 -o "$TMP/site.gif" 2>"$TMP/err" || { cat "$TMP/err"; fail "site GIF"; }
g=$($PY "$TMP/green.py" "$TMP/site.gif") || fail "cannot read the site GIF"
[ "$g" -gt 100 ] || fail "site GIF: the canteen's clock strip is not there ($g green pixels)"
echo "site GIF: the canteen at lunch is drawn with its areas ($g green clock-strip pixels)"

# --rule: a rule that shows a layout, from its first items
$L preview $CFG --board canteen --rule lunch --at "$AT" --raw --for 0.5 --fps 10 -o "$TMP/rule.gif" 2>"$TMP/err" ||
	{ cat "$TMP/err"; fail "--rule lunch (a layout) refused"; }
g=$($PY "$TMP/green.py" "$TMP/rule.gif") || fail "cannot read the rule GIF"
[ "$g" -gt 50 ] || fail "rule GIF: no clock strip ($g green pixels)"
echo "rule GIF: a layout rule plays from its start"
