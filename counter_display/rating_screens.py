"""The rating screen's pages drawn offscreen by its real code (the README's pictures and the demo's screens/).

`python -m counter_display.rating_screens --out docs/counter_display` regenerates docs/counter_display/rating-*.png.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path


def capture_rating_screens(out: Path, *, clerk: str = "Nguyễn Thị Lan", counter: int = 6,
                           display: str = "6015", tmp: Path | None = None) -> list[Path]:
    """The rating screen's four pages (idle, asking, reasons, thanks) as PNGs, drawn offscreen by its real code."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import tempfile

    from sync.staff_client import ClerkInfo
    from ui.application import app

    from .config import parse_device_config
    from .rating_app import RatingConfig, RatingScreen

    app()
    clock = {"t": 1_800_000_000.0}
    work = Path(tmp or tempfile.mkdtemp(prefix="motcua-rating-"))
    cfg = parse_device_config(RatingConfig, {"hub": {"url": "http://127.0.0.1:9", "token": "-"},
                                             "rating": {"counter": counter, "fullscreen": False}}, path="rating.toml")
    screen = RatingScreen(cfg, None, now=lambda: clock["t"], outbox_path=work / "rating.db")
    screen.timer.stop()
    screen.resize(1024, 600)
    screen._set_clerk(ClerkInfo(code="NV006", name=clerk))
    out.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []

    def grab(name: str) -> None:
        screen.ensurePolished()
        path = out / f"rating-{name}.png"
        screen.grab().save(str(path))
        shots.append(path)

    grab("1-idle")
    screen.session.served(ticket_id=str(uuid.uuid4()), display=display, counter=counter, clerk="NV006")
    screen._redraw()
    grab("2-asking")
    screen.choose("unsatisfied")
    screen.chips["waiting_time"].setChecked(True)
    grab("3-reasons")
    screen.uploader.online = True
    screen.send_reasons()
    grab("4-thanks")
    screen.close_all()
    screen.deleteLater()
    return shots


if __name__ == "__main__":  # pragma: no cover - regenerate the README's pictures
    import argparse

    ap = argparse.ArgumentParser(prog="python -m counter_display.rating_screens")
    ap.add_argument("--out", type=Path, default=Path("docs/counter_display"))
    for p in capture_rating_screens(ap.parse_args().out):
        print(p)
