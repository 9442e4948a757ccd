"""Our own scanner errors: what reaches the UI instead of OpenCV, zxing-cpp, zbar or pyserial exceptions."""
from __future__ import annotations

from motcua.cccd import CccdError
from motcua.text import DeviceError
from scanners import texts


class ScannerError(DeviceError):
    """A scanner or camera problem with a message for the person in front of the device (Vietnamese first)."""

    code = "scanner_error"


class ScannerConfigError(ScannerError, ValueError):
    """A camera source or serial port setting that cannot be used."""

    code = "bad_config"


class DeviceUnavailable(ScannerError):
    """The camera or serial scanner cannot be opened or was unplugged."""

    code = "unavailable"


class ImageReadError(ScannerError):
    """An image file that cannot be read."""

    code = "bad_image"


class NoCodeFound(ScannerError):
    """Nothing decodable in the image."""

    code = "no_code"


class BadCitizenId(ScannerError, ValueError):
    """A code that looks like a CCCD payload but is malformed; wraps the parser's `CccdError`."""

    code = "bad_cccd"

    def __init__(self, error: CccdError) -> None:
        self.cccd_error = error
        super().__init__(texts.ERR_BAD_CCCD.format(reason_vi=error.message_vi, reason_en=error.message_en),
                         detail=error.code)


class ScanDataError(ScannerError, ValueError):
    """Bytes from a serial scanner that cannot be used (too long, not UTF-8)."""

    code = "bad_data"
