"""The hub client the device apps use: typed calls for the API and a live event subscription that
reconnects and replays (Last-Event-ID), so a board misses nothing after a network break.

Blocking (requests); device apps call it off their GUI thread (ARCHITECTURE rule 8).
"""
from __future__ import annotations

import hashlib
import logging
import random
import socket
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

import orjson
import requests
from pydantic import BaseModel

from motcua.contract import (
    BoardState,
    Catalog,
    CounterDetail,
    CounterView,
    DeviceFault,
    DeviceInfo,
    DossierRequest,
    DossierStaffView,
    DossierStatusView,
    FaultKind,
    Fee,
    Guides,
    HeartbeatFault,
    HeartbeatReply,
    PaymentReceipt,
    PaymentRequest,
    SiteDocument,
    SyncStatus,
    TicketView,
    WhoAmI,
)
from motcua.text import Text
from sync.citizen_client import CitizenCalls
from sync.files import private_dir, private_sqlite
from sync.staff_client import StaffCalls

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)

BOOT_ID = uuid.uuid4().hex
"""This process's run id: sent with fault reports and heartbeats, so the hub can tell a restart (and clear
what the earlier run reported) from a device that is still running."""
PROCESS_STARTED = time.monotonic()
"""When this process started (near enough: when it imported the hub client), for the heartbeat's uptime."""
HEARTBEAT_S = 30.0
"""How often a device tells the hub it is alive."""
STALE_AFTER_S = 3 * HEARTBEAT_S
"""A device not heard from for this long is shown as out of touch (three heartbeats missed)."""


class HubError(Exception):
    """The hub refused this request (a 4xx, or 503 while it cannot write): `status`, a stable `code` and
    a message for people. Its subclass HubAuthError means the device's token itself was refused."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message

    @property
    def text(self) -> Text:
        """The hub's message in both languages (the hub writes "Vietnamese / English")."""
        vi, sep, en = self.message.partition(" / ")
        return Text(vi, en if sep else vi)


class HubAuthError(HubError):
    """The hub refused the device's token: 401 (wrong, revoked or missing) or 403 (a token of another role,
    or of another counter). Not "offline": retrying does not help until a technician fixes the token."""


class HubUnavailable(Exception):
    """The hub could not be reached (network down, hub stopped, timeout, a 5xx other than 503)."""

    message = "Hệ thống tạm thời gián đoạn / the system is temporarily unavailable"


def hub_error(status: int, body: Any, reason: str = "") -> HubError:
    """The error for a 4xx/503 answer: HubAuthError for 401 and 403, else HubError."""
    err = body.get("error", {}) if isinstance(body, dict) else {}
    err = err if isinstance(err, dict) else {}
    cls = HubAuthError if status in (401, 403) else HubError
    return cls(status, str(err.get("code", "http_error")), str(err.get("message", reason or "")))


class HubCertificateError(HubUnavailable):
    """The hub answered over HTTPS with a certificate this device does not trust ([hub] ca_file).

    A kind of HubUnavailable: a device treats it as offline (citizens see "system unavailable"); the
    text says what a technician must fix, without a traceback.
    """

    def __init__(self, url: str, ca_file: str | None) -> None:
        where = f"[hub] ca_file = {ca_file}" if ca_file else "no [hub] ca_file"
        super().__init__(f"Chứng chỉ của máy chủ trạm không hợp lệ / certificate not trusted: {url} ({where}); "
                         "chép ca.crt của trung tâm vào thiết bị và ghi đường dẫn vào [hub] ca_file / copy the "
                         "site's ca.crt to this device and name it in [hub] ca_file")
        self.url, self.ca_file = url, ca_file


def unreachable(exc: requests.RequestException, url: str, ca_file: str | None) -> HubUnavailable:
    """The device-side error for a failed request: a certificate problem named as such, else unavailable."""
    if isinstance(exc, requests.exceptions.SSLError):
        return HubCertificateError(url, ca_file)
    return HubUnavailable(str(exc))


