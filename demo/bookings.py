"""The demo's appointments and notices: part of the morning's citizens booked ahead at the central server,
checked in at the kiosk (by the booking QR and by the typed code), a few walk-ins who leave a phone number
with consent, and the notices the central server's file provider delivers (DIR/notices.jsonl, numbers
masked). Runs through the same code paths as the real devices: the public booking API, the relay's feeds,
the kiosk's check-in backend and printer, the hub's notices and the central outbox.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests

if TYPE_CHECKING:
    from demo.model import DemoRun
    from sync.hub import Hub

log = logging.getLogger(__name__)

NOTICES_FILE = "notices.jsonl"
BOOKED = (("DD", "001190000101", True), ("DD", "001190000102", False), ("TPHT", "001190000103", True),
          ("TPHT", "001190000104", False), ("GTVT", "001190000105", True))
"""(service, CCCD number, agreed to notices) of the citizens who booked the first slot of the morning."""


@dataclass
class BookingRun:
    """What the booking part of the morning did."""

    booked: list[dict[str, Any]] = field(default_factory=list)
    checked_in: list[dict[str, Any]] = field(default_factory=list)
    subscribed: int = 0
    errors: list[str] = field(default_factory=list)


def book_and_check_in(run: DemoRun, hub: Hub, central_url: str) -> BookingRun:
    """At the morning's start: citizens book its first slot, the bookings reach the hub, and they check in."""
    from kiosk.appointment import AppointmentBackend
    from kiosk.backend import KioskBackend, write_printed
    from kiosk.config import hash_pin, parse_kiosk_config

    out = BookingRun()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not requests.get(f"{central_url}/api/v1/public/booking/sites",
                                                            timeout=5).json()["sites"]:
        time.sleep(0.1)
    # The slot now running, unless its late margin ends within a few simulated minutes (the demo's clock runs
    # fast, and the hub's start-up already took part of the morning): then the next one.
    now = datetime.fromtimestamp(run.clock.time(), run.config.tz)
    step = run.config.bookings.slot_minutes
    start = now.replace(minute=now.minute - now.minute % step, second=0, microsecond=0)
    if (start + timedelta(minutes=run.config.bookings.late_min) - now) < timedelta(minutes=5):
        start += timedelta(minutes=step)
    slot = f"{start.hour:02d}:{start.minute:02d}"
    offered = {s.code for s in run.config.services}
    for i, (service, id_number, notify) in enumerate(BOOKED):
        if service not in offered:
            continue
        r = requests.post(f"{central_url}/api/v1/public/bookings", timeout=10, json={
            "site": run.config.site.code, "service": service, "day": start.date().isoformat(), "slot": slot,
            "name": f"Công dân đặt lịch {i + 1}", "phone": f"09120000{i:02d}" if notify else "",
            "id_number": id_number, "notify": notify})
        if r.status_code == 201:
            out.booked.append(r.json())
        else:
            out.errors.append(f"booking {service} {slot}: {r.status_code} {r.text[:120]}")
    if hub.relay is not None:
        hub.relay.pull_feeds_now()
    wanted = {b["id"] for b in out.booked}
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not wanted <= {b["id"] for b in hub.bookings.today()}:
        time.sleep(0.1)
    kiosk_cfg = parse_kiosk_config({
        "hub": {"url": run.hub_url, "token": run.tokens["kiosk"]},
        "printer": {"address": "dummy:", "paper_mm": 80},
        "kiosk": {"name": "Ki-ốt sảnh 2", "technician_pin_hash": hash_pin("0000", iterations=1000),
                  "cache_db": str((run.out or Path(".")) / "kiosk-booking-cache.db")},
    })
    kiosk = KioskBackend(kiosk_cfg, on_printed=write_printed(run.out / "printed") if run.out else None)
    kiosk.load_site()
    appointments = AppointmentBackend(kiosk)
    try:
        for i, b in enumerate(out.booked):
            # Half show the QR of their booking page, half type the code.
            res = appointments.checkin(qr=f"{central_url}/book/{b['id']}") if i % 2 == 0 else \
                appointments.checkin(code=b["code"])
            if res.take.ticket is None:
                out.errors.append(f"check-in of booking {b['code']}: {res.error_code}")
                continue
            out.checked_in.append(res.take.ticket)
            with run.lock:
                run.issued.append(res.take.ticket)
        # Two walk-ins leave a phone number with their consent, to hear when their turn is near.
        assert kiosk.client is not None
        for i in range(2):
            taken = kiosk.take_number(run.config.services[0].code)
            if taken.ticket is None:
                continue
            with run.lock:
                run.issued.append(taken.ticket)
            kiosk.client.subscribe_notices(ticket_id=taken.ticket.id, phone=f"098700000{i}", consent=True)
            out.subscribed += 1
    finally:
        kiosk.close()
    return out


def notices_sent(out_dir: Path, *, wait_s: float = 15.0) -> int:
    """Notices the central server's file provider delivered (lines of DIR/notices.jsonl), once its outbox holds
    nothing more to send."""
    import sqlite3

    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        con = sqlite3.connect(out_dir / "central.db")
        try:
            waiting = con.execute("SELECT COUNT(*) FROM notices WHERE status IN ('pending', 'sending')").fetchone()[0]
        finally:
            con.close()
        if waiting == 0:
            break
        time.sleep(0.2)
    path = out_dir / NOTICES_FILE
    return len(path.read_text(encoding="utf-8").splitlines()) if path.exists() else 0


def booking_screen(out: Path, run: DemoRun) -> None:
    """DIR/screens/kiosk-booking.png: the kiosk's check-in page, through its real code offscreen."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from kiosk.app import KioskWindow
    from kiosk.appointment import AppointmentBackend
    from kiosk.backend import KioskBackend
    from kiosk.config import hash_pin, parse_kiosk_config
    from ui.application import app as qt_app

    app = qt_app()
    cfg = parse_kiosk_config({
        "hub": {"url": run.hub_url, "token": run.tokens["kiosk"]},
        "printer": {"address": "dummy:", "paper_mm": 80},
        "screen": {"orientation": "portrait", "width_px": 1080, "height_px": 1920, "fullscreen": False},
        "kiosk": {"name": "Ki-ốt sảnh 2", "technician_pin_hash": hash_pin("0000", iterations=1000),
                  "cache_db": str(out / "kiosk-booking-cache.db")},
    })
    backend = KioskBackend(cfg)
    win = KioskWindow(cfg, backend, clock=run.clock.time, start_worker=False,
                      appointments=AppointmentBackend(backend))
    try:
        win.site = backend.load_site()
        win.go_home(clear=True)
        win.show()
        assert win.booking is not None
        win.booking.open()
        for ch in "7294":
            win.booking.field.press(ch)
        for _ in range(5):
            app.processEvents()
            time.sleep(0.01)
        win.screenshot(out / "screens" / "kiosk-booking.png")
    finally:
        win.allow_close = True
        win.close()
        backend.close()
