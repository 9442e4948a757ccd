"""Heartbeats of the real device processes and "last seen" on the counter panel: the keypad bridge process
appears at the hub, goes stale (an injected clock at the hub), comes back after a restart, and its restart
clears the fault its earlier run left; the panel lists devices that have not been heard from."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from support import RunningHub, wait_until

from counter_display.config import CounterConfig, parse_device_config
from counter_display.counter import CounterPanel
from motcua import __version__
from sync.client import HubClient
from sync.store import create_token

ROOT = Path(__file__).resolve().parents[2]


def bridge_process(config: Path) -> subprocess.Popen[bytes]:
    """`motcua counter --headless`: the keypad/LED bridge as a technician starts it."""
    return subprocess.Popen([sys.executable, "-c", "import sys; from motcua.cli import main; sys.exit(main())",
                             "counter", "--headless", "--config", str(config)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def test_the_bridge_process_appears_goes_stale_and_comes_back(hub: RunningHub, tmp_path: Path) -> None:
    token = create_token(hub.db, role="counter", name="Quầy 1", counter=1)
    master, slave = os.openpty()
    (tmp_path / "keypad").symlink_to(os.ttyname(slave))
    os.close(slave)
    config = tmp_path / "counter1.toml"
    config.write_text(f'[hub]\nurl = "{hub.url}"\ntoken = "{token}"\n\n[counter]\nnumber = 1\n\n'
                      f'[keypad]\nport = "{tmp_path / "keypad"}"\ncounters = [1]\n', encoding="utf-8")
    # An earlier run of this bridge lost its keypad and was never told the cable was plugged back in.
    old = HubClient(hub.url, token, boot="bridge-old-run")
    old.heartbeat(role="bridge", uptime_s=3600)
    old.report_device("keypad_offline", device="counter1-keypad")
    staff = hub.client("counter")
    hub.clock.advance(minutes=1)

    def bridge() -> dict | None:
        return next((d.model_dump(mode="json") for d in staff.devices() if (d.device, d.role) == ("Quầy 1", "bridge")), None)

    proc = bridge_process(config)
    try:
        wait_until(lambda: (bridge() or {}).get("age_s") == 0.0, timeout=60)
        d = bridge()
        assert d is not None and d["version"] == __version__ and d["faults"] == []
        assert staff.device_faults() == []  # the restart cleared what the old run left
        seen = d["last_seen"]
    finally:
        stop(proc)
    hub.clock.advance(minutes=5)
    d = bridge()
    assert d is not None and d["age_s"] == 300.0 and d["last_seen"] == seen  # out of touch for 5 minutes

    proc = bridge_process(config)
    try:
        wait_until(lambda: (bridge() or {}).get("age_s") == 0.0, timeout=60)
        assert bridge()["last_seen"] != seen  # type: ignore[index]
    finally:
        stop(proc)
        os.close(master)


def test_the_counter_panel_lists_devices_not_seen_for_a_while(qtbot, hub: RunningHub) -> None:
    kiosk = create_token(hub.db, role="kiosk", name="Ki-ốt sảnh 1")
    HubClient(hub.url, kiosk).heartbeat(role="kiosk", uptime_s=10)
    hub.client("board").heartbeat(role="board", uptime_s=10)
    data = {"hub": {"url": hub.url, "token": hub.tokens["counter"]}, "counter": {"number": 1, "poll_s": 600}}
    panel = CounterPanel(parse_device_config(CounterConfig, data, path="c.toml"), hub.client("counter"))
    qtbot.addWidget(panel)
    panel.show()

    def lines() -> list[str]:
        with qtbot.waitSignal(panel.changed, timeout=5000):
            panel.refresh()
        return [panel.faults_list.item(i).text() for i in range(panel.faults_list.count())]

    assert lines() == ["Thiết bị hoạt động bình thường · All devices OK"]
    hub.clock.advance(seconds=60)
    assert lines() == ["Thiết bị hoạt động bình thường · All devices OK"]  # a missed beat is not yet news
    hub.clock.advance(minutes=4)
    hub.client("board").heartbeat(role="board", uptime_s=310)
    assert lines() == ["⌛ Ki-ốt sảnh 1: mất liên lạc 5 phút / not seen for 5 min"]
    hub.clock.advance(hours=3)
    hub.client("board").heartbeat(role="board", uptime_s=11000)
    hub.client("kiosk").report_device("paper_out", message="Máy in hết giấy", device="Máy in ki-ốt 2")
    assert lines() == ["⚠ Máy in ki-ốt 2: Máy in hết giấy", "⌛ Ki-ốt sảnh 1: mất liên lạc 3 giờ / not seen for 3 h"]
    HubClient(hub.url, kiosk).heartbeat(role="kiosk", uptime_s=5)  # it is back
    assert lines() == ["⚠ Máy in ki-ốt 2: Máy in hết giấy"]
