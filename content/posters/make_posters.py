#!/usr/bin/python3
"""Make the sample campaign's posters (content/posters/*.png).

Run from anywhere:  /usr/bin/python3 content/posters/make_posters.py
Needs Debian's python3-pil and fonts-noto-cjk.  The posters are drawn at the
exact LED size of the boards that show them (128x64 canteen, 128x32 teaching
buildings), so every pixel is one LED and nothing is blurred by scaling.
Small text is drawn without antialiasing: on an LED board a grey fringe only
makes strokes look thicker.
"""
import os
import subprocess
import sys

from PIL import Image, ImageDraw, ImageFont

HERE = os.path.dirname(os.path.abspath(__file__))


def font_file(spec):
    """Path and collection index of a fontconfig match, e.g. 'Noto Sans CJK SC:style=Bold'."""
    out = subprocess.run(["fc-match", "-f", "%{file}|%{index}", spec],
                         capture_output=True, text=True, check=True).stdout
    path, index = out.split("|")
    return path, int(index or 0)


BOLD = font_file("Noto Sans CJK SC:style=Bold")
REGULAR = font_file("Noto Sans CJK SC:style=Regular")


def font(size, bold=True):
    path, index = BOLD if bold else REGULAR
    return ImageFont.truetype(path, size, index=index)


def text(d, xy, s, size, fill, bold=True, anchor="lt"):
    d.fontmode = "1" if size <= 16 else "L"
    d.text(xy, s, font=font(size, bold), fill=fill, anchor=anchor)


def shield(d, x, y, w, h, fill, mark):
    """A shield with a tick: the usual 'protected' sign."""
    d.polygon([(x, y + h // 6), (x + w // 2, y), (x + w, y + h // 6),
               (x + w, y + h // 2), (x + w // 2, y + h), (x, y + h // 2)], fill=fill)
    d.line([(x + w // 4, y + h // 2), (x + w // 2 - 1, y + h * 2 // 3),
            (x + w * 3 // 4 + 1, y + h // 3)], fill=mark, width=max(2, w // 8))


def lock(d, x, y, w, h, fill, bg):
    d.rectangle([x, y + h * 2 // 5, x + w, y + h], fill=fill)
    d.arc([x + w // 6, y, x + w * 5 // 6, y + h * 4 // 5], 180, 360, fill=fill, width=max(2, w // 6))
    d.rectangle([x + w // 2 - 1, y + h * 3 // 5, x + w // 2 + 1, y + h * 4 // 5], fill=bg)


def theme_128x64():
    im = Image.new("RGB", (128, 64), (0, 40, 110))
    d = ImageDraw.Draw(im)
    shield(d, 4, 6, 30, 36, (255, 255, 255), (0, 140, 60))
    text(d, (40, 5), "网络安全", 20, (255, 220, 0))
    text(d, (40, 30), "为人民", 13, (255, 255, 255))
    text(d, (86, 30), "靠人民", 13, (255, 255, 255))
    d.rectangle([0, 49, 127, 63], fill=(200, 16, 46))
    text(d, (64, 51), "国家网络安全宣传周", 12, (255, 255, 255), anchor="mt")
    return im


def campus_128x64():
    im = Image.new("RGB", (128, 64), (0, 96, 64))
    d = ImageDraw.Draw(im)
    text(d, (64, 2), "9·12 校园日", 16, (255, 230, 0), anchor="mt")
    text(d, (64, 22), "守护青春", 18, (255, 255, 255), anchor="mt")
    text(d, (64, 43), "网络有你", 18, (255, 255, 255), anchor="mt")
    return im


def laws_128x64():
    im = Image.new("RGB", (128, 64), (250, 246, 235))
    d = ImageDraw.Draw(im)
    d.rectangle([0, 0, 127, 14], fill=(200, 16, 46))
    text(d, (64, 1), "学法 懂法 守法", 12, (255, 255, 255), anchor="mt")
    rows = ["网络安全法 数据安全法", "个人信息保护法 密码法", "关键信息基础设施", "安全保护条例"]
    for i, s in enumerate(rows):
        text(d, (64, 16 + i * 12), s, 11, (30, 30, 30), anchor="mt")
    return im


def privacy_128x64():
    im = Image.new("RGB", (128, 64), (20, 20, 20))
    d = ImageDraw.Draw(im)
    lock(d, 6, 8, 26, 34, (255, 180, 0), (20, 20, 20))
    text(d, (40, 8), "个人信息", 16, (255, 255, 255))
    text(d, (40, 29), "不乱填 不乱扫", 12, (255, 180, 0))
    text(d, (64, 49), "不轻信 不透露 不转账", 12, (120, 220, 255), anchor="mt")
    return im


def theme_128x32():
    im = Image.new("RGB", (128, 32), (0, 40, 110))
    d = ImageDraw.Draw(im)
    shield(d, 2, 3, 22, 26, (255, 255, 255), (0, 140, 60))
    text(d, (28, 2), "网络安全为人民", 13, (255, 220, 0))
    text(d, (28, 17), "网络安全靠人民", 13, (255, 255, 255))
    return im


POSTERS = {
    "theme-128x64.png": theme_128x64,
    "campus-day-128x64.png": campus_128x64,
    "laws-128x64.png": laws_128x64,
    "privacy-128x64.png": privacy_128x64,
    "theme-128x32.png": theme_128x32,
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else HERE
    for name, make in POSTERS.items():
        path = os.path.join(out, name)
        make().save(path, optimize=True)
        print("wrote", path)


if __name__ == "__main__":
    main()
