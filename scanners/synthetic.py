"""Made-up citizen ID cards and camera photos of them, for the demo's folder camera, tests and benchmarks.

Every citizen here is invented (random names from common Vietnamese family, middle and given names);
nothing is a real person's data. A photo is a 1280×720 BGR frame (what a kiosk camera delivers): a card
drawn with Pillow — its QR code made with the `qrcode` package from a UTF-8 CCCD payload, printed
Vietnamese text, a guilloche-like background — placed on a desk background and degraded with OpenCV
(rotation, perspective, small size, blur, low contrast, noise, JPEG).
"""
from __future__ import annotations

import enum
import logging
import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
import qrcode
from PIL import Image, ImageDraw, ImageFont

log = logging.getLogger(__name__)

FONT_DIR = Path(__file__).resolve().parent.parent / "assets" / "fonts"
FRAME_SIZE = (1280, 720)
"""Width and height of a generated photo: a 720p kiosk camera frame."""
CARD_SIZE = (856, 540)
"""A CCCD card (ID-1, 85.6 × 54 mm) at 10 px per mm."""

_SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
             "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trương", "Lương", "Mai")
_MIDDLE_M = ("Văn", "Hữu", "Đức", "Công", "Quang", "Minh", "Thành", "Xuân", "Đình", "Ngọc")
_MIDDLE_F = ("Thị", "Ngọc", "Thu", "Thanh", "Phương", "Kim", "Mỹ", "Diệu", "Hoài", "Bích")
_GIVEN_M = ("Anh", "Bảo", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Khôi", "Lộc", "Nghĩa", "Phúc", "Quý",
            "Sơn", "Thắng", "Toàn", "Trí", "Tuấn", "Việt", "Vĩnh", "Hưng")
_GIVEN_F = ("Anh", "Chi", "Diễm", "Giang", "Hà", "Hằng", "Hương", "Lan", "Linh", "Mai", "Ngân", "Nhung",
            "Oanh", "Phượng", "Quyên", "Thảo", "Trâm", "Tuyết", "Yến", "Ánh")
_STREETS = ("Tràng Tiền", "Lê Lợi", "Nguyễn Huệ", "Trần Hưng Đạo", "Hai Bà Trưng", "Điện Biên Phủ",
            "Lý Thường Kiệt", "Hùng Vương", "Phan Đình Phùng", "Võ Thị Sáu")
_PLACES = (("001", "phường Hoàn Kiếm, Hà Nội"), ("001", "phường Đống Đa, Hà Nội"),
           ("079", "phường Bến Thành, TP. Hồ Chí Minh"), ("048", "phường Hải Châu, Đà Nẵng"),
           ("031", "phường Lê Chân, Hải Phòng"), ("027", "xã Yên Phong, tỉnh Bắc Ninh"),
           ("046", "phường Thuận Hóa, TP. Huế"), ("092", "phường Ninh Kiều, Cần Thơ"),
           ("066", "xã Ea Kar, tỉnh Đắk Lắk"), ("038", "xã Quảng Xương, tỉnh Thanh Hóa"))


@dataclass(frozen=True, slots=True, repr=False)
class Citizen:
    """An invented card holder and the payload of the QR code on their card."""

    id: str
    old_id: str | None
    name: str
    dob: date
    gender: str
    address: str
    issued: date
    extra: tuple[str, ...] = ()

    @property
    def payload(self) -> str:
        """The QR text: seven `|`-separated fields, plus the extra ones of a July-2024 card."""
        fields = [self.id, self.old_id or "", self.name, self.dob.strftime("%d%m%Y"), self.gender,
                  self.address, self.issued.strftime("%d%m%Y"), *self.extra]
        return "|".join(fields)

    def __repr__(self) -> str:
        return f"Citizen(id='{self.id[:3]}…')"


