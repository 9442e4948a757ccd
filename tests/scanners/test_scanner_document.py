"""Document page capture for kiosk self-submission, on generated photos of Vietnamese forms."""
from __future__ import annotations

import random
from pathlib import Path

import cv2
import numpy as np
import pytest

from scanners.camera import FolderCamera
from scanners.document import (
    MAX_SIDE,
    PAPER_RATIOS,
    PREVIEW_HEIGHT,
    CapturedPage,
    PageQuad,
    QualityIssue,
    capture_document,
    draw_outline,
    find_page,
    rectify,
)
from scanners.synthetic import (
    DOCUMENT_FRAME_SIZE,
    DOCUMENT_MARKER,
    DocumentPhoto,
    desk_background,
    document_photo_set,
    draw_document,
    photograph_document,
    write_document_folder,
)

PHOTOS = 48
CORNER_TOLERANCE = 0.02
"""A found corner may be this share of the page's diagonal away from the true one."""


@pytest.fixture(scope="module")
def photos() -> list[DocumentPhoto]:
    return document_photo_set(PHOTOS, seed=2026)


def _decode(data: bytes, flags: int = cv2.IMREAD_COLOR) -> np.ndarray:
    img = cv2.imdecode(np.frombuffer(data, np.uint8), flags)
    assert img is not None
    return img


def _corner_error(quad: PageQuad, photo: DocumentPhoto) -> float:
    diagonal = float(np.linalg.norm(photo.corners[2] - photo.corners[0]))
    return float(np.linalg.norm(quad.as_array() - photo.corners, axis=1).max()) / diagonal


def test_page_corners_are_found_in_generated_photos(photos: list[DocumentPhoto]) -> None:
    errors = []
    for photo in photos:
        quad = find_page(photo.image)
        errors.append(np.inf if quad is None else _corner_error(quad, photo))
    good = sum(e <= CORNER_TOLERANCE for e in errors)
    assert good >= 0.9 * len(photos), sorted(errors)[-8:]
    assert any(p.landscape for p in photos) and not all(p.landscape for p in photos)


def test_captured_page_is_upright_a4_with_the_marker_in_place(photos: list[DocumentPhoto]) -> None:
    placed = 0
    for photo in photos[:16]:
        page = capture_document(photo.image)
        assert isinstance(page, CapturedPage) and page.found and page.quad is not None
        assert max(page.width, page.height) <= MAX_SIDE
        assert (page.width > page.height) is photo.landscape
        assert max(page.width, page.height) / min(page.width, page.height) == pytest.approx(PAPER_RATIOS["A4"], rel=0.01)
        gray = _decode(page.jpeg, cv2.IMREAD_GRAYSCALE)
        assert gray.shape == (page.height, page.width)
        # The black square: the largest dark blob, where the page printed it.
        _, ink = cv2.threshold(gray, 70, 255, cv2.THRESH_BINARY_INV)
        _n, _labels, stats, centroids = cv2.connectedComponentsWithStats(ink)
        k = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
        cx, cy = centroids[k]
        side = DOCUMENT_MARKER[2] * page.width
        if (abs(cx / page.width - DOCUMENT_MARKER[0]) <= 0.01 and abs(cy / page.height - DOCUMENT_MARKER[1]) <= 0.01
                and abs(stats[k, cv2.CC_STAT_WIDTH] - side) <= 0.15 * side):
            placed += 1
        # The paper is lifted to an even light (shadows gone) and the ink stays dark.
        assert np.percentile(gray, 50) > 200 and gray[ink > 0].mean() < 80
    assert placed >= 15


def test_preview_and_jpeg_sizes(photos: list[DocumentPhoto]) -> None:
    page = capture_document(photos[0].image, max_side=500, jpeg_quality=70)
    assert max(page.width, page.height) == 500
    assert _decode(page.jpeg).shape[:2] == (page.height, page.width)
    preview = _decode(page.preview_png)
    assert preview.shape[0] == PREVIEW_HEIGHT
    assert page.ok and page.message is None and page.quality_issue is None


