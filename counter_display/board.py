"""`motcua board --config BOARD.toml`: the lobby board (màn hình sảnh) on a TV.

The view paints everything itself on a 1920×1080 design grid scaled to the screen, so a 4K TV shows
the same layout with sharper text. The feed thread (ui.feed) brings the hub's events; they
are applied to the BoardState on the GUI thread, and each new call goes to the announcer.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from motcua import formats
from motcua.clock import VIETNAM_TZ, Clock, SystemClock
from motcua.contract import BoardState as BoardDocument
from motcua.contract import SiteDocument
from ui.bridge import FeedBridge
from ui.fonts import font_px
from ui.qt import (
    QColor,
    QFont,
    QFontMetrics,
    QImage,
    QObject,
    QPainter,
    QPen,
    QPixmap,
    QRectF,
    Qt,
    QTimer,
    QUrl,
    QWidget,
    Signal,
    multimedia,
    video_widget,
)
from ui.theme import BOARD

from . import texts
from .config import BoardConfig, GuideSettings
from .help import paint_board_band
from .notice import paint_notice
from .state import BoardState, Call

log = logging.getLogger(__name__)

W, H = BOARD.width, BOARD.height  # the design grid

BG = QColor(BOARD.bg)
PANEL = QColor(BOARD.panel)
PANEL_2 = QColor(BOARD.panel_2)
ACCENT = QColor(BOARD.accent)
HIGHLIGHT = QColor(BOARD.highlight)
TEXT = QColor(BOARD.text)
MUTED = QColor(BOARD.muted)
OK = QColor(BOARD.ok)
PAUSED = QColor(BOARD.paused)
OFFLINE = QColor(BOARD.offline)

IMAGE_EXT = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"}
VIDEO_EXT = {".mp4", ".webm", ".mkv", ".avi", ".mov", ".m4v"}


def fit_font(text: str, width: float, px: float, *, bold: bool = False, min_px: float = 8) -> QFont:
    """The largest font up to `px` pixels in which `text` fits `width`."""
    f = font_px(px, bold=bold)
    while px > min_px and QFontMetrics(f).horizontalAdvance(text) > width:
        px *= 0.93
        f = font_px(px, bold=bold)
    return f


def elide(text: str, font: QFont, width: float) -> str:
    """Cut text with an ellipsis to fit a width."""
    return QFontMetrics(font).elidedText(text, Qt.TextElideMode.ElideRight, int(width))


@dataclass(frozen=True)
class Tile:
    """One counter's tile on the board: "Quầy 12" on the left, its current number (or state) on the right."""

    number: int
    cell: QRectF
    label: str
    label_rect: QRectF
    label_font: QFont
    value: str
    value_rect: QRectF
    value_font: QFont
    value_color: QColor


COUNTERS_AREA = (20.0, 458.0, 1130.0, 292.0)  # the counters' tiles on the design grid: x, y, width, height
TILE_PAD_LEFT, TILE_PAD_RIGHT = 22.0, 14.0  # inside a tile: the state stripe's room, the right margin


def _advance(text: str, font: QFont) -> float:
    return float(QFontMetrics(font).horizontalAdvance(text))


def _fit_pair(left: str, right: str, width: float, left_px: float, right_px: float) -> tuple[QFont, QFont]:
    """Fonts for two texts side by side in `width`: both shrink together, so neither crowds the other."""
    lf, rf = font_px(left_px), font_px(right_px, bold=True)
    while (left_px > 6 or right_px > 6) and _advance(left, lf) + _advance(right, rf) > width:
        left_px, right_px = max(6.0, left_px * 0.95), max(6.0, right_px * 0.95)
        lf, rf = font_px(left_px), font_px(right_px, bold=True)
    return lf, rf


