"""The live camera picture on the card and page steps (issue 17): what the camera sees, the outline of where to
hold the card or lay the page, a short hint ("Giữ yên" / "Hold still"), and the photo taken by itself once the
picture has been steady and sharp for a second (scanners.steady judges it).

Frames are read, judged and shrunk on the window's worker, one at a time: while one is in flight the next
timer tick does nothing, so a slow camera or a busy machine drops frames instead of queueing them, and only the
newest frame is kept (for the photo). The kiosk runs for weeks: nothing here grows.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kiosk import texts as T
from kiosk.host import KioskHost
from scanners.state import DeviceState
from scanners.steady import CARD_OUTLINE, PAGE_OUTLINE, Hint, SteadyWatch, Verdict, look_at, preview_rgb
from ui.qt import QColor, QImage, QPainter, QPainterPath, QPen, QPixmap, QRectF, QSizePolicy, Qt, QTimer, QWidget

log = logging.getLogger(__name__)

PREVIEW_SIDE = 960
"""The long side of the picture sent to the screen (the view is about 1000 px wide on a portrait kiosk)."""
FRAME_MS = 150
"""How often the view asks for a frame (at most; a frame still being judged makes it skip)."""
HINTS = {Hint.NO_PICTURE: T.LIVE_NO_PICTURE, Hint.TOO_DARK: T.LIVE_TOO_DARK, Hint.PLACE: T.LIVE_PLACE,
         Hint.MOVE_CLOSER: T.LIVE_CLOSER, Hint.HOLD_STILL: T.LIVE_HOLD_STILL, Hint.BLURRY: T.LIVE_BLURRY,
         Hint.READY: T.LIVE_READY, Hint.TAKEN: T.LIVE_TAKEN}


@dataclass(frozen=True, slots=True)
class LiveFrame:
    """One judged frame as the screen shows it: a small RGB copy, the verdict, the page's corners (shares)."""

    preview: np.ndarray = field(repr=False)
    verdict: Verdict
    quad: tuple[tuple[float, float], ...] | None


class LiveFeed:
    """One camera's frames for the live view (called on the worker): read, judge, shrink; keeps the newest only."""

    def __init__(self, camera: Any, *, clock: Callable[[], float], card: bool) -> None:
        self.camera = camera
        self.clock = clock
        self.card = card
        self.outline = CARD_OUTLINE if card else PAGE_OUTLINE
        # The card's QR is the judge of a card (a card is not reliably found as a light quadrilateral).
        self.watch = SteadyWatch(find=not card)
        self._frame: np.ndarray | None = None
        self._lock = threading.Lock()

    def next(self) -> LiveFrame | None:
        """Read and judge one frame (None: the camera has none now)."""
        if self.camera.state is DeviceState.CLOSED:
            self.camera.open()
        frame = self.camera.read()
        if frame is None:
            return None
        look = look_at(frame, outline=self.outline, find=not self.card)
        verdict = self.watch.feed(look, self.clock())
        with self._lock:
            self._frame = frame  # the newest frame only: the photo is taken of it
        return LiveFrame(preview_rgb(frame, side=PREVIEW_SIDE), verdict, look.quad)

    def frame(self) -> np.ndarray | None:
        """The newest frame (full size), for the photo."""
        with self._lock:
            return self._frame

    def forget(self) -> None:
        """Drop the frames and the judge's memory of them (a step ends, the idle reset)."""
        with self._lock:
            self._frame = None
        self.watch.reset()


def read_card_in(frame: np.ndarray) -> Any:
    """The citizen-ID card (or an unreadable one) whose QR is in a frame: a Scan, or None when there is no QR."""
    from scanners.citizen import interpret
    from scanners.decode import Decoder

    for code in Decoder().decode_frame(frame):
        scan = interpret(code.raw, source="camera", format=code.format, detail=code.decoder)
        if scan.kind in ("cccd", "invalid"):
            return scan
    return None


