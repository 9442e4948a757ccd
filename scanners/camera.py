"""Camera frames behind a small protocol: a real camera (OpenCV) or a folder of images (demo and tests).

Both implementations have the same lifecycle — nothing opens implicitly: construct, `open()`, `read()`
frames (BGR numpy arrays, or None when there is none right now), `close()` — and the same states and
`diagnostics()`. `CameraScanner` puts a camera and a decoder together and reports each code once.

OpenCV stays in the scanner adapters (camera, decode, document, synthetic): ARCHITECTURE.md, "Layout".
"""
from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import cv2
import numpy as np

from scanners import texts
from scanners.citizen import Scan, interpret
from scanners.config import CameraConfig, CameraSource, parse_camera_source
from scanners.decode import Decoder, read_image_file
from scanners.errors import DeviceUnavailable, ImageReadError, ScannerError
from scanners.state import DeviceState

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff"})


@runtime_checkable
class Camera(Protocol):
    """A source of frames."""

    @property
    def state(self) -> DeviceState:
        """The device state."""
        ...

    def open(self) -> None:
        """Open the device; raises DeviceUnavailable."""
        ...

    def read(self) -> np.ndarray | None:
        """The next frame (BGR), or None when there is none now (lost, reconnecting, ended)."""
        ...

    def close(self) -> None:
        """Release the device (idempotent)."""
        ...

    def diagnostics(self) -> dict[str, Any]:
        """A redacted snapshot for the technician tool."""
        ...


class _Base:
    """Shared state and counters."""

    kind = "camera"

    def __init__(self) -> None:
        self._state = DeviceState.CLOSED
        self.frames = 0
        self.failures = 0
        self.last_error: ScannerError | None = None

    @property
    def state(self) -> DeviceState:
        """The device state."""
        return self._state

    def _set_state(self, state: DeviceState) -> None:
        if state is not self._state:
            log.info("%s %s: %s -> %s", self.kind, self._label(), self._state.value, state.value)
            self._state = state

    def _label(self) -> str:
        return ""

    def _base_diagnostics(self) -> dict[str, Any]:
        return {"kind": self.kind, "source": self._label(), "state": self._state.value,
                "state_text": str(self._state.text), "frames": self.frames, "failures": self.failures,
                "last_error": str(self.last_error.text) if self.last_error else None,
                "last_error_detail": self.last_error.detail if self.last_error else None}

    def __enter__(self) -> Any:
        self.open()  # type: ignore[attr-defined]
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()  # type: ignore[attr-defined]


