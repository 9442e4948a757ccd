"""Cameras: the folder camera (demo and tests), OpenCV capture on a video file, configuration, CameraScanner."""
from __future__ import annotations

import random
from pathlib import Path

import cv2
import numpy as np
import pytest

from scanners.camera import Camera, CameraScanner, FolderCamera, OpenCvCamera, open_camera
from scanners.config import CameraConfig, CameraSource, parse_camera_source
from scanners.errors import DeviceUnavailable, ScannerConfigError
from scanners.state import ERROR_STATES, OPERATIONAL_STATES, DeviceState
from scanners.synthetic import Degradation, draw_card, photograph, random_citizen, write_photo_folder


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def _numbered(folder: Path, names: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        img = np.full((40, 60, 3), int(name.split(".")[0][-1]) * 20, np.uint8)
        cv2.imwrite(str(folder / name), img)


def test_folder_camera_yields_frames_in_name_order(tmp_path: Path) -> None:
    _numbered(tmp_path, ["03.png", "01.jpg", "02.bmp"])
    (tmp_path / "readme.txt").write_text("not an image")
    cam = open_camera(CameraConfig(source=f"folder:{tmp_path}"))
    assert isinstance(cam, FolderCamera) and isinstance(cam, Camera)
    assert cam.state is DeviceState.CLOSED
    with pytest.raises(DeviceUnavailable):
        cam.read()
    with cam:
        assert cam.state in OPERATIONAL_STATES
        values = []
        while (frame := cam.read()) is not None:
            values.append(int(frame[0, 0, 0]))
        assert values == [20, 40, 60]
        assert cam.state is DeviceState.ENDED and cam.read() is None
        d = cam.diagnostics()
        assert d["frames"] == 3 and d["images"] == 3 and d["state"] == "ended"
    assert cam.state is DeviceState.CLOSED


def test_folder_camera_loops_and_skips_bad_files(tmp_path: Path) -> None:
    _numbered(tmp_path, ["1.png", "3.png"])
    (tmp_path / "2.png").write_bytes(b"\x89PNG half copied")
    cam = FolderCamera(folder=tmp_path, loop=True)
    cam.open()
    values = [int(cam.read()[0, 0, 0]) for _ in range(5)]  # type: ignore[index]
    assert values == [20, 60, 20, 60, 20]
    d = cam.diagnostics()
    assert d["skipped"] == 2 and d["state"] == "ready"
    assert "Không đọc được ảnh" in d["last_error"]


def test_folder_camera_missing_or_empty(tmp_path: Path) -> None:
    cam = FolderCamera(folder=tmp_path / "nope")
    with pytest.raises(DeviceUnavailable) as info:
        cam.open()
    assert "Không có thư mục ảnh" in info.value.message_vi and "does not exist" in info.value.message_en
    assert cam.state is DeviceState.ERROR and cam.state in ERROR_STATES
    empty = FolderCamera(folder=tmp_path)
    with pytest.raises(DeviceUnavailable) as info:
        empty.open()
    assert "không có ảnh" in info.value.message_vi


def test_camera_sources() -> None:
    assert parse_camera_source("0") == CameraSource("index", index=0)
    assert parse_camera_source(2) == CameraSource("index", index=2)
    assert parse_camera_source("video:1") == CameraSource("index", index=1)
    assert parse_camera_source("/dev/video0") == CameraSource("device", path=Path("/dev/video0"))
    assert parse_camera_source("folder:///srv/frames") == CameraSource("folder", path=Path("/srv/frames"))
    assert parse_camera_source("folder:demo/frames") == CameraSource("folder", path=Path("demo/frames"))
    for bad in ("", "camera", "folder:", "-1", True):
        with pytest.raises(ScannerConfigError) as info:
            parse_camera_source(bad)  # type: ignore[arg-type]
        assert "Nguồn camera không hợp lệ" in info.value.message_vi
    with pytest.raises(ValueError):
        CameraConfig(source="0", width=10)


def test_opencv_camera_that_does_not_exist() -> None:
    cam = OpenCvCamera(source=CameraSource("device", path=Path("/dev/video-motcua-missing")))
    with pytest.raises(DeviceUnavailable) as info:
        cam.open()
    assert "Không mở được camera" in info.value.message_vi and "Cannot open camera" in info.value.message_en
    assert cam.state is DeviceState.ERROR
    assert cam.read() is None
    assert cam.diagnostics()["state"] == "error"


def _video(path: Path, frames: list[np.ndarray]) -> None:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (1280, 720))
    assert writer.isOpened()
    for f in frames:
        writer.write(f)
    writer.release()


def test_opencv_capture_and_camera_scanner_on_a_video(tmp_path: Path) -> None:
    """The real OpenCV capture path, fed by a video file instead of a USB camera."""
    rng = random.Random(11)
    citizen = random_citizen(rng)
    card_frame = photograph(draw_card(citizen, rng=rng), rng=rng, fault=Degradation.PERSPECTIVE)
    empty = np.full((720, 1280, 3), 90, np.uint8)
    path = tmp_path / "camera.avi"
    _video(path, [empty, card_frame, card_frame, card_frame, empty])
    clock = FakeClock()
    cam = OpenCvCamera(source=parse_camera_source(str(path)), clock=clock)
    scanner = CameraScanner(cam, repeat_after_s=3.0, clock=clock)
    cam.open()
    assert cam.state is DeviceState.READY
    found = []
    for _ in range(8):
        found += scanner.poll()
        clock.t += 0.1
    # The card was in three frames in a row: reported once.
    assert [s.kind for s in found] == ["cccd"]
    assert found[0].citizen is not None and found[0].citizen.name == citizen.name
    assert cam.state is DeviceState.ENDED
    d = scanner.diagnostics()
    assert d["camera"]["frames"] == 5 and d["scans"] == 1
    assert citizen.id not in repr(d) and citizen.name not in repr(d)
    cam.close()


def test_camera_scanner_reports_a_card_again_after_a_while(tmp_path: Path) -> None:
    write_photo_folder(tmp_path, count=1, seed=3)
    clock = FakeClock()
    cam = FolderCamera(folder=tmp_path, loop=True)
    cam.open()
    scanner = CameraScanner(cam, repeat_after_s=3.0, clock=clock)
    assert len(scanner.poll()) == 1
    clock.t += 1.0
    assert scanner.poll() == []
    clock.t += 5.0
    assert len(scanner.poll()) == 1
    scanner.forget()
    assert len(scanner.poll()) == 1
