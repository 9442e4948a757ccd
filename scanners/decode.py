"""QR and barcode decoding of camera frames and photos: zxing-cpp first, zbar (pyzbar) only as a fallback.

Two efforts:
- `decode_frame` is the camera loop's path and must stay lean (a 720p frame every 33 ms): grayscale,
  QR codes only, one zxing-cpp pass without its rotate/invert retries (QR finder patterns are found in
  any orientation anyway; `try_rotate` only helps linear barcodes), and, only when that finds nothing,
  a second pass on an unsharp-masked copy (slightly blurred cards are the common failure). A frame that
  still fails costs little: the next frame comes along.
- `decode_image` is for a single photo (`motcua scan image`): every format, zxing-cpp's retries on, and
  a sharpened copy; when that finds nothing, a 2× upscaled sharpened copy (small blurred codes) and
  then zbar in binary mode.

Hazard: zbar guesses the text encoding of byte-mode QR data and turns short Vietnamese strings into
Japanese ("Nữ" comes back as "N盻ｯ"). Passing `symbols=[ZBarSymbol.QRCODE]` to `pyzbar.decode` does not
stop that; only zbar's ZBAR_CFG_BINARY (zbar ≥ 0.23) does, and pyzbar 0.1.9 does not expose it — so the
fallback below drives libzbar through pyzbar's ctypes bindings with that option set and decodes the
raw bytes as UTF-8 itself.
"""
from __future__ import annotations

import ctypes
import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import zxingcpp

from scanners import texts
from scanners.errors import ImageReadError

log = logging.getLogger(__name__)

ZXING = "zxing-cpp"
ZBAR = "zbar"
#: zbar's ZBAR_CFG_BINARY (zbar.h, 0.23 and later): keep byte-mode data as raw bytes.
_ZBAR_CFG_BINARY = 4
_ZBAR_CFG_ENABLE = 0
_MAX_UPSCALE_SIDE = 2000
"""Photos larger than this on their longer side are not upscaled (their codes are big enough)."""


@dataclass(frozen=True, slots=True, repr=False)
class DecodedCode:
    """One code found in an image."""

    text: str
    """The content as text: the raw bytes as UTF-8 when they are valid UTF-8, else the decoder's text."""
    raw: bytes
    """The content bytes exactly as encoded (what a CCCD payload is parsed from)."""
    format: str
    """Symbology, e.g. "QRCode", "Code128"."""
    decoder: str
    """"zxing-cpp" or "zbar"."""
    corners: tuple[tuple[int, int], ...] = ()
    """Where it is in the image: top-left, top-right, bottom-right, bottom-left (pixels)."""

    @property
    def is_qr(self) -> bool:
        """Whether the code is a QR code."""
        return self.format.replace(" ", "").lower() in ("qrcode", "qrcodemodel2", "qrcodemodel1")

    def __repr__(self) -> str:
        # Hazard: a CCCD payload is personal data; logs see its size only.
        return f"DecodedCode(format={self.format!r}, decoder={self.decoder!r}, bytes={len(self.raw)})"


def _to_gray(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return image if image.dtype == np.uint8 else image.astype(np.uint8)
    if image.ndim == 3 and image.shape[2] == 1:
        return image[:, :, 0]
    if image.ndim == 3 and image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY)
    if image.ndim == 3 and image.shape[2] == 3:
        return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    raise ValueError(f"unsupported image shape {image.shape}")


def _sharpen(gray: np.ndarray, *, sigma: float, amount: float) -> np.ndarray:
    """Unsharp mask: restores the module edges of a slightly blurred code."""
    blurred = cv2.GaussianBlur(gray, (0, 0), sigma)
    return cv2.addWeighted(gray, 1.0 + amount, blurred, -amount, 0)


