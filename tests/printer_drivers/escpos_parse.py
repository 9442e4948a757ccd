"""A small ESC/POS parser for the tests: bytes back into rasters, QR and barcode payloads, text lines.

Written from the Epson ESC/POS reference, independently of the code under test, and strict: an unknown
command fails the test instead of being skipped.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image


@dataclass
class RasterImage:
    image: Image.Image  # mode "1", 1 = ink (as sent)
    scale_x: int
    scale_y: int
    align: int
    command: str  # "GS v 0" or "GS ( L"


@dataclass
class Parsed:
    commands: list[tuple] = field(default_factory=list)
    rasters: list[RasterImage] = field(default_factory=list)
    qr_payloads: list[str] = field(default_factory=list)
    qr_settings: list[dict] = field(default_factory=list)
    barcodes: list[tuple[int, bytes]] = field(default_factory=list)
    text_lines: list[str] = field(default_factory=list)
    cuts: int = 0
    feeds_dots: int = 0
    status_queries: list[int] = field(default_factory=list)


class ParseError(AssertionError):
    pass


def _u16(data: bytes, i: int) -> int:
    return data[i] | data[i + 1] << 8


def _image(width_bytes: int, height: int, data: bytes) -> Image.Image:
    return Image.frombytes("1", (width_bytes * 8, height), data)


def parse(data: bytes) -> Parsed:
    out = Parsed()
    i, n = 0, len(data)
    align = 0
    text = bytearray()
    qr: dict = {}
    while i < n:
        b = data[i]
        if b == 0x0A:
            out.text_lines.append(text.decode("ascii"))
            out.commands.append(("text", text.decode("ascii")))
            text = bytearray()
            i += 1
        elif 0x20 <= b <= 0x7E:
            text.append(b)
            i += 1
        elif b == 0x1B:  # ESC
            c = data[i + 1]
            if c == ord("@"):
                out.commands.append(("init",))
                i += 2
            elif c in b"aJdMEt!-3":
                arg = data[i + 2]
                if c == ord("a"):
                    if arg not in (0, 1, 2):
                        raise ParseError(f"ESC a {arg}")
                    align = arg
                if c == ord("J"):
                    out.feeds_dots += arg
                out.commands.append((f"ESC {chr(c)}", arg))
                i += 3
            elif c == ord("2"):
                i += 2
            else:
                raise ParseError(f"unknown ESC {c:#x} at {i}")
        elif b == 0x1D:  # GS
            c = data[i + 1]
            if c == ord("v") and data[i + 2] == ord("0"):
                m = data[i + 3]
                xb, y = _u16(data, i + 4), _u16(data, i + 6)
                size = xb * y
                body = data[i + 8:i + 8 + size]
                if len(body) != size:
                    raise ParseError("truncated GS v 0")
                sx = 2 if m in (1, 3) else 1
                sy = 2 if m in (2, 3) else 1
                out.rasters.append(RasterImage(_image(xb, y, body), sx, sy, align, "GS v 0"))
                out.commands.append(("raster", xb, y, m))
                i += 8 + size
            elif c == ord("(") and data[i + 2] in b"kL":
                kind = chr(data[i + 2])
                length = _u16(data, i + 3)
                body = data[i + 5:i + 5 + length]
                i += 5 + length
                if kind == "k":
                    cn, fn = body[0], body[1]
                    if cn != 49:
                        raise ParseError(f"2D code type {cn}")
                    if fn == 65:
                        qr["model"] = body[2] - 48
                    elif fn == 67:
                        qr["module"] = body[2]
                    elif fn == 69:
                        qr["ec"] = "LMQH"[body[2] - 48]
                    elif fn == 80:
                        if body[2] != 48:
                            raise ParseError("QR store m != 48")
                        qr["data"] = body[3:].decode("utf-8")
                    elif fn == 81:
                        out.qr_payloads.append(qr["data"])
                        out.qr_settings.append(dict(qr, align=align))
                        out.commands.append(("qr", qr["data"]))
                    else:
                        raise ParseError(f"GS ( k fn {fn}")
                else:
                    m, fn = body[0], body[1]
                    if (m, fn) == (48, 112):  # store raster graphics
                        bx, by = body[3], body[4]
                        w, h = _u16(body, 6), _u16(body, 8)
                        raw = body[10:]
                        out.rasters.append(RasterImage(_image((w + 7) // 8, h, raw).crop((0, 0, w, h)),
                                                       bx, by, align, "GS ( L"))
                        out.commands.append(("graphics", w, h))
                    elif (m, fn) == (48, 50):
                        out.commands.append(("graphics print",))
                    else:
                        raise ParseError(f"GS ( L {m} {fn}")
            elif c in b"!hwHfL":
                out.commands.append((f"GS {chr(c)}", data[i + 2]))
                i += 3
            elif c == ord("V"):
                m = data[i + 2]
                out.cuts += 1
                out.commands.append(("cut", m))
                i += 3 if m in (0, 1, 48, 49) else 4
            elif c == ord("k"):
                m = data[i + 2]
                if m < 65:
                    raise ParseError("barcode function A not expected")
                length = data[i + 3]
                payload = data[i + 4:i + 4 + length]
                out.barcodes.append((m, payload))
                out.commands.append(("barcode", m, payload))
                i += 4 + length
            else:
                raise ParseError(f"unknown GS {c:#x} at {i}")
        elif b == 0x10 and data[i + 1] == 0x04:
            out.status_queries.append(data[i + 2])
            i += 3
        else:
            raise ParseError(f"unexpected byte {b:#x} at {i}")
    if text:
        raise ParseError(f"text without a line feed at the end: {text!r}")
    return out


def code128_payload(m: int, payload: bytes) -> str:
    if m != 73 or payload[:1] != b"{" or payload[1:2] not in (b"A", b"B", b"C"):
        raise ParseError(f"not a CODE128 with a code set: {m} {payload!r}")
    return payload[2:].decode("ascii")


def paper_image(parsed: Parsed, width: int) -> Image.Image:
    """The rasters stacked as the printer places them (alignment, 2x modes), ink = 1."""
    images = []
    for r in parsed.rasters:
        img = r.image
        if r.scale_x != 1 or r.scale_y != 1:
            img = img.resize((img.width * r.scale_x, img.height * r.scale_y), Image.Resampling.NEAREST)
        images.append((img, r.align))
    h = sum(im.height for im, _ in images)
    page = Image.new("1", (width, h), 0)
    y = 0
    for im, a in images:
        x = 0 if a == 0 else (width - im.width) // 2 if a == 1 else width - im.width
        page.paste(im, (x, y))
        y += im.height
    return page
