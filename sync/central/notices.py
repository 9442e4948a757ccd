"""The reference central server's notification outbox (hộp thư thông báo) and its delivery providers.

Hubs hand notices over through their relay (`POST /api/v1/notices`), each under the id the hub made: a
repeat changes nothing, so a notice enters the outbox exactly once however often the relay retries. A
dispatcher sends what is due through a provider, with retries (backoff) and a delivery status per notice:
`pending`, `sent`, `failed` (after `MAX_ATTEMPTS`), `no_consent` (a booking whose citizen did not agree
to notices: never sent) or `cancelled` (a booking's reminder withdrawn with the booking, sync.central.bookings).

Providers are ours (`Notifier`): `FileNotifier` appends one JSON line per notice (pilots, the demo; the
number masked), `LoopbackNotifier` keeps them in memory (tests), and `AppriseNotifier` hands them to the
Apprise library (SMS gateways, e-mail, Zalo/Telegram-style chat services: one URL with `{phone}` where the
recipient goes). A crash between a provider's send and its record may send that one notice again: the
notice id goes to the provider so that a gateway with idempotency keys can drop the repeat.

The recipient is personal data: it is kept in `notices.recipient` only until `erase_notices` (retention),
never logged, and the file provider writes it masked.
"""
from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import orjson

from motcua.booking import mask_phone
from sync.files import open_private

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

log = logging.getLogger(__name__)

MIGRATION = """
    CREATE TABLE notices (
        id TEXT PRIMARY KEY,
        site TEXT NOT NULL,
        kind TEXT NOT NULL,
        text TEXT NOT NULL,
        recipient TEXT NOT NULL,
        booking_id TEXT,
        body_hash TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at REAL NOT NULL,
        last_error TEXT,
        created_at REAL NOT NULL,
        sent_at REAL,
        erased_at REAL
    );
    CREATE INDEX notices_due ON notices (status, next_at)
"""
"""Schema 7 of the central store (issue 15)."""

MAX_ATTEMPTS = 6
KINDS = ("turn_near", "called", "result_ready", "booking_reminder")


@dataclass(frozen=True, slots=True)
class Notice:
    """One notice to deliver."""

    id: str
    site: str
    kind: str
    text: str
    recipient: str


class NoticeConflict(Exception):
    """The same notice id with another body (the app answers 422 idempotency_conflict)."""


class DeliveryError(Exception):
    """A provider could not deliver a notice now (it is retried)."""


class Notifier(Protocol):
    """A delivery channel: raises DeliveryError when the notice did not go out."""

    name: str

    def send(self, notice: Notice) -> None:
        """Deliver one notice."""
        ...


@dataclass
class LoopbackNotifier:
    """Keeps what it was given (tests); `fail_next` makes the next sends fail."""

    name: str = "loopback"
    sent: list[Notice] = field(default_factory=list)
    fail_next: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, notice: Notice) -> None:
        """Keep it (or fail, as told)."""
        with self._lock:
            if self.fail_next > 0:
                self.fail_next -= 1
                raise DeliveryError("loopback told to fail")
            self.sent.append(notice)


@dataclass
class FileNotifier:
    """One JSON line per notice in a file (owner-only), the recipient masked: pilots and the demo."""

    path: Path
    name: str = "file"

    def send(self, notice: Notice) -> None:
        """Append the notice."""
        line = orjson.dumps({"id": notice.id, "site": notice.site, "kind": notice.kind, "text": notice.text,
                             "to": mask_phone(notice.recipient), "at": time.time()}) + b"\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with os.fdopen(open_private(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND), "ab") as f:
                f.write(line)
        except OSError as exc:
            raise DeliveryError(f"{self.path}: {exc.strerror}") from exc


class AppriseNotifier:
    """Delivery through Apprise (https://github.com/caronc/apprise): SMS gateways, e-mail, chat services.

    `url` is an Apprise URL with `{phone}` where the recipient goes, e.g. `twilio://SID:TOKEN@FROM/{phone}`,
    `json://gateway.example/sms/{phone}`."""

    name = "apprise"

    def __init__(self, url: str) -> None:
        import apprise  # imported here: only a server that delivers through it pays its import time

        if "{phone}" not in url:
            raise ValueError("the Apprise URL must contain {phone} where the recipient goes")
        self._apprise = apprise
        self.url = url

    def send(self, notice: Notice) -> None:
        """One Apprise notification to the notice's recipient."""
        a = self._apprise.Apprise()
        if not a.add(self.url.replace("{phone}", notice.recipient)):
            raise DeliveryError("Apprise does not accept the configured URL")
        if not a.notify(body=notice.text, title="Trung tâm hành chính công"):
            raise DeliveryError("Apprise could not deliver the notice")


