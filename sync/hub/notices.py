"""Notices to citizens' phones (thông báo): "3 người nữa đến lượt bạn", the call, and a dossier's result.

A citizen asks for notices at the kiosk (a phone number and an explicit consent, recorded with the words
they agreed to) or when booking at the central server (`notify`, where the number stays). Only then is any
notice made: at most one of each kind per subscription. A notice is a row of `notices` and a
`notice.requested` event in one transaction (ARCHITECTURE rule 2); the event names the notice, never the number.
The relay reads the number from `notice_subscriptions` when it hands the notice to the central server's
outbox (exactly once: the central server keeps it under its id), as it does for a dossier's body.

The phone number is personal data: it lives only in `notice_subscriptions`, is never logged nor put in an
event, and is erased at the day's end for a ticket, with the dossier's retention for a dossier, or when the
citizen withdraws.
"""
from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import orjson

from motcua.contract import EventType
from motcua.queue import Change, TicketStatus
from sync.hub.errors import ApiError, store_unavailable
from sync.store import EncodedEvent, StoreError

if TYPE_CHECKING:
    from motcua.clock import Clock
    from motcua.queue import Event, QueueEngine
    from sync.store import SiteStore


class NoticeHost(Protocol):
    """What the notices use of the hub (sync.hub.service.Hub; not imported, so no import cycle)."""

    store: SiteStore
    clock: Clock
    engine: QueueEngine
    dossiers: Any
    """sync.hub.dossiers.Dossiers: `find(key)`."""

    def new_event(self, type_: EventType, data: dict[str, Any]) -> Event:
        """An event with the next sequence."""

    def find_ticket(self, ticket_id: str) -> dict[str, Any] | None:
        """A ticket by id."""

log = logging.getLogger(__name__)

NEAR = 3
"""A waiting ticket's citizen hears when this many people are ahead of them (or fewer, the first time)."""
CONSENT_TEXT = ("Tôi đồng ý để Trung tâm dùng số điện thoại này chỉ để báo lượt gọi và kết quả hồ sơ; số được xóa khi "
                "hết việc. / I agree that the center uses this number only to tell me my turn and my result; it is "
                "erased afterwards.")
"""What the kiosk shows beside the consent button: recorded with each subscription made there."""
KINDS = ("turn_near", "called", "result_ready")

_SUBSCRIBE = ("INSERT INTO notice_subscriptions (id, ticket_id, dossier_id, booking_id, phone, consent, consented_at) "
              "VALUES (?, ?, ?, ?, ?, ?, ?)")
_NOTICE = "INSERT OR IGNORE INTO notices (id, subscription_id, kind, text, at) VALUES (?, ?, ?, ?, ?)"


@dataclass(slots=True)
class Subscription:
    """A consent to notices, as the hub keeps it in memory (never the number)."""

    id: str
    ticket_id: str | None
    dossier_id: str | None
    sent: set[str]


