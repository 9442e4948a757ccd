"""Điều hành: the manager's operational controls of a running hub, each one audited.

Open or close a counter (the clerk's own pause/resume: the same engine operation and `counter.paused` /
`counter.resumed` events, so counter displays and boards follow as they already do), pause issuing for a
service, change the lobby ticker and the guides playlist, and send a one-off notice to the boards.

The last four are the hub's *operational state*: one JSON value in the meta table (a restart keeps it), laid
over the site document (`apply`), and announced as `site.changed` with the whole document, which boards and
kiosks already apply. Each control commits its change, its event and its audit row (sync.audit: who, role,
address, when, what) in one transaction: there is no change without its audit row, and no row for a change
that did not happen. The notice and the ticker are staff text shown in the lobby: they are not personal data
and must not be used for it (the page says so).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import orjson

from motcua.clock import iso
from motcua.contract import EventType
from motcua.queue import Change
from sync.hub.errors import ApiError, store_unavailable
from sync.store import PUT_META, StoreError
from sync.store.casework import CaseTables

log = logging.getLogger(__name__)

KEY = "operations"
TICKER_MAX = 300
NOTICE_MAX = 200
NOTICE_MINUTES = (1, 480)
GUIDES_MAX = 50
GUIDE_ITEM_MAX = 500


@dataclass(frozen=True, slots=True)
class Actor:
    """Who used a control: the account's staff code (or the token's name), its role and the browser's address."""

    name: str
    role: str
    client: str


def _plain(text: str, limit: int, what: str) -> str:
    """One line of staff text: no control characters, at most `limit` characters."""
    text = " ".join(text.split())
    if len(text) > limit:
        raise ApiError(422, "too_long", f"{what}: tối đa {limit} ký tự / at most {limit} characters")
    return text


