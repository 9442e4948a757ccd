"""Telex input for the kiosk keyboard: names must come out with their diacritics."""
from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.telex import telex


@pytest.mark.parametrize(("typed", "expected"), [
    ("Nguyeenx Thij Hoongf Nhung", "Nguyễn Thị Hồng Nhung"),
    ("Traanf Vawn Ddaij", "Trần Văn Đại"),
    ("Lee Thij Thuyr", "Lê Thị Thủy"),
    ("Hoaf", "Hòa"),
    ("hoangf", "hoàng"),
    ("truwowngf", "trường"),
    ("nguwowif", "người"),
    ("khuyeens", "khuyến"),
    ("quyeets", "quyết"),
    ("giaf", "già"),
    ("gioongs", "giống"),
    ("Phamj Minh Ddwcs", "Phạm Minh Đức"),
    ("ddaats ddai", "đất đai"),
    ("Bawcs Ninh", "Bắc Ninh"),
    ("tuw phasp hooj tichj", "tư pháp hộ tịch"),
    ("w", "ư"),
    ("ass", "as"),
    ("asz", "a"),
    ("Huyfnh", "Huỳnh"),
    ("0912 345 678", "0912 345 678"),
    ("nhaf soos 12, phoos Lys Thais Toor", "nhà số 12, phố Lý Thái Tổ"),
])
def test_telex_words(typed: str, expected: str) -> None:
    assert telex(typed) == expected


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC 0123456789,.-", max_size=40))
def test_telex_never_fails_and_is_nfc(typed: str) -> None:
    out = telex(typed)
    assert unicodedata.is_normalized("NFC", out)
    assert out.count(" ") == typed.count(" ")
