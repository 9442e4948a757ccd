"""Issue 17, the screenshots of a self-submission with a declaration form, checked: every step at 1080×1920
fills most of the screen, every touch target is at least 12 mm, and what a citizen reads is at least the size
of the home screen's service names — the live camera steps (the card, a page in its outline, the pages taken as
thumbnails, one page with retake and delete) included. The pictures are the README's (python -m kiosk.form_screens)."""
from __future__ import annotations

import random
from pathlib import Path

import cv2
from PIL import Image

from kiosk.form_screens import capture_form_screens
from scanners import synthetic


def test_every_step_fills_the_screen_with_large_targets_and_large_text(make_hub, tmp_path: Path) -> None:  # noqa: ANN001
    hub = make_hub(example=True)
    camera = tmp_path / "camera"
    camera.mkdir()
    rng = random.Random(3)
    citizen = synthetic.random_citizen(rng)
    cv2.imwrite(str(camera / "000-card.png"), synthetic.photograph(synthetic.draw_card(citizen, rng=rng), rng=rng,
                                                                    fault=synthetic.Degradation.ROTATION))
    for i, photo in enumerate(synthetic.document_photo_set(2, seed=5), start=1):  # two pages: one is deleted
        cv2.imwrite(str(camera / f"{i:03d}-page.jpg"), photo.image)
    shots = capture_form_screens(tmp_path / "shots", hub_url=hub.url, token=hub.tokens["kiosk"], clock=hub.clock.time,
                                 camera_dir=camera, a4_dir=tmp_path / "a4")
    names = [m.name for _, m in shots.steps]
    assert names == ["1-procedure", "2-identify", "3-form-prefilled", "4-form-missing", "5-field-text", "6-field-date",
                     "7-field-choice", "8-form-complete", "9-document", "10-pages", "11-page", "12-review",
                     "13-submitted"]
    assert shots.service_text_px >= 30  # 7.5 mm on a 21.5-inch 1080×1920 screen
    for path, m in shots.steps:
        assert Image.open(path).size == (1080, 1920), m.name
        assert m.filled >= 0.5, m
        assert m.smallest_target_mm >= 12.0, m
        assert m.smallest_text_px >= shots.service_text_px, m
    assert len(list((tmp_path / "a4").glob("*.pdf"))) == 1  # the submitted declaration went to the A4 printer
    # Every screen of the submission says where the citizen is: how many steps come, "Bước i/6", all done.
    steps = {m.name: m.step for _, m in shots.steps}
    assert steps["1-procedure"] == "Nộp hồ sơ tại ki-ốt: 6 bước, bắt đầu bằng thẻ căn cước."
    assert steps["2-identify"] == "Bước 1/6: Người nộp"
    for name in ("3-form-prefilled", "4-form-missing", "5-field-text", "6-field-date", "7-field-choice",
                 "8-form-complete"):
        assert steps[name] == "Bước 2/6: Tờ khai", name  # the field editor too, not only the form's list
    assert steps["9-document"] == "Bước 4/6: Giấy tờ" and steps["12-review"] == "Bước 6/6: Kiểm tra và gửi"
    assert steps["10-pages"] == steps["11-page"] == "Bước 4/6: Giấy tờ"
    assert steps["13-submitted"] == "Hoàn tất: đã xong cả 6/6 bước"


def test_public_computer_mode_and_the_countdown_screens(make_hub, tmp_path: Path) -> None:  # noqa: ANN001
    from cups_support import free_port

    from kiosk.public_screens import capture_public_screens

    hub = make_hub(example=True)
    shots = capture_public_screens(tmp_path / "shots", hub_url=hub.url, token=hub.tokens["kiosk"],
                                   clock=hub.clock.time, a4_dir=tmp_path / "a4",
                                   unreachable_a4=f"cups://127.0.0.1:{free_port()}/A4")
    assert [m.name for _, m in shots.steps] == ["14-guidance", "15-print-failed", "16-still-there"]
    for path, m in shots.steps:
        assert Image.open(path).size == (1080, 1920), m.name
        assert m.filled >= 0.5, m
        assert m.smallest_target_mm >= 12.0, m
        assert m.smallest_text_px >= shots.service_text_px, m
    steps = {m.name: m.step for _, m in shots.steps}
    assert steps["14-guidance"] == "" and steps["16-still-there"] == "Bước 2/6: Tờ khai"  # browsing has no steps
    [sheet] = list((tmp_path / "a4").glob("*.pdf"))  # the guidance sheet, printed without submitting anything
    assert sheet.read_bytes().startswith(b"%PDF")
