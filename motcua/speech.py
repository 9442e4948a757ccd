"""Vietnamese speech text for call announcements (câu gọi số): numbers, ticket displays, call sentences.

Text only: the announcer (counter_display) turns these strings into audio. Speech engines must be
given words, never digits (espeak-ng reads "1023" digit by digit or in the wrong register).

Reading rules (formal Northern reading, DOMAIN.md "Reading numbers aloud"):

- units after a tens word: 1 after "mươi" is "mốt" (21 "hai mươi mốt"), but "một" after "mười" and
  "linh" (11 "mười một", 101 "một trăm linh một"); 5 after "mười"/"mươi" is "lăm" (15 "mười lăm",
  25 "hai mươi lăm"), but "năm" after "linh" (105 "một trăm linh năm"); 4 after "mươi" may be read
  "tư" (24 "hai mươi tư") when asked, never after "mười" or "linh";
- a zero tens digit before a non-zero unit is "linh" (Northern) or "lẻ" (Southern);
- inside a larger number a zero hundreds digit is read "không trăm" (1005 "một nghìn không trăm linh
  năm"), and an all-zero lower group is silent (2000 "hai nghìn");
- thousands are "nghìn" (Northern) or "ngàn" (Southern, overridable with `thousand=`).
"""
from __future__ import annotations

import re
from typing import Literal

Dialect = Literal["north", "south"]

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")

#: Largest number `read_number` accepts (displays are at most 6 digits in the site config).
MAX_NUMBER = 999_999

#: How letter prefixes are read in Vietnamese announcements (tên chữ cái, the school names most
#: people use on the phone and at counters). Letters that are not Vietnamese (F, J, W, Z) get their
#: usual loan names. Multi-syllable names are written as separate syllables so a TTS engine reads
#: them with Vietnamese tones instead of spelling them.
LETTER_NAMES: dict[str, str] = {
    "A": "a", "Ă": "á", "Â": "ớ", "B": "bê", "C": "xê", "D": "dê", "Đ": "đê", "E": "e", "Ê": "ê",
    "F": "ép", "G": "giê", "H": "hát", "I": "i", "J": "gi", "K": "ca", "L": "e lờ", "M": "em mờ",
    "N": "en nờ", "O": "o", "Ô": "ô", "Ơ": "ơ", "P": "pê", "Q": "quy", "R": "e rờ", "S": "ét xì",
    "T": "tê", "U": "u", "Ư": "ư", "V": "vê", "W": "vê kép", "X": "ích xì", "Y": "i dài", "Z": "dét",
}

#: The default call sentence (Vietnamese). Placeholders: {number} the spoken display, {counter} the
#: spoken counter, {display} and {counter_label} as printed.
CALL_TEMPLATE = "Mời công dân có số thứ tự {number} đến quầy số {counter}"
#: The default English call sentence; same placeholders.
CALL_TEMPLATE_EN = "Ticket number {number}, please go to counter {counter}"

_DISPLAY = re.compile(r"^([^\W\d_]*)[\s-]*(\d+)$")

_EN_DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_EN_TEENS = ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
             "eighteen", "nineteen")
_EN_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def _check_int(n: object, *, limit: int) -> int:
    # bool is an int subclass; True read as "một" would hide a bug upstream.
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(f"expected an int, got {type(n).__name__}")
    if not 0 <= n <= limit:
        raise ValueError(f"number out of range 0..{limit}: {n}")
    return n


def _below_hundred(n: int, *, zero_tens: str | None, four_as_tu: bool) -> list[str]:
    """Words for 0 < n < 100; zero_tens is "linh"/"lẻ" when a higher digit precedes, else None."""
    tens, unit = divmod(n, 10)
    if tens == 0:
        return [zero_tens, DIGITS[unit]] if zero_tens else [DIGITS[unit]]
    if tens == 1:
        words = ["mười"]
        if unit == 5:
            words.append("lăm")
        elif unit:
            words.append(DIGITS[unit])
        return words
    words = [DIGITS[tens], "mươi"]
    if unit == 1:
        words.append("mốt")
    elif unit == 4 and four_as_tu:
        words.append("tư")
    elif unit == 5:
        words.append("lăm")
    elif unit:
        words.append(DIGITS[unit])
    return words


