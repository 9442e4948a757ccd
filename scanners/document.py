"""Document page capture for kiosk self-submission: find the page in a camera frame, straighten it, check it.

A citizen lays each required document (giấy tờ kèm theo hồ sơ) under the kiosk camera. `capture_document`
finds the page (`find_page`: the largest light quadrilateral that covers a fair share of the frame), warps
it to an upright page of the paper's proportions (`rectify`), evens out the lighting so the text stays
readable, and returns JPEG bytes for upload with a PNG preview for the citizen to accept or retake. A frame
that is too dark or blurry gets a `QualityIssue` whose message asks for a retake; a frame where no page is
found is still returned (its centre), so a citizen with an odd document is never stuck.

Pure image work on numpy arrays: no camera I/O here (see `scanners.camera`). Only adapters import cv2.
"""
from __future__ import annotations

import enum
import logging
import math
from dataclasses import dataclass, field

import cv2
import numpy as np

from scanners import texts
from scanners.texts import Text

log = logging.getLogger(__name__)

PAPER_RATIOS: dict[str, float] = {"A4": 297 / 210, "A5": 210 / 148, "letter": 11 / 8.5, "legal": 14 / 8.5}
"""Long side over short side of the paper sizes `rectify` knows; any other name keeps the measured ratio."""
MAX_SIDE = 2000
"""The long side of an uploaded page at most, in pixels (about 170 dpi on A4: enough to read, small to send)."""
JPEG_QUALITY = 85
PREVIEW_HEIGHT = 600
DETECT_SIDE = 800
"""Frames are searched at this long side: page edges need no more, and it keeps a search near 20 ms."""
MIN_PAGE_SHARE = 0.08
"""The smallest page worth taking, as a share of the frame's area."""
MAX_PAGE_SHARE = 0.985
BLUR_THRESHOLD = 0.38
"""`sharpness_score` below this is blurry. On synthetic 1080p photos a page blurred by a Gaussian of σ px scores
0.68–1.17 (σ ≤ 1), 0.48–0.62 (σ = 2), 0.32–0.46 (σ = 3), 0.24–0.36 (σ = 4), under 0.25 (σ = 6)."""
DARK_THRESHOLD = 55.0
"""Mean brightness (0–255) of the page, or of the whole frame when no page is found, below which it is too dark."""


class QualityIssue(enum.Enum):
    """Why a photo of a document should be retaken."""

    BLURRY = "blurry"
    TOO_DARK = "too_dark"

    @property
    def text(self) -> Text:
        """The message for the citizen (Vietnamese first)."""
        return _ISSUE_TEXT[self]


_ISSUE_TEXT = {QualityIssue.BLURRY: texts.DOC_BLURRY, QualityIssue.TOO_DARK: texts.DOC_TOO_DARK}


@dataclass(frozen=True, slots=True)
class PageQuad:
    """A page's four corners in frame pixels, in the order top-left, top-right, bottom-right, bottom-left."""

    points: tuple[tuple[float, float], tuple[float, float], tuple[float, float], tuple[float, float]]

    @classmethod
    def from_points(cls, points: np.ndarray | list[list[float]]) -> PageQuad:
        """Four points in any order, ordered clockwise from the top-left corner."""
        pts = np.asarray(points, dtype=np.float64).reshape(4, 2)
        centre = pts.mean(axis=0)
        # Clockwise on screen (y grows downwards) is increasing atan2(y, x).
        pts = pts[np.argsort(np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0]))]
        # The top edge is the one whose middle is highest; for a page tilted less than 45° that is its top.
        mids = [(pts[i][1] + pts[(i + 1) % 4][1]) / 2 for i in range(4)]
        start = int(np.argmin(mids))
        pts = np.roll(pts, -start, axis=0)
        return cls(tuple((float(x), float(y)) for x, y in pts))  # type: ignore[arg-type]

    def as_array(self) -> np.ndarray:
        """The corners as a 4×2 float32 array."""
        return np.array(self.points, dtype=np.float32)

    @property
    def size(self) -> tuple[float, float]:
        """Mean width (top and bottom edges) and mean height (left and right edges), in frame pixels."""
        p = self.as_array()
        width = (np.linalg.norm(p[1] - p[0]) + np.linalg.norm(p[2] - p[3])) / 2
        height = (np.linalg.norm(p[3] - p[0]) + np.linalg.norm(p[2] - p[1])) / 2
        return float(width), float(height)

    @property
    def landscape(self) -> bool:
        """The page lies wider than tall."""
        width, height = self.size
        return width > height

    @property
    def area(self) -> float:
        """Area in square pixels."""
        return float(cv2.contourArea(self.as_array()))

    def scaled(self, factor: float) -> PageQuad:
        """The same corners in a frame resized by `factor`."""
        return PageQuad(tuple((x * factor, y * factor) for x, y in self.points))  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class CapturedPage:
    """One photographed document, ready to upload (`jpeg`) and to show the citizen (`preview_png`)."""

    jpeg: bytes = field(repr=False)
    width: int
    height: int
    found: bool
    """A page was found and straightened; otherwise `jpeg` is the centre of the frame as photographed."""
    quad: PageQuad | None
    preview_png: bytes = field(repr=False)
    sharpness: float
    """`sharpness_score` of the page (or frame): about 1/σ of the blur in pixels; below BLUR_THRESHOLD is blurry."""
    brightness: float
    quality_issue: QualityIssue | None

    @property
    def ok(self) -> bool:
        """Nothing suggests a retake."""
        return self.found and self.quality_issue is None

    @property
    def message(self) -> Text | None:
        """What to tell the citizen under the preview, or None when the photo looks good."""
        if self.quality_issue is not None:
            return self.quality_issue.text
        return None if self.found else texts.DOC_NO_PAGE


