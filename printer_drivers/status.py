"""Printer status from ESC/POS real-time status (DLE EOT n), as device states."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field

from printer_drivers import texts
from printer_drivers.texts import Text

#: DLE EOT n — transmit real-time status: 1 printer, 2 offline cause, 3 error cause, 4 paper roll sensor.
DLE_EOT_PRINTER = b"\x10\x04\x01"
DLE_EOT_OFFLINE = b"\x10\x04\x02"
DLE_EOT_ERROR = b"\x10\x04\x03"
DLE_EOT_PAPER = b"\x10\x04\x04"


class PrinterState(enum.Enum):
    """What the printer said about itself the last time we asked."""

    READY = "ready"
    PAPER_LOW = "paper_low"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"
    ERROR = "error"
    DISCONNECTED = "disconnected"
    UNKNOWN = "unknown"

    @property
    def text(self) -> Text:
        """The state for people."""
        return _STATE_TEXT[self]


_STATE_TEXT = {
    PrinterState.READY: texts.STATE_READY,
    PrinterState.PAPER_LOW: texts.STATE_PAPER_LOW,
    PrinterState.PAPER_OUT: texts.STATE_PAPER_OUT,
    PrinterState.COVER_OPEN: texts.STATE_COVER_OPEN,
    PrinterState.OFFLINE: texts.STATE_OFFLINE,
    PrinterState.ERROR: texts.STATE_ERROR,
    PrinterState.DISCONNECTED: texts.STATE_DISCONNECTED,
    PrinterState.UNKNOWN: texts.STATE_UNKNOWN,
}

#: A job may be sent in these states (paper low prints, with a warning).
PRINTABLE_STATES = frozenset({PrinterState.READY, PrinterState.PAPER_LOW})
#: The printer said it cannot print.
ERROR_STATES = frozenset({PrinterState.PAPER_OUT, PrinterState.COVER_OPEN, PrinterState.OFFLINE,
                          PrinterState.ERROR})
#: We do not know: never treated as ready.
UNKNOWN_STATES = frozenset({PrinterState.UNKNOWN, PrinterState.DISCONNECTED})


class Paper(enum.Enum):
    """Paper roll sensor."""

    OK = "ok"
    LOW = "low"
    OUT = "out"
    UNKNOWN = "unknown"


def _valid(byte: int) -> bool:
    # Every DLE EOT answer has bit 1 and bit 4 set and bits 0 and 7 clear (0xx1xx10b); anything else is
    # not a status byte (a stray ASB message, line noise, a printer that echoes).
    return byte & 0b1001_0011 == 0b0001_0010


@dataclass(frozen=True)
class PrinterStatus:
    """One reading of the printer's real-time status; any field the printer did not answer is None."""

    printer: int | None = None
    offline: int | None = None
    error: int | None = None
    paper_sensor: int | None = None
    readable: bool = True
    """False when the connection cannot read at all (file, CUPS): the state is then always UNKNOWN."""
    raw: dict[str, str] = field(default_factory=dict)

    @property
    def answered(self) -> bool:
        """Whether the printer answered at least the first query."""
        return self.printer is not None

    @property
    def online(self) -> bool | None:
        """Online according to DLE EOT 1 (bit 3 clear), None when unknown."""
        return None if self.printer is None else not self.printer & 0x08

    @property
    def cover_open(self) -> bool | None:
        """Cover open according to DLE EOT 2 (bit 2)."""
        return None if self.offline is None else bool(self.offline & 0x04)

    @property
    def paper(self) -> Paper:
        """Paper according to DLE EOT 4 (bits 5-6: end, bits 2-3: near end), then DLE EOT 2 (bit 5)."""
        if self.paper_sensor is not None:
            if self.paper_sensor & 0x60:
                return Paper.OUT
            if self.paper_sensor & 0x0C:
                return Paper.LOW
            return Paper.OK
        if self.offline is not None and self.offline & 0x20:
            return Paper.OUT
        return Paper.UNKNOWN

    @property
    def has_error(self) -> bool | None:
        """An error according to DLE EOT 2 (bit 6) or DLE EOT 3 (cutter, unrecoverable, auto-recoverable)."""
        if self.offline is None and self.error is None:
            return None
        return bool((self.offline or 0) & 0x40) or bool((self.error or 0) & 0x68)

    @property
    def state(self) -> PrinterState:
        """The device state this reading amounts to; UNKNOWN unless the printer actually said so."""
        if not self.readable or self.printer is None:
            return PrinterState.UNKNOWN
        paper = self.paper
        if paper is Paper.OUT:
            return PrinterState.PAPER_OUT
        if self.cover_open:
            return PrinterState.COVER_OPEN
        if self.has_error:
            return PrinterState.ERROR
        if not self.online:
            return PrinterState.OFFLINE
        if paper is Paper.UNKNOWN:
            # Online but we could not read the paper sensor: we do not claim the paper is fine.
            return PrinterState.UNKNOWN
        return PrinterState.PAPER_LOW if paper is Paper.LOW else PrinterState.READY

    def as_dict(self) -> dict[str, object]:
        """For diagnostics and JSON."""
        return {
            "state": self.state.value,
            "readable": self.readable,
            "online": self.online,
            "paper": self.paper.value,
            "cover_open": self.cover_open,
            "error": self.has_error,
            "raw": dict(self.raw),
        }

    @classmethod
    def from_bytes(cls, *, printer: int | None, offline: int | None = None, error: int | None = None,
                   paper_sensor: int | None = None) -> PrinterStatus:
        """Build from the answers to DLE EOT 1/2/3/4, dropping bytes that are not status bytes."""
        vals = {"printer": printer, "offline": offline, "error": error, "paper_sensor": paper_sensor}
        raw = {k: f"0x{v:02x}" for k, v in vals.items() if v is not None}
        clean = {k: (v if v is not None and _valid(v) else None) for k, v in vals.items()}
        return cls(**clean, raw=raw)  # type: ignore[arg-type]

    @classmethod
    def unreadable(cls) -> PrinterStatus:
        """A connection that cannot read the status."""
        return cls(readable=False)


def reason_for(state: PrinterState) -> Text | None:
    """Why a job cannot be printed in this state (None when it can)."""
    return {
        PrinterState.PAPER_OUT: texts.REASON_PAPER_OUT,
        PrinterState.COVER_OPEN: texts.REASON_COVER_OPEN,
        PrinterState.OFFLINE: texts.REASON_OFFLINE,
        PrinterState.ERROR: texts.REASON_ERROR,
    }.get(state)
