"""The manager's one-off notice on the lobby board (sent from the console, carried by the site document).

Drawn over the recent-calls panel while it lasts: the latest call, the counters and the waiting counts stay in
view, and the notice ends by itself at the time the hub gave (the board's clock follows the hub's).
"""
from __future__ import annotations

from typing import Any

from ui.fonts import font_px
from ui.qt import QColor, QPainter, QRectF, Qt

from . import texts

NOTICE_BG = QColor("#fff3cd")
NOTICE_EDGE = QColor("#e0a800")
NOTICE_TEXT = QColor("#3d2e00")
NOTICE_EN = QColor("#6b5500")


def showing(state: Any, now: float) -> bool:
    """Whether the board shows a notice now."""
    return bool(state.notice) and now < state.notice_until


def paint_notice(view: Any, p: QPainter, r: QRectF) -> None:
    """Draw the notice (heading, Vietnamese, English below) over `r` of a BoardView, if one shows now."""
    state = view.state
    if not showing(state, view.clock.time()):
        return
    p.setPen(NOTICE_EDGE)
    p.setBrush(NOTICE_BG)
    p.drawRoundedRect(r, 18, 18)
    head = f"{texts.BOARD_NOTICE.vi} · {texts.BOARD_NOTICE.en}"
    view._text(p, QRectF(r.left() + 28, r.top() + 14, r.width() - 56, 54), head, font_px(34, bold=True), NOTICE_TEXT)
    wrap = int((Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop).value) | int(Qt.TextFlag.TextWordWrap.value)
    top = r.top() + 80
    for text, font, color in ((state.notice, font_px(40, bold=True), NOTICE_TEXT), (state.notice_en, font_px(32), NOTICE_EN)):
        if not text:
            continue
        p.setFont(font)
        p.setPen(color)
        rect = QRectF(r.left() + 28, top, r.width() - 56, max(0.0, r.bottom() - 20 - top))
        used = p.boundingRect(rect, wrap, text)  # the English goes right under the Vietnamese, however many lines
        p.drawText(rect, wrap, text)
        view.painted.append((text, QRectF(rect)))
        top = min(used.bottom(), rect.bottom()) + 14
