"""The manager's console at the hub (/console): staff sessions, the live view of the center, and the analytics
jobs behind the report pages.

Sign-in takes a staff account's code and password (a manager or admin of `motcua staff`, sync.hub.accounts),
or an admin or manager token (the same tokens `motcua token create` makes; a manager token opens the console
and nothing else: scripts, and the first sign-in before any account exists). A session is a random id in an
HttpOnly, SameSite=Strict cookie scoped to /console; the session keeps the token (or the account's code) on the
hub's side and checks it again on every request, so a revoked or expired token, or a disabled account, ends its
sessions at once. Forms carry a per-session CSRF token (the sign-in form a double-submit cookie), and failed
sign-ins count against the same per-address limiter as failed device tokens (lock-out with 429). The console
is never on the public listener (sync.hub.app.create_public_app).

Reports, the forecast and the exports run in `analytics.jobs.ReportRunner`'s worker process, never in the
hub's: a report is CPU work in Python and would hold the event loop that issues tickets.
"""
from __future__ import annotations

import asyncio
import logging
import secrets
import time
import weakref
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from motcua.clock import iso
from motcua.queue import TicketStatus
from sync.hub.accounts import Accounts
from sync.hub.auth import Principal
from sync.hub.live import Subscriber

if TYPE_CHECKING:
    from analytics.jobs import ReportRunner

Hub = Any
"""sync.hub.service.Hub, not imported: this module stays out of the hub's import cycle with the relay."""

log = logging.getLogger(__name__)

ROLES = frozenset({"admin", "manager"})
"""Token roles that may open the console."""
COOKIE = "motcua_console"
SIGNIN_COOKIE = "motcua_console_signin"
"""The sign-in form's double-submit CSRF cookie (there is no session yet to tie it to)."""
IDLE_S = 8 * 3600.0
"""A session unused this long ends (a working day: the live page on a wall screen keeps its session alive)."""
MAX_SESSIONS = 200
JOB_TIMEOUT_S = 180.0
CACHE_TTL_S = 60.0
"""A report page or download is computed again after this (today's figures move)."""
CACHE_SIZE = 24
LIVE_THROTTLE_S = 0.25
"""At most one live state per this long: a morning rush sends dozens of events a second."""
SYNC_EVERY_S = 5.0
RELEVANT = ("ticket.", "counter.", "day.", "site.", "device.", "sync.", "staff.")


@dataclass(slots=True)
class Session:
    """One signed-in browser: whose token, the CSRF token of its forms, when it was last used."""

    sid: str
    token: str
    """Kept on the hub, never sent back to the browser: checked again on every request (for an account: its
    staff code, whose account is checked again instead)."""
    role: str
    name: str
    csrf: str
    created: float
    seen: float
    account: bool = False
    """Signed in with a staff account (code and password) rather than a token."""

    @property
    def who(self) -> str:
        """Who acts, as the audit log names them: the staff code, or the token's name."""
        return self.token if self.account else self.name


