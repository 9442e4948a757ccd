"""The queue engine (hàng đợi): numbering, queue policy, positions and waits. Pure: no I/O.

The engine keeps the day's state in memory and describes every state change as a `Change`: the rows
that changed and exactly one event. The hub persists each change in one transaction (ARCHITECTURE rule 2)
before anyone is told about it. All methods must be called from one thread (the hub's event loop).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from motcua import ids
from motcua.clock import Clock, iso
from motcua.config import Counter, Service, SiteConfig
from motcua.contract import CounterState, EventType, TicketStatus
from motcua.waitlist import ServiceQueue as _ServiceQueue

ACTIVE_STATUSES = frozenset({TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SKIPPED})
FINAL_STATUSES = frozenset({TicketStatus.DONE, TicketStatus.EXPIRED})


class QueueError(Exception):
    """A request the queue cannot honour; `code` is stable, `message` is for people (Vietnamese first)."""

    status = 409

    def __init__(self, code: str, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        if status is not None:
            self.status = status


@dataclass(slots=True, eq=False)
class Ticket:
    """Phiếu số thứ tự: one number taken by one citizen."""

    id: str
    day: str
    number_service: str
    number: int
    display: str
    service: str
    priority: str | None
    channel: str
    status: TicketStatus
    issued_at: float
    called_at: float | None = None
    counter: int | None = None
    finished_at: float | None = None
    recalls: int = 0
    transfers: int = 0
    test: bool = False
    """Vé thử: issued in commissioning mode; counted down from the top of the range, left out of reports."""
    not_before: float | None = None  # giờ hẹn: a booking on time goes ahead from its slot's start (first_due)


@dataclass(slots=True)
class CounterStatus:
    """A counter's live state."""

    number: int
    state: CounterState = CounterState.CLOSED
    current: str | None = None
    priority_streak: int = 0
    served: int = 0
    day: str = ""
    changed_at: float | None = None


@dataclass(slots=True)
class Event:
    """One row of the append-only event log."""

    seq: int
    id: str
    type: EventType
    at: float
    data: dict[str, Any]


@dataclass(slots=True)
class Change:
    """One state change: the rows to write and its single event."""

    event: Event
    tickets: list[Ticket] = field(default_factory=list)
    counters: list[CounterStatus] = field(default_factory=list)
    ticket: Ticket | None = None
    """The ticket the change is about, if any."""


@dataclass(slots=True)
class _ServiceStats:
    average_s: float
    observed: int = 0