class LiveView(QWidget):
    """The camera's picture, the outline to fill (yellow, dashed), the page found (green when it is being taken)
    and how long is left to hold still (a bar under the outline)."""

    def __init__(self, host: KioskHost, *, card: bool) -> None:
        super().__init__()
        self.host = host
        self.outline = CARD_OUTLINE if card else PAGE_OUTLINE
        self.setObjectName("live_view")
        # At most as high as a 16:9 picture across a portrait page: the room under it is the step's (the card's
        # guide, the pages); a landscape screen, less high, gets a smaller picture.
        self.setMinimumHeight(host.kit.mm(60))
        self.setMaximumHeight(host.kit.mm(128 if card else 146))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.picture: QPixmap | None = None
        self.quad: tuple[tuple[float, float], ...] | None = None
        self.progress = 0.0
        self.ready = False

    def show_frame(self, frame: LiveFrame) -> None:
        """Show a judged frame."""
        p = frame.preview
        image = QImage(p.data, p.shape[1], p.shape[0], p.strides[0], QImage.Format.Format_RGB888)
        self.picture = QPixmap.fromImage(image)  # a copy: the array may go
        self.quad = frame.quad
        self.progress = frame.verdict.progress
        self.ready = frame.verdict.hint is Hint.READY
        self.update()

    def clear(self) -> None:
        """No picture (the step ends, the idle reset): nothing of the last citizen stays drawn."""
        self.picture, self.quad, self.progress, self.ready = None, None, 0.0, False
        self.update()

    def paintEvent(self, _ev: Any) -> None:  # noqa: N802 - Qt's name
        """The picture fitted to the widget, the outline, the page found, the hold bar."""
        p = QPainter(self)
        try:
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            w, h = float(self.width()), float(self.height())
            p.fillRect(QRectF(0, 0, w, h), QColor("#06182b"))
            pw, ph = (self.picture.width(), self.picture.height()) if self.picture else (16.0, 9.0)
            scale = min(w / pw, (h - self.host.kit.mm(4)) / ph)
            area = QRectF((w - pw * scale) / 2, 0, pw * scale, ph * scale)
            if self.picture is not None:
                p.drawPixmap(area.toRect(), self.picture)
            x, y, bw, bh = self.outline
            box = QRectF(area.left() + x * area.width(), area.top() + y * area.height(), bw * area.width(),
                         bh * area.height())
            pen = QPen(QColor("#ffd23f"))
            pen.setWidthF(max(3.0, self.host.kit.mm(1)))
            pen.setStyle(Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRoundedRect(box, 16, 16)
            if self.quad:
                path = QPainterPath()
                for i, (qx, qy) in enumerate(self.quad):
                    px, py = area.left() + qx * area.width(), area.top() + qy * area.height()
                    if i == 0:
                        path.moveTo(px, py)
                    else:
                        path.lineTo(px, py)
                path.closeSubpath()
                found = QPen(QColor("#2fbf71" if self.ready else "#ff9f1c"))
                found.setWidthF(max(3.0, self.host.kit.mm(0.8)))
                p.setPen(found)
                p.drawPath(path)
            if self.progress > 0:
                bar = QRectF(box.left(), area.bottom() + self.host.kit.mm(1), box.width() * self.progress,
                             self.host.kit.mm(2.5))
                p.fillRect(bar, QColor("#2fbf71"))
        finally:
            p.end()


def hint_text(text: T.T, lang: str) -> str:
    """A live hint in Vietnamese with English below (in English only when the citizen chose English)."""
    return text.en if lang == "en" else text.both()


class LiveCamera:
    """Drives a LiveView from a LiveFeed while its page is on screen; calls `on_take` when the picture is ready."""

    def __init__(self, host: KioskHost, feed: LiveFeed, view: LiveView, hint: Any, *, page: str,
                 on_take: Callable[[], None]) -> None:
        self.host, self.feed, self.view, self.hint, self.page = host, feed, view, hint, page
        self.on_take = on_take
        self.in_flight = False
        self.running = False
        self.frames = 0
        self.dropped = 0
        self._timer = QTimer(view)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self.tick)

    def start(self) -> None:
        """Show the camera (the page has just opened)."""
        self.running = True
        self.hint.setText(hint_text(T.LIVE_STARTING, self.host.lang))
        self._timer.start()
        self.tick()

    def stop(self) -> None:
        """Stop showing the camera and forget its frames."""
        self.running = False
        self._timer.stop()
        self.feed.forget()
        self.view.clear()

    def tick(self) -> None:
        """Ask for the next frame, unless one is still being judged (then this one is dropped)."""
        if not self.running or self.host.page != self.page:
            self.stop()
            return
        if self.in_flight:
            self.dropped += 1
            return
        self.in_flight = True
        self.host.run(self.feed.next, self._on_frame, self._on_error)

    def _on_frame(self, frame: LiveFrame | None) -> None:
        self.in_flight = False
        if not self.running or self.host.page != self.page:
            self.feed.forget()  # a frame that came back after the step ended is not shown, nor kept
            return
        lang = self.host.lang
        if frame is None:
            self.hint.setText(hint_text(T.LIVE_NO_PICTURE, lang))
            return
        self.frames += 1
        self.view.show_frame(frame)
        if not self.host.busy:  # a photo being taken keeps its own message
            self.hint.setText(hint_text(HINTS[frame.verdict.hint], lang))
        if frame.verdict.take and not self.host.busy:
            self.on_take()

    def _on_error(self, exc: Exception) -> None:
        self.in_flight = False
        log.warning("live camera: %s", type(exc).__name__)  # the exception's text may name the device path
        if self.running:
            self.hint.setText(hint_text(T.LIVE_NO_PICTURE, self.host.lang))
