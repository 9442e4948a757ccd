"""Telex, the way Vietnamese is typed on a plain keyboard ("nguyeenx" -> "nguyễn"), for the kiosk's
on-screen keyboard: a citizen's name must be spelled with its diacritics on a dossier.

Keys: aa â, aw ă, ee ê, oo ô, ow ơ, uw ư, w ư, dd đ; tones s sắc, f huyền, r hỏi, x ngã, j nặng, z removes
the tone; a tone key pressed twice types the letter itself ("ass" -> "as"). Tones go where official
documents put them (the "old" placement: hòa, thủy, khuyến, hoàng).
"""
from __future__ import annotations

import unicodedata

_TONES = {"s": "\u0301", "f": "\u0300", "r": "\u0309", "x": "\u0303", "j": "\u0323"}
_HAT = {"a": "â", "e": "ê", "o": "ô"}
_HORN = {"a": "ă", "o": "ơ", "u": "ư"}
_MODIFIED = set("ăâêôơư")
_VOWELS = set("aeiouyăâêôơư")


def _is_vowel(c: str) -> bool:
    return c.lower() in _VOWELS


class TelexWord:
    """One word being typed: the letters so far (with their marks) and its tone."""

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.tone = ""

    def _vowel_indexes(self) -> list[int]:
        return [i for i, c in enumerate(self.chars) if _is_vowel(c)]

    def press(self, key: str) -> None:
        """Apply one keystroke (a single letter)."""
        low = key.lower()
        vowels = self._vowel_indexes()
        if low in _TONES and vowels:
            if self.tone == _TONES[low]:
                self.tone = ""
                self.chars.append(key)
            else:
                self.tone = _TONES[low]
            return
        if low == "z" and self.tone:
            self.tone = ""
            return
        if low == "d" and self.chars and self.chars[0].lower() == "d" and all(
                c.lower() == "d" for c in self.chars[:1]) and len(self.chars) == 1:
            self.chars[0] = "Đ" if self.chars[0].isupper() else "đ"
            return
        if low == "w":
            if self._horn():
                return
            self.chars.append("Ư" if key.isupper() else "ư")
            return
        if low in _HAT and vowels:
            last = self.chars[vowels[-1]]
            if last.lower() == low:
                self.chars[vowels[-1]] = _HAT[low].upper() if last.isupper() else _HAT[low]
                return
        self.chars.append(key)

    def _horn(self) -> bool:
        vowels = self._vowel_indexes()
        if not vowels:
            return False
        # "uo" + w is "ươ" (trường, người).
        if len(vowels) >= 2 and self.chars[vowels[-2]].lower() == "u" and self.chars[vowels[-1]].lower() == "o":
            for i in vowels[-2:]:
                c = self.chars[i]
                self.chars[i] = _HORN[c.lower()].upper() if c.isupper() else _HORN[c.lower()]
            return True
        for i in reversed(vowels):
            c = self.chars[i]
            if c.lower() in _HORN:
                self.chars[i] = _HORN[c.lower()].upper() if c.isupper() else _HORN[c.lower()]
                return True
        return False

    def _tone_index(self) -> int | None:
        vowels = self._vowel_indexes()
        if not vowels:
            return None
        low = "".join(self.chars).lower()
        # "qu" and "gi" before another vowel: the u / i belongs to the consonant.
        if low.startswith("qu") and len(vowels) > 1 and vowels[0] == 1:
            vowels = vowels[1:]
        elif low.startswith("gi") and len(vowels) > 1 and vowels[0] == 1:
            vowels = vowels[1:]
        marked = [i for i in vowels if self.chars[i].lower() in _MODIFIED]
        if marked:
            return marked[-1]
        if len(vowels) == 1:
            return vowels[0]
        ends_with_vowel = vowels[-1] == len(self.chars) - 1
        if len(vowels) >= 3:
            return vowels[1]
        return vowels[0] if ends_with_vowel else vowels[-1]

    def text(self) -> str:
        """The word as Vietnamese text (NFC)."""
        chars = list(self.chars)
        i = self._tone_index()
        if self.tone and i is not None:
            chars[i] = chars[i] + self.tone
        return unicodedata.normalize("NFC", "".join(chars))


def telex(raw: str) -> str:
    """Convert text typed in Telex ("Nguyeenx Thij Hoongf") to Vietnamese ("Nguyễn Thị Hồng")."""
    out: list[str] = []
    word: TelexWord | None = None
    for ch in raw:
        if ch.isalpha() and ch.isascii():
            if word is None:
                word = TelexWord()
            word.press(ch)
        else:
            if word is not None:
                out.append(word.text())
                word = None
            out.append(ch)
    if word is not None:
        out.append(word.text())
    return "".join(out)
