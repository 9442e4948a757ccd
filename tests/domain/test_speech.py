"""Vietnamese number reading and call text (motcua.speech), checked against rules derived here."""
from __future__ import annotations

import re

import pytest

from motcua.speech import (
    LETTER_NAMES,
    call_text,
    call_text_en,
    read_display,
    read_display_en,
    read_letters,
    read_number,
    read_number_en,
    split_display,
)

_W = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]


def reference(n: int, *, south: bool = False, tu: bool = False) -> str:
    """An independent derivation: read every digit plainly, then apply DOMAIN.md's sound changes.

    Deliberately built the other way round from motcua.speech (which chooses each word while walking
    the digits): a naive reading with "mươi" after every tens digit and "linh" for an inner zero tens,
    then textual rewrites for "mười", "mốt", "lăm", "tư" and the Southern words.
    """
    if n == 0:
        return "không"
    th, h, t, u = (int(c) for c in f"{n:04d}")
    parts: list[str] = []
    if th:
        parts += [_W[th], "nghìn"]
    if h or (th and (t or u)):
        parts += [_W[h], "trăm"]
    if t:
        parts += [_W[t], "mươi"]
    elif u and parts:
        parts.append("linh")
    if u:
        parts.append(_W[u])
    s = " ".join(parts)
    s = s.replace("một mươi", "mười")          # 10..19: "mười", not "một mươi"
    s = re.sub(r"mươi một\b", "mươi mốt", s)    # 21, 31, ...: "mốt" after "mươi" only
    s = re.sub(r"(mười|mươi) năm\b", r"\1 lăm", s)  # 15, 25, ...: "lăm" after a tens word only
    if tu:
        s = s.replace("mươi bốn", "mươi tư")
    if south:
        s = s.replace("linh", "lẻ").replace("nghìn", "ngàn")
    return s


def parse_back(text: str) -> int:
    """Words back to a number (a second, independent check that every reading is unambiguous)."""
    value = {w: i for i, w in enumerate(_W)} | {"mốt": 1, "lăm": 5, "tư": 4}
    total = group = prev = 0
    for w in text.split():
        if w in value:
            prev = value[w]
            group += prev
        elif w == "mười":
            group += 10
            prev = 0
        elif w == "mươi":
            group += prev * 9
        elif w == "trăm":
            group += prev * 99
        elif w in ("linh", "lẻ"):
            pass
        elif w in ("nghìn", "ngàn"):
            total, group = total + group * 1000, 0
        else:
            raise AssertionError(f"unexpected word {w!r} in {text!r}")
    return total + group


@pytest.mark.parametrize("south", [False, True])
@pytest.mark.parametrize("tu", [False, True])
def test_every_number_0_to_9999_follows_the_rules(south: bool, tu: bool) -> None:
    dialect = "south" if south else "north"
    bad = []
    for n in range(10_000):
        got = read_number(n, dialect=dialect, four_as_tu=tu)
        if got != reference(n, south=south, tu=tu) or parse_back(got) != n:
            bad.append((n, got, reference(n, south=south, tu=tu)))
    assert not bad, bad[:10]


def test_no_forbidden_word_pairs_anywhere() -> None:
    forbidden = ["mười mốt", "linh mốt", "lẻ mốt", "mươi một", "mười năm", "mươi năm", "linh lăm",
                 "mười tư", "linh tư", "một mươi", "không mươi", "không nghìn"]
    for n in range(10_000):
        for dialect in ("north", "south"):
            text = read_number(n, dialect=dialect, four_as_tu=True)  # type: ignore[arg-type]
            for pair in forbidden:
                assert pair not in text, (n, text, pair)


TRICKY = [
    # from DOMAIN.md
    (15, "mười lăm"),
    (21, "hai mươi mốt"),
    (25, "hai mươi lăm"),
    (24, "hai mươi bốn"),
    (10, "mười"),
    (105, "một trăm linh năm"),
    (1005, "một nghìn không trăm linh năm"),
    (1015, "một nghìn không trăm mười lăm"),
    (1023, "một nghìn không trăm hai mươi ba"),
    (2000, "hai nghìn"),
    # the neighbours of those rules
    (0, "không"),
    (1, "một"),
    (5, "năm"),
    (11, "mười một"),        # "một" after "mười", never "mốt"
    (14, "mười bốn"),
    (20, "hai mươi"),
    (31, "ba mươi mốt"),
    (55, "năm mươi lăm"),
    (100, "một trăm"),
    (101, "một trăm linh một"),  # "một" after "linh"
    (104, "một trăm linh bốn"),
    (110, "một trăm mười"),
    (111, "một trăm mười một"),
    (115, "một trăm mười lăm"),
    (121, "một trăm hai mươi mốt"),
    (500, "năm trăm"),
    (505, "năm trăm linh năm"),
    (1000, "một nghìn"),
    (1001, "một nghìn không trăm linh một"),
    (1010, "một nghìn không trăm mười"),
    (1011, "một nghìn không trăm mười một"),
    (1050, "một nghìn không trăm năm mươi"),
    (1100, "một nghìn một trăm"),
    (1105, "một nghìn một trăm linh năm"),
    (2001, "hai nghìn không trăm linh một"),
    (2021, "hai nghìn không trăm hai mươi mốt"),
    (5555, "năm nghìn năm trăm năm mươi lăm"),
    (9999, "chín nghìn chín trăm chín mươi chín"),
]


@pytest.mark.parametrize(("n", "words"), TRICKY)
def test_tricky_cases_north(n: int, words: str) -> None:
    assert read_number(n) == words


