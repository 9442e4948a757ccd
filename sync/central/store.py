"""The reference central case server's store: SQLite (WAL, synchronous=FULL), plain SQL in one class.

Everything the server keeps goes through `CentralStore`, in portable SQL (INSERT ... ON CONFLICT, no
SQLite-only types), so that a PostgreSQL store can replace it behind the same methods. Files are blobs
on disk named by their sha256 (content-addressed), next to the database.

Idempotency (ARCHITECTURE rule 3): an event or a dossier is stored under the UUID the site made; a repeat with
the same body gets the first answer, the same UUID with another body gets a 422 (`idempotency_conflict`).
"""
from __future__ import annotations

import json
import logging
import secrets
import sqlite3
import threading
import time
import tomllib
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import orjson

from motcua.clock import VIETNAM_TZ
from motcua.forms import attach_forms
from sync.central import IDENTITY_REFUSED, IDENTITY_REQUIRED
from sync.central.bookings import CentralBookings
from sync.central.db import CentralError, Tx, body_hash, hash_token
from sync.central.payments import CentralPayments
from sync.central.ratings import CentralRatings
from sync.central.schema import MIGRATIONS
from sync.files import private_dir, private_sqlite
from sync.privacy import dossier_summary, scrub_dossier

log = logging.getLogger(__name__)

ASSETS = Path(__file__).resolve().parents[2] / "assets"
CATALOG_PATH = ASSETS / "catalog" / "procedures.json"
GUIDES_PATH = ASSETS / "catalog" / "guides.json"
CALENDAR_PATH = ASSETS / "calendar" / "vn-official-days.toml"

DEV_TOKEN_PREFIX = "dev-central-token-"
"""`dev-central-token-{SITE}` is accepted for SITE only when dev tokens are on (`motcua central --dev-tokens`:
the demo, the tests, the benchmarks); anyone who knows a site's code could otherwise send as that site."""

FEEDS = ("catalog", "calendar", "guides", "status", "bookings")
STATUSES = ("received", "processing", "supplement", "done", "returned")
"""Dossier status after submission (owned by the central server, ARCHITECTURE rule 5)."""

def _jsonable(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, date | datetime):
        return obj.isoformat()
    return obj


