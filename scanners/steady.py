"""Is the picture ready to take? The live camera view's judge: steady (little change from frame to frame for
about a second) and sharp (variance of the Laplacian), bright enough, and — for a page — large enough in the
outline. The kiosk shows the citizen the verdict as a short hint and takes the photo itself when it is ready.

Pure image work on small copies of the frames (JUDGE_SIDE pixels on the long side: a few milliseconds a
frame), and a watch that is fed the time by its caller (an injected clock): no camera I/O, no clock here.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field

import cv2
import numpy as np

from scanners.document import find_page

JUDGE_SIDE = 480
"""Frames are judged at this long side: enough to see blur and movement, cheap enough for every frame."""
FIND_SIDE = 320
"""The page is looked for in a grey copy this large (20–40 ms; the page's outline needs no more)."""
STEADY_DIFF = 1.5
"""Mean absolute difference (0–255 grey levels) between two judged frames above which the picture moves. On the
synthetic photos: sensor noise (σ = 3 levels) 0.6–0.7; moved by 1 % of the frame's width 3–9 (a white page
changes less than a card: most of it stays white)."""
SHARP_MIN = 100.0
"""Variance of the Laplacian inside the outline of the judged frame below which it is blurred. On the synthetic
1080p photos: sharp 320–3100, blurred by a Gaussian of σ = 2 px 117–274, σ = 3 px 57–108, σ = 4 px 23–53."""
DARK_MAX = 55.0
"""Mean brightness inside the outline below which the picture is too dark."""
MIN_FILL = 0.25
"""The page's share of the outline's area below which the citizen is asked to bring it closer (the synthetic
photos' pages fill 0.3–0.5 of it)."""
HOLD_S = 1.0
"""How long the picture must stay steady and sharp before it is taken."""
PAGE_OUTLINE = (0.16, 0.04, 0.68, 0.92)
"""Where the page should lie, as (left, top, width, height) shares of the frame: an A4 page, upright, in a
16:9 landscape camera frame."""
CARD_OUTLINE = (0.2, 0.18, 0.6, 0.64)
"""Where to hold the card: 86:54, like the card, in a 16:9 camera frame."""


class Hint(enum.Enum):
    """What the live view tells the citizen about the picture."""

    NO_PICTURE = "no_picture"
    TOO_DARK = "too_dark"
    PLACE = "place"
    """Nothing to take in the outline (no page found)."""
    MOVE_CLOSER = "move_closer"
    HOLD_STILL = "hold_still"
    BLURRY = "blurry"
    READY = "ready"
    """Steady and sharp: being taken (when it has lasted HOLD_S)."""
    TAKEN = "taken"
    """The picture just taken, still in view: the next one is taken once it changes."""


@dataclass(frozen=True, slots=True)
class Look:
    """What the judge measured of one frame (the small grey copy is kept to compare with the next frame)."""

    small: np.ndarray = field(repr=False)
    sharpness: float
    brightness: float
    fill: float | None
    """The page's share of the outline's area (None: not looked for, or none found)."""
    found: bool
    quad: tuple[tuple[float, float], ...] | None = None
    """The found page's corners as shares of the frame's width and height (for drawing on the preview)."""


def small_grey(frame: np.ndarray, *, side: int = JUDGE_SIDE) -> np.ndarray:
    """A grey copy of a BGR (or grey) frame whose long side is `side` pixels."""
    grey = frame if frame.ndim == 2 else cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    h, w = grey.shape
    f = side / max(h, w)
    if f >= 1:
        return grey
    return cv2.resize(grey, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_AREA)


def preview_rgb(frame: np.ndarray, *, side: int) -> np.ndarray:
    """A small RGB copy of a BGR (or grey) frame for the screen, its long side at most `side` pixels."""
    h, w = frame.shape[:2]
    f = min(1.0, side / max(h, w))
    small = cv2.resize(frame, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(cv2.cvtColor(small, cv2.COLOR_BGR2RGB if small.ndim == 3 else cv2.COLOR_GRAY2RGB))


def _box(shape: tuple[int, ...], outline: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
    h, w = shape[:2]
    x, y, bw, bh = outline
    return round(x * w), round(y * h), max(1, round(bw * w)), max(1, round(bh * h))


def look_at(frame: np.ndarray, *, outline: tuple[float, float, float, float] = PAGE_OUTLINE,
            find: bool = True) -> Look:
    """Measure one frame: sharpness and brightness inside the outline, and (with `find`) the page in it."""
    small = small_grey(frame)
    x, y, bw, bh = _box(small.shape, outline)
    inside = small[y:y + bh, x:x + bw]
    sharpness = float(cv2.Laplacian(inside, cv2.CV_32F).var()) if inside.size else 0.0
    brightness = float(inside.mean()) if inside.size else 0.0
    fill: float | None = None
    quad = None
    found = False
    if find:
        tiny = small_grey(small, side=FIND_SIDE)
        page = find_page(tiny, min_share=0.03)
        if page is not None:
            found = True
            h, w = tiny.shape
            fill = min(1.0, page.area / (w * h * outline[2] * outline[3]))
            quad = tuple((px / w, py / h) for px, py in page.points)
    return Look(small, sharpness, brightness, fill, found, quad)


def difference(a: Look, b: Look) -> float:
    """Mean absolute grey difference between two looks (a large number when their sizes differ)."""
    if a.small.shape != b.small.shape:
        return 255.0
    return float(cv2.absdiff(a.small, b.small).mean())


def judge(previous: Look | None, current: Look, *, find: bool = True) -> Hint:
    """The hint for a frame after the one before it: dark, nothing there, too far, moving, blurred, or ready."""
    if current.brightness < DARK_MAX:
        return Hint.TOO_DARK
    if find and not current.found:
        return Hint.PLACE
    if find and current.fill is not None and current.fill < MIN_FILL:
        return Hint.MOVE_CLOSER
    if previous is None or difference(previous, current) > STEADY_DIFF:
        return Hint.HOLD_STILL
    if current.sharpness < SHARP_MIN:
        return Hint.BLURRY
    return Hint.READY


@dataclass(frozen=True, slots=True)
class Verdict:
    """The watch's answer for one frame: the hint, how far the hold has come (0–1), and whether to take it now."""

    hint: Hint
    progress: float
    take: bool


class SteadyWatch:
    """Feeds frames' looks with their times; says "take" once the picture has been ready for HOLD_S, then not
    again until the picture has changed (the page taken away or turned): one photo per page laid down."""

    def __init__(self, *, hold_s: float = HOLD_S, find: bool = True) -> None:
        self.hold_s = hold_s
        self.find = find
        self._previous: Look | None = None
        self._ready_since: float | None = None
        self._taken: Look | None = None

    def feed(self, look: Look, now: float) -> Verdict:
        """The verdict for a frame seen at `now` (seconds, the caller's clock)."""
        hint = judge(self._previous, look, find=self.find)
        self._previous = look
        if self._taken is not None:
            if difference(self._taken, look) <= 3 * STEADY_DIFF:
                return Verdict(Hint.TAKEN, 0.0, False)  # the page just taken, still lying there
            self._taken = None
        if hint is not Hint.READY:
            self._ready_since = None
            return Verdict(hint, 0.0, False)
        if self._ready_since is None:
            self._ready_since = now
        held = now - self._ready_since
        if held >= self.hold_s:
            self._taken = look
            self._ready_since = None
            return Verdict(hint, 1.0, True)
        return Verdict(hint, max(0.0, held / self.hold_s), False)

    def taken(self) -> None:
        """The photo was taken by hand: wait for the picture to change before taking one by itself."""
        self._taken = self._previous
        self._ready_since = None

    def reset(self) -> None:
        """Forget the frames (a new step, the idle reset): nothing of the last picture is kept."""
        self._previous = self._taken = None
        self._ready_since = None
