"""Fees at the reference central server: payments the sites recorded, and transfers the province confirms.

A mixin of `CentralStore` (same connection, lock and portable SQL). One payment per dossier:
- a site's `payment.recorded` event (the clerk took the fee) is kept in `payments` as it arrives (a repeat
  of the event, or of the payment, changes nothing);
- `mark_paid` is the province's side (its bank told it a transfer arrived, `motcua central payment`):
  the payment goes to the dossier's site on the status feed, inside the dossier's status item, so a site
  that starts its feeds over still learns it. The site records it once and sends its own
  `payment.recorded` back, which finds the payment already here.
"""
from __future__ import annotations

import logging
import sqlite3
import threading
import time
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import orjson

from sync.central.db import CentralError, Tx

log = logging.getLogger(__name__)

METHODS = ("cash", "transfer")

MIGRATION = """
    CREATE TABLE payments (
        id TEXT PRIMARY KEY,
        site TEXT NOT NULL,
        dossier_id TEXT NOT NULL,
        amount INTEGER NOT NULL,
        method TEXT NOT NULL,
        reference TEXT NOT NULL,
        source TEXT NOT NULL,
        paid_at REAL NOT NULL,
        recorded_at REAL NOT NULL
    );
    CREATE UNIQUE INDEX payments_dossier ON payments (dossier_id);
    CREATE INDEX payments_site ON payments (site)
"""
"""Schema 4 of the central store (issue 16)."""

_INSERT = ("INSERT INTO payments (id, site, dossier_id, amount, method, reference, source, paid_at, recorded_at) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")


class CentralPayments:
    """Payments of the central store (mixed into CentralStore)."""

    conn: sqlite3.Connection
    lock: threading.RLock

    if TYPE_CHECKING:
        def _tx(self) -> Tx: ...

        def _put_feed(self, kind: str, key: str, body: Any, *, site: str | None = None) -> None: ...

    def _ingest_payments(self, site: str, events: Sequence[dict[str, Any]]) -> None:
        """Keep the payments of newly stored `payment.recorded` events (inside the ingest transaction)."""
        now = time.time()
        for e in events:
            p = e.get("payment") if e.get("type") == "payment.recorded" else None
            if not isinstance(p, dict) or not isinstance(p.get("id"), str) or not isinstance(p.get("dossier_id"), str):
                continue
            known = self.conn.execute("SELECT id FROM payments WHERE dossier_id = ?", (p["dossier_id"],)).fetchone()
            if known is not None and known[0] != p["id"]:
                log.warning("site %s recorded payment %s for dossier %s, which already has payment %s: kept as an "
                            "event only, for the province to settle", site, p["id"], p["dossier_id"], known[0])
                continue
            try:
                amount = int(p.get("amount") or 0)
                paid_at = float(e.get("at") or now)
            except (TypeError, ValueError):
                continue
            self.conn.execute(_INSERT, (p["id"], site, p["dossier_id"], amount, str(p.get("method") or ""),
                                        str(p.get("reference") or ""), str(p.get("source") or "site"), paid_at, now))

    def payment_of(self, dossier_id: str) -> dict[str, Any] | None:
        """A dossier's payment as the status feed carries it, or None."""
        with self.lock:
            row = self.conn.execute("SELECT id, amount, method, reference, source, paid_at FROM payments "
                                    "WHERE dossier_id = ?", (dossier_id,)).fetchone()
        if row is None:
            return None
        return {"id": row[0], "amount": row[1], "method": row[2], "reference": row[3], "source": row[4], "at": row[5]}

    def _status_item(self, dossier_id: str, code: str, status: str, at: float) -> dict[str, Any]:
        """A status feed item, with the dossier's payment when it has one."""
        item: dict[str, Any] = {"id": dossier_id, "code": code, "status": status, "at": at}
        payment = self.payment_of(dossier_id)
        if payment is not None:
            item["payment"] = payment
        return item

    def mark_paid(self, key: str, *, reference: str, amount: int | None = None, method: str = "transfer",
                  at: float | None = None) -> dict[str, Any]:
        """The province confirms a dossier's fee was paid (a transfer its bank matched); feeds it to the site.

        409 `already_paid` when the dossier has a payment (recorded by its site or confirmed before).
        """
        if method not in METHODS:
            raise CentralError(422, "invalid_method", f"method must be one of {', '.join(METHODS)}")
        if method == "transfer" and not reference.strip():
            raise CentralError(422, "reference_required", "Chuyển khoản cần mã giao dịch / a transfer needs its reference")
        with self._tx():
            row = self.conn.execute("SELECT id, site, code, procedure, status, status_at FROM dossiers "
                                    "WHERE id = ? OR code = ? OR provisional_code = ?", (key, key, key)).fetchone()
            if row is None:
                raise CentralError(404, "unknown_dossier", f"Không tìm thấy hồ sơ {key} / no such dossier")
            known = self.conn.execute("SELECT id, method FROM payments WHERE dossier_id = ?", (row[0],)).fetchone()
            if known is not None:
                raise CentralError(409, "already_paid", f"Hồ sơ {row[2]} đã nộp phí ({known[1]}, {known[0]}) / "
                                                        "the dossier's fee is already paid")
            if amount is None:
                fee = self.conn.execute("SELECT body FROM feed_state WHERE kind = 'catalog' AND key = ?",
                                        (row[3],)).fetchone()
                amount = int((orjson.loads(fee[0]) if fee else {}).get("fee") or 0)
            if amount <= 0:
                raise CentralError(422, "no_fee", f"Thủ tục {row[3]} không thu phí; ghi rõ --amount / procedure "
                                                  f"{row[3]} has no fee in the catalog: give the amount")
            now = time.time()
            self.conn.execute(_INSERT, (str(uuid.uuid4()), row[1], row[0], amount, method, reference.strip(),
                                        "central", at if at is not None else now, now))
            item = self._status_item(row[0], row[2], row[4], row[5])
            self._put_feed("status", row[0], item, site=row[1])
        return item

    def payments(self, *, site: str | None = None) -> list[dict[str, Any]]:
        """Every payment the server knows (of one site, or all), oldest first."""
        with self.lock:
            rows = self.conn.execute("SELECT id, site, dossier_id, amount, method, reference, source, paid_at FROM "
                                     "payments WHERE (? IS NULL OR site = ?) ORDER BY paid_at, id", (site, site)).fetchall()
        keys = ("id", "site", "dossier_id", "amount", "method", "reference", "source", "paid_at")
        return [dict(zip(keys, r)) for r in rows]
