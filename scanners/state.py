"""Device states of cameras and serial scanners, with named sets (as OctoPrint does for printers)."""
from __future__ import annotations

import enum

from scanners import texts
from scanners.texts import Text


class DeviceState(enum.Enum):
    """What a camera or scanner is doing now."""

    CLOSED = "closed"
    READY = "ready"
    DISCONNECTED = "disconnected"
    """Was open, then lost (unplugged); the driver keeps trying to reopen it."""
    ENDED = "ended"
    """A folder camera that has shown every image (and does not loop)."""
    ERROR = "error"
    """Could not be opened at all (wrong index, no permission)."""

    @property
    def text(self) -> Text:
        """The state for people."""
        return _STATE_TEXT[self]


_STATE_TEXT = {
    DeviceState.CLOSED: texts.STATE_CLOSED,
    DeviceState.READY: texts.STATE_READY,
    DeviceState.DISCONNECTED: texts.STATE_DISCONNECTED,
    DeviceState.ENDED: texts.STATE_ENDED,
    DeviceState.ERROR: texts.STATE_ERROR,
}

#: The device delivers frames or scans.
OPERATIONAL_STATES = frozenset({DeviceState.READY})
#: Something is wrong that the person at the device or a technician should see.
ERROR_STATES = frozenset({DeviceState.DISCONNECTED, DeviceState.ERROR})
