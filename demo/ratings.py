"""The demo's clerks and citizens' ratings (issue 13), through the real code paths of the rating devices
(`rating_artefacts` is one of demo.artefacts.ARTEFACT_HOOKS).

Before the morning, a clerk signs in at each counter (`motcua staff add` and the panel's sign-in call). During
it, simulated citizens rate part of their services as each is completed: at counter 1 by the rating box (the
headless bridge over a pty pair, a citizen pressing its buttons), at the other counters on the rating screen
(its session, SQLite outbox and sender) or by phone (the tracking page's rating form). Afterwards the rating
screen's four pages are drawn to DIR/screens/ and the figures per clerk go to DIR/ratings-summary.json.
"""
from __future__ import annotations

import json
import logging
import os
import random
import select
import threading
import uuid
from pathlib import Path
from typing import Any

import requests

from counter_display.rating_core import RatingOutbox, RatingSender, RatingSession
from demo.model import DemoRun
from motcua.ratings import KEYPAD_LEVELS

log = logging.getLogger(__name__)

CLERK_NAMES = ("Nguyễn Thị Lan", "Trần Văn Đức", "Lê Thu Hà", "Phạm Minh Tuấn", "Hoàng Thị Mai", "Vũ Quốc Bảo",
               "Đặng Thu Trang", "Bùi Văn Hùng", "Đỗ Thị Hồng", "Ngô Văn Nam")
BOX_COUNTER = 1
"""The counter whose citizens rate on the rating box."""


def sign_in_clerks(hub_url: str, db: Path, token: str, counters: list[int]) -> dict[int, str]:
    """One clerk per counter, added to the hub's database and signed in there; {counter: staff code}."""
    from sync.client import HubClient
    from sync.hub.staff import add_staff

    client = HubClient(hub_url, token)
    codes: dict[int, str] = {}
    try:
        for i, n in enumerate(counters):
            code = f"NV{i + 1:03d}"
            add_staff(db, code=code, name=CLERK_NAMES[i % len(CLERK_NAMES)], pin=f"{2468 + i:04d}")
            client.sign_in(n, staff=code, pin=f"{2468 + i:04d}")
            codes[n] = code
    finally:
        client.close()
    return codes


def _level(rng: random.Random) -> str:
    """Most citizens are satisfied (what centers report); some are not."""
    return rng.choices(("very_satisfied", "satisfied", "unsatisfied"), weights=(55, 35, 10))[0]