def _group(n: int, *, full: bool, zero_tens: str, four_as_tu: bool) -> list[str]:
    """Words for a three-digit group 0 < n < 1000; `full` reads a zero hundreds digit ("không trăm")."""
    hundreds, rest = divmod(n, 100)
    words: list[str] = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if rest:
        words += _below_hundred(rest, zero_tens=zero_tens if words else None, four_as_tu=four_as_tu)
    return words


def group_words(n: int, *, full: bool, dialect: Dialect = "north", four_as_tu: bool = False) -> list[str]:
    """Words of one three-digit group 0 < n < 1000 ("không trăm linh năm" for 5 when `full`).

    The building block of larger readings (motcua.amounts reads amounts up to 999 tỷ with it): `full`
    reads a zero hundreds digit, as every group after the first of a larger number is read.
    """
    _check_int(n, limit=999)
    if n == 0:
        raise ValueError("an all-zero group is not read")
    return _group(n, full=full, zero_tens="linh" if dialect == "north" else "lẻ", four_as_tu=four_as_tu)


def thousand_word(dialect: Dialect = "north", thousand: str | None = None) -> str:
    """The word for 1000: "nghìn" (Northern), "ngàn" (Southern), or the one given."""
    return thousand or ("nghìn" if dialect == "north" else "ngàn")


def read_number(n: int, *, dialect: Dialect = "north", four_as_tu: bool = False,
                thousand: str | None = None) -> str:
    """Cách đọc số: the Vietnamese words for 0 <= n <= 999 999 (1023 → "một nghìn không trăm hai mươi ba")."""
    _check_int(n, limit=MAX_NUMBER)
    if dialect not in ("north", "south"):
        raise ValueError(f"dialect must be 'north' or 'south', got {dialect!r}")
    zero_tens = "linh" if dialect == "north" else "lẻ"
    thousand_word = thousand or ("nghìn" if dialect == "north" else "ngàn")
    if n == 0:
        return DIGITS[0]
    high, low = divmod(n, 1000)
    words: list[str] = []
    if high:
        words += _group(high, full=False, zero_tens=zero_tens, four_as_tu=four_as_tu)
        words.append(thousand_word)
    if low:
        words += _group(low, full=bool(high), zero_tens=zero_tens, four_as_tu=four_as_tu)
    return " ".join(words)


def read_ordinal(n: int, *, dialect: Dialect = "north") -> str:
    """Số thứ tự đọc: "thứ nhất", "thứ hai", "thứ tư" (1 and 4 have their own words), "thứ mười lăm"."""
    _check_int(n, limit=MAX_NUMBER)
    if n == 0:
        raise ValueError("there is no zeroth")
    return "thứ " + {1: "nhất", 4: "tư"}.get(n, read_number(n, dialect=dialect))


def split_display(display: str) -> tuple[str, int]:
    """Split a ticket display into its letter prefix and number ("A015" → ("A", 15))."""
    m = _DISPLAY.match(display.strip())
    if not m:
        raise ValueError(f"not a ticket display (letters then digits): {display!r}")
    prefix, digits = m.group(1).upper(), m.group(2)
    if not digits.isascii():
        raise ValueError(f"not a ticket display (ASCII digits expected): {display!r}")
    for ch in prefix:
        if ch not in LETTER_NAMES:
            raise ValueError(f"no reading for the letter {ch!r} in {display!r}")
    return prefix, int(digits)