def random_citizen(rng: random.Random) -> Citizen:
    """An invented citizen whose ID number agrees with the birth year and gender (Circular 59/2021)."""
    female = rng.random() < 0.5
    name = " ".join((rng.choice(_SURNAMES), rng.choice(_MIDDLE_F if female else _MIDDLE_M),
                     rng.choice(_GIVEN_F if female else _GIVEN_M)))
    dob = date(1940, 1, 1) + timedelta(days=rng.randrange(0, 365 * 66))
    province, place = rng.choice(_PLACES)
    century = (dob.year // 100 - 19) * 2 + (1 if female else 0)
    id_ = f"{province}{century}{dob.year % 100:02d}{rng.randrange(10**6):06d}"
    old_id = f"{rng.randrange(10**9):09d}" if rng.random() < 0.5 else None
    address = f"Số {rng.randrange(1, 300)} {rng.choice(_STREETS)}, {place}"
    issued = max(dob + timedelta(days=365 * 14), date(2021, 1, 1)) + timedelta(days=rng.randrange(0, 1900))
    extra: tuple[str, ...] = ()
    if issued >= date(2024, 7, 1):
        extra = (" ".join((rng.choice(_SURNAMES), "Văn", rng.choice(_GIVEN_M))),
                 " ".join((rng.choice(_SURNAMES), "Thị", rng.choice(_GIVEN_F))), "", "")
    return Citizen(id=id_, old_id=old_id, name=name, dob=dob, gender="Nữ" if female else "Nam",
                   address=address, issued=issued, extra=extra)


@lru_cache(maxsize=16)
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_DIR / ("NotoSans-Bold.ttf" if bold else "NotoSans-Regular.ttf")), size)