class BoardView(QWidget):
    """Paints a BoardState: latest call, counters, waiting, recent calls, guides, clock, ticker."""

    closed = Signal()

    def __init__(self, state: BoardState, *, settings: BoardConfig | None = None, clock: Clock | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.settings = settings
        self.clock = clock or SystemClock()
        self.online = True
        self.refused: texts.Text | None = None
        """Set while the hub refuses the board's token: the mark says "out of service", not "offline"."""
        self.painted: list[tuple[str, QRectF]] = []
        """Every text of the last paint with its rectangle (design pixels): what a visitor can read."""
        self.highlight_s = settings.board.highlight_s if settings else 8.0
        self.recent_rows = settings.board.recent if settings else 8
        self.title = settings.board.title if settings else ""
        self.highlight_until = 0.0
        self.ticker_offset = 0.0
        self.guide_image: QImage | None = None
        self.guide_caption = ""
        self.setAutoFillBackground(False)
        self.setMinimumSize(640, 360)

    # ---------------------------------------------------------------- inputs
    def called(self, call: Call) -> None:
        """A new call: highlight the big number for a few seconds."""
        self.highlight_until = self.clock.time() + self.highlight_s
        self.update()

    def set_online(self, online: bool) -> None:
        """Show or hide the offline mark (back online also ends a refusal)."""
        self.online = online
        if online:
            self.refused = None
        self.update()

    def set_refused(self, _exc: object = None) -> None:
        """The hub refuses the board's token: an out-of-service mark (the log has the details)."""
        self.refused = texts.BOARD_REFUSED
        self.online = False
        self.update()

    def guide_rect(self) -> QRectF:
        """Where the guides play, in widget pixels."""
        s = self._scale()
        return QRectF(1170 * s, 120 * s, 730 * s, 410 * s)

    # ---------------------------------------------------------------- painting
    def _scale(self) -> float:
        return min(self.width() / W, self.height() / H)

    def closeEvent(self, ev: Any) -> None:  # noqa: N802 - Qt's name
        """The window closes: the app's loop ends."""
        super().closeEvent(ev)
        self.closed.emit()

    def paintEvent(self, _ev: Any) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        try:
            self.paint(p)
        finally:
            p.end()

    def paint(self, p: QPainter) -> None:
        """Draw the whole board."""
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        self.painted = []
        p.fillRect(self.rect(), BG)
        s = self._scale()
        p.save()
        p.translate((self.width() - W * s) / 2, (self.height() - H * s) / 2)
        p.scale(s, s)
        self._header(p)
        self._latest(p, QRectF(20, 120, 1130, 330))
        self._counters(p, QRectF(*COUNTERS_AREA))
        self._waiting(p, QRectF(20, 758, 1130, 244))
        self._guides(p, QRectF(1170, 120, 730, 410))
        self._recent(p, QRectF(1170, 545, 730, 455))
        paint_notice(self, p, QRectF(1170, 545, 730, 455))  # over the recent calls while the manager's notice shows
        self._ticker(p, QRectF(0, 1012, W, 68))
        paint_board_band(p, QRectF(0, 1012, W, 68), self.state.open_help(), self._text)
        if self.refused is not None:
            self._status_mark(p, self.refused)
        elif not self.online:
            self._status_mark(p, texts.BOARD_OFFLINE)
        p.restore()

    def _status_mark(self, p: QPainter, msg: texts.Text) -> None:
        # Discreet but unmistakable: a red dot, Vietnamese with English below, at the right end of the ticker.
        fv, fe = font_px(21, bold=True), font_px(18)
        wdt = max(_advance(msg.vi, fv), _advance(msg.en, fe)) + 60
        r = QRectF(W - wdt - 16, 1016, wdt, 60)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(BOARD.offline_mark))
        p.drawRoundedRect(r, 10, 10)
        p.setBrush(OFFLINE)
        p.drawEllipse(QRectF(r.left() + 16, r.top() + 23, 14, 14))
        self._text(p, QRectF(r.left() + 42, r.top() + 3, wdt - 48, 29), msg.vi, fv, TEXT)
        self._text(p, QRectF(r.left() + 42, r.top() + 30, wdt - 48, 27), msg.en, fe, MUTED)

    def _text(self, p: QPainter, rect: QRectF, text: str, font: QFont, color: QColor,
              align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter) -> None:
        p.setFont(font)
        p.setPen(color)
        p.drawText(rect, int(align), text)
        self.painted.append((text, QRectF(rect)))

    def _header(self, p: QPainter) -> None:
        p.fillRect(QRectF(0, 0, W, 105), PANEL)
        name = self.title or self.state.site_name or "Trung tâm Phục vụ hành chính công"
        f = fit_font(name, 1300, 46, bold=True)
        self._text(p, QRectF(30, 8, 1320, 60), name, f, TEXT)
        self._text(p, QRectF(30, 62, 1320, 36), "Xin kính chào quý khách · Welcome", font_px(24), MUTED)
        now = datetime.fromtimestamp(self.clock.time(), VIETNAM_TZ)
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        self._text(p, QRectF(1400, 6, 490, 62), now.strftime("%H:%M"), font_px(54, bold=True), ACCENT, right)
        date = formats.date_long(now.date())
        self._text(p, QRectF(1300, 64, 590, 36), date, fit_font(date, 590, 24), TEXT, right)

    def _latest(self, p: QPainter, r: QRectF) -> None:
        call = self.state.latest
        hot = call is not None and self.clock.time() < self.highlight_until
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(HIGHLIGHT if hot else PANEL)
        p.drawRoundedRect(r, 18, 18)
        head = f"{texts.BOARD_NOW_SERVING.vi}  ·  {texts.BOARD_NOW_SERVING.en}"
        self._text(p, QRectF(r.left() + 30, r.top() + 12, r.width() - 60, 50), head, font_px(34), TEXT)
        if call is None:
            self._text(p, r.adjusted(30, 70, -30, -110), texts.BOARD_NOBODY_CALLED.vi, font_px(60), MUTED,
                       Qt.AlignmentFlag.AlignCenter)
            self._text(p, r.adjusted(30, 220, -30, -30), texts.BOARD_NOBODY_CALLED.en, font_px(36), MUTED,
                       Qt.AlignmentFlag.AlignCenter)
            return
        number_rect = QRectF(r.left() + 20, r.top() + 60, 560, 250)
        self._text(p, number_rect, call.display, fit_font(call.display, 560, 210, bold=True),
                   TEXT if hot else ACCENT, Qt.AlignmentFlag.AlignCenter)
        if call.test:
            self._test_mark(p, QRectF(number_rect.left(), number_rect.bottom() - 40, number_rect.width(), 44))
        elif call.booked:
            self._booked_mark(p, QRectF(number_rect.left(), number_rect.bottom() - 36, number_rect.width(), 46))
        p.setPen(QPen(TEXT, 8))
        mid = number_rect.center().y()
        x0 = r.left() + 600
        p.drawLine(int(x0), int(mid), int(x0 + 70), int(mid))
        p.drawLine(int(x0 + 45), int(mid - 25), int(x0 + 70), int(mid))
        p.drawLine(int(x0 + 45), int(mid + 25), int(x0 + 70), int(mid))
        label = f"Quầy {call.counter}"
        self._text(p, QRectF(x0 + 90, r.top() + 70, r.right() - x0 - 110, 170), label,
                   fit_font(label, r.right() - x0 - 110, 150, bold=True), TEXT, Qt.AlignmentFlag.AlignCenter)
        # The ticket's own service: a counter serves several, and its name names only one of them.
        sub = self.state.services.get(call.service, "")
        if call.recall:
            sub = f"{texts.BOARD_RECALL.vi} · {sub}" if sub else texts.BOARD_RECALL.vi
        self._text(p, QRectF(x0 + 90, r.top() + 235, r.right() - x0 - 110, 60), sub,
                   fit_font(sub, r.right() - x0 - 110, 38), TEXT, Qt.AlignmentFlag.AlignCenter)

    def _test_mark(self, p: QPainter, r: QRectF) -> None:
        """"VÉ THỬ · TEST" beside a test ticket's number (commissioning mode)."""
        text = f"{texts.TEST_TICKET.vi} · {texts.TEST_TICKET.en}"
        self._text(p, r, text, fit_font(text, r.width(), r.height() * 0.8, bold=True), PAUSED, Qt.AlignmentFlag.AlignCenter)

    def _booked_mark(self, p: QPainter, r: QRectF) -> None:
        """"ĐẶT LỊCH · BOOKED" on a small pill, centred in `r`: a number booked ahead and checked in on time.
        Dark text on the teal of an open counter, readable on the panel and on the highlighted call alike."""
        text = f"{texts.BOOKED.vi} · {texts.BOOKED.en}"
        f = fit_font(text, r.width() - 24, r.height() * 0.62, bold=True)
        w = min(r.width(), _advance(text, f) + 28)
        pill = QRectF(r.center().x() - w / 2, r.top(), w, r.height())
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(OK)
        p.drawRoundedRect(pill, r.height() / 2, r.height() / 2)
        self._text(p, pill, text, f, BG, Qt.AlignmentFlag.AlignCenter)

    def counter_tiles(self, r: QRectF | None = None) -> list[Tile]:
        """The counters' tiles in `r` (design pixels): every label and number in its own box, apart.

        One label font and one number font for all tiles, sized for the widest label ("Quầy 100") and
        the widest number shown (at least four characters, so the size holds as numbers change), so the
        numbers line up and a 3-digit counter or a 6-character number never runs into its neighbour.
        """
        r = r if r is not None else QRectF(*COUNTERS_AREA)
        numbers = self.state.visible_counters()
        if not numbers:
            return []
        cols = 4 if len(numbers) <= 16 else 5 if len(numbers) <= 25 else 6
        rows = max(1, -(-len(numbers) // cols))
        gap = 10
        cw = (r.width() - gap * (cols - 1)) / cols
        ch = min(90.0, (r.height() - 42 - gap * (rows - 1)) / rows)
        inner = cw - TILE_PAD_LEFT - TILE_PAD_RIGHT
        apart = max(12.0, ch * 0.25)
        labels = {n: f"Quầy {n}" for n in numbers}
        widest_label = max(labels.values(), key=lambda t: _advance(t, font_px(40)))
        shown = [c.current for c in (self.state.counters[n] for n in numbers) if c.current]
        widest_number = max([*shown, "8888"], key=lambda t: _advance(t, font_px(40, bold=True)))
        label_font, number_font = _fit_pair(widest_label, widest_number, inner - apart, ch * 0.42, ch * 0.62)
        label_w = _advance(widest_label, label_font)
        value_left = TILE_PAD_LEFT + label_w + apart
        value_w = cw - TILE_PAD_RIGHT - value_left
        tiles: list[Tile] = []
        for i, n in enumerate(numbers):
            c = self.state.counters[n]
            x = r.left() + (i % cols) * (cw + gap)
            y = r.top() + 42 + (i // cols) * (ch + gap)
            if c.current:
                value, color, font = c.current, ACCENT, number_font
            else:
                word = texts.BOARD_PAUSED if c.state == "paused" else texts.BOARD_CLOSED if c.state == "closed" else None
                value, color = (word.vi, PAUSED if c.state == "paused" else MUTED) if word else ("—", MUTED)
                font = fit_font(value, value_w, min(ch * 0.3, number_font.pixelSize()), min_px=6)
            tiles.append(Tile(n, QRectF(x, y, cw, ch), labels[n], QRectF(x + TILE_PAD_LEFT, y, label_w, ch),
                              label_font, value, QRectF(x + value_left, y, value_w, ch), font, color))
        return tiles

    def _counters(self, p: QPainter, r: QRectF) -> None:
        self._text(p, QRectF(r.left() + 6, r.top(), r.width(), 36),
                   f"{texts.BOARD_COUNTERS.vi} · {texts.BOARD_COUNTERS.en}", font_px(26, bold=True), MUTED)
        for t in self.counter_tiles(r):
            c = self.state.counters[t.number]
            cell = t.cell
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(PANEL_2 if c.state != "paused" else QColor(BOARD.paused_tile))
            p.drawRoundedRect(cell, 10, 10)
            stripe = OK if c.state == "open" else PAUSED if c.state == "paused" else MUTED
            p.setBrush(stripe)
            p.drawRoundedRect(QRectF(cell.left(), cell.top(), 10, cell.height()), 4, 4)
            self._text(p, t.label_rect, t.label, t.label_font, TEXT)
            self._text(p, t.value_rect, t.value, t.value_font, t.value_color,
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def _waiting(self, p: QPainter, r: QRectF) -> None:
        codes = self.state.visible_services()
        self._text(p, QRectF(r.left() + 6, r.top(), r.width(), 36),
                   f"{texts.BOARD_WAITING.vi} · {texts.BOARD_WAITING.en}", font_px(26, bold=True), MUTED)
        if not codes:
            return
        cols = max(1, len(codes)) if len(codes) <= 3 else 3 if len(codes) <= 9 else 4
        rows = max(1, -(-len(codes) // cols))
        gap = 8
        cw = (r.width() - gap * (cols - 1)) / cols
        ch = min(56.0, (r.height() - 42 - gap * (rows - 1)) / rows)
        for i, code in enumerate(codes):
            x = r.left() + (i % cols) * (cw + gap)
            y = r.top() + 42 + (i // cols) * (ch + gap)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(PANEL)
            p.drawRoundedRect(QRectF(x, y, cw, ch), 8, 8)
            n = str(self.state.waiting.get(code, 0))
            nf = font_px(ch * 0.6, bold=True)
            nw = QFontMetrics(nf).horizontalAdvance(n) + 16
            name = self.state.services.get(code, code)
            f = font_px(ch * 0.4)
            self._text(p, QRectF(x + 14, y, cw - nw - 24, ch), elide(name, f, cw - nw - 24), f, TEXT)
            self._text(p, QRectF(x + cw - nw - 10, y, nw, ch), n, nf, ACCENT,
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def _guides(self, p: QPainter, r: QRectF) -> None:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(BOARD.guides_bg))
        p.drawRoundedRect(r, 14, 14)
        img = self.guide_image
        if img is not None and not img.isNull():
            scaled = img.size().scaled(int(r.width()), int(r.height()), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRectF(r.left() + (r.width() - scaled.width()) / 2, r.top() + (r.height() - scaled.height()) / 2,
                            scaled.width(), scaled.height())
            p.drawImage(target, img)
        elif not self.guide_caption:
            self._guide_placeholder(p, r)

    def _guide_placeholder(self, p: QPainter, r: QRectF) -> None:
        lines = ["Hướng dẫn thủ tục", "1. Lấy số tại ki-ốt", "2. Chờ số hiện trên màn hình",
                 "3. Đến quầy khi được mời", "Tra cứu hồ sơ bằng mã QR trên phiếu"]
        self._text(p, QRectF(r.left() + 30, r.top() + 20, r.width() - 60, 60), lines[0], font_px(38, bold=True), ACCENT)
        for i, line in enumerate(lines[1:]):
            self._text(p, QRectF(r.left() + 30, r.top() + 100 + i * 66, r.width() - 60, 60), line,
                       fit_font(line, r.width() - 60, 32), TEXT)

    def _recent(self, p: QPainter, r: QRectF) -> None:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(PANEL)
        p.drawRoundedRect(r, 14, 14)
        self._text(p, QRectF(r.left() + 24, r.top() + 6, r.width() - 48, 44),
                   f"{texts.BOARD_RECENT.vi} · {texts.BOARD_RECENT.en}", font_px(28, bold=True), MUTED)
        rows = self.state.recent[1:self.recent_rows + 1]
        rh = min(56.0, (r.height() - 60) / max(1, self.recent_rows))
        for i, call in enumerate(rows):
            y = r.top() + 56 + i * rh
            if i % 2 == 0:
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(PANEL_2)
                p.drawRect(QRectF(r.left() + 10, y, r.width() - 20, rh))
            self._text(p, QRectF(r.left() + 30, y, 300, rh), call.display, font_px(rh * 0.68, bold=True), ACCENT)
            if call.test:
                self._test_mark(p, QRectF(r.left() + 200, y + rh * 0.2, 120, rh * 0.6))
            elif call.booked:  # between the arrow and "Quầy N", clear of both
                self._booked_mark(p, QRectF(r.left() + 392, y + rh * 0.17, 196, rh * 0.66))
            arrow = "↻" if call.recall else "→"
            self._text(p, QRectF(r.left() + 330, y, 60, rh), arrow, font_px(rh * 0.6), TEXT)
            self._text(p, QRectF(r.left() + 400, y, r.width() - 430, rh), f"Quầy {call.counter}",
                       font_px(rh * 0.6), TEXT, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def _ticker(self, p: QPainter, r: QRectF) -> None:
        p.fillRect(r, PANEL)
        text = self.state.ticker or ""
        if not text:
            return
        f = font_px(32)
        width = QFontMetrics(f).horizontalAdvance(text) + 200
        p.save()
        p.setClipRect(r)
        x = r.width() - (self.ticker_offset % (width + r.width()))
        self._text(p, QRectF(x, r.top(), width, r.height()), text, f, TEXT)
        p.restore()

    def tick(self, dt: float) -> None:
        """Move the ticker on by dt seconds (90 px/s on the design grid)."""
        self.ticker_offset += 90.0 * dt
        self.update()


class GuidePlayer(QObject):
    """Plays the guides playlist (images and videos) in the board's guide area; ducks video sound."""

    def __init__(self, view: BoardView, settings: GuideSettings) -> None:
        super().__init__(view)
        self.view = view
        self.settings = settings
        self.items = playlist(settings)
        self.index = -1
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.next)
        self._mm = multimedia() if any(Path(i).suffix.lower() in VIDEO_EXT for i in self.items) else None
        self._player: Any = None
        self._audio: Any = None
        self._video: Any = None
        self.ducked = False

    def start(self) -> None:
        """Show the first item."""
        self.next()

    def next(self) -> None:
        """Advance the playlist (the console's, when the hub sends one; else the board's own)."""
        items = self.view.state.guides or self.items
        if not items:
            self.timer.start(int(self.settings.image_s * 1000))  # the console may send a playlist later
            return
        self.index = (self.index + 1) % len(items)
        item = items[self.index]
        suffix = Path(item.split("?")[0]).suffix.lower()
        if suffix in VIDEO_EXT and self._mm is None:
            self._mm = multimedia()  # a video in the console's playlist, none in the board's own
        if suffix in VIDEO_EXT and self._mm is not None:
            self._play_video(item)
        else:
            self._hide_video()
            img = QImage(item)
            self.view.guide_image = img if not img.isNull() else None
            self.view.update()
            self.timer.start(int(self.settings.image_s * 1000))

    def _play_video(self, item: str) -> None:
        mm = self._mm
        assert mm is not None
        if self._player is None:
            self._player = mm.QMediaPlayer(self)
            self._audio = mm.QAudioOutput(self)
            self._player.setAudioOutput(self._audio)
            self._video = video_widget(self.view)
            self._player.setVideoOutput(self._video)
            self._player.mediaStatusChanged.connect(self._status)
            self._player.errorOccurred.connect(lambda *_: self.timer.start(1000))
        self._audio.setVolume(self.settings.duck_volume if self.ducked else self.settings.volume)
        self._video.setGeometry(self.view.guide_rect().toRect())
        self._video.show()
        self.view.guide_image = None
        url = QUrl(item) if item.startswith(("http://", "https://")) else QUrl.fromLocalFile(item)
        self._player.setSource(url)
        self._player.play()

    def _status(self, status: Any) -> None:
        if self._mm is not None and status == self._mm.QMediaPlayer.MediaStatus.EndOfMedia:
            self.next()

    def _hide_video(self) -> None:
        if self._player is not None:
            self._player.stop()
            self._video.hide()

    def duck(self, on: bool) -> None:
        """Lower the video's sound while an announcement plays."""
        self.ducked = on
        if self._audio is not None:
            self._audio.setVolume(self.settings.duck_volume if on else self.settings.volume)


def playlist(settings: GuideSettings) -> list[str]:
    """The guide items: the explicit list, else the folder's images and videos in name order."""
    if settings.items:
        return list(settings.items)
    folder = settings.folder
    if folder is None or not folder.is_dir():
        return []
    return [str(p) for p in sorted(folder.iterdir()) if p.suffix.lower() in IMAGE_EXT | VIDEO_EXT]


def _timestamp(value: Any) -> float | None:
    """An ISO 8601 time from the hub as a Unix timestamp (None when absent or unreadable)."""
    try:
        return datetime.fromisoformat(value).timestamp() if isinstance(value, str) else None
    except ValueError:
        return None


class BoardController(QObject):
    """Wires the feed, the state, the view and the announcer together (all on the GUI thread)."""

    def __init__(self, *, config: BoardConfig, view: BoardView, announcer: Any | None, clock: Clock | None = None,
                 cache_path: Path | None = None) -> None:
        super().__init__(view)
        self.config = config
        self.view = view
        self.state = view.state
        self.announcer = announcer
        self.clock = clock or SystemClock()
        self.cache_path = cache_path
        self.bridge = FeedBridge(self)
        self.bridge.snapshot.connect(self.on_snapshot)
        self.bridge.hub_event.connect(self.on_event)
        self.bridge.online.connect(view.set_online)
        self.bridge.refused.connect(view.set_refused)
        self.feed: Any = None
        self.calls_announced = 0
        self.hub_offset_s = 0.0
        """The hub's clock minus ours, from the last snapshot: a call's age is judged on the hub's time, so
        that a board whose clock is off (no NTP on the LAN) neither mutes live calls nor reads old ones."""
        self._dirty = False

    def start(self, client: Any, **feed: Any) -> None:
        """Start following the hub (`feed`: HubFeed's timings, for tests)."""
        self.feed = self.bridge.follow(client, **feed)

    def stop(self) -> None:
        """Stop the feed and the announcer."""
        if self.feed is not None:
            self.feed.stop()
        if self.announcer is not None:
            self.announcer.close()

    def on_snapshot(self, site: SiteDocument, board: BoardDocument) -> None:
        """A fresh snapshot from the hub."""
        self.state.load_site(site)
        self.state.load_board(board)
        self.view.set_online(True)
        hub_now = _timestamp(site.now)
        if hub_now is not None:
            self.hub_offset_s = hub_now - self.clock.time()
        self._save()

    def on_event(self, ev: Any) -> None:
        """One live event: update the state, announce new calls."""
        calls = self.state.apply(ev.seq, ev.type, ev.data)
        for call in calls:
            self.view.called(call)
            age = self.clock.time() + self.hub_offset_s - call.at if call.at else 0.0
            if self.announcer is not None and age <= self.config.board.announce_max_age_s:
                self.announcer.announce(call.display, call.counter, recall=call.recall)
                self.calls_announced += 1
        self.view.update()
        self._dirty = True

    def _save(self) -> None:
        if self.cache_path is not None:
            try:
                self.state.save(self.cache_path)
            except OSError as exc:
                log.warning("cannot write the board cache: %s", exc)
        self._dirty = False

    def flush(self) -> None:
        """Write the offline cache if something changed (called every few seconds)."""
        if self._dirty:
            self._save()

    def diagnostics(self) -> dict[str, object]:
        """Feed and announcer state."""
        return {"feed": self.feed.diagnostics() if self.feed else None,
                "announcer": self.announcer.diagnostics() if self.announcer else None,
                "last_seq": self.state.last_seq, "calls_announced": self.calls_announced}


def make_state(config: BoardConfig | None = None) -> BoardState:
    """An empty state with the board's filters."""
    if config is None:
        return BoardState()
    return BoardState(only_services=list(config.board.services), only_counters=list(config.board.counters))


def render_board(state: BoardState, path: Path, *, width: int = 1920, height: int = 1080, clock: Clock | None = None,
                 online: bool = True, highlight: bool = True, config: BoardConfig | None = None,
                 refused: bool = False) -> Path:
    """Draw the board offscreen to a PNG (screenshots, the demo)."""
    from ui.application import app

    app()
    view = BoardView(state, settings=config, clock=clock)
    view.resize(width, height)
    view.online = online
    if refused:
        view.set_refused()
    if highlight and state.latest is not None:
        view.highlight_until = view.clock.time() + 5
    view.ticker_offset = 1600.0
    img = QImage(width, height, QImage.Format.Format_RGB32)
    p = QPainter(img)
    view.paint(p)
    p.end()
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(str(path))
    return path


def screenshot(config: BoardConfig, state: BoardState, path: Path) -> int:
    """`board --screenshot`: what the board would show now — the hub's state, or the cached one with the
    offline mark when the hub is unreachable. 0 when drawn; 1 when the hub refused the token (drawn too)."""
    from sync.client import HubAuthError, HubClient, HubError, HubUnavailable

    client = HubClient(config.hub.url, config.hub.token, timeout=config.hub.timeout_s)
    online, refused = False, False
    try:
        site, board = client.site(), client.board()
    except HubAuthError as exc:
        log.error("the hub refused this board's token (%s %s: %s): fix [hub] token in the device file",
                  exc.status, exc.code, exc.message)
        refused = True
    except (HubUnavailable, HubError) as exc:
        log.warning("hub unreachable (%s): drawing the cached state with the offline mark", exc)
    else:
        state.load_site(site)
        state.load_board(board)
        online = True
    finally:
        client.close()
    render_board(state, path, config=config, online=online, refused=refused)
    return 1 if refused else 0


__all__ = ["BoardController", "BoardView", "GuidePlayer", "Tile", "make_state", "render_board", "playlist",
           "screenshot", "QPixmap"]