class RatingCitizens:
    """Citizens who rate as they leave the counter; `by_channel` counts the ratings made."""

    def __init__(self, *, hub_url: str, token: str, out: Path, now: Any, seed: int = 13, share: float = 0.6) -> None:
        from sync.client import HubClient

        self.hub_url = hub_url
        self.token = token
        self.out = out
        self.now = now
        self.rng = random.Random(seed)
        self.share = share
        self.by_channel: dict[str, int] = {"screen": 0, "keypad": 0, "phone": 0}
        self.errors: list[str] = []
        self.stop = threading.Event()
        self.client = HubClient(hub_url, token)
        cache = out / "rating-cache"
        self.outbox = RatingOutbox(cache / "screens.db")
        self.sender = RatingSender(self.outbox, HubClient(hub_url, token), now=now, retry_s=0.5)
        self.sessions: dict[int, RatingSession] = {}
        self.threads: list[threading.Thread] = []
        self.box: Any = None
        self.master = -1
        self._sub: Any = None

    # ---------------------------------------------------------------- the rating box at counter 1
    def _start_box(self) -> None:
        from counter_display.config import CounterConfig, parse_device_config
        from counter_display.rating_keypad import RatingKeypadBridge

        self.master, slave = os.openpty()
        port = os.ttyname(slave)
        os.close(slave)
        cfg = parse_device_config(CounterConfig, {
            "hub": {"url": self.hub_url, "token": self.token}, "counter": {"number": BOX_COUNTER},
            "rating_keypad": {"port": port, "ask_s": 150, "cache": str(self.out / "rating-cache" / "box.db")}},
            path="demo-counter.toml")
        from sync.client import HubClient

        self.box = RatingKeypadBridge(cfg, HubClient(self.hub_url, self.token), now=self.now, retry_s=0.2).start()
        th = threading.Thread(target=self._press_buttons, name="demo-rating-box", daemon=True)
        self.threads.append(th)
        th.start()

    def _press_buttons(self) -> None:
        """The citizens in front of the box: on each ASK, most press a button (RATE 3/2/1)."""
        buf = b""
        levels = {v: k for k, v in KEYPAD_LEVELS.items()}
        while not self.stop.is_set():
            r, _, _ = select.select([self.master], [], [], 0.1)
            if not r:
                continue
            try:
                buf += os.read(self.master, 256)
            except OSError:
                return
            while b"\r\n" in buf:
                line, buf = buf.split(b"\r\n", 1)
                if line.startswith(b"ASK ") and self.rng.random() < self.share:
                    os.write(self.master, f"RATE {levels[_level(self.rng)]}\r\n".encode())
                elif line == b"OK THANKS":
                    self.by_channel["keypad"] += 1

    # ---------------------------------------------------------------- screens and phones at the other counters
    def _follow(self) -> None:
        self._sub = self.client.events(stop=self.stop, max_backoff=0.5)
        for ev in self._sub:
            if self.stop.is_set():
                return
            t = ev.data.get("ticket") or {}
            counter = ev.data.get("counter")
            if ev.type != "ticket.completed" or not isinstance(counter, int) or counter == BOX_COUNTER or t.get("test"):
                continue
            if self.rng.random() >= self.share:
                continue
            try:
                if self.rng.random() < 0.7:
                    self._touch_screen(counter, t, ev.data.get("clerk"))
                else:
                    self._rate_by_phone(t)
            except Exception as exc:  # noqa: BLE001 - a failed rating is counted, the morning goes on
                self.errors.append(f"rating of {t.get('display')}: {exc}")

    def _touch_screen(self, counter: int, t: dict[str, Any], clerk: str | None) -> None:
        session = self.sessions.get(counter)
        if session is None:
            session = self.sessions[counter] = RatingSession(counter=counter, outbox=self.outbox, now=self.now)
            session.on_stored = lambda r: self.sender.wake()
        session.served(ticket_id=t["id"], display=str(t.get("display")), counter=counter, clerk=clerk)
        level = _level(self.rng)
        reasons = [self.rng.choice(("waiting_time", "guidance", "attitude"))] if level == "unsatisfied" else []
        if session.touch(level, reasons).value == "stored":
            self.by_channel["screen"] += 1

    def _rate_by_phone(self, t: dict[str, Any]) -> None:
        r = requests.post(f"{self.hub_url}/t/{t['id']}/rate", timeout=5,
                          data={"rating_id": str(uuid.uuid4()), "level": _level(self.rng)})
        if r.status_code == 201:
            self.by_channel["phone"] += 1
        else:
            self.errors.append(f"phone rating of {t.get('display')}: {r.status_code}")

    # ---------------------------------------------------------------- lifecycle
    def start(self) -> RatingCitizens:
        """Start the box, the screens' sender and the citizens following the hub's events."""
        self._start_box()
        self.sender.start()
        th = threading.Thread(target=self._follow, name="demo-rating-citizens", daemon=True)
        self.threads.append(th)
        th.start()
        return self

    def finish(self, timeout: float = 10.0) -> list[str]:
        """Send what the screens kept, then stop everything; returns the ratings that failed (for `failed`)."""
        import time

        deadline = time.monotonic() + timeout
        while (self.outbox.count() or (self.box and self.box.outbox.count())) and time.monotonic() < deadline:
            self.sender.wake()
            time.sleep(0.05)
        self.stop.set()
        if self._sub is not None:
            self._sub.close()
        for th in self.threads:
            th.join(3)
        if self.box is not None:
            self.box.stop()
        self.sender.stop()
        self.outbox.close()
        self.client.close()
        if self.master >= 0:
            os.close(self.master)
        return list(self.errors)


def write_rating_summary(out: Path, db: Path, *, day: str) -> dict[str, Any]:
    """DIR/ratings-summary.json: the morning's figures per clerk, as `motcua staff summary` prints them."""
    from sync.staff_cli import summary

    figures = summary(str(db), first=day, last=day, by="clerk")
    (out / "ratings-summary.json").write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n",
                                              encoding="utf-8")
    return figures


def rating_artefacts(out: Path, run: DemoRun) -> None:
    """DIR/screens/rating-*.png (the rating screen's pages) and DIR/ratings-summary.json (the figures per clerk)."""
    from counter_display.rating_screens import capture_rating_screens
    from motcua.clock import local_datetime

    capture_rating_screens(out / "screens", tmp=out / "rating-cache" / "screenshots")
    write_rating_summary(out, run.db, day=local_datetime(run.clock.time(), run.config.tz).date().isoformat())
