"""A kiosk printing through `file://` (the README's way to drive /dev/usb/lp0): every ticket arrives whole
while the kiosk runs, and neither a kiosk start nor a technician's check empties what is there."""
from __future__ import annotations

from pathlib import Path

from kiosk.backend import KioskBackend
from kiosk.config import hash_pin, parse_kiosk_config

CUT = b"\x1dV"


def test_tickets_arrive_whole_and_checks_empty_nothing(make_hub, tmp_path: Path) -> None:  # noqa: ANN001
    h = make_hub()
    out = tmp_path / "lp0.bin"
    out.write_bytes(b"EARLIER")
    cfg = parse_kiosk_config({
        "hub": {"url": h.url, "token": h.tokens["kiosk"]},
        "printer": {"address": f"file://{out}"},
        "kiosk": {"technician_pin_hash": hash_pin("2468", iterations=1000), "cache_db": str(tmp_path / "c.db")},
    })
    kiosk = KioskBackend(cfg)
    kiosk.load_site()
    assert kiosk.check_printer() is None and out.read_bytes() == b"EARLIER"  # the kiosk's start
    first = kiosk.take_number("A")
    assert first.printed and first.print_outcome == "printed"
    job = out.read_bytes()[len(b"EARLIER"):]
    assert len(job) > 4096 and CUT in job[-8:]  # all of it, the cut included, while the kiosk runs on
    second = KioskBackend(cfg)  # a restart beside it, then another ticket
    second.load_site()
    assert second.check_printer() is None
    assert kiosk.take_number("A").printed
    data = out.read_bytes()
    assert data.startswith(b"EARLIER" + job) and len(data) > len(b"EARLIER") + 2 * 4096 and CUT in data[-8:]
    kiosk.close()
    second.close()
