"""Satisfaction ratings at the reference central server (issue 13): one per rating id and per ticket of a site.

A mixin of `CentralStore` (same connection, lock and portable SQL). A site's `rating.recorded` event is kept in
`ratings` as it arrives, inside the ingest transaction: a repeat of the event (the relay re-sends after a lost
answer) is a duplicate event and never reaches here, and a second rating of a ticket (which the hub refuses
anyway) is kept as an event only. Nothing about the citizen is in a rating: levels and reason codes, the
counter, the clerk's staff code and the service.
"""
from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Sequence
from typing import Any

import orjson

log = logging.getLogger(__name__)

MIGRATION = """
    CREATE TABLE ratings (
        id TEXT PRIMARY KEY,
        site TEXT NOT NULL,
        ticket_id TEXT NOT NULL,
        day TEXT NOT NULL,
        counter INTEGER NOT NULL,
        clerk TEXT,
        service TEXT NOT NULL,
        level TEXT NOT NULL,
        reasons TEXT NOT NULL,
        channel TEXT NOT NULL,
        rated_at TEXT NOT NULL,
        received_at REAL NOT NULL
    );
    CREATE UNIQUE INDEX ratings_ticket ON ratings (site, ticket_id);
    CREATE INDEX ratings_site_day ON ratings (site, day)
"""
"""Schema 6 of the central store (issue 13)."""

_INSERT = ("INSERT INTO ratings (id, site, ticket_id, day, counter, clerk, service, level, reasons, channel, rated_at, "
           "received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")


class CentralRatings:
    """Ratings of the central store (mixed into CentralStore)."""

    conn: sqlite3.Connection
    lock: threading.RLock

    def _ingest_ratings(self, site: str, events: Sequence[dict[str, Any]]) -> None:
        """Keep the ratings of newly stored `rating.recorded` events (inside the ingest transaction)."""
        now = time.time()
        for e in events:
            r = e.get("rating")
            if not isinstance(r, dict) or not all(isinstance(r.get(k), str) for k in ("id", "ticket_id", "level")):
                continue
            try:
                row = (r["id"], site, r["ticket_id"], str(r.get("day") or ""), int(r.get("counter") or 0),
                       r.get("clerk") if isinstance(r.get("clerk"), str) else None, str(r.get("service") or ""),
                       r["level"], orjson.dumps([str(x) for x in r.get("reasons") or []]).decode(),
                       str(r.get("channel") or ""), str(r.get("rated_at") or ""), now)
            except (TypeError, ValueError):
                continue
            if self.conn.execute(_INSERT, row).rowcount == 0:
                log.warning("site %s sent rating %s for ticket %s, which has a rating already: kept as an event only",
                            site, r["id"], r["ticket_id"])

    def ratings(self, *, site: str | None = None) -> list[dict[str, Any]]:
        """The ratings the server holds (for one site or all), oldest first."""
        with self.lock:
            rows = self.conn.execute("SELECT id, site, ticket_id, day, counter, clerk, service, level, reasons, channel, "
                                     "rated_at FROM ratings WHERE (? IS NULL OR site = ?) ORDER BY site, rated_at, id",
                                     (site, site)).fetchall()
        return [{"id": r[0], "site": r[1], "ticket_id": r[2], "day": r[3], "counter": r[4], "clerk": r[5],
                 "service": r[6], "level": r[7], "reasons": orjson.loads(r[8]), "channel": r[9], "rated_at": r[10]}
                for r in rows]
