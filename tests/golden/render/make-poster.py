#!/usr/bin/python3
# Makes poster.png, the fixed input of the image golden tests: a hue sweep
# left to right, dark to light top to bottom, a white disc, and a
# transparent top-right corner.  Run once; the PNG is committed.
import colorsys
from PIL import Image, ImageDraw

W, H = 120, 60
img = Image.new("RGBA", (W, H))
px = img.load()
for y in range(H):
    for x in range(W):
        r, g, b = colorsys.hsv_to_rgb(x / W, 1.0, 0.15 + 0.85 * y / (H - 1))
        px[x, y] = (int(r * 255), int(g * 255), int(b * 255), 255)
d = ImageDraw.Draw(img)
d.ellipse((20, 10, 50, 40), fill=(255, 255, 255, 255))
for y in range(0, 20):
    for x in range(W - 30, W):
        px[x, y] = (px[x, y][0], px[x, y][1], px[x, y][2], 0)
img.save("poster.png")
