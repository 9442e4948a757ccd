"""The central store's schema: its migrations, in order (schema N is MIGRATIONS[N - 1]; never edit a shipped
entry, append)."""
from __future__ import annotations

from sync.central.bookings import MIGRATIONS as APPOINTMENT_MIGRATIONS
from sync.central.payments import MIGRATION as PAYMENTS_MIGRATION
from sync.central.ratings import MIGRATION as RATINGS_MIGRATION

MIGRATIONS: list[str] = [
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE site_tokens (hash TEXT PRIMARY KEY, site TEXT NOT NULL, created_at REAL NOT NULL,
                              revoked_at REAL);
    CREATE TABLE events (
        id TEXT PRIMARY KEY,
        site TEXT NOT NULL,
        seq INTEGER NOT NULL,
        type TEXT NOT NULL,
        at REAL NOT NULL,
        body_hash TEXT NOT NULL,
        body TEXT NOT NULL,
        received_at REAL NOT NULL
    );
    CREATE INDEX events_site_seq ON events (site, seq);
    CREATE TABLE tickets (
        id TEXT PRIMARY KEY,
        site TEXT NOT NULL,
        seq INTEGER NOT NULL,
        content TEXT NOT NULL
    );
    CREATE TABLE dossiers (
        id TEXT PRIMARY KEY,
        site TEXT NOT NULL,
        code TEXT NOT NULL UNIQUE,
        provisional_code TEXT,
        procedure TEXT NOT NULL,
        status TEXT NOT NULL,
        body_hash TEXT NOT NULL,
        body TEXT NOT NULL,
        answer TEXT NOT NULL,
        received_at REAL NOT NULL,
        status_at REAL NOT NULL
    );
    CREATE INDEX dossiers_site ON dossiers (site);
    CREATE TABLE dossier_files (
        dossier_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        name TEXT NOT NULL,
        size INTEGER NOT NULL,
        PRIMARY KEY (dossier_id, position)
    );
    CREATE TABLE blobs (sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, stored_at REAL NOT NULL);
    CREATE TABLE code_serials (agency TEXT NOT NULL, day TEXT NOT NULL, last INTEGER NOT NULL,
                               PRIMARY KEY (agency, day));
    CREATE TABLE feed (
        seq INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        site TEXT,
        key TEXT NOT NULL,
        op TEXT NOT NULL,
        body TEXT
    );
    CREATE INDEX feed_kind_seq ON feed (kind, seq);
    CREATE TABLE feed_state (kind TEXT NOT NULL, key TEXT NOT NULL, site TEXT, body TEXT NOT NULL,
                             PRIMARY KEY (kind, key));
    """,
    # 2: site identity (issue 10). The hub database a site syncs from, registered at its first sync; a release
    # (a lost hub) keeps the row with released_at, so the history of a site's databases stays.
    """
    CREATE TABLE site_identities (
        site TEXT NOT NULL,
        identity TEXT NOT NULL,
        registered_at REAL NOT NULL,
        released_at REAL,
        PRIMARY KEY (site, identity, registered_at)
    );
    CREATE UNIQUE INDEX site_identities_current ON site_identities (site) WHERE released_at IS NULL;
    """,
    # 3: per-site upload quotas and the cleaning of abandoned uploads. A blob counts against the site that
    # uploaded it (blobs of earlier versions: the site of the first dossier that uses it); an upload in
    # progress reserves its declared size until it completes or is cleaned.
    """
    ALTER TABLE blobs ADD COLUMN site TEXT;
    UPDATE blobs SET site = (SELECT d.site FROM dossier_files f JOIN dossiers d ON d.id = f.dossier_id
                             WHERE f.sha256 = blobs.sha256 ORDER BY d.received_at LIMIT 1);
    CREATE INDEX blobs_site ON blobs (site);
    CREATE TABLE uploads (sha256 TEXT PRIMARY KEY, site TEXT NOT NULL, size INTEGER NOT NULL,
                          started_at REAL NOT NULL, updated_at REAL NOT NULL);
    CREATE INDEX uploads_site ON uploads (site);
    """,
    # 4: payments (issue 16): recorded by the sites, or confirmed here (sync.central.payments).
    PAYMENTS_MIGRATION,
    # 5: personal data (issue 11). When a dossier's personal fields and files were erased (retention: a set
    # number of days after its result was returned); its body_hash stays, so a repeat still gets its answer.
    """
    ALTER TABLE dossiers ADD COLUMN erased_at REAL;
    """,
    # 6: satisfaction ratings (issue 13), from the sites' rating.recorded events (sync.central.ratings).
    RATINGS_MIGRATION,
    # 7 and 8 (issue 15): each site's offer and the bookings; the notification outbox (sync.central.bookings, .notices)
    *APPOINTMENT_MIGRATIONS,
]
