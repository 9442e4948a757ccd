"""Đơn vị hành chính: provinces and their communes/wards after the reorganisation of 1 July 2025.

Since that date local government has two levels: 34 provinces and centrally-run cities (tỉnh, thành phố),
and 3,321 communes, wards and special zones (xã, phường, đặc khu); districts are gone. The table shipped
in assets/catalog/admin_units.json is the whole national list with its codes (Quyết định 19/2025/QĐ-TTg;
how it is made: docs/forms/make_admin_units.py). Forms keep a unit as its text, "Phường Kinh Bắc, tỉnh Bắc
Ninh", the way it is written on paper; `canonical` accepts what a citizen typed with or without diacritics.

Pure: the only I/O is reading the table, once.
"""
from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from motcua.catalog import fold

TABLE_PATH = Path(__file__).resolve().parent.parent / "assets" / "catalog" / "admin_units.json"


@dataclass(frozen=True, slots=True)
class Ward:
    """Một đơn vị hành chính cấp xã: a commune, ward or special zone."""

    code: str
    """5-digit national code."""
    name: str
    """"Phường Kinh Bắc", "Xã Đại Sơn", "Đặc khu Vân Đồn"."""


@dataclass(frozen=True, slots=True)
class Province:
    """Một đơn vị hành chính cấp tỉnh: a province or centrally-run city."""

    code: str
    """2-digit national code."""
    name: str
    """"Bắc Ninh", "Hà Nội" (without the kind)."""
    kind: str
    """"tỉnh" or "thành phố"."""
    wards: tuple[Ward, ...]

    @property
    def full_name(self) -> str:
        """"tỉnh Bắc Ninh", "thành phố Hà Nội": as it follows a ward's name in an address."""
        return f"{self.kind} {self.name}"

    @property
    def title(self) -> str:
        """"Tỉnh Bắc Ninh", "Thành phố Hà Nội": as a heading or a picker's entry."""
        return f"{self.kind[0].upper()}{self.kind[1:]} {self.name}"


@dataclass(frozen=True, slots=True)
class UnitTable:
    """The national list: provinces in code order, each with its wards."""

    provinces: tuple[Province, ...]
    as_of: str
    source: str

    def province(self, key: str) -> Province | None:
        """A province by code or by name ("Bắc Ninh", "tinh bac ninh", "24")."""
        k = fold(key)
        for p in self.provinces:
            if key == p.code or k in (fold(p.name), fold(p.title)):
                return p
        return None

    def wards_of(self, province: str) -> tuple[Ward, ...]:
        """The wards of a province (by code or name); empty for an unknown province."""
        p = self.province(province)
        return p.wards if p else ()

    def text(self, province: Province, ward: Ward) -> str:
        """The unit as written on a form: "Phường Kinh Bắc, tỉnh Bắc Ninh"."""
        return f"{ward.name}, {province.full_name}"

    def canonical(self, typed: str) -> str | None:
        """The unit's written form for what a citizen typed or picked ("phuong kinh bac, bac ninh" too);
        None when it names no ward of the table."""
        parts = [fold(x) for x in typed.split(",")]
        if len(parts) != 2 or not all(parts):
            return None
        ward_key, province_key = parts
        for p in self.provinces:
            if province_key not in (fold(p.name), fold(p.full_name)):
                continue
            for w in p.wards:
                if ward_key == fold(w.name):
                    return self.text(p, w)
        return None

    def search(self, query: str, *, province: str | None = None, limit: int = 20) -> list[str]:
        """Units whose ward name contains every word typed (diacritics optional), as written on a form."""
        words = fold(query).split()
        if not words:
            return []
        out: list[str] = []
        provinces: Sequence[Province] = self.provinces
        if province is not None:
            one = self.province(province)
            provinces = (one,) if one else ()
        for p in provinces:
            for w in p.wards:
                name = fold(w.name)
                if all(word in name.split() or any(x.startswith(word) for x in name.split()) for word in words):
                    out.append(self.text(p, w))
                    if len(out) >= limit:
                        return out
        return out


@functools.cache
def shipped() -> UnitTable:
    """The table shipped in assets/catalog/admin_units.json (read once)."""
    return load(TABLE_PATH)


def load(path: Path) -> UnitTable:
    """Read a units table (the format of assets/catalog/admin_units.json); ValueError naming the file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        provinces = tuple(
            Province(code=p["code"], name=p["name"], kind=p["kind"],
                     wards=tuple(Ward(code=c, name=n) for c, n in p["wards"]))
            for p in data["provinces"])
        return UnitTable(provinces=provinces, as_of=str(data.get("as_of", "")), source=str(data.get("source", "")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{path}: not an administrative units table: {exc}") from None
