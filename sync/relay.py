"""The outbox relay: the hub's events go up to the central server, its feeds come down.

Runs in its own thread so that network waits never touch the hub's event loop. It reads the site
database on its own connection (WAL: readers never block the writer) and writes nothing itself: each
step's bookkeeping — the outbox cursor, dead letters, dossier links, applied feed pages — is handed to
the hub's loop (`Hub.apply_sync`), which submits it to the store's group-commit writer like any other
change. So the writer thread stays the only writer connection (ARCHITECTURE rule 1), and a link or a feed page
that changes what devices see gets its event in the same transaction (rule 2).

Upstream (rule 3), at-least-once plus idempotency: events are sent in sequence order in batches; a dossier
event (which names the dossier, without personal data) first uploads the dossier's files (content-addressed,
resumable), then posts the dossier as the hub's dossiers table holds it, then the batch with the event
itself; a notice event first posts the notice with its recipient (read from the hub's tables) to the central
server's notification outbox. The cursor moves only after the central server answered for the whole batch, so a crash anywhere
re-sends, and the server's answer to a repeat is the first answer. Network errors, timeouts and 5xx back off
with full jitter; an item the server rejects (4xx) is dead-lettered with its reason and the rest go on.
Authentication and routing errors (401, 403, 404) are never an item's fault: they back off like an outage
and show in `last_error`. Every request carries the database's identity; a 409 `site_identity_mismatch` (the
central server takes this site's data from another database) stops the exchange as a whole: state "refused",
the server's message in `last_error`, no dead letter, and one new try every `refused_retry_s` (a release on
the central side, or the right database restored, lets it on).

Downstream (rule 4): each feed is pulled after its cursor; a page is applied and its cursor advanced in
one transaction; a page seen twice changes nothing (items carry their feed sequence, older ones never
overwrite newer ones); a new epoch on the server resets the feed (cleared and reloaded from the start).
A status item may carry the dossier's payment (a transfer the province confirmed): the hub records it in
the page's transaction, once, however often the page comes (sync.hub.payments).
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import orjson
import requests

from motcua.clock import Clock
from motcua.contract import EventType
from sync.central import IDENTITY_HEADER, IDENTITY_REFUSED
from sync.client import PinnedSession
from sync.store import StoreError, connect
from sync.store.tables import HubTables, Op, named_reader

log = logging.getLogger(__name__)

FEED_KINDS = ("catalog", "calendar", "guides", "status", "bookings")


class Transient(Exception):
    """The exchange failed in a way worth retrying later (network, timeout, 5xx, auth or routing)."""


class Refused(Exception):
    """The central server knows another database for this site: nothing is sent until that is settled.

    Not an item's fault (no dead letter) and not an outage (no quick retries): a technician must restore
    the site's own database, or the province must release the site (`motcua central site release`).
    """


@dataclass
class RelaySettings:
    """How the relay talks to the central server."""

    url: str
    token: str
    ca_file: str | None = None
    """A CA file for the central server's certificate (None: the system's trusted CAs). Certificates are
    always verified: an https:// central server whose certificate does not chain to it is an outage."""
    batch: int = 500
    """Events per request."""
    timeout_s: float = 15.0
    backoff_base_s: float = 0.5
    backoff_max_s: float = 60.0
    """Full jitter: each wait is uniform in [0, min(max, base * 2**attempt)]."""
    feed_interval_s: float = 30.0
    idle_poll_s: float = 1.0
    upload_threads: int = 4
    refused_retry_s: float = 300.0
    """After the central server refused this database (another one syncs for the site), ask again this seldom."""


class RelayPort(Protocol):
    """What the relay needs of the hub, and all it may touch: the hub's clock, a way to commit the relay's
    bookkeeping through the hub's writer, and a word when the official calendar changed. The hub
    (sync.hub.service.Hub) implements it; the relay never imports the hub."""

    @property
    def clock(self) -> Clock:
        """The hub's clock."""
        ...

    def apply_sync(self, *, ops: list[Op], events: list[tuple[EventType, dict[str, Any]]],
                   payments: list[dict[str, Any]] | None = None) -> Coroutine[Any, Any, None]:
        """Commit `ops` and the events of what they changed in one transaction (run on the hub's loop)."""
        ...

    def calendar_changed(self) -> None:
        """The central server's calendar feed changed."""
        ...


