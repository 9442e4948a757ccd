"""Notices to citizens' phones, between a real hub and the reference central server over HTTP on 127.0.0.1
(in-process, a loopback provider): "3 more before you" and the call, once each, only with consent; a booked
citizen's notices go to the number they gave when booking, if they agreed; a dossier's result; retries of a
failing provider; withdrawal; and no phone number in the hub's events."""
from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from support import RunningHub, small_site

from motcua.clock import ManualClock
from sync.central.app import CentralSettings, create_central_app
from sync.central.notices import LoopbackNotifier
from sync.central.store import CentralStore
from sync.server import ServerThread

FAST = {"feed_interval_s": 0.2, "idle_poll_s": 0.05, "backoff_max_s": 0.3}
PHONE = "0912345678"


@dataclass
class Setup:
    central: ServerThread
    store: CentralStore
    hub: RunningHub
    sent: LoopbackNotifier

    def post(self, path: str, body: dict[str, Any], role: str = "kiosk") -> requests.Response:
        return requests.post(self.hub.url + "/api/v1" + path, json=body, timeout=5,
                             headers={"Authorization": f"Bearer {self.hub.tokens[role]}"})

    def issue(self) -> dict[str, Any]:
        return self.post("/tickets", {"service": "A"}).json()  # type: ignore[no-any-return]

    def call(self, counter: int = 2) -> dict[str, Any]:
        return self.post(f"/counters/{counter}/next", {}, role="counter").json()  # type: ignore[no-any-return]

    def wait_sent(self, n: int, timeout: float = 15) -> list[Any]:
        deadline = time.monotonic() + timeout
        while len(self.sent.sent) < n and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)  # and nothing more arrives
        return list(self.sent.sent)


@pytest.fixture
def setup(tmp_path, make_hub, clock: ManualClock) -> Iterator[Callable[..., Setup]]:  # noqa: ANN001
    made: list[ServerThread] = []

    def factory() -> Setup:
        store = CentralStore(tmp_path / "central.db", dev_tokens=True)
        sent = LoopbackNotifier()
        central = ServerThread(create_central_app(store, CentralSettings(
            clock=clock.time, notifier=sent, notice_interval_s=0.05))).start()
        made.append(central)
        data = small_site()
        data["services"].append({"code": "TPHT", "name": "Tư pháp - Hộ tịch", "first_number": 1, "digits": 4})
        data["central"] = {"url": central.url, "token": "dev-central-token-TEST"}
        return Setup(central, store, make_hub(data, relay_settings=FAST), sent)

    yield factory
    for c in made:
        c.stop()


def test_turn_near_and_called_once_each_with_consent_only(setup) -> None:  # noqa: ANN001
    s = setup()
    ahead = [s.issue() for _ in range(5)]
    mine, theirs = s.issue(), s.issue()
    assert s.post("/notices/subscriptions", {"ticket_id": theirs["id"], "phone": PHONE, "consent": False}).json()[
        "error"]["code"] == "consent_required"
    r = s.post("/notices/subscriptions", {"ticket_id": mine["id"], "phone": "091 234 5678", "consent": True})
    assert r.status_code == 201 and PHONE not in r.text
    s.call()
    assert s.wait_sent(0, timeout=0.5) == []  # 4 ahead: nothing yet
    s.call()  # 3 ahead
    s.call()  # 2 ahead: already told
    [near] = s.wait_sent(1)
    assert near.kind == "turn_near" and near.recipient == PHONE and near.text.startswith("Còn 3 người nữa đến lượt bạn")
    for _ in range(3):
        s.call()
    called = s.wait_sent(2)
    assert [n.kind for n in called] == ["turn_near", "called"]
    assert called[1].text.startswith(f"Mời số {mine['display']} đến Quầy 2")
    s.call()  # the other ticket is called: it never consented
    s.post("/counters/2/recall", {}, role="counter")
    assert len(s.wait_sent(3, timeout=1)) == 2
    # The hub's log names the notices, never the number; the central server says they were sent.
    db = sqlite3.connect(s.hub.db)
    log = " ".join(r[0] for r in db.execute("SELECT data FROM events"))
    assert PHONE not in log and "notice.requested" in log and "notice.subscribed" in log
    assert {s.store.notice_status(n.id)["status"] for n in called} == {"sent"}  # type: ignore[index]
    assert ahead