TicketInfo = TicketView
"""A ticket as the hub returns it (the contract's TicketView; the old name stays for the apps)."""


@dataclass(frozen=True, slots=True)
class HubEvent:
    """One server-sent event of the hub."""

    seq: int
    type: str
    data: dict[str, Any]

    @property
    def ticket(self) -> TicketInfo | None:
        """The ticket carried by the event, if any."""
        t = self.data.get("ticket")
        return TicketInfo.model_validate(t) if t else None


class PinnedSession(requests.Session):
    """A requests session whose own `verify` (a CA file) is used for every request.

    Hazard: requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override `Session.verify` (the environment
    wins unless each request passes `verify`), which would silently replace the site CA with the system's
    bundle and refuse the hub. Passing it per request keeps [hub] ca_file authoritative.
    """

    def request(self, method: str, url: str, *args: Any, **kw: Any) -> requests.Response:  # type: ignore[override]
        if kw.get("verify") is None:
            kw["verify"] = self.verify
        return super().request(method, url, *args, **kw)


class HubClient(StaffCalls, CitizenCalls):
    """Typed calls for the hub API.

    Over https:// the hub's certificate is checked against `ca_file` (the site CA made by `motcua tls
    init`, named in the device file's `[hub] ca_file`), or the system's trusted CAs when none is given.
    """

    def __init__(self, base_url: str, token: str, *, timeout: float = 5.0, ca_file: str | Path | None = None,
                 boot: str | None = None) -> None:
        self.base = base_url.rstrip("/")
        self.boot = boot or BOOT_ID
        """The run id sent with fault reports and heartbeats (tests give one to play a restarted device)."""
        self.api = self.base + "/api/v1"
        self.timeout = timeout
        self.ca_file = str(ca_file) if ca_file else None
        self.session: requests.Session = PinnedSession()
        self.session.verify = self.ca_file or True
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.session.headers["User-Agent"] = "motcua-edge-device"

    def close(self) -> None:
        """Close pooled connections."""
        self.session.close()

    def _call(self, method: str, path: str, *, json: Any = None, params: dict[str, Any] | None = None,
              timeout: float | None = None) -> Any:
        try:
            r = self.session.request(method, self.api + path, json=json, params=params,
                                     timeout=timeout or self.timeout)
        except requests.RequestException as exc:
            raise unreachable(exc, self.base, self.ca_file) from exc
        if r.status_code == 204:
            return None
        try:
            body = r.json()
        except ValueError:
            body = None
        if r.status_code >= 400:
            if r.status_code >= 500 and r.status_code != 503:
                raise HubUnavailable(f"hub error {r.status_code}")
            raise hub_error(r.status_code, body, r.reason or "")
        return body

    # ---------------------------------------------------------------- reads
    def health(self) -> dict[str, Any]:
        """Liveness and version."""
        return self._call("GET", "/health")  # type: ignore[no-any-return]

    def site(self) -> SiteDocument:
        """Services, counters, priority categories and display texts."""
        return SiteDocument.model_validate(self._call("GET", "/site"))

    def board(self) -> BoardState:
        """The lobby board's state."""
        return BoardState.model_validate(self._call("GET", "/board"))

    def ticket(self, ticket_id: str) -> TicketInfo:
        """One ticket."""
        return TicketInfo.model_validate(self._call("GET", f"/tickets/{ticket_id}"))

    def tickets(self, *, status: str | None = None, service: str | None = None) -> list[TicketInfo]:
        """Today's tickets, in queue order."""
        params = {k: v for k, v in (("status", status), ("service", service)) if v}
        return [TicketInfo.model_validate(t) for t in self._call("GET", "/tickets", params=params)["tickets"]]

    def counter(self, number: int) -> CounterDetail:
        """One counter's state."""
        return CounterDetail.model_validate(self._call("GET", f"/counters/{number}"))

    def whoami(self) -> WhoAmI:
        """Whose token this client uses (role, name, counter); HubError 401 when it is unknown or revoked."""
        return WhoAmI.model_validate(self._call("GET", "/whoami"))

    # ---------------------------------------------------------------- actions
    def issue(self, service: str, *, priority: str | None = None, channel: str | None = None,
              request_id: str | None = None) -> TicketInfo:
        """Lấy số: 201 with the ticket once durably stored; a retry with the same request_id gets the same one."""
        body: dict[str, Any] = {"service": service}
        if request_id:
            body["request_id"] = request_id
        if priority:
            body["priority"] = priority
        if channel:
            body["channel"] = channel
        return TicketInfo.model_validate(self._call("POST", "/tickets", json=body))

    def call_next(self, counter: int) -> TicketInfo | None:
        """Gọi số tiếp theo: the called ticket, or None when nobody waits."""
        r = self._call("POST", f"/counters/{counter}/next")
        return TicketInfo.model_validate(r) if r else None

    def call(self, counter: int, *, ticket: str | None = None, display: str | None = None,
             service: str | None = None) -> TicketInfo:
        """Gọi một số cụ thể (also brings back a skipped ticket)."""
        body = {k: v for k, v in (("ticket", ticket), ("display", display), ("service", service)) if v}
        return TicketInfo.model_validate(self._call("POST", f"/counters/{counter}/call", json=body))

    def restore(self, counter: int, *, ticket: str | None = None, display: str | None = None,
                service: str | None = None) -> TicketInfo:
        """Put a skipped ticket back in its queue."""
        body = {k: v for k, v in (("ticket", ticket), ("display", display), ("service", service)) if v}
        return TicketInfo.model_validate(self._call("POST", f"/counters/{counter}/restore", json=body))

    def recall(self, counter: int) -> TicketInfo:
        """Gọi lại."""
        return TicketInfo.model_validate(self._call("POST", f"/counters/{counter}/recall"))

    def skip(self, counter: int) -> TicketInfo:
        """Bỏ qua (vắng mặt)."""
        return TicketInfo.model_validate(self._call("POST", f"/counters/{counter}/skip"))

    def complete(self, counter: int) -> TicketInfo:
        """Hoàn thành."""
        return TicketInfo.model_validate(self._call("POST", f"/counters/{counter}/complete"))

    def transfer(self, counter: int, service: str) -> TicketInfo:
        """Chuyển sang dịch vụ khác."""
        return TicketInfo.model_validate(self._call("POST", f"/counters/{counter}/transfer",
                                                    json={"service": service}))

    def pause(self, counter: int) -> CounterView:
        """Tạm dừng quầy."""
        return CounterView.model_validate(self._call("POST", f"/counters/{counter}/pause"))

    def resume(self, counter: int) -> CounterView:
        """Mở lại quầy."""
        return CounterView.model_validate(self._call("POST", f"/counters/{counter}/resume"))

    def report_device(self, fault: FaultKind | str | None, *, message: str = "", device: str | None = None,
                      details: dict[str, str | int | float | bool | None] | None = None) -> DeviceFault:
        """Báo sự cố: report a device fault (e.g. FaultKind.PAPER_OUT), or None when the device is fine again."""
        body: dict[str, object] = {"fault": fault, "message": message, "details": details or {}, "boot": self.boot}
        if device:
            body["device"] = device
        return DeviceFault.model_validate(self._call("POST", "/devices/report", json=body))

    def device_faults(self) -> list[DeviceFault]:
        """Active device faults at the site."""
        return [DeviceFault.model_validate(f) for f in self._call("GET", "/devices/faults")["faults"]]

    def heartbeat(self, *, role: str, uptime_s: float,
                  faults: Sequence[HeartbeatFault | Mapping[str, Any]] | None = None,
                  version: str | None = None) -> HeartbeatReply:
        """Nhịp tim: tell the hub this device (its token's name) is alive, with the faults it has now (models or
        their JSON); the changes to faults it caused."""
        from motcua import __version__

        body = {"role": role, "version": version or __version__, "boot": self.boot, "uptime_s": round(uptime_s, 1),
                "faults": None if faults is None else [HeartbeatFault.model_validate(f).model_dump(mode="json",
                                                                                             exclude_unset=True)
                                                       for f in faults]}
        return HeartbeatReply.model_validate(self._call("POST", "/devices/heartbeat", json=body))

    def devices(self) -> list[DeviceInfo]:
        """Every device the hub knows, when it was last heard from and its faults (staff roles)."""
        return [DeviceInfo.model_validate(d) for d in self._call("GET", "/devices")["devices"]]

    def clear_faults(self, device: str | None = None) -> list[DeviceFault]:
        """Xoá sự cố (admin): end a device's faults (by its name or its reporter's), or every fault with None."""
        body: dict[str, object] = {"device": device} if device is not None else {"all": True}
        return [DeviceFault.model_validate(f) for f in self._call("POST", "/devices/faults/clear", json=body)["cleared"]]

    def metrics(self) -> str:
        """The hub's /metrics text (a metrics or admin token)."""
        try:
            r = self.session.get(self.base + "/metrics", timeout=self.timeout)
        except requests.RequestException as exc:
            raise unreachable(exc, self.base, self.ca_file) from exc
        if r.status_code >= 400:
            body = r.json() if r.headers.get("content-type", "").startswith("application/json") else None
            raise hub_error(r.status_code, body, r.reason or "")
        return r.text

    # ---------------------------------------------------------------- live events
    # ---------------------------------------------------------------- sync, catalog, dossiers
    def sync_status(self) -> SyncStatus:
        """GET /sync: backlog, oldest unsent age, last success and error, dead letters."""
        return SyncStatus.model_validate(self._call("GET", "/sync"))

    def catalog(self, *, service: str | None = None) -> Catalog:
        """The procedure catalog the hub got from the central server."""
        return Catalog.model_validate(self._call("GET", "/catalog", params={"service": service} if service else None))

    def guides(self) -> Guides:
        """Guides and notices (their content is the central server's, shown as it comes)."""
        return Guides.model_validate(self._call("GET", "/guides"))

    def upload_file(self, data: bytes) -> str:
        """Upload a dossier's file; returns its sha256 for POST /dossiers."""
        sha = hashlib.sha256(data).hexdigest()
        try:
            r = self.session.put(f"{self.api}/files/{sha}", data=data, timeout=max(self.timeout, 30.0),
                                 headers={"Content-Type": "application/octet-stream"})
        except requests.RequestException as exc:
            raise unreachable(exc, self.base, self.ca_file) from exc
        if r.status_code >= 400:
            if r.status_code >= 500 and r.status_code != 503:
                raise HubUnavailable(f"hub error {r.status_code}")
            body = r.json() if r.headers.get("content-type", "").startswith("application/json") else None
            raise hub_error(r.status_code, body, r.reason or "")
        return sha

    def submit_dossier(self, body: DossierRequest) -> DossierStaffView:
        """POST /dossiers (give body.id, a UUID made once, so that a retry is recognised)."""
        return DossierStaffView.model_validate(self._call("POST", "/dossiers", json=body.wire()))

    def dossier(self, key: str, *, lookup_code: str | None = None) -> DossierStatusView:
        """A dossier by UUID, provisional code or official code: staff get a DossierStaffView (everything),
        kiosks and boards a DossierStatusView (its status; by a code only with the slip's `lookup_code`)."""
        params = {"lookup_code": lookup_code} if lookup_code else None
        data = self._call("GET", f"/dossiers/{key}", params=params)
        return (DossierStaffView if "applicant" in data else DossierStatusView).model_validate(data)

    def dossier_fee(self, key: str) -> Fee | None:
        """A dossier's fee (amount, words, VietQR payload, paid or not), None for a procedure without one."""
        fee = self._call("GET", f"/dossiers/{key}/fee")["fee"]
        return None if fee is None else Fee.model_validate(fee)

    def record_payment(self, key: str, body: PaymentRequest) -> PaymentReceipt:
        """POST /dossiers/{key}/payments: the fee was taken (body.id: a UUID made once, for retries)."""
        return PaymentReceipt.model_validate(self._call("POST", f"/dossiers/{key}/payments",
                                                        json=body.model_dump(mode="json")))

    def payment(self, payment_id: str) -> PaymentReceipt:
        """A payment with its receipt's content (counter, admin)."""
        return PaymentReceipt.model_validate(self._call("GET", f"/payments/{payment_id}"))

    def payments_summary(self, first: str, last: str) -> dict[str, Any]:
        """Payments per day × procedure × method between two local days (admin)."""
        return self._call("GET", "/payments/summary", params={"from": first, "to": last})  # type: ignore[no-any-return]

    def events(self, *, last_event_id: int | None = None, stop: threading.Event | None = None,
               on_state: Callable[[bool], None] | None = None, read_timeout: float = 45.0,
               max_backoff: float = 10.0) -> EventSubscription:
        """A live subscription; iterate it for HubEvents. It reconnects and replays after breaks."""
        return EventSubscription(self, last_event_id=last_event_id, stop=stop, on_state=on_state,
                                 read_timeout=read_timeout, max_backoff=max_backoff)