# -- finding the page ----------------------------------------------------------------------------------

def _gray(frame: np.ndarray) -> np.ndarray:
    if frame.ndim == 2:
        return frame
    if frame.shape[2] == 4:
        return cv2.cvtColor(frame, cv2.COLOR_BGRA2GRAY)
    return cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)


def _quad_from_contour(contour: np.ndarray) -> np.ndarray | None:
    """Four corners for a contour: polygon approximation, then of its convex hull, then its min-area box."""
    hull = cv2.convexHull(contour)
    for shape in (contour, hull):
        peri = cv2.arcLength(shape, True)
        for eps in (0.01, 0.02, 0.03, 0.045):
            approx = cv2.approxPolyDP(shape, eps * peri, True)
            if len(approx) == 4 and cv2.isContourConvex(approx):
                return approx.reshape(4, 2).astype(np.float32)
            if len(approx) < 4:
                break
    # A page with a dog-eared or hidden corner: the hull's best four corners are the rotated box's.
    hull_area = cv2.contourArea(hull)
    box = cv2.boxPoints(cv2.minAreaRect(hull)).astype(np.float32)
    if hull_area > 0.85 * cv2.contourArea(box):
        return box
    return None


def _plausible(quad: np.ndarray, frame_area: float) -> bool:
    area = cv2.contourArea(quad)
    if not MIN_PAGE_SHARE * frame_area <= area <= MAX_PAGE_SHARE * frame_area:
        return False
    if not cv2.isContourConvex(quad.reshape(4, 1, 2).astype(np.int32)):
        return False
    for i in range(4):
        a, b, c = quad[i - 1], quad[i], quad[(i + 1) % 4]
        u, v = a - b, c - b
        cos = float(np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v) + 1e-9))
        if abs(cos) > 0.5:  # corners between 60° and 120°: a page seen at a moderate angle
            return False
    sides = [float(np.linalg.norm(quad[i] - quad[(i + 1) % 4])) for i in range(4)]
    return max(sides) / max(min(sides), 1.0) < 3.0


def _edge_support(quad: np.ndarray, edges: np.ndarray) -> float:
    """The share of points along the quad's outline that lie on an edge pixel."""
    h, w = edges.shape
    hits = total = 0
    for i in range(4):
        a, b = quad[i], quad[(i + 1) % 4]
        n = max(int(np.linalg.norm(b - a) / 3), 2)
        t = np.linspace(0.05, 0.95, n)[:, None]
        pts = np.rint(a + (b - a) * t).astype(int)
        inside = (pts[:, 0] >= 0) & (pts[:, 0] < w) & (pts[:, 1] >= 0) & (pts[:, 1] < h)
        pts = pts[inside]
        hits += int(np.count_nonzero(edges[pts[:, 1], pts[:, 0]]))
        total += n
    return hits / max(total, 1)


def _contrast(quad: np.ndarray, gray: np.ndarray) -> float:
    """How much lighter the page is than a band just outside it (a page is light paper)."""
    h, w = gray.shape
    inner = np.zeros((h, w), np.uint8)
    cv2.fillConvexPoly(inner, np.rint(quad).astype(np.int32), 255)
    band = cv2.dilate(inner, cv2.getStructuringElement(cv2.MORPH_RECT, (15, 15)))
    band[inner > 0] = 0
    inside = float(cv2.mean(gray, mask=inner)[0])
    outside = float(cv2.mean(gray, mask=band)[0]) if np.count_nonzero(band) else 0.0
    return inside - outside