class HubNotices:
    """Subscriptions and the notices they are owed."""

    def __init__(self, hub: NoticeHost) -> None:
        self.hub = hub
        self.by_ticket: dict[str, Subscription] = {}
        self.by_dossier: dict[str, Subscription] = {}

    def load(self) -> None:
        """The live subscriptions and the notices already made (at start)."""
        self.by_ticket.clear()
        self.by_dossier.clear()
        sent: dict[str, set[str]] = {}
        for sub_id, kind in self.hub.store.read("SELECT subscription_id, kind FROM notices"):
            sent.setdefault(sub_id, set()).add(kind)
        for sub_id, ticket_id, dossier_id in self.hub.store.read(
                "SELECT id, ticket_id, dossier_id FROM notice_subscriptions WHERE withdrawn_at IS NULL "
                "AND erased_at IS NULL"):
            self._remember(Subscription(sub_id, ticket_id, dossier_id, sent.get(sub_id, set())))

    def _remember(self, s: Subscription) -> None:
        if s.ticket_id:
            self.by_ticket[s.ticket_id] = s
        if s.dossier_id:
            self.by_dossier[s.dossier_id] = s

    # ------------------------------------------------------------------ consent
    async def subscribe(self, *, ticket_id: str | None, dossier_id: str | None, phone: str, consent: bool) -> dict[str, Any]:
        """A citizen leaves a phone number with their consent; 201 with the subscription (no number in it)."""
        if not consent:
            raise ApiError(422, "consent_required", "Cần sự đồng ý của công dân / the citizen's consent is required")
        digits = "".join(ch for ch in phone if ch.isdigit())
        if not 9 <= len(digits) <= 12:
            raise ApiError(422, "invalid_phone", "Số điện thoại không hợp lệ / not a phone number")
        if ticket_id is None and dossier_id is None:
            raise ApiError(422, "invalid_request", "ticket_id hoặc dossier_id / name a ticket or a dossier")
        if ticket_id is not None and self.hub.find_ticket(ticket_id) is None:
            raise ApiError(404, "unknown_ticket", "Không có số này / no such ticket")
        if dossier_id is not None and self.hub.dossiers.find(dossier_id) is None:
            raise ApiError(404, "unknown_dossier", "Không tìm thấy hồ sơ / no such dossier")
        now = self.hub.clock.time()
        s = Subscription(str(uuid.uuid4()), ticket_id, dossier_id, set())
        event = self.hub.new_event(EventType.NOTICE_SUBSCRIBED, {"subscription": {
            "id": s.id, "ticket_id": ticket_id, "dossier_id": dossier_id}})
        try:
            await self.hub.store.submit([Change(event=event)],
                                        ops=[(_SUBSCRIBE, (s.id, ticket_id, dossier_id, None, digits, CONSENT_TEXT, now))])
        except StoreError as exc:
            raise store_unavailable() from exc
        self._remember(s)
        await self.commit_owed()  # two ahead already: told at once
        return {"id": s.id, "ticket_id": ticket_id, "dossier_id": dossier_id}

    def booking_subscription(self, *, ticket_id: str, booking_id: str) -> tuple[str, tuple[Any, ...]]:
        """The statement that subscribes a booked citizen's ticket (their number and consent are at the central
        server, given when booking); committed with the check-in."""
        s = Subscription(str(uuid.uuid4()), ticket_id, None, set())
        self._remember(s)
        return _SUBSCRIBE, (s.id, ticket_id, None, booking_id, "", "booking", self.hub.clock.time())

    async def withdraw(self, subscription_id: str) -> None:
        """The citizen withdraws: no more notices, the number erased now."""
        now = self.hub.clock.time()
        for table in (self.by_ticket, self.by_dossier):
            for key in [k for k, s in table.items() if s.id == subscription_id]:
                del table[key]
        try:
            await self.hub.store.submit([], ops=[("UPDATE notice_subscriptions SET phone = '', withdrawn_at = ? "
                                                  "WHERE id = ?", (now, subscription_id))])
        except StoreError as exc:
            raise store_unavailable() from exc

    # ------------------------------------------------------------------ what is owed
    def owed(self, *, dossiers_done: Sequence[str] = ()) -> tuple[list[Change], list[tuple[str, Any]], list[Any]]:
        """The notices owed now (on the loop): their changes, statements, and marks to undo if the commit fails.

        `Hub.commit` adds them to the transaction of the change that owes them (a call and its notice commit
        together: a crash cannot keep one without the other)."""
        if not (self.by_ticket or self.by_dossier):
            return [], [], []
        engine = self.hub.engine
        owed: list[tuple[Subscription, str, str]] = []
        for ticket_id, s in list(self.by_ticket.items()):
            t = engine.tickets.get(ticket_id)
            if t is None:
                continue
            if t.status == TicketStatus.CALLED and "called" not in s.sent:
                owed.append((s, "called", f"Mời số {t.display} đến Quầy {t.counter}. / Number {t.display}, please go "
                                          f"to counter {t.counter}."))
            elif t.status == TicketStatus.WAITING and "turn_near" not in s.sent and "called" not in s.sent:
                place = engine.position(t)[0]
                if place is not None and 0 < place - 1 <= NEAR:
                    owed.append((s, "turn_near", f"Còn {place - 1} người nữa đến lượt bạn (số {t.display}). / "
                                                 f"{place - 1} more before your turn (number {t.display})."))
        for dossier_id in dossiers_done:
            sub = self.by_dossier.get(dossier_id)
            view = self.hub.dossiers.find(dossier_id) if sub is not None else None
            if sub is not None and view is not None and "result_ready" not in sub.sent:
                owed.append((sub, "result_ready", f"Hồ sơ {view['code']} của bạn đã có kết quả. / The result of your "
                                                  f"dossier {view['code']} is ready."))
        now = self.hub.clock.time()
        changes: list[Change] = []
        ops: list[tuple[str, Any]] = []
        for s, kind, text in owed:
            s.sent.add(kind)  # before the commit: the next change must not owe it again
            notice_id = str(uuid.uuid4())
            changes.append(Change(event=self.hub.new_event(EventType.NOTICE_REQUESTED, {"notice": {
                "id": notice_id, "subscription_id": s.id, "kind": kind}})))
            ops.append((_NOTICE, (notice_id, s.id, kind, text, now)))
        return changes, ops, [(s, kind) for s, kind, _ in owed]

    @staticmethod
    def undo(marks: list[Any]) -> None:
        """A commit failed: its notices are owed again."""
        for s, kind in marks:
            s.sent.discard(kind)

    def after_commit(self, events: list[EncodedEvent]) -> None:
        """A status page from the central server may say a subscribed dossier's result is ready: tell its citizen."""
        if not self.by_dossier:
            return
        done: list[str] = []
        for e in events:
            if e.type == EventType.SYNC_STATUS:
                items = orjson.loads(e.payload).get("sync", {}).get("items", [])
                done += [str(i.get("id")) for i in items if isinstance(i, dict) and i.get("status") == "done"]
        if done:
            asyncio.get_running_loop().create_task(self.commit_owed(dossiers_done=done))

    async def commit_owed(self, *, dossiers_done: Sequence[str] = ()) -> None:
        """Make and commit what is owed now on its own (at start, after a status page, after a consent)."""
        changes, ops, marks = self.owed(dossiers_done=dossiers_done)
        if not changes:
            return
        try:
            await self.hub.store.submit(changes, ops=ops)
        except StoreError as exc:
            self.undo(marks)
            log.warning("%d notice(s) not recorded, will retry: %s", len(marks), exc)

    def results_ready(self) -> list[str]:
        """Subscribed dossiers whose result is ready (at start: one may have been owed when the hub stopped)."""
        ids = list(self.by_dossier)
        if not ids:
            return []
        rows = self.hub.store.read(f"SELECT id FROM dossiers WHERE status IN ('done', 'returned') AND id IN "
                                   f"({', '.join('?' * len(ids))})", ids)
        return [r[0] for r in rows]

    def erase(self, *, now: float, retention_days: float) -> tuple[str, tuple[Any, ...]]:
        """The statement that erases phone numbers no longer needed: a ticket's after its day (a day after the
        consent), a dossier's after the retention of personal data."""
        for table in (self.by_ticket, self.by_dossier):
            for key in [k for k, s in table.items() if s.ticket_id and self.hub.engine.tickets.get(s.ticket_id) is None]:
                del table[key]
        return ("UPDATE notice_subscriptions SET phone = '', erased_at = ? WHERE erased_at IS NULL AND ("
                "(ticket_id IS NOT NULL AND consented_at < ?) OR consented_at < ?)",
                (now, now - 86400, now - retention_days * 86400))
