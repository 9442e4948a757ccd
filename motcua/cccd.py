"""Citizen ID card QR (mã QR trên thẻ Căn cước công dân / thẻ căn cước): parse and validate the payload.

The payload is UTF-8 text with fields separated by "|" (DOMAIN.md):

    ID (12 digits) | old ID (9 digits, may be empty) | full name | date of birth DDMMYYYY |
    gender (Nam/Nữ) | permanent address | issue date DDMMYYYY [| more fields on cards from July 2024]

Fields are read by position; seven or more are accepted and the ones after the seventh are kept as
they are in `extra`. The payload is untrusted input from a camera or a serial scanner: every problem
raises `CccdError` with a Vietnamese and an English reason, and nothing else is raised.

Decisions beyond DOMAIN.md:
- the old ID (số CMND cũ) may also have 12 digits: some provinces issued 12-digit CMND cards in
  2012–2016, and rejecting a real citizen's card is worse than accepting that length;
- gender is matched case-insensitively and returned as "Nam" or "Nữ";
- a name holds letters, spaces and ' - . only (Ê Đê and Gia Rai names use an apostrophe: "H'Hen Niê");
  runs of spaces are collapsed;
- dates before 1880 are rejected as implausible; pass `today` (from the injected clock) to reject
  dates in the future.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Literal

Gender = Literal["Nam", "Nữ"]

MAX_CHARS = 1024
"""Longest payload accepted; a real one is 100–300 characters."""
MAX_BYTES = 4096
MIN_FIELDS = 7
MAX_FIELDS = 16
"""Cards carry 7 or (since July 2024) 11 fields; more than this is not a CCCD."""
MAX_NAME = 100
MAX_FIELD = 300

_DIGITS = re.compile(r"[0-9]+", re.ASCII)
_SPACES = re.compile(r"\s+")
_NAME_PUNCT = frozenset(" '-.’")
# Control, format (bidi overrides, zero-width), surrogate, private-use and unassigned code points,
# and the line/paragraph separators: none belongs in a card's text, several can spoof what a clerk
# sees on screen.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


class CccdError(ValueError):
    """A CCCD payload that cannot be used; `code` for programs, the reason in Vietnamese and English."""

    def __init__(self, code: str, vi: str, en: str) -> None:
        self.code, self.message_vi, self.message_en = code, vi, en
        super().__init__(f"{vi} / {en}")


@dataclass(frozen=True, slots=True, repr=False)
class CitizenId:
    """Thông tin trên thẻ căn cước: the fields of a citizen ID card's QR code."""

    id: str
    """Số định danh cá nhân (12 digits)."""
    old_id: str | None
    """Số CMND cũ (9 digits), None when the card has none."""
    name: str
    """Họ và tên."""
    dob: date
    """Ngày sinh."""
    gender: Gender
    """Giới tính."""
    address: str
    """Nơi thường trú."""
    issued: date
    """Ngày cấp."""
    extra: tuple[str, ...] = ()
    """Fields after the seventh (cards from July 2024), unparsed."""

    def to_json_dict(self) -> dict[str, str | None]:
        """The fields as JSON values (dates as ISO), as `motcua scan image` prints them."""
        return {
            "id": self.id,
            "old_id": self.old_id,
            "name": self.name,
            "dob": self.dob.isoformat(),
            "gender": self.gender,
            "address": self.address,
            "issued": self.issued.isoformat(),
        }

    def __repr__(self) -> str:
        # Hazard: records end up in logs and tracebacks; never print a citizen's data there in full.
        return (f"CitizenId(id='{self.id[:3]}******{self.id[-3:]}', name='{_initials(self.name)}', "
                f"dob=****-**-**, extra={len(self.extra)})")

    def consistency_warnings(self) -> tuple[str, ...]:
        """Soft checks of the ID number's structure (Circular 59/2021/TT-BCA) against dob and gender."""
        warnings = []
        code = int(self.id[3])
        # 0/1: born 19xx (male/female), 2/3: 20xx, 4/5: 21xx, 6/7: 22xx, 8/9: 23xx
        if self.dob.year // 100 != 19 + code // 2:
            warnings.append(f"mã thế kỷ {code} không khớp năm sinh {self.dob.year} / "
                            f"century digit {code} does not match the birth year")
        if self.id[4:6] != f"{self.dob.year % 100:02d}":
            warnings.append(f"mã năm sinh {self.id[4:6]} không khớp năm sinh {self.dob.year} / "
                            "the year digits do not match the birth year")
        if (code % 2 == 0) != (self.gender == "Nam"):
            warnings.append(f"mã giới tính {code} không khớp giới tính {self.gender} / "
                            "the gender digit does not match the gender")
        return tuple(warnings)


def _initials(name: str) -> str:
    return " ".join(part[0] + "." for part in name.split())


def _err(code: str, vi: str, en: str) -> CccdError:
    return CccdError(code, vi, en)


def _too_long(n: int) -> CccdError:
    return CccdError("too_long", f"dữ liệu quá dài ({n} ký tự)", f"payload too long ({n} characters)")


def _digits(value: str, *, field_vi: str, field_en: str, counts: tuple[int, ...], code: str) -> str:
    if not _DIGITS.fullmatch(value):
        raise _err(code, f"{field_vi} chỉ gồm chữ số 0-9", f"the {field_en} must be digits 0-9 only")
    if len(value) not in counts:
        want = " hoặc ".join(str(c) for c in counts)
        want_en = " or ".join(str(c) for c in counts)
        raise _err(code, f"{field_vi} phải có {want} chữ số, có {len(value)}",
                   f"the {field_en} must have {want_en} digits, got {len(value)}")
    return value


