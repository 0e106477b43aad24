#!/usr/bin/python3
"""Frames per second of Pillow drawing the theme slogan, for bench/render.sh.

usage: render_pillow.py W H MODE SIZE FONTFILE INDEX [PNG|- [FRAMES]]
MODE is "1" (1-bit, like a mono board) or "RGB".  Each frame is a new
image with the slogan's two lines drawn centred, as render_item does; the
font is loaded once, outside the timing.  Prints frames per second.
With PNG, the first frame is saved there (bench/render_compare.py); with
FRAMES, exactly that many frames are drawn and nothing is printed (for
instruction counts under callgrind: a run of N frames minus one of 0).
"""
import sys, time
from PIL import Image, ImageDraw, ImageFont

w, h, mode, size, path, index = sys.argv[1:7]
w, h, size, index = int(w), int(h), int(size), int(index)
font = ImageFont.truetype(path, size, index=index)
text = "网络安全为人民,\n网络安全靠人民"
fill = 1 if mode == "1" else (255, 0, 0)

def frame():
    img = Image.new(mode, (w, h))
    d = ImageDraw.Draw(img)
    d.multiline_text((w / 2, h / 2), text, font=font, fill=fill, anchor="mm", align="center", spacing=0)
    return img

if len(sys.argv) > 7 and sys.argv[7] != "-":
    frame().save(sys.argv[7])       # one frame, for render_compare.py
if len(sys.argv) > 8:               # exactly FRAMES frames, untimed (callgrind)
    for _ in range(int(sys.argv[8])):
        frame()
    sys.exit(0)
n, t0 = 0, time.perf_counter()
while True:
    for _ in range(50):
        frame()
    n += 50
    t1 = time.perf_counter()
    if t1 - t0 >= 1.5:
        break
print("%.1f" % (n / (t1 - t0)))