class CentralNotices:
    """The notification outbox of the central store (mixed into CentralStore)."""

    conn: sqlite3.Connection
    lock: threading.RLock

    if TYPE_CHECKING:
        def _tx(self) -> AbstractContextManager[None]: ...  # the store's transaction (not imported: no cycle)

        def notice_recipient(self, booking_id: str) -> str | None: ...

    def ingest_notice(self, *, site: str, body: dict[str, Any], now: float) -> tuple[int, dict[str, Any]]:
        """Put a site's notice in the outbox (201), or answer a repeat with its status (200)."""
        h = hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()  # as the store's body_hash
        with self._tx():
            row = self.conn.execute("SELECT body_hash, status FROM notices WHERE id = ?", (body["id"],)).fetchone()
            if row is not None:
                if row[0] != h:
                    raise NoticeConflict("Cùng mã thông báo nhưng nội dung khác / same notice id, different content")
                return 200, {"id": body["id"], "status": row[1], "repeat": True}
            recipient = body.get("phone") or ""
            status = "pending"
            if body.get("booking_id"):
                # The citizen's number and consent are here, given when booking; no consent, no notice.
                recipient = self.notice_recipient(str(body["booking_id"])) or ""
                status = "pending" if recipient else "no_consent"
            self.conn.execute(
                "INSERT INTO notices (id, site, kind, text, recipient, booking_id, body_hash, status, next_at, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (body["id"], site, body["kind"], body["text"], recipient, body.get("booking_id"), h, status, now, now))
        return 201, {"id": body["id"], "status": status}

    def notice_status(self, notice_id: str) -> dict[str, Any] | None:
        """A notice's delivery status (never its recipient)."""
        with self.lock:
            row = self.conn.execute("SELECT id, site, kind, status, attempts, last_error, sent_at FROM notices WHERE id = ?",
                                    (notice_id,)).fetchone()
        return None if row is None else {"id": row[0], "site": row[1], "kind": row[2], "status": row[3],
                                         "attempts": row[4], "last_error": row[5], "sent_at": row[6]}

    def recover_notices(self) -> int:
        """Notices left `sending` by a crash go back to `pending` (at start)."""
        with self._tx():
            return int(self.conn.execute("UPDATE notices SET status = 'pending' WHERE status = 'sending'").rowcount)

    def claim_notices(self, *, now: float, limit: int = 50) -> list[Notice]:
        """Due notices, marked `sending` in one transaction (one dispatcher sends each)."""
        with self._tx():
            rows = self.conn.execute("SELECT id, site, kind, text, recipient FROM notices WHERE status = 'pending' "
                                     "AND next_at <= ? ORDER BY next_at LIMIT ?", (now, limit)).fetchall()
            self.conn.executemany("UPDATE notices SET status = 'sending', attempts = attempts + 1 WHERE id = ?",
                                  [(r[0],) for r in rows])
        return [Notice(*r) for r in rows]

    def notice_done(self, notice_id: str, *, now: float, error: str | None = None) -> None:
        """Record a send: `sent`, or back to `pending` later (backoff), or `failed` after MAX_ATTEMPTS."""
        with self._tx():
            if error is None:
                self.conn.execute("UPDATE notices SET status = 'sent', sent_at = ?, last_error = NULL WHERE id = ?",
                                  (now, notice_id))
                return
            attempts = self.conn.execute("SELECT attempts FROM notices WHERE id = ?", (notice_id,)).fetchone()[0]
            status = "failed" if attempts >= MAX_ATTEMPTS else "pending"
            self.conn.execute("UPDATE notices SET status = ?, next_at = ?, last_error = ? WHERE id = ?",
                              (status, now + min(3600.0, 5.0 * 2 ** attempts), error[:300], notice_id))

    def erase_notices(self, *, now: float, days: float) -> int:
        """Erase the recipients of notices older than `days` (sent, failed or never allowed)."""
        with self._tx():
            return int(self.conn.execute("UPDATE notices SET recipient = '', erased_at = ? WHERE erased_at IS NULL "
                                         "AND status IN ('sent', 'failed', 'no_consent', 'cancelled') AND created_at < ?",
                                         (now, now - days * 86400)).rowcount)

    def dispatch_notices(self, notifier: Notifier, *, now: float) -> int:
        """Send what is due through a provider; how many went out."""
        sent = 0
        for n in self.claim_notices(now=now):
            try:
                notifier.send(n)
            except Exception as exc:  # noqa: BLE001 - any provider failure is retried, never lost
                log.warning("notice %s (%s) not delivered by %s: %s", n.id, n.kind, notifier.name, exc)
                self.notice_done(n.id, now=now, error=f"{type(exc).__name__}: {exc}")
                continue
            self.notice_done(n.id, now=now)
            sent += 1
        return sent