def read_letters(letters: str) -> str:
    """Tên chữ cái: read letters the Vietnamese way ("AB" → "a bê")."""
    words = []
    for ch in letters.upper():
        if ch not in LETTER_NAMES:
            raise ValueError(f"no reading for the letter {ch!r}")
        words.append(LETTER_NAMES[ch])
    return " ".join(words)


def read_display(display: str, *, dialect: Dialect = "north", four_as_tu: bool = False,
                 thousand: str | None = None) -> str:
    """Đọc số thứ tự: the prefix letters, then the number's value ("A015" → "a mười lăm")."""
    prefix, number = split_display(display)
    spoken = read_number(number, dialect=dialect, four_as_tu=four_as_tu, thousand=thousand)
    return f"{read_letters(prefix)} {spoken}" if prefix else spoken


def _counter_parts(counter: int | str) -> tuple[str, int | str]:
    if isinstance(counter, bool):
        raise TypeError("counter must be an int or a display string")
    if isinstance(counter, int):
        return str(counter), counter
    return counter.strip(), counter.strip()


def _fill(template: str, values: dict[str, str]) -> str:
    try:
        return template.format_map(values)
    except KeyError as exc:
        raise ValueError(f"unknown placeholder {{{exc.args[0]}}} in the call template; "
                         f"known: {', '.join('{' + k + '}' for k in values)}") from None
    except (IndexError, ValueError) as exc:
        raise ValueError(f"bad call template {template!r}: {exc}") from None


def call_text(display: str, counter: int | str, *, template: str = CALL_TEMPLATE,
              dialect: Dialect = "north", four_as_tu: bool = False, thousand: str | None = None) -> str:
    """Câu gọi số: "Mời công dân có số thứ tự một nghìn không trăm hai mươi ba đến quầy số năm"."""
    label, value = _counter_parts(counter)
    if isinstance(value, int):
        spoken_counter = read_number(value, dialect=dialect, four_as_tu=four_as_tu, thousand=thousand)
    else:
        spoken_counter = read_display(value, dialect=dialect, four_as_tu=four_as_tu, thousand=thousand)
    values = {
        "number": read_display(display, dialect=dialect, four_as_tu=four_as_tu, thousand=thousand),
        "counter": spoken_counter,
        "display": display.strip(),
        "counter_label": label,
    }
    return _fill(template, values)


def read_number_en(n: int) -> str:
    """English words for 0 <= n <= 999 999 (counter numbers: 12 → "twelve")."""
    _check_int(n, limit=MAX_NUMBER)
    if n < 10:
        return _EN_DIGITS[n]
    if n < 20:
        return _EN_TEENS[n - 10]
    if n < 100:
        tens, unit = divmod(n, 10)
        return _EN_TENS[tens] + (f"-{_EN_DIGITS[unit]}" if unit else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{_EN_DIGITS[hundreds]} hundred" + (f" and {read_number_en(rest)}" if rest else "")
    high, low = divmod(n, 1000)
    return f"{read_number_en(high)} thousand" + (
        (" and " if low < 100 else " ") + read_number_en(low) if low else "")


def read_display_en(display: str) -> str:
    """A display for English announcements: letters, then each printed digit ("A015" → "A, zero one five")."""
    prefix, _ = split_display(display)
    printed = re.sub(r"[\s-]", "", display.strip())[len(prefix):]
    digits = " ".join(_EN_DIGITS[int(d)] for d in printed)
    # The comma matters: espeak-ng reads "A zero" as the article "a", but "A, zero" as the letter.
    return f"{' '.join(prefix.upper())}, {digits}" if prefix else digits


def call_text_en(display: str, counter: int | str, *, template: str = CALL_TEMPLATE_EN) -> str:
    """The English call: "Ticket number one zero two three, please go to counter five"."""
    label, value = _counter_parts(counter)
    values = {
        "number": read_display_en(display),
        "counter": read_number_en(value) if isinstance(value, int) else read_display_en(value),
        "display": display.strip(),
        "counter_label": label,
    }
    return _fill(template, values)