class QueueEngine:
    """The day's queues of one site."""

    def __init__(self, config: SiteConfig, clock: Clock, *, next_seq: int = 1) -> None:
        self.config = config
        self.clock = clock
        self.tz = config.tz
        self.next_seq = next_seq
        self.day = ""
        self.tickets: dict[str, Ticket] = {}
        self.by_display: dict[str, list[Ticket]] = {}
        self.queues: dict[str, _ServiceQueue[Ticket]] = {s.code: _ServiceQueue() for s in config.services}
        self.counters: dict[int, CounterStatus] = {c.number: CounterStatus(c.number) for c in config.counters}
        self.next_number: dict[str, int] = {s.code: s.first_number for s in config.services}
        self.commissioning = False
        """Chạy thử: every number issued is a test ticket, at any hour, outside quotas and reports."""
        self.next_test_number: dict[str, int] = {s.code: s.last_number for s in config.services}
        """Test numbers count down from the top of each range, so they never take a real number of the day."""
        self.issued_today: dict[str, int] = {s.code: 0 for s in config.services}
        self.kiosk_issued_today: dict[str, int] = {s.code: 0 for s in config.services}
        self.stats: dict[str, _ServiceStats] = {
            s.code: _ServiceStats(s.average_service_s) for s in config.services}
        self.recent_calls: list[dict[str, Any]] = []
        self.by_request: dict[str, Ticket] = {}
        """Tickets by the issuing device's idempotency key (today, since the hub started)."""
        self.device_faults: dict[str, dict[str, Any]] = {}
        """Active faults reported by devices (paper out, scanner unplugged), by device name."""
        self._counters_for_service: dict[str, list[int]] = {s.code: [] for s in config.services}
        for c in config.counters:
            for code in c.services:
                self._counters_for_service[code].append(c.number)
        self.tracking_base = config.site.public_url.rstrip("/") + "/t/"
        self._services: dict[str, Service] = {s.code: s for s in config.services}
        self._day_start = self._day_end = 0.0

    # ----------------------------------------------------------------- restore from the store
    def load(self, *, day: str, tickets: Iterable[Ticket], counters: Iterable[CounterStatus],
             recent_calls: Iterable[dict[str, Any]] = ()) -> None:
        """Rebuild today's state from persisted rows (after a restart or a failed write)."""
        self.day = day
        self._set_day_bounds(day)
        self.tickets.clear()
        self.by_display.clear()
        self.by_request.clear()
        for q in self.queues:
            self.queues[q] = _ServiceQueue()
        for code, svc in ((s.code, s) for s in self.config.services):
            self.next_number[code] = svc.first_number
            self.next_test_number[code] = svc.last_number
            self.issued_today[code] = 0
            self.kiosk_issued_today[code] = 0
            self.stats[code] = _ServiceStats(svc.average_service_s)
        for t in sorted(tickets, key=lambda t: (t.issued_at, t.number)):
            if t.day != day:
                continue
            self.tickets[t.id] = t
            self.by_display.setdefault(t.display, []).append(t)
            if t.test:
                if t.number_service in self.next_test_number:
                    self.next_test_number[t.number_service] = min(self.next_test_number[t.number_service], t.number - 1)
            elif t.number_service in self.next_number:
                self.next_number[t.number_service] = max(self.next_number[t.number_service], t.number + 1)
                self.issued_today[t.number_service] += 1
                if t.channel == "kiosk":
                    self.kiosk_issued_today[t.number_service] += 1
            if t.status == TicketStatus.WAITING and t.service in self.queues:
                self.queues[t.service].add(t)
            if t.status == TicketStatus.DONE and t.called_at and t.finished_at and t.service in self.stats and not t.test:
                self._observe(t.service, t.finished_at - t.called_at)
        self.counters = {n: CounterStatus(n, day=day) for n in self.counters}
        for c in counters:
            if c.number in self.counters and c.day == day:
                self.counters[c.number] = c
        self.recent_calls = list(recent_calls)[-50:]

    # ----------------------------------------------------------------- helpers
    def _now(self) -> float:
        return self.clock.time()

    def _set_day_bounds(self, day: str) -> None:
        """Remember when the engine's local day starts and ends (Unix seconds), DST-safe."""
        d = date.fromisoformat(day)
        start = datetime(d.year, d.month, d.day, tzinfo=self.tz)
        nxt = d + timedelta(days=1)
        self._day_start = start.timestamp()
        self._day_end = datetime(nxt.year, nxt.month, nxt.day, tzinfo=self.tz).timestamp()

    def local_day(self, ts: float) -> str:
        """The local date (ISO) of a timestamp."""
        return datetime.fromtimestamp(ts, self.tz).date().isoformat()

    def _event(self, type_: EventType, at: float, data: dict[str, Any]) -> Event:
        ev = Event(seq=self.next_seq, id=ids.new_time_uuid(), type=type_, at=at, data=data)
        self.next_seq += 1
        return ev

    def _observe(self, service: str, seconds: float) -> None:
        if seconds <= 0 or seconds > 4 * 3600:
            return
        st = self.stats[service]
        alpha = self.config.queue.service_time_smoothing
        st.average_s = seconds if st.observed == 0 else (1 - alpha) * st.average_s + alpha * seconds
        st.observed += 1

    def _counter_cfg(self, number: int) -> Counter:
        cfg = self.config.counter(number)
        if cfg is None:
            raise QueueError("unknown_counter", f"Không có quầy số {number} / no counter {number}", status=404)
        return cfg

    def _service_cfg(self, code: str) -> Service:
        svc = self._services.get(code)
        if svc is None:
            raise QueueError("unknown_service", f"Không có dịch vụ '{code}' / unknown service '{code}'",
                             status=404)
        return svc

    def open_counters(self, service: str) -> int:
        """Counters serving a service that are open now (all configured ones before any opens)."""
        numbers = self._counters_for_service.get(service, [])
        open_ = sum(1 for n in numbers if self.counters[n].state == CounterState.OPEN)
        if open_:
            return open_
        if any(self.counters[n].state == CounterState.PAUSED for n in numbers):
            return 0
        return len(numbers)

    def position(self, t: Ticket) -> tuple[int | None, int | None]:
        """(1-based place in its service's queue, estimated wait in seconds) of a waiting ticket."""
        if t.status != TicketStatus.WAITING:
            return None, None
        ahead = self.queues[t.service].ahead_of(t)
        counters = self.open_counters(t.service)
        if counters == 0:
            return ahead + 1, None
        wait = ahead * self.stats[t.service].average_s / counters
        return ahead + 1, int(round(wait))

    def view(self, t: Ticket, *, position: tuple[int | None, int | None] | None = None) -> dict[str, Any]:
        """The ticket as the API shows it (ARCHITECTURE.md's ticket shape)."""
        pos, wait = position if position is not None else self.position(t)
        return {
            "id": t.id,
            "number": t.number,
            "display": t.display,
            "service": t.service,
            "priority": t.priority,
            "status": t.status.value,
            "issued_at": iso(t.issued_at, self.tz),
            "called_at": iso(t.called_at, self.tz),
            "counter": t.counter,
            "position": pos,
            "ahead": None if pos is None else pos - 1,
            "estimated_wait_s": wait,
            "tracking_url": self.tracking_base + t.id,
            "channel": t.channel,
            "recalls": t.recalls,
            "finished_at": iso(t.finished_at, self.tz),
            "test": t.test,
            **({"slot_at": iso(t.not_before, self.tz)} if t.not_before is not None else {}),
        }

    def counter_view(self, c: CounterStatus) -> dict[str, Any]:
        """A counter as the API shows it."""
        cur = self.tickets.get(c.current) if c.current else None
        cfg = self.config.counter(c.number)
        return {
            "number": c.number,
            "name": cfg.label if cfg else f"Quầy {c.number}",
            "state": c.state.value,
            "current": None if cur is None else {"id": cur.id, "display": cur.display, "service": cur.service},
            "served": c.served,
        }

    # ----------------------------------------------------------------- day rollover
    def rollover_if_needed(self) -> Change | None:
        """At the first operation after local midnight: expire yesterday's open tickets, reset numbering."""
        now = self._now()
        if self._day_start <= now < self._day_end:
            return None  # the hot path: one comparison, no time-zone arithmetic
        today = self.local_day(now)
        if today == self.day:
            self._set_day_bounds(today)
            return None
        previous = self.day
        expired: list[Ticket] = []
        for t in self.tickets.values():
            if t.status in ACTIVE_STATUSES:
                t.status = TicketStatus.EXPIRED
                t.finished_at = now
                expired.append(t)
        self.load(day=today, tickets=(), counters=())
        for c in self.counters.values():
            c.day = today
            c.changed_at = now
        ev = self._event(EventType.DAY_STARTED, now, {"day": today, "previous_day": previous or None,
                                              "expired": len(expired)})
        return Change(event=ev, tickets=expired, counters=list(self.counters.values()))

    # ----------------------------------------------------------------- issuing
    def issuing_open(self, ts: float | None = None) -> bool:
        """Whether kiosks may issue numbers now (opening hours; any hour in commissioning mode)."""
        if self.commissioning:
            return True
        local = datetime.fromtimestamp(self._now() if ts is None else ts, self.tz)
        return self.config.hours.issuing_at(local.isoweekday(), local.hour * 60 + local.minute)

    def quota_left(self, service: str) -> int | None:
        """Kiosk numbers left today for a service (None: no quota, or test tickets, which have none)."""
        svc = self._service_cfg(service)
        if svc.daily_quota is None or self.commissioning:
            return None
        return max(0, svc.daily_quota - self.kiosk_issued_today[service])

    def issued_for_request(self, request_id: str) -> Ticket | None:
        """The ticket already issued today for a device's idempotency key, if any."""
        return self.by_request.get(request_id)

    def issue(self, service: str, *, priority: str | None = None, channel: str = "kiosk",
              request_id: str | None = None, not_before: float | None = None) -> Change:
        """Cấp số: take the next number of a service (once per request_id, when one is given).

        In commissioning mode the number is a test ticket: any hour, no quota, counted down from the top
        of the service's range (a real number of the day is never taken, and never repeated).
        """
        svc = self._service_cfg(service)
        if priority is not None and priority not in {p.code for p in self.config.priority_categories}:
            raise QueueError("unknown_priority",
                             f"Không có đối tượng ưu tiên '{priority}' / unknown priority category",
                             status=422)
        now = self._now()
        test = self.commissioning
        if test:
            number = self.next_test_number[service]
            if number < self.next_number[service]:
                raise QueueError("numbers_exhausted", f"{svc.name}: đã hết số thử trong ngày / no test numbers left today")
            self.next_test_number[service] = number - 1
            t = Ticket(id=ids.new_uuid(), day=self.day, number_service=service, number=number,
                       display=svc.display(number), service=service, priority=priority, channel=channel,
                       status=TicketStatus.WAITING, issued_at=now, test=True)
            return self._issued(t, request_id)
        if channel == "kiosk":
            if not self.issuing_open(now):
                raise QueueError("closed", "Ngoài giờ cấp số. Xin mời quay lại trong giờ làm việc / "
                                           "Numbers are issued during opening hours only")
            if svc.daily_quota is not None and self.kiosk_issued_today[service] >= svc.daily_quota:
                raise QueueError("quota_reached", f"{svc.name}: đã hết số hôm nay / "
                                                  "today's numbers for this service are all taken")
        number = self.next_number[service]
        if number > min(svc.last_number, self.next_test_number[service]):
            raise QueueError("numbers_exhausted", f"{svc.name}: đã hết số trong ngày / no numbers left today")
        self.next_number[service] = number + 1
        self.issued_today[service] += 1
        if channel == "kiosk":
            self.kiosk_issued_today[service] += 1
        t = Ticket(id=ids.new_uuid(), day=self.day, number_service=service, number=number,
                   display=svc.display(number), service=service, priority=priority, channel=channel,
                   status=TicketStatus.WAITING, issued_at=now, not_before=not_before if priority else None)
        return self._issued(t, request_id)

    def _issued(self, t: Ticket, request_id: str | None) -> Change:
        now = t.issued_at
        service = t.service
        self.tickets[t.id] = t
        self.by_display.setdefault(t.display, []).append(t)
        if request_id:
            self.by_request[request_id] = t
        self.queues[service].add(t)
        ev = self._event(EventType.TICKET_ISSUED, now, {"ticket": self.view(t)})
        return Change(event=ev, tickets=[t], ticket=t)

    # ----------------------------------------------------------------- counters
    def _choose(self, cfg: Counter, status: CounterStatus, now: float) -> Ticket | None:
        services = cfg.services
        if cfg.policy == "ordered":
            services = [next((s for s in cfg.services if len(self.queues[s])), cfg.services[0])]
        best_p: Ticket | None = None
        best_w: Ticket | None = None
        best_score = -1.0
        for code in services:
            q = self.queues[code]
            head = q.first_due(now) if q.priority else None  # most lines hold no priority ticket: no call
            if head is not None and (best_p is None or (head.issued_at, head.number)
                                     < (best_p.issued_at, best_p.number)):
                best_p = head
            if q.walk_in:
                head = q.walk_in[0]
                score = (now - head.issued_at) * self._services[code].weight
                if best_w is None or score > best_score or (
                        score == best_score and head.issued_at < best_w.issued_at):
                    best_w, best_score = head, score
        if best_p is not None and (best_w is None or status.priority_streak < self.config.queue.max_priority_streak):
            return best_p
        if best_w is not None:
            return best_w
        # A booking before its slot: only rather than stand idle. Looked for only then (it scans every
        # priority ticket of each service), the earliest slot first, the counter's first service on a tie.
        later = (t for code in services if (t := self.queues[code].first_booked_later(now)) is not None)
        return min(later, key=lambda t: t.not_before or 0.0, default=None)

    def _finish_current(self, c: CounterStatus, now: float, *, status: TicketStatus, etype: EventType) -> Change | None:
        if c.current is None:
            return None
        t = self.tickets.get(c.current)
        c.current = None
        c.changed_at = now
        if t is None or t.status != TicketStatus.CALLED:
            return None
        t.status = status
        t.finished_at = now
        if status == TicketStatus.DONE and not t.test:  # a test ticket counts in no report or estimate
            c.served += 1
            if t.called_at is not None:
                self._observe(t.service, now - t.called_at)
        ev = self._event(etype, now, {"ticket": self.view(t), "counter": c.number})
        return Change(event=ev, tickets=[t], counters=[c], ticket=t)

    def _call(self, c: CounterStatus, t: Ticket, now: float, *, etype: EventType = EventType.TICKET_CALLED) -> Change:
        if t.status == TicketStatus.WAITING:
            self.queues[t.service].remove(t)
        t.status = TicketStatus.CALLED
        t.called_at = now
        t.counter = c.number
        t.finished_at = None
        c.current = t.id
        c.state = CounterState.OPEN
        c.changed_at = now
        c.priority_streak = c.priority_streak + 1 if t.priority else 0
        call = {"display": t.display, "counter": c.number, "service": t.service, "at": iso(now, self.tz),
                "ticket_id": t.id, **({"test": True} if t.test else {}), **({"booked": True} if t.not_before else {})}
        self.recent_calls.append(call)
        del self.recent_calls[:-50]
        ev = self._event(etype, now, {"ticket": self.view(t), "counter": c.number})
        return Change(event=ev, tickets=[t], counters=[c], ticket=t)

    def _status(self, counter: int) -> tuple[Counter, CounterStatus]:
        cfg = self._counter_cfg(counter)
        return cfg, self.counters[counter]

    def call_next(self, counter: int) -> list[Change]:
        """Gọi số tiếp theo: completes the current ticket (if any) and calls the next one.

        Returns the changes; the last one is the call, or there is no call when nobody waits.
        """
        cfg, c = self._status(counter)
        if c.state == CounterState.PAUSED:
            raise QueueError("counter_paused", f"Quầy {counter} đang tạm dừng / the counter is paused")
        now = self._now()
        changes: list[Change] = []
        done = self._finish_current(c, now, status=TicketStatus.DONE, etype=EventType.TICKET_COMPLETED)
        if done:
            changes.append(done)
        t = self._choose(cfg, c, now)
        if t is not None:
            changes.append(self._call(c, t, now))
        elif c.state == CounterState.CLOSED:
            c.state = CounterState.OPEN
            c.changed_at = now
            changes.append(Change(event=self._event(EventType.COUNTER_OPENED, now, {"counter": self.counter_view(c)}),
                                  counters=[c]))
        return changes

    def _current(self, counter: int) -> tuple[CounterStatus, Ticket]:
        _, c = self._status(counter)
        t = self.tickets.get(c.current) if c.current else None
        if t is None or t.status != TicketStatus.CALLED:
            raise QueueError("no_current_ticket", f"Quầy {counter} chưa gọi số nào / the counter has no current ticket")
        return c, t

    def recall(self, counter: int) -> Change:
        """Gọi lại: announce the current ticket again."""
        c, t = self._current(counter)
        now = self._now()
        t.recalls += 1
        ev = self._event(EventType.TICKET_RECALLED, now, {"ticket": self.view(t), "counter": c.number})
        self.recent_calls.append({"display": t.display, "counter": c.number, "service": t.service,
                                  "at": iso(now, self.tz), "ticket_id": t.id, "recall": True,
                                  **({"test": True} if t.test else {})})
        del self.recent_calls[:-50]
        return Change(event=ev, tickets=[t], ticket=t)

    def skip(self, counter: int) -> Change:
        """Bỏ qua (vắng mặt): the citizen did not come; the ticket can be brought back today."""
        c, _ = self._current(counter)
        change = self._finish_current(c, self._now(), status=TicketStatus.SKIPPED, etype=EventType.TICKET_SKIPPED)
        assert change is not None
        return change

    def complete(self, counter: int) -> Change:
        """Hoàn thành: the citizen has been served."""
        c, _ = self._current(counter)
        change = self._finish_current(c, self._now(), status=TicketStatus.DONE, etype=EventType.TICKET_COMPLETED)
        assert change is not None
        return change

    def transfer(self, counter: int, service: str) -> Change:
        """Chuyển quầy: send the current ticket to another service's queue; it keeps its issue time."""
        self._service_cfg(service)
        c, t = self._current(counter)
        if service == t.service:
            raise QueueError("same_service", "Số này đã ở dịch vụ đó / the ticket is already in that service",
                             status=422)
        now = self._now()
        old = t.service
        c.current = None
        c.changed_at = now
        t.status = TicketStatus.WAITING
        t.service = service
        t.counter = None
        t.called_at = None
        t.transfers += 1
        self.queues[service].add(t)
        ev = self._event(EventType.TICKET_TRANSFERRED, now, {"ticket": self.view(t), "counter": c.number,
                                                     "from_service": old, "to_service": service})
        return Change(event=ev, tickets=[t], counters=[c], ticket=t)

    def pause(self, counter: int) -> Change:
        """Tạm dừng: the counter takes no new calls until resumed (its current ticket stays)."""
        _, c = self._status(counter)
        if c.state == CounterState.PAUSED:
            raise QueueError("counter_paused", f"Quầy {counter} đã tạm dừng / already paused")
        now = self._now()
        c.state = CounterState.PAUSED
        c.changed_at = now
        ev = self._event(EventType.COUNTER_PAUSED, now, {"counter": self.counter_view(c)})
        return Change(event=ev, counters=[c])

    def resume(self, counter: int) -> Change:
        """Tiếp tục: the counter takes calls again."""
        _, c = self._status(counter)
        if c.state != CounterState.PAUSED:
            raise QueueError("counter_not_paused", f"Quầy {counter} không tạm dừng / the counter is not paused")
        now = self._now()
        c.state = CounterState.OPEN
        c.changed_at = now
        ev = self._event(EventType.COUNTER_RESUMED, now, {"counter": self.counter_view(c)})
        return Change(event=ev, counters=[c])

    def find(self, *, ticket_id: str | None = None, display: str | None = None,
             service: str | None = None) -> Ticket:
        """A ticket of today by id, or by its display ("1023") and, if displays repeat, its service."""
        t = None
        if ticket_id:
            t = self.tickets.get(ticket_id)
        elif display:
            found = [x for x in self.by_display.get(display.strip().upper(), [])
                     if service is None or x.number_service == service or x.service == service]
            if len(found) > 1:
                raise QueueError("ambiguous_ticket", f"Có {len(found)} số {display} hôm nay, hãy chọn dịch vụ / "
                                                     "several tickets have this number: name the service",
                                 status=422)
            t = found[0] if found else None
        if t is None:
            raise QueueError("unknown_ticket", "Không tìm thấy số này hôm nay / no such ticket today",
                             status=404)
        return t

    def call_specific(self, counter: int, *, ticket_id: str | None = None,
                      display: str | None = None, service: str | None = None) -> list[Change]:
        """Gọi số bất kỳ: call a waiting or skipped ticket out of order (a skipped one comes back)."""
        _, c = self._status(counter)
        if c.state == CounterState.PAUSED:
            raise QueueError("counter_paused", f"Quầy {counter} đang tạm dừng / the counter is paused")
        t = self.find(ticket_id=ticket_id, display=display, service=service)
        if t.status not in (TicketStatus.WAITING, TicketStatus.SKIPPED):
            raise QueueError("not_callable", f"Số {t.display} không chờ gọi (trạng thái {t.status.value}) / "
                                             "the ticket is not waiting")
        now = self._now()
        changes: list[Change] = []
        if c.current == t.id:
            raise QueueError("not_callable", "Số này đang được phục vụ / already being served")
        done = self._finish_current(c, now, status=TicketStatus.DONE, etype=EventType.TICKET_COMPLETED)
        if done:
            changes.append(done)
        changes.append(self._call(c, t, now))
        return changes

    def restore(self, counter: int, *, ticket_id: str | None = None, display: str | None = None,
                service: str | None = None) -> Change:
        """Khôi phục: put a skipped ticket back in its queue at its original place."""
        self._status(counter)
        t = self.find(ticket_id=ticket_id, display=display, service=service)
        if t.status != TicketStatus.SKIPPED:
            raise QueueError("not_skipped", f"Số {t.display} không ở trạng thái vắng mặt / not a skipped ticket")
        now = self._now()
        t.status = TicketStatus.WAITING
        t.counter = None
        t.called_at = None
        t.finished_at = None
        self.queues[t.service].add(t)
        ev = self._event(EventType.TICKET_RESTORED, now, {"ticket": self.view(t), "counter": counter})
        return Change(event=ev, tickets=[t], ticket=t)

    # ----------------------------------------------------------------- commissioning and reload
    def set_commissioning(self, on: bool) -> Change:
        """Chạy thử on or off. Off: the test tickets still open expire (they never reach a real queue)."""
        self.commissioning = on
        now = self._now()
        tickets, counters = ([], []) if on else self._expire_test_tickets(now)
        ev = self._event(EventType.SITE_CHANGED, now, {"changed": ["commissioning"], "commissioning": on,
                                               "expired": len(tickets)})
        return Change(event=ev, tickets=tickets, counters=counters)

    def open_test_tickets(self) -> int:
        """Test tickets still waiting, called or skipped today."""
        return sum(1 for t in self.tickets.values() if t.test and t.status in ACTIVE_STATUSES)

    def _expire_test_tickets(self, now: float) -> tuple[list[Ticket], list[CounterStatus]]:
        expired: list[Ticket] = []
        counters: list[CounterStatus] = []
        for t in self.tickets.values():
            if not t.test or t.status not in ACTIVE_STATUSES:
                continue
            if t.status == TicketStatus.WAITING:
                self.queues[t.service].remove(t)
            for c in self.counters.values():
                if c.current == t.id:
                    c.current = None
                    c.changed_at = now
                    counters.append(c)
            t.status = TicketStatus.EXPIRED
            t.finished_at = now
            expired.append(t)
        return expired, counters

    def apply_config(self, config: SiteConfig) -> None:
        """Take a reloaded site file whose services, counters and numbering are the running ones.

        The caller checks that (motcua.reload.plan): queues, counters and numbering are keyed by what must
        not change. Hours, quotas, weights, names, counters' services and policy apply from the next request.
        """
        old = self._services
        self.config = config
        self._services = {s.code: s for s in config.services}
        self._counters_for_service = {s.code: [] for s in config.services}
        for c in config.counters:
            for code in c.services:
                self._counters_for_service[code].append(c.number)
        self.tracking_base = config.site.public_url.rstrip("/") + "/t/"
        for code, svc in self._services.items():
            st = self.stats[code]
            if st.observed == 0 and old[code].average_service_s != svc.average_service_s:
                st.average_s = svc.average_service_s

    # ----------------------------------------------------------------- devices
    def report_device(self, *, device: str, role: str, fault: str | None, message: str = "",
                      details: dict[str, Any] | None = None, extra: dict[str, Any] | None = None) -> Change:
        """Sự cố thiết bị: a device reports a fault (or, with fault=None, that it is fine again).

        `extra` holds what the hub adds to the entry (who reported it, from which run, why it cleared).
        """
        now = self._now()
        entry = {"device": device, "role": role, "fault": fault, "message": message, "at": iso(now, self.tz),
                 "details": details or {}, **(extra or {})}
        if fault is None:
            self.device_faults.pop(device, None)
            etype = EventType.DEVICE_OK
        else:
            self.device_faults[device] = entry
            etype = EventType.DEVICE_FAULT
        return Change(event=self._event(etype, now, {"device": entry}))

    # ----------------------------------------------------------------- board
    def waiting_counts(self) -> dict[str, int]:
        """People waiting per service."""
        return {code: len(q) for code, q in self.queues.items()}

    def board(self) -> dict[str, Any]:
        """What a lobby board shows."""
        return {
            "day": self.day,
            "recent_calls": list(reversed(self.recent_calls[-20:])),
            "counters": [self.counter_view(c) for c in self.counters.values()],
            "waiting": self.waiting_counts(),
            "issuing_open": self.issuing_open(),
            "last_seq": self.next_seq - 1,
            "device_faults": list(self.device_faults.values()),
        }

    def today(self) -> date:
        """The engine's current local day."""
        return date.fromisoformat(self.day)