class Operations:
    """The console's controls of one hub and the operational state they keep."""

    def __init__(self, hub: Any) -> None:
        self.hub = hub
        self.paused: set[str] = set()
        self.ticker: str | None = None
        """None: the site file's ticker; "" : no ticker."""
        self.guides: list[str] = []
        self.notice: dict[str, Any] | None = None
        """{"text", "text_en", "until"} while a notice shows (until: Unix time)."""

    def load(self) -> None:
        """Read the operational state (at start); an unreadable value is logged and starts empty."""
        rows = self.hub.store.read("SELECT value FROM meta WHERE key = ?", (KEY,))
        if not rows:
            return
        try:
            st = orjson.loads(rows[0][0])
            self.paused = {str(s) for s in st.get("paused", [])}
            self.ticker = st.get("ticker")
            self.guides = [str(g) for g in st.get("guides", [])]
            self.notice = st.get("notice")
        except (orjson.JSONDecodeError, AttributeError, TypeError):
            log.exception("operational state in the meta table is unreadable; starting without it")

    def _state(self) -> dict[str, Any]:
        return {"paused": sorted(self.paused), "ticker": self.ticker, "guides": self.guides, "notice": self.notice}

    def notice_now(self) -> dict[str, Any] | None:
        """The notice if it still shows."""
        n = self.notice
        return n if n is not None and float(n.get("until", 0)) > self.hub.clock.time() else None

    def apply(self, doc: dict[str, Any]) -> dict[str, Any]:
        """The site document with the operational state laid over it (GET /site, site.changed)."""
        for s in doc["services"]:
            s["paused"] = s["code"] in self.paused
        display = doc["display"]
        if self.ticker is not None:
            display["ticker"] = self.ticker
        display["guides"] = list(self.guides)
        n = self.notice_now()
        display["notice"] = n["text"] if n else ""
        display["notice_en"] = n["text_en"] if n else ""
        display["notice_until"] = iso(float(n["until"]), self.hub.config.tz) if n else None
        return doc

    def refuse_if_paused(self, service: str, *, booking: bool = False) -> None:
        """ApiError 409 `service_paused` when the manager paused issuing for this service (for a booking's check-in,
        the message says the booking is kept: nothing of it was used)."""
        if service not in self.paused:
            return
        if booking:
            raise ApiError(409, "service_paused", "Dịch vụ này đang tạm dừng cấp số. Lịch hẹn vẫn được giữ, xin hỏi cán "
                                                  "bộ hướng dẫn / issuing for this service is paused; the booking is "
                                                  "kept, please ask the staff")
        raise ApiError(409, "service_paused", "Dịch vụ này đang tạm dừng cấp số, xin hỏi cán bộ hướng dẫn / "
                                              "issuing for this service is paused, please ask the staff")

    def _audit(self, actor: Actor, action: str, detail: str) -> tuple[str, Any]:
        return CaseTables.audit(at=self.hub.clock.time(), token_name=actor.name, role=actor.role, client=actor.client,
                                action=action, detail=detail[:500])

    async def _commit_state(self, actor: Actor, action: str, detail: str, changed: str) -> None:
        """Persist the state, its site.changed event and the audit row in one transaction."""
        event = self.hub.new_event(EventType.SITE_CHANGED, {"changed": [changed], "site": self.hub.site_document()})
        ops = [(PUT_META, (KEY, orjson.dumps(self._state()).decode())), self._audit(actor, action, detail)]
        try:
            await self.hub.store.submit([Change(event=event)], ops=ops)
        except StoreError as exc:
            self.load()  # what the database still says
            raise store_unavailable() from exc
        log.info("console: %s by %s (%s): %s", action, actor.name, actor.role, detail)

    # ------------------------------------------------------------------ the controls
    async def set_service(self, actor: Actor, code: str, *, paused: bool) -> None:
        """Pause or resume issuing for a service."""
        if code not in {s.code for s in self.hub.config.services}:
            raise ApiError(404, "unknown_service", f"Không có dịch vụ '{code[:32]}' / unknown service")
        if (code in self.paused) == paused:
            return  # already so: nothing changes, nothing to audit
        (self.paused.add if paused else self.paused.discard)(code)
        await self._commit_state(actor, "service.pause" if paused else "service.resume", code, "operations.service")

    async def set_ticker(self, actor: Actor, text: str) -> None:
        """The lobby ticker's text (empty: none)."""
        text = _plain(text, TICKER_MAX, "ticker")
        self.ticker = text
        await self._commit_state(actor, "ticker.set", text or "(trống / empty)", "operations.ticker")

    async def set_guides(self, actor: Actor, lines: str) -> None:
        """The guides playlist: one item (a path on the boards or an http(s) URL) per line; empty: the boards' own."""
        items = [x.strip() for x in lines.splitlines() if x.strip()]
        if len(items) > GUIDES_MAX or any(len(i) > GUIDE_ITEM_MAX or not i.isprintable() for i in items):
            raise ApiError(422, "invalid_guides", f"Tối đa {GUIDES_MAX} mục, mỗi mục một dòng / at most {GUIDES_MAX} "
                                                  "items, one per line")
        self.guides = items
        await self._commit_state(actor, "guides.set", f"{len(items)} mục / items: " + " | ".join(items)[:400],
                                 "operations.guides")

    async def send_notice(self, actor: Actor, text: str, text_en: str, minutes: str) -> None:
        """A notice on the lobby boards for some minutes (a new one replaces the last)."""
        text = _plain(text, NOTICE_MAX, "notice")
        text_en = _plain(text_en, NOTICE_MAX, "notice_en")
        try:
            m = int(minutes)
        except ValueError:
            m = 0
        if not text or not NOTICE_MINUTES[0] <= m <= NOTICE_MINUTES[1]:
            raise ApiError(422, "invalid_notice", f"Cần nội dung và thời gian {NOTICE_MINUTES[0]}-{NOTICE_MINUTES[1]} phút"
                                                  f" / a text and {NOTICE_MINUTES[0]}-{NOTICE_MINUTES[1]} minutes")
        self.notice = {"text": text, "text_en": text_en, "until": self.hub.clock.time() + 60 * m}
        await self._commit_state(actor, "notice.send", f"{m} phút / min: {text} / {text_en}", "operations.notice")

    async def set_counter(self, actor: Actor, number: int, *, open_: bool) -> None:
        """Open (resume) or close (pause) a counter: the clerk's pause/resume, with the audit row."""
        hub = self.hub
        if hub.config.counter(number) is None:
            raise ApiError(404, "unknown_counter", f"Không có quầy số {number} / no counter {number}")
        c = hub.engine.counters[number]
        if open_ and c.state.value != "paused":
            return  # open already (or not opened yet today: the clerk's first call opens it)
        if not open_ and c.state.value == "paused":
            return
        action = "counter.open" if open_ else "counter.close"
        await hub.run(lambda: hub.engine.resume(number) if open_ else hub.engine.pause(number),
                      ops=[self._audit(actor, action, f"quầy / counter {number}")])
        log.info("console: %s %d by %s (%s)", action, number, actor.name, actor.role)

    def recent(self, limit: int = 30) -> list[dict[str, Any]]:
        """The latest audited controls, newest first (the operations page)."""
        from sync.audit import read_audit

        return read_audit(self.hub.store.read, since=0.0, limit=limit, tz=self.hub.config.tz, kind="operations",
                          newest_first=True)