def qr_image(data: bytes, *, border: int = 2, mask: int | None = None) -> Image.Image:
    """A QR code (byte mode, error correction M) as a 1-pixel-per-module grey image."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=1, border=border,
                         mask_pattern=mask)
    code.add_data(data)
    code.make(fit=True)
    return code.make_image().get_image().convert("L")


_INK = (30, 35, 45)
_RED = (170, 30, 35)
_FIELDS = (("Số / No.:", 28, True), ("Họ và tên / Full name:", 24, True), ("Ngày sinh / Date of birth:", 22, False),
           ("Giới tính / Sex:", 22, False), ("Quốc tịch / Nationality:", 22, False),
           ("Nơi thường trú / Place of residence:", 18, False))


@lru_cache(maxsize=1)
def _card_template() -> Image.Image:
    """Everything printed alike on every card: background, header, emblem, photo box, field labels."""
    w, h = CARD_SIZE
    y = np.linspace(0.0, 1.0, h)[:, None]
    x = np.linspace(0.0, 1.0, w)[None, :]
    base = np.stack([225 + 18 * x - 10 * y, 236 - 10 * x + 6 * y, 238 + 8 * y - 6 * x], axis=-1)  # RGB
    # Guilloche-like security lines, faint enough to sit behind text as on a real card.
    wave = np.sin(x * 60 + np.sin(y * 9) * 3) * np.cos(y * 47 + np.sin(x * 7) * 2)
    base += wave[..., None] * 7.0
    card = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8), "RGB")
    d = ImageDraw.Draw(card)
    for text, y0, size, bold, fill in (("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 22, 20, True, _INK),
                                       ("Độc lập - Tự do - Hạnh phúc", 50, 18, True, _INK),
                                       ("CĂN CƯỚC CÔNG DÂN", 84, 34, True, _RED),
                                       ("Citizen Identity Card", 128, 18, False, _INK)):
        d.text((395, y0), text, font=_font(size, bold), fill=fill, anchor="ma")
    d.ellipse((30, 20, 150, 140), outline=_RED, width=5)
    star = [(90 + 38 * math.sin(k * math.pi / 5) * (1 if k % 2 == 0 else 0.4),
             80 - 38 * math.cos(k * math.pi / 5) * (1 if k % 2 == 0 else 0.4)) for k in range(10)]
    d.polygon(star, fill=_RED)
    # Photo placeholder: a grey portrait box.
    d.rectangle((30, 190, 200, 420), fill=(170, 175, 185), outline=(120, 125, 135), width=2)
    d.ellipse((75, 225, 155, 315), fill=(140, 145, 155))
    d.rectangle((65, 320, 165, 420), fill=(140, 145, 155))
    ty = 180
    for label, size, _bold in _FIELDS:
        d.text((220, ty), label, font=_font(16), fill=_INK)
        ty += 24 + size
    return card


def draw_card(citizen: Citizen, *, rng: random.Random) -> Image.Image:
    """The front of a chip-based CCCD card (RGB, 856×540) with the QR code at the top right."""
    w, _h = CARD_SIZE
    card = _card_template().copy()
    d = ImageDraw.Draw(card)
    values = (citizen.id, citizen.name.upper(), citizen.dob.strftime("%d/%m/%Y"), citizen.gender, "Việt Nam",
              citizen.address)
    ty = 180
    for (_label, size, bold), value in zip(_FIELDS, values, strict=True):
        d.text((220, ty + 17), value[:48], font=_font(size, bold), fill=_INK)
        ty += 24 + size
    d.text((30, 470), f"Có giá trị đến: {citizen.issued.year + 25}", font=_font(18), fill=_INK)
    # The QR code on its white patch. Any of the eight masks makes a valid code; choosing one at random
    # skips qrcode's slow mask scoring.
    qr = qr_image(citizen.payload.encode("utf-8"), mask=rng.randrange(8))
    side = 200  # 20 mm on the card, whatever the version (a longer payload makes smaller modules)
    card.paste(qr.resize((side, side), Image.Resampling.BOX), (w - side - 20, 16))
    return card


class Degradation(enum.Enum):
    """What is wrong with a photo, one main fault per photo on top of a mild tilt and JPEG."""

    ROTATION = "rotation"
    BLUR = "blur"
    PERSPECTIVE = "perspective"
    SMALL = "small"
    LOW_CONTRAST = "low_contrast"
    NOISE = "noise"
    COMBINED = "combined"


def _background(rng: random.Random) -> np.ndarray:
    w, h = FRAME_SIZE
    ends = np.array([[[rng.randrange(60, 200) for _ in range(3)], [rng.randrange(40, 220) for _ in range(3)]]],
                    dtype=np.uint8)
    img = cv2.resize(ends, (w, h), interpolation=cv2.INTER_LINEAR)
    # Wood-grain-like streaks and a few objects on the desk.
    streak = (np.sin(np.linspace(0, rng.uniform(20, 80), h, dtype=np.float32)) * rng.uniform(4, 14) + 14).astype(np.uint8)
    img = cv2.add(img, np.repeat(np.repeat(streak[:, None, None], w, axis=1), 3, axis=2))
    for _ in range(rng.randrange(2, 6)):
        x0, y0 = rng.randrange(0, w), rng.randrange(0, h)
        color = tuple(rng.randrange(0, 255) for _ in range(3))
        cv2.rectangle(img, (x0, y0), (x0 + rng.randrange(40, 300), y0 + rng.randrange(20, 200)), color, -1)
    return img


def photograph(card: Image.Image, *, rng: random.Random, fault: Degradation) -> np.ndarray:
    """A 1280×720 BGR photo of `card` on a desk with `fault` applied."""
    cv2.setRNGSeed(rng.randrange(2**31))
    w, h = FRAME_SIZE
    img = _background(rng)
    src = cv2.cvtColor(np.asarray(card), cv2.COLOR_RGB2BGR)
    ch, cw = src.shape[:2]
    combined = fault is Degradation.COMBINED
    # Card width in the frame: the QR is about 23 % of it, so 640 px gives ~2.6 px per module.
    width = rng.uniform(600, 820)
    if fault is Degradation.SMALL or (combined and rng.random() < 0.3):
        width = rng.uniform(480, 560)
    angle = rng.uniform(-12, 12)
    if fault is Degradation.ROTATION or combined:
        angle = rng.uniform(0, 360)
    jitter = 0.03
    if fault is Degradation.PERSPECTIVE or combined:
        jitter = rng.uniform(0.08, 0.16)
    scale = width / cw
    corners = np.array([[0, 0], [cw, 0], [cw, ch], [0, ch]], dtype=np.float32)
    centered = (corners - [cw / 2, ch / 2]) * scale
    rad = math.radians(angle)
    rot = np.array([[math.cos(rad), -math.sin(rad)], [math.sin(rad), math.cos(rad)]], dtype=np.float32)
    placed = centered @ rot.T
    placed += np.array([[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(4)], dtype=np.float32) * (jitter * width)
    # Keep the whole card in the frame: a card held at an angle is held further away.
    lo, hi = placed.min(axis=0), placed.max(axis=0)
    fit = min(1.0, (w - 8) / float(hi[0] - lo[0]), (h - 8) / float(hi[1] - lo[1]))
    placed *= fit
    lo, hi = placed.min(axis=0), placed.max(axis=0)
    cx = rng.uniform(-lo[0] + 4, w - hi[0] - 4) if w - hi[0] - 4 > -lo[0] + 4 else w / 2
    cy = rng.uniform(-lo[1] + 4, h - hi[1] - 4) if h - hi[1] - 4 > -lo[1] + 4 else h / 2
    placed += [cx, cy]
    matrix = cv2.getPerspectiveTransform(corners, placed.astype(np.float32))
    # Pre-shrink with area averaging so that the warp does not alias the QR modules (a lens integrates).
    if scale < 0.9:
        src = cv2.resize(src, None, fx=scale * fit, fy=scale * fit, interpolation=cv2.INTER_AREA)
        matrix = matrix @ np.diag([1 / (scale * fit), 1 / (scale * fit), 1.0])
    cv2.warpPerspective(src, matrix, (w, h), dst=img, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_TRANSPARENT)
    # Uneven lighting across the frame.
    gain = cv2.resize(np.array([[rng.uniform(0.85, 1.0), rng.uniform(0.85, 1.1)]], dtype=np.float32), (w, h))
    img = cv2.multiply(img, cv2.merge([gain, gain, gain]), dtype=cv2.CV_8U)
    if fault is Degradation.LOW_CONTRAST or (combined and rng.random() < 0.4):
        c = rng.uniform(0.3, 0.45)
        mean = float(img.mean())
        img = cv2.convertScaleAbs(img, alpha=c, beta=mean * (1 - c) + rng.uniform(-20, 20))
    if fault is Degradation.BLUR or combined:
        sigma = rng.uniform(0.8, 1.5) if not combined else rng.uniform(0.5, 1.0)
        img = cv2.GaussianBlur(img, (0, 0), sigma)
    else:
        img = cv2.GaussianBlur(img, (0, 0), 0.5)  # every lens is a little soft
    if fault is Degradation.NOISE or combined:
        sigma = rng.uniform(6, 12) if not combined else rng.uniform(3, 7)
        noise = np.empty(img.shape, np.int16)
        cv2.randn(noise, 0, sigma)
        img = cv2.add(img, noise, dtype=cv2.CV_8U)
    ok, jpeg = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, rng.randrange(70, 92)])
    if not ok:  # pragma: no cover - OpenCV always encodes a uint8 BGR image
        raise RuntimeError("JPEG encoding failed")
    return cv2.imdecode(jpeg, cv2.IMREAD_COLOR)


def photo_set(count: int, *, seed: int = 7) -> list[tuple[Citizen, Degradation, np.ndarray]]:
    """`count` photos of invented cards, the faults taken in turn."""
    rng = random.Random(seed)
    faults = list(Degradation)
    out = []
    for i in range(count):
        citizen = random_citizen(rng)
        fault = faults[i % len(faults)]
        out.append((citizen, fault, photograph(draw_card(citizen, rng=rng), rng=rng, fault=fault)))
    return out


def write_photo_folder(folder: Path, *, count: int, seed: int = 7) -> list[Citizen]:
    """Write `count` photos as 0001.jpg… into `folder` (a folder camera for the demo); returns the citizens."""
    folder.mkdir(parents=True, exist_ok=True)
    citizens = []
    for i, (citizen, _fault, img) in enumerate(photo_set(count, seed=seed), start=1):
        cv2.imwrite(str(folder / f"{i:04d}.jpg"), img)
        citizens.append(citizen)
    log.info("wrote %d synthetic card photos to %s", count, folder)
    return citizens


# -- documents (kiosk self-submission: a page photographed with the kiosk camera) ----------------------

DOCUMENT_FRAME_SIZE = (1920, 1080)
"""Width and height of a generated document photo: a 1080p kiosk document camera."""
A4_PAGE_SIZE = (827, 1169)
"""An A4 page (210 × 297 mm) at 100 dpi, portrait."""
DOCUMENT_MARKER = (0.85, 0.92, 0.06)
"""The black square printed on every generated page: centre x, centre y (fractions of the page's width and
height, in its own orientation) and side (a fraction of the page's width)."""

_DOC_TITLES = ("TỜ KHAI ĐĂNG KÝ KHAI SINH", "ĐƠN ĐỀ NGHỊ CẤP BẢN SAO", "TỜ KHAI ĐĂNG KÝ KẾT HÔN",
               "ĐƠN XIN XÁC NHẬN TÌNH TRẠNG HÔN NHÂN", "GIẤY ĐỀ NGHỊ ĐĂNG KÝ HỘ KINH DOANH",
               "ĐƠN ĐỀ NGHỊ CẤP GIẤY PHÉP XÂY DỰNG")
_DOC_LABELS = ("Họ, chữ đệm, tên người yêu cầu", "Ngày, tháng, năm sinh", "Nơi cư trú", "Số định danh cá nhân",
               "Quan hệ với người được khai sinh", "Đề nghị cơ quan đăng ký", "Nơi sinh", "Dân tộc", "Quốc tịch",
               "Giấy tờ tùy thân", "Số điện thoại liên hệ", "Địa chỉ thư điện tử")
_DOC_WORDS = ("tôi", "cam đoan", "những", "nội dung", "khai", "trên", "đây", "là", "đúng", "sự thật", "và",
              "chịu", "trách nhiệm", "trước", "pháp luật", "về", "cam kết", "của", "mình", "đề nghị", "cơ quan",
              "có thẩm quyền", "xem xét", "giải quyết", "hồ sơ", "theo", "quy định", "hiện hành", "Ủy ban",
              "nhân dân", "phường", "xã", "tỉnh", "thành phố", "giấy tờ", "kèm theo", "bản chính", "bản sao")


@dataclass(frozen=True, slots=True)
class DocumentPhoto:
    """A generated photo of a page and where the page really is in it (the tests' ground truth)."""

    image: np.ndarray
    """The BGR frame."""
    corners: np.ndarray
    """The page's corners in the frame (4×2 float32): its top-left, top-right, bottom-right, bottom-left."""
    landscape: bool
    blur_sigma: float


def draw_document(*, rng: random.Random, landscape: bool = False) -> Image.Image:
    """An A4 form (RGB, 100 dpi) with Vietnamese text lines and the black marker square of DOCUMENT_MARKER."""
    w, h = A4_PAGE_SIZE if not landscape else A4_PAGE_SIZE[::-1]
    paper = tuple(rng.randrange(238, 253) for _ in range(3))
    page = Image.new("RGB", (w, h), paper)
    d = ImageDraw.Draw(page)
    margin = 70
    d.text((w // 2, 60), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", font=_font(22, True), fill=_INK, anchor="ma")
    d.text((w // 2, 92), "Độc lập - Tự do - Hạnh phúc", font=_font(20, True), fill=_INK, anchor="ma")
    d.line((w // 2 - 110, 122, w // 2 + 110, 122), fill=_INK, width=2)
    d.text((w // 2, 150), rng.choice(_DOC_TITLES), font=_font(26, True), fill=_INK, anchor="ma")
    y = 210
    bottom = int(h * 0.8)
    labels = list(_DOC_LABELS)
    rng.shuffle(labels)
    for label in labels:
        if y > bottom * 0.55:
            break
        d.text((margin, y), f"{label}: ", font=_font(17), fill=_INK)
        x0 = margin + int(d.textlength(f"{label}: ", font=_font(17)))
        d.line((x0, y + 20, w - margin, y + 20), fill=(120, 120, 120), width=1)
        if rng.random() < 0.7:  # filled in by hand (well, in blue ink)
            name = " ".join((rng.choice(_SURNAMES), rng.choice(_MIDDLE_M), rng.choice(_GIVEN_M)))
            d.text((x0 + 10, y - 2), name, font=_font(18), fill=(30, 50, 150))
        y += 38
    y += 10
    while y < bottom:
        line = " ".join(rng.choice(_DOC_WORDS) for _ in range(rng.randrange(8, 16)))
        d.text((margin, y), line.capitalize()[: (w - 2 * margin) // 9], font=_font(17), fill=_INK)
        y += 30
    d.text((w - margin - 200, bottom + 20), "NGƯỜI YÊU CẦU", font=_font(18, True), fill=_INK, anchor="ma")
    d.text((w - margin - 200, bottom + 46), "(Ký, ghi rõ họ tên)", font=_font(15), fill=_INK, anchor="ma")
    cx, cy, side = DOCUMENT_MARKER
    half = side * w / 2
    d.rectangle((cx * w - half, cy * h - half, cx * w + half, cy * h + half), fill=(0, 0, 0))
    return page


def desk_background(rng: random.Random, size: tuple[int, int] = DOCUMENT_FRAME_SIZE) -> np.ndarray:
    """A desk, darker than paper, with a few things lying on it."""
    img = cv2.resize(_background(rng), size, interpolation=cv2.INTER_LINEAR)
    return cv2.convertScaleAbs(img, alpha=rng.uniform(0.55, 0.85))


def photograph_document(page: Image.Image, *, rng: random.Random, blur_sigma: float | None = None,
                        shadow: bool | None = None, frame_size: tuple[int, int] = DOCUMENT_FRAME_SIZE) -> DocumentPhoto:
    """A BGR photo of `page` on a desk: tilted, in perspective, unevenly lit, maybe shadowed, soft, JPEG."""
    cv2.setRNGSeed(rng.randrange(2**31))
    w, h = frame_size
    img = desk_background(rng, frame_size)
    src = cv2.cvtColor(np.asarray(page), cv2.COLOR_RGB2BGR)
    ph, pw = src.shape[:2]
    # The page's long side covers 55-92 % of the frame height (a portrait page is held upright).
    long_px = rng.uniform(0.55, 0.92) * h
    scale = long_px / max(pw, ph)
    corners = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], dtype=np.float32)
    centered = (corners - [pw / 2, ph / 2]) * scale
    rad = math.radians(rng.uniform(-20, 20))
    rot = np.array([[math.cos(rad), -math.sin(rad)], [math.sin(rad), math.cos(rad)]], dtype=np.float32)
    placed = centered @ rot.T
    jitter = rng.uniform(0.0, 0.08) * long_px
    placed += np.array([[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(4)], dtype=np.float32) * jitter
    lo, hi = placed.min(axis=0), placed.max(axis=0)
    fit = min(1.0, (w - 20) / float(hi[0] - lo[0]), (h - 20) / float(hi[1] - lo[1]))
    placed *= fit
    lo, hi = placed.min(axis=0), placed.max(axis=0)
    placed += [rng.uniform(-lo[0] + 10, w - hi[0] - 10), rng.uniform(-lo[1] + 10, h - hi[1] - 10)]
    placed = placed.astype(np.float32)
    matrix = cv2.getPerspectiveTransform(corners, placed)
    # Shrink with area averaging first so that the warp does not alias the text (a lens integrates).
    pre = scale * fit
    if pre < 0.9:
        src = cv2.resize(src, None, fx=pre, fy=pre, interpolation=cv2.INTER_AREA)
        matrix = matrix @ np.diag([1 / pre, 1 / pre, 1.0])
    cv2.warpPerspective(src, matrix, (w, h), dst=img, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_TRANSPARENT)
    # Uneven lighting, and sometimes the shadow of a head or an arm over part of the page.
    gain = cv2.resize(np.array([[rng.uniform(0.8, 1.0), rng.uniform(0.85, 1.05)],
                                [rng.uniform(0.8, 1.0), rng.uniform(0.85, 1.05)]], dtype=np.float32), (w, h))
    if shadow if shadow is not None else rng.random() < 0.5:
        # Drawn at 1/8 size: a soft shadow has no detail, and a large blur at full size is slow.
        sw, sh = w // 8, h // 8
        mask = np.zeros((sh, sw), np.float32)
        x0, y0 = rng.uniform(0, sw), rng.uniform(0, sh)
        blob = np.array([[x0 + rng.uniform(-1, 1) * sw * 0.4, y0 + rng.uniform(-1, 1) * sh * 0.4] for _ in range(5)],
                        dtype=np.float32)
        cv2.fillConvexPoly(mask, cv2.convexHull(blob).astype(np.int32), 1.0)
        mask = cv2.resize(cv2.GaussianBlur(mask, (0, 0), rng.uniform(2, 6)), (w, h), interpolation=cv2.INTER_LINEAR)
        gain *= 1.0 - mask * rng.uniform(0.25, 0.45)
    img = cv2.multiply(img, cv2.merge([gain, gain, gain]), dtype=cv2.CV_8U)
    sigma = blur_sigma if blur_sigma is not None else rng.uniform(0.4, 1.1)
    if sigma > 0:
        img = cv2.GaussianBlur(img, (0, 0), sigma)
    noise = np.empty(img.shape, np.int16)
    cv2.randn(noise, 0, rng.uniform(1, 5))
    img = cv2.add(img, noise, dtype=cv2.CV_8U)
    ok, jpeg = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, rng.randrange(75, 92)])
    if not ok:  # pragma: no cover - OpenCV always encodes a uint8 BGR image
        raise RuntimeError("JPEG encoding failed")
    return DocumentPhoto(image=cv2.imdecode(jpeg, cv2.IMREAD_COLOR), corners=placed,
                         landscape=pw > ph, blur_sigma=sigma)


def document_photo_set(count: int, *, seed: int = 11, landscape_share: float = 0.25) -> list[DocumentPhoto]:
    """`count` photos of invented forms, about `landscape_share` of them printed landscape."""
    rng = random.Random(seed)
    return [photograph_document(draw_document(rng=rng, landscape=rng.random() < landscape_share), rng=rng)
            for _ in range(count)]


def write_document_folder(folder: Path, count: int, *, seed: int = 11) -> list[DocumentPhoto]:
    """Write `count` document photos as doc-0001.jpg… into `folder` (the demo's folder camera)."""
    folder.mkdir(parents=True, exist_ok=True)
    photos = document_photo_set(count, seed=seed)
    for i, photo in enumerate(photos, start=1):
        cv2.imwrite(str(folder / f"doc-{i:04d}.jpg"), photo.image)
    log.info("wrote %d synthetic document photos to %s", count, folder)
    return photos
