"""The live view's judge (scanners.steady) on real frames made from the synthetic photos: a still page is taken
after a second and once only, a moving, blurred, dark, far or missing page is not, and each gets its hint."""
from __future__ import annotations

import random

import cv2
import numpy as np
import pytest

from scanners import synthetic
from scanners.steady import (
    CARD_OUTLINE,
    HOLD_S,
    Hint,
    SteadyWatch,
    difference,
    judge,
    look_at,
    preview_rgb,
    small_grey,
)


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    """A photographed A4 page on a desk, 1920×1080 (the fixture image the other frames are made from)."""
    return synthetic.document_photo_set(1, seed=5)[0].image


@pytest.fixture(scope="module")
def card() -> np.ndarray:
    rng = random.Random(3)
    citizen = synthetic.random_citizen(rng)
    return synthetic.photograph(synthetic.draw_card(citizen, rng=rng), rng=rng, fault=synthetic.Degradation.ROTATION)


def shifted(frame: np.ndarray, share: float) -> np.ndarray:
    """The frame moved sideways by a share of its width (a hand that moved between two frames)."""
    h, w = frame.shape[:2]
    m = np.float32([[1, 0, w * share], [0, 1, h * share / 2]])
    return cv2.warpAffine(frame, m, (w, h), borderMode=cv2.BORDER_REPLICATE)


def noisy(frame: np.ndarray, seed: int) -> np.ndarray:
    """The same scene as the next frame of a real sensor: a little noise (σ = 3 grey levels)."""
    noise = np.random.default_rng(seed).normal(0, 3, frame.shape)
    return np.clip(frame.astype(np.int16) + noise, 0, 255).astype(np.uint8)


def far() -> np.ndarray:
    """A page half the frame's height on a plain desk (held too far from the camera)."""
    rng = random.Random(4)
    doc = cv2.cvtColor(np.asarray(synthetic.draw_document(rng=rng)), cv2.COLOR_RGB2BGR)
    small = cv2.resize(doc, (round(doc.shape[1] * 550 / doc.shape[0]), 550), interpolation=cv2.INTER_AREA)
    out = np.full((1080, 1920, 3), 60, np.uint8)
    y, x = (1080 - 550) // 2, (1920 - small.shape[1]) // 2
    out[y:y + 550, x:x + small.shape[1]] = small
    return out


def test_a_still_sharp_page_is_ready_and_found_in_the_outline(page: np.ndarray) -> None:
    a, b = look_at(noisy(page, 1)), look_at(noisy(page, 2))
    assert a.found and a.fill is not None and a.fill > 0.25 and a.quad is not None and len(a.quad) == 4
    assert difference(a, b) < 1.0  # sensor noise alone
    assert judge(a, b) is Hint.READY
    assert judge(None, b) is Hint.HOLD_STILL  # one frame says nothing about steadiness


@pytest.mark.parametrize("share", [0.005, 0.01, 0.03])
def test_a_moving_page_is_told_to_hold_still(page: np.ndarray, share: float) -> None:
    a, b = look_at(page), look_at(shifted(page, share))
    assert difference(a, b) > 1.5
    assert judge(a, b) is Hint.HOLD_STILL


@pytest.mark.parametrize("sigma", [4, 6])
def test_a_blurred_page_is_not_taken(page: np.ndarray, sigma: float) -> None:
    blurred = cv2.GaussianBlur(page, (0, 0), sigma)
    sharp, soft = look_at(page), look_at(blurred)
    assert soft.sharpness < 100 < sharp.sharpness
    assert judge(look_at(blurred), soft) is Hint.BLURRY


def test_a_dark_a_missing_and_a_far_page(page: np.ndarray) -> None:
    dark = (page * 0.2).astype(np.uint8)
    assert judge(look_at(dark), look_at(dark)) is Hint.TOO_DARK
    desk = synthetic.desk_background(random.Random(1), (page.shape[1], page.shape[0]))
    assert judge(look_at(desk), look_at(desk)) is Hint.PLACE
    small = far()
    look = look_at(small)
    assert look.found and look.fill is not None and look.fill < 0.25
    assert judge(look, look_at(small)) is Hint.MOVE_CLOSER


def test_a_card_is_judged_without_looking_for_a_page(card: np.ndarray) -> None:
    a = look_at(card, outline=CARD_OUTLINE, find=False)
    assert a.fill is None and a.quad is None
    assert judge(a, look_at(noisy(card, 3), outline=CARD_OUTLINE, find=False), find=False) is Hint.READY
    blurred = cv2.GaussianBlur(card, (0, 0), 5)
    b = look_at(blurred, outline=CARD_OUTLINE, find=False)
    assert judge(b, b, find=False) is Hint.BLURRY


def test_the_watch_takes_a_page_after_a_second_held_still_and_once(page: np.ndarray) -> None:
    watch = SteadyWatch()
    t = 100.0
    frames = [noisy(page, i) for i in range(12)]
    verdicts = []
    for i, frame in enumerate(frames):
        verdicts.append(watch.feed(look_at(frame), t + i * 0.2))
    takes = [i for i, v in enumerate(verdicts) if v.take]
    # frame 0 starts the watch (nothing to compare), frame 1 is the first steady one: 1.0 s later is frame 6.
    assert takes == [1 + round(HOLD_S / 0.2)]
    assert 0 < verdicts[3].progress < 1 and verdicts[3].hint is Hint.READY
    assert all(v.hint is Hint.TAKEN for v in verdicts[takes[0] + 1:])  # the same page: never twice
    # The page taken away (the desk), then the next page laid down: taken again after a second.
    desk = synthetic.desk_background(random.Random(2), (page.shape[1], page.shape[0]))
    assert watch.feed(look_at(desk), t + 3).hint is Hint.PLACE
    other = synthetic.document_photo_set(2, seed=9)[1].image
    later = [watch.feed(look_at(noisy(other, 50 + i)), t + 4 + i * 0.25) for i in range(7)]
    assert [i for i, v in enumerate(later) if v.take] == [1 + round(HOLD_S / 0.25)]


def test_a_move_restarts_the_hold(page: np.ndarray) -> None:
    watch = SteadyWatch()
    watch.feed(look_at(page), 0.0)
    assert watch.feed(look_at(noisy(page, 1)), 0.2).hint is Hint.READY
    assert watch.feed(look_at(shifted(page, 0.02)), 0.9).hint is Hint.HOLD_STILL
    moved = shifted(page, 0.02)
    assert not watch.feed(look_at(noisy(moved, 2)), 1.3).take  # steady again only since 1.3 s
    assert not watch.feed(look_at(noisy(moved, 3)), 2.2).take
    assert watch.feed(look_at(noisy(moved, 4)), 2.4).take


def test_a_photo_taken_by_hand_waits_for_the_next_page_and_reset_forgets(page: np.ndarray) -> None:
    watch = SteadyWatch()
    watch.feed(look_at(page), 0.0)
    watch.taken()
    assert [watch.feed(look_at(noisy(page, i)), 0.5 * i).take for i in range(1, 6)] == [False] * 5
    watch.reset()
    assert watch._previous is None and watch._taken is None  # noqa: SLF001 - nothing of the picture is kept


def test_frames_are_judged_small(page: np.ndarray) -> None:
    assert max(small_grey(page).shape) == 480
    assert max(preview_rgb(page, side=960).shape[:2]) == 960
    assert preview_rgb(page, side=960)[..., 0].mean() == pytest.approx(
        cv2.resize(page, (960, 540), interpolation=cv2.INTER_AREA)[..., 2].mean(), abs=0.01)  # RGB, not BGR
