"""Clerks (cán bộ một cửa) at the hub: who may sign in, who is signed in at each counter, and whose service is whose.

Device tokens stay per counter; a clerk is an identity signed in *on* a counter (staff code and a PIN, or
the staff card's code read by the counter's scanner). PINs are stored as slow hashes (scrypt), checked off
the event loop; a card's code as a SHA-256 digest (a card is looked up by it; its code is long, unlike a PIN).
Sign-in and sign-out are state changes like any other: the
`counter_staff` row and a `staff.signed_in` / `staff.signed_out` event in one transaction.

Attribution: every ticket event at a counter (called, recalled, completed, skipped, transferred) gets the
staff code of the clerk signed in there (`"clerk"`), and each stretch of service of a ticket is a row of
`service_segments` (from the call to done, no-show or transfer), written in the change's own transaction.
The clerk of a segment is the one who ended it (who served the citizen), or the one who called it when
nobody was signed in at the end; a transferred ticket gets a new segment at the counter that calls it next.

Personal data: events carry the staff code only; the name is for staff views (the panel, the summary) and
the counter's rating screen, as the name badge of a one-stop counter.
"""
from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
import secrets
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from motcua.clock import Clock, iso
from motcua.contract import EventType
from motcua.queue import Change, Event
from sync.hub.errors import ApiError, store_unavailable
from sync.store import SiteStore, StoreError, migrate

log = logging.getLogger(__name__)

CODE_PATTERN = r"^[A-Za-z0-9_.-]{1,32}$"
PIN_PATTERN = r"^[0-9]{4,8}$"
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2 ** 14, 8, 1
"""~50 ms per check on a small PC: slow for a guesser with a stolen database, fine for a sign-in."""
MAX_FAILURES = 5
LOCK_S = 300.0
"""After MAX_FAILURES wrong PINs in a row a staff code is locked for LOCK_S (a 4-digit PIN is guessable)."""

TICKET_EVENTS = frozenset({EventType.TICKET_CALLED, EventType.TICKET_RECALLED, EventType.TICKET_COMPLETED,
                           EventType.TICKET_SKIPPED, EventType.TICKET_TRANSFERRED})
_ENDS = {EventType.TICKET_COMPLETED: "done", EventType.TICKET_SKIPPED: "skipped", EventType.TICKET_TRANSFERRED: "transferred"}
# A stretch is keyed by its call event's sequence (schema 12): a repeat of the same call adds nothing, and the
# statements that end or change a stretch find it by that key (Staff.open), not through an index by ticket
# that every call's commit would write to.
_OPEN_SEGMENT = ("INSERT INTO service_segments (seq, ticket_id, day, counter, clerk, service, called_at) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(seq) DO NOTHING")
_CLOSE_OPEN = "UPDATE service_segments SET ended_at = ?, outcome = 'expired' WHERE seq = ? AND ended_at IS NULL"
_END_SEGMENT = ("UPDATE service_segments SET ended_at = ?, outcome = ?, clerk = COALESCE(?, clerk) "
                "WHERE seq = ? AND counter = ? AND ended_at IS NULL")
_RECALL_SEGMENT = "UPDATE service_segments SET clerk = COALESCE(?, clerk) WHERE seq = ? AND ended_at IS NULL"
# The open stretches are all of the latest day that has stretches: each day's rollover ends the open ones.
_LOAD_OPEN = ("SELECT ticket_id, seq FROM service_segments WHERE day = (SELECT MAX(day) FROM service_segments) "
              "AND ended_at IS NULL")


def hash_secret(secret: str, *, salt: bytes | None = None) -> str:
    """A PIN or card code as `scrypt$N$r$p$salt$hash` (base64), never in clear."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32)
    return "$".join(("scrypt", str(_SCRYPT_N), str(_SCRYPT_R), str(_SCRYPT_P),
                     base64.b64encode(salt).decode(), base64.b64encode(digest).decode()))


def verify_secret(secret: str, stored: str) -> bool:
    """Whether a PIN or card code matches its stored hash (constant time)."""
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        got = hashlib.scrypt(secret.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                             dklen=len(base64.b64decode(digest)))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, base64.b64decode(digest))


STAFF_ROLES = ("clerk", "manager", "admin")
"""A staff member's role: a clerk serves at a counter; a manager and an admin may also open the console."""
PASSWORD_MIN, PASSWORD_MAX = 10, 128


def check_password(password: str) -> None:
    """ValueError unless a console password is long enough (10-128 characters, not all the same one)."""
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX or len(set(password)) < 4:
        raise ValueError(f"--password: {PASSWORD_MIN} to {PASSWORD_MAX} characters, at least 4 different ones")


