"""A printed page as a list of blocks, encoded to ESC/POS bytes and drawn to a PNG preview.

Both outputs come from the same blocks: a raster block is the same pixels on paper and on screen; a
native QR code or barcode is drawn for the preview from the same payload and module size; ASCII in the
printer's own font is drawn in its character cells (an approximation: the printer owns that font).
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field

from PIL import Image, ImageChops, ImageDraw

from printer_drivers import render
from printer_drivers._escpos import capabilities as _caps
from printer_drivers._escpos import printer as _printers
from printer_drivers.errors import LayoutError, ProfileError
from printer_drivers.render import InkLine, TextStyle
from printer_drivers.texts import ERR_LAYOUT, ERR_PAPER_WIDTH, ERR_PROFILE

ESC = b"\x1b"
GS = b"\x1d"
INIT = ESC + b"@"

#: Paper width in mm -> printable dots at 203 dpi.
PAPER_DOTS = {58: 384, 80: 576}
DEFAULT_PROFILE = "default"
#: Rows per GS v 0 command. Cheap printers with a small receive buffer drop bytes when one raster
#: command is larger than their buffer (often 4 KB); bands of at most this many rows and bytes are
#: accepted everywhere we tried, and the seams do not show.
BAND_ROWS = 128
BAND_BYTES = 4096
#: Line feed of the printer's font A at its default line spacing (1/6 inch at 203 dpi).
PRINTER_LINE_DOTS = 34


class Align(enum.IntEnum):
    """Horizontal placement (the value is ESC a's argument)."""

    LEFT = 0
    CENTER = 1
    RIGHT = 2


@dataclass(frozen=True)
class Raster:
    """Pixels (mode "1", 1 = ink) placed at `x` dots from the left, or centered/right-aligned.

    With `scale=2` each pixel prints as 2x2 dots (GS v 0 quadruple mode): a quarter of the bytes, for
    big shapes such as the ticket number whose edges do not need full resolution.
    """

    image: Image.Image
    align: Align = Align.LEFT
    x: int = 0
    scale: int = 1

    @property
    def width(self) -> int:
        """Width on paper, in dots."""
        return self.image.width * self.scale


@dataclass(frozen=True)
class Feed:
    """Blank paper, in dots."""

    dots: int


@dataclass(frozen=True)
class PrinterText:
    """One line of printable ASCII in the printer's own font (font "a" 12x24 or "b" 9x17 dots)."""

    text: str
    align: Align = Align.LEFT
    font: str = "a"
    bold: bool = False
    width_mag: int = 1
    height_mag: int = 1


@dataclass(frozen=True)
class QRCode:
    """A QR code: native (GS ( k) when the profile has it, raster otherwise."""

    data: str
    module: int = 5
    ec: str = "M"
    align: Align = Align.CENTER


@dataclass(frozen=True)
class Barcode:
    """A CODE128 barcode (code set B): native (GS k) when the profile has it, raster otherwise."""

    data: str
    module: int = 2
    height: int = 64
    align: Align = Align.CENTER


@dataclass(frozen=True)
class Cut:
    """Feed the paper past the cutter and cut."""

    partial: bool = True


Block = Raster | Feed | PrinterText | QRCode | Barcode | Cut


@dataclass(frozen=True)
class Paper:
    """Paper width and the printer profile (python-escpos's capability database)."""

    width_mm: int = 80
    profile: str = DEFAULT_PROFILE

    def __post_init__(self) -> None:
        if self.width_mm not in PAPER_DOTS:
            raise ProfileError(ERR_PAPER_WIDTH.format(value=self.width_mm))
        if self.profile not in _caps.CAPABILITIES["profiles"]:
            raise ProfileError(ERR_PROFILE.format(name=self.profile))

    @property
    def _data(self) -> dict:
        return _caps.CAPABILITIES["profiles"][self.profile]

    @property
    def dots(self) -> int:
        """Printable width in dots: the paper's, or the profile's when its head is narrower."""
        dots = PAPER_DOTS[self.width_mm]
        pixels = self._data.get("media", {}).get("width", {}).get("pixels")
        return min(dots, pixels) if isinstance(pixels, int) and pixels > 0 else dots

    def supports(self, feature: str) -> bool:
        """Whether the profile lists a feature (qrCode, barcodeB, bitImageRaster, graphics, ...)."""
        return bool(self._data.get("features", {}).get(feature))

    @property
    def native_qr(self) -> bool:
        """GS ( k QR codes."""
        return self.supports("qrCode")

    @property
    def native_code128(self) -> bool:
        """GS k function B barcodes (CODE128 is only in function B)."""
        return self.supports("barcodeB")

    @property
    def raster_command(self) -> str:
        """`bitImageRaster` (GS v 0) unless the profile only has `graphics` (GS ( L)."""
        if self.supports("bitImageRaster") or not self.supports("graphics"):
            return "bitImageRaster"
        return "graphics"

    def escpos_profile(self) -> object:
        """A python-escpos profile object with our paper width filled in.

        Filling the width matters: python-escpos's `image()` prints a warning to stdout for profiles
        whose width is "Unknown" (the default profile), and checks images against it.
        """
        data = dict(self._data)
        media = dict(data.get("media", {}))
        media["width"] = {"mm": self.width_mm, "pixels": self.dots}
        if not isinstance(media.get("dpi"), int):
            media["dpi"] = 203
        data["media"] = media
        cls = type("MotcuaProfile", (_caps.BaseProfile,), {"profile_data": data})
        return cls()


@dataclass(frozen=True)
class Job:
    """A page ready to print: its blocks, the paper it was laid out for, and a name for logs."""

    blocks: tuple[Block, ...]
    paper: Paper
    name: str = "job"

    def to_bytes(self) -> bytes:
        """The ESC/POS bytes of the job."""
        return encode(self)

    def preview(self) -> Image.Image:
        """The PNG preview (black on white, 1 pixel per dot)."""
        return preview(self)


# -- building a page --------------------------------------------------------------------------------------


@dataclass
class PageBuilder:
    """Lays out a page top to bottom for one paper width."""

    paper: Paper
    blocks: list[Block] = field(default_factory=list)

    @property
    def width(self) -> int:
        """Printable width in dots."""
        return self.paper.dots

    def feed(self, dots: int) -> None:
        """Blank paper (consecutive feeds merge)."""
        if dots <= 0:
            return
        if self.blocks and isinstance(self.blocks[-1], Feed):
            self.blocks[-1] = Feed(self.blocks[-1].dots + dots)
        else:
            self.blocks.append(Feed(dots))

    def text(self, text: str, style: TextStyle, *, align: Align = Align.LEFT, indent: int = 0,
             hanging: int = 0, printer_font: bool = False, scale: int = 1) -> None:
        """A paragraph, word-wrapped to the paper (centered paragraphs get lines of balanced length).

        Rendered with the bundled font. With `printer_font=True`, a paragraph that is plain ASCII, and
        the runs of a mixed paragraph that look like an address, phone number, time or URL, use the
        printer's font instead (a few bytes per line instead of a few hundred). `hanging` indents the
        wrapped lines after the first. `scale=2` renders at half resolution and prints each pixel as
        2x2 dots (for very large text).
        """
        if printer_font:
            segments = printer_font_segments(text)
            if len(segments) > 1 or segments[0][1]:
                for segment, native in segments:
                    if native:
                        self.printer_text(segment, align=align, font="a" if style.size >= 22 else "b",
                                          bold=style.bold)
                    else:
                        self.text(segment, style, align=align, indent=indent, hanging=hanging)
                return
        if scale != 1:
            style = TextStyle(max(4, round(style.size / scale)), style.bold, style.leading)
        width = (self.width - indent) // scale
        wrapper = render.wrap_balanced if align is Align.CENTER else render.wrap
        first, *rest = wrapper(text, style, width) or [""]
        self._line(first, style, align=align, x=indent, scale=scale)
        if rest:
            for line in wrapper(" ".join(rest), style, width - hanging // scale):
                self._line(line, style, align=align, x=indent + hanging, scale=scale)

    def _line(self, line: str, style: TextStyle, *, align: Align, x: int, scale: int = 1) -> None:
        ink = render.render_line(line, style)
        gap = style.pitch - ink.box_height
        if ink.image.width == 0:
            self.feed(style.pitch * scale)
            return
        self.feed(max(0, ink.top + gap // 2) * scale)
        x = max(0, x + ink.x * scale) if align is Align.LEFT else 0
        self.blocks.append(Raster(ink.image, align, x, scale))
        self.feed(max(0, ink.box_height - ink.top - ink.image.height + gap - gap // 2) * scale)

    def image(self, image: Image.Image, *, align: Align = Align.CENTER, x: int = 0, scale: int = 1) -> None:
        """Pixels (mode "1", 1 = ink) as they are (`scale=2`: each pixel printed as 2x2 dots)."""
        if image.width * scale + x > self.width:
            raise LayoutError(ERR_LAYOUT.format(detail=f"image {image.width * scale} dots > paper {self.width}"))
        self.blocks.append(Raster(image, align, x, scale))

    def printer_text(self, text: str, *, align: Align = Align.LEFT, font: str = "a", bold: bool = False,
                     width_mag: int = 1, height_mag: int = 1) -> None:
        """ASCII in the printer's own font, wrapped to the font's columns."""
        if not is_printer_ascii(text):
            raise LayoutError(ERR_LAYOUT.format(detail=f"not printable ASCII: {text!r}"))
        cols = self.width // (render.PRINTER_FONT_CELL[font][0] * width_mag)
        for line in _wrap_columns(text, cols):
            self.blocks.append(PrinterText(line, align, font, bold, width_mag, height_mag))

    def columns(self, cells: list[tuple[str, TextStyle]]) -> None:
        """Texts side by side in equal columns, each centered in its column and wrapped within it."""
        col_w = self.width // len(cells)
        rendered: list[list[InkLine]] = []
        for text, style in cells:
            rendered.append([render.render_line(line, style) for line in render.wrap(text, style, col_w - 8)])
        pitch = max(style.pitch for _, style in cells)
        head = max(style.size for _, style in cells)  # room for marks above the line box
        box = max(ink.box_height for lines in rendered for ink in lines)
        rows = max(len(r) for r in rendered)
        canvas = Image.new("1", (self.width, head + (rows - 1) * pitch + box + head), 0)
        for i, lines in enumerate(rendered):
            for j, ink in enumerate(lines):
                if ink.image.width:
                    x = i * col_w + (col_w - ink.image.width) // 2
                    canvas.paste(ink.image, (x, head + j * pitch + ink.top))
        bbox = canvas.getbbox()
        if bbox is None:
            return
        self.feed(max(0, bbox[1] - head))
        self.blocks.append(Raster(canvas.crop((0, bbox[1], self.width, bbox[3])), Align.LEFT, 0))
        self.feed(max(0, head + (rows - 1) * pitch + pitch - bbox[3]))

    def rule(self, *, thickness: int = 2, dashed: bool = False, margin: int = 0) -> None:
        """A horizontal line across the paper."""
        img = Image.new("1", (self.width - 2 * margin, thickness), 1)
        if dashed:
            draw = ImageDraw.Draw(img)
            for x in range(8, img.width, 16):
                draw.rectangle((x, 0, x + 7, thickness - 1), fill=0)
        self.blocks.append(Raster(img, Align.LEFT, margin))

    def qr(self, data: str, *, module: int = 5, ec: str = "M", align: Align = Align.CENTER) -> None:
        """A QR code; the module shrinks if the code would not fit the paper."""
        if not data:
            raise LayoutError(ERR_LAYOUT.format(detail="empty QR payload"))
        try:
            n = render.qr_modules(data, ec=ec)
        except Exception as exc:  # qrcode raises DataOverflowError for too much data
            raise LayoutError(ERR_LAYOUT.format(detail=f"QR: {exc}")) from None
        module = max(1, min(module, self.width // n, 16))
        self.blocks.append(QRCode(data, module, ec, align))

    def barcode(self, data: str, *, module: int = 2, height: int = 64, align: Align = Align.CENTER) -> None:
        """A CODE128 barcode (printable ASCII); the module shrinks to fit, down to 1 dot."""
        try:
            n = len(render.code128_modules(data))
        except ValueError as exc:
            raise LayoutError(ERR_LAYOUT.format(detail=str(exc))) from None
        if n > self.width:
            raise LayoutError(ERR_LAYOUT.format(detail=f"barcode too wide for the paper: {data!r}"))
        module = max(1, min(module, self.width // n))
        self.blocks.append(Barcode(data, module, height, align))

    def cut(self, *, partial: bool = True) -> None:
        """Cut the paper here."""
        self.blocks.append(Cut(partial))

    def build(self, name: str = "job") -> Job:
        """The finished job."""
        return Job(tuple(self.blocks), self.paper, name)


def is_printer_ascii(text: str) -> bool:
    """Whether every character is printable ASCII (the same in every printer code page)."""
    return all(" " <= c <= "~" for c in text)


_MACHINE_CHARS = frozenset("0123456789.:/@")


def printer_font_segments(text: str) -> list[tuple[str, bool]]:
    """Split a paragraph into (text, in the printer's font?) runs.

    A whole-ASCII paragraph is one printer-font run. In a mixed paragraph only runs of ASCII words that
    look machine-made (with a digit or one of . : / @, and at least 8 characters) go to the printer's
    font: URLs, phone numbers, times. Vietnamese words that happen to have no marks ("Tra", "Ninh") stay
    with their sentence, in our font.
    """
    text = render.normalize(text)
    if is_printer_ascii(text):
        return [(text.strip(), True)]
    words = text.split()
    runs: list[tuple[list[str], bool]] = []
    for word in words:
        ascii_word = is_printer_ascii(word)
        if runs and runs[-1][1] == ascii_word:
            runs[-1][0].append(word)
        else:
            runs.append(([word], ascii_word))
    segments: list[tuple[str, bool]] = []
    for run_words, ascii_run in runs:
        run = " ".join(run_words)
        native = ascii_run and len(run) >= 8 and any(c in _MACHINE_CHARS for c in run)
        if native and run_words[0].endswith(":") and len(run_words) > 1 and not any(
                c in _MACHINE_CHARS for c in run_words[0][:-1]):
            # "Hotline: 0222..." - keep a label word with the sentence before it.
            segments.append((run_words[0], False))
            run = " ".join(run_words[1:])
        if segments and not native and not segments[-1][1]:
            segments[-1] = (f"{segments[-1][0]} {run}", False)
        else:
            segments.append((run, native))
    # A separator between two pieces ("... .vn — Đường dây nóng") is not needed once they sit on lines
    # of their own.
    cleaned = [(seg.strip(" —–-|·,;").strip() if not native else seg, native) for seg, native in segments]
    return [(seg, native) for seg, native in cleaned if seg]


def _wrap_columns(text: str, cols: int) -> list[str]:
    if len(text.strip()) <= cols:
        return [text.strip()]  # fits: keep its spacing ("08:17  04/12/2026")
    lines: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > cols:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:cols])
            word = word[cols:]
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= cols:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current or not lines:
        lines.append(current)
    return lines


# -- ESC/POS bytes ------------------------------------------------------------------------------------------


def _u16(n: int) -> bytes:
    return bytes((n & 0xFF, n >> 8 & 0xFF))


def _pad_to_byte(image: Image.Image, align: Align) -> Image.Image:
    """Pad the width to a multiple of 8 dots (raster rows are whole bytes), keeping a centered image
    centered."""
    extra = -image.width % 8
    if not extra:
        return image
    left = extra // 2 if align is Align.CENTER else 0
    padded = Image.new("1", (image.width + extra, image.height), 0)
    padded.paste(image, (left, 0))
    return padded


def raster_bytes(image: Image.Image, *, command: str = "bitImageRaster", scale: int = 1) -> bytes:
    """One raster image as GS v 0 (or GS ( L) commands in bands; `image` is mode "1", 1 = ink.

    The same framing as python-escpos's `image()` (the tests check that), without its RGBA round trip.
    `scale=2` prints each pixel as 2x2 dots.
    """
    if scale not in (1, 2):
        raise LayoutError(ERR_LAYOUT.format(detail=f"raster scale {scale}"))
    width_bytes = (image.width + 7) // 8
    rows = max(1, min(BAND_ROWS, BAND_BYTES // max(1, width_bytes)))
    out = bytearray()
    for top in range(0, image.height, rows):
        band = image.crop((0, top, image.width, min(image.height, top + rows)))
        data = band.tobytes()
        if command == "graphics":
            mag = b"\x02\x02" if scale == 2 else b"\x01\x01"
            body = b"0p0" + mag + b"1" + _u16(band.width) + _u16(band.height) + data
            out += GS + b"(L" + _u16(len(body)) + body
            out += GS + b"(L" + _u16(2) + b"02"
        else:
            out += GS + b"v0" + (b"\x03" if scale == 2 else b"\x00") + _u16(width_bytes) + _u16(band.height) + data
    return bytes(out)


def _qr_native(block: QRCode) -> bytes:
    sink = _printers.Dummy()
    ec = {"L": 0, "M": 1, "Q": 2, "H": 3}[block.ec]
    sink.qr(block.data, ec=ec, size=block.module, native=True)
    return sink.output


def _code128_native(block: Barcode) -> bytes:
    data = b"{B" + block.data.encode("ascii")
    return (GS + b"h" + bytes((block.height,)) + GS + b"w" + bytes((max(2, min(6, block.module)),))
            + GS + b"H\x00"  # no human-readable line: our layouts print the text themselves
            + GS + b"k\x49" + bytes((len(data),)) + data)


def encode(job: Job) -> bytes:
    """The job as ESC/POS bytes for its paper and profile."""
    paper = job.paper
    out = bytearray(INIT)
    align: Align | None = None

    def set_align(a: Align) -> None:
        nonlocal align
        if a is not align:
            out.extend(ESC + b"a" + bytes((int(a),)))
            align = a

    def raster(image: Image.Image, a: Align, x: int = 0, scale: int = 1) -> None:
        if a is Align.LEFT and x:
            # Left offsets as blank columns; whole blank bytes are cheap next to a misplaced line.
            x //= scale
            shifted = Image.new("1", (min(paper.dots // scale, image.width + x), image.height), 0)
            shifted.paste(image, (x, 0))
            image = shifted
        set_align(a)
        out.extend(raster_bytes(_pad_to_byte(image, a), command=paper.raster_command, scale=scale))

    for block in job.blocks:
        if isinstance(block, Raster):
            raster(block.image, block.align, block.x, block.scale)
        elif isinstance(block, Feed):
            dots = block.dots
            while dots > 0:
                out.extend(ESC + b"J" + bytes((min(255, dots),)))
                dots -= 255
        elif isinstance(block, PrinterText):
            set_align(block.align)
            size = (block.width_mag - 1) << 4 | (block.height_mag - 1)
            out.extend(ESC + b"M" + (b"\x01" if block.font == "b" else b"\x00"))
            out.extend(ESC + b"E" + (b"\x01" if block.bold else b"\x00"))
            out.extend(GS + b"!" + bytes((size,)))
            out.extend(block.text.encode("ascii") + b"\n")
            out.extend(ESC + b"E\x00" + GS + b"!\x00" + ESC + b"M\x00")
        elif isinstance(block, QRCode):
            if paper.native_qr:
                set_align(block.align)
                out.extend(_qr_native(block))
            else:
                raster(render.qr_image(block.data, module=block.module, ec=block.ec), block.align)
        elif isinstance(block, Barcode):
            if paper.native_code128:
                set_align(block.align)
                out.extend(_code128_native(block))
            else:
                raster(render.barcode_image(block.data, module=block.module, height=block.height),
                       block.align)
        elif isinstance(block, Cut):
            set_align(Align.LEFT)
            # Feed the last line past the cutter (the blade sits a few lines above the head), then cut.
            out.extend(ESC + b"d\x05")
            if paper.supports("paperPartCut") and block.partial:
                out.extend(GS + b"V\x01")
            elif paper.supports("paperFullCut") or paper.supports("paperPartCut"):
                out.extend(GS + b"V\x00" if paper.supports("paperFullCut") else GS + b"V\x01")
    return bytes(out)


# -- preview ------------------------------------------------------------------------------------------------

CUT_FEED_DOTS = 5 * PRINTER_LINE_DOTS


def _place(image: Image.Image, width: int, align: Align, x: int) -> tuple[Image.Image, int]:
    if align is Align.CENTER:
        return image, (width - _pad_to_byte(image, align).width) // 2 + (-image.width % 8) // 2
    if align is Align.RIGHT:
        return image, width - image.width
    return image, x


def preview(job: Job, *, margin: int = 16) -> Image.Image:
    """The job drawn as the paper would come out: black on white, one pixel per dot, with a white
    margin around (also the quiet zone that a phone needs to read the QR code)."""
    width = job.paper.dots
    pieces: list[tuple[Image.Image | None, int, int]] = []  # (image, x, height)
    for block in job.blocks:
        if isinstance(block, Raster):
            img = block.image
            if block.scale != 1:
                img = _pad_to_byte(img, block.align)
                img = img.resize((img.width * block.scale, img.height * block.scale),
                                 Image.Resampling.NEAREST)
            img, x = _place(img, width, block.align, block.x)
            pieces.append((img, x, img.height))
        elif isinstance(block, Feed):
            pieces.append((None, 0, block.dots))
        elif isinstance(block, PrinterText):
            img = render.printer_font_image(block.text, font_name=block.font, bold=block.bold,
                                            width_mag=block.width_mag, height_mag=block.height_mag)
            line = max(PRINTER_LINE_DOTS, img.height + 6)
            img, x = _place(img, width, block.align, 0)
            pieces.append((img, x, line))
        elif isinstance(block, QRCode):
            img, x = _place(render.qr_image(block.data, module=block.module, ec=block.ec), width,
                            block.align, 0)
            pieces.append((img, x, img.height))
        elif isinstance(block, Barcode):
            img, x = _place(render.barcode_image(block.data, module=block.module, height=block.height),
                            width, block.align, 0)
            pieces.append((img, x, img.height))
        elif isinstance(block, Cut):
            pieces.append((None, 0, 24))
            cut = Image.new("1", (width, 1), 0)
            ImageDraw.Draw(cut).line([(0, 0), (width, 0)], fill=1)
            for x in range(0, width, 12):
                ImageDraw.Draw(cut).line([(x + 6, 0), (x + 11, 0)], fill=0)
            pieces.append((cut, 0, 1))
            pieces.append((None, 0, 24))
    height = sum(h for _, _, h in pieces)
    ink = Image.new("1", (width + 2 * margin, height + 2 * margin), 0)
    y = margin
    for piece, x, h in pieces:
        if piece is not None:
            ink.paste(piece, (margin + x, y))
        y += h
    return ImageChops.invert(ink.convert("L")).convert("1")
