"""Citizen ID QR parsing (motcua.cccd): good payloads, each kind of bad one, and hostile fuzzing."""
from __future__ import annotations

import json
import unicodedata
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.cccd import MAX_CHARS, CccdError, CitizenId, parse_cccd, parse_cccd_bytes

# A made-up citizen (not a real person): born in Hà Nội (001), male, 20th century (0), 1992 (92).
GOOD = "001092012345|123456789|Nguyễn Văn Anh|15081992|Nam|Số 1 Tràng Tiền, Hoàn Kiếm, Hà Nội|01072021"
GOOD_11 = ("036196000123||Trần Thị Ngọc Hà|29021996|Nữ|Thôn Đông, xã Yên Phong, tỉnh Bắc Ninh|05082024"
           "|Trần Văn Bình|Lê Thị Cúc||")
TODAY = date(2026, 3, 2)


def fields(payload: str = GOOD) -> list[str]:
    return payload.split("|")


def with_field(i: int, value: str, payload: str = GOOD) -> str:
    f = fields(payload)
    f[i] = value
    return "|".join(f)


def test_seven_fields() -> None:
    c = parse_cccd(GOOD, today=TODAY)
    assert c == CitizenId(id="001092012345", old_id="123456789", name="Nguyễn Văn Anh", dob=date(1992, 8, 15),
                          gender="Nam", address="Số 1 Tràng Tiền, Hoàn Kiếm, Hà Nội", issued=date(2021, 7, 1))
    assert c.consistency_warnings() == ()


def test_eleven_fields_and_json() -> None:
    c = parse_cccd(GOOD_11, today=TODAY)
    assert c.old_id is None
    assert c.dob == date(1996, 2, 29)  # a leap day is a real date
    assert c.gender == "Nữ"
    assert c.extra == ("Trần Văn Bình", "Lê Thị Cúc", "", "")
    d = c.to_json_dict()
    assert d == {"id": "036196000123", "old_id": None, "name": "Trần Thị Ngọc Hà", "dob": "1996-02-29",
                 "gender": "Nữ", "address": "Thôn Đông, xã Yên Phong, tỉnh Bắc Ninh", "issued": "2024-08-05"}
    assert json.loads(json.dumps(d, ensure_ascii=False)) == d
    assert c.consistency_warnings() == ()


def test_frozen() -> None:
    c = parse_cccd(GOOD)
    with pytest.raises(AttributeError):
        c.name = "x"  # type: ignore[misc]


def test_repr_does_not_leak_personal_data() -> None:
    text = repr(parse_cccd(GOOD))
    assert "012345" not in text and "Nguyễn" not in text and "1992" not in text and "Tràng" not in text


def test_scanner_line_endings_bom_and_spaces() -> None:
    assert parse_cccd("\ufeff" + GOOD + "\r\n") == parse_cccd(GOOD)
    assert parse_cccd(with_field(2, "  Nguyễn   Văn  Anh ")).name == "Nguyễn Văn Anh"
    assert parse_cccd(GOOD + "\t").id == "001092012345"


def test_nfd_is_normalized_to_nfc() -> None:
    nfd = unicodedata.normalize("NFD", GOOD_11)
    assert nfd != GOOD_11
    c = parse_cccd(nfd)
    assert c.name == "Trần Thị Ngọc Hà" and unicodedata.is_normalized("NFC", c.name)
    assert c.gender == "Nữ"
    assert all(unicodedata.is_normalized("NFC", e) for e in c.extra)


def test_bytes() -> None:
    assert parse_cccd_bytes((GOOD + "\r\n").encode()) == parse_cccd(GOOD)
    with pytest.raises(CccdError) as info:
        parse_cccd_bytes(GOOD.encode("cp1258", errors="replace"))
    assert info.value.code == "encoding"
    with pytest.raises(CccdError):
        parse_cccd_bytes(b"x" * 5000)


@pytest.mark.parametrize(("name", "expected"), [
    ("H'Hen Niê", "H'Hen Niê"),             # Ê Đê names carry an apostrophe
    ("Ksor H'Bia", "Ksor H'Bia"),
    ("NGUYỄN VĂN ANH", "NGUYỄN VĂN ANH"),
    ("Lê Thị Thu-Hà", "Lê Thị Thu-Hà"),
])
def test_names(name: str, expected: str) -> None:
    assert parse_cccd(with_field(2, name)).name == expected