class OpenCvCamera(_Base):
    """A real camera by index or device path (cv2.VideoCapture); reopens itself after it is unplugged.

    A path to a video file also works (OpenCV reads it like a camera): the end of the file is `ENDED`.
    """

    kind = "opencv"

    def __init__(self, *, source: CameraSource, width: int = 1280, height: int = 720, fps: int | None = None,
                 lost_after_failures: int = 15, reopen_interval_s: float = 2.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        if source.kind == "folder":
            raise ValueError("use FolderCamera for a folder source")
        self.source = source
        self.width, self.height, self.fps = width, height, fps
        self.lost_after_failures = lost_after_failures
        self.reopen_interval_s = reopen_interval_s
        self._clock = clock
        self._cap: Any = None
        self._consecutive_failures = 0
        self._next_reopen = 0.0
        self.reopens = 0
        self._is_file = source.kind == "device" and source.path is not None and source.path.is_file()

    def _label(self) -> str:
        return str(self.source)

    def _open_capture(self) -> Any:
        target: int | str = self.source.index if self.source.kind == "index" else str(self.source.path)
        try:
            cap = cv2.VideoCapture(target)
            if not cap.isOpened():
                cap.release()
                return None
            if not self._is_file:
                cap.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
                cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
                if self.fps:
                    cap.set(cv2.CAP_PROP_FPS, self.fps)
                # Keep only the newest frame: a decoder slower than the camera must not see old frames.
                cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)
            return cap
        except cv2.error as exc:
            log.warning("camera %s: OpenCV error on open: %s", self.source, exc)
            return None

    def open(self) -> None:
        """Open the camera; raises DeviceUnavailable with a Vietnamese message."""
        if self._cap is not None:
            return
        cap = self._open_capture()
        if cap is None:
            self.last_error = DeviceUnavailable(texts.ERR_CAMERA_OPEN.format(source=self.source),
                                                detail="VideoCapture not opened")
            self._set_state(DeviceState.ERROR)
            raise self.last_error
        self._cap = cap
        self._consecutive_failures = 0
        self._set_state(DeviceState.READY)

    def read(self) -> np.ndarray | None:
        """The next frame, or None (and reconnect attempts) while the camera is lost."""
        if self._state in (DeviceState.CLOSED, DeviceState.ENDED, DeviceState.ERROR) and self._cap is None:
            if self._state is DeviceState.CLOSED:
                raise DeviceUnavailable(texts.ERR_NOT_OPEN)
            return None
        if self._cap is None:  # DISCONNECTED: try again now and then
            now = self._clock()
            if now < self._next_reopen:
                return None
            self._next_reopen = now + self.reopen_interval_s
            cap = self._open_capture()
            if cap is None:
                return None
            self._cap = cap
            self.reopens += 1
            self._consecutive_failures = 0
            self._set_state(DeviceState.READY)
        try:
            ok, frame = self._cap.read()
        except cv2.error as exc:
            ok, frame = False, None
            log.warning("camera %s: OpenCV error on read: %s", self.source, exc)
        if ok and frame is not None:
            self.frames += 1
            self._consecutive_failures = 0
            return frame
        self.failures += 1
        self._consecutive_failures += 1
        if self._is_file:
            self._release()
            self._set_state(DeviceState.ENDED)
        elif self._consecutive_failures >= self.lost_after_failures:
            self.last_error = DeviceUnavailable(texts.ERR_CAMERA_LOST.format(source=self.source),
                                                detail=f"{self._consecutive_failures} failed reads")
            log.warning("camera %s lost after %d failed reads", self.source, self._consecutive_failures)
            self._release()
            self._next_reopen = self._clock() + self.reopen_interval_s
            self._set_state(DeviceState.DISCONNECTED)
        return None

    def _release(self) -> None:
        if self._cap is not None:
            try:
                self._cap.release()
            except cv2.error:  # pragma: no cover - release of a lost device
                pass
            self._cap = None

    def close(self) -> None:
        """Release the camera."""
        self._release()
        self._set_state(DeviceState.CLOSED)

    def diagnostics(self) -> dict[str, Any]:
        """Source, state, counters and the actual frame size."""
        out = self._base_diagnostics()
        out.update({"requested": [self.width, self.height, self.fps], "reopens": self.reopens})
        if self._cap is not None:
            try:
                out["actual"] = [int(self._cap.get(cv2.CAP_PROP_FRAME_WIDTH)),
                                 int(self._cap.get(cv2.CAP_PROP_FRAME_HEIGHT)),
                                 round(float(self._cap.get(cv2.CAP_PROP_FPS)), 1)]
                out["backend"] = self._cap.getBackendName()
            except cv2.error:  # pragma: no cover
                pass
        return out


class FolderCamera(_Base):
    """Images from a folder, in name order, as camera frames (the demo's and the tests' camera)."""

    kind = "folder"

    def __init__(self, *, folder: Path, loop: bool = False) -> None:
        super().__init__()
        self.folder = Path(folder)
        self.loop = loop
        self._files: list[Path] = []
        self._next = 0
        self.skipped = 0

    def _label(self) -> str:
        return f"folder:{self.folder}"

    def open(self) -> None:
        """List the images; raises DeviceUnavailable when the folder is missing or has none."""
        if not self.folder.is_dir():
            self.last_error = DeviceUnavailable(texts.ERR_FOLDER_MISSING.format(folder=self.folder))
            self._set_state(DeviceState.ERROR)
            raise self.last_error
        self._files = sorted((p for p in self.folder.iterdir()
                              if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file()), key=lambda p: p.name)
        if not self._files:
            self.last_error = DeviceUnavailable(texts.ERR_FOLDER_EMPTY.format(folder=self.folder))
            self._set_state(DeviceState.ERROR)
            raise self.last_error
        self._next = 0
        self._set_state(DeviceState.READY)

    def read(self) -> np.ndarray | None:
        """The next image, or None after the last one (unless looping)."""
        if self._state is DeviceState.CLOSED:
            raise DeviceUnavailable(texts.ERR_NOT_OPEN)
        if self._state is not DeviceState.READY:
            return None
        for _ in range(len(self._files)):
            if self._next >= len(self._files):
                if not self.loop:
                    self._set_state(DeviceState.ENDED)
                    return None
                self._next = 0
            path = self._files[self._next]
            self._next += 1
            try:
                frame = read_image_file(str(path))
            except ImageReadError as exc:
                # A half-copied or foreign file: skip it, as a camera drops a bad frame.
                self.skipped += 1
                self.failures += 1
                self.last_error = exc
                log.warning("folder camera: skipping %s (%s)", path.name, exc.detail)
                continue
            self.frames += 1
            return frame
        self._set_state(DeviceState.ENDED)
        return None

    def close(self) -> None:
        """Forget the file list."""
        self._files = []
        self._set_state(DeviceState.CLOSED)

    def diagnostics(self) -> dict[str, Any]:
        """Folder, state, position and counters."""
        out = self._base_diagnostics()
        out.update({"images": len(self._files), "position": self._next, "loop": self.loop, "skipped": self.skipped})
        return out


