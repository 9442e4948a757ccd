"""Write assets/catalog/admin_units.json, the administrative units after the reorganisation of 1 July 2025.

The shipped table is the whole country at two levels — 34 provinces and centrally-run cities, and their
3,321 communes, wards and special zones (xã, phường, đặc khu) — with the codes of the national list
(Quyết định 19/2025/QĐ-TTg, the statistics office's "Danh mục đơn vị hành chính"). Its text comes from the
`vietnam-provinces` package (2025.x), which compiles that list; run this only to refresh the table:

    .venv/bin/pip install vietnam-provinces && .venv/bin/python docs/forms/make_admin_units.py

The package is not a run-time dependency: the hub and the kiosk read the JSON file (motcua/admin_units.py).
"""
from __future__ import annotations

import json
from pathlib import Path

from vietnam_provinces import NESTED_DIVISIONS_JSON_PATH  # type: ignore[import-not-found]

OUT = Path(__file__).resolve().parents[2] / "assets" / "catalog" / "admin_units.json"
_PREFIXES = ("Thành phố ", "Tỉnh ")


def main() -> None:
    """Convert the package's nested JSON into our compact table."""
    data = json.loads(Path(NESTED_DIVISIONS_JSON_PATH).read_text(encoding="utf-8"))
    provinces = []
    for p in data:
        name = p["name"]
        for prefix in _PREFIXES:
            if name.startswith(prefix):
                name = name[len(prefix):]
        kind = "thành phố" if p["division_type"].startswith("thành phố") else "tỉnh"
        wards = [[f"{w['code']:05d}", w["name"]] for w in p["wards"]]
        provinces.append({"code": f"{p['code']:02d}", "name": name, "kind": kind, "wards": wards})
    doc = {"format": 1, "as_of": "2025-07-01",
           "source": "Danh mục đơn vị hành chính Việt Nam (Quyết định 19/2025/QĐ-TTg), via vietnam-provinces",
           "provinces": provinces}
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    # One province per line: readable diffs when the list changes.
    text = text.replace('},{"code"', '},\n{"code"').replace('"provinces":[{', '"provinces":[\n{')
    OUT.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
