"""The site hub's core: the queue engine, the store's writer and the live events of one site.

One process, one asyncio loop. Requests run the engine on the loop (it is pure and fast), hand the
resulting changes to the store's group-commit writer, and answer once the commit is durable. Live
subscribers are fed from the same committed events, so nobody hears of a change that could be lost.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import orjson

from motcua import ids
from motcua.clock import Clock, SystemClock, iso
from motcua.config import ConfigError, SiteConfig, load_site_config
from motcua.contract import EventType
from motcua.queue import Change, Event, QueueEngine, QueueError, Ticket
from motcua.reload import plan
from sync.hub.auth import FailureLimiter, Principal, TokenCache, authenticate, check_role, own_counter
from sync.hub.bookings import HubBookings
from sync.hub.dossiers import Dossiers
from sync.hub.errors import ApiError, store_unavailable
from sync.hub.help import HelpDesk
from sync.hub.live import Broadcaster
from sync.hub.metrics import HubMetrics
from sync.hub.models import IssueRequest
from sync.hub.notices import HubNotices
from sync.hub.operations import Operations
from sync.hub.payments import Payments
from sync.hub.ratings import Ratings
from sync.hub.registry import DeviceRegistry
from sync.hub.staff import Staff
from sync.relay import Op, Relay, RelaySettings, SiteLink
from sync.store import PUT_META, SITE_KEY, EncodedEvent, SiteStore, StoreError

log = logging.getLogger(__name__)

TOKENS_CHECK_S = 0.4
"""How often the hub looks whether tokens changed in the database (revocation bites within a second)."""


class Hub:
    """The engine, the store and the live events of one site."""

    def __init__(self, config: SiteConfig, store: SiteStore, *, clock: Clock | None = None,
                 heartbeat_s: float = 15.0, static_tokens: dict[str, Principal] | None = None,
                 config_path: str | Path | None = None, commissioning: bool = False) -> None:
        recorded = store.site_record()
        if recorded is not None and recorded.get("code") != config.site.code:
            # One database per site: another site's file on it would mix two centers' numbering and history,
            # and sync it under the wrong name.
            raise StoreError(f"{store.path}: cơ sở dữ liệu này của trạm {recorded.get('code')}, cấu hình là của trạm "
                             f"{config.site.code} / this database belongs to site {recorded.get('code')}, the "
                             f"configuration is for site {config.site.code}: check --db and --config")
        self.config = config
        self.config_path = config_path
        self.store = store
        self.clock = clock or SystemClock()
        self.engine = QueueEngine(config, self.clock)
        self.events = Broadcaster(store)
        self.tokens = TokenCache(store, static_tokens)
        self.limiter = FailureLimiter(self.clock, burst=config.limits.auth_failures_burst,
                                      per_minute=config.limits.auth_failures_per_minute)
        self.heartbeat_s = heartbeat_s
        self.central_url = config.central.url
        """Where the relay sends the outbox (`motcua hub --central URL` overrides [central].url)."""
        self.central_token = config.central.token
        self.central_ca_file: str | None = config.central.ca_file or None
        """The CA the central server's certificate must chain to (None: the system's CAs)."""
        self.relay_settings: dict[str, float] = {}
        """Overrides of RelaySettings fields (tests, the drain benchmark)."""
        self.relay: Relay | None = None
        self.dossiers = Dossiers(config, store, self.clock, local_day=self.engine.local_day, new_event=self.new_event)
        self.registry = DeviceRegistry(store, self.engine, config.tz)
        """Last heartbeat of each device, and which run left which fault (sync.hub.registry)."""
        self.metrics = HubMetrics(self)
        self.payments = Payments(config, store, self.clock, local_day=self.engine.local_day, new_event=self.new_event,
                                 catalog=self.dossiers.catalog)
        self.staff = Staff(store, self.clock, new_event=self.new_event, tz=config.tz)
        """Clerks signed in at the counters, and who served what (sync.hub.staff)."""
        self.ratings = Ratings(self)
        self.help = HelpDesk(store, self.clock, config.tz, new_event=self.new_event, commit=self.commit)
        """Open help requests from kiosks (sync.hub.help)."""
        self.bookings = HubBookings(self)
        """Appointments: the site's offer upstream, check-ins of the bookings received (sync.hub.bookings)."""
        self.notices = HubNotices(self)
        """Notices to citizens who consented: subscriptions, and the notices owed (sync.hub.notices)."""
        self.operations = Operations(self)
        """The console's controls: paused services, ticker, guides, board notice (sync.hub.operations)."""
        self.operations.load()
        self._tick_task: asyncio.Task[None] | None = None
        self._tokens_task: asyncio.Task[None] | None = None
        self._last_purge = 0.0
        self._reload_lock = asyncio.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self.reload_on_sighup = False
        self.rating_link: Callable[[dict[str, Any]], str | None] | None = self._rating_link
        """Where the tracking page sends a served citizen to rate the service (a ticket view -> a URL, or None)."""
        """`motcua hub` sets it: SIGHUP re-reads the site file (a signal handler needs the main thread's loop)."""
        self.engine.commissioning = commissioning
        self.reload()
        self.registry.load()
        self.bookings.load()
        self.notices.load()
        self.calendar_changed()
        store.write_now([], ops=[self._record_site()])
        store.on_committed = self._committed
        store.on_failed = lambda exc: self.reload()

    def _committed(self, events: list[EncodedEvent]) -> None:
        self.events.publish(events)
        self.notices.after_commit(events)
        if self.relay is not None:
            self.relay.wake()

    def reload(self) -> None:
        """Rebuild the engine from the database (at start and after a failed write)."""
        today = self.engine.local_day(self.clock.time())
        # After a stop across midnight, load the day the database last knew: the rollover at start then
        # expires its open tickets and tells the devices (day.started), as it would have live.
        day = min(today, self.store.last_day() or today)
        tickets, counters, last_seq, calls = self.store.load_day(day)
        self.engine.next_seq = last_seq + 1
        self.engine.load(day=day, tickets=tickets, counters=counters, recent_calls=calls)
        self.engine.device_faults = dict(self.store.device_faults)
        self.help.load()
        self.events.last_seq = max(self.events.last_seq, last_seq)
        self.dossiers.serials.clear()
        self.payments.forget()
        self.staff.load()
        log.info("loaded day %s: %d tickets, last event %d", day, len(tickets), last_seq)

    def _record_site(self) -> tuple[str, tuple[str, str]]:
        """The statement that records what the site file says (`motcua token create` checks counters with it)."""
        c = self.config
        record = {"code": c.site.code, "name": c.site.name, "services": [s.code for s in c.services],
                  "counters": [k.number for k in c.counters], "recorded_at": self.clock.time(),
                  "config": str(self.config_path) if self.config_path else None}
        return PUT_META, (SITE_KEY, orjson.dumps(record).decode())

    async def start(self) -> None:
        """Start the writer and the periodic day check."""
        self._loop = asyncio.get_running_loop()
        self.store.start(self._loop)
        change = self.engine.rollover_if_needed()  # a day that ended while the hub was stopped
        if change is not None:
            await self.commit([change])
        await self.bookings.publish_capacity()
        await self.notices.commit_owed(dossiers_done=self.notices.results_ready())  # owed when the hub stopped
        self._tick_task = asyncio.create_task(self._tick_forever())
        self._tokens_task = asyncio.create_task(self._watch_tokens())
        if self.reload_on_sighup:
            self._loop.add_signal_handler(signal.SIGHUP, self.request_reload)
        if self.engine.commissioning:
            log.warning("commissioning mode (chạy thử): every number is a test ticket, issued at any hour, "
                        "left out of reports and of the central server's tally")
        elif self.engine.open_test_tickets():
            # Test tickets of an earlier commissioning run must not wait in today's real queues.
            change = self.engine.set_commissioning(False)
            await self.commit([self._with_site(change)])
            log.warning("%d open test ticket(s) of an earlier commissioning run expired", change.event.data["expired"])
        if self.central_url:
            settings = RelaySettings(url=self.central_url, token=self.central_token, ca_file=self.central_ca_file)
            for k, v in self.relay_settings.items():
                setattr(settings, k, type(getattr(settings, k))(v))
            site = self.config.site
            link = SiteLink(site=site.code, agency_code=site.agency_code or site.code, db_path=Path(self.store.path),
                            identity=self.store.identity)
            self.relay = Relay(self, settings, link=link, blob_path=self.dossiers.blob_path)
            self.relay.start(asyncio.get_running_loop())
            log.info("syncing with %s", self.central_url)

    # ------------------------------------------------------------------ commissioning and reload
    async def set_commissioning(self, on: bool) -> dict[str, Any]:
        """Turn commissioning mode on or off (off: open test tickets expire); devices hear site.changed."""
        if self.engine.commissioning != on:
            changes = await self.run(lambda: self._with_site(self.engine.set_commissioning(on)))
            expired = changes[-1].event.data.get("expired", 0)
            log.warning("commissioning mode %s%s", "on" if on else "off",
                        f"; {expired} open test ticket(s) expired" if expired else "")
        return {"commissioning": self.engine.commissioning, "open_test_tickets": self.engine.open_test_tickets()}

    def _with_site(self, change: Change) -> Change:
        change.event.data["site"] = self.site_document()
        return change

    def request_reload(self) -> None:
        """Reload the site file soon (from a signal handler: SIGHUP); errors go to the log."""
        loop = self._loop
        if loop is None:
            log.warning("reload requested before the hub started: ignored")
            return

        async def go() -> None:
            try:
                await self.reload_config()
            except ApiError:
                pass  # already logged with the reason; the running configuration stays
            except Exception:
                log.exception("reload of the site file failed; the running configuration stays")

        loop.call_soon_threadsafe(lambda: loop.create_task(go()))

    async def reload_config(self) -> dict[str, Any]:
        """Re-read the site file; apply what may change live, or refuse the whole file (ApiError 409/422)."""
        if self.config_path is None:
            raise ApiError(409, "no_site_file", "Máy chủ trạm không chạy từ tệp cấu hình / the hub has no site file to reload")
        async with self._reload_lock:
            path = self.config_path
            try:
                new = await asyncio.get_running_loop().run_in_executor(None, load_site_config, path)
            except ConfigError as exc:
                log.error("reload refused, the running configuration is kept: %s", exc)
                raise ApiError(422, "config_invalid", f"Tệp cấu hình có lỗi, vẫn dùng cấu hình đang chạy / "
                                                      f"the site file has an error, the running one is kept: {exc}") from exc
            p = plan(self.config, new)
            if not p.ok:
                why = "; ".join(p.refused)
                log.error("reload of %s refused, the running configuration is kept (restart the hub to apply): %s",
                          path, why)
                raise ApiError(409, "reload_refused", "Thay đổi này cần khởi động lại máy chủ trạm, vẫn dùng cấu hình "
                                                      f"đang chạy / this change needs a hub restart, the running "
                                                      f"configuration is kept: {why}")
            if not p.changed:
                log.info("reload of %s: nothing changed", path)
                return {"applied": True, "changed": []}
            self.config = new
            self.engine.apply_config(new)
            self.dossiers.config = new
            self.limiter.configure(burst=new.limits.auth_failures_burst, per_minute=new.limits.auth_failures_per_minute)
            self.payments.config = new
            event = self.new_event(EventType.SITE_CHANGED, {"changed": p.changed, "site": self.site_document()})
            try:
                await self.store.submit([Change(event=event)], ops=[self._record_site()])
            except StoreError as exc:
                raise store_unavailable() from exc
            await self.bookings.publish_capacity()
            log.info("reloaded %s: %s", path, ", ".join(p.changed))
            return {"applied": True, "changed": p.changed}

    async def stop(self) -> None:
        """Finish queued writes and stop."""
        if self.reload_on_sighup and self._loop is not None:
            self._loop.remove_signal_handler(signal.SIGHUP)
        if self.relay is not None:
            relay, self.relay = self.relay, None
            await asyncio.get_running_loop().run_in_executor(None, relay.stop)
        for task in (self._tick_task, self._tokens_task):
            if task:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await self.save_devices()
        await asyncio.get_running_loop().run_in_executor(None, self.store.stop)

    async def _tick_forever(self) -> None:
        while True:
            await asyncio.sleep(20)
            try:
                await self.tick()
            except Exception:
                log.exception("day check failed")

    async def _watch_tokens(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(TOKENS_CHECK_S)
            try:
                await self.check_tokens(loop)
            except Exception:
                log.exception("token check failed")

    async def check_tokens(self, loop: asyncio.AbstractEventLoop) -> None:
        """Forget cached tokens when any changed (revoke, rotate) and end the streams of tokens that no longer hold."""
        # One tiny read off the loop; a revocation by `motcua token revoke` (another process) bites within
        # TOKENS_CHECK_S plus this read.
        generation = await loop.run_in_executor(None, self.store.tokens_generation)
        if self.tokens.changed(generation):
            active = await loop.run_in_executor(None, self.store.active_token_ids)
            self.events.close_where(lambda p: bool(p.token_id) and p.token_id not in active)
        now = self.clock.time()
        self.events.close_where(lambda p: p.expires_at is not None and now >= p.expires_at)

    async def tick(self) -> None:
        """Roll the day over if local midnight has passed; save heartbeats; hourly, erase the personal data of
        dossiers past their retention ([privacy] retention_days) and purge confirmed dossier files."""
        change = self.engine.rollover_if_needed()
        if change is not None:
            await self.commit([change])
        await self.save_devices()
        now = self.clock.time()
        if now - self._last_purge >= 3600:
            self._last_purge = now
            await self.dossiers.erase_expired(now)
            await self.store.submit([], ops=[self.bookings.erase_past(
                before_day=self.engine.local_day(now - self.config.privacy.retention_days * 86400)),
                self.notices.erase(now=now, retention_days=self.config.privacy.retention_days)])
            await asyncio.get_running_loop().run_in_executor(None, self.dossiers.purge_files, now)

    async def save_devices(self) -> None:
        """Write the heartbeats received since the last save (every tick and at stop, not one write per beat)."""
        keys, ops = self.registry.take_dirty()
        if not ops:
            return
        try:
            await self.store.submit([], ops=ops)
        except StoreError as exc:
            self.registry.restore_dirty(keys)
            log.warning("device heartbeats not saved, will retry: %s", exc)

    async def commit(self, changes: Iterable[Change], *, ops: Iterable[Op] = ()) -> None:
        """Persist changes durably, with the notices they owe (and `ops`, e.g. an audit row) in the same
        transaction; ApiError 503 if the database refused them."""
        changes = list(changes)
        notices, owed_ops, marks = self.notices.owed()
        try:
            await self.store.submit([*changes, *notices], ops=[*self.staff.attribute(changes), *owed_ops, *ops])
        except StoreError as exc:
            self.notices.undo(marks)
            raise store_unavailable() from exc
        self.metrics.count(changes)

    async def run(self, op: Callable[[], list[Change] | Change], *, ops: Iterable[Op] = ()) -> list[Change]:
        """Run an engine operation (with the day check first) and commit its changes (with `ops`, if it made any)."""
        changes: list[Change] = []
        roll = self.engine.rollover_if_needed()
        if roll is not None:
            changes.append(roll)
        try:
            result = op()
        except QueueError as exc:
            if changes:
                await self.commit(changes)
            raise ApiError(exc.status, exc.code, exc.message) from exc
        new = result if isinstance(result, list) else [result]
        changes.extend(new)
        if changes:
            await self.commit(changes, ops=ops if new else ())
        return new

    # ------------------------------------------------------------------ sync
    def new_event(self, type_: EventType, data: dict[str, Any]) -> Event:
        """An event with the next sequence (on the loop only: the engine owns the sequence)."""
        ev = Event(seq=self.engine.next_seq, id=ids.new_time_uuid(), type=type_, at=self.clock.time(), data=data)
        self.engine.next_seq += 1
        return ev

    async def apply_sync(self, *, ops: list[Op], events: list[tuple[EventType, dict[str, Any]]],
                         payments: list[dict[str, Any]] | None = None) -> None:
        """Commit the relay's bookkeeping (and the events of what it changed) through the writer (on the loop).

        `payments`: transfers the central server confirmed in a status page, recorded in the same transaction.
        """
        changes = [Change(event=self.new_event(t, d)) for t, d in events]
        paid_ops, paid_events, held = self.payments.confirmations(payments or [])
        changes.extend(Change(event=e) for e in paid_events)
        try:
            await self.store.submit(changes, ops=[*ops, *paid_ops])
        finally:
            self.payments.release(held)

    def calendar_changed(self) -> None:
        """The central server's calendar feed changed: recount return times with the new table."""
        self.dossiers.calendar_changed()

    def authenticate(self, token: str | None, *, client: str = "", route: str = "") -> Principal:
        """The caller of a request from its bearer token; ApiError 401, or 429 for an address that keeps failing."""
        return authenticate(self.tokens, self.limiter, self.clock, token, client=client, route=route)

    def authorize(self, token: str | None, allowed: frozenset[str], *, client: str = "", route: str = "") -> Principal:
        """The caller of a request from its bearer token; ApiError 401, 403 or 429 when it may not."""
        return check_role(self.authenticate(token, client=client, route=route), allowed)

    def sync_status(self) -> dict[str, Any]:
        """GET /sync: backlog, age of the oldest unsent event, last success and error, dead letters."""
        tables = self.store.tables
        sent = tables.sent_seq()
        backlog, oldest = tables.backlog(sent)
        dead = tables.dead_letter_count()
        unlinked = tables.unlinked_count()
        feeds = {r["kind"]: {"epoch": r["epoch"], "cursor": r["cursor"], "updated_at": iso(r["updated_at"], self.config.tz)}
                 for r in tables.feed_cursors()}
        now = self.clock.time()
        relay = self.relay
        err = relay.last_error if relay else None
        return {
            "backlog": int(backlog),
            "oldest_unsent_age_s": round(max(0.0, now - oldest), 1) if oldest is not None else 0.0,
            "last_success": iso(relay.last_success, self.config.tz) if relay and relay.last_success else None,
            "last_error": {"at": iso(err["at"], self.config.tz), "message": err["message"]} if err else None,
            "dead_letters": int(dead),
            "state": relay.state if relay else "disabled",
            "central_url": self.central_url or None,
            "identity": self.store.identity,
            "sent_seq": sent,
            "last_seq": self.events.last_seq,
            "dossiers_unlinked": int(unlinked),
            "feeds": feeds,
        }

    async def issue_ticket(self, p: Principal, body: IssueRequest) -> dict[str, Any]:
        """POST /tickets: the ticket, durably stored (a repeat of a request_id gets the first one)."""
        channel = "kiosk" if p.role == "kiosk" else (body.channel or p.role)
        if body.request_id:
            existing = self.engine.issued_for_request(body.request_id)
            if existing is not None:
                if existing.service != body.service:
                    raise ApiError(422, "request_id_reused", "request_id đã dùng cho dịch vụ khác / request_id reused")
                return self.engine.view(existing)
        self.operations.refuse_if_paused(body.service)
        changes = await self.run(lambda: self.engine.issue(body.service, priority=body.priority, channel=channel,
                                                           request_id=body.request_id))
        return changes[-1].event.data["ticket"]  # type: ignore[no-any-return]

    async def call_next(self, p: Principal, counter: int) -> dict[str, Any] | None:
        """POST /counters/{n}/next: the called ticket, or None when nobody waits."""
        own_counter(p, counter)
        return called_ticket(await self.run(lambda: self.engine.call_next(counter)))

    def _rating_link(self, view: dict[str, Any]) -> str | None:
        """The phone's rating page of a served ticket while it may still be rated there (once, in the window)."""
        return f"{view['tracking_url']}/rate" if self.ratings.open_for(view["id"]) else None

    def ticket_view(self, t: Ticket) -> dict[str, Any]:
        """The API shape of a ticket, with its live position."""
        return self.engine.view(t)

    def find_ticket(self, ticket_id: str) -> dict[str, Any] | None:
        """A ticket by id: today's from memory, older ones from the database."""
        t = self.engine.tickets.get(ticket_id)
        if t is None:
            t = self.store.ticket(ticket_id)
            if t is None:
                return None
            return self.engine.view(t, position=(None, None))
        return self.engine.view(t)

    def site_document(self) -> dict[str, Any]:
        """GET /site: the center, its services, counters, priority categories and texts."""
        c = self.config
        return self.operations.apply({
            "site": c.site.model_dump(),
            "hours": {d: [str(s) for s in c.hours.sessions(i + 1)]
                      for i, d in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
            "issuing_open": self.engine.issuing_open(),
            "commissioning": self.engine.commissioning,
            "services": [{
                "code": s.code, "name": s.name, "name_en": s.name_en, "prefix": s.prefix, "digits": s.digits,
                "first_number": s.first_number, "daily_quota": s.daily_quota, "quota_left": self.engine.quota_left(s.code),
                "waiting": len(self.engine.queues[s.code]), "average_service_s": round(self.engine.stats[s.code].average_s),
            } for s in c.services],
            "counters": [{"number": k.number, "name": k.label, "services": list(k.services), "policy": k.policy}
                         for k in c.counters],
            "priority_categories": [p.model_dump() for p in c.priority_categories],
            "display": c.display.model_dump(),
            "now": iso(self.clock.time(), c.tz),
        })


def called_ticket(changes: list[Change]) -> dict[str, Any] | None:
    """The ticket a call-next called (None: nobody waited)."""
    call = next((c for c in reversed(changes) if c.event.type == EventType.TICKET_CALLED), None)
    return None if call is None else call.event.data["ticket"]  # type: ignore[no-any-return]
