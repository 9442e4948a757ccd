"""Counter hardware: a serial call keypad and LED number displays over the counter, bridged to the hub.

No Qt here: `motcua counter --headless` runs `CounterBridge` alone on a small PC or a Raspberry Pi.

Keypad line protocol (ASCII, one command per line, CR LF or LF; 9600 8N1 by default)::

    NEXT 5      → OK 1023        call the next citizen to counter 5 (completes the current one)
    RECALL 5    → OK 1023        call the current number again
    SKIP 5      → OK 1023        the citizen did not come (vắng mặt)
    DONE 5      → OK 1023        served (hoàn thành)
    PAUSE 5     → OK PAUSED      pause the counter; on a paused counter it resumes: OK OPEN
    RESUME 5    → OK OPEN
    PING        → OK PONG
    anything    → ERR <reason>   EMPTY, PAUSED, NO_TICKET, OFFLINE, BAD_COMMAND, BAD_COUNTER, FORBIDDEN, HUB

LED displays: Modbus RTU numeric displays (function 06 "write single register", the number into
register 0x0000 by default, CRC-16/MODBUS) or plain ASCII (the display right-aligned, then CR LF).
A letter prefix cannot go into a Modbus register: "A015" shows as 15.

Every port is owned by one object, which reopens it after an unplug. Device traffic goes to the
`counter_display.traffic` logger (give it its own rotating file, like OctoPrint's serial.log).
"""
from __future__ import annotations

import enum
import logging
import re
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import serial

from motcua.contract import CALL_EVENTS, TICKET_ENDED_EVENTS, FaultKind, SiteDocument
from motcua.contract import BoardState as BoardDocument

from . import texts
from .config import CounterConfig, LedSettings
from .keypad_sign_in import is_sign_line, redact_pins, sign_line

try:
    # pyserial's flush() is tcdrain(), which raises termios.error (not an OSError) when the port went away.
    from termios import error as _TermiosError
except ImportError:  # Windows
    _TermiosError = OSError  # type: ignore[misc,assignment]

log = logging.getLogger(__name__)
traffic = logging.getLogger("counter_display.traffic")


# ---------------------------------------------------------------------------------- Modbus RTU
def crc16_modbus(data: bytes) -> int:
    """CRC-16/MODBUS (poly 0xA001 reflected, init 0xFFFF); sent low byte first."""
    crc = 0xFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def modbus_write_register(address: int, register: int, value: int) -> bytes:
    """A Modbus RTU request: function 06, write one holding register (8 bytes with CRC)."""
    if not 1 <= address <= 247:
        raise ValueError(f"Modbus address must be 1..247, got {address}")
    if not 0 <= value <= 0xFFFF:
        raise ValueError(f"a register holds 0..65535, got {value}")
    body = struct.pack(">BBHH", address, 0x06, register, value)
    return body + struct.pack("<H", crc16_modbus(body))


def modbus_check(frame: bytes) -> bool:
    """Whether a frame's trailing CRC is right."""
    return len(frame) >= 4 and struct.unpack("<H", frame[-2:])[0] == crc16_modbus(frame[:-2])


def display_number(display: str | None) -> int:
    """The number a numeric LED shows for a ticket display ("1023" → 1023, "A015" → 15, None → 0)."""
    if not display:
        return 0
    digits = re.sub(r"\D", "", display)
    return int(digits[-4:]) if digits else 0


# ---------------------------------------------------------------------------------- serial ports
class LinkState(enum.Enum):
    """A serial device's connection state."""

    CLOSED = "closed"
    CONNECTED = "connected"
    UNPLUGGED = "unplugged"


CONNECTED_STATES = frozenset({LinkState.CONNECTED})
ERROR_STATES = frozenset({LinkState.UNPLUGGED})