def test_rectify_chooses_orientation_from_the_quad() -> None:
    frame = np.full((600, 800, 3), 40, np.uint8)
    portrait = PageQuad.from_points([[500, 500], [300, 500], [300, 100], [500, 100]])  # any order in
    assert portrait.points[0] == (300.0, 100.0) and portrait.points[2] == (500.0, 500.0)
    assert rectify(frame, portrait).shape[:2] == (400, 283)
    landscape = PageQuad.from_points([[100, 100], [500, 100], [500, 350], [100, 350]])
    assert landscape.landscape and rectify(frame, landscape, normalise=False).shape[:2] == (283, 400)
    assert rectify(frame, landscape, paper="measured").shape[:2] == (250, 400)
    assert draw_outline(frame, landscape).shape == frame.shape


def test_blurry_frame_is_flagged_and_a_sharp_one_passes() -> None:
    rng = random.Random(5)
    for _ in range(3):
        page = draw_document(rng=rng)
        sharp = capture_document(photograph_document(page, rng=rng, blur_sigma=0.8).image)
        blurred = capture_document(photograph_document(page, rng=rng, blur_sigma=6.0).image)
        assert sharp.quality_issue is None, sharp.sharpness
        assert blurred.found and blurred.quality_issue is QualityIssue.BLURRY, blurred.sharpness
        assert blurred.sharpness < sharp.sharpness
        assert blurred.message is not None and blurred.message.vi.startswith("Ảnh bị mờ")
        assert "blurry" in str(blurred.message)


def test_dark_frame_is_flagged() -> None:
    photo = photograph_document(draw_document(rng=random.Random(8)), rng=random.Random(8), blur_sigma=0.8)
    page = capture_document(cv2.convertScaleAbs(photo.image, alpha=0.15))
    assert page.quality_issue is QualityIssue.TOO_DARK
    assert "quá tối" in page.message.vi  # type: ignore[union-attr]


@pytest.mark.parametrize("name", ["desk", "black", "white", "noise", "tiny", "grey"])
def test_no_page_returns_the_centre_of_the_frame(name: str) -> None:
    rng = random.Random(name)
    frame = {
        "desk": lambda: desk_background(rng, DOCUMENT_FRAME_SIZE),
        "black": lambda: np.zeros((720, 1280, 3), np.uint8),
        "white": lambda: np.full((720, 1280, 3), 235, np.uint8),
        "noise": lambda: np.random.default_rng(1).integers(0, 256, (720, 1280, 3), dtype=np.uint8),
        "tiny": lambda: np.full((12, 16, 3), 128, np.uint8),
        "grey": lambda: np.full((480, 640), 128, np.uint8),
    }[name]()
    assert find_page(frame) is None
    page = capture_document(frame)
    assert not page.found and page.quad is None and not page.ok
    assert page.message is not None
    h, w = frame.shape[:2]
    assert page.height <= h and page.width <= w
    if min(h, w) > 100:
        assert max(page.width, page.height) / min(page.width, page.height) == pytest.approx(PAPER_RATIOS["A4"], rel=0.01)
    assert _decode(page.jpeg).shape[:2] == (page.height, page.width)


def test_document_folder_feeds_a_folder_camera(tmp_path: Path) -> None:
    photos = write_document_folder(tmp_path / "docs", 3, seed=4)
    assert len(photos) == 3 and sorted(p.name for p in (tmp_path / "docs").iterdir())[0] == "doc-0001.jpg"
    with FolderCamera(folder=tmp_path / "docs") as cam:
        frames = []
        while (frame := cam.read()) is not None:
            frames.append(frame)
    assert len(frames) == 3
    for frame, photo in zip(frames, photos):
        page = capture_document(frame)
        assert page.found and page.quad is not None and _corner_error(page.quad, photo) <= CORNER_TOLERANCE