@pytest.mark.parametrize("gender", ["Nam", "nam", "NAM", "Nữ", "nữ", "NỮ"])
def test_gender_case(gender: str) -> None:
    assert parse_cccd(with_field(4, gender)).gender in ("Nam", "Nữ")


def test_old_id_twelve_digits_accepted() -> None:
    assert parse_cccd(with_field(1, "001092012345")).old_id == "001092012345"


BAD: list[tuple[str, str, str]] = [
    ("", "empty", "empty"),
    ("   \r\n", "empty", "empty"),
    ("001092012345|123456789|Nguyễn Văn Anh|15081992|Nam|Hà Nội", "field_count", "too few fields"),
    ("|".join(fields() + ["x"] * 10), "field_count", "too many fields"),
    (with_field(0, "00109201234"), "id", "12 digits, got 11"),
    (with_field(0, "0010920123456"), "id", "12 digits, got 13"),
    (with_field(0, "00109201234O"), "id", "digits 0-9"),
    (with_field(0, "٠٠١٠٩٢٠١٢٣٤٥"), "id", "digits 0-9"),   # Arabic-Indic digits are not 0-9
    (with_field(0, ""), "id", "digits"),
    (with_field(1, "12345678"), "old_id", "9 or 12 digits, got 8"),
    (with_field(1, "1234567890"), "old_id", "9 or 12 digits, got 10"),
    (with_field(1, "12345678x"), "old_id", "digits"),
    (with_field(2, ""), "name", "missing"),
    (with_field(2, "Nguyễn Văn 2"), "name", "invalid character"),
    (with_field(2, "---"), "name", "no letters"),
    (with_field(2, "A" * 101), "name", "too long"),
    (with_field(3, "31021992"), "dob", "not a real date"),
    (with_field(3, "29022001"), "dob", "not a real date"),  # 2001 is not a leap year
    (with_field(3, "15131992"), "dob", "not a real date"),
    (with_field(3, "1508199"), "dob", "DDMMYYYY"),
    (with_field(3, "1992-08-15"), "dob", "DDMMYYYY"),
    (with_field(3, "15081792"), "dob", "implausible"),
    (with_field(3, "02072021"), "dob", "after the issue date"),
    (with_field(4, "Male"), "gender", "Nam or Nữ"),
    (with_field(4, ""), "gender", "Nam or Nữ"),
    (with_field(5, " "), "address", "missing"),
    (with_field(6, "00002021"), "issued", "not a real date"),
    (with_field(6, ""), "issued", "DDMMYYYY"),
    (with_field(2, "Nguyễn\u202eVăn Anh"), "control_character", "U+202E"),   # bidi override
    (with_field(2, "Nguyễn\u200bVăn"), "control_character", "U+200B"),      # zero-width space
    (with_field(5, "Hà Nội\nHải Phòng"), "control_character", "U+000A"),
    (GOOD.replace("|", "\x00|", 1), "control_character", "U+0000"),
    (with_field(5, "x" * 301), "too_long", "field 6"),
    (GOOD + "|" + "x" * MAX_CHARS, "too_long", "payload too long"),
]


@pytest.mark.parametrize(("payload", "code", "english"), BAD,
                         ids=[f"{c}-{i}" for i, (_, c, _) in enumerate(BAD)])
def test_rejected_with_a_reason(payload: str, code: str, english: str) -> None:
    with pytest.raises(CccdError) as info:
        parse_cccd(payload)
    err = info.value
    assert err.code == code
    assert english in err.message_en
    assert err.message_vi and err.message_vi != err.message_en
    assert str(err) == f"{err.message_vi} / {err.message_en}"


def test_future_dates_need_today() -> None:
    future_dob = with_field(3, "01012030", with_field(6, "01012031"))
    assert parse_cccd(future_dob).dob == date(2030, 1, 1)  # without a clock, nothing to compare with
    with pytest.raises(CccdError, match="date of birth is in the future"):
        parse_cccd(future_dob, today=TODAY)
    with pytest.raises(CccdError, match="issue date is in the future"):
        parse_cccd(with_field(6, "03032026"), today=TODAY)
    assert parse_cccd(with_field(6, "02032026"), today=TODAY).issued == TODAY


def test_not_text() -> None:
    with pytest.raises(CccdError):
        parse_cccd(GOOD.encode())  # type: ignore[arg-type]
    with pytest.raises(CccdError):
        parse_cccd_bytes(GOOD)  # type: ignore[arg-type]


