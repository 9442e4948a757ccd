"""A district center's kiosk (issue 10): it lists and finds only the procedures of the center's own services,
and says so plainly when a citizen looks for one the center does not handle. A real hub over HTTP."""
from __future__ import annotations

from pathlib import Path

from kiosk_support import click, type_keys
from support import small_site

from kiosk.app import KioskWindow
from kiosk.backend import DossierBackend, KioskBackend
from kiosk.config import hash_pin, parse_kiosk_config
from motcua.catalog import search_entries
from sync.hub.dossiers import shipped_catalog

DISTRICT = small_site(
    site={"code": "HUYEN-TS", "name": "Bộ phận một cửa huyện Tiên Sơn"},
    services=[{"code": "TPHT", "name": "Tư pháp - Hộ tịch", "first_number": 1, "digits": 4},
              {"code": "DD", "name": "Đất đai", "first_number": 2001, "digits": 4}],
    counters=[{"number": 1, "services": ["TPHT"]}, {"number": 2, "services": ["DD"]}])


def test_district_kiosk_browses_and_searches_only_its_procedures(qtbot, make_hub, tmp_path: Path, clock) -> None:  # noqa: ANN001
    hub = make_hub(DISTRICT)
    cfg = parse_kiosk_config({
        "hub": {"url": hub.url, "token": hub.tokens["kiosk"], "timeout_s": 3},
        "printer": {"address": "dummy:"},
        "screen": {"orientation": "portrait", "width_px": 1080, "height_px": 1920, "fullscreen": False},
        "kiosk": {"name": "Ki-ốt huyện", "technician_pin_hash": hash_pin("1234", iterations=1000),
                  "cache_db": str(tmp_path / "kiosk-cache.db"), "issue_retry_s": 0},
    })
    backend = KioskBackend(cfg)
    win = KioskWindow(cfg, backend, clock=clock.time, dossiers=DossierBackend(backend))
    qtbot.addWidget(win)
    win.show()
    try:
        qtbot.waitUntil(lambda: win.site is not None, timeout=10000)
        d = win.dossier
        click(qtbot, d.catalog_button)
        qtbot.waitUntil(lambda: bool(d.c_field_buttons), timeout=5000)
        offered = [p for p in shipped_catalog() if p["service"] in ("TPHT", "DD")]
        assert len(d.backend.procedures) == len(offered) < 45
        # Browse: the fields of its two services, none of the province's others.
        assert set(d.c_field_buttons) == {"Hộ tịch", "Chứng thực", "Lý lịch tư pháp", "Đất đai"}
        click(qtbot, d.c_field_buttons["Đất đai"])
        shown = [b.text() for b in d.c_result_buttons if b.isVisibleTo(win)]
        assert shown and all(any(p["name"].startswith(s.rstrip("…")) for p in offered) for s in shown)
        # Search: a building permit is in the province's catalog, but not handled here; the kiosk says so.
        assert search_entries(shipped_catalog(), "giay phep xay dung")[0]["service"] == "XD"
        type_keys(qtbot, d.c_search, "giay phep xay dung")
        assert not any(b.isVisibleTo(win) for b in d.c_result_buttons)
        assert d.c_empty.isVisibleTo(win) and "Trung tâm này không có thủ tục" in d.c_empty.text()
        d.c_search.clear()
        type_keys(qtbot, d.c_search, "khai sinh")
        assert d.c_result_buttons[0].isVisibleTo(win) and d.c_result_buttons[0].text() == "Đăng ký khai sinh"
        assert not d.c_empty.isVisibleTo(win)
    finally:
        win.allow_close = True
        win.close()
        backend.close()
