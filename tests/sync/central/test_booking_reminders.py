"""Booking reminders (nhắc lịch hẹn) at the central server, over HTTP on 127.0.0.1 with an injected clock: at 16:00
the day before, a booking made with a phone and consent gets one reminder through the outbox and its provider;
none without consent, none for a cancelled booking (also when cancelled after it was queued), none for a booking
made after 16:00; exactly once however often the sweep runs, across a restart of the server too; the citizen's
number and name never reach the log."""
from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from datetime import time as dt_time
from pathlib import Path
from typing import Any

import pytest
import requests
from support import local, small_site

from motcua.booking import capacity_document
from motcua.clock import ManualClock
from motcua.config import parse_site_config
from sync.central.app import CentralSettings, create_central_app
from sync.central.notices import LoopbackNotifier
from sync.central.store import CentralStore
from sync.server import ServerThread

PHONES = {"with_consent": "0912000001", "no_consent": "0912000002", "cancelled": "0912000003", "late": "0912000004"}
FOUR_PM = dt_time(16, 0)


class Central:
    def __init__(self, db: Path, clock: ManualClock, notifier: LoopbackNotifier) -> None:
        self.store = CentralStore(db, dev_tokens=True)
        self.server = ServerThread(create_central_app(self.store, CentralSettings(
            clock=clock.time, notifier=notifier, notice_interval_s=0.02, reminder_interval_s=0.02,
            reminder_at=FOUR_PM))).start()

    def book(self, who: str, slot: str, *, notify: bool = True) -> dict[str, Any]:
        r = requests.post(f"{self.server.url}/api/v1/public/bookings", timeout=5, json={
            "site": "TEST", "service": "A", "day": "2026-11-27", "slot": slot, "name": "Vũ Thị Mai",
            "phone": PHONES[who], "id_number": f"00109000{len(who):04d}", "notify": notify})
        assert r.status_code == 201, r.text
        return r.json()  # type: ignore[no-any-return]

    def reminders(self) -> list[tuple[str, str]]:
        with self.store.lock:
            return self.store.conn.execute("SELECT booking_id, status FROM notices WHERE kind = 'booking_reminder' "
                                           "ORDER BY created_at").fetchall()


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[tuple[Central, ManualClock, LoopbackNotifier, Path]]:
    clock = ManualClock(local(2026, 11, 26, 9, 0))
    db = tmp_path / "central.db"
    seed = CentralStore(db, dev_tokens=True)
    doc = capacity_document(parse_site_config(small_site()))
    seed.ingest_events(site="TEST", events=[{"id": "offer-0001", "seq": 1, "type": "booking.capacity",
                                             "at": clock.time(), "capacity": doc}])
    seed.close()
    notifier = LoopbackNotifier()
    c = Central(db, clock, notifier)
    yield c, clock, notifier, db
    c.server.stop()


def wait_for(cond: Any, what: str) -> None:
    deadline = time.monotonic() + 10
    while not cond():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


def test_one_reminder_the_afternoon_before_only_with_consent(setup, caplog) -> None:  # noqa: ANN001
    caplog.set_level(logging.DEBUG)
    c, clock, notifier, db = setup
    kept = c.book("with_consent", "09:00")
    c.book("no_consent", "09:00", notify=False)
    cancelled = c.book("cancelled", "10:00")
    assert requests.post(f"{c.server.url}/api/v1/public/bookings/{cancelled['id']}/cancel", timeout=5).ok
    # Until 16:00 the sweep (running every 20 ms) queues nothing.
    clock.set(local(2026, 11, 26, 15, 59, 59))
    assert c.store.queue_reminders(now=clock.time(), at=FOUR_PM) == 0 and c.reminders() == []
    clock.set(local(2026, 11, 26, 16, 0))
    wait_for(lambda: len(notifier.sent) == 1, "the reminder was not delivered")
    sent = notifier.sent[0]
    assert sent.kind == "booking_reminder" and sent.recipient == PHONES["with_consent"] and sent.site == "TEST"
    assert sent.text.startswith("Nhắc lịch hẹn: 09:00 ngày 27/11/2026, Đất đai, Trung tâm thử nghiệm.")
    assert "Reminder: your appointment at 09:00 on 2026-11-27" in sent.text
    assert "Vũ Thị Mai" not in sent.text and kept["code"] not in sent.text
    assert c.reminders() == [(kept["id"], "sent")]
    # A booking made after 16:00 for tomorrow needs no reminder (the citizen just booked).
    late = c.book("late", "11:00")
    # Exactly once: the sweep goes on (and runs again here), a restart of the server changes nothing.
    for _ in range(3):
        assert c.store.queue_reminders(now=clock.time(), at=FOUR_PM) == 0
    clock.set(local(2026, 11, 26, 20, 0))
    c.server.stop()
    again = Central(db, clock, notifier)
    try:
        assert again.store.queue_reminders(now=clock.time(), at=FOUR_PM) == 0
        clock.set(local(2026, 11, 27, 8, 0))
        assert again.store.queue_reminders(now=clock.time(), at=FOUR_PM) == 0
        assert [n.recipient for n in notifier.sent] == [PHONES["with_consent"]]
        assert again.reminders() == [(kept["id"], "sent")] and late["id"] not in str(again.reminders())
        r = requests.get(f"{again.server.url}/api/v1/notices/{notifier.sent[0].id}", timeout=5,
                         headers={"Authorization": "Bearer dev-central-token-TEST"})
        assert r.json()["status"] == "sent" and PHONES["with_consent"] not in r.text
    finally:
        again.server.stop()
    for phone in PHONES.values():
        assert phone not in caplog.text
    assert "Vũ Thị Mai" not in caplog.text


def test_a_reminder_queued_then_cancelled_is_not_sent(tmp_path: Path) -> None:
    clock = ManualClock(local(2026, 11, 26, 9, 0))
    store = CentralStore(tmp_path / "central.db", dev_tokens=True)
    doc = capacity_document(parse_site_config(small_site()))
    store.ingest_events(site="TEST", events=[{"id": "offer-0001", "seq": 1, "type": "booking.capacity",
                                              "at": clock.time(), "capacity": doc}])
    b = store.book(site="TEST", service="A", day=local(2026, 11, 27).date(), slot="09:00", name="Vũ Thị Mai",
                   phone="0912000001", id_number="001090000001", notify=True, now=clock.time())
    clock.set(local(2026, 11, 26, 16, 30))
    assert store.queue_reminders(now=clock.time(), at=FOUR_PM) == 1
    store.cancel_booking(b["id"], now=clock.time())
    notifier = LoopbackNotifier()
    assert store.dispatch_notices(notifier, now=clock.time()) == 0 and notifier.sent == []
    assert store.queue_reminders(now=clock.time(), at=FOUR_PM) == 0
    [(status,)] = store.conn.execute("SELECT status FROM notices WHERE booking_id = ?", (b["id"],)).fetchall()
    assert status == "cancelled"