def test_consistency_warnings() -> None:
    # Digit 4 (index 3) = 1 says female, born 19xx; the card says Nam -> one warning.
    c = parse_cccd(with_field(0, "001192012345"))
    assert len(c.consistency_warnings()) == 1 and "gender" in c.consistency_warnings()[0]
    # Year digits 93 but born 1992.
    assert any("year digits" in w for w in parse_cccd(with_field(0, "001093012345")).consistency_warnings())
    # Digit 2 = male born 20xx, but born 1992.
    assert any("century" in w for w in parse_cccd(with_field(0, "001292012345")).consistency_warnings())


# --- hostile payloads: never an exception other than CccdError ---

def _parse_or_reason(payload: str) -> CitizenId | None:
    try:
        c = parse_cccd(payload, today=TODAY)
    except CccdError as exc:
        assert exc.code and exc.message_vi and exc.message_en
        return None
    # Whatever was accepted is sane.
    assert len(c.id) == 12 and c.id.isascii() and c.id.isdigit()
    assert c.old_id is None or (c.old_id.isascii() and len(c.old_id) in (9, 12))
    assert c.gender in ("Nam", "Nữ") and c.name and c.address
    assert c.dob <= c.issued <= TODAY
    # Field by field: joined, a field that starts with a combining mark (an extra field of a lone accent, which
    # Hypothesis found) composes with the one before it, and the join is not NFC though every field is.
    assert all(unicodedata.is_normalized("NFC", text) for text in (c.name, c.address, *c.extra))
    json.dumps(c.to_json_dict(), ensure_ascii=False)
    repr(c)
    c.consistency_warnings()
    return c


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_fuzz_any_text(payload: str) -> None:
    _parse_or_reason(payload)


_piece = st.text(
    alphabet=st.sampled_from(
        list("0123456789|  abcNamữỮđ\r\n\t\x00\u202e\u200b\ufeff'-.") + ["\u0301", "\ud800"]),
    max_size=20)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_piece, min_size=0, max_size=20))
def test_fuzz_field_shaped(parts: list[str]) -> None:
    _parse_or_reason("|".join(parts))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600))
def test_fuzz_bytes(data: bytes) -> None:
    try:
        parse_cccd_bytes(data)
    except CccdError:
        pass


@settings(max_examples=300, deadline=None)
@given(base=st.sampled_from([GOOD, GOOD_11]), pos=st.integers(min_value=0, max_value=200),
       insert=st.text(max_size=5), delete=st.integers(min_value=0, max_value=5))
def test_fuzz_mutations_of_good_payloads(base: str, pos: int, insert: str, delete: int) -> None:
    pos = min(pos, len(base))
    _parse_or_reason(base[:pos] + insert + base[pos + delete:])


@settings(max_examples=200, deadline=None)
@given(
    id_=st.from_regex(r"\A[0-9]{12}\Z"),
    old=st.one_of(st.just(""), st.from_regex(r"\A[0-9]{9}\Z")),
    name=st.lists(
        st.sampled_from(["Nguyễn", "Trần", "Lê", "Thị", "Văn", "Ngọc", "Hà", "Đức", "H'Hen", "Niê"]),
        min_size=1, max_size=5).map(" ".join),
    dob=st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31)),
    gap=st.integers(min_value=0, max_value=365 * 5),
    gender=st.sampled_from(["Nam", "Nữ"]),
    extra=st.lists(st.text(alphabet="abcđươ ", max_size=10), max_size=4),
    nfd=st.booleans(),
)
def test_generated_valid_cards_round_trip(id_: str, old: str, name: str, dob: date, gap: int, gender: str,
                                           extra: list[str], nfd: bool) -> None:
    issued = date.fromordinal(dob.toordinal() + gap)
    payload = "|".join([id_, old, name, dob.strftime("%d%m%Y"), gender, "Số 5, phường Ba Đình, Hà Nội",
                        issued.strftime("%d%m%Y"), *extra])
    if nfd:
        payload = unicodedata.normalize("NFD", payload)
    c = parse_cccd(payload)
    got = (c.id, c.old_id, c.name, c.dob, c.gender, c.issued)
    assert got == (id_, old or None, name, dob, gender, issued)
    assert c.extra == tuple(e.strip() for e in extra)