def _date(value: str, *, field_vi: str, field_en: str, code: str) -> date:
    if not (_DIGITS.fullmatch(value) and len(value) == 8):
        raise _err(code, f"{field_vi} phải có dạng NNTTNNNN (8 chữ số)",
                   f"the {field_en} must be DDMMYYYY (8 digits)")
    day, month, year = int(value[:2]), int(value[2:4]), int(value[4:])
    try:
        result = date(year, month, day)
    except ValueError:
        raise _err(code, f"{field_vi} không có thật: {value}",
                   f"the {field_en} is not a real date: {value}") from None
    if year < 1880:
        raise _err(code, f"{field_vi} không hợp lý: {value}", f"the {field_en} is implausible: {value}")
    return result


def _check_text(text: str) -> None:
    for i, ch in enumerate(text):
        if unicodedata.category(ch) in _FORBIDDEN_CATEGORIES:
            raise _err("control_character",
                       f"có ký tự điều khiển U+{ord(ch):04X} ở vị trí {i}",
                       f"control or invisible character U+{ord(ch):04X} at position {i}")


def _name(value: str) -> str:
    name = _SPACES.sub(" ", value).strip()
    if not name:
        raise _err("name", "thiếu họ và tên", "the full name is missing")
    if len(name) > MAX_NAME:
        raise _err("name", f"họ và tên quá dài ({len(name)} ký tự)",
                   f"the full name is too long ({len(name)} characters)")
    for ch in name:
        if ch in _NAME_PUNCT:
            continue
        if unicodedata.category(ch)[0] not in "LM":
            raise _err("name", f"họ và tên có ký tự không hợp lệ {ch!r}",
                       f"the full name contains an invalid character {ch!r}")
    if not any(unicodedata.category(ch)[0] == "L" for ch in name):
        raise _err("name", "họ và tên không có chữ cái", "the full name has no letters")
    return name


def _gender(value: str) -> Gender:
    folded = value.casefold()
    if folded == "nam":
        return "Nam"
    if folded == "nữ":
        return "Nữ"
    shown = value if len(value) <= 20 else value[:20] + "…"
    raise _err("gender", f"giới tính phải là Nam hoặc Nữ, có {shown!r}",
               f"gender must be Nam or Nữ, got {shown!r}")


def parse_cccd(text: str, *, today: date | None = None) -> CitizenId:
    """Đọc mã QR thẻ căn cước: parse a payload into a `CitizenId` or raise `CccdError`."""
    if not isinstance(text, str):
        raise _err("type", "dữ liệu không phải văn bản", f"expected text, got {type(text).__name__}")
    if len(text) > MAX_CHARS:
        raise _too_long(len(text))
    # Scanners end a read with CR/LF; some decoders keep a BOM.
    text = text.removeprefix("\ufeff").strip(" \t\r\n")
    text = unicodedata.normalize("NFC", text)
    if not text:
        raise _err("empty", "không có dữ liệu", "empty payload")
    if len(text) > MAX_CHARS:
        raise _too_long(len(text))
    _check_text(text)
    fields = [f.strip() for f in text.split("|")]
    if len(fields) < MIN_FIELDS:
        raise _err("field_count", f"thiếu trường: cần ít nhất {MIN_FIELDS}, có {len(fields)}",
                   f"too few fields: at least {MIN_FIELDS} expected, got {len(fields)}")
    if len(fields) > MAX_FIELDS:
        raise _err("field_count", f"quá nhiều trường: tối đa {MAX_FIELDS}, có {len(fields)}",
                   f"too many fields: at most {MAX_FIELDS} expected, got {len(fields)}")
    for i, f in enumerate(fields):
        if len(f) > MAX_FIELD:
            raise _err("too_long", f"trường {i + 1} quá dài ({len(f)} ký tự)",
                       f"field {i + 1} is too long ({len(f)} characters)")

    id_ = _digits(fields[0], field_vi="số định danh", field_en="ID number", counts=(12,), code="id")
    old_id = None
    if fields[1]:
        old_id = _digits(fields[1], field_vi="số CMND cũ", field_en="old ID number", counts=(9, 12),
                         code="old_id")
    name = _name(fields[2])
    dob = _date(fields[3], field_vi="ngày sinh", field_en="date of birth", code="dob")
    gender = _gender(fields[4])
    address = _SPACES.sub(" ", fields[5]).strip()
    if not address:
        raise _err("address", "thiếu nơi thường trú", "the permanent address is missing")
    issued = _date(fields[6], field_vi="ngày cấp", field_en="issue date", code="issued")
    if dob > issued:
        raise _err("dob", "ngày sinh sau ngày cấp thẻ", "the date of birth is after the issue date")
    if today is not None:
        if dob > today:
            raise _err("dob", "ngày sinh ở tương lai", "the date of birth is in the future")
        if issued > today:
            raise _err("issued", "ngày cấp ở tương lai", "the issue date is in the future")
    return CitizenId(id=id_, old_id=old_id, name=name, dob=dob, gender=gender, address=address,
                     issued=issued, extra=tuple(fields[7:]))


def parse_cccd_bytes(data: bytes, *, today: date | None = None) -> CitizenId:
    """Parse raw bytes from a scanner (UTF-8, up to CR/LF) or a decoder in binary mode."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise _err("type", "dữ liệu không phải dãy byte", f"expected bytes, got {type(data).__name__}")
    if len(data) > MAX_BYTES:
        raise _err("too_long", f"dữ liệu quá dài ({len(data)} byte)", f"payload too long ({len(data)} bytes)")
    try:
        text = bytes(data).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _err("encoding", f"dữ liệu không phải UTF-8 (byte {exc.start})",
                   f"payload is not UTF-8 (at byte {exc.start})") from None
    return parse_cccd(text, today=today)