def card_key(card: str) -> str:
    """The look-up key of a staff card's code: unsalted (it is searched for), but a keyed slow hash would need
    the card to be known anyway; a card code is long and random, unlike a PIN."""
    return hashlib.sha256(("motcua-staff-card:" + card.strip()).encode()).hexdigest()


# ---------------------------------------------------------------------------------- admin (motcua staff)
@dataclass(frozen=True, slots=True)
class StaffMember:
    """A clerk (or manager, admin) as the hub knows them (never the PIN or password)."""

    code: str
    name: str
    disabled: bool = False
    role: str = "clerk"


def add_staff(path: str | Path, *, code: str, name: str, pin: str | None, card: str | None = None,
              now: float | None = None, role: str = "clerk", password: str | None = None) -> StaffMember:
    """`motcua staff add`: a new clerk, manager or admin (or a disabled one again, with new secrets).

    A clerk needs a PIN (the counter's sign-in); a manager or admin needs a password (the console's) and
    may have a PIN too. Issue 13's clerks and the console's accounts are the same rows (sync.hub.accounts).
    """
    import re

    if not re.fullmatch(CODE_PATTERN, code):
        raise ValueError("--code: letters, digits, '_', '.', '-' (1-32), e.g. NV001")
    if role not in STAFF_ROLES:
        raise ValueError(f"--role: one of {', '.join(STAFF_ROLES)}")
    if pin is None and role == "clerk":
        raise ValueError("--pin: a clerk needs a PIN")
    if pin is not None and not re.fullmatch(PIN_PATTERN, pin):
        raise ValueError("--pin: 4 to 8 digits")
    if password is None and role != "clerk":
        raise ValueError("--password: a manager or admin needs a password for the console")
    if password is not None:
        check_password(password)
    if not name.strip() or len(name) > 100:
        raise ValueError("--name: the clerk's name (1-100 characters)")
    db = migrate(path)
    try:
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            row = db.conn.execute("SELECT disabled_at FROM staff WHERE code = ?", (code,)).fetchone()
            if row is not None and row[0] is None:
                raise ValueError(f"staff code {code} exists already (disable it first to replace it)")
            # pin_hash '' (no PIN): verify_secret never matches it, so the account cannot sign in at a counter.
            db.conn.execute("INSERT INTO staff (code, name, pin_hash, card_hash, created_at, role, password_hash) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?) "
                            "ON CONFLICT(code) DO UPDATE SET name = excluded.name, pin_hash = excluded.pin_hash, "
                            "card_hash = excluded.card_hash, disabled_at = NULL, role = excluded.role, "
                            "password_hash = excluded.password_hash",
                            (code, name.strip(), hash_secret(pin) if pin else "", card_key(card) if card else None,
                             time.time() if now is None else now, role,
                             hash_secret(password) if password is not None else None))
            db.conn.execute("COMMIT")
        except BaseException:
            db.conn.execute("ROLLBACK")
            raise
    finally:
        db.conn.close()
    return StaffMember(code, name.strip(), role=role)


def list_staff(path: str | Path) -> list[dict[str, Any]]:
    """`motcua staff list`: code, name, whether disabled, and where they are signed in now."""
    db = migrate(path)
    try:
        rows = db.conn.execute("SELECT s.code, s.name, s.created_at, s.disabled_at, c.counter, c.since, "
                               "s.card_hash IS NOT NULL, s.role, s.password_hash IS NOT NULL "
                               "FROM staff s LEFT JOIN counter_staff c ON c.staff = s.code ORDER BY s.code").fetchall()
    finally:
        db.conn.close()
    return [{"code": r[0], "name": r[1], "created_at": r[2], "disabled": r[3] is not None, "counter": r[4],
             "since": r[5], "card": bool(r[6]), "role": r[7], "password": bool(r[8])} for r in rows]


def disable_staff(path: str | Path, code: str, *, now: float | None = None) -> bool:
    """`motcua staff disable`: the clerk can no longer sign in (their history stays); False if unknown.

    A running hub lets a clerk already signed in finish until they sign out or the day ends.
    """
    db = migrate(path)
    try:
        db.conn.execute("BEGIN IMMEDIATE")
        n = db.conn.execute("UPDATE staff SET disabled_at = ? WHERE code = ? AND disabled_at IS NULL",
                            (time.time() if now is None else now, code)).rowcount
        db.conn.execute("COMMIT")
    finally:
        db.conn.close()
    return bool(n)


# ---------------------------------------------------------------------------------- the hub's side
class SignInRequest(BaseModel):
    """Đăng nhập quầy: the staff code and PIN, or the staff card's code."""

    model_config = ConfigDict(extra="forbid")

    staff: str | None = Field(None, pattern=CODE_PATTERN)
    pin: str | None = Field(None, pattern=PIN_PATTERN)
    card: str | None = Field(None, min_length=6, max_length=128)


