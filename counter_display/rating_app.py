"""`motcua rate --config RATING.toml`: the counter's citizen-facing rating screen (màn hình đánh giá tại quầy).

A second screen of the counter PC, or a cheap tablet-sized display, turned to the citizen. Idle it shows the
counter and the clerk serving (name and photo slot, as the name badge of a one-stop counter). When the clerk
completes a ticket (the hub's `ticket.completed` for this counter) it asks, in large Vietnamese with English
below, how the service was: the three official levels as big buttons; "Không hài lòng" offers reasons as
one-touch chips; then thanks and returns to idle. A touch is kept in the device's SQLite outbox and sent by a
background thread (counter_display.rating_core), so a hub outage loses nothing. The token is this counter's
(`motcua token create --role counter --counter N`).
"""
from __future__ import annotations

import argparse
import logging
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import Field

from motcua.config import ConfigError, load_toml_section
from motcua.logs import LEVELS as LOG_LEVELS
from motcua.logs import setup as setup_logging
from motcua.ratings import LEVELS, REASONS
from ui.application import run_until
from ui.fonts import load_fonts
from ui.qt import (
    QFont,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QObject,
    QPixmap,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ui.theme import RATING
from ui.worker import Worker

from . import texts
from .config import HubSettings, _hub, _Model, _resolve, default_cache_dir, parse_device_config
from .rating_core import Outcome, RatingOutbox, RatingSender, RatingSession, SessionState

log = logging.getLogger(__name__)

STYLE = RATING.style_sheet()


class RatingScreenSettings(_Model):
    """The rating screen of one counter."""

    counter: int = Field(ge=1, le=999)
    """The counter it faces the citizens of."""
    ask_s: float = Field(60.0, ge=5, le=600)
    """How long the question stays after "Hoàn thành" (the hub's [ratings] window_s must be longer)."""
    thanks_s: float = Field(5.0, ge=1, le=60)
    """How long the thanks stay before the screen returns to idle."""
    fullscreen: bool = True
    """Open full screen; false for a window (a second screen shows it where it is dragged)."""
    screen: int = Field(0, ge=0, le=16)
    """Which screen to use when several are attached (the one turned to the citizen)."""
    cache: Path | None = None
    """The ratings kept until the hub has them (default: ~/.cache/motcua/rating/counter-N.db)."""
    photos: Path | None = None
    """A folder of staff photos named by staff code (NV001.png, .jpg); none: an empty photo slot."""


class RatingConfig(_Model):
    """motcua rate --config RATING.toml."""

    hub: HubSettings
    rating: RatingScreenSettings


def load_rating_config(path: str | Path) -> RatingConfig:
    """Read RATING.toml (relative paths from the file's folder); ConfigError names the file and the key."""
    p = Path(path)
    cfg = parse_device_config(RatingConfig, load_toml_section(p), path=p)
    base = p.resolve().parent
    rating = cfg.rating.model_copy(update={"cache": _resolve(base, cfg.rating.cache),
                                           "photos": _resolve(base, cfg.rating.photos)})
    return cfg.model_copy(update={"rating": rating, "hub": _hub(cfg.hub, base, p)})


def _two(text: texts.Text) -> str:
    return f"{text.vi}\n{text.en}"


class _Signals(QObject):
    """Callbacks of the feed and sender threads, as queued signals for the GUI thread."""

    hub_event = Signal(object)
    online = Signal(bool)
    outbox = Signal(int, bool)


class RatingScreen(QWidget):
    """The citizen's rating screen of one counter. `client` is a HubClient; `now` gives the time (tests inject it)."""

    changed = Signal()
    """Emitted after each redraw (tests wait on it)."""
    closed = Signal()

    def __init__(self, config: RatingConfig, client: Any, *, now: Callable[[], float] | None = None,
                 outbox_path: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        s = config.rating
        self.config = config
        self.client = client
        self.number = s.counter
        self.now = now or time.time
        path = outbox_path or s.cache or default_cache_dir("rating") / f"counter-{s.counter}.db"
        self.outbox = RatingOutbox(path)
        self.session = RatingSession(counter=s.counter, outbox=self.outbox, now=self.now, channel="screen",
                                     ask_s=s.ask_s, thanks_s=s.thanks_s)
        self.signals = _Signals(self)
        self.signals.hub_event.connect(self.on_event)
        self.signals.online.connect(self.set_online)
        self.signals.outbox.connect(self._outbox_changed)
        self.uploader = RatingSender(self.outbox, client, now=self.now, on_change=self.signals.outbox.emit)
        self.session.on_stored = lambda r: self.uploader.wake()
        self.worker = Worker(self, threads=1, name="rating-op")
        self.clerk_name: str | None = None
        self.clerk_code: str | None = None
        self.pending = 0
        self.online = True
        self.family = load_fonts()
        self.setStyleSheet(STYLE)
        self.setWindowTitle(f"{texts.RATE_TITLE.vi} – {texts.RATE_COUNTER.format(counter=s.counter).vi}")
        self.stack = QStackedWidget(self)
        outer = QVBoxLayout(self)
        top = QHBoxLayout()
        self.counter_label = self._label(texts.RATE_COUNTER.format(counter=s.counter).vi, 22, bold=True)
        top.addWidget(self.counter_label, 1)
        self.offline = QLabel("")
        self.offline.setObjectName("offline")
        self.offline.setVisible(False)
        top.addWidget(self.offline)
        outer.addLayout(top)
        outer.addWidget(self.stack, 1)
        self.pages = {SessionState.IDLE: self._idle_page(), SessionState.ASKING: self._asking_page(),
                      SessionState.REASONS: self._reasons_page(), SessionState.THANKS: self._thanks_page()}
        for page in self.pages.values():
            self.stack.addWidget(page)
        self.resize(1024, 600)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.tick)
        self.timer.start(250)
        self._redraw()

    # ---------------------------------------------------------------- layout
    def _label(self, text: str, size: int, *, bold: bool = False, grey: bool = False) -> QLabel:
        lab = QLabel(text)
        lab.setFont(QFont(self.family, size, QFont.Weight.Bold if bold else QFont.Weight.Normal))
        lab.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lab.setWordWrap(True)
        lab.setTextFormat(Qt.TextFormat.PlainText)  # a staff name is data, never markup
        if grey:
            lab.setObjectName("muted")
        return lab

    def _idle_page(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.addStretch(1)
        lay.addWidget(self._label(texts.RATE_WELCOME.vi, 40, bold=True))
        lay.addWidget(self._label(texts.RATE_WELCOME.en, 20, grey=True))
        row = QHBoxLayout()
        row.addStretch(1)
        self.photo = QLabel(texts.RATE_PHOTO.vi)
        self.photo.setObjectName("photo")
        self.photo.setFixedSize(150, 190)
        self.photo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        row.addWidget(self.photo)
        names = QVBoxLayout()
        self.clerk_vi = self._label("", 28, bold=True)
        self.clerk_en = self._label("", 16, grey=True)
        names.addWidget(self.clerk_vi)
        names.addWidget(self.clerk_en)
        row.addLayout(names, 2)
        row.addStretch(1)
        lay.addLayout(row)
        lay.addStretch(2)
        return page

    def _asking_page(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        self.ticket_label = self._label("", 26, bold=True)
        lay.addWidget(self.ticket_label)
        lay.addWidget(self._label(texts.RATE_QUESTION.vi, 34, bold=True))
        lay.addWidget(self._label(texts.RATE_QUESTION.en, 18, grey=True))
        row = QHBoxLayout()
        self.level_buttons: dict[str, QPushButton] = {}
        for code, text in LEVELS.items():
            b = QPushButton(_two(text))
            b.setObjectName(code)
            b.setFont(QFont(self.family, 26, QFont.Weight.Bold))
            b.setMinimumHeight(220)
            b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            b.clicked.connect(lambda _=False, c=code: self.choose(c))
            row.addWidget(b)
            self.level_buttons[code] = b
        lay.addLayout(row, 1)
        return page

    def _reasons_page(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.addWidget(self._label(texts.RATE_REASONS.vi, 30, bold=True))
        lay.addWidget(self._label(texts.RATE_REASONS.en, 16, grey=True))
        grid = QGridLayout()
        self.chips: dict[str, QPushButton] = {}
        for i, (code, text) in enumerate(REASONS.items()):
            b = QPushButton(_two(text))
            b.setObjectName("chip")
            b.setCheckable(True)
            b.setFont(QFont(self.family, 18))
            b.setMinimumHeight(90)
            grid.addWidget(b, i // 2, i % 2)
            self.chips[code] = b
        lay.addLayout(grid, 1)
        self.send_button = QPushButton(_two(texts.RATE_SEND))
        self.send_button.setObjectName("send")
        self.send_button.setFont(QFont(self.family, 22, QFont.Weight.Bold))
        self.send_button.setMinimumHeight(90)
        self.send_button.clicked.connect(self.send_reasons)
        lay.addWidget(self.send_button)
        return page

    def _thanks_page(self) -> QWidget:
        page = QWidget()
        lay = QVBoxLayout(page)
        lay.addStretch(1)
        self.thanks_vi = self._label(texts.RATE_THANKS.vi, 40, bold=True)
        self.thanks_en = self._label(texts.RATE_THANKS.en, 20, grey=True)
        lay.addWidget(self.thanks_vi)
        lay.addWidget(self.thanks_en)
        lay.addStretch(1)
        return page

    # ---------------------------------------------------------------- the citizen's touches
    def choose(self, level: str) -> Outcome | None:
        """A level button: 'Không hài lòng' shows the reasons first; the others are stored at once."""
        if level == "unsatisfied" and self.session.state == SessionState.ASKING:
            if self.session.want_reasons():
                for chip in self.chips.values():
                    chip.setChecked(False)
            self._redraw()
            return None
        outcome = self.session.touch(level)
        self._redraw()
        return outcome

    def send_reasons(self) -> Outcome:
        """The reasons page's send button: 'Không hài lòng' with the chips touched."""
        chosen = [code for code, chip in self.chips.items() if chip.isChecked()]
        outcome = self.session.touch("unsatisfied", chosen)
        self._redraw()
        return outcome

    def tick(self) -> None:
        """The timer: back to idle once the asking or thanking time is over."""
        before = self.session.state
        self.session.tick()
        if self.session.state != before:
            self._redraw()

    # ---------------------------------------------------------------- the hub
    def on_event(self, ev: Any) -> None:
        """A live hub event (a sync.client.HubEvent, GUI thread): ask after this counter's completions; follow
        its clerk."""
        etype: str = ev.type
        data = ev.data
        if data.get("counter") != self.number:
            return
        ticket = data.get("ticket") or {}
        if etype == "ticket.completed" and isinstance(ticket.get("id"), str):
            if self.session.served(ticket_id=ticket["id"], display=str(ticket.get("display", "")),
                                   counter=self.number, clerk=data.get("clerk"), test=bool(ticket.get("test"))):
                self._redraw()
        elif etype in ("staff.signed_in", "staff.signed_out"):
            self.fetch_clerk()

    def fetch_clerk(self) -> None:
        """Ask the hub who is signed in at this counter (off the GUI thread)."""
        def failed(exc: Exception) -> None:  # the idle page keeps the last name it knew
            log.info("could not read the counter's clerk: %s", exc)

        self.worker.submit(lambda: self.client.clerk(self.number), self._set_clerk, failed)

    def _set_clerk(self, clerk: object) -> None:
        self.clerk_code = getattr(clerk, "code", None)
        self.clerk_name = getattr(clerk, "name", None)
        self._redraw()

    def set_online(self, online: bool) -> None:
        """The live feed's view of the hub (the offline badge)."""
        self.online = online
        if online:
            self.uploader.wake()
            self.fetch_clerk()
        self._redraw()

    def _outbox_changed(self, pending: int, online: bool) -> None:
        self.pending = pending
        self.online = online
        self._redraw()

    # ---------------------------------------------------------------- drawing
    def _redraw(self) -> None:
        st = self.session.state
        self.stack.setCurrentWidget(self.pages[st])
        if self.clerk_name:
            self.clerk_vi.setText(texts.RATE_CLERK.format(name=self.clerk_name).vi)
            self.clerk_en.setText(texts.RATE_CLERK.format(name=self.clerk_name).en)
        else:
            self.clerk_vi.setText(texts.RATE_NO_CLERK.vi)
            self.clerk_en.setText(texts.RATE_NO_CLERK.en)
        self._photo()
        asked = self.session.asked
        self.ticket_label.setText(texts.RATE_TICKET.format(display=asked.display).vi if asked else "")
        already = self.session.last_outcome == Outcome.ALREADY_RATED
        thanks = texts.RATE_ALREADY if already else texts.RATE_THANKS
        self.thanks_vi.setText(thanks.vi)
        self.thanks_en.setText(thanks.en)
        show = not self.online or self.pending > 0
        self.offline.setVisible(show and not self.online)
        self.offline.setText(texts.RATE_OFFLINE.format(n=self.pending).vi)
        self.changed.emit()

    def _photo(self) -> None:
        folder = self.config.rating.photos
        pix = None
        if folder is not None and self.clerk_code:
            for ext in (".png", ".jpg", ".jpeg"):
                p = folder / f"{self.clerk_code}{ext}"
                if p.is_file():
                    pix = QPixmap(str(p))
                    break
        if pix is not None and not pix.isNull():
            self.photo.setPixmap(pix.scaled(self.photo.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                            Qt.TransformationMode.SmoothTransformation))
        else:
            self.photo.setPixmap(QPixmap())
            self.photo.setText(f"{texts.RATE_PHOTO.vi}\n{texts.RATE_PHOTO.en}")

    def start(self) -> RatingScreen:
        """Start sending kept ratings and read the counter's clerk."""
        self.uploader.start()
        self.fetch_clerk()
        return self

    def close_all(self) -> None:
        """Stop the timer, the sender and the worker; close the outbox (on exit)."""
        self.timer.stop()
        self.uploader.stop()
        self.worker.shutdown()
        self.outbox.close()

    def closeEvent(self, ev: object) -> None:  # noqa: N802 - Qt's name
        """The window closes: the app's loop ends."""
        super().closeEvent(ev)  # type: ignore[arg-type]
        self.closed.emit()


def follow(screen: RatingScreen, feed_client: Any, **feed: Any) -> Any:
    """Start the hub's live feed for a screen: events and online state arrive as its signals."""
    from ui.feed import HubFeed

    return HubFeed(feed_client, on_snapshot=lambda s, b: None,
                   on_event=screen.signals.hub_event.emit, on_state=screen.signals.online.emit, **feed).start()


def main(argv: list[str] | None = None) -> int:
    """`motcua rate --config RATING.toml`."""
    ap = argparse.ArgumentParser(prog="motcua rate", description="Màn hình đánh giá tại quầy / the rating screen")
    ap.add_argument("--config", required=True, type=Path, help="RATING.toml (xem assets/rating.example.toml)")
    ap.add_argument("--log-level", choices=LOG_LEVELS, default=None)
    args = ap.parse_args(argv)
    setup_logging(args.log_level)
    try:
        config = load_rating_config(args.config)
    except ConfigError as exc:
        print(texts.CLI_CONFIG_ERROR.format(detail=exc), file=sys.stderr)
        return 2
    from ui.application import app

    qapp = app(["motcua-rate"])
    client, feed_client = config.hub.client(), config.hub.client()
    screen = RatingScreen(config, client).start()
    feed = follow(screen, feed_client)
    screens = qapp.screens()
    if config.rating.screen < len(screens):
        screen.setGeometry(screens[config.rating.screen].geometry())
    screen.showFullScreen() if config.rating.fullscreen else screen.show()
    from sync.client import Heartbeat

    heartbeat = Heartbeat(config.hub.client(), role="rating").start()
    try:
        return run_until(screen.closed)
    finally:
        heartbeat.stop()
        feed.stop()
        screen.close_all()
        client.close()
        threading.Thread(target=feed_client.close, daemon=True).start()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