class SerialLink:
    """One serial port, opened on demand and reopened after an unplug (9600 8N1 unless told)."""

    def __init__(self, port: str, *, baud: int = 9600, timeout: float = 0.2, name: str = "serial") -> None:
        self.port = port
        self.baud = baud
        self.timeout = timeout
        self.name = name
        self.state = LinkState.CLOSED
        self.ser: serial.Serial | None = None
        self.opens = 0
        self.failures = 0
        self.last_error = ""
        self.lock = threading.RLock()
        self.on_state: Callable[[LinkState], None] | None = None
        self.redact: Callable[[bytes], bytes] | None = None
        """Masks secrets in what the traffic log shows of the bytes read (a clerk's PIN on the call keypad)."""

    def _set(self, state: LinkState) -> None:
        if state != self.state:
            self.state = state
            log.info("%s %s: %s", self.name, self.port, state.value)
            if self.on_state:
                self.on_state(state)

    def open(self) -> bool:
        """Open if not open; False (and UNPLUGGED) when the device is not there."""
        with self.lock:
            if self.ser is not None and self.ser.is_open:
                return True
            try:
                self.ser = serial.Serial(self.port, self.baud, bytesize=8, parity="N", stopbits=1,
                                         timeout=self.timeout, write_timeout=1.0)
            except (serial.SerialException, OSError, ValueError) as exc:
                self.failures += 1
                self.last_error = str(exc)
                self.ser = None
                self._set(LinkState.UNPLUGGED)
                return False
            self.opens += 1
            self._set(LinkState.CONNECTED)
            return True

    def lost(self, exc: BaseException) -> None:
        """The device went away: close; the next use reopens."""
        with self.lock:
            self.last_error = str(exc)
            self.failures += 1
            if self.ser is not None:
                try:
                    self.ser.close()
                except (serial.SerialException, OSError):
                    pass
            self.ser = None
            self._set(LinkState.UNPLUGGED)

    def close(self) -> None:
        """Close for good (until the next open)."""
        with self.lock:
            if self.ser is not None:
                try:
                    self.ser.close()
                except (serial.SerialException, OSError):
                    pass
            self.ser = None
            self._set(LinkState.CLOSED)

    def write(self, data: bytes) -> bool:
        """Write bytes; False when the device is not there (it will be retried by the owner)."""
        with self.lock:
            if not self.open():
                return False
            assert self.ser is not None
            try:
                self.ser.write(data)
                self.ser.flush()
            except (serial.SerialException, OSError, _TermiosError) as exc:
                self.lost(exc)
                return False
            traffic.debug("%s > %r", self.port, data)
            return True

    def read(self, n: int) -> bytes:
        """Read up to n bytes (waits at most the port timeout)."""
        with self.lock:
            if not self.open():
                return b""
            assert self.ser is not None
            try:
                data = bytes(self.ser.read(n))
            except (serial.SerialException, OSError, TypeError) as exc:
                self.lost(exc)
                return b""
            if data:
                traffic.debug("%s < %r", self.port, self.redact(data) if self.redact else data)
            return data

    def read_available(self, n: int) -> bytes:
        """What has arrived, up to n bytes: waits (at most the port timeout) only for the first byte.

        A keypad line is a few bytes: `read(256)` would sit out the whole timeout after each press.
        """
        with self.lock:
            if not self.open():
                return b""
            assert self.ser is not None
            try:
                data = bytes(self.ser.read(1))
                if data and self.ser.in_waiting:
                    data += bytes(self.ser.read(min(n - 1, self.ser.in_waiting)))
            except (serial.SerialException, OSError, TypeError) as exc:
                self.lost(exc)
                return b""
            if data:
                traffic.debug("%s < %r", self.port, self.redact(data) if self.redact else data)
            return data

    def diagnostics(self) -> dict[str, object]:
        """Port, state, counters of opens and failures."""
        return {"port": self.port, "baud": self.baud, "state": self.state.value, "opens": self.opens,
                "failures": self.failures, "last_error": self.last_error}


# ---------------------------------------------------------------------------------- LED displays
class LedDisplay:
    """An LED number display; remembers what it should show and re-sends it after a replug."""

    def __init__(self, settings: LedSettings, link: SerialLink, *, counter: int) -> None:
        self.settings = settings
        self.link = link
        self.counter = counter
        self.wanted: str | None = None
        self.known = False
        """Whether we know what it should show (nothing is sent before the first call or snapshot)."""
        self.shown: str | None | bool = False  # False: nothing sent yet
        self.writes = 0
        self.no_reply = 0
        self.bad_reply = 0

    def frame(self, display: str | None) -> bytes:
        """The bytes that make the display show `display` (None: blank)."""
        s = self.settings
        if s.mode == "modbus":
            value = display_number(display) if (display or not s.blank_when_free) else 0
            return modbus_write_register(s.address, s.register_address, value)
        text = (display or "")[-s.digits:].rjust(s.digits)
        return text.encode("ascii", "replace") + b"\r\n"

    def show(self, display: str | None) -> bool:
        """Show a number now (or remember it for when the display is back)."""
        self.wanted = display
        self.known = True
        return self.sync()

    def sync(self) -> bool:
        """Send the wanted number if the display does not show it yet."""
        if not self.known:
            return True
        if self.shown is not False and self.shown == self.wanted and self.link.state in CONNECTED_STATES:
            return True
        data = self.frame(self.wanted)
        with self.link.lock:
            fresh = self.link.state not in CONNECTED_STATES
            if not self.link.write(data):
                self.shown = False
                return False
            if fresh:
                log.info("LED for counter %s is back on %s", self.counter, self.link.port)
            if self.settings.mode == "modbus":
                # A display answers a write with an echo of the request; a missing or bad echo is
                # counted, not fatal (some cheap displays never answer).
                reply = self.link.read(8)
                if not reply:
                    self.no_reply += 1
                elif reply != data or not modbus_check(reply):
                    self.bad_reply += 1
        self.writes += 1
        self.shown = self.wanted
        return True

    def diagnostics(self) -> dict[str, object]:
        """Mode, what it shows, and its port."""
        return {"counter": self.counter, "mode": self.settings.mode, "address": self.settings.address,
                "showing": self.shown if self.shown is not False else None, "wanted": self.wanted,
                "writes": self.writes, "no_reply": self.no_reply, "bad_reply": self.bad_reply,
                "link": self.link.diagnostics()}


