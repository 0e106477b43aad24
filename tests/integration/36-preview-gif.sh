# `preview -o NAME.gif`: animated GIFs (giflib), decoded here by Pillow and
# compared with preview's own PNG frames.
#  - one board's item, --raw: every 1/fps step of the GIF is, pixel for
#    pixel, the PNG frame `preview --frames` draws for that time, and the
#    delays add up to --for (frame i starts at round(100 i / fps) cs);
#  - the whole site (--all): one picture with every board in LED look, whose
#    LED centres are the colours of `preview --all --raw --frames` at the
#    same moments;
#  - a rule's playlist; and the errors.
. tests/lib.sh
L=$B/ledsign
CFG=content/campaign-week.cfg
AT="2023-09-13 10:00"
PY=/usr/bin/python3

# --- one board's item, raw: exact
$L preview $CFG --board dorm-2 --item theme --raw --for 2 --fps 10 -o "$TMP/theme.gif" 2>"$TMP/err" ||
	{ cat "$TMP/err"; fail "item GIF"; }
$L preview $CFG --board dorm-2 --item theme --raw --frames 20 --interval 0.1 -o "$TMP/theme-png" ||
	fail "item PNG frames"
# a page turn is a single change in a long still: a static item with pages
$L preview $CFG --board dorm-2 --item anti-fraud --raw --for 4 --fps 25 -o "$TMP/pages.gif" || fail "pages GIF"
$L preview $CFG --board dorm-2 --item anti-fraud --raw --frames 100 --interval 0.04 -o "$TMP/pages-png" ||
	fail "pages PNG frames"
cat >"$TMP/cmp.py" <<'PY'
import sys
from PIL import Image
gif, pngdir, board, fps, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
im = Image.open(gif)
assert im.is_animated or n == 1
starts, t = [], 0
frames = []
for k in range(im.n_frames):
    im.seek(k)
    starts.append(t)
    t += im.info["duration"]
    frames.append(im.convert("RGB").copy())
# the GIF's clock: the delays add up to the whole length, in 10 ms steps
assert t == round(n * 1000 / fps), (t, n, fps)
for i in range(n):
    ms = round(100 * i / fps) * 10
    k = max(j for j in range(len(starts)) if starts[j] <= ms)
    png = Image.open("%s/%s-%03d.png" % (pngdir, board, i)).convert("RGB")
    assert png.size == frames[k].size, (png.size, frames[k].size)
    if list(png.getdata()) != list(frames[k].getdata()):
        sys.exit("frame %d (%d ms): GIF frame %d differs from %s-%03d.png" % (i, ms, k, board, i))
print(len(frames))
PY
nf=$($PY "$TMP/cmp.py" "$TMP/theme.gif" "$TMP/theme-png" dorm-2 10 20) || fail "item GIF differs from the PNG frames"
[ "$nf" -eq 20 ] || fail "a scroll at 10 fps for 2 s should be 20 GIF frames, not $nf"
nf=$($PY "$TMP/cmp.py" "$TMP/pages.gif" "$TMP/pages-png" dorm-2 25 100) || fail "pages GIF differs from the PNG frames"
[ "$nf" -le 3 ] || fail "3 pages over 4 s stored as $nf frames: equal frames are not merged"