@dataclass(slots=True)
class _Session:
    code: str
    name: str
    since: float


class Staff:
    """Who is signed in at which counter (kept in memory, rebuilt from the database), and the attribution hook."""

    def __init__(self, store: SiteStore, clock: Clock, *, new_event: Callable[[EventType, dict[str, Any]], Event],
                 tz: Any) -> None:
        self.store = store
        self.clock = clock
        self.new_event = new_event
        self.tz = tz
        self.signed_in: dict[int, _Session] = {}
        self.open: dict[str, int] = {}
        """The open stretch of service of each ticket being served: ticket id -> its key (the call's sequence).
        Changed on the loop as the changes are attributed, before they commit: a failed commit makes the hub
        reload, which reads it again from the database (load)."""
        self._failures: dict[str, tuple[int, float]] = {}

    def load(self) -> None:
        """Read who is signed in and the open stretches of service (at start and after a failed write)."""
        self.signed_in = {int(r[0]): _Session(r[1], r[2], float(r[3])) for r in self.store.read(
            "SELECT c.counter, c.staff, s.name, c.since FROM counter_staff c JOIN staff s ON s.code = c.staff")}
        self.open = {str(r[0]): int(r[1]) for r in self.store.read(_LOAD_OPEN)}

    def clerk_view(self, counter: int) -> dict[str, Any] | None:
        """GET /counters/{n}/clerk: the clerk signed in there (staff views only), or None."""
        s = self.signed_in.get(counter)
        return None if s is None else {"code": s.code, "name": s.name, "since": iso(s.since, self.tz)}

    def clerk_code(self, counter: int) -> str | None:
        """The staff code of the clerk signed in at a counter."""
        s = self.signed_in.get(counter)
        return s.code if s else None

    def _locked(self, key: str, now: float) -> bool:
        n, until = self._failures.get(key, (0, 0.0))
        return n >= MAX_FAILURES and now < until

    def _failed(self, key: str, now: float) -> None:
        n, _ = self._failures.get(key, (0, 0.0))
        self._failures[key] = (n + 1, now + LOCK_S)
        if len(self._failures) > 10000:  # a guesser of staff codes must not grow this forever
            self._failures.clear()

    async def sign_in(self, counter: int, req: SignInRequest) -> dict[str, Any]:
        """POST /counters/{n}/sign-in: check the PIN (or card) off the loop, then record the sign-in."""
        if not ((req.staff and req.pin) or req.card):
            raise ApiError(422, "invalid_request", "Nhập mã cán bộ và mã PIN, hoặc quẹt thẻ / give staff and pin, or card")
        now = self.clock.time()
        key = req.staff or "card"
        if self._locked(key, now):
            raise ApiError(429, "sign_in_locked", "Nhập sai quá nhiều lần, thử lại sau ít phút / too many wrong PINs, "
                                                  "try again in a few minutes", headers={"Retry-After": str(int(LOCK_S))})
        if req.card:
            rows = self.store.read("SELECT code, name, pin_hash FROM staff WHERE card_hash = ? AND disabled_at IS NULL",
                                   (card_key(req.card),))
            ok = bool(rows)
        else:
            rows = self.store.read("SELECT code, name, pin_hash FROM staff WHERE code = ? AND disabled_at IS NULL",
                                   (req.staff,))
            # Check a hash even for an unknown code: the answer's timing must not tell which codes exist.
            stored = rows[0][2] if rows else hash_secret("0000")
            ok = await asyncio.get_running_loop().run_in_executor(None, verify_secret, req.pin or "", stored) and bool(rows)
        if not ok:
            self._failed(key, now)
            raise ApiError(422, "wrong_credentials", "Mã cán bộ hoặc mã PIN không đúng / wrong staff code or PIN")
        self._failures.pop(key, None)
        code, name = str(rows[0][0]), str(rows[0][1])
        changes: list[Change] = []
        ops: list[tuple[str, Sequence[Any]]] = []
        # One person, one counter: signing in here signs them out of another counter, and the clerk who was here.
        for other, s in list(self.signed_in.items()):
            if (s.code == code and other != counter) or (other == counter and s.code != code):
                changes.append(Change(event=self.new_event(EventType.STAFF_SIGNED_OUT, {"counter": other, "clerk": s.code,
                                                                                "reason": "replaced"})))
                ops.append(("DELETE FROM counter_staff WHERE counter = ?", (other,)))
        at = self.clock.time()
        ops.append(("INSERT INTO counter_staff (counter, staff, since) VALUES (?, ?, ?) ON CONFLICT(counter) DO UPDATE "
                    "SET staff = excluded.staff, since = excluded.since", (counter, code, at)))
        changes.append(Change(event=self.new_event(EventType.STAFF_SIGNED_IN, {"counter": counter, "clerk": code})))
        try:
            await self.store.submit(changes, ops=ops)
        except StoreError as exc:
            raise store_unavailable() from exc
        for other, s in list(self.signed_in.items()):
            if s.code == code or other == counter:
                del self.signed_in[other]
        self.signed_in[counter] = _Session(code, name, at)
        log.info("clerk %s signed in at counter %d", code, counter)
        return {"counter": counter, "clerk": self.clerk_view(counter)}

    async def sign_out(self, counter: int, *, reason: str = "sign_out") -> dict[str, Any]:
        """POST /counters/{n}/sign-out: nobody is signed in at the counter any more (a break, the day's end)."""
        s = self.signed_in.get(counter)
        if s is None:
            return {"counter": counter, "clerk": None}
        change = Change(event=self.new_event(EventType.STAFF_SIGNED_OUT, {"counter": counter, "clerk": s.code, "reason": reason}))
        try:
            await self.store.submit([change], ops=[("DELETE FROM counter_staff WHERE counter = ?", (counter,))])
        except StoreError as exc:
            raise store_unavailable() from exc
        self.signed_in.pop(counter, None)
        log.info("clerk %s signed out at counter %d", s.code, counter)
        return {"counter": counter, "clerk": None}

    # ------------------------------------------------------------------ attribution (Hub.commit calls it)
    def attribute(self, changes: Iterable[Change]) -> list[tuple[str, Sequence[Any]]]:
        """Name the clerk in each ticket event at a counter and return the service_segments statements.

        Runs on the loop just before the changes are submitted, so the event as logged and streamed carries
        the clerk, and the segments commit in the same transaction as the ticket rows (ARCHITECTURE rule 2).
        """
        ops: list[tuple[str, Sequence[Any]]] = []
        for ch in changes:
            ev = ch.event
            if ev.type == EventType.DAY_STARTED:
                # Yesterday's sign-ins end with the day: the first clerk of the morning signs in afresh.
                ev.data["clerks_signed_out"] = len(self.signed_in)
                if self.signed_in:
                    ops.append(("DELETE FROM counter_staff", ()))
                    self.signed_in.clear()
                for expired in ch.tickets:
                    key = self.open.pop(expired.id, None)
                    if key is not None:
                        ops.append((_CLOSE_OPEN, (ev.at, key)))
                self.open.clear()  # every ticket still called expired with the day: none can end a stretch now
                continue
            if ev.type not in TICKET_EVENTS:
                continue
            counter = ev.data.get("counter")
            t = ch.ticket
            if not isinstance(counter, int) or t is None:
                continue
            clerk = self.clerk_code(counter)
            ev.data["clerk"] = clerk
            if t.test:
                continue  # a test ticket of commissioning mode counts in no figure
            if ev.type == EventType.TICKET_CALLED:
                # A ticket called while still "open" elsewhere cannot happen (the engine ends it first); a
                # skipped ticket called back starts a new segment.
                # The ticket's own day (served_by and the reports read a stretch by it; the rollover ends the rest).
                ops.append((_OPEN_SEGMENT, (ev.seq, t.id, t.day, counter, clerk, t.service, ev.at)))
                self.open[t.id] = ev.seq
            elif ev.type == EventType.TICKET_RECALLED:
                if (key := self.open.get(t.id)) is not None:
                    ops.append((_RECALL_SEGMENT, (clerk, key)))
            elif (key := self.open.pop(t.id, None)) is not None:
                ops.append((_END_SEGMENT, (ev.at, _ENDS[ev.type], clerk, key, counter)))
        return ops

    def served_by(self, ticket_id: str) -> tuple[int, str | None, str, float] | None:
        """(counter, clerk, service, ended_at) of the stretch that served a ticket (outcome done), or None."""
        # By the ticket's day (a ticket is served on the day it was issued: the rollover expires the rest): the
        # segments have no index by ticket, only by day (schema 12), so the look-up reads one day's stretches.
        rows = self.store.read("SELECT counter, clerk, service, ended_at FROM service_segments "
                               "WHERE day = (SELECT day FROM tickets WHERE id = ?) AND ticket_id = ? "
                               "AND outcome = 'done' ORDER BY ended_at DESC LIMIT 1", (ticket_id, ticket_id))
        return (int(rows[0][0]), rows[0][1], str(rows[0][2]), float(rows[0][3])) if rows else None

    def name_of(self, code: str | None) -> str | None:
        """A clerk's name by staff code (staff views)."""
        if not code:
            return None
        rows = self.store.read("SELECT name FROM staff WHERE code = ?", (code,))
        return str(rows[0][0]) if rows else None