class EventSubscription:
    """Iterates the hub's events forever (until `stop` is set), reconnecting with Last-Event-ID.

    Each event is yielded once and in order, even across reconnects. `connected` tells whether the
    stream is up now; `on_state(bool)` is called when that changes (a board shows its offline mark).
    """

    def __init__(self, client: HubClient, *, last_event_id: int | None, stop: threading.Event | None,
                 on_state: Callable[[bool], None] | None, read_timeout: float, max_backoff: float) -> None:
        self.client = client
        self.last_id = last_event_id
        self.stop = stop or threading.Event()
        self.on_state = on_state
        self.read_timeout = read_timeout
        self.max_backoff = max_backoff
        self.connected = False
        self.reconnects = 0
        self._response: requests.Response | None = None
        self._sock: socket.socket | None = None

    def _set(self, up: bool) -> None:
        if up != self.connected:
            self.connected = up
            if self.on_state:
                self.on_state(up)

    def close(self) -> None:
        """Stop iterating and drop the connection."""
        self.stop.set()
        # Closing the response from another thread waits for the reader's lock (until the next
        # heartbeat); shutting the socket down wakes the reader at once.
        sock = self._sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def __iter__(self) -> Iterator[HubEvent]:
        attempt = 0
        while not self.stop.is_set():
            headers = {"Accept": "text/event-stream"}
            if self.last_id is not None:
                headers["Last-Event-ID"] = str(self.last_id)
            try:
                r = self.client.session.get(self.client.api + "/events", headers=headers, stream=True,
                                            timeout=(self.client.timeout, self.read_timeout))
                self._response = r
                self._sock = getattr(getattr(r.raw, "connection", None), "sock", None)
                if r.status_code != 200:
                    try:
                        body = r.json()
                    except ValueError:
                        body = None
                    r.close()
                    if 400 <= r.status_code < 500 and r.status_code not in (408, 429):
                        raise hub_error(r.status_code, body)
                    raise HubUnavailable(f"events: HTTP {r.status_code}")
                self._set(True)
                attempt = 0
                for ev in self._parse(r):
                    if self.last_id is not None and ev.seq <= self.last_id:
                        continue
                    self.last_id = ev.seq
                    yield ev
                    if self.stop.is_set():
                        break
            except HubError:
                self._set(False)
                raise
            except requests.exceptions.SSLError:
                # Not a network blip: retrying will not help until a technician fixes [hub] ca_file, so say so
                # (once per outage, not at every retry) and keep trying in case the certificate is replaced.
                if attempt == 0:
                    log.warning("%s", HubCertificateError(self.client.base, self.client.ca_file))
            except (requests.RequestException, HubUnavailable, OSError, ValueError, AttributeError) as exc:
                # AttributeError: urllib3 reading from a connection that was closed under it.
                log.info("event stream broken: %s", exc)
            finally:
                self._sock = None
                if self._response is not None:
                    self._response.close()
                    self._response = None
            self._set(False)
            if self.stop.is_set():
                break
            self.reconnects += 1
            # Full jitter: spread reconnecting devices out after a hub restart.
            delay = random.uniform(0, min(self.max_backoff, 0.25 * (2 ** attempt)))
            attempt = min(attempt + 1, 8)
            self.stop.wait(delay)

    def _parse(self, r: requests.Response) -> Iterator[HubEvent]:
        # Frames end with a blank line; split on that ourselves (requests' iter_lines with a delimiter
        # yields spurious empty lines at chunk edges, which would cut an event in two).
        buf = b""
        for chunk in r.iter_content(chunk_size=None):
            if self.stop.is_set():
                return
            buf += chunk.replace(b"\r\n", b"\n")
            while True:
                end = buf.find(b"\n\n")
                if end < 0:
                    break
                frame, buf = buf[:end], buf[end + 2:]
                ev = parse_sse_frame(frame)
                if ev is not None:
                    yield ev