def _text_of(raw: bytes, fallback: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return fallback


def _format_name(fmt: Any) -> str:
    name = getattr(fmt, "name", None)
    return str(name) if name else str(fmt).replace(" ", "")


def _zxing(gray: np.ndarray, *, qr_only: bool, thorough: bool, scale: float = 1.0) -> list[DecodedCode]:
    kwargs: dict[str, Any] = {"try_rotate": thorough, "try_invert": thorough, "try_downscale": True}
    if qr_only:
        kwargs["formats"] = zxingcpp.BarcodeFormat.QRCode
    try:
        found = zxingcpp.read_barcodes(gray, **kwargs)
    except (RuntimeError, ValueError, TypeError) as exc:  # library errors stop at this boundary
        log.warning("zxing-cpp failed on a %sx%s image: %s", gray.shape[1], gray.shape[0], exc)
        return []
    out = []
    for b in found:
        if hasattr(b, "valid") and not b.valid:
            continue
        raw = bytes(b.bytes)
        p = b.position
        corners = tuple((int(round(pt.x / scale)), int(round(pt.y / scale)))
                        for pt in (p.top_left, p.top_right, p.bottom_right, p.bottom_left))
        out.append(DecodedCode(text=_text_of(raw, b.text), raw=raw, format=_format_name(b.format),
                               decoder=ZXING, corners=corners))
    return out


class _Zbar:
    """libzbar through pyzbar's ctypes bindings, QR codes in binary mode (see the module docstring)."""

    def __init__(self) -> None:
        self.available = False
        self.binary = False
        self.version = ""
        self.problem = ""
        try:
            from pyzbar import wrapper
        except (ImportError, OSError) as exc:  # pyzbar raises ImportError when libzbar0 is missing
            self.problem = f"{type(exc).__name__}: {exc}"
            return
        self._w = wrapper
        try:
            major, minor = ctypes.c_uint(), ctypes.c_uint()
            wrapper.zbar_version(ctypes.byref(major), ctypes.byref(minor))
        except (ImportError, OSError, AttributeError) as exc:
            self.problem = f"{type(exc).__name__}: {exc}"
            return
        self.available = True
        self.version = f"{major.value}.{minor.value}"
        self.binary = (major.value, minor.value) >= (0, 23)
        if not self.binary:
            log.warning("libzbar %s has no binary mode: Vietnamese QR text may come back garbled", self.version)
        self._fourcc = sum(ord(c) << (8 * i) for i, c in enumerate("Y800"))
        self._lock = threading.Lock()

    def decode(self, gray: np.ndarray) -> list[DecodedCode]:
        if not self.available:
            return []
        w = self._w
        pixels = np.ascontiguousarray(gray, dtype=np.uint8)
        height, width = pixels.shape[:2]
        out: list[DecodedCode] = []
        # An image scanner is not thread-safe; decoding here is rare (a fallback), so one lock is enough.
        with self._lock:
            scanner = w.zbar_image_scanner_create()
            image = w.zbar_image_create()
            try:
                for symbol in w.ZBarSymbol:
                    w.zbar_image_scanner_set_config(scanner, symbol, _ZBAR_CFG_ENABLE,
                                                    1 if symbol is w.ZBarSymbol.QRCODE else 0)
                if self.binary:
                    w.zbar_image_scanner_set_config(scanner, w.ZBarSymbol.QRCODE, _ZBAR_CFG_BINARY, 1)
                w.zbar_image_set_format(image, self._fourcc)
                w.zbar_image_set_size(image, width, height)
                w.zbar_image_set_data(image, pixels.ctypes.data_as(ctypes.c_void_p), pixels.size, None)
                if w.zbar_scan_image(scanner, image) < 0:
                    return []
                symbol = w.zbar_image_first_symbol(image)
                while symbol:
                    raw = ctypes.string_at(w.zbar_symbol_get_data(symbol), w.zbar_symbol_get_data_length(symbol))
                    n = w.zbar_symbol_get_loc_size(symbol)
                    pts = [(int(w.zbar_symbol_get_loc_x(symbol, i)), int(w.zbar_symbol_get_loc_y(symbol, i)))
                           for i in range(n)]
                    out.append(DecodedCode(text=raw.decode("utf-8", errors="replace"), raw=raw, format="QRCode",
                                           decoder=ZBAR, corners=tuple(pts[:4])))
                    symbol = w.zbar_symbol_next(symbol)
            finally:
                # Detach our buffer before freeing the image: zbar must not touch numpy's memory.
                w.zbar_image_set_data(image, None, 0, None)
                w.zbar_image_destroy(image)
                w.zbar_image_scanner_destroy(scanner)
        return out


_zbar: _Zbar | None = None
_zbar_lock = threading.Lock()


def _get_zbar() -> _Zbar:
    global _zbar
    with _zbar_lock:
        if _zbar is None:
            _zbar = _Zbar()
        return _zbar


def decode_zbar_binary(image: np.ndarray) -> list[DecodedCode]:
    """QR codes found by zbar in binary mode, raw bytes kept (the fallback decoder)."""
    return _get_zbar().decode(_to_gray(image))


def _new(have: list[DecodedCode], more: list[DecodedCode]) -> list[DecodedCode]:
    known = {(c.format, c.raw) for c in have}
    return [c for c in more if (c.format, c.raw) not in known]


def _unique(codes: Iterable[DecodedCode]) -> list[DecodedCode]:
    seen: set[tuple[str, bytes]] = set()
    out = []
    for c in codes:
        key = (c.format.replace(" ", "").lower(), c.raw)
        if key not in seen:
            seen.add(key)
            out.append(c)

    def where(c: DecodedCode) -> tuple[int, int]:
        if not c.corners:
            return (0, 0)
        return (min(y for _, y in c.corners), min(x for x, _ in c.corners))

    return sorted(out, key=where)


class Decoder:
    """Decodes frames and photos and keeps counters for diagnostics (never the content)."""

    def __init__(self, *, qr_only_frames: bool = True, zbar_fallback: bool = True) -> None:
        self.qr_only_frames = qr_only_frames
        self.zbar_fallback = zbar_fallback
        self._lock = threading.Lock()
        self._stats = {"frames": 0, "frames_decoded": 0, "photos": 0, "photos_decoded": 0,
                       "sharpened_hits": 0, "upscaled_hits": 0, "zbar_hits": 0}
        self._last_ms = 0.0

    def _count(self, **inc: int) -> None:
        with self._lock:
            for k, v in inc.items():
                self._stats[k] += v

    def decode_frame(self, frame: np.ndarray) -> list[DecodedCode]:
        """The codes in one camera frame (lean: see the module docstring)."""
        t0 = time.perf_counter()
        gray = _to_gray(frame)
        found = _zxing(gray, qr_only=self.qr_only_frames, thorough=False)
        sharpened = False
        if not found:
            found = _zxing(_sharpen(gray, sigma=1.5, amount=1.5), qr_only=self.qr_only_frames, thorough=False)
            sharpened = bool(found)
        self._last_ms = (time.perf_counter() - t0) * 1000
        self._count(frames=1, frames_decoded=int(bool(found)), sharpened_hits=int(sharpened))
        return _unique(found)

    def decode_image(self, image: np.ndarray) -> list[DecodedCode]:
        """Every code in a photo (thorough: see the module docstring)."""
        t0 = time.perf_counter()
        gray = _to_gray(image)
        found = _zxing(gray, qr_only=False, thorough=True)
        new = _new(found, _zxing(_sharpen(gray, sigma=1.5, amount=1.5), qr_only=False, thorough=True))
        found += new
        hits = {"sharpened_hits": int(bool(new))}
        if not found and max(gray.shape[:2]) <= _MAX_UPSCALE_SIDE:
            big = cv2.resize(gray, None, fx=2.0, fy=2.0, interpolation=cv2.INTER_CUBIC)
            new = _new(found, _zxing(_sharpen(big, sigma=3.0, amount=3.0), qr_only=False, thorough=True, scale=2.0))
            found += new
            hits["upscaled_hits"] = int(bool(new))
        if not found and self.zbar_fallback:
            found = decode_zbar_binary(gray)
            hits["zbar_hits"] = int(bool(found))
        self._last_ms = (time.perf_counter() - t0) * 1000
        self._count(photos=1, photos_decoded=int(bool(found)), **hits)
        return _unique(found)

    def diagnostics(self) -> dict[str, Any]:
        """Counters and library versions (redacted: no decoded content)."""
        zbar = _get_zbar() if self.zbar_fallback else None
        with self._lock:
            stats = dict(self._stats)
        return {
            "primary": ZXING,
            "zxing_version": getattr(zxingcpp, "__version__", _package_version("zxing-cpp")),
            "opencv_version": cv2.__version__,
            "zbar_fallback": self.zbar_fallback,
            "zbar_available": bool(zbar and zbar.available),
            "zbar_version": zbar.version if zbar else "",
            "zbar_binary_mode": bool(zbar and zbar.binary),
            "zbar_problem": zbar.problem if zbar else "",
            "last_ms": round(self._last_ms, 2),
            **stats,
        }


def _package_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return ""


def read_image_file(path: str) -> np.ndarray:
    """Load an image file as a BGR array, or raise `ImageReadError`."""
    data = None
    try:
        # imdecode from bytes rather than imread: imread cannot open non-ASCII paths on Windows.
        with open(path, "rb") as f:
            buf = np.frombuffer(f.read(), dtype=np.uint8)
        data = cv2.imdecode(buf, cv2.IMREAD_COLOR) if buf.size else None
    except OSError as exc:
        raise ImageReadError(texts.ERR_IMAGE_READ.format(path=path), detail=str(exc)) from None
    except cv2.error as exc:
        raise ImageReadError(texts.ERR_IMAGE_READ.format(path=path), detail=str(exc)) from None
    if data is None:
        raise ImageReadError(texts.ERR_IMAGE_READ.format(path=path), detail="not an image")
    return data


