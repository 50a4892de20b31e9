#!/usr/bin/python3
"""Renders the rich menu's Japanese labels into labels.png, a grayscale
coverage mask the Go program composes the menu image from (Go's standard
library has no font rasteriser, and bansou adds no module for one).

Run once after changing a label (Debian: apt-get install python3-pil
fonts-noto-cjk):  /usr/bin/python3 bot/line/menuart/gen.py
The glyphs come from Noto Sans CJK JP Bold (SIL Open Font License 1.1).
Each label is centred in a band of BAND pixels; the order is the order of
menuLabels in richmenu.go.
"""
from PIL import Image, ImageDraw, ImageFont
import os

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
LABELS = [["相談したい"], ["次の一歩", "を見る"], ["担当者"]]  # lines
WIDTH, BAND, SIZE, LEADING = 800, 360, 150, 170

font = ImageFont.truetype(FONT, SIZE, index=0)  # index 0: JP
img = Image.new("L", (WIDTH, BAND * len(LABELS)), 0)
d = ImageDraw.Draw(img)
for i, lines in enumerate(LABELS):
    top = i * BAND + (BAND - LEADING * len(lines)) // 2
    for k, text in enumerate(lines):
        l, t, r, b = d.textbbox((0, 0), text, font=font)
        x = (WIDTH - (r - l)) // 2 - l
        y = top + k * LEADING + (LEADING - (b - t)) // 2 - t
        d.text((x, y), text, fill=255, font=font)
img.save(os.path.join(os.path.dirname(__file__), "labels.png"), optimize=True)
