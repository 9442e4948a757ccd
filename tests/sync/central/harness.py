"""Real processes for the sync fault tests: a central server, a hub syncing through a FaultProxy, citizens
making tickets and dossiers with files, and the exactly-once check of both databases."""
from __future__ import annotations

import hashlib
import os
import random
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
import requests
from faultproxy import FaultProxy

from sync.localsite import CentralProcess, HubProcess, always_open_site_toml

SITE = always_open_site_toml(code="FAULT", name="Trung tâm thử đồng bộ", agency_code="000.00.99.H99",
                             central_url="http://127.0.0.1:1", central_token="dev-central-token-FAULT",
                             services={"DD": "Đất đai", "TPHT": "Tư pháp - Hộ tịch"})


class Central(CentralProcess):
    """`motcua central` as a subprocess, accepting the site file's development token. The tests poll its public
    booking routes in loops, so the per-address limit of those routes is off (test_central_door.py tests it)."""

    def __init__(self, db: Path) -> None:
        super().__init__(db, dev_tokens=True, args=["--public-burst", "0"])


class Hub(HubProcess):
    """`motcua hub` as a subprocess, syncing through the proxy (fast retries)."""

    def __init__(self, tmp: Path, central_url: str, *, clock_start: str | None = None, clock_speed: float = 1.0) -> None:
        site = tmp / "site.toml"
        site.write_text(SITE, encoding="utf-8")
        super().__init__(site, tmp / "hub.db", roles=("kiosk", "counter", "admin"), token_name="fault",
                         central_url=central_url, clock_start=clock_start, clock_speed=clock_speed,
                         sync_backoff_max=0.4, sync_feed_interval=0.5)

    def sync(self) -> dict[str, Any]:
        return self.session().get(self.url + "/api/v1/sync", timeout=5).json()  # type: ignore[no-any-return]

    def wait_drained(self, timeout: float = 60.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        st: dict[str, Any] = {}
        while time.monotonic() < deadline:
            st = self.sync()
            if st["backlog"] == 0 and st["dossiers_unlinked"] == 0:
                return st
            time.sleep(0.1)
        raise AssertionError(f"the outbox did not drain: {st}")


@contextmanager
def running(tmp: Path, **hub_kw: Any) -> Iterator[tuple[Central, FaultProxy, Hub]]:
    central = Central(tmp / "central.db").start()
    proxy = FaultProxy(central.port)
    hub = Hub(tmp, proxy.url, **hub_kw)
    proxy.on_kill = hub.kill
    try:
        yield central, proxy, hub
    finally:
        hub.stop()
        proxy.close()
        central.stop()


# ---------------------------------------------------------------------- citizens
FILES = [os.urandom(n) for n in (700, 3000, 12000, 40000)]


class Citizens:
    """Kiosks taking numbers and counters receiving dossiers with files; records what the hub acknowledged."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.tickets: list[dict[str, Any]] = []
        self.dossiers: list[dict[str, Any]] = []
        self.payments: list[dict[str, Any]] = []
        self.ratings: list[dict[str, Any]] = []
        self.notified: list[str] = []
        """Tickets whose citizen left a phone with consent and was then called (a `called` notice is owed)."""
        self.errors: list[str] = []
        self.stop = threading.Event()

    def take_numbers(self, n: int, *, kiosks: int = 4) -> None:
        def kiosk(i: int) -> None:
            s = self.hub.session("kiosk")
            for k in range(n // kiosks):
                if self.stop.is_set():
                    return
                try:
                    r = s.post(self.hub.url + "/api/v1/tickets", json={"service": ("DD", "TPHT")[(i + k) % 2]}, timeout=10)
                except requests.RequestException as exc:
                    self.errors.append(type(exc).__name__)
                    return
                if r.status_code == 201:
                    self.tickets.append(r.json())

        threads = [threading.Thread(target=kiosk, args=(i,)) for i in range(kiosks)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    def submit_dossiers(self, n: int, *, rng: random.Random | None = None) -> None:
        rng = rng or random.Random(7)
        s = self.hub.session("counter")
        for i in range(n):
            if self.stop.is_set():
                return
            try:
                files = []
                for j, data in enumerate(rng.sample(FILES, 2) + [os.urandom(rng.randint(100, 5000))]):
                    sha = hashlib.sha256(data).hexdigest()
                    r = s.put(f"{self.hub.url}/api/v1/files/{sha}", data=data, timeout=10)
                    assert r.status_code == 201, r.text
                    files.append({"sha256": sha, "name": f"giay-to-{j}.pdf", "mime": "application/pdf"})
                body = {"id": str(uuid.uuid4()), "procedure": "TPHT.01",
                        "applicant": {"name": f"Nguyễn Văn {i}", "id_number": f"{i:012d}", "phone": "0912345678"},
                        "files": files, "delivery": "center"}
                r = s.post(self.hub.url + "/api/v1/dossiers", json=body, timeout=10)
            except requests.RequestException as exc:
                self.errors.append(type(exc).__name__)
                return
            if r.status_code == 201:
                self.dossiers.append(r.json())
            else:
                self.errors.append(f"{r.status_code} {r.text[:100]}")


    def pay_fees(self, n: int) -> None:
        """Dossiers of a procedure with a fee (DD.03), each paid at the counter (cash or a transfer)."""
        s = self.hub.session("counter")
        for i in range(n):
            if self.stop.is_set():
                return
            try:
                r = s.post(self.hub.url + "/api/v1/dossiers", timeout=10, json={
                    "id": str(uuid.uuid4()), "procedure": "DD.03", "applicant": {"name": f"Trần Thị {i}"}})
                if r.status_code != 201:
                    self.errors.append(f"{r.status_code} {r.text[:100]}")
                    continue
                self.dossiers.append(r.json())
                body = {"id": str(uuid.uuid4()), "method": ("cash", "transfer")[i % 2],
                        "reference": f"FT{i:08d}" if i % 2 else "", "payer": f"Trần Thị {i}"}
                r = s.post(f"{self.hub.url}/api/v1/dossiers/{self.dossiers[-1]['id']}/payments", json=body, timeout=10)
            except requests.RequestException as exc:
                self.errors.append(type(exc).__name__)
                return
            if r.status_code == 201:
                self.payments.append(r.json())
            else:
                self.errors.append(f"{r.status_code} {r.text[:100]}")


    def rate_services(self, n: int) -> None:
        """A clerk signed in at counter 1 serves citizens one by one, and each rates the service (issue 13)."""
        from sync.hub.staff import add_staff

        try:
            add_staff(self.hub.db, code="NV01", name="Nguyễn Thị Lan", pin="2468")
        except ValueError:
            pass  # an earlier round added the clerk
        s = self.hub.session("counter")
        api = self.hub.url + "/api/v1"
        levels = ("very_satisfied", "satisfied", "unsatisfied")
        try:
            r = s.post(f"{api}/counters/1/sign-in", json={"staff": "NV01", "pin": "2468"}, timeout=10)
            if r.status_code != 200:
                self.errors.append(f"sign-in {r.status_code} {r.text[:100]}")
                return
            for i in range(n):
                if self.stop.is_set():
                    return
                t = s.post(f"{api}/tickets", json={"service": "DD"}, timeout=10)
                if t.status_code != 201:
                    continue
                ticket = t.json()["id"]
                if s.post(f"{api}/counters/1/call", json={"ticket": ticket}, timeout=10).status_code != 200:
                    continue
                if s.post(f"{api}/counters/1/complete", timeout=10).status_code != 200:
                    continue
                body = {"id": str(uuid.uuid4()), "ticket": ticket, "level": levels[i % 3],
                        "reasons": ["waiting_time"] if i % 3 == 2 else []}
                r = s.post(f"{api}/ratings", json=body, timeout=10)
                if r.status_code == 201:
                    self.ratings.append(r.json())
                else:
                    self.errors.append(f"rating {r.status_code} {r.text[:100]}")
        except requests.RequestException as exc:
            self.errors.append(type(exc).__name__)

    def ask_notices(self, n: int) -> None:
        """Citizens leave a phone with consent at the kiosk, and a counter calls each of them: notices owed."""
        kiosk, counter = self.hub.session("kiosk"), self.hub.session("counter")
        for i in range(n):
            if self.stop.is_set():
                return
            try:
                r = kiosk.post(self.hub.url + "/api/v1/tickets", json={"service": "TPHT"}, timeout=10)
                if r.status_code != 201:
                    self.errors.append(f"{r.status_code} {r.text[:100]}")
                    continue
                t = r.json()
                r = kiosk.post(self.hub.url + "/api/v1/notices/subscriptions", timeout=10,
                               json={"ticket_id": t["id"], "phone": f"09{i:08d}", "consent": True})
                if r.status_code != 201:
                    self.errors.append(f"{r.status_code} {r.text[:100]}")
                    continue
                r = counter.post(self.hub.url + "/api/v1/counters/1/call", json={"ticket": t["id"]}, timeout=10)
            except requests.RequestException as exc:
                self.errors.append(type(exc).__name__)
                return
            if r.status_code == 200:
                self.notified.append(t["id"])
            else:
                self.errors.append(f"{r.status_code} {r.text[:100]}")


# ---------------------------------------------------------------------- the check
def _canon(obj: Any) -> bytes:
    return orjson.dumps(obj, option=orjson.OPT_SORT_KEYS)


def _types(conn: sqlite3.Connection, ids: set[str]) -> list[str]:
    """The types of these events in the hub's log."""
    return sorted(r[0] for r in conn.execute("SELECT type FROM events WHERE id IN (SELECT value FROM json_each(?))",
                                             (orjson.dumps(sorted(ids)).decode(),)))


def assert_exactly_once(hub: Hub, central: Central, citizens: Citizens | None = None) -> dict[str, int]:
    """Every event, ticket and dossier of the hub is at the central server once, identical, with its files."""
    h = sqlite3.connect(hub.db)
    c = sqlite3.connect(central.db)
    try:
        assert h.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # An event the hub logged after the caller saw its outbox drained (a booking's check-in confirmed by
        # the feed, a device's fault) goes up with the relay's next round: lost is what never goes up.
        deadline = time.monotonic() + 20
        while True:
            hub_events = {r[0]: _canon(orjson.loads(r[1])) for r in h.execute("SELECT id, data FROM events")}
            central_rows = c.execute("SELECT id, body FROM events WHERE site = 'FAULT'").fetchall()
            central_events = {r[0]: _canon(orjson.loads(r[1])) for r in central_rows}
            missing = set(hub_events) - set(central_events)
            if not missing or time.monotonic() > deadline:
                break
            hub.wait_drained()
        assert len(central_rows) == len({r[0] for r in central_rows})
        # The message (read only when the check fails) names the kinds of the events still missing.
        assert not missing, f"{len(missing)} events never reached the central server: {_types(h, missing)}"
        assert set(central_events) <= set(hub_events), "the central server holds events the hub does not"
        assert all(hub_events[k] == central_events[k] for k in hub_events), "an event's content differs"
        # Tickets: the central server's content is the ticket of its latest event on the hub.
        latest: dict[str, bytes] = {}
        for (data,) in h.execute("SELECT data FROM events ORDER BY seq"):
            t = orjson.loads(data).get("ticket")
            if t:
                latest[t["id"]] = _canon(t)
        central_tickets = {r[0]: _canon(orjson.loads(r[1])) for r in c.execute("SELECT id, content FROM tickets")}
        hub_ticket_ids = {r[0] for r in h.execute("SELECT id FROM tickets")}
        assert hub_ticket_ids == set(central_tickets) == set(latest)
        assert latest == central_tickets
        # Dossiers: same body, the official code linked on site, the same files, each blob intact.
        hub_d = {r[0]: (_canon(orjson.loads(r[1])), r[2]) for r in h.execute("SELECT id, body, code FROM dossiers")}
        central_d = {r[0]: (_canon(orjson.loads(r[1])), r[2]) for r in c.execute("SELECT id, body, code FROM dossiers")}
        assert hub_d == central_d, "dossiers differ (content or official code)"
        codes = [v[1] for v in central_d.values()]
        assert len(set(codes)) == len(codes) and all(code and code.startswith("000.00.99.H99-") for code in codes)
        blob_dir = Path(str(central.db) + ".blobs")
        for _dossier_id, sha, size in c.execute("SELECT dossier_id, sha256, size FROM dossier_files"):
            data = (blob_dir / sha[:2] / sha).read_bytes()
            assert len(data) == size and hashlib.sha256(data).hexdigest() == sha
        hub_files = sorted(h.execute("SELECT dossier_id, position, sha256 FROM dossier_files").fetchall())
        central_files = sorted(c.execute("SELECT dossier_id, position, sha256 FROM dossier_files").fetchall())
        assert hub_files == central_files
        # Payments: each one the hub recorded is at the central server once, the same (never its payer's name).
        cols = "id, dossier_id, amount, method, reference"
        hub_p = sorted(h.execute(f"SELECT {cols} FROM payments").fetchall())
        central_p = sorted(c.execute(f"SELECT {cols} FROM payments WHERE site = 'FAULT'").fetchall())
        assert hub_p == central_p, "payments differ"
        # Ratings: each one the hub stored is at the central server once, the same, one per ticket.
        cols = "id, ticket_id, counter, clerk, service, level, reasons, channel"
        hub_r = sorted(h.execute(f"SELECT {cols} FROM ratings").fetchall())
        central_r = sorted(c.execute(f"SELECT {cols} FROM ratings WHERE site = 'FAULT'").fetchall())
        assert hub_r == central_r, "ratings differ"
        assert len({r[1] for r in central_r}) == len(central_r), "a ticket has two ratings"
        if citizens is not None:
            assert {t["id"] for t in citizens.tickets} <= set(central_tickets), "an acknowledged ticket is missing"
            assert {d["id"] for d in citizens.dossiers} <= set(central_d), "an acknowledged dossier is missing"
            assert {p["id"] for p in citizens.payments} <= {r[0] for r in central_p}, "an acknowledged payment is missing"
            assert {r["id"] for r in citizens.ratings} <= {r[0] for r in central_r}, "an acknowledged rating is missing"
        # Notices: each one the hub made is in the central server's outbox once, with the number left with it,
        # and is delivered once (the file provider's lines); a called citizen who consented was told.
        hub_n = sorted(h.execute("SELECT n.id, n.kind, n.text, s.phone FROM notices n JOIN notice_subscriptions s "
                                 "ON s.id = n.subscription_id").fetchall())
        central_n = sorted(c.execute("SELECT id, kind, text, recipient FROM notices WHERE site = 'FAULT'").fetchall())
        assert hub_n == central_n, "notices differ"
        if citizens is not None:
            called = {r[0] for r in h.execute("SELECT s.ticket_id FROM notices n JOIN notice_subscriptions s "
                                              "ON s.id = n.subscription_id WHERE n.kind = 'called'")}
            assert set(citizens.notified) <= called, "a called citizen who consented was not told"
        delivered = wait_delivered(central, {r[0] for r in central_n})
        assert all(n == 1 for n in delivered.values()), "a notice was delivered more than once"
        assert h.execute("SELECT COUNT(*) FROM dead_letters").fetchone()[0] == 0
        return {"events": len(hub_events), "tickets": len(central_tickets), "dossiers": len(central_d),
                "payments": len(central_p), "ratings": len(central_r),
                "notices": len(central_n)}
    finally:
        h.close()
        c.close()


def wait_delivered(central: Central, ids: set[str], timeout: float = 30.0) -> dict[str, int]:
    """How many times the central server's file provider delivered each notice, once all of `ids` are delivered."""
    path = Path(f"{central.db}.notices.jsonl")
    deadline = time.monotonic() + timeout
    counts: dict[str, int] = {}
    while True:
        counts = {}
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                nid = orjson.loads(line)["id"]
                counts[nid] = counts.get(nid, 0) + 1
        if ids <= set(counts) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert ids <= set(counts), f"{len(ids - set(counts))} notice(s) never delivered"
    return counts
