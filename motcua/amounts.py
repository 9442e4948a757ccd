"""Số tiền: amounts in đồng, in figures ("1.250.000 đ") and in words, as Vietnamese receipts write them.

In words (DOMAIN.md "Amounts in words"): groups of three digits with the units nghìn, triệu, tỷ, read
with the same rules as the announcements (motcua.speech: 15 "mười lăm", 21 "hai mươi mốt", 105 "một
trăm linh năm"); every group after the first is read in full ("không trăm", "linh") and an all-zero
group is silent. So 1.005.000 is "một triệu không trăm linh năm nghìn" and 1.000.005 "một triệu không
trăm linh năm". The first letter is a capital and the words end in "đồng", "đồng chẵn" for a round
amount (a whole number of thousands, the usual use of "chẵn" on fee receipts).

Choices, stated once: the Northern formal reading is the default — "nghìn" and "linh"; the Southern
reading ("ngàn", "lẻ") is an option, as the announcer has. 5 after "mươi" is "lăm", never the
colloquial "nhăm"; 4 after "mươi" is "bốn" unless "tư" is asked for. Amounts go to 999 tỷ.
"""
from __future__ import annotations

from motcua.speech import DIGITS, Dialect, group_words, thousand_word

#: The largest amount read (999 tỷ 999 triệu 999 nghìn 999 đồng).
MAX_AMOUNT = 999_999_999_999

#: The currency word and its round form.
DONG = "đồng"
ROUND = "chẵn"


def _check(n: object) -> int:
    # bool is an int subclass: True read as "Một đồng" would hide a bug upstream.
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(f"expected an amount in đồng as an int, got {type(n).__name__}")
    if not 0 <= n <= MAX_AMOUNT:
        raise ValueError(f"amount out of range 0..{MAX_AMOUNT}: {n}")
    return n


def format_vnd(n: int, *, unit: str = "đ") -> str:
    """"1.250.000 đ": figures with a dot between thousands, then the unit ("" for none)."""
    _check(n)
    figures = f"{n:,}".replace(",", ".")
    return f"{figures} {unit}" if unit else figures


def read_amount(n: int, *, dialect: Dialect = "north", four_as_tu: bool = False, thousand: str | None = None) -> str:
    """The amount's words in lower case, without the currency ("một triệu không trăm linh năm nghìn")."""
    _check(n)
    if n == 0:
        return DIGITS[0]
    units = ("", thousand_word(dialect, thousand), "triệu", "tỷ")
    groups = []
    rest = n
    while rest:
        rest, group = divmod(rest, 1000)
        groups.append(group)
    words: list[str] = []
    for power in range(len(groups) - 1, -1, -1):
        group = groups[power]
        if group == 0:
            continue  # an all-zero group is silent (2.000.000 "hai triệu")
        words += group_words(group, full=bool(words), dialect=dialect, four_as_tu=four_as_tu)
        if units[power]:
            words.append(units[power])
    return " ".join(words)


def amount_in_words(n: int, *, dialect: Dialect = "north", four_as_tu: bool = False, thousand: str | None = None,
                    round_word: bool = True) -> str:
    """Số tiền bằng chữ: "Một triệu hai trăm năm mươi nghìn đồng chẵn" for 1.250.000."""
    words = read_amount(n, dialect=dialect, four_as_tu=four_as_tu, thousand=thousand)
    text = f"{words} {DONG}"
    if round_word and n and n % 1000 == 0:
        text += f" {ROUND}"
    return text[0].upper() + text[1:]