class CentralStore(CentralPayments, CentralRatings, CentralBookings):
    """The central server's database and blob folder."""

    def __init__(self, path: str | Path, *, dev_tokens: bool = False, seed: bool = True) -> None:
        self.path = Path(path)
        # Owner-only whatever the umask: the database and the files hold citizens' personal data.
        self.blob_dir = private_dir(self.path.with_name(self.path.name + ".blobs"))
        self.dev_tokens = dev_tokens
        private_sqlite(self.path)
        self.conn = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False, timeout=30)
        self.conn.execute("PRAGMA busy_timeout = 30000")
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")
        # One connection, one lock: the reference server's load is a few sites; a PostgreSQL store would pool.
        self.lock = threading.RLock()
        self._migrate()
        if seed and self._meta("seeded") is None:
            self.seed()

    # ------------------------------------------------------------------ plumbing
    def _migrate(self) -> None:
        with self.lock:
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
            for v in range(version, len(MIGRATIONS)):
                self.conn.execute("BEGIN IMMEDIATE")
                try:
                    for stmt in MIGRATIONS[v].split(";"):
                        if stmt.strip():
                            self.conn.execute(stmt)
                    self.conn.execute(f"PRAGMA user_version = {v + 1}")
                    self.conn.execute("COMMIT")
                except BaseException:
                    self.conn.execute("ROLLBACK")
                    raise

    def _tx(self) -> Tx:
        return Tx(self)

    def _meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                          (key, value))

    def close(self) -> None:
        """Close the connection."""
        with self.lock:
            self.conn.close()

    def integrity(self) -> str:
        """PRAGMA integrity_check."""
        with self.lock:
            return str(self.conn.execute("PRAGMA integrity_check").fetchone()[0])

    @property
    def epoch(self) -> int:
        """The feed epoch: a client on another epoch starts its feeds over."""
        with self.lock:
            return int(self._meta("epoch") or 1)

    # ------------------------------------------------------------------ tokens
    def create_token(self, *, site: str) -> str:
        """A new site token (shown once)."""
        token = f"central_{site}_{secrets.token_urlsafe(24)}"
        with self._tx():
            self.conn.execute("INSERT INTO site_tokens (hash, site, created_at) VALUES (?, ?, ?)",
                              (hash_token(token), site, time.time()))
        return token

    def site_of(self, token: str) -> str | None:
        """The site a token belongs to, or None."""
        if self.dev_tokens and token.startswith(DEV_TOKEN_PREFIX) and len(token) > len(DEV_TOKEN_PREFIX):
            return token[len(DEV_TOKEN_PREFIX):]
        with self.lock:
            row = self.conn.execute("SELECT site FROM site_tokens WHERE hash = ? AND revoked_at IS NULL",
                                    (hash_token(token),)).fetchone()
        return row[0] if row else None

    # ------------------------------------------------------------------ site identity
    def check_identity(self, site: str, identity: str | None) -> None:
        """Accept a hub database for a site: the first one to sync is registered, another one is refused (409).

        A request without identity (a hub older than identities) passes until the site has one registered.
        """
        with self.lock:
            row = self.conn.execute("SELECT identity, registered_at FROM site_identities "
                                    "WHERE site = ? AND released_at IS NULL", (site,)).fetchone()
        if row is None:
            if not identity:
                return
            with self._tx():
                self.conn.execute("INSERT INTO site_identities (site, identity, registered_at) SELECT ?, ?, ? "
                                  "WHERE NOT EXISTS (SELECT 1 FROM site_identities WHERE site = ? AND released_at IS NULL)",
                                  (site, identity, time.time(), site))
                row = self.conn.execute("SELECT identity, registered_at FROM site_identities "
                                        "WHERE site = ? AND released_at IS NULL", (site,)).fetchone()
            if row[0] == identity:
                log.info("site %s registered with hub database %s", site, identity)
        if row[0] == identity:
            return
        when = datetime.fromtimestamp(row[1], VIETNAM_TZ).strftime("%d/%m/%Y %H:%M")
        if not identity:
            raise CentralError(403, IDENTITY_REQUIRED,
                               f"Trạm {site} đã đăng ký một cơ sở dữ liệu; hãy nâng cấp máy chủ trạm / site {site} has "
                               "a registered hub database: update this hub so that it sends its identity")
        raise CentralError(409, IDENTITY_REFUSED,
                           f"Máy chủ tỉnh đã nhận dữ liệu của trạm {site} từ một cơ sở dữ liệu khác (mã {row[0][:8]}…, "
                           f"từ {when}); cơ sở dữ liệu này (mã {identity[:8]}…) không được đồng bộ. Nếu đây là máy "
                           f"thay thế: khôi phục bản sao lưu của máy cũ, hoặc đề nghị tỉnh chạy "
                           f"`motcua central site release --site {site}` / the central server already takes site "
                           f"{site}'s data from another hub database ({row[0][:8]}…, since {when}); this one "
                           f"({identity[:8]}…) is not synced. On replacement hardware restore the old hub's "
                           f"backup, or ask the province to release the site.",
                           extra={"registered": row[0], "yours": identity})

    def site_identities(self, *, site: str | None = None) -> list[dict[str, Any]]:
        """Registered hub databases, current and released, oldest first."""
        with self.lock:
            rows = self.conn.execute("SELECT site, identity, registered_at, released_at FROM site_identities "
                                     "WHERE (? IS NULL OR site = ?) ORDER BY site, registered_at", (site, site)).fetchall()
        return [{"site": r[0], "identity": r[1], "registered_at": r[2], "released_at": r[3]} for r in rows]

    def release_site(self, site: str) -> dict[str, Any] | None:
        """Forget the database a site syncs from (a lost hub): the next hub database to sync is registered."""
        with self._tx():
            row = self.conn.execute("SELECT identity, registered_at FROM site_identities "
                                    "WHERE site = ? AND released_at IS NULL", (site,)).fetchone()
            if row is None:
                return None
            now = time.time()
            self.conn.execute("UPDATE site_identities SET released_at = ? WHERE site = ? AND released_at IS NULL",
                              (now, site))
        log.warning("site %s released from hub database %s", site, row[0])
        return {"site": site, "identity": row[0], "registered_at": row[1], "released_at": now}

    # ------------------------------------------------------------------ seed and feeds
    def seed(self) -> None:
        """Load the shipped catalog, calendar overrides and guides into the feeds (first start)."""
        # Declaration forms ship beside the catalog and travel inside their procedure's entry (motcua.forms).
        procedures = attach_forms(json.loads(CATALOG_PATH.read_text(encoding="utf-8"))["procedures"])
        guides = json.loads(GUIDES_PATH.read_text(encoding="utf-8"))["guides"]
        calendar = _jsonable(tomllib.loads(CALENDAR_PATH.read_text(encoding="utf-8")))
        with self._tx():
            for p in procedures:
                self._put_feed("catalog", p["code"], p)
            for y, table in sorted(calendar.get("years", {}).items()):
                self._put_feed("calendar", str(y), {"years": {str(y): table}})
            for g in guides:
                self._put_feed("guides", g["id"], g)
            self._set_meta("seeded", str(time.time()))
            if self._meta("epoch") is None:
                self._set_meta("epoch", "1")
        log.info("seeded %d procedures, %d calendar years, %d guides", len(procedures),
                 len(calendar.get("years", {})), len(guides))

    def _put_feed(self, kind: str, key: str, body: Any, *, site: str | None = None) -> None:
        text = orjson.dumps(body).decode()
        self.conn.execute("INSERT INTO feed (kind, site, key, op, body) VALUES (?, ?, ?, 'put', ?)", (kind, site, key, text))
        self.conn.execute("INSERT INTO feed_state (kind, key, site, body) VALUES (?, ?, ?, ?) "
                          "ON CONFLICT(kind, key) DO UPDATE SET body = excluded.body, site = excluded.site",
                          (kind, key, site, text))

    def put_feed_item(self, kind: str, key: str, body: Any) -> None:
        """Add or replace a catalog procedure, a calendar year or a guide."""
        if kind not in ("catalog", "calendar", "guides"):
            raise ValueError(f"kind must be catalog, calendar or guides, not {kind!r}")
        with self._tx():
            self._put_feed(kind, key, body)

    def delete_feed_item(self, kind: str, key: str) -> bool:
        """Withdraw a catalog procedure, a calendar year or a guide."""
        with self._tx():
            n = self.conn.execute("DELETE FROM feed_state WHERE kind = ? AND key = ?", (kind, key)).rowcount
            if n:
                self.conn.execute("INSERT INTO feed (kind, site, key, op, body) VALUES (?, NULL, ?, 'delete', NULL)",
                                  (kind, key))
        return bool(n)

    def bump_epoch(self) -> int:
        """Compact every feed to its current state under a new epoch: every site starts its feeds over."""
        with self._tx():
            epoch = int(self._meta("epoch") or 1) + 1
            self.conn.execute("DELETE FROM feed")
            self.conn.execute("INSERT INTO feed (kind, site, key, op, body) "
                              "SELECT kind, site, key, 'put', body FROM feed_state ORDER BY kind, key")
            self._set_meta("epoch", str(epoch))
        return epoch

    def feed_page(self, kind: str, *, site: str, after: int, limit: int,
                  epoch: int | None) -> dict[str, Any]:
        """A page of a feed after a cursor; a client on another epoch gets a reset page from the start."""
        if kind not in FEEDS:
            raise CentralError(404, "unknown_feed", f"Không có nguồn tin {kind!r} / no feed {kind!r} ({', '.join(FEEDS)})")
        with self.lock:
            current = int(self._meta("epoch") or 1)
            reset = epoch is not None and epoch != current
            if reset:
                after = 0
            rows = self.conn.execute(
                "SELECT seq, key, op, body FROM feed WHERE kind = ? AND seq > ? AND (site IS NULL OR site = ?) "
                "ORDER BY seq LIMIT ?", (kind, after, site, limit + 1)).fetchall()
            top = self.conn.execute("SELECT COALESCE(MAX(seq), 0) FROM feed").fetchone()[0]
        more = len(rows) > limit
        rows = rows[:limit]
        items = [{"seq": r[0], "key": r[1], "op": r[2], "body": orjson.loads(r[3]) if r[3] else None} for r in rows]
        # With no more items of this kind, the cursor may jump to the feed's top (other kinds' rows, other sites').
        cursor = rows[-1][0] if more else max(after, top)
        return {"kind": kind, "epoch": current, "reset": reset, "items": items, "cursor": cursor, "more": more}

    def feed_state(self, kind: str, *, site: str | None = None) -> dict[str, Any]:
        """The current items of a feed (key -> body)."""
        with self.lock:
            rows = self.conn.execute("SELECT key, body FROM feed_state WHERE kind = ? AND (site IS NULL OR site = ?)",
                                     (kind, site)).fetchall()
        return {r[0]: orjson.loads(r[1]) for r in rows}

    # ------------------------------------------------------------------ events
    def ingest_events(self, *, site: str, events: Sequence[Any]) -> list[dict[str, Any]]:
        """Store a batch of site events; one result per event, in order (stored, duplicate, or an error)."""
        now = time.time()
        results: list[dict[str, Any]] = []
        checked: list[tuple[dict[str, Any], str]] = []
        for e in events:
            problem = _event_problem(e)
            if problem:
                results.append({"id": e.get("id") if isinstance(e, dict) else None, "status": 422,
                                "error": {"code": "invalid_event", "message": problem}})
                checked.append(({}, ""))
            else:
                results.append({})
                checked.append((e, body_hash(e)))
        ids = [e["id"] for e, h in checked if h]
        with self._tx():
            known: dict[str, tuple[str, float]] = {}
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                for row in self.conn.execute(f"SELECT id, body_hash, received_at FROM events WHERE id IN "
                                             f"({', '.join('?' * len(chunk))})", chunk):
                    known[row[0]] = (row[1], row[2])
            rows: list[tuple[Any, ...]] = []
            tickets: list[tuple[Any, ...]] = []
            for i, (e, h) in enumerate(checked):
                if not h:
                    continue
                first = known.get(e["id"])
                if first is not None:
                    if first[0] == h:
                        results[i] = {"id": e["id"], "status": 200, "received_at": first[1], "repeat": True}
                    else:
                        results[i] = {"id": e["id"], "status": 422, "error": {
                            "code": "idempotency_conflict",
                            "message": "Cùng mã sự kiện nhưng nội dung khác / same event id, different content"}}
                    continue
                known[e["id"]] = (h, now)
                rows.append((e["id"], site, e["seq"], e["type"], e["at"], h, orjson.dumps(e).decode(), now))
                ticket = e.get("ticket")
                # A test ticket (commissioning, "test": true) stays in the event log as sent, but is no ticket
                # of the site: it is left out of the tickets table, its exports and counts.
                if isinstance(ticket, dict) and isinstance(ticket.get("id"), str) and ticket.get("test") is not True:
                    tickets.append((ticket["id"], site, e["seq"], orjson.dumps(ticket).decode()))
                results[i] = {"id": e["id"], "status": 201, "received_at": now}
            if rows:
                self.conn.executemany("INSERT INTO events (id, site, seq, type, at, body_hash, body, received_at) "
                                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
            self._ingest_payments(site, [orjson.loads(r[6]) for r in rows if r[3] == "payment.recorded"])
            self._ingest_ratings(site, [orjson.loads(r[6]) for r in rows if r[3] == "rating.recorded"])
            self._ingest_bookings(site, [orjson.loads(r[6]) for r in rows if r[3].startswith("booking.")])
            if tickets:
                # The latest event of a ticket (by the site's sequence) holds its current content.
                self.conn.executemany(
                    "INSERT INTO tickets (id, site, seq, content) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                    "seq = excluded.seq, content = excluded.content WHERE excluded.seq > tickets.seq", tickets)
        return results

    # ------------------------------------------------------------------ blobs
    def blob_path(self, sha256: str) -> Path:
        """Where a complete blob lives."""
        return self.blob_dir / sha256[:2] / sha256

    def partial_path(self, sha256: str) -> Path:
        """Where an upload in progress lives."""
        return self.blob_dir / "partial" / sha256

    def blob_status(self, sha256: str) -> dict[str, Any]:
        """How much of a blob the server holds."""
        p = self.blob_path(sha256)
        if p.exists():
            return {"sha256": sha256, "complete": True, "size": p.stat().st_size, "offset": p.stat().st_size}
        part = self.partial_path(sha256)
        offset = part.stat().st_size if part.exists() else 0
        return {"sha256": sha256, "complete": False, "offset": offset}

    def record_blob(self, sha256: str, size: int, *, site: str | None = None) -> None:
        """Note a verified blob (counted against `site`'s quota) and end its upload."""
        with self._tx():
            self.conn.execute("INSERT INTO blobs (sha256, size, stored_at, site) VALUES (?, ?, ?, ?) "
                              "ON CONFLICT(sha256) DO NOTHING", (sha256, size, time.time(), site))
            self.conn.execute("DELETE FROM uploads WHERE sha256 = ?", (sha256,))

    # ------------------------------------------------------------------ quotas and abandoned uploads
    def site_usage(self, site: str, *, excluding: str | None = None) -> int:
        """Bytes a site holds: its stored blobs plus the declared size of its unfinished uploads."""
        with self.lock:
            stored = self.conn.execute("SELECT COALESCE(SUM(size), 0) FROM blobs WHERE site = ?", (site,)).fetchone()[0]
            pending = self.conn.execute("SELECT COALESCE(SUM(size), 0) FROM uploads WHERE site = ? AND sha256 != ?",
                                        (site, excluding or "")).fetchone()[0]
        return int(stored) + int(pending)

    def begin_upload(self, *, site: str, sha256: str, size: int, quota: int | None, now: float) -> None:
        """Reserve `size` bytes of the site's quota for this upload (or its resumption); 413 when it would not fit.

        Checked and reserved in one transaction, so two uploads at once cannot both squeeze under the quota.
        """
        with self._tx():
            if quota is not None:
                stored = self.conn.execute("SELECT COALESCE(SUM(size), 0) FROM blobs WHERE site = ?", (site,)).fetchone()[0]
                pending = self.conn.execute("SELECT COALESCE(SUM(size), 0) FROM uploads WHERE site = ? AND sha256 != ?",
                                            (site, sha256)).fetchone()[0]
                used = int(stored) + int(pending)
                if used + size > quota:
                    raise CentralError(413, "quota_exceeded",
                                       f"Trạm {site} đã dùng hết dung lượng lưu tệp ({_mb(used)} / {_mb(quota)}; tệp này "
                                       f"{_mb(size)}) / the site's file quota is used up", extra={"used": used, "quota": quota})
            self.conn.execute("INSERT INTO uploads (sha256, site, size, started_at, updated_at) VALUES (?, ?, ?, ?, ?) "
                              "ON CONFLICT(sha256) DO UPDATE SET site = excluded.site, size = excluded.size, "
                              "updated_at = excluded.updated_at", (sha256, site, size, now, now))

    def upload_progress(self, sha256: str, *, now: float) -> None:
        """An unfinished upload received data: it is not abandoned yet."""
        with self._tx():
            self.conn.execute("UPDATE uploads SET updated_at = ? WHERE sha256 = ?", (now, sha256))

    def drop_upload(self, sha256: str) -> None:
        """Forget an upload (its partial file is gone: a hash mismatch)."""
        with self._tx():
            self.conn.execute("DELETE FROM uploads WHERE sha256 = ?", (sha256,))

    def clean_uploads(self, *, max_age_s: float, now: float, busy: Iterable[str] = ()) -> int:
        """Delete uploads left unfinished for longer than max_age_s (their partial files and reservations);
        `busy` are uploads receiving data right now. Returns how many went."""
        cutoff = now - max_age_s
        skip = set(busy)
        with self.lock:
            stale = [r[0] for r in self.conn.execute("SELECT sha256 FROM uploads WHERE updated_at < ?", (cutoff,))]
        partial_dir = self.blob_dir / "partial"
        # Partial files without a reservation (left by an older version, or by a crash): by their age on disk.
        orphans = []
        if partial_dir.is_dir():
            with self.lock:
                known = {r[0] for r in self.conn.execute("SELECT sha256 FROM uploads")}
            for p in partial_dir.iterdir():
                try:
                    if p.name not in known and p.stat().st_mtime < cutoff:
                        orphans.append(p.name)
                except FileNotFoundError:
                    continue
        removed = 0
        for sha in dict.fromkeys([*stale, *orphans]):
            if sha in skip:
                continue
            self.partial_path(sha).unlink(missing_ok=True)
            with self._tx():
                self.conn.execute("DELETE FROM uploads WHERE sha256 = ? AND updated_at < ?", (sha, cutoff))
            removed += 1
        if removed:
            log.info("cleaned %d upload(s) left unfinished for more than %.0f h", removed, max_age_s / 3600)
        return removed

    # ------------------------------------------------------------------ dossiers
    def ingest_dossier(self, *, site: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Store a dossier and issue its official code; a repeat gets the first answer."""
        h = body_hash(body)
        dossier_id = body["id"]
        with self._tx():
            row = self.conn.execute("SELECT body_hash, answer FROM dossiers WHERE id = ?", (dossier_id,)).fetchone()
            if row is not None:
                if row[0] != h:
                    raise CentralError(422, "idempotency_conflict",
                                       "Cùng mã hồ sơ nhưng nội dung khác / same dossier id, different content")
                return 201, orjson.loads(row[1])
            missing = [f["sha256"] for f in body["files"] if not self.blob_path(f["sha256"]).exists()]
            if missing:
                raise CentralError(409, "missing_file", "Thiếu tệp của hồ sơ / upload the files first",
                                   extra={"missing": missing})
            for f in body["files"]:
                if self.blob_path(f["sha256"]).stat().st_size != f["size"]:
                    raise CentralError(422, "file_size_mismatch", f"{f['name']}: kích thước không khớp / size differs")
            now = time.time()
            agency = body.get("agency_code") or site
            day_dt = datetime.fromtimestamp(float(body["submitted_at"]), VIETNAM_TZ)
            day = day_dt.date().isoformat()
            self.conn.execute("INSERT INTO code_serials (agency, day, last) VALUES (?, ?, 1) "
                              "ON CONFLICT(agency, day) DO UPDATE SET last = code_serials.last + 1", (agency, day))
            serial = self.conn.execute("SELECT last FROM code_serials WHERE agency = ? AND day = ?",
                                       (agency, day)).fetchone()[0]
            code = f"{agency}-{day_dt:%y%m%d}-{serial:04d}"
            answer = {"id": dossier_id, "code": code, "provisional_code": body.get("provisional_code"),
                      "status": "received", "received_at": now}
            self.conn.execute(
                "INSERT INTO dossiers (id, site, code, provisional_code, procedure, status, body_hash, body, answer, "
                "received_at, status_at) VALUES (?, ?, ?, ?, ?, 'received', ?, ?, ?, ?, ?)",
                (dossier_id, site, code, body.get("provisional_code"), body["procedure"], h,
                 orjson.dumps(body).decode(), orjson.dumps(answer).decode(), now, now))
            self.conn.executemany(
                "INSERT INTO dossier_files (dossier_id, position, sha256, name, size) VALUES (?, ?, ?, ?, ?)",
                [(dossier_id, i, f["sha256"], f["name"], f["size"]) for i, f in enumerate(body["files"])])
            self._put_feed("status", dossier_id, {"id": dossier_id, "code": code, "status": "received", "at": now},
                           site=site)
        return 201, answer

    def dossier(self, key: str) -> dict[str, Any] | None:
        """A dossier by id, official code or provisional code."""
        with self.lock:
            row = self.conn.execute(
                "SELECT id, site, code, provisional_code, procedure, status, body, received_at, status_at FROM dossiers "
                "WHERE id = ? OR code = ? OR provisional_code = ?", (key, key, key)).fetchone()
        if row is None:
            return None
        return {"id": row[0], "site": row[1], "code": row[2], "provisional_code": row[3], "procedure": row[4],
                "status": row[5], "dossier": orjson.loads(row[6]), "received_at": row[7], "status_at": row[8]}

    def set_status(self, key: str, status: str) -> dict[str, Any]:
        """Move a dossier along (received, processing, supplement, done, returned); feeds it to its site."""
        if status not in STATUSES:
            raise CentralError(422, "invalid_status", f"status must be one of {', '.join(STATUSES)}")
        with self._tx():
            row = self.conn.execute("SELECT id, site, code FROM dossiers WHERE id = ? OR code = ? OR provisional_code = ?",
                                    (key, key, key)).fetchone()
            if row is None:
                raise CentralError(404, "unknown_dossier", f"Không tìm thấy hồ sơ {key} / no such dossier")
            now = time.time()
            self.conn.execute("UPDATE dossiers SET status = ?, status_at = ? WHERE id = ?", (status, now, row[0]))
            item = self._status_item(row[0], row[2], status, now)  # a payment rides along: the item replaces the last
            self._put_feed("status", row[0], item, site=row[1])
        return item

    # ------------------------------------------------------------------ retention
    def erase_returned(self, *, now: float, days: float) -> int:
        """Erase the personal fields and files of dossiers whose result was returned more than `days` ago
        (Decree 13/2023/NĐ-CP): codes, procedure, dates and status stay, and so does each dossier's body
        hash (a site's repeat still gets the first answer). Site events of those dossiers that still carry
        the applicant (sent by hubs before issue 11) are scrubbed too. Returns how many dossiers."""
        cutoff = now - days * 86400
        doomed: list[str] = []
        with self._tx():
            rows = self.conn.execute("SELECT id, body FROM dossiers WHERE status = 'returned' AND status_at <= ? "
                                     "AND erased_at IS NULL", (cutoff,)).fetchall()
            if not rows:
                return 0
            ids = {r[0] for r in rows}
            for dossier_id, body in rows:
                self.conn.execute("UPDATE dossiers SET body = ?, erased_at = ? WHERE id = ?",
                                  (orjson.dumps(scrub_dossier(orjson.loads(body))).decode(), now, dossier_id))
                shas = [r[0] for r in self.conn.execute("SELECT sha256 FROM dossier_files WHERE dossier_id = ?",
                                                        (dossier_id,))]
                self.conn.execute("DELETE FROM dossier_files WHERE dossier_id = ?", (dossier_id,))
                for sha in shas:
                    if self.conn.execute("SELECT 1 FROM dossier_files WHERE sha256 = ? LIMIT 1", (sha,)).fetchone() is None:
                        self.conn.execute("DELETE FROM blobs WHERE sha256 = ?", (sha,))
                        doomed.append(sha)
            for event_id, body in self.conn.execute("SELECT id, body FROM events WHERE type = 'dossier.submitted' "
                                                    "AND body LIKE ?", ('%"applicant"%',)).fetchall():
                e = orjson.loads(body)
                d = e.get("dossier") if isinstance(e, dict) else None
                if isinstance(d, dict) and d.get("id") in ids:
                    e["dossier"] = dossier_summary(d)
                    self.conn.execute("UPDATE events SET body = ? WHERE id = ?", (orjson.dumps(e).decode(), event_id))
        for sha in doomed:  # after the commit: a crash before it leaves the files, never a row without its file
            self.blob_path(sha).unlink(missing_ok=True)
        log.info("erased the personal data of %d returned dossier(s) (%d file(s))", len(rows), len(doomed))
        return len(rows)

    # ------------------------------------------------------------------ export and counts
    def export(self, kind: str, *, site: str | None = None) -> Iterator[dict[str, Any]]:
        """Tickets or dossiers as {id, content, files} (files: sha256 list), ordered by id."""
        with self.lock:
            if kind == "tickets":
                rows = self.conn.execute("SELECT id, content FROM tickets WHERE (? IS NULL OR site = ?) ORDER BY id",
                                         (site, site)).fetchall()
                out = [{"id": r[0], "content": orjson.loads(r[1]), "files": []} for r in rows]
            elif kind == "dossiers":
                rows = self.conn.execute(
                    "SELECT id, body, code, status FROM dossiers WHERE (? IS NULL OR site = ?) ORDER BY id",
                    (site, site)).fetchall()
                files: dict[str, list[str]] = {}
                for d, sha in self.conn.execute("SELECT dossier_id, sha256 FROM dossier_files ORDER BY dossier_id, position"):
                    files.setdefault(d, []).append(sha)
                out = [{"id": r[0], "content": orjson.loads(r[1]), "code": r[2], "status": r[3],
                        "files": files.get(r[0], [])} for r in rows]
            elif kind == "events":
                rows = self.conn.execute("SELECT id, body FROM events WHERE (? IS NULL OR site = ?) ORDER BY site, seq",
                                         (site, site)).fetchall()
                out = [{"id": r[0], "content": orjson.loads(r[1]), "files": []} for r in rows]
            else:
                raise ValueError("kind must be tickets, dossiers or events")
        yield from out

    def counts(self, *, site: str | None = None) -> dict[str, int]:
        """How many events, tickets and dossiers the server holds (for one site or all)."""
        with self.lock:
            return {t: int(self.conn.execute(f"SELECT COUNT(*) FROM {t} WHERE (? IS NULL OR site = ?)",
                                             (site, site)).fetchone()[0])
                    for t in ("events", "tickets", "dossiers")}


def _mb(n: int) -> str:
    if n >= 10**9:
        return f"{n / 1e9:.2f} GB"
    return f"{n / 1e6:.1f} MB" if n >= 10**6 else f"{n} B"


def _event_problem(e: Any) -> str:
    if not isinstance(e, dict):
        return "an event must be a JSON object"
    if not isinstance(e.get("id"), str) or not 8 <= len(e["id"]) <= 64:
        return "id: expected a UUID string"
    if not isinstance(e.get("seq"), int) or isinstance(e.get("seq"), bool) or e["seq"] < 1:
        return "seq: expected a positive integer"
    if not isinstance(e.get("type"), str) or not e["type"] or len(e["type"]) > 64:
        return "type: expected a string"
    if not isinstance(e.get("at"), int | float) or isinstance(e.get("at"), bool):
        return "at: expected a Unix time"
    return ""
