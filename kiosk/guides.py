"""Drawings that show a first-time citizen what to do, where words alone leave the screen empty: where to
hold the citizen-ID card under the camera (the identify step)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kiosk import texts as T
from ui.qt import QColor, QPainter, QPen, QRectF, Qt, QWidget
from ui.widgets import TouchKit

OUTLINE = QColor("#ffd23f")
CARD = QColor("#dfe9f5")
INK = QColor("#0b2a4a")


class CardGuide(QWidget):
    """A card in the camera's frame, QR up: the outline to fill, the card inside it, the QR marked."""

    def __init__(self, kit: TouchKit, lang: Callable[[], str]) -> None:
        super().__init__()
        self.kit, self.lang = kit, lang
        self.setObjectName("card_guide")
        self.setMinimumHeight(kit.mm(90))

    def paintEvent(self, _ev: Any) -> None:  # noqa: N802 - Qt's name
        """Draw the frame, the card (photo, lines, QR at the top right as on a CCCD) and the caption."""
        p = QPainter(self)
        try:
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            w, h = float(self.width()), float(self.height())
            caption_h = self.kit.mm(22)
            # The camera's frame: 86:54 like the card, as large as the room allows.
            fh = min(h - caption_h - 40, (w - 80) * 54 / 86)
            fw = fh * 86 / 54
            top = max(10.0, (h - fh - caption_h - 20) / 2)  # the frame and its caption, together, centred
            frame = QRectF((w - fw) / 2, top, fw, fh)
            pen = QPen(OUTLINE)
            pen.setWidthF(max(3.0, self.kit.mm(1)))
            pen.setStyle(Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRoundedRect(frame, 24, 24)
            card = frame.adjusted(fw * 0.08, fh * 0.08, -fw * 0.08, -fh * 0.08)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(CARD)
            p.drawRoundedRect(card, 18, 18)
            cw, ch = card.width(), card.height()
            p.setBrush(QColor("#9fb3c8"))
            p.drawRect(QRectF(card.left() + cw * 0.06, card.top() + ch * 0.3, cw * 0.22, ch * 0.55))  # the photo
            p.setBrush(QColor("#7d8fa3"))
            for i in range(5):
                p.drawRect(QRectF(card.left() + cw * 0.33, card.top() + ch * (0.32 + i * 0.11), cw * 0.36, ch * 0.04))
            qr = QRectF(card.right() - cw * 0.27, card.top() + ch * 0.06, cw * 0.21, cw * 0.21)
            p.setBrush(INK)
            p.drawRect(qr)
            p.setBrush(CARD)
            cell = qr.width() / 7
            for cx, cy in ((1, 1), (4, 1), (1, 4), (3, 3), (5, 5), (4, 4)):
                p.drawRect(QRectF(qr.left() + cx * cell, qr.top() + cy * cell, cell, cell))
            ring = QPen(QColor("#2fbf71"))
            ring.setWidthF(max(3.0, self.kit.mm(1.2)))
            p.setPen(ring)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawEllipse(qr.adjusted(-cell * 1.5, -cell * 1.5, cell * 1.5, cell * 1.5))
            p.setPen(QColor("white"))
            p.setFont(self.kit.font(7.5, bold=True))
            text = T.CARD_GUIDE(self.lang())
            p.drawText(QRectF(0, frame.bottom() + 20, w, caption_h), int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
                       text)
        finally:
            p.end()
