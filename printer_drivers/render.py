"""Pixels: Vietnamese text, QR codes and CODE128 barcodes as 1-bit images for a thermal printer.

Every image made here is mode "1" with **1 = ink** (a dot the print head burns). That is the bit order
of ESC/POS raster data, so `image.tobytes()` is the printer's data as is; it is the opposite of what
Pillow shows on screen, so a preview must invert (see `document.preview`).
"""
from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import qrcode
import qrcode.constants
from PIL import Image, ImageDraw, ImageFont

from printer_drivers.inkcache import image_bytes, ink_cache

FONT_DIR = Path(__file__).resolve().parent.parent / "assets" / "fonts"
"""The bundled fonts (Noto Sans, OFL): the kiosk and board load the same files."""
FONT_REGULAR = FONT_DIR / "NotoSans-Regular.ttf"
FONT_BOLD = FONT_DIR / "NotoSans-Bold.ttf"

#: Anti-aliased coverage at or above this (0-255) becomes a dot. Below the middle so that thin strokes
#: and the small tone marks (dấu hỏi, dấu ngã) survive the 1-bit threshold.
INK_THRESHOLD = 104
_LUT = [255 if v >= INK_THRESHOLD else 0 for v in range(256)]


@dataclass(frozen=True)
class TextStyle:
    """Size (in printer dots, 8 per mm) and weight of a text."""

    size: int
    bold: bool = False
    leading: float = 1.22
    """Line pitch as a multiple of the size."""

    @property
    def pitch(self) -> int:
        """Distance between baselines of wrapped lines, in dots."""
        return round(self.size * self.leading)


@functools.lru_cache(maxsize=64)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """The bundled font at a size in dots."""
    return ImageFont.truetype(str(FONT_BOLD if bold else FONT_REGULAR), size)


def normalize(text: str) -> str:
    """NFC: Vietnamese typed with combining marks (NFD, from some IMEs and macOS) becomes the
    precomposed letters the font draws best; control characters become spaces."""
    text = unicodedata.normalize("NFC", text)
    return "".join(" " if unicodedata.category(c) == "Cc" else c for c in text)


@dataclass(frozen=True)
class InkLine:
    """One rendered line of text, cropped to its ink.

    `top` is how far below the top of the line box the first inked row is, `x` how far right of the
    text's origin the first inked column is; `box_height` is the height of the whole line box. A line
    with no ink (spaces) has a 0x0 image.
    """

    image: Image.Image
    x: int
    top: int
    box_height: int
    advance: int


# Budgets in bytes, not entries (printer_drivers.inkcache says why): the lines and codes a kiosk reuses all
# day (center, services, labels, footer) are under 300 KB; a ticket's own number and QR are not reused, and a
# small budget also lets the lines of a dossier slip (a citizen's name) go soon.
LINE_CACHE_BYTES = 1024 * 1024
QR_CACHE_BYTES = 1024 * 1024


