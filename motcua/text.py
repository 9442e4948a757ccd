"""Bilingual text and device errors shared by every package: Vietnamese first, English second."""
from __future__ import annotations

from typing import NamedTuple


class Text(NamedTuple):
    """A text in Vietnamese and English."""

    vi: str
    en: str

    def format(self, **values: object) -> Text:
        """Both languages with the placeholders filled in; a Text value gives each language its own words."""
        vi = {k: v.vi if isinstance(v, Text) else v for k, v in values.items()}
        en = {k: v.en if isinstance(v, Text) else v for k, v in values.items()}
        return Text(self.vi.format(**vi), self.en.format(**en))

    def __str__(self) -> str:
        return f"{self.vi} / {self.en}" if self.en and self.en != self.vi else self.vi


class DeviceError(Exception):
    """A device problem with a message for the person in front of the device (Vietnamese first).

    Driver packages subclass it and translate their libraries' exceptions into it at the boundary.
    """

    code = "device_error"

    def __init__(self, text: Text, *, detail: str = "") -> None:
        self.text = text
        self.detail = detail
        """Technical detail for logs and diagnostics (never a citizen's data)."""
        super().__init__(str(text))

    @property
    def message_vi(self) -> str:
        """The Vietnamese message."""
        return self.text.vi

    @property
    def message_en(self) -> str:
        """The English message."""
        return self.text.en