class FileCamera(_Base):
    """Image files as a live camera that keeps seeing one picture — a card or a page held still — until `show()`
    puts another in view (or none: an empty desk). The kiosk's live view in tests, the demo and screenshots."""

    kind = "file"

    def __init__(self, image: Path | np.ndarray | None = None) -> None:
        super().__init__()
        self._frame: np.ndarray | None = None
        self._name = ""
        if image is not None:
            self.show(image)

    def _label(self) -> str:
        return f"file:{self._name}"

    def show(self, image: Path | np.ndarray | None) -> None:
        """Put a picture (a file, or a BGR array) in front of the camera; None takes it away."""
        if image is None:
            self._frame, self._name = None, ""
            return
        frame = read_image_file(str(image)) if isinstance(image, Path) else np.ascontiguousarray(image)
        frame.setflags(write=False)  # handed out frame after frame: nobody may draw on it
        self._frame, self._name = frame, image.name if isinstance(image, Path) else "array"

    def open(self) -> None:
        """Ready at once."""
        self._set_state(DeviceState.READY)

    def read(self) -> np.ndarray | None:
        """The picture in view (the same array each time, read-only), or None when there is none."""
        if self._state is DeviceState.CLOSED:
            raise DeviceUnavailable(texts.ERR_NOT_OPEN)
        if self._frame is not None:
            self.frames += 1
        return self._frame

    def close(self) -> None:
        """Closed (the picture stays in view for the next open)."""
        self._set_state(DeviceState.CLOSED)

    def diagnostics(self) -> dict[str, Any]:
        """State and counters."""
        return self._base_diagnostics()


def open_camera(config: CameraConfig, *, clock: Callable[[], float] = time.monotonic) -> Camera:
    """The camera for a configuration, not yet opened; raises ScannerConfigError for a bad source."""
    source = parse_camera_source(config.source)
    if source.kind == "folder":
        assert source.path is not None
        return FolderCamera(folder=source.path, loop=config.loop)
    return OpenCvCamera(source=source, width=config.width, height=config.height, fps=config.fps, clock=clock)


class CameraScanner:
    """One camera and one decoder: each `poll()` reads a frame and returns the codes not seen just before.

    A card held up to the camera is in many frames in a row; the same payload is reported again only
    after `repeat_after_s`. Only digests of recent payloads are kept, never the payloads.
    """

    def __init__(self, camera: Camera, *, decoder: Decoder | None = None, repeat_after_s: float = 3.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.camera = camera
        self.decoder = decoder or Decoder()
        self.repeat_after_s = repeat_after_s
        self._clock = clock
        self._recent: dict[bytes, float] = {}
        self.scans = 0

    def poll(self, *, today: date | None = None) -> list[Scan]:
        """Read one frame and return its new codes (possibly none)."""
        frame = self.camera.read()
        if frame is None:
            return []
        now = self._clock()
        self._recent = {k: t for k, t in self._recent.items() if now - t < self.repeat_after_s}
        out = []
        for code in self.decoder.decode_frame(frame):
            digest = hashlib.sha256(code.raw).digest()
            seen = digest in self._recent
            self._recent[digest] = now
            if seen:
                continue
            self.scans += 1
            out.append(interpret(code.raw, source="camera", format=code.format, detail=code.decoder, today=today))
        return out

    def forget(self) -> None:
        """Drop the recent-payload digests (end of a citizen's session)."""
        self._recent.clear()

    def diagnostics(self) -> dict[str, Any]:
        """Camera and decoder snapshots (redacted)."""
        return {"camera": self.camera.diagnostics(), "decoder": self.decoder.diagnostics(), "scans": self.scans}
