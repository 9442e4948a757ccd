"""QR codes on screen: the ticket's tracking link, a dossier's look-up link, a fee's VietQR."""
from __future__ import annotations

from PIL import Image, ImageOps

from ui.qt import QImage, QPixmap


def qr_pixmap(payload: str, size_px: int) -> QPixmap:
    """A QR code, black on white, as a `size_px` square: whole pixels per module (every module the same
    size, so a phone reads it off any screen) and at least the 4-module quiet zone, widened to fill the square.

    The modules come from printer_drivers.render, the same encoder as the printed slips and tickets.
    """
    from printer_drivers.render import qr_image, qr_modules

    n = qr_modules(payload, ec="M")
    module = max(2, size_px // (n + 8))
    ink = qr_image(payload, module=module, ec="M")
    side = max(size_px, ink.width + 8 * module)
    img = Image.new("L", (side, side), 255)
    offset = (side - ink.width) // 2
    img.paste(ImageOps.invert(ink.convert("L")), (offset, offset))
    data = img.tobytes()
    qimg = QImage(data, side, side, side, QImage.Format.Format_Grayscale8)
    return QPixmap.fromImage(qimg.copy())  # copy: the QImage must not outlive `data`
