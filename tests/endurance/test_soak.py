"""The short endurance run: the real board, kiosk, counter panel and keypad bridge processes against a real
hub process with a fast clock — a working day with a network cut and a hub restart, a night across
midnight, the next morning — and each stays alive, flat in memory and open files, and shows the hub's state."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from soak_harness import Soak
from soak_plan import SoakConfig, short_plan


@pytest.mark.timeout(240)
def test_devices_survive_a_short_soak(tmp_path: Path) -> None:
    cfg = SoakConfig(days=short_plan())
    with Soak(tmp_path, cfg, log=print) as soak:
        report = soak.run()
    (tmp_path / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(json.dumps(report, indent=2, ensure_ascii=False))
    assert report["ok"], report["failures"]
    for role, proc in report["processes"].items():
        assert proc["alive"] and proc["screen_ok"], role
        assert proc["restarts_survived"] >= 4 and proc["cuts_survived"] >= 1, role
        assert proc["flat_rss"] and proc["flat_fds"], (role, proc)
    # the load really went through every device's own input
    ops = report["device_operations"]
    assert ops["keypad_lines"] >= 100 and ops["kiosk_touches"] >= 5 and ops["panel_clicks"] >= 20, ops
    assert ops["board_events"] >= 500, ops
    assert ops["board_calls_announced"] >= 100, ops  # the voice ran too, judged on the hub's (fast) clock
    assert report["calls"] >= 150 and report["events"].get("day.started", 0) >= 1
    assert report["printer"]["cuts"] >= 3  # tickets printed whole, cut included
