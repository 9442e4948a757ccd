"""The lobby board's state, built from the hub's /board snapshot and then from its live events.

Pure Python (no Qt, no HTTP): the feed thread hands snapshots and events in, the board widget reads
the result. `apply()` returns the calls to announce, so the announcer hears each call exactly once.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from motcua.contract import (
    CALL_EVENTS,
    COUNTER_EVENTS,
    TICKET_ENDED_EVENTS,
    DeviceFault,
    EventType,
    HelpRequestInfo,
    SiteDocument,
)
from motcua.contract import BoardState as BoardDocument
from motcua.contract import CounterView as ContractCounterView

log = logging.getLogger(__name__)



@dataclass(frozen=True, slots=True)
class _Ticket:
    """What the board needs of an event's ticket (motcua.contract.TicketView): read leniently, so that an
    event from an older hub, or one cut short, moves the board as far as it can rather than stopping it."""

    id: str
    display: str
    service: str
    status: str
    counter: int | None
    test: bool
    booked: bool

    @classmethod
    def of(cls, t: Mapping[str, Any]) -> _Ticket:
        """From the event's `ticket` (a booking checked in on time carries its slot's start, `slot_at`)."""
        counter = t.get("counter")
        return cls(str(t["id"]), str(t["display"]), str(t.get("service") or ""), str(t.get("status") or ""),
                   int(counter) if counter is not None else None, bool(t.get("test")), bool(t.get("slot_at")))


@dataclass(frozen=True, slots=True)
class Call:
    """One call heard in the lobby: "1023 → Quầy 5"."""

    seq: int
    display: str
    counter: int
    service: str
    at: float
    """When the hub made the call (Unix time)."""
    recall: bool = False
    ticket_id: str = ""
    test: bool = False
    """A test ticket of commissioning mode (shown as "VÉ THỬ · TEST")."""
    booked: bool = False
    """Booked ahead and checked in on time (shown as "ĐẶT LỊCH · BOOKED"); never why, nor by whom."""


@dataclass(slots=True)
class CounterView:
    """One counter as the board shows it."""

    number: int
    name: str
    state: str = "closed"
    current: str | None = None
    current_id: str | None = None
    service: str | None = None
    served: int = 0


@dataclass
class BoardState:
    """What the board shows. `last_seq` is the last hub event applied; older events are ignored."""

    site_name: str = ""
    ticker: str = ""
    notice: str = ""
    """A one-off notice of the manager's console (counter_display.notice shows it until notice_until)."""
    notice_en: str = ""
    notice_until: float = 0.0
    guides: list[str] = field(default_factory=list)
    """The console's guides playlist (empty: the board's own, from its device file)."""
    services: dict[str, str] = field(default_factory=dict)
    """Service code → Vietnamese name, in the site's order."""
    counter_services: dict[int, list[str]] = field(default_factory=dict)
    counters: dict[int, CounterView] = field(default_factory=dict)
    waiting: dict[str, int] = field(default_factory=dict)
    recent: list[Call] = field(default_factory=list)
    """Newest first."""
    faults: dict[str, DeviceFault] = field(default_factory=dict)
    help: dict[str, HelpRequestInfo] = field(default_factory=dict)
    """Open help requests of the kiosks, by id (counter_display.help shows them)."""
    last_seq: int = 0
    day: str = ""
    only_services: list[str] = field(default_factory=list)
    only_counters: list[int] = field(default_factory=list)
    keep_recent: int = 30
    _status: dict[str, tuple[str, str]] = field(default_factory=dict, repr=False)
    """ticket id → (status, service) for tickets seen in events: keeps waiting counts exact."""

    # ------------------------------------------------------------------ filters (one floor's board)
    def visible_counters(self) -> list[int]:
        """Counters this board shows, in number order."""
        numbers = sorted(self.counters)
        if self.only_counters:
            return [n for n in numbers if n in self.only_counters]
        if self.only_services:
            return [n for n in numbers if set(self.counter_services.get(n, ())) & set(self.only_services)]
        return numbers

    def visible_services(self) -> list[str]:
        """Services whose waiting count this board shows."""
        if self.only_services:
            return [s for s in self.services if s in self.only_services]
        if self.only_counters:
            wanted = {s for n in self.only_counters for s in self.counter_services.get(n, ())}
            return [s for s in self.services if s in wanted]
        return list(self.services)

    def shows(self, *, service: str, counter: int) -> bool:
        """Whether a call of this service at this counter belongs on this board."""
        if not self.only_services and not self.only_counters:
            return True
        return counter in self.only_counters or service in self.only_services or (
            not self.only_counters and counter in self.visible_counters())

    def open_help(self) -> list[HelpRequestInfo]:
        """The kiosks' open help requests, oldest first."""
        return sorted(self.help.values(), key=lambda h: h.requested_at)

    @property
    def latest(self) -> Call | None:
        """The newest call shown on this board."""
        return self.recent[0] if self.recent else None

    # ------------------------------------------------------------------ input
    def load_site(self, site: SiteDocument) -> None:
        """Names from GET /site."""
        self.site_name = site.site.name or self.site_name
        self.ticker = site.display.ticker
        d = site.display
        self.notice, self.notice_en, self.guides = d.notice, d.notice_en, list(d.guides)
        self.notice_until = _timestamp(d.notice_until)
        self.services = {s.code: s.name for s in site.services}
        self.counter_services = {c.number: list(c.services) for c in site.counters}
        for c in site.counters:
            view = self.counters.setdefault(c.number, CounterView(c.number, c.name))
            view.name = c.name

    def load_board(self, board: BoardDocument) -> None:
        """Replace the live part with GET /board (start, or after the hub's event log was lost)."""
        self.day = board.day
        self.last_seq = board.last_seq
        self.waiting = dict(board.waiting)
        for c in board.counters:
            view = self.counters.setdefault(c.number, CounterView(c.number, c.name))
            view.name = c.name or view.name
            view.state = c.state
            cur = c.current
            view.current = cur.display if cur else None
            view.current_id = cur.id if cur else None
            view.service = cur.service if cur else None
            view.served = c.served
        self.recent = []
        for r in board.recent_calls:
            if self.shows(service=r.service, counter=r.counter):
                self.recent.append(Call(0, r.display, r.counter, r.service, _ts(r.at), r.recall, r.ticket_id or "",
                                        r.test, r.booked))
        del self.recent[self.keep_recent:]
        self.faults = {f.device: f for f in board.device_faults}
        self.help = {h.id: h for h in board.help_requests}
        self._status.clear()

    def apply(self, seq: int, etype: str, data: dict[str, Any]) -> list[Call]:  # an event's keys depend on its type
        """Apply one hub event (its type and its data: ticket, counter, device, site... as its type says); returns
        the calls it makes (to announce). Replays are ignored."""
        if seq <= self.last_seq:
            return []
        self.last_seq = seq
        t = _Ticket.of(data["ticket"]) if data.get("ticket") else None
        calls: list[Call] = []
        if t is not None:
            self._track_waiting(etype, t)
        if etype in CALL_EVENTS and t is not None:
            counter = int(data.get("counter") or t.counter or 0)
            view = self._counter(counter)
            view.current, view.current_id, view.service = t.display, t.id, t.service
            view.state = "open"
            call = Call(seq, t.display, counter, t.service, float(data.get("at") or 0.0),
                        etype == EventType.TICKET_RECALLED, t.id, t.test, t.booked)
            if self.shows(service=call.service, counter=counter):
                self.recent.insert(0, call)
                del self.recent[self.keep_recent:]
                calls.append(call)
        elif etype in TICKET_ENDED_EVENTS and t is not None:
            counter = int(data.get("counter") or 0)
            found = self.counters.get(counter)
            if found is not None and found.current_id == t.id:
                found.current = found.current_id = found.service = None
            if etype == EventType.TICKET_COMPLETED and found is not None:
                found.served += 1
        elif etype in COUNTER_EVENTS:
            if isinstance(data.get("counter"), dict):
                c = ContractCounterView.model_validate(data["counter"])
                view = self._counter(c.number)
                view.state = c.state
                view.current = c.current.display if c.current else None
                view.current_id = c.current.id if c.current else None
                view.served = c.served
        elif etype == EventType.DEVICE_FAULT:
            d = DeviceFault.model_validate(data["device"])
            self.faults[d.device] = d
        elif etype == EventType.DEVICE_OK:
            self.faults.pop((data.get("device") or {}).get("device", "?"), None)
        elif etype == EventType.HELP_REQUESTED and isinstance(data.get("help"), dict):
            h = HelpRequestInfo.model_validate(data["help"])
            self.help[h.id] = h
        elif etype == EventType.HELP_ACKNOWLEDGED and isinstance(data.get("help"), dict):
            self.help.pop(str(data["help"].get("id")), None)
        elif etype == EventType.SITE_CHANGED and isinstance(data.get("site"), dict):
            self.load_site(SiteDocument.model_validate(data["site"]))  # the hub reloaded its site file
        elif etype == EventType.DAY_STARTED:
            self.day = data.get("day", "")
            self.waiting = {k: 0 for k in self.waiting}
            self.recent = []
            self._status.clear()
            for view in self.counters.values():
                view.state, view.current, view.current_id, view.service, view.served = "closed", None, None, None, 0
        return calls

    def _counter(self, number: int) -> CounterView:
        return self.counters.setdefault(number, CounterView(number, f"Quầy {number}"))

    def _track_waiting(self, etype: str, t: _Ticket) -> None:
        tid, status, service = t.id, t.status, t.service
        prev = self._status.get(tid)
        if prev is not None:
            was_waiting, prev_service = prev[0] == "waiting", prev[1]
        elif etype == EventType.TICKET_CALLED:
            # First seen being called: it was in the queue when the snapshot was taken.
            was_waiting, prev_service = True, service
        else:
            was_waiting, prev_service = False, service
        if was_waiting:
            self.waiting[prev_service] = max(0, self.waiting.get(prev_service, 0) - 1)
        if status == "waiting":
            self.waiting[service] = self.waiting.get(service, 0) + 1
        self._status[tid] = (status, service)

    # ------------------------------------------------------------------ offline cache (ARCHITECTURE rule 6)
    def to_json(self) -> dict[str, object]:
        """A snapshot to show at the next start while the hub is unreachable (JSON for the device's cache)."""
        return {"site_name": self.site_name, "ticker": self.ticker, "services": self.services,
                "counter_services": {str(k): v for k, v in self.counter_services.items()},
                "counters": [asdict(c) for c in self.counters.values()], "waiting": self.waiting,
                "recent": [asdict(c) for c in self.recent], "day": self.day}

    def restore_json(self, data: dict[str, Any]) -> None:  # the cached JSON of to_json
        """Show a cached snapshot (last_seq stays 0: the live feed replaces all of it)."""
        self.site_name = data.get("site_name", "")
        self.ticker = data.get("ticker", "")
        self.services = dict(data.get("services", {}))
        self.counter_services = {int(k): list(v) for k, v in data.get("counter_services", {}).items()}
        self.counters = {c["number"]: CounterView(**c) for c in data.get("counters", [])}
        self.waiting = dict(data.get("waiting", {}))
        self.recent = [Call(**c) for c in data.get("recent", [])]
        self.day = data.get("day", "")

    def save(self, path: Path) -> None:
        """Write the offline cache (the device's own SQLite file, ARCHITECTURE rule 6)."""
        from sync.client import DeviceCache

        cache = DeviceCache(path)
        try:
            cache.put("board", self.to_json())
        finally:
            cache.close()

    def load_cache(self, path: Path) -> bool:
        """Read the offline cache, if there is one."""
        import sqlite3

        from sync.client import DeviceCache

        if not path.exists():
            log.info("no board cache at %s yet", path)
            return False
        try:
            cache = DeviceCache(path)
            try:
                found = cache.get("board")
            finally:
                cache.close()
            if found is None:
                return False
            self.restore_json(found[0])
            return True
        except (OSError, ValueError, TypeError, KeyError, sqlite3.Error) as exc:
            log.info("no usable board cache at %s: %s", path, exc)
            return False


def _ts(value: Any) -> float:
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        from datetime import datetime

        try:
            return datetime.fromisoformat(value).timestamp()
        except ValueError:
            return 0.0
    return 0.0


def _timestamp(text: str | None) -> float:
    """Unix time of the hub's ISO time (0: none, or not a time)."""
    from datetime import datetime

    try:
        return datetime.fromisoformat(text).timestamp() if text else 0.0
    except ValueError:
        return 0.0
