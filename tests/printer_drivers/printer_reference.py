"""Reference renderings for the tests: plain Pillow, drawn the textbook way, independent of our code."""
from __future__ import annotations

import unicodedata
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFont

FONTS = Path(__file__).resolve().parents[2] / "assets" / "fonts"


def reference_ink(text: str, size: int, bold: bool = False, *, threshold: int = 128) -> Image.Image:
    """Pillow's own rendering of `text`, thresholded (at the middle unless told), cropped to the ink
    (1 = ink)."""
    font = ImageFont.truetype(str(FONTS / ("NotoSans-Bold.ttf" if bold else "NotoSans-Regular.ttf")), size)
    left, top, right, bottom = font.getbbox(text)
    img = Image.new("L", (right - left + 20, bottom - top + 20), 0)
    ImageDraw.Draw(img).text((10 - left, 10 - top), text, font=font, fill=255)
    ink = img.point(lambda v: 255 if v >= threshold else 0).convert("1")
    bbox = ink.getbbox()
    return ink.crop(bbox) if bbox else Image.new("1", (0, 0))


def strip_marks(text: str) -> str:
    """Vietnamese without its marks, as a broken code page would print it ("Bắc" -> "Bac")."""
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return bare.replace("Đ", "D").replace("đ", "d")


def crop_ink(img: Image.Image) -> Image.Image:
    bbox = img.getbbox()
    return img.crop(bbox) if bbox else Image.new("1", (0, 0))


def iou(a: Image.Image, b: Image.Image, *, slack: int = 2) -> float:
    """Overlap (intersection over union) of two ink images (1 = ink), aligned at their ink boxes'
    top-left corners give or take `slack` dots (a different threshold moves an edge by a dot); a size
    difference counts against them."""
    a, b = crop_ink(a.convert("1")), crop_ink(b.convert("1"))
    w, h = max(a.width, b.width) + 2 * slack, max(a.height, b.height) + 2 * slack
    if a.width == 0 or b.width == 0:
        return 0.0
    pa = Image.new("1", (w, h), 0)
    pa.paste(a, (slack, slack))
    best = 0.0
    for dx in range(-slack, slack + 1):
        for dy in range(-slack, slack + 1):
            pb = Image.new("1", (w, h), 0)
            pb.paste(b, (slack + dx, slack + dy))
            inter = ImageChops.logical_and(pa, pb).histogram()[255]
            union = ImageChops.logical_or(pa, pb).histogram()[255]
            best = max(best, inter / union if union else 0.0)
    return best