class Sessions:
    """The console's sessions of one hub, in memory (a hub restart signs everyone out)."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.by_id: dict[str, Session] = {}

    def create(self, token: str, p: Principal, *, account: bool = False) -> Session:
        """A new session for a principal (or, with account, a staff account) that may open the console."""
        now = self.clock()
        if len(self.by_id) >= MAX_SESSIONS:  # forget the least recently used
            oldest = min(self.by_id.values(), key=lambda s: s.seen)
            self.by_id.pop(oldest.sid, None)
        s = Session(secrets.token_urlsafe(32), token, p.role, p.name, secrets.token_urlsafe(24), now, now, account)
        self.by_id[s.sid] = s
        return s

    def get(self, sid: str | None) -> Session | None:
        """The live session of a cookie value (touched), or None."""
        s = self.by_id.get(sid or "")
        if s is None:
            return None
        now = self.clock()
        if now - s.seen > IDLE_S:
            self.by_id.pop(s.sid, None)
            return None
        s.seen = now
        return s

    def drop(self, sid: str | None) -> None:
        """End a session (sign-out, a token that no longer holds)."""
        self.by_id.pop(sid or "", None)


class Console:
    """The console's state at one hub: sessions, the report worker (started on first use) and a small cache."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.sessions = Sessions(hub.clock.time)
        self.accounts = Accounts(hub.store)
        self.runner: ReportRunner | None = None
        self.runner_options: dict[str, Any] = {}
        """ReportRunner's keyword arguments (tests on a crowded machine run the worker at normal priority)."""
        self.cache: OrderedDict[tuple[Any, ...], tuple[float, asyncio.Future[Any]]] = OrderedDict()
        self._sync: tuple[float, dict[str, Any]] | None = None

    # ------------------------------------------------------------------ sessions
    def session(self, sid: str | None) -> Session | None:
        """The session of a request's cookie if its token still holds and may open the console."""
        s = self.sessions.get(sid)
        if s is None:
            return None
        if s.account:
            acc = self.accounts.active(s.token)
            if acc is None or acc.role != s.role:  # disabled, its password removed, or its role changed
                log.info("console session of %r ended: the account no longer holds", s.token)
                self.sessions.drop(s.sid)
                return None
            return s
        p = self.hub.tokens.get(s.token)
        if p is None or p.role not in ROLES or (p.expires_at is not None and self.hub.clock.time() >= p.expires_at):
            log.info("console session of %r ended: its token no longer holds", s.name)
            self.sessions.drop(s.sid)
            return None
        return s

    # ------------------------------------------------------------------ analytics jobs
    def _runner(self) -> ReportRunner:
        if self.runner is None:
            from analytics.jobs import ReportRunner

            self.runner = ReportRunner(**self.runner_options)
            # Imports, then this month's and last month's closed days read into the worker's day cache (at the
            # worker's idle priority): the manager's first report is then as quick as the next ones.
            self.runner.submit(_warm, str(self.hub.store.path), self.hub.config, self.hub.engine.today().isoformat())
        return self.runner

    def warm(self) -> None:
        """Start the worker and its imports ahead of the first report (at sign-in)."""
        self._runner()

    async def job(self, key: tuple[Any, ...], fn: Callable[..., Any], *args: Any) -> Any:
        """The result of fn(*args) in the worker, shared by identical requests within CACHE_TTL_S."""
        hit = self.cache.get(key)
        if hit is not None and hit[0] > time.monotonic() and not _failed(hit[1]):
            self.cache.move_to_end(key)
            return await asyncio.wait_for(asyncio.shield(hit[1]), JOB_TIMEOUT_S)
        for attempt in (1, 2):
            try:
                fut = asyncio.wrap_future(self._runner().submit(fn, *args))
                self.cache[key] = (time.monotonic() + CACHE_TTL_S, fut)
                while len(self.cache) > CACHE_SIZE:
                    self.cache.popitem(last=False)
                return await asyncio.wait_for(asyncio.shield(fut), JOB_TIMEOUT_S)
            except BrokenProcessPool:
                # The worker died (killed, out of memory): start another once rather than fail every page after.
                if attempt == 2:
                    raise
                log.warning("the report worker died; starting a new one")
                self.close()
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Stop the worker (the hub stops)."""
        runner, self.runner = self.runner, None
        self.cache.clear()
        if runner is not None:
            runner.close(now=True)

    # ------------------------------------------------------------------ the live view
    def live_state(self) -> dict[str, Any]:
        """The center now: waiting per service and the longest wait, each counter, device faults, sync health."""
        hub = self.hub
        engine, config = hub.engine, hub.config
        now = hub.clock.time()
        per: dict[str, dict[str, Any]] = {
            s.code: {"code": s.code, "name": s.name, "name_en": s.name_en or s.name, "waiting": 0, "longest_wait_s": 0,
                     "issued": 0, "served": 0, "no_show": 0, "open_counters": engine.open_counters(s.code)}
            for s in config.services}
        for t in engine.tickets.values():
            if t.test:
                continue
            row = per.get(t.service)
            if row is None:
                continue
            row["issued"] += 1
            if t.status == TicketStatus.WAITING:
                row["waiting"] += 1
                row["longest_wait_s"] = max(row["longest_wait_s"], int(now - t.issued_at))
            elif t.status == TicketStatus.DONE:
                row["served"] += 1
            elif t.status == TicketStatus.SKIPPED:
                row["no_show"] += 1
        counters = []
        for c in engine.counters.values():
            cfg = config.counter(c.number)
            cur = engine.tickets.get(c.current) if c.current else None
            counters.append({
                "number": c.number, "name": cfg.label if cfg else f"Quầy {c.number}", "state": c.state.value,
                "services": list(cfg.services) if cfg else [], "served": c.served,
                "current": cur.display if cur else None, "current_service": cur.service if cur else None,
                "serving_s": int(now - cur.called_at) if cur and cur.called_at else None,
                # Clerk sign-in is another issue's: until tickets know their clerk, the console says nobody.
                "clerk": getattr(c, "clerk", None),
            })
        services = list(per.values())
        return {
            "now": iso(now, config.tz), "day": engine.day, "issuing_open": engine.issuing_open(),
            "commissioning": engine.commissioning,
            "totals": {k: sum(s[k] for s in services) for k in ("waiting", "issued", "served", "no_show")}
            | {"longest_wait_s": max((s["longest_wait_s"] for s in services), default=0),
               "open_counters": sum(1 for c in counters if c["state"] == "open")},
            "services": services, "counters": counters,
            "faults": [_fault(f) for f in engine.device_faults.values()],
            "sync": self._sync_health(now),
            "last_event": hub.events.last_seq,
        }

    def _sync_health(self, now: float) -> dict[str, Any]:
        # A few reads of the database: at most every SYNC_EVERY_S however many consoles watch.
        if self._sync is None or now - self._sync[0] >= SYNC_EVERY_S or now < self._sync[0]:
            try:
                st = self.hub.sync_status()
                health = {k: st[k] for k in ("state", "backlog", "oldest_unsent_age_s", "last_success", "dead_letters",
                                             "dossiers_unlinked")}
                health["last_error"] = st["last_error"]["message"] if st["last_error"] else None
            except Exception:  # a busy store must not blank the live page
                log.exception("sync status for the console")
                health = {"state": "unknown"}
            self._sync = (now, health)
        return self._sync[1]


def _failed(fut: asyncio.Future[Any]) -> bool:
    """A finished job that gave no result (its error is not kept for the next asker)."""
    return fut.done() and (fut.cancelled() or fut.exception() is not None)


def _fault(f: dict[str, Any]) -> dict[str, Any]:
    """What the console shows of a device fault (device, kind, message, since)."""
    return {"device": str(f.get("device") or ""), "role": str(f.get("role") or ""), "fault": str(f.get("fault") or ""),
            "message": str(f.get("message") or ""), "since": f.get("at")}


def _warm(db: str, config: Any, today: str) -> bool:
    from analytics.console import warm

    return warm(db, config, today)


_consoles: weakref.WeakKeyDictionary[Hub, Console] = weakref.WeakKeyDictionary()


def console_of(hub: Hub) -> Console:
    """The console of a hub (made on first use)."""
    c = _consoles.get(hub)
    if c is None:
        c = _consoles[hub] = Console(hub)
    return c


def close(hub: Hub) -> None:
    """Stop a hub's console worker, if it has one (the app's lifespan, at stop)."""
    c = _consoles.get(hub)
    if c is not None:
        c.close()


def state_frame(state: dict[str, Any]) -> bytes:
    """One server-sent `state` event."""
    return b"event: state\ndata: " + orjson.dumps(state) + b"\n\n"


async def live_stream(console: Console, sid: str, sub: Subscriber) -> AsyncIterator[bytes]:
    """The live view as a stream of whole states: now, then after each burst of relevant events (throttled),
    and with every heartbeat (waits grow). Ends when the session ends (sign-out, revoked token)."""
    hub = console.hub
    try:
        yield b"retry: 2000\n\n" + state_frame(console.live_state())
        while True:
            if not sub.pending:
                try:
                    await asyncio.wait_for(sub.wake.wait(), timeout=hub.heartbeat_s)
                except TimeoutError:
                    pass
            if sub.overflow:
                return
            if console.session(sid) is None:
                yield b"event: signed_out\ndata: {}\n\n"
                return
            await asyncio.sleep(LIVE_THROTTLE_S)  # gather the burst
            events = sub.take()
            if events and not any(e.type.startswith(RELEVANT) for e in events):
                continue
            yield state_frame(console.live_state())
    finally:
        sub.close()
