"""Schema 9 of the site database (issue 13), appended to sync.store.MIGRATIONS (never edit it: append).

Clerks (cán bộ một cửa) by staff code, with a slow hash of their PIN
(and a digest of their staff card's code); who is signed in at each counter now; each stretch of
service of a ticket (from its call to done, no-show or transfer) with the counter and the clerk who
served it; one rating per ticket (level and reason codes only: nothing about the citizen).
"""
from __future__ import annotations

MIGRATION = """
    CREATE TABLE staff (
        code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        pin_hash TEXT NOT NULL,
        card_hash TEXT UNIQUE,
        created_at REAL NOT NULL,
        disabled_at REAL
    );
    CREATE TABLE counter_staff (
        counter INTEGER PRIMARY KEY,
        staff TEXT NOT NULL REFERENCES staff (code),
        since REAL NOT NULL
    );
    CREATE TABLE service_segments (
        id TEXT PRIMARY KEY,
        ticket_id TEXT NOT NULL,
        day TEXT NOT NULL,
        counter INTEGER NOT NULL,
        clerk TEXT,
        service TEXT NOT NULL,
        called_at REAL NOT NULL,
        ended_at REAL,
        outcome TEXT
    );
    CREATE INDEX service_segments_ticket ON service_segments (ticket_id);
    CREATE INDEX service_segments_day ON service_segments (day);
    CREATE TABLE ratings (
        id TEXT PRIMARY KEY,
        ticket_id TEXT NOT NULL UNIQUE,
        day TEXT NOT NULL,
        counter INTEGER NOT NULL,
        clerk TEXT,
        service TEXT NOT NULL,
        level TEXT NOT NULL,
        reasons TEXT NOT NULL,
        channel TEXT NOT NULL,
        rated_at REAL NOT NULL,
        recorded_at REAL NOT NULL
    );
    CREATE INDEX ratings_day ON ratings (day);
    """