def _paperness(frame: np.ndarray) -> np.ndarray:
    """Bright and unsaturated is paper: HSV value minus saturation (a pale blue desk is bright too, not grey)."""
    hsv = cv2.cvtColor(frame, cv2.COLOR_BGR2HSV)
    return cv2.subtract(hsv[:, :, 2], hsv[:, :, 1])


def _candidate_contours(channel: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Outlines from edges and from lightness in one channel, and the edge map that scores them."""
    blurred = cv2.GaussianBlur(channel, (5, 5), 0)
    median = float(np.median(blurred))
    edges = cv2.Canny(blurred, max(10.0, 0.33 * median), max(30.0, 0.66 * median + 20))
    closed = cv2.morphologyEx(edges, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5)))
    contours = list(cv2.findContours(closed, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)[0])
    # Paper is the light part: Otsu splits page from desk; adaptive threshold copes with a shadow across it.
    _, light = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    block = (min(channel.shape) // 4) | 1
    adaptive = cv2.adaptiveThreshold(blurred, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, block, -5)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9))
    for mask in (light, adaptive):
        mask = cv2.morphologyEx(cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel), cv2.MORPH_OPEN, kernel)
        contours += cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)[0]
    support = cv2.dilate(edges, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5)))
    return contours, support


def find_page(frame: np.ndarray, *, min_share: float = MIN_PAGE_SHARE) -> PageQuad | None:
    """The corners of the largest plausible page in a BGR (or grey) frame, or None when there is none."""
    if frame is None or frame.size == 0 or min(frame.shape[:2]) < 32:
        return None
    gray = _gray(frame)
    h, w = gray.shape
    factor = min(1.0, DETECT_SIDE / max(h, w))
    small = cv2.resize(frame, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA) if factor < 1 else frame
    frame_area = float(small.shape[0] * small.shape[1])
    channels = [_gray(small)]
    if small.ndim == 3 and small.shape[2] == 3:
        channels.append(_paperness(small))
    best: tuple[float, np.ndarray, int] | None = None
    outlines = 0
    for index, channel in enumerate(channels):
        contours, support = _candidate_contours(channel)
        outlines += len(contours)
        for contour in contours:
            if cv2.contourArea(cv2.convexHull(contour)) < min_share * frame_area:
                continue
            quad = _quad_from_contour(contour)
            if quad is None or not _plausible(quad, frame_area):
                continue
            on_edges = _edge_support(quad, support)
            if on_edges < 0.5 or _contrast(quad, channel) < 12:
                continue
            # Largest first, but a quad whose outline really is an edge beats a slightly larger loose one.
            score = cv2.contourArea(quad) / frame_area * on_edges ** 2
            if best is None or score > best[0]:
                best = (score, quad, index)
    if best is None:
        log.debug("no page found in a %dx%d frame (%d outlines)", w, h, outlines)
        return None
    full = cv2.resize(channels[best[2]], (w, h), interpolation=cv2.INTER_LINEAR) if best[2] else gray
    return PageQuad.from_points(_refine(best[1] / factor, full))


def _refine(quad: np.ndarray, gray: np.ndarray) -> np.ndarray:
    """Corners at full resolution: each side re-fitted to the strongest edge across it, then intersected."""
    quad = PageQuad.from_points(quad).as_array()
    h, w = gray.shape
    smooth = cv2.GaussianBlur(gray, (0, 0), 1.2).astype(np.float32)
    gx = cv2.Sobel(smooth, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(smooth, cv2.CV_32F, 0, 1, ksize=3)
    centre = quad.mean(axis=0)
    reach = max(4.0, 0.012 * max(h, w))
    lines = []
    for i in range(4):
        a, b = quad[i], quad[(i + 1) % 4]
        direction = (b - a) / (np.linalg.norm(b - a) + 1e-9)
        normal = np.array([-direction[1], direction[0]], np.float32)
        if np.dot(normal, (a + b) / 2 - centre) < 0:
            normal = -normal  # pointing out of the page
        n = max(int(np.linalg.norm(b - a) / 4), 8)
        found = []
        offsets = np.arange(-reach, reach + 0.5, 0.5, dtype=np.float32)
        for t in np.linspace(0.1, 0.9, n):
            p = a + (b - a) * t
            samples = p[None, :] + offsets[:, None] * normal[None, :]
            xs, ys = samples[:, 0], samples[:, 1]
            ok = (xs >= 0) & (xs < w - 1) & (ys >= 0) & (ys < h - 1)
            if not ok.all():
                continue
            xi, yi = np.rint(xs).astype(int), np.rint(ys).astype(int)
            # Going outwards, paper (light) turns to desk (dark): the gradient points inwards.
            strength = -(gx[yi, xi] * normal[0] + gy[yi, xi] * normal[1])
            k = int(np.argmax(strength))
            if strength[k] > 8:
                found.append(samples[k])
        if len(found) < 6:
            lines.append((a, direction))
            continue
        pts = np.array(found, np.float32)
        # Robust line fit: a shadow or a finger over part of the edge must not bend it.
        vx, vy, x0, y0 = cv2.fitLine(pts, cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
        lines.append((np.array([x0, y0], np.float32), np.array([vx, vy], np.float32)))
    out = []
    for i in range(4):
        (p1, d1), (p2, d2) = lines[i - 1], lines[i]
        det = d1[0] * (-d2[1]) - d1[1] * (-d2[0])
        if abs(det) < 1e-6:
            return quad
        s = ((p2[0] - p1[0]) * (-d2[1]) - (p2[1] - p1[1]) * (-d2[0])) / det
        corner = p1 + s * d1
        if np.linalg.norm(corner - quad[i]) > 3 * reach:
            return quad  # the fit went astray: keep the coarse corners
        out.append(corner)
    return np.array(out, np.float32)


# -- straightening and checking ------------------------------------------------------------------------

def page_size(quad: PageQuad, *, paper: str = "A4", max_side: int = MAX_SIDE) -> tuple[int, int]:
    """Output width and height for a page: the paper's proportions, portrait or landscape as it lies."""
    width, height = quad.size
    long_px = min(float(max_side), max(width, height))
    ratio = PAPER_RATIOS.get(paper, max(width, height) / max(min(width, height), 1.0))
    short_px = long_px / ratio
    if width > height:
        return max(1, round(long_px)), max(1, round(short_px))
    return max(1, round(short_px)), max(1, round(long_px))


def rectify(frame: np.ndarray, quad: PageQuad, *, paper: str = "A4", max_side: int = MAX_SIDE,
            normalise: bool = True) -> np.ndarray:
    """The page seen straight on (BGR), at the paper's proportions; `normalise` evens out light and shadow."""
    out_w, out_h = page_size(quad, paper=paper, max_side=max_side)
    target = np.array([[0, 0], [out_w, 0], [out_w, out_h], [0, out_h]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(quad.as_array(), target)
    page = cv2.warpPerspective(frame, matrix, (out_w, out_h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
    return normalise_lighting(page) if normalise else page


def normalise_lighting(page: np.ndarray) -> np.ndarray:
    """A mild scan-like clean-up: paper made evenly light (shadows lifted), ink kept, colours kept."""
    if page.ndim == 2:
        page = cv2.cvtColor(page, cv2.COLOR_GRAY2BGR)
    lab = cv2.cvtColor(page, cv2.COLOR_BGR2LAB)
    lightness = lab[:, :, 0]
    h, w = lightness.shape
    # The paper's brightness everywhere: a max filter wipes out the text, a blur smooths what is left.
    f = 256 / max(h, w)
    small = cv2.resize(lightness, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_AREA)
    small = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (9, 9)))
    small = cv2.GaussianBlur(small, (0, 0), 6)
    background = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    flat = lightness.astype(np.float32) * (240.0 / np.maximum(background, 40.0))
    # Blend with the original so that pale colour stamps and photos are not bleached away.
    lab[:, :, 0] = np.clip(0.8 * flat + 0.2 * lightness, 0, 255).astype(np.uint8)
    return cv2.cvtColor(lab, cv2.COLOR_LAB2BGR)


def sharpness_score(image: np.ndarray, *, quad: PageQuad | None = None) -> float:
    """How sharp edges are, about 1/σ of a Gaussian blur in pixels with the image 1280 px wide (0 when flat).

    With `quad`, only the page (and its border) counts: a sharp desk must not hide a blurred page.
    """
    gray = _gray(image)
    h, w = gray.shape
    factor = 1280 / max(h, w)
    if quad is not None:
        x, y, bw, bh = cv2.boundingRect(np.rint(quad.as_array()).astype(np.int32))
        pad = max(4, round(0.01 * max(h, w)))
        gray = gray[max(0, y - pad):min(h, y + bh + pad), max(0, x - pad):min(w, x + bw + pad)]
        if gray.size == 0:
            return 0.0
    if abs(factor - 1) > 0.05:
        gray = cv2.resize(gray, None, fx=factor, fy=factor,
                          interpolation=cv2.INTER_AREA if factor < 1 else cv2.INTER_LINEAR)
    g = gray.astype(np.float32)
    # Steepest edges relative to the contrast across them: a step of height H blurred by σ has a slope of
    # H / (σ√2π), so the ratio depends on focus, not on the lighting or on how much text a page has.
    mag = cv2.magnitude(cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3), cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3)) / 8
    steep = float(np.percentile(mag, 99.7))
    low, high = np.percentile(g, (1, 99))
    span = float(high - low)
    if span < 10:
        return 0.0
    return steep / span * math.sqrt(2 * math.pi)


def _centre_crop(frame: np.ndarray, *, paper: str) -> np.ndarray:
    """The centre of the frame at the paper's proportions, in the frame's orientation."""
    h, w = frame.shape[:2]
    ratio = PAPER_RATIOS.get(paper, max(h, w) / min(h, w))
    if w >= h:
        cw, ch = min(w, round(h * ratio)), h
        if cw == w:
            ch = min(h, round(w / ratio))
    else:
        cw, ch = w, min(h, round(w * ratio))
        if ch == h:
            cw = min(w, round(h / ratio))
    x0, y0 = (w - cw) // 2, (h - ch) // 2
    return frame[y0:y0 + ch, x0:x0 + cw]


def _fit(image: np.ndarray, *, max_side: int) -> np.ndarray:
    h, w = image.shape[:2]
    if max(h, w) <= max_side:
        return image
    f = max_side / max(h, w)
    return cv2.resize(image, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_AREA)


def _encode(ext: str, image: np.ndarray, params: list[int]) -> bytes:
    ok, data = cv2.imencode(ext, image, params)
    if not ok:  # pragma: no cover - OpenCV always encodes a uint8 BGR image
        raise RuntimeError(f"{ext} encoding failed")
    return data.tobytes()


def capture_document(frame: np.ndarray, *, paper: str = "A4", max_side: int = MAX_SIDE,
                     jpeg_quality: int = JPEG_QUALITY, preview_height: int = PREVIEW_HEIGHT) -> CapturedPage:
    """One frame to an uploadable page: found, straightened, cleaned, checked, encoded (JPEG and PNG preview)."""
    if frame.ndim == 2:
        frame = cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
    elif frame.shape[2] == 4:
        frame = cv2.cvtColor(frame, cv2.COLOR_BGRA2BGR)
    quad = find_page(frame)
    if quad is not None:
        raw = rectify(frame, quad, paper=paper, max_side=max_side, normalise=False)
        # Judge the photo as taken (before the clean-up brightens it), the page alone (not the desk).
        sharpness = sharpness_score(frame, quad=quad)
        brightness = float(_gray(raw).mean())
        page = normalise_lighting(raw) if brightness >= DARK_THRESHOLD else raw
    else:
        page = _fit(_centre_crop(frame, paper=paper), max_side=max_side)
        sharpness = sharpness_score(frame)
        brightness = float(_gray(frame).mean())
    issue: QualityIssue | None = None
    if brightness < DARK_THRESHOLD:
        issue = QualityIssue.TOO_DARK
    elif sharpness < BLUR_THRESHOLD:
        issue = QualityIssue.BLURRY
    h, w = page.shape[:2]
    f = preview_height / h
    preview = cv2.resize(page, (max(1, round(w * f)), preview_height),
                         interpolation=cv2.INTER_AREA if f < 1 else cv2.INTER_LINEAR)
    result = CapturedPage(jpeg=_encode(".jpg", page, [cv2.IMWRITE_JPEG_QUALITY, jpeg_quality]), width=w, height=h,
                          found=quad is not None, quad=quad,
                          preview_png=_encode(".png", preview, [cv2.IMWRITE_PNG_COMPRESSION, 3]),
                          sharpness=round(sharpness, 4), brightness=round(brightness, 1), quality_issue=issue)
    log.info("document captured: found=%s %dx%d sharpness=%.3f brightness=%.0f issue=%s", result.found, w, h,
             sharpness, brightness, issue.value if issue else None)
    return result


def draw_outline(frame: np.ndarray, quad: PageQuad | None, *, ok: bool = True) -> np.ndarray:
    """A copy of the frame with the found page outlined (green, or amber when `ok` is False) for the live view."""
    out = frame.copy()
    if quad is not None:
        colour = (80, 200, 60) if ok else (0, 170, 255)
        thickness = max(2, round(max(frame.shape[:2]) / 300))
        cv2.polylines(out, [np.rint(quad.as_array()).astype(np.int32)], True, colour, thickness, cv2.LINE_AA)
    return out
