"""The site database's schema, as the migrations that build it: entry i takes a database from schema version i
to i+1. Never edit a shipped entry: append a new one (the hub backs a database up before migrating it).

Its own module, importing nothing of the project, so that the backup tools (sync.backup) can read the
schema version without importing the store that uses them.
"""
from __future__ import annotations

MIGRATIONS: list[str] = [
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
    CREATE TABLE tickets (
        id TEXT PRIMARY KEY,
        day TEXT NOT NULL,
        number_service TEXT NOT NULL,
        number INTEGER NOT NULL,
        display TEXT NOT NULL,
        service TEXT NOT NULL,
        priority TEXT,
        channel TEXT NOT NULL,
        status TEXT NOT NULL,
        issued_at REAL NOT NULL,
        called_at REAL,
        counter INTEGER,
        finished_at REAL,
        recalls INTEGER NOT NULL DEFAULT 0,
        transfers INTEGER NOT NULL DEFAULT 0,
        UNIQUE (day, number_service, number)
    );
    CREATE INDEX tickets_day ON tickets (day);
    CREATE TABLE counters (
        number INTEGER PRIMARY KEY,
        state TEXT NOT NULL,
        current TEXT,
        priority_streak INTEGER NOT NULL DEFAULT 0,
        served INTEGER NOT NULL DEFAULT 0,
        day TEXT NOT NULL,
        changed_at REAL
    );
    CREATE TABLE events (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        at REAL NOT NULL,
        ticket_id TEXT,
        data TEXT NOT NULL
    );
    CREATE TABLE tokens (
        hash TEXT PRIMARY KEY,
        role TEXT NOT NULL,
        name TEXT NOT NULL,
        counter INTEGER,
        created_at REAL NOT NULL,
        revoked_at REAL
    );
    """,
    # 2: sync with the central server (issue 6). Dossiers (hồ sơ) and their files (content-addressed blobs on
    # disk, named by sha256); the outbox cursor (the events table itself is the outbox, ARCHITECTURE rule 2) and
    # its dead letters; feed cursors and the feed items the devices read (catalog, calendar, guides).
    """
    CREATE TABLE dossiers (
        id TEXT PRIMARY KEY,
        provisional_code TEXT NOT NULL UNIQUE,
        code TEXT UNIQUE,
        day TEXT NOT NULL,
        procedure TEXT NOT NULL,
        status TEXT NOT NULL,
        body TEXT NOT NULL,
        submitted_at REAL NOT NULL,
        status_at REAL,
        linked_at REAL
    );
    CREATE INDEX dossiers_day ON dossiers (day);
    CREATE TABLE dossier_files (
        dossier_id TEXT NOT NULL REFERENCES dossiers (id),
        position INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        name TEXT NOT NULL,
        size INTEGER NOT NULL,
        mime TEXT NOT NULL,
        PRIMARY KEY (dossier_id, position)
    );
    CREATE TABLE outbox (
        name TEXT PRIMARY KEY,
        sent_seq INTEGER NOT NULL,
        updated_at REAL
    );
    CREATE TABLE dead_letters (
        seq INTEGER NOT NULL,
        event_id TEXT NOT NULL,
        type TEXT NOT NULL,
        status INTEGER,
        code TEXT NOT NULL,
        reason TEXT NOT NULL,
        at REAL NOT NULL,
        PRIMARY KEY (seq, code)
    );
    CREATE TABLE feed_cursors (
        kind TEXT PRIMARY KEY,
        epoch INTEGER NOT NULL,
        cursor INTEGER NOT NULL,
        updated_at REAL
    );
    CREATE TABLE feed_items (
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        seq INTEGER NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (kind, key)
    );
    """,
    # 3: each dossier status the hub has seen, for the citizen's status timeline.
    """
    CREATE TABLE dossier_status (
        dossier_id TEXT NOT NULL,
        status TEXT NOT NULL,
        at REAL NOT NULL,
        PRIMARY KEY (dossier_id, status, at)
    );
    """,
    # 4: guards (issue 10). The database's identity, a random UUID made once, here, when the database is
    # created (or upgraded): the central server registers it for the site at the first sync and refuses any
    # other database for that site. A backup restored elsewhere keeps it. Test tickets of commissioning mode.
    """
    INSERT INTO meta (key, value) SELECT 'identity', lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4'
        || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + abs(random() % 4), 1)
        || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))
        WHERE NOT EXISTS (SELECT 1 FROM meta WHERE key = 'identity');
    ALTER TABLE tickets ADD COLUMN test INTEGER NOT NULL DEFAULT 0;
    """,
    # 5: device tokens that expire, counter tokens that may act on any counter only when made so explicitly
    # (tokens made before this version without --counter keep acting on any counter: that was the rule they
    # were made under), and a generation number that every token change bumps, so that a running hub sees a
    # revocation at once without reading the tokens table on each request.
    """
    ALTER TABLE tokens ADD COLUMN expires_at REAL;
    ALTER TABLE tokens ADD COLUMN any_counter INTEGER NOT NULL DEFAULT 0;
    UPDATE tokens SET any_counter = 1 WHERE role = 'counter' AND counter IS NULL;
    INSERT OR IGNORE INTO meta (key, value) VALUES ('tokens_generation', '0');
    """,
    # 6: the device registry (issue 10): the last heartbeat of each device (its token's name and the kind of
    # app), so that "last seen" survives a hub restart. `boot` is the id of the device's current run: a new
    # one means the device restarted, and the faults its earlier run left behind are cleared.
    """
    CREATE TABLE devices (
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        version TEXT,
        boot TEXT,
        uptime_s REAL,
        last_seen REAL NOT NULL,
        PRIMARY KEY (name, role)
    );
    """,
    # 7: fees (issue 16). One payment per dossier: marked at the counter (cash, or a transfer with the bank's
    # reference) or confirmed by the central server's status feed; a provisional receipt number per series and
    # year. `payer` and `collector` are for the receipt and staff views only: never in an event.
    """
    CREATE TABLE payments (
        id TEXT PRIMARY KEY,
        dossier_id TEXT NOT NULL UNIQUE REFERENCES dossiers (id),
        day TEXT NOT NULL,
        procedure TEXT NOT NULL,
        amount INTEGER NOT NULL,
        method TEXT NOT NULL,
        reference TEXT NOT NULL DEFAULT '',
        source TEXT NOT NULL,
        account TEXT NOT NULL DEFAULT '',
        receipt_series TEXT NOT NULL DEFAULT '',
        receipt_year INTEGER NOT NULL,
        receipt_no INTEGER NOT NULL,
        counter INTEGER,
        collector TEXT NOT NULL DEFAULT '',
        payer TEXT NOT NULL DEFAULT '',
        paid_at REAL NOT NULL,
        body TEXT NOT NULL,
        UNIQUE (receipt_series, receipt_year, receipt_no)
    );
    CREATE INDEX payments_day ON payments (day);
    """,
    # 8: personal data (issue 11). The audit log of who read a dossier's personal data (token name, role,
    # client address, which dossier, when: never the data itself). When a dossier's personal fields and
    # files were erased (retention). The secret the slips' look-up codes are derived from (HMAC of the
    # dossier id), made here once; a restored backup keeps it, so printed codes keep working. Dossier
    # events already in the log lose the applicant, files, delivery address, note and ticket: the relay
    # now builds the upstream dossier from the dossiers table, and devices never needed them.
    """
    CREATE TABLE audit (
        seq INTEGER PRIMARY KEY,
        at REAL NOT NULL,
        token_name TEXT NOT NULL,
        role TEXT NOT NULL,
        client TEXT NOT NULL,
        action TEXT NOT NULL,
        dossier_id TEXT NOT NULL
    );
    CREATE INDEX audit_at ON audit (at);
    ALTER TABLE dossiers ADD COLUMN erased_at REAL;
    INSERT INTO meta (key, value) SELECT 'lookup_secret', lower(hex(randomblob(32)))
        WHERE NOT EXISTS (SELECT 1 FROM meta WHERE key = 'lookup_secret');
    UPDATE events SET data = json_set(json_remove(data, '$.dossier.applicant', '$.dossier.files',
            '$.dossier.delivery', '$.dossier.delivery_address', '$.dossier.note', '$.dossier.ticket_id'),
        '$.dossier.status', 'submitted')
        WHERE type = 'dossier.submitted' AND json_type(data, '$.dossier.applicant') IS NOT NULL;
    """,
    # 9: staff and satisfaction ratings (issue 13). Clerks (cán bộ một cửa) by staff code, with a slow hash
    # of their PIN (and of their staff card's code); who is signed in at each counter now; each stretch of
    # service of a ticket (from its call to done, no-show or transfer) with the counter and the clerk who
    # served it; one rating per ticket (level and reason codes only: nothing about the citizen).
    """
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
    """,
    # 10: appointments and notices (issue 15). A booked ticket's slot start (it goes ahead of walk-ins from
    # then); each booking checked in here, once (its ticket). A citizen's consent to notices by phone (the number
    # lives only here, erased with the retention of personal data) and each notice made for it, once per kind:
    # the relay reads the number from here when it hands the notice to the central server.
    """
    ALTER TABLE tickets ADD COLUMN not_before REAL;
    CREATE TABLE booking_checkins (
        booking_id TEXT PRIMARY KEY,
        ticket_id TEXT NOT NULL,
        verdict TEXT NOT NULL,
        day TEXT NOT NULL,
        at REAL NOT NULL
    );
    CREATE TABLE notice_subscriptions (
        id TEXT PRIMARY KEY,
        ticket_id TEXT,
        dossier_id TEXT,
        booking_id TEXT,
        phone TEXT NOT NULL DEFAULT '',
        consent TEXT NOT NULL,
        consented_at REAL NOT NULL,
        withdrawn_at REAL,
        erased_at REAL
    );
    CREATE INDEX notice_subscriptions_ticket ON notice_subscriptions (ticket_id);
    CREATE INDEX notice_subscriptions_dossier ON notice_subscriptions (dossier_id);
    CREATE TABLE notices (
        id TEXT PRIMARY KEY,
        subscription_id TEXT NOT NULL REFERENCES notice_subscriptions (id),
        kind TEXT NOT NULL,
        text TEXT NOT NULL,
        at REAL NOT NULL,
        UNIQUE (subscription_id, kind)
    );
    """,
    # 11: the console's staff accounts and operational controls (issue 14). A staff member (the clerks of
    # issue 13) gets a role (clerk, manager, admin) and, to sign in to the manager's console, a slow hash of a
    # password; a manager without a PIN has pin_hash '' (no PIN matches it). The audit log also records the
    # console's operational controls (open/close a counter, pause a service, ticker, guides, notice): their
    # dossier_id is '' and `detail` says what changed (never personal data).
    """
    ALTER TABLE staff ADD COLUMN role TEXT NOT NULL DEFAULT 'clerk';
    ALTER TABLE staff ADD COLUMN password_hash TEXT;
    ALTER TABLE audit ADD COLUMN detail TEXT NOT NULL DEFAULT '';
    """,
    # 12: service_segments for a lean call (issue 11's load figures). Each stretch is keyed by the sequence of
    # the call event that opened it (an integer, in time order: the commit appends to the table) instead of
    # that event's random UUID, and has no index by ticket any more: both indexes took a random page of their
    # own in every call's commit. The hub ends and changes a stretch by its key (it keeps the open ones' keys);
    # a ticket's stretches are found by its day (service_segments_day). Existing rows keep their call's
    # sequence, looked up in the event log; a stretch whose call is not in the log (none should be) gets a
    # negative key, below every sequence.
    """
    CREATE TABLE service_segments_by_seq (
        seq INTEGER PRIMARY KEY,
        ticket_id TEXT NOT NULL,
        day TEXT NOT NULL,
        counter INTEGER NOT NULL,
        clerk TEXT,
        service TEXT NOT NULL,
        called_at REAL NOT NULL,
        ended_at REAL,
        outcome TEXT
    );
    INSERT INTO service_segments_by_seq (seq, ticket_id, day, counter, clerk, service, called_at, ended_at, outcome)
        SELECT COALESCE((SELECT e.seq FROM events e WHERE e.id = s.id), -s.rowid), s.ticket_id, s.day, s.counter,
               s.clerk, s.service, s.called_at, s.ended_at, s.outcome
        FROM service_segments s ORDER BY s.rowid;
    DROP TABLE service_segments;
    ALTER TABLE service_segments_by_seq RENAME TO service_segments;
    CREATE INDEX service_segments_day ON service_segments (day);
    """,
    # 13: the index of tickets by day goes (issue 11's load figures). The unique index on (day, number_service,
    # number) starts with the day and serves every look-up by day or range of days as well; the second index
    # only cost each issued number one more page in its commit.
    """
    DROP INDEX tickets_day;
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)
