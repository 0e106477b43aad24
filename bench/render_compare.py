#!/usr/bin/python3
"""Do ledsign and Pillow draw the same thing?  For bench/render.sh.

usage: render_compare.py OURS.png PILLOW.png
Both are one frame of the theme slogan, the same size, lit text on black.
Each pixel's coverage: ours blends in linear light (docs/rendering.md), so
its brightest channel is turned back to linear; Pillow blends the sRGB
values directly, so its value / 255 is the coverage.  A pixel is lit at
coverage >= 0.5.

The two centre a line by different widths (Pillow counts the advance of a
line's last glyph, ",", we its ink), which moves a line by a pixel or two;
so the frames are compared after the best vertical shift of the whole
frame and the best horizontal shift of each row (both within 4 pixels).
Prints: our lit pixels, Pillow's, the pixels lit on one side only after
that alignment, our ink (coverage summed), Pillow's.
"""
import sys
from PIL import Image


def lin(v):
    c = v / 255.0
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def lit_rows(path, linear):
    im = Image.open(path).convert("RGB")
    w, h = im.size
    cov = [lin(max(p)) if linear else max(p) / 255.0 for p in im.getdata()]
    rows = [[cov[y * w + x] >= 0.5 for x in range(w)] for y in range(h)]
    return (w, h), rows, sum(cov)


def row_diff(a, b, dx):
    w = len(a)
    return sum(1 for x in range(w) if a[x] != (b[x - dx] if 0 <= x - dx < w else False))


(sa, a, inka), (sb, b, inkb) = lit_rows(sys.argv[1], True), lit_rows(sys.argv[2], False)
if sa != sb:
    sys.exit("render_compare: sizes differ: %s and %s" % (sa, sb))
w, h = sa
best = None
for dy in range(-4, 5):
    d = 0
    for y in range(h):
        other = b[y - dy] if 0 <= y - dy < h else [False] * w
        d += min(row_diff(a[y], other, dx) for dx in range(-4, 5))
    best = d if best is None else min(best, d)
print(sum(map(sum, a)), sum(map(sum, b)), best, "%.1f" % inka, "%.1f" % inkb)