@pytest.mark.parametrize(("n", "words"), [
    (105, "một trăm lẻ năm"),
    (1005, "một ngàn không trăm lẻ năm"),
    (2000, "hai ngàn"),
    (24, "hai mươi bốn"),
])
def test_south(n: int, words: str) -> None:
    assert read_number(n, dialect="south") == words


def test_four_as_tu_only_after_muoi() -> None:
    assert read_number(24, four_as_tu=True) == "hai mươi tư"
    assert read_number(14, four_as_tu=True) == "mười bốn"
    assert read_number(104, four_as_tu=True) == "một trăm linh bốn"
    assert read_number(4, four_as_tu=True) == "bốn"
    assert read_number(1044, four_as_tu=True) == "một nghìn không trăm bốn mươi tư"


def test_thousand_word_override() -> None:
    assert read_number(2000, thousand="ngàn") == "hai ngàn"
    assert read_number(1005, dialect="south", thousand="nghìn") == "một nghìn không trăm lẻ năm"


@pytest.mark.parametrize(("n", "words"), [
    (10_000, "mười nghìn"),
    (10_005, "mười nghìn không trăm linh năm"),
    (21_000, "hai mươi mốt nghìn"),
    (105_000, "một trăm linh năm nghìn"),
    (115_015, "một trăm mười lăm nghìn không trăm mười lăm"),
    (999_999, "chín trăm chín mươi chín nghìn chín trăm chín mươi chín"),
])
def test_six_digit_displays(n: int, words: str) -> None:
    assert read_number(n) == words


@pytest.mark.parametrize("bad", [-1, 1_000_000])
def test_out_of_range(bad: int) -> None:
    with pytest.raises(ValueError):
        read_number(bad)


@pytest.mark.parametrize("bad", [True, 1.0, "12", None])
def test_not_an_int(bad: object) -> None:
    with pytest.raises(TypeError):
        read_number(bad)  # type: ignore[arg-type]


def test_bad_dialect() -> None:
    with pytest.raises(ValueError):
        read_number(1, dialect="central")  # type: ignore[arg-type]


@pytest.mark.parametrize(("display", "words"), [
    ("A015", "a mười lăm"),
    ("C007", "xê bảy"),
    ("B1023", "bê một nghìn không trăm hai mươi ba"),
    ("1023", "một nghìn không trăm hai mươi ba"),
    ("0000", "không"),
    ("0105", "một trăm linh năm"),
    ("a021", "a hai mươi mốt"),
    ("Đ5", "đê năm"),
    ("AB12", "a bê mười hai"),
    (" D-034 ", "dê ba mươi bốn"),
    ("K100", "ca một trăm"),
])
def test_read_display(display: str, words: str) -> None:
    assert read_display(display) == words


@pytest.mark.parametrize("bad", ["", "A", "15A", "A 1 5", "Ω15", "A١٥", "A+15"])
def test_read_display_rejects(bad: str) -> None:
    with pytest.raises(ValueError):
        read_display(bad)


def test_every_ascii_letter_has_a_name() -> None:
    for code in range(ord("A"), ord("Z") + 1):
        assert LETTER_NAMES[chr(code)]
    assert read_letters("xyz") == "ích xì i dài dét"
    assert split_display("C007") == ("C", 7)


def test_call_text_domain_example() -> None:
    assert call_text("1023", 5) == (
        "Mời công dân có số thứ tự một nghìn không trăm hai mươi ba đến quầy số năm")


def test_call_text_variants() -> None:
    assert call_text("A015", 21) == "Mời công dân có số thứ tự a mười lăm đến quầy số hai mươi mốt"
    assert call_text("105", 15, dialect="south") == (
        "Mời công dân có số thứ tự một trăm lẻ năm đến quầy số mười lăm")
    assert call_text("1024", "5", four_as_tu=True).endswith("hai mươi tư đến quầy số năm")
    assert call_text("C007", "B2") == "Mời công dân có số thứ tự xê bảy đến quầy số bê hai"
    custom = "Xin mời số {number} ({display}) tới quầy {counter} ({counter_label})"
    assert call_text("1005", 3, template=custom) == (
        "Xin mời số một nghìn không trăm linh năm (1005) tới quầy ba (3)")


def test_call_text_bad_template() -> None:
    with pytest.raises(ValueError, match="placeholder"):
        call_text("1", 1, template="Mời {numbr}")
    with pytest.raises(ValueError):
        call_text("1", 1, template="Mời {0}")
    with pytest.raises(ValueError):
        call_text("1", 1, template="Mời {number")


def test_call_text_has_no_digits() -> None:
    # espeak-ng must be given words, never digits.
    for display in ("0001", "A999", "2024", "9999"):
        for counter in (1, 9, 10, 99, 100):
            assert not re.search(r"\d", call_text(display, counter))


@pytest.mark.parametrize(("n", "words"), [
    (0, "zero"), (5, "five"), (12, "twelve"), (20, "twenty"), (21, "twenty-one"),
    (100, "one hundred"), (115, "one hundred and fifteen"), (1005, "one thousand and five"),
    (2300, "two thousand three hundred"),
])
def test_read_number_en(n: int, words: str) -> None:
    assert read_number_en(n) == words


def test_call_text_en() -> None:
    assert call_text_en("1023", 5) == "Ticket number one zero two three, please go to counter five"
    assert call_text_en("A015", 12) == "Ticket number A, zero one five, please go to counter twelve"
    assert read_display_en("0007") == "zero zero zero seven"
    assert call_text_en("1", 1, template="Number {number} to desk {counter_label}") == (
        "Number one to desk 1")
