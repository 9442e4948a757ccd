"""Amounts in words (số tiền bằng chữ) against an independent reference over more than 100,000 values.

The reference below is written apart from motcua.amounts and motcua.speech: the words of 0..999 come from
literal tables (one entry per two-digit ending, spelled out), and larger amounts are read recursively by
splitting at the biggest unit. The library num2words was checked first and is not a usable reference:
it reads 1005 "một nghìn lẻ năm", 1023 "một nghìn lẻ hai mươi ba" and 1.005.000 "một triệu năm nghìn"
(no "không trăm" in a group after the first), against DOMAIN.md's readings.
"""
from __future__ import annotations

import random

import pytest

from motcua.amounts import MAX_AMOUNT, amount_in_words, format_vnd, read_amount
from motcua.speech import read_number

# -- the reference ---------------------------------------------------------------------------------------
ONES = "không một hai ba bốn năm sáu bảy tám chín".split()
# Each ending 10..99 spelled out by its tens word and its units word; the exceptions are listed, not computed.
TEENS = ["mười", "mười một", "mười hai", "mười ba", "mười bốn", "mười lăm", "mười sáu", "mười bảy", "mười tám",
         "mười chín"]
UNIT_AFTER_MUOI = {0: "", 1: "mốt", 2: "hai", 3: "ba", 4: "bốn", 5: "lăm", 6: "sáu", 7: "bảy", 8: "tám", 9: "chín"}


def _ending(n: int, *, linh: str, tu: bool) -> str:
    """Words for 1..99 after a hundreds word (so 5 is "linh năm")."""
    if n < 10:
        return f"{linh} {ONES[n]}"
    if n < 20:
        return TEENS[n - 10]
    tens, unit = divmod(n, 10)
    last = "tư" if (unit == 4 and tu) else UNIT_AFTER_MUOI[unit]
    return f"{ONES[tens]} mươi {last}".strip()


def _table(*, full: bool, linh: str, tu: bool) -> list[str]:
    out = []
    for n in range(1000):
        hundreds, rest = divmod(n, 100)
        if not full and hundreds == 0:
            # A leading group: no hundreds word, and 1..9 alone (no "linh").
            if rest == 0:
                out.append("")
            elif rest < 10:
                out.append(ONES[rest])
            else:
                out.append(_ending(rest, linh=linh, tu=tu))
            continue
        head = f"{ONES[hundreds]} trăm"
        out.append(head if rest == 0 else f"{head} {_ending(rest, linh=linh, tu=tu)}")
    return out


TABLES: dict[tuple[bool, str, bool], list[str]] = {}


def reference(n: int, *, south: bool = False, tu: bool = False) -> str:
    """Independent reading of 0 <= n < 10**12."""
    linh, thousand = ("lẻ", "ngàn") if south else ("linh", "nghìn")
    for full in (False, True):
        if (full, linh, tu) not in TABLES:
            TABLES[(full, linh, tu)] = _table(full=full, linh=linh, tu=tu)

    def words(m: int, full: bool) -> list[str]:
        for size, name in ((10**9, "tỷ"), (10**6, "triệu"), (10**3, thousand)):
            if m >= size:
                high, low = divmod(m, size)
                return words(high, full) + [name] + (words(low, True) if low else [])
        return [TABLES[(full, linh, tu)][m]]

    return "không" if n == 0 else " ".join(words(n, False))


# -- the published readings (DOMAIN.md, the issue) check the reference itself ------------------------------
PUBLISHED = {
    15: "mười lăm", 21: "hai mươi mốt", 25: "hai mươi lăm", 24: "hai mươi bốn", 10: "mười",
    105: "một trăm linh năm", 1005: "một nghìn không trăm linh năm", 1015: "một nghìn không trăm mười lăm",
    1023: "một nghìn không trăm hai mươi ba", 2000: "hai nghìn",
    1_005_000: "một triệu không trăm linh năm nghìn", 1_000_005: "một triệu không trăm linh năm",
    12_345_678_901: "mười hai tỷ ba trăm bốn mươi lăm triệu sáu trăm bảy mươi tám nghìn chín trăm linh một",
    1_250_000: "một triệu hai trăm năm mươi nghìn",
}