# --- the whole site at a moment, LED look
$L preview $CFG --all --at "$AT" --for 1 --fps 10 -o "$TMP/site.gif" 2>"$TMP/err" || { cat "$TMP/err"; fail "site GIF"; }
$L preview $CFG --all --at "$AT" --raw --frames 10 --interval 0.1 -o "$TMP/site-png" || fail "site PNG frames"
$L check $CFG --list >"$TMP/boards.txt"
cat >"$TMP/site.py" <<'PY'
import sys
from PIL import Image
gif, pngdir, boards = sys.argv[1], sys.argv[2], [l.split() for l in open(sys.argv[3])]
MARGIN, LABEL, UNLIT = 8, 16, (0x26, 0x26, 0x26)
colours = {"red": (255, 0, 0)}
pitch = max(2, min(12, 960 // max(int(b[1]) for b in boards)))
W = max(int(b[1]) for b in boards) * pitch + 2 * MARGIN
H = MARGIN + sum(LABEL + int(b[2]) * pitch + MARGIN for b in boards)
im = Image.open(gif)
assert im.size == (W, H), (im.size, W, H)
def expect(v, fmt):
    if v == (0, 0, 0):
        return UNLIT
    if fmt == "mono":
        return (255, 0, 0)              # the sample's gate is red
    peak = max(v)
    return tuple(min(255, c + u * (255 - peak) // 255) for c, u in zip(v, UNLIT))
starts, t = [], 0
for k in range(im.n_frames):
    im.seek(k); starts.append(t); t += im.info["duration"]
assert t == 1000, t
bad = total = 0
for i in range(10):
    k = max(j for j in range(len(starts)) if starts[j] <= i * 100)
    im.seek(k)
    fr = im.convert("RGB")
    y = MARGIN
    for name, w, h, fmt, proto, addr in boards:
        w, h = int(w), int(h)
        y += LABEL
        raw = Image.open("%s/%s-%03d.png" % (pngdir, name, i)).convert("RGB")
        for ly in range(h):
            for lx in range(w):
                want = expect(raw.getpixel((lx, ly)), fmt)
                got = fr.getpixel((MARGIN + lx * pitch + pitch // 2, y + ly * pitch + pitch // 2))
                total += 1
                # exact, but for RGB frames of over 256 colours (median cut)
                if max(abs(a - b) for a, b in zip(got, want)) > (0 if fmt in ("mono", "red-green") else 40):
                    bad += 1
        y += h * pitch + MARGIN
print(bad, total)
assert bad <= total // 200, "%d of %d LED centres differ" % (bad, total)
PY
$PY "$TMP/site.py" "$TMP/site.gif" "$TMP/site-png" "$TMP/boards.txt" >"$TMP/site.out" ||
	{ cat "$TMP/site.out"; fail "site GIF does not show what preview --all shows"; }

# at lunch the canteen shows a layout (three areas): the site GIF composes it too
$L preview $CFG --all --at "2023-09-13 12:00" --for 1 --fps 10 -o "$TMP/lunch-site.gif" || fail "lunch site GIF"
$L preview $CFG --all --at "2023-09-13 12:00" --raw --frames 10 --interval 0.1 -o "$TMP/lunch-png" ||
	fail "lunch PNG frames"
$PY "$TMP/site.py" "$TMP/lunch-site.gif" "$TMP/lunch-png" "$TMP/boards.txt" >"$TMP/site.out" ||
	{ cat "$TMP/site.out"; fail "site GIF at lunch does not show what preview --all shows (the canteen's layout)"; }

# --- a rule's playlist on one board; a file others can read
$L preview $CFG --board canteen --rule campaign-canteen --at "2023-09-13 15:00" --for 2 --fps 5 -o "$TMP/lunch.gif" ||
	fail "rule GIF"
$PY -c "
from PIL import Image
im = Image.open('$TMP/lunch.gif'); assert im.size == (896, 448), im.size
" || fail "rule GIF is not the canteen's LED look"
[ "$(stat -c %a "$TMP/lunch.gif")" = "$(printf '%o' $((0666 & ~$(umask))))" ] || fail "GIF mode is not 0666 & umask"

# --- errors
$L preview $CFG --board canteen --rule nosuch -o "$TMP/x.gif" 2>"$TMP/err" && fail "unknown rule accepted"
grep -q 'no schedule rule named "nosuch"' "$TMP/err" || { cat "$TMP/err"; fail "unknown rule message"; }
$L preview $CFG --board canteen --rule campaign-canteen -o "$TMP/x.png" 2>/dev/null && fail "--rule without .gif accepted"
$L preview $CFG --board canteen --item theme --fps 99 -o "$TMP/x.gif" 2>"$TMP/err" && fail "--fps 99 accepted"
$L preview $CFG --board canteen --item theme -o "$TMP/nodir/x.gif" 2>"$TMP/err" && fail "unwritable path accepted"
grep -q "$TMP/nodir/x.gif" "$TMP/err" || { cat "$TMP/err"; fail "unwritable path not named"; }
[ ! -e "$TMP/x.gif" ] || fail "a failed GIF was left behind"
echo "36-preview-gif: ok"