# ---------------------------------------------------------------------------------- keypad protocol
VERBS = ("NEXT", "RECALL", "SKIP", "DONE", "PAUSE", "RESUME")


@dataclass(frozen=True, slots=True)
class KeypadCommand:
    """One parsed keypad line."""

    verb: str
    counter: int | None


class KeypadError(Exception):
    """A keypad line that cannot be acted on; `reason` is the protocol's ERR word."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_keypad_line(line: str) -> KeypadCommand:
    """"NEXT 5" → KeypadCommand("NEXT", 5); raises KeypadError("BAD_COMMAND") otherwise."""
    parts = line.strip().upper().split()
    if parts == ["PING"]:
        return KeypadCommand("PING", None)
    if len(parts) != 2 or parts[0] not in VERBS or not parts[1].isdigit():
        raise KeypadError("BAD_COMMAND")
    return KeypadCommand(parts[0], int(parts[1]))


_HUB_REASONS = {"counter_paused": "PAUSED", "no_current_ticket": "NO_TICKET", "unknown_counter": "BAD_COUNTER",
                "forbidden": "FORBIDDEN", "counter_not_paused": "NOT_PAUSED"}


class CounterBridge:
    """The coordinator of a counter's serial devices: keypad lines → hub → answer and LED update.

    The LED also follows calls made elsewhere (the on-screen panel) through the hub's event stream.
    """

    def __init__(self, config: CounterConfig, client: Any, *, retry_s: float = 1.0, resend_s: float = 30.0,
                 follow_events: bool = True) -> None:
        self.config = config
        self.resend_s = resend_s
        self.client = client
        self.retry_s = retry_s
        own = config.counter.number
        self.allowed = set(config.keypad.counters or [own]) if config.keypad else {own}
        self.keypad = (SerialLink(config.keypad.port, baud=config.keypad.baud, name="keypad")
                       if config.keypad else None)
        if self.keypad is not None:
            self.keypad.redact = redact_pins
        links: dict[str, SerialLink] = {}
        self.leds: list[LedDisplay] = []
        for d in config.leds:
            link = links.get(d.port) or SerialLink(d.port, baud=d.baud, name="led")
            links[d.port] = link
            self.leds.append(LedDisplay(d, link, counter=d.counter or own))
        self.links = links
        self.stop_event = threading.Event()
        self.threads: list[threading.Thread] = []
        self.feed: Any = None
        self.follow_events = follow_events
        self.handled = 0
        self.last_reply = ""
        self.faulty: set[str] = set()

    # ---------------------------------------------------------------- keypad
    def handle_line(self, line: str) -> str:
        """Act on one keypad line; returns the answer line (without CR LF)."""
        from sync.client import HubError, HubUnavailable

        if is_sign_line(line):  # SIGNIN / SIGNOUT: the clerk at the counter (issue 13)
            return sign_line(self.client, line, self.allowed)
        try:
            cmd = parse_keypad_line(line)
            if cmd.verb == "PING":
                return "OK PONG"
            assert cmd.counter is not None
            if cmd.counter not in self.allowed:
                raise KeypadError("BAD_COUNTER")
            n = cmd.counter
            if cmd.verb == "NEXT":
                t = self.client.call_next(n)
                if t is None:
                    self._led(n, None)
                    raise KeypadError("EMPTY")
                self._led(n, t.display)
                return f"OK {t.display}"
            if cmd.verb in ("RECALL", "SKIP", "DONE"):
                op = {"RECALL": self.client.recall, "SKIP": self.client.skip, "DONE": self.client.complete}[cmd.verb]
                t = op(n)
                self._led(n, t.display if cmd.verb == "RECALL" else None)
                return f"OK {t.display}"
            try:
                if cmd.verb == "RESUME":
                    self.client.resume(n)
                    return "OK OPEN"
                self.client.pause(n)
                return "OK PAUSED"
            except HubError as exc:
                if cmd.verb == "PAUSE" and exc.code == "counter_paused":
                    self.client.resume(n)  # one button: PAUSE on a paused counter resumes it
                    return "OK OPEN"
                raise
        except KeypadError as exc:
            return f"ERR {exc.reason}"
        except HubError as exc:
            return f"ERR {_HUB_REASONS.get(exc.code, 'HUB')}"
        except HubUnavailable:
            return "ERR OFFLINE"

    def _led(self, counter: int, display: str | None) -> None:
        for led in self.leds:
            if led.counter == counter:
                led.show(display)

    def _keypad_loop(self) -> None:
        link = self.keypad
        assert link is not None
        buf = b""
        while not self.stop_event.is_set():
            if not link.open():
                self._report("keypad", texts.KEYPAD_UNPLUGGED.format(port=link.port))
                self.stop_event.wait(self.retry_s)
                continue
            self._report("keypad", None)
            chunk = link.read_available(256)
            if not chunk:
                if link.state not in CONNECTED_STATES:
                    buf = b""
                continue
            buf += chunk
            while True:
                m = re.search(rb"\r\n|\n|\r", buf)
                if m is None:
                    if len(buf) > 256:  # line noise: drop it rather than grow forever
                        buf = b""
                    break
                raw, buf = buf[:m.start()], buf[m.end():]
                if not raw.strip():
                    continue
                reply = self.handle_line(raw.decode("ascii", "replace"))
                self.handled += 1
                self.last_reply = reply
                traffic.info("keypad %r → %s", link.redact(raw) if link.redact else raw, reply)
                link.write(reply.encode("ascii") + b"\r\n")

    def _led_loop(self) -> None:
        # Re-send what each display should show once it is back after an unplug, and now and then
        # anyway: a display that lost power comes back blank without the port noticing.
        ticks = 0
        while not self.stop_event.wait(self.retry_s):
            ticks += 1
            for led in self.leds:
                if ticks % max(1, int(self.resend_s / self.retry_s)) == 0:
                    led.shown = False
                ok = led.sync()
                self._report(f"led{led.counter}", None if ok else texts.LED_UNPLUGGED.format(port=led.link.port))

    def _report(self, device: str, problem: texts.Text | None) -> None:
        """Tell the hub (and so the clerk and the technician) that a device is unplugged or back."""
        if (problem is None) == (device not in self.faulty):
            return
        if problem is None:
            self.faulty.discard(device)
        else:
            self.faulty.add(device)
        try:
            kind = FaultKind.DISPLAY_OFFLINE if device.startswith("led") else FaultKind.KEYPAD_OFFLINE
            self.client.report_device(kind if problem else None, message=str(problem or ""),
                                      device=f"counter{self.config.counter.number}-{device}",
                                      details={"problem": "unplugged"} if problem else None)
        except Exception as exc:  # noqa: BLE001 - reporting is best effort, the device work goes on
            log.warning("could not report %s: %s", device, exc)

    # ---------------------------------------------------------------- events (calls made on the panel)
    def on_event(self, ev: Any) -> None:
        """Keep the LEDs in step with calls made elsewhere."""
        t = ev.ticket
        counter = ev.data.get("counter")
        if t is None or not isinstance(counter, int):
            return
        if ev.type in CALL_EVENTS:
            self._led(counter, t.display)
        elif ev.type in TICKET_ENDED_EVENTS:
            for led in self.leds:
                if led.counter == counter and led.wanted == t.display:
                    led.show(None)

    def on_snapshot(self, site: SiteDocument, board: BoardDocument) -> None:
        """Show each counter's current number at start."""
        for c in board.counters:
            self._led(c.number, c.current.display if c.current else None)

    # ---------------------------------------------------------------- lifecycle
    def start(self) -> CounterBridge:
        """Start the keypad, LED and event threads."""
        if self.keypad is not None:
            self.threads.append(threading.Thread(target=self._keypad_loop, name="keypad", daemon=True))
        if self.leds:
            self.threads.append(threading.Thread(target=self._led_loop, name="led", daemon=True))
        for th in self.threads:
            th.start()
        if self.follow_events and self.leds:
            from ui.feed import HubFeed

            self.feed = HubFeed(self.client, on_snapshot=self.on_snapshot, on_event=self.on_event).start()
        return self

    def stop(self) -> None:
        """Stop the threads and close the ports."""
        self.stop_event.set()
        if self.feed is not None:
            self.feed.stop()
        for th in self.threads:
            if th.ident is not None:  # started (a stop may come in the middle of start)
                th.join(3)
        for link in [*self.links.values(), *([self.keypad] if self.keypad else [])]:
            link.close()

    def diagnostics(self) -> dict[str, object]:
        """Every device's state (no token)."""
        return {"counter": self.config.counter.number, "allowed": sorted(self.allowed),
                "keypad": self.keypad.diagnostics() if self.keypad else None, "handled": self.handled,
                "last_reply": self.last_reply, "leds": [d.diagnostics() for d in self.leds],
                "feed": self.feed.diagnostics() if self.feed else None}
