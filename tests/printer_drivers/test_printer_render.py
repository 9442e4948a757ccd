"""Vietnamese text rendering, compared with a reference rendering of the same text."""
from __future__ import annotations

import gc
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from printer_reference import iou, reference_ink, strip_marks

from printer_drivers import render
from printer_drivers.document import Paper
from printer_drivers.inkcache import image_bytes, ink_cache
from printer_drivers.layouts import VOWELS_WITH_TONES, Styles
from printer_drivers.render import TextStyle

SENTENCES = [
    "Trung tâm Phục vụ hành chính công tỉnh Bắc Ninh",
    "Đăng ký biến động quyền sử dụng đất",
    "Nguyễn Thị Hồng Nhung — Trần Văn Đức",
    "Người đưa con nhỏ dưới 36 tháng tuổi",
    "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
]


@pytest.mark.parametrize("style", [TextStyle(24), TextStyle(22, True), TextStyle(20)], ids=str)
def test_every_vowel_and_tone_matches_its_own_reference_best(style):
    """Each of the 72 toned vowels (and upper case, and Đ/đ) looks most like itself among its tones.

    The reference is drawn at the printer's ink threshold, so that the comparison is about the marks,
    not about where an anti-aliased edge falls."""
    groups = [list(row) for row in VOWELS_WITH_TONES] + [list(row.upper()) for row in VOWELS_WITH_TONES]
    groups.append(["Đ", "D"])
    groups.append(["đ", "d"])
    for group in groups:
        refs = {c: reference_ink(c, style.size, style.bold, threshold=render.INK_THRESHOLD) for c in group}
        for letter in group:
            ours = render.render_line(letter, style).image
            scores = {c: iou(ours, ref) for c, ref in refs.items()}
            best = max(scores, key=scores.get)
            assert best == letter, (letter, scores)
            assert scores[letter] >= 0.97, (letter, scores)
            others = [v for c, v in scores.items() if c != letter]
            assert max(others) < min(0.99, scores[letter]), (letter, scores)


@pytest.mark.parametrize("text", SENTENCES)
def test_sentences_match_the_reference_and_not_a_broken_code_page(text):
    style = TextStyle(24)
    ours = render.render_line(text, style).image
    same = iou(ours, reference_ink(text, style.size))
    assert same >= 0.9
    for broken in (strip_marks(text), "".join("?" if ord(c) > 127 else c for c in text)):
        assert iou(ours, reference_ink(broken, style.size)) < same - 0.02, broken


def test_decomposed_input_renders_like_precomposed():
    nfc = "Bắc Ninh, Đường Lý Thái Tổ"
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfd != nfc
    a = render.render_line(render.normalize(nfd), TextStyle(24)).image
    b = render.render_line(nfc, TextStyle(24)).image
    assert a.tobytes() == b.tobytes()


def test_rendered_line_is_cropped_to_ink():
    ink = render.render_line("Đất đai", TextStyle(30, True))
    img = ink.image
    assert img.mode == "1" and img.getbbox() == (0, 0, img.width, img.height)
    assert render.render_line("   ", TextStyle(24)).image.width == 0


words = st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵĐ",
                min_size=1, max_size=14)


@settings(max_examples=40, deadline=None)
@given(st.lists(words, min_size=1, max_size=30), st.sampled_from([200, 384, 576]))
def test_wrap_fits_the_width_and_keeps_every_word(ws, width):
    style = TextStyle(22)
    text = " ".join(ws)
    lines = render.wrap(text, style, width)
    for line in lines:
        assert render.text_width(line, style) <= width
    assert "".join("".join(lines).split()) == "".join(text.split())
    balanced = render.wrap_balanced(text, style, width)
    assert len(balanced) == len(lines)
    assert "".join("".join(balanced).split()) == "".join(text.split())


def test_qr_image_decodes():
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import ImageOps

    url = "http://hcc.bacninh.local:8470/t/6f1c1f0e-2a4b-4c1d-9a57-3c1e0d9b1023"
    img = render.qr_image(url, module=4)
    framed = ImageOps.expand(ImageOps.invert(img.convert("L")), border=24, fill=255)
    assert [r.text for r in zxingcpp.read_barcodes(framed)] == [url]


def _live_image_bytes() -> int:
    return sum(image_bytes(o) for o in gc.get_objects() if isinstance(o, Image.Image))


def test_a_run_of_tickets_leaves_bounded_images_behind():
    """Issue 10: each ticket's own number and QR code (100-150 KB on screen) went into caches bounded by
    entries (2,048 lines, 256 codes), and a soaked kiosk crept by ~0.5 MiB a minute. The caches now hold
    at most their byte budgets, and still return the lines a kiosk prints all day without rendering again."""
    styles = Styles.for_ticket(Paper())
    center = "Trung tâm Phục vụ hành chính công"
    header = render.render_line(center, styles.header)
    gc.collect()
    before = _live_image_bytes()
    for i in range(120):
        assert render.render_line(center, styles.header) is header  # every ticket prints it: never evicted
        render.render_line(f"{i + 1:06d}", styles.number)
        render.qr_image(f"https://hcc.example.vn/t/2026-11-29/DD/{i + 1:06d}", module=10)
    gc.collect()
    held = _live_image_bytes() - before
    assert held <= render.LINE_CACHE_BYTES + render.QR_CACHE_BYTES, f"{held / 2**20:.1f} MiB of images held"


def test_ink_cache_evicts_least_recently_used_by_bytes():
    """The budget is in bytes: a big result pushes out the oldest small ones, one over the budget is not kept."""
    made: list[int] = []

    @ink_cache(max_bytes=100 * 100, size_of=image_bytes)
    def square(side: int) -> Image.Image:
        made.append(side)
        return Image.new("1", (side, side))

    square(50), square(50), square(60)  # 2,500 + 3,600 bytes
    assert made == [50, 60] and square.cache_info().bytes == 6100
    square(50)  # now the most recent: 60 goes first
    square(70)  # 4,900 bytes: 2,500 + 3,600 + 4,900 > 10,000
    assert square.cache_info().currsize == 2 and square.cache_info().bytes == 7400
    square(50)
    assert made == [50, 60, 70]
    square(200)  # 40,000 bytes: bigger than the whole budget, returned but not kept
    square(200)
    assert made == [50, 60, 70, 200, 200] and square.cache_info().bytes == 7400