@pytest.mark.parametrize("n,words", sorted(PUBLISHED.items()))
def test_published_readings(n: int, words: str) -> None:
    assert reference(n) == words
    assert read_amount(n) == words


# -- the tricky values, in every group position ------------------------------------------------------------
TRICKY_GROUPS = [0, 1, 4, 5, 9, 10, 11, 14, 15, 19, 20, 21, 24, 25, 30, 31, 34, 35, 55, 90, 91, 94, 95, 99, 100, 101,
                 104, 105, 110, 111, 114, 115, 120, 121, 124, 125, 500, 501, 504, 505, 510, 511, 514, 515, 521, 524, 525,
                 555, 900, 901, 904, 905, 910, 915, 921, 924, 925, 999]


def tricky_values() -> list[int]:
    """Every tricky group in every position, alone and beside tricky neighbours (linh/lẻ, mốt, lăm, tư, mười/mươi,
    all-zero groups, tỷ)."""
    rng = random.Random(16)
    values = set()
    for g in TRICKY_GROUPS:
        for power in range(4):
            values.add(g * 1000 ** power)
    for _ in range(60_000):
        groups = [rng.choice(TRICKY_GROUPS) for _ in range(4)]
        values.add(sum(g * 1000 ** i for i, g in enumerate(groups)))
    return sorted(values)


def spread_values(count: int = 40_000) -> list[int]:
    """Random amounts spread over every magnitude up to 999 tỷ."""
    rng = random.Random(1016)
    return [rng.randrange(10 ** rng.randint(1, 12)) for _ in range(count)]


def test_more_than_100000_values_match_the_reference() -> None:
    values = sorted(set(range(100_000)) | set(tricky_values()) | set(spread_values()) | {MAX_AMOUNT, 10**9, 10**11})
    assert len(values) > 180_000
    bad = [(n, read_amount(n), reference(n)) for n in values if read_amount(n) != reference(n)]
    assert bad == [], bad[:5]


def test_southern_reading_and_tu_match_the_reference() -> None:
    values = sorted(set(range(0, 100_000, 7)) | set(tricky_values()[::3]))
    assert len(values) > 30_000
    for n in values:
        assert read_amount(n, dialect="south") == reference(n, south=True), n
        assert read_amount(n, four_as_tu=True) == reference(n, tu=True), n
    assert read_amount(1005, dialect="south") == "một ngàn không trăm lẻ năm"
    assert read_amount(24_024, four_as_tu=True) == "hai mươi tư nghìn không trăm hai mươi tư"
    assert read_amount(14, four_as_tu=True) == "mười bốn"  # never "tư" after "mười"
    assert read_amount(1000, thousand="ngàn") == "một ngàn"  # the announcer's override, here too


def test_same_reading_as_the_announcer_below_a_million() -> None:
    for n in list(range(0, 10_000)) + spread_values(2000):
        if n <= 999_999:
            assert read_amount(n) == read_number(n)


def test_receipt_wording() -> None:
    assert amount_in_words(1_250_000) == "Một triệu hai trăm năm mươi nghìn đồng chẵn"
    assert amount_in_words(1_250_500) == "Một triệu hai trăm năm mươi nghìn năm trăm đồng"
    assert amount_in_words(80_000) == "Tám mươi nghìn đồng chẵn"
    assert amount_in_words(15) == "Mười lăm đồng"
    assert amount_in_words(0) == "Không đồng"
    assert amount_in_words(1_000_000_000) == "Một tỷ đồng chẵn"
    assert amount_in_words(1_000_005_000, round_word=False) == "Một tỷ không trăm linh năm nghìn đồng"
    assert amount_in_words(MAX_AMOUNT).startswith("Chín trăm chín mươi chín tỷ")
    assert format_vnd(1_250_000) == "1.250.000 đ" and format_vnd(0) == "0 đ" and format_vnd(999, unit="") == "999"
    assert format_vnd(12_345_678_901, unit="đồng") == "12.345.678.901 đồng"


@pytest.mark.parametrize("bad,error", [(-1, ValueError), (MAX_AMOUNT + 1, ValueError), (True, TypeError),
                                       (1.5, TypeError), ("1000", TypeError)])
def test_out_of_range(bad: object, error: type) -> None:
    with pytest.raises(error):
        read_amount(bad)  # type: ignore[arg-type]
