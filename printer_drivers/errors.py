"""Our own printer errors: what reaches the UI instead of python-escpos, socket or pyserial exceptions."""
from __future__ import annotations

from motcua.text import DeviceError


class PrinterError(DeviceError):
    """A printer problem with a message for the person in front of the device (Vietnamese first)."""

    code = "printer_error"


class AddressError(PrinterError, ValueError):
    """The printer address (URL) cannot be used."""

    code = "bad_address"


class ProfileError(PrinterError, ValueError):
    """Unknown printer profile or paper width."""

    code = "bad_profile"


class PrinterUnavailable(PrinterError):
    """The printer cannot be reached: not found, no permission, refused, missing library."""

    code = "unavailable"


class PrinterTimeout(PrinterError):
    """The printer stopped accepting bytes within the timeout."""

    code = "timeout"


class PrinterWriteError(PrinterError):
    """The connection broke while sending a job."""

    code = "write_failed"


class LayoutError(PrinterError, ValueError):
    """The input of a layout cannot be printed (for example a QR payload that is too long)."""

    code = "bad_layout"