@dataclass(frozen=True)
class SiteLink:
    """Who the relay speaks for: the site's code, its agency code, its database and that database's identity."""

    site: str
    agency_code: str
    db_path: Path
    identity: str


class Relay:
    """The hub's link to the central server (one thread)."""

    def __init__(self, hub: RelayPort, settings: RelaySettings, *, link: SiteLink,
                 blob_path: Callable[[str], Path]) -> None:
        self.hub = hub
        self.s = settings
        self.site = link.site
        self.agency_code = link.agency_code
        self.db_path = link.db_path
        self.blob_path = blob_path
        self.identity = link.identity
        self.base = settings.url.rstrip("/") + "/api/v1"
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._local = threading.local()
        self._pool: ThreadPoolExecutor | None = None
        self.last_success: float | None = None
        self.last_error: dict[str, Any] | None = None
        self.attempt = 0
        self.state = "starting"
        self.feeds_due = True
        self.rounds = 0

    # ------------------------------------------------------------------ lifecycle
    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Start the relay thread; bookkeeping is applied on `loop`."""
        self._loop = loop
        self._pool = ThreadPoolExecutor(self.s.upload_threads, thread_name_prefix="motcua-upload")
        self._thread = threading.Thread(target=self._run, name="motcua-relay", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the thread to stop and wait a little (it is a daemon: a stuck request cannot hold the exit)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)

    def wake(self) -> None:
        """New events were committed: send them without waiting for the next poll."""
        self._wake.set()

    def pull_feeds_now(self) -> None:
        """Pull every feed on the next round."""
        self.feeds_due = True
        self._wake.set()

    # ------------------------------------------------------------------ the loop
    def _run(self) -> None:
        conn = connect(self.db_path)
        tables = HubTables(named_reader(conn))
        next_feeds = 0.0
        try:
            while not self._stop.is_set():
                try:
                    sent = self._push(tables)
                    if self.feeds_due or time.monotonic() >= next_feeds:
                        self.feeds_due = False
                        self._pull_feeds(tables)
                        next_feeds = time.monotonic() + self.s.feed_interval_s
                    self._succeeded()
                    self.rounds += 1
                    if sent == 0:
                        self._wake.wait(self.s.idle_poll_s)
                        self._wake.clear()
                except Refused as exc:
                    self._refused(str(exc))
                    # Neither new events nor a short backoff wake it: only time (or stopping).
                    self._stop.wait(self.s.refused_retry_s)
                except (Transient, StoreError) as exc:
                    self._failed(str(exc))
                    self.attempt += 1
                    cap = min(self.s.backoff_max_s, self.s.backoff_base_s * 2 ** min(self.attempt, 30))
                    self._stop.wait(random.uniform(0, cap))
                except Exception as exc:  # a bug must not kill the relay for the rest of the day
                    log.exception("relay round failed")
                    self._failed(f"{type(exc).__name__}: {exc}")
                    self.attempt += 1
                    self._stop.wait(min(self.s.backoff_max_s, 5.0))
        finally:
            conn.close()

    def _succeeded(self) -> None:
        self.last_success = self.hub.clock.time()
        self.attempt = 0
        self.state = "ok"

    def _refused(self, message: str) -> None:
        if self.state != "refused" or (self.last_error or {}).get("message") != message:
            log.error("the central server %s refuses this database (identity %s): %s", self.s.url, self.identity,
                      message)
        self.last_error = {"at": self.hub.clock.time(), "message": message[:500]}
        self.state = "refused"

    def _failed(self, message: str) -> None:
        if self.attempt == 0 or (self.last_error or {}).get("message") != message:
            log.warning("sync with %s failed: %s", self.s.url, message)
        self.last_error = {"at": self.hub.clock.time(), "message": message[:500]}
        self.state = "retrying"

    # ------------------------------------------------------------------ HTTP
    def _session(self) -> requests.Session:
        s: requests.Session | None = getattr(self._local, "session", None)
        if s is None:
            s = PinnedSession()  # [central] ca_file must win over REQUESTS_CA_BUNDLE
            s.verify = self.s.ca_file or True
            s.headers["Authorization"] = f"Bearer {self.s.token}"
            s.headers["User-Agent"] = "motcua-edge-hub"
            s.headers[IDENTITY_HEADER] = self.identity
            self._local.session = s
        return s

    def _request(self, method: str, path: str, **kw: Any) -> requests.Response:
        if self._stop.is_set():
            raise Transient("stopping")
        try:
            r = self._session().request(method, self.base + path, timeout=(3.0, self.s.timeout_s), **kw)
        except requests.exceptions.SSLError as exc:
            self._local.session = None
            raise Transient(f"{method} {path}: chứng chỉ của máy chủ trung tâm không hợp lệ / the central server's "
                            f"certificate is not trusted ([central] ca_file = {self.s.ca_file or 'none'}): "
                            f"{_ssl_reason(exc)}") from exc
        except requests.RequestException as exc:
            self._local.session = None  # a half-read connection must not be reused
            raise Transient(f"{method} {path}: {type(exc).__name__}: {exc}") from exc
        if r.status_code == 409 and _error_code(r) == IDENTITY_REFUSED:
            raise Refused(_error_message(r))
        if r.status_code >= 500 or r.status_code in (401, 403, 404, 405, 408, 429):
            raise Transient(f"{method} {path}: HTTP {r.status_code} {_error_code(r)}")
        return r

    def _apply(self, ops: list[Op], events: list[tuple[EventType, dict[str, Any]]],
               payments: list[dict[str, Any]] | None = None) -> None:
        assert self._loop is not None
        fut = asyncio.run_coroutine_threadsafe(self.hub.apply_sync(ops=ops, events=events, payments=payments),
                                               self._loop)
        try:
            fut.result(timeout=60)
        except TimeoutError as exc:
            raise StoreError("the hub did not commit the sync bookkeeping in time") from exc

    # ------------------------------------------------------------------ upstream
    def _push(self, tables: HubTables) -> int:
        rows = tables.unsent_events(tables.sent_seq(), self.s.batch)
        if not rows:
            return 0
        now = self.hub.clock.time()
        ops: list[Op] = []
        events: list[tuple[EventType, dict[str, Any]]] = []
        dossiers: list[tuple[int, str, dict[str, Any]]] = []
        for row in (r for r in rows if r["type"] == EventType.DOSSIER_SUBMITTED):
            # The event names the dossier (no personal data); the dossier itself is read from its table, where
            # it was committed in the same transaction as the event.
            seq, event_id = row["seq"], row["id"]
            dossier_id = orjson.loads(row["data"])["dossier"]["id"]
            found = tables.dossier_to_send(dossier_id)
            if found is None:
                ops.append(HubTables.dead(seq, event_id, EventType.DOSSIER_SUBMITTED, None, "unknown_dossier",
                                          f"no dossier {dossier_id} in the hub's database", now))
            elif found["erased_at"] is None:
                dossiers.append((seq, event_id, orjson.loads(found["body"])))
            # Erased (retention) means the central server confirmed it long ago: nothing left to send.
        if dossiers:
            self._upload_files([f for _, _, d in dossiers for f in d["files"]])
            for seq, event_id, d in dossiers:
                answer, dead = self._post_dossier(d)
                if dead is not None:
                    ops.append(HubTables.dead(seq, event_id, EventType.DOSSIER_SUBMITTED, *dead, now))
                    continue
                if tables.unlinked(d["id"]) and answer.get("code"):
                    ops.append(HubTables.link(d["id"], answer["code"], answer.get("status", "received"), now))
                    events.append((EventType.DOSSIER_LINKED, {"dossier": {
                        "id": d["id"], "provisional_code": d.get("provisional_code"), "code": answer["code"],
                        "status": answer.get("status", "received")}}))
        for row in (r for r in rows if r["type"] == EventType.NOTICE_REQUESTED):
            dead = self._post_notice(tables, orjson.loads(row["data"])["notice"]["id"])
            if dead is not None:
                ops.append(HubTables.dead(row["seq"], row["id"], EventType.NOTICE_REQUESTED, *dead, now))
        for seq, event_id, etype, status, code, reason in self._post_events(rows):
            ops.append(HubTables.dead(seq, event_id, etype, status, code, reason, now))
        ops.append(HubTables.advance(rows[-1]["seq"], now))
        self._apply(ops, events)
        return len(rows)

    def _post_events(self, rows: Sequence[sqlite3.Row]) -> list[tuple[Any, ...]]:
        """Send events; returns the dead letters (seq, id, type, status, code, reason)."""
        body = b'{"site":' + orjson.dumps(self.site) + b',"events":[' + b",".join(
            r["data"].encode() if isinstance(r["data"], str) else r["data"] for r in rows) + b"]}"
        r = self._request("POST", "/events", data=body, headers={"Content-Type": "application/json"})
        if r.status_code >= 400:
            if len(rows) == 1:
                one = rows[0]
                return [(one["seq"], one["id"], one["type"], r.status_code, _error_code(r), _error_message(r))]
            # The batch as a whole was refused: find the culprits one by one, send the rest.
            out: list[tuple[Any, ...]] = []
            for row in rows:
                out.extend(self._post_events([row]))
            return out
        results = r.json().get("results", [])
        if len(results) != len(rows):
            raise Transient(f"POST /events: {len(results)} results for {len(rows)} events")
        dead = []
        for row, res in zip(rows, results):
            st = int(res.get("status", 500))
            if st >= 500:
                raise Transient(f"POST /events: item {row['id']} got {st}")
            if st >= 400:
                err = res.get("error") or {}
                dead.append((row["seq"], row["id"], row["type"], st, str(err.get("code", "rejected")),
                             str(err.get("message", ""))))
        return dead

    def _upload_files(self, files: list[dict[str, Any]]) -> None:
        unique = list({f["sha256"]: f for f in files}.values())
        assert self._pool is not None
        for fut in [self._pool.submit(self._upload, f["sha256"]) for f in unique]:
            fut.result()

    def _upload(self, sha256: str) -> None:
        """Send one blob, resuming from what the server already holds."""
        path = self.blob_path(sha256)
        size = path.stat().st_size
        offset = 0
        for _ in range(3):
            with open(path, "rb") as f:
                f.seek(offset)
                data = f.read()
            r = self._request("PUT", f"/blobs/{sha256}", params={"offset": offset, "size": size}, data=data,
                              headers={"Content-Type": "application/octet-stream"})
            if r.status_code in (200, 201) and r.json().get("complete"):
                return
            if r.status_code == 409:
                offset = int((r.json().get("error") or {}).get("offset", 0))
                continue
            if r.status_code == 202:
                offset = int(r.json().get("offset", 0))
                continue
            raise Transient(f"PUT /blobs/{sha256[:12]}: HTTP {r.status_code} {_error_code(r)}")
        raise Transient(f"PUT /blobs/{sha256[:12]}: the upload did not complete")

    def _post_dossier(self, d: dict[str, Any]) -> tuple[dict[str, Any], tuple[int, str, str] | None]:
        """Post a dossier: (the answer, None) or ({}, (status, code, reason)) when it is rejected for good."""
        for _ in range(2):
            r = self._request("POST", "/dossiers", data=orjson.dumps(d), headers={"Content-Type": "application/json"})
            if r.status_code < 300:
                return r.json(), None
            if r.status_code == 409 and _error_code(r) == "missing_file":
                self._upload_files(d["files"])
                continue
            return {}, (r.status_code, _error_code(r), _error_message(r))
        raise Transient("POST /dossiers: the server still misses a file after upload")

    def _post_notice(self, tables: HubTables, notice_id: str) -> tuple[int, str, str] | None:
        """Hand a notice to the central server's outbox with its recipient: the phone the citizen left here, or
        the booking whose number the central server holds. Kept there under its id: a repeat changes nothing.
        A notice whose number was erased or withdrawn meanwhile is not sent. (status, code, reason) if rejected."""
        row = tables.notice_to_send(notice_id)
        if row is None:
            return None
        body = {"id": notice_id, "site": self.site, "kind": row["kind"], "text": row["text"], "at": row["at"],
                **({"phone": row["phone"]} if row["phone"] else {"booking_id": row["booking_id"]})}
        r = self._request("POST", "/notices", data=orjson.dumps(body), headers={"Content-Type": "application/json"})
        if r.status_code < 300:
            return None
        return r.status_code, _error_code(r), _error_message(r)

    # ------------------------------------------------------------------ downstream
    def _pull_feeds(self, tables: HubTables) -> None:
        for kind in FEED_KINDS:
            for _ in range(100):  # pages per round; the next round continues
                epoch, cursor = tables.feed_cursor(kind)
                params: dict[str, Any] = {"after": cursor, "limit": 200}
                if epoch is not None:
                    params["epoch"] = epoch
                r = self._request("GET", f"/feeds/{kind}", params=params)
                if r.status_code >= 400:
                    raise Transient(f"GET /feeds/{kind}: HTTP {r.status_code} {_error_code(r)}")
                page = r.json()
                self._apply_page(kind, page, epoch=epoch, cursor=cursor)
                if not page.get("more"):
                    break

    def _apply_page(self, kind: str, page: dict[str, Any], *, epoch: int | None, cursor: int) -> None:
        now = self.hub.clock.time()
        new_epoch = int(page["epoch"])
        reset = bool(page.get("reset")) or (epoch is not None and new_epoch != epoch)
        items = page.get("items") or []
        if not items and not reset and epoch == new_epoch and int(page["cursor"]) <= cursor:
            return
        ops: list[Op] = []
        if reset and kind != "status":
            ops.append(HubTables.feed_clear(kind))
        keys: list[Any] = []
        payments: list[dict[str, Any]] = []
        for it in items:
            if kind == "status":
                b = it["body"] or {}
                if isinstance(b.get("payment"), dict):
                    # A transfer the central server confirmed: recorded by the hub in this page's transaction.
                    payments.append({**b["payment"], "dossier_id": b.get("id")})
                ops.extend(HubTables.dossier_status(b.get("id"), b.get("code"), b.get("status"), b.get("at"), now))
                keys.append({"id": b.get("id"), "code": b.get("code"), "status": b.get("status"), "at": b.get("at")})
            elif it["op"] == "delete":
                ops.append(HubTables.feed_delete(kind, it["key"], it["seq"]))
                keys.append(it["key"])
            else:
                ops.append(HubTables.feed_put(kind, it["key"], it["seq"], orjson.dumps(it["body"]).decode()))
                keys.append(it["key"])
        ops.append(HubTables.feed_advance(kind, new_epoch, int(page["cursor"]), now))
        events: list[tuple[EventType, dict[str, Any]]] = []
        if items or reset:
            events.append((EventType.of_feed(kind), {"sync": {"kind": kind, "epoch": new_epoch, "reset": reset,
                                                     "cursor": int(page["cursor"]), "count": len(items),
                                                     "items": keys[:200]}}))
        self._apply(ops, events, payments)
        if kind == "calendar" and (items or reset):
            self.hub.calendar_changed()


def _error_code(r: requests.Response) -> str:
    try:
        return str(r.json()["error"]["code"])
    except Exception:  # noqa: BLE001 - any non-JSON answer (a proxy's page)
        return "http_error"


def _error_message(r: requests.Response) -> str:
    try:
        return str(r.json()["error"]["message"])[:500]
    except Exception:  # noqa: BLE001
        return (r.text or "")[:200]


def sha256_file(path: Path) -> str:
    """The hex sha256 of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _ssl_reason(exc: Exception) -> str:
    """The verification failure in a few words (OpenSSL's reason, not urllib3's nested retry message)."""
    text = str(exc)
    for marker in ("certificate verify failed: ", "SSLError("):
        if marker in text:
            return text.split(marker, 1)[1].split(")")[0][:120]
    return text[:120]