def test_a_booked_citizen_is_told_at_the_number_given_when_booking_if_they_agreed(setup) -> None:  # noqa: ANN001
    s = setup()
    deadline = time.monotonic() + 15
    while not s.store.booking_sites() and time.monotonic() < deadline:
        time.sleep(0.05)
    url = f"{s.central.url}/api/v1/public/bookings"
    base = {"site": "TEST", "service": "A", "day": "2026-11-26", "slot": "09:00", "name": "Đỗ Văn Nam"}
    yes = requests.post(url, json={**base, "id_number": "001090000011", "phone": "0987000111", "notify": True},
                        timeout=5).json()
    no = requests.post(url, json={**base, "id_number": "001090000012", "phone": "0987000222"}, timeout=5).json()
    for b in (yes, no):
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not any(
                x["id"] == b["id"] for x in requests.get(s.hub.url + "/api/v1/bookings", timeout=5, headers={
                    "Authorization": f"Bearer {s.hub.tokens['counter']}"}).json()["bookings"]):
            time.sleep(0.05)
    t_yes = s.post("/bookings/checkin", {"code": yes["code"]}).json()["ticket"]
    t_no = s.post("/bookings/checkin", {"code": no["code"]}).json()["ticket"]
    assert s.call()["id"] == t_yes["id"] and s.call()["id"] == t_no["id"]
    [called] = s.wait_sent(1)
    assert called.kind == "called" and called.recipient == "0987000111" and t_yes["display"] in called.text
    assert len(s.wait_sent(2, timeout=1)) == 1  # the one who did not agree hears nothing


def test_a_dossier_result_a_failing_provider_and_withdrawal(setup, clock: ManualClock) -> None:  # noqa: ANN001
    s = setup()
    d = s.post("/dossiers", {"id": str(uuid.uuid4()), "procedure": "TPHT.01", "applicant": {"name": "Vũ Thị Lan"}},
               role="counter").json()
    assert s.post("/notices/subscriptions", {"dossier_id": d["id"], "phone": PHONE, "consent": True}).status_code == 201
    t = s.issue()
    sub = s.post("/notices/subscriptions", {"ticket_id": t["id"], "phone": "0900000009", "consent": True}).json()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and s.store.dossier(d["id"]) is None:
        time.sleep(0.05)
    s.sent.fail_next = 2  # the gateway is down for two tries: retried, delivered once
    s.store.set_status(d["id"], "processing")
    s.store.set_status(d["id"], "done")
    deadline = time.monotonic() + 30
    while not s.sent.sent and time.monotonic() < deadline:
        clock.advance(15)  # the retries' backoff (5 s, then 10 s) passes on the injected clock
        time.sleep(0.2)
    [ready] = s.wait_sent(1)
    assert ready.kind == "result_ready" and "đã có kết quả" in ready.text and ready.recipient == PHONE
    st = s.store.notice_status(ready.id)
    assert st is not None and st["status"] == "sent" and st["attempts"] == 3
    # Withdrawn: the number is erased at once and the call tells nobody.
    assert requests.delete(f"{s.hub.url}/api/v1/notices/subscriptions/{sub['id']}", timeout=5, headers={
        "Authorization": f"Bearer {s.hub.tokens['kiosk']}"}).status_code == 200
    s.call()
    assert len(s.wait_sent(2, timeout=1)) == 1
    row = sqlite3.connect(s.hub.db).execute("SELECT phone, withdrawn_at FROM notice_subscriptions WHERE id = ?",
                                            (sub["id"],)).fetchone()
    assert row[0] == "" and row[1] is not None