@ink_cache(max_bytes=LINE_CACHE_BYTES, size_of=lambda ink: image_bytes(ink.image))
def render_line(text: str, style: TextStyle) -> InkLine:
    """Render one line of text (no wrapping) and crop it to what is inked.

    Cached within LINE_CACHE_BYTES: a kiosk prints the same center name, labels and footer all day. The
    returned image is shared: paste it, never draw on it.
    """
    f = font(style.size, style.bold)
    ascent, descent = f.getmetrics()
    # Vietnamese capitals with a tone mark (Ắ, Ỗ) reach above the font's ascent: give them headroom.
    head = style.size // 3
    box_h = ascent + descent
    advance = max(1, round(f.getlength(text)))
    canvas = Image.new("L", (advance + style.size, box_h + head), 0)
    ImageDraw.Draw(canvas).text((style.size // 4, head), text, font=f, fill=255, anchor="la")
    ink = canvas.point(_LUT, "1")
    bbox = ink.getbbox()
    if bbox is None:
        return InkLine(Image.new("1", (0, 0)), 0, 0, box_h, advance)
    left, top, right, bottom = bbox
    return InkLine(ink.crop(bbox), left - style.size // 4, top - head, box_h, advance)


def text_width(text: str, style: TextStyle) -> float:
    """Advance width of a line of text in dots."""
    return font(style.size, style.bold).getlength(text)


def wrap(text: str, style: TextStyle, width: int) -> list[str]:
    """Greedy word wrap to a width in dots; a word longer than the width is broken between letters.

    Explicit newlines start new lines.
    """
    return list(_wrap(text, style, width))


def wrap_balanced(text: str, style: TextStyle, width: int) -> list[str]:
    """Word wrap into as few lines as `wrap`, but with lines of similar length (for centered text:
    no lonely last word)."""
    lines = _wrap(text, style, width)
    if len(lines) < 2 or "\n" in text:
        return list(lines)
    lo, hi = width // len(lines), width
    while lo < hi:
        mid = (lo + hi) // 2
        if len(_wrap(text, style, mid)) <= len(lines):
            hi = mid
        else:
            lo = mid + 1
    return list(_wrap(text, style, lo))


@functools.lru_cache(maxsize=1024)
def _wrap(text: str, style: TextStyle, width: int) -> tuple[str, ...]:
    lines: list[str] = []
    for paragraph in normalize_keep_newlines(text).split("\n"):
        words = paragraph.split()
        if not words:
            lines.append("")
            continue
        if text_width(paragraph.strip(), style) <= width:
            lines.append(paragraph.strip())  # fits: keep its spacing as written
            continue
        current = ""
        for word in words:
            candidate = f"{current} {word}" if current else word
            if text_width(candidate, style) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
                current = ""
            while text_width(word, style) > width:
                cut = _fit_chars(word, style, width)
                lines.append(word[:cut])
                word = word[cut:]
            current = word
        lines.append(current)
    return tuple(lines)


def normalize_keep_newlines(text: str) -> str:
    """NFC-normalize each line of a text, keeping its line breaks."""
    return "\n".join(normalize(part) for part in text.replace("\r\n", "\n").split("\n"))


def _fit_chars(word: str, style: TextStyle, width: int) -> int:
    lo, hi = 1, len(word)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if text_width(word[:mid], style) <= width:
            lo = mid
        else:
            hi = mid - 1
    return max(1, lo)


# -- QR codes -------------------------------------------------------------------------------------------

_EC = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}


@ink_cache(max_bytes=QR_CACHE_BYTES, size_of=image_bytes)
def qr_image(data: str, *, module: int, ec: str = "M") -> Image.Image:
    """A QR code as ink, `module` dots per module, without a quiet zone (the paper around is blank).

    The printer's native QR (GS ( k) picks its own version and mask for the same data and level, so
    the preview of a native QR is this image: same size and payload, maybe another mask.
    """
    qr = qrcode.QRCode(version=None, error_correction=_EC[ec], box_size=1, border=0)
    qr.add_data(data.encode("utf-8"))
    qr.make(fit=True)
    matrix = qr.get_matrix()
    n = len(matrix)
    img = Image.new("1", (n, n), 0)
    img.putdata([1 if cell else 0 for row in matrix for cell in row])
    return img.resize((n * module, n * module), Image.Resampling.NEAREST)


@functools.lru_cache(maxsize=1024)
def qr_modules(data: str, *, ec: str = "M") -> int:
    """Modules per side of the smallest QR code holding the data.

    Only the version is computed: building the matrix (mask selection) costs ~15 ms in pure Python, and
    a native QR never needs it outside the preview.
    """
    qr = qrcode.QRCode(version=None, error_correction=_EC[ec], box_size=1, border=0)
    qr.add_data(data.encode("utf-8"))
    version = qr.best_fit()
    return 17 + 4 * version


# -- CODE128 --------------------------------------------------------------------------------------------


def code128_modules(data: str) -> str:
    """The bar pattern ("1" = bar) of `data` in CODE128 code set B, as the printer draws it for "{B"."""
    from barcode.charsets import code128 as charset  # python-barcode, a dependency of python-escpos

    values = [104] + [ord(c) - 32 for c in data]
    if any(not 0 <= v - 0 < 95 for v in values[1:]):
        raise ValueError("CODE128 code set B holds printable ASCII only")
    check = (values[0] + sum(i * v for i, v in enumerate(values[1:], start=1))) % 103
    # python-barcode's STOP is the 11-module stop character; the symbol ends with a 2-module bar after it.
    return "".join(charset.CODES[v] for v in values + [check]) + charset.STOP + "11"


def barcode_image(data: str, *, module: int, height: int) -> Image.Image:
    """A CODE128 (set B) barcode as ink: `module` dots per module, `height` dots tall, no quiet zone."""
    pattern = code128_modules(data)
    row = Image.new("1", (len(pattern), 1), 0)
    row.putdata([1 if c == "1" else 0 for c in pattern])
    return row.resize((len(pattern) * module, height), Image.Resampling.NEAREST)


# -- the printer's own font, drawn for previews -----------------------------------------------------------

#: Character cell of the printer's fonts in dots (Epson-compatible 203 dpi heads): font A 12x24, B 9x17.
PRINTER_FONT_CELL = {"a": (12, 24), "b": (9, 17)}


@functools.lru_cache(maxsize=4096)
def _cell_glyph(char: str, cell_w: int, cell_h: int, bold: bool) -> Image.Image:
    f = font(round(cell_h * 0.78), bold)
    img = Image.new("L", (cell_w, cell_h), 0)
    ImageDraw.Draw(img).text((cell_w / 2, cell_h * 0.8), char, font=f, fill=255, anchor="ms")
    return img.point(_LUT, "1")


def printer_font_image(text: str, *, font_name: str = "a", bold: bool = False, width_mag: int = 1,
                       height_mag: int = 1) -> Image.Image:
    """An approximation of how the printer draws ASCII in its own font (for previews only).

    Each character sits in the font's fixed cell, so columns and line lengths match the paper.
    """
    cell_w, cell_h = PRINTER_FONT_CELL[font_name]
    img = Image.new("1", (max(1, cell_w * len(text)), cell_h), 0)
    for i, ch in enumerate(text):
        if ch != " ":
            img.paste(_cell_glyph(ch, cell_w, cell_h, bold), (i * cell_w, 0))
    if width_mag != 1 or height_mag != 1:
        img = img.resize((img.width * width_mag, img.height * height_mag), Image.Resampling.NEAREST)
    return img
