"""Kinds that travel as strings: event types, fault kinds, ticket and counter states (StrEnums whose values
are the strings the wire and the event log have always carried)."""
from __future__ import annotations

import enum
from typing import Literal


class EventType(enum.StrEnum):
    """Loại sự kiện: the type of each row of the hub's event log and of each live (SSE) event."""

    DAY_STARTED = "day.started"
    TICKET_ISSUED = "ticket.issued"
    TICKET_CALLED = "ticket.called"
    TICKET_RECALLED = "ticket.recalled"
    TICKET_COMPLETED = "ticket.completed"
    TICKET_SKIPPED = "ticket.skipped"
    TICKET_TRANSFERRED = "ticket.transferred"
    TICKET_RESTORED = "ticket.restored"
    COUNTER_OPENED = "counter.opened"
    COUNTER_PAUSED = "counter.paused"
    COUNTER_RESUMED = "counter.resumed"
    SITE_CHANGED = "site.changed"
    DEVICE_FAULT = "device.fault"
    DEVICE_OK = "device.ok"
    DOSSIER_SUBMITTED = "dossier.submitted"
    DOSSIER_LINKED = "dossier.linked"
    DOSSIER_ERASED = "dossier.erased"
    PAYMENT_RECORDED = "payment.recorded"
    STAFF_SIGNED_IN = "staff.signed_in"
    """A clerk signed in at a counter (the event names the counter and the staff code, never the name)."""
    STAFF_SIGNED_OUT = "staff.signed_out"
    RATING_RECORDED = "rating.recorded"
    """A citizen rated a served ticket (issue 13): levels and reason codes, counter, staff code, service."""
    HELP_REQUESTED = "help.requested"
    HELP_ACKNOWLEDGED = "help.acknowledged"
    SYNC_CATALOG = "sync.catalog"
    SYNC_CALENDAR = "sync.calendar"
    SYNC_GUIDES = "sync.guides"
    SYNC_STATUS = "sync.status"
    SYNC_BOOKINGS = "sync.bookings"
    BOOKING_CAPACITY = "booking.capacity"
    """The site's booking offer (slots per service and hour), sent upstream when it changes."""
    BOOKING_CHECKED_IN = "booking.checked_in"
    NOTICE_SUBSCRIBED = "notice.subscribed"
    """A citizen consented to notices (the event never carries the phone number)."""
    NOTICE_REQUESTED = "notice.requested"

    @classmethod
    def of_feed(cls, kind: str) -> EventType:
        """The event a page of the central server's feed `kind` (catalog, calendar, guides, status, bookings) makes."""
        return cls(f"sync.{kind}")


CALL_EVENTS = frozenset({EventType.TICKET_CALLED, EventType.TICKET_RECALLED})
"""A number is announced: a board shows it, the announcer speaks it, the LED shows it."""
TICKET_ENDED_EVENTS = frozenset({EventType.TICKET_COMPLETED, EventType.TICKET_SKIPPED, EventType.TICKET_TRANSFERRED})
"""A counter's current number is no longer there."""
COUNTER_EVENTS = frozenset({EventType.COUNTER_OPENED, EventType.COUNTER_PAUSED, EventType.COUNTER_RESUMED})
"""A counter's state changed (the event carries the counter)."""
DEVICE_EVENTS = frozenset({EventType.DEVICE_FAULT, EventType.DEVICE_OK})
"""A device fault started or ended (the event carries the device's entry)."""


class FaultKind(enum.StrEnum):
    """Loại sự cố thiết bị: what can be wrong with a device, as devices report it and the hub keeps it."""

    PAPER_OUT = "paper_out"
    PAPER_LOW = "paper_low"
    PRINTER_OFFLINE = "printer_offline"
    PRINTER_UNKNOWN = "printer_unknown"
    COVER_OPEN = "cover_open"
    SCANNER_OFFLINE = "scanner_offline"
    CAMERA_OFFLINE = "camera_offline"
    KEYPAD_OFFLINE = "keypad_offline"
    DISPLAY_OFFLINE = "display_offline"
    HUB_UNREACHABLE = "hub_unreachable"
    OTHER = "other"


PRINTER_FAULTS = frozenset({FaultKind.PAPER_OUT, FaultKind.PAPER_LOW, FaultKind.PRINTER_OFFLINE,
                            FaultKind.PRINTER_UNKNOWN, FaultKind.COVER_OPEN})
"""The faults of a printer."""

_PRINT_FAULTS = {
    "paper_out": FaultKind.PAPER_OUT, "cover_open": FaultKind.COVER_OPEN,
    "offline": FaultKind.PRINTER_OFFLINE, "disconnected": FaultKind.PRINTER_OFFLINE, "error": FaultKind.PRINTER_OFFLINE,
    "unavailable": FaultKind.PRINTER_OFFLINE, "write_failed": FaultKind.PRINTER_OFFLINE,
    "printer_error": FaultKind.PRINTER_OFFLINE,
    "timeout": FaultKind.PRINTER_UNKNOWN, "no_status": FaultKind.PRINTER_UNKNOWN, "unknown": FaultKind.PRINTER_UNKNOWN,
}
"""printer_drivers' error codes and status states -> the hub's fault kinds."""


def print_fault(code: str | None, *, unknown: bool = False) -> FaultKind:
    """The fault a device reports after a failed print: from the print result's `code` (paper_out,
    cover_open, offline, write_failed, ...) and whether its outcome is unknown (maybe printed).

    The one mapping of printer errors to the hub's fault kinds, for the kiosk and the counter alike:
    paper and cover are said as such, a printer that did not answer is "unknown", one that failed is
    offline; a code not known here is "unknown" when the outcome is (maybe printed), else offline.
    """
    if code in _PRINT_FAULTS:
        return _PRINT_FAULTS[code]
    return FaultKind.PRINTER_UNKNOWN if unknown else FaultKind.PRINTER_OFFLINE


class TicketStatus(enum.StrEnum):
    """Where a ticket is in its day."""

    WAITING = "waiting"
    CALLED = "called"
    SKIPPED = "skipped"
    DONE = "done"
    EXPIRED = "expired"


class CounterState(enum.StrEnum):
    """A counter's state today."""

    CLOSED = "closed"
    OPEN = "open"
    PAUSED = "paused"


Role = Literal["kiosk", "board", "counter", "admin", "metrics"]
"""The role of a device token."""