def parse_sse_frame(frame: bytes) -> HubEvent | None:
    """One SSE frame (without its blank line) as a HubEvent; comments and id-less frames give None."""
    seq: int | None = None
    etype = "message"
    data: list[bytes] = []
    for line in frame.split(b"\n"):
        if not line or line.startswith(b":"):
            continue
        field, _, value = line.partition(b":")
        if value.startswith(b" "):
            value = value[1:]
        if field == b"id":
            seq = int(value)
        elif field == b"event":
            etype = value.decode()
        elif field == b"data":
            data.append(value)
    if seq is None or not data:
        return None
    return HubEvent(seq, etype, orjson.loads(b"\n".join(data)))


class Heartbeat:
    """Tells the hub every `interval_s` seconds that this device is alive, from a daemon thread.

    A device app starts one on its own connection (requests' sessions are not shared between threads),
    `Heartbeat(config.hub.client(), role="kiosk").start()`, and stops it when it exits. Each beat carries the
    token's name (implicitly), the kind of app, the version, the uptime, the run id and, if the app gives
    `faults`, the faults it knows it has now. The first beat of a run tells the hub the device restarted:
    faults that an earlier run reported and that are not listed now are cleared (the technician fixed it).
    Beats never raise: a hub that is down is tried again at the next beat; a refused token is logged once.
    """

    def __init__(self, client: HubClient, *, role: str, interval_s: float = HEARTBEAT_S,
                 faults: Callable[[], Sequence[HeartbeatFault | Mapping[str, Any]]] | None = None,
                 started: float | None = None,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        self.role = role
        self.interval_s = interval_s
        self.faults = faults
        self.started = PROCESS_STARTED if started is None else started
        self.monotonic = monotonic
        self.stop_event = threading.Event()
        self.beats = 0
        """Beats the hub took."""
        self.last_error: str | None = None
        self._thread: threading.Thread | None = None

    def beat(self) -> bool:
        """Send one heartbeat now; True when the hub took it."""
        try:
            faults = self.faults() if self.faults is not None else None
            reply = self.client.heartbeat(role=self.role, uptime_s=max(0.0, self.monotonic() - self.started),
                                          faults=faults)
        except HubError as exc:
            if str(exc) != self.last_error:
                # A refused token or an older hub is the technician's to fix; a busy hub (503) is not news.
                log.log(logging.ERROR if exc.status < 500 else logging.INFO,
                        "the hub refused this device's heartbeat: %s", exc)
            self.last_error = str(exc)
            return False
        except Exception as exc:  # noqa: BLE001 - a heartbeat must never take the device down
            if self.last_error is None:
                log.info("heartbeat not sent: %s", exc)
            self.last_error = str(exc)
            return False
        if self.last_error is not None:
            log.info("heartbeats reach the hub again")
        self.last_error = None
        self.beats += 1
        for change in reply.changes:
            log.info("hub: %s %s (%s)", change.type, change.device, (change.model_extra or {}).get("was") or change.fault)
        return True

    def start(self) -> Heartbeat:
        """Beat now and then every interval until stop()."""
        self._thread = threading.Thread(target=self._run, name="motcua-heartbeat", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self.stop_event.is_set():
            self.beat()
            self.stop_event.wait(self.interval_s)

    def stop(self) -> None:
        """Stop beating and close the connection."""
        self.stop_event.set()
        # Started only: a stop (SIGINT from systemctl) may land inside start(), before the thread ran, and
        # joining a thread never started raises; the bridge then died with a traceback and exit status 1.
        if self._thread is not None and self._thread.ident is not None:
            self._thread.join(timeout=self.client.timeout + 1)
        self.client.close()


def wait_for_hub(base_url: str, *, timeout: float = 15.0, ca_file: str | Path | None = None) -> bool:
    """Poll /health until the hub answers (tools and tests)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(base_url.rstrip("/") + "/api/v1/health", timeout=1,
                            verify=str(ca_file) if ca_file else True).status_code == 200:
                return True
        except requests.RequestException:
            pass
        time.sleep(0.05)
    return False


class DeviceCache:
    """A device's own SQLite cache (ARCHITECTURE rule 6): the last site document, catalog, guides and board state,
    so that a kiosk or a board starts and shows something useful while the hub is unreachable."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        # Owner-only (0700 folder, 0600 files): a kiosk's cache holds what the hub sent it.
        private_dir(self.path.parent)
        private_sqlite(self.path)
        self._conn = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False, timeout=10)
        self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.execute("CREATE TABLE IF NOT EXISTS cache (key TEXT PRIMARY KEY, body TEXT NOT NULL, saved_at REAL NOT NULL)")
        self._lock = threading.Lock()

    def put(self, key: str, value: Any) -> None:
        """Remember the latest value of a document."""
        with self._lock:
            self._conn.execute("INSERT INTO cache (key, body, saved_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE "
                               "SET body = excluded.body, saved_at = excluded.saved_at",
                               (key, orjson.dumps(value).decode(), time.time()))

    def get(self, key: str) -> tuple[Any, float] | None:
        """The cached value and when it was saved, or None."""
        with self._lock:
            row = self._conn.execute("SELECT body, saved_at FROM cache WHERE key = ?", (key,)).fetchone()
        return (orjson.loads(row[0]), float(row[1])) if row else None

    def close(self) -> None:
        """Close the cache file."""
        with self._lock:
            self._conn.close()


@dataclass(frozen=True, slots=True)
class Cached(Generic[M]):
    """A document from the hub, or from the device's cache when the hub is down (`offline` says which)."""

    value: M
    offline: bool
    saved_at: float | None = None


def fetch_cached(cache: DeviceCache, key: str, fetch: Callable[[], M], model: type[M]) -> Cached[M]:
    """Fetch from the hub and cache it (as JSON); when the hub is unreachable, the cached copy marked offline.

    Raises HubUnavailable only when the hub is down and nothing was ever cached.
    """
    try:
        value = fetch()
    except HubUnavailable:
        hit = cache.get(key)
        if hit is None:
            raise
        return Cached(model.model_validate(hit[0]), True, hit[1])
    cache.put(key, value.model_dump(mode="json"))
    return Cached(value, False, time.time())


def start_documents(client: HubClient, cache: DeviceCache) -> StartDocuments:
    """What a kiosk or board loads at start: site, catalog and guides, each from the hub or the cache."""
    return StartDocuments(site=fetch_cached(cache, "site", client.site, SiteDocument),
                          catalog=fetch_cached(cache, "catalog", client.catalog, Catalog),
                          guides=fetch_cached(cache, "guides", client.guides, Guides))


@dataclass(frozen=True, slots=True)
class StartDocuments:
    """The documents a device starts with."""

    site: Cached[SiteDocument]
    catalog: Cached[Catalog]
    guides: Cached[Guides]
