"""Devices and faults over real HTTP: heartbeats and "last seen" (an injected clock), the registry across a
hub restart, faults that clear when the device restarts healthy or when an admin clears them."""
from __future__ import annotations

import logging
import time

import pytest
from support import RunningHub, as_json

from motcua import __version__
from sync.client import Heartbeat, HubClient, HubError
from sync.store import create_token


def client(hub: RunningHub, token: str, boot: str) -> HubClient:
    """A device process: its token, and its run id (a new one plays a restart)."""
    return HubClient(hub.url, token, boot=boot)


def beat(c: HubClient, role: str, **kw) -> dict:
    return as_json(c.heartbeat(role=role, uptime_s=kw.pop("uptime_s", 1.0), **kw))


def device_events(hub: RunningHub) -> list[dict]:
    import orjson

    return [orjson.loads(r[0])["device"] | {"type": r[1]} for r in hub.store.read(
        "SELECT data, type FROM events WHERE type LIKE 'device.%' ORDER BY seq")]


def test_a_device_appears_goes_stale_and_comes_back(hub: RunningHub) -> None:
    hb = Heartbeat(hub.client("kiosk"), role="kiosk", interval_s=3600)
    staff = hub.client("counter")
    assert as_json(staff.devices()) == []
    assert hb.beat() and hb.beats == 1
    [d] = as_json(staff.devices())
    assert set(d) == {"device", "role", "version", "last_seen", "age_s", "faults"}
    assert (d["device"], d["role"], d["version"], d["age_s"], d["faults"]) == ("test kiosk", "kiosk", __version__, 0.0, [])
    assert d["last_seen"] == "2026-11-26T09:00:00.000+07:00"
    hub.clock.advance(minutes=5)
    [d] = as_json(staff.devices())
    assert d["age_s"] == 300.0 and d["last_seen"] == "2026-11-26T09:00:00.000+07:00"
    assert hb.beat()
    [d] = as_json(staff.devices())
    assert d["age_s"] == 0.0 and d["last_seen"] == "2026-11-26T09:05:00.000+07:00"


def test_only_staff_read_the_device_list(hub: RunningHub) -> None:
    for role in ("kiosk", "board"):
        with pytest.raises(HubError) as err:
            hub.client(role).devices()
        assert err.value.status == 403
    assert as_json(hub.client("admin").devices()) == []


def test_a_token_speaks_only_for_its_kind_of_app(hub: RunningHub) -> None:
    with pytest.raises(HubError) as err:
        beat(hub.client("kiosk"), "board")
    assert err.value.status == 403 and err.value.code == "forbidden"
    assert beat(hub.client("counter"), "bridge")["role"] == "bridge"
    with pytest.raises(HubError) as err:
        hub.client("board").heartbeat(role="board", uptime_s=-1)
    assert err.value.status == 422


def test_last_seen_survives_a_hub_restart(hub: RunningHub) -> None:
    beat(hub.client("board"), "board")
    beat(hub.client("counter"), "counter")
    hub.clock.advance(minutes=2)
    beat(hub.client("board"), "board", version="0.0.9")
    hub.restart()
    hub.clock.advance(minutes=10)
    by_name = {d["device"]: d for d in as_json(hub.client("admin").devices())}
    assert by_name["test board"]["age_s"] == 600.0 and by_name["test board"]["version"] == "0.0.9"
    assert by_name["test counter"]["age_s"] == 720.0
    rows = hub.store.read("SELECT name, role, version FROM devices ORDER BY name")
    assert rows == [("test board", "board", "0.0.9"), ("test counter", "counter", __version__)]


def test_the_heartbeat_thread_survives_a_hub_outage(hub: RunningHub) -> None:
    hb = Heartbeat(hub.client("board"), role="board", interval_s=0.05).start()
    try:
        deadline = time.monotonic() + 10
        while hb.beats < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert hb.beats >= 3
        hub.stop()
        assert hb.beat() is False and hb.last_error  # never raises into the device
        hub.start()
        assert hb.beat() is True and hb.last_error is None
    finally:
        hb.stop()
    assert not hb._thread.is_alive()  # noqa: SLF001


def test_a_stop_that_lands_while_the_heartbeat_starts_stops_it_quietly(hub: RunningHub,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # The bridge unit's stop (SIGINT) came inside Heartbeat.start, before its thread ran: stop() joined a thread
    # never started, raised, and the bridge ended with a traceback and status 1 (a clean-clone suite run).
    import threading

    def interrupted(self: threading.Thread) -> None:
        raise KeyboardInterrupt

    hb = Heartbeat(hub.client("board"), role="board", interval_s=3600)
    with monkeypatch.context() as m:
        m.setattr(threading.Thread, "start", interrupted)
        with pytest.raises(KeyboardInterrupt):
            hb.start()
    hb.stop()  # no exception
    assert hb.stop_event.is_set() and hb._thread is not None and not hb._thread.is_alive()  # noqa: SLF001


def test_a_refused_token_is_logged_once_as_an_error(hub: RunningHub, caplog: pytest.LogCaptureFixture) -> None:
    hb = Heartbeat(HubClient(hub.url, "kiosk_not-a-token"), role="kiosk")
    with caplog.at_level(logging.INFO, logger="sync.client"):
        assert not hb.beat() and not hb.beat()
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "401" in errors[0].getMessage()


def test_a_restart_without_the_fault_clears_it(hub: RunningHub) -> None:
    token = hub.tokens["kiosk"]
    run1 = client(hub, token, "run-one-0001")
    beat(run1, "kiosk")
    run1.report_device("paper_out", message="Máy in hết giấy", device="Máy in ki-ốt 1")
    beat(run1, "kiosk")  # the same run: nothing changes
    assert [f["fault"] for f in as_json(hub.client("counter").device_faults())] == ["paper_out"]
    [d] = as_json(hub.client("counter").devices())
    assert [f["device"] for f in d["faults"]] == ["Máy in ki-ốt 1"]

    # The technician changed the roll and restarted the kiosk: its new run reports nothing.
    run2 = client(hub, token, "run-two-0002")
    reply = beat(run2, "kiosk")
    assert [(c["type"], c["device"], c["cleared"]) for c in reply["changes"]] == [
        ("device.ok", "Máy in ki-ốt 1", "restart")]
    assert as_json(hub.client("counter").device_faults()) == []
    assert as_json(hub.client("counter").devices())[0]["faults"] == []
    ok = device_events(hub)[-1]
    assert ok["type"] == "device.ok" and ok["was"] == "paper_out" and ok["cleared_by"] == "test kiosk"
    hub.restart()  # the event log says so: still cleared after a hub restart
    assert as_json(hub.client("counter").device_faults()) == []


def test_a_restart_keeps_the_faults_of_the_new_run(hub: RunningHub) -> None:
    token = hub.tokens["kiosk"]
    run1 = client(hub, token, "run-one-0001")
    beat(run1, "kiosk")
    run1.report_device("paper_out", device="printer")
    run1.report_device("scanner_offline", device="scanner")
    run1.report_device("camera_offline", device="camera")
    run2 = client(hub, token, "run-two-0002")
    # Still out of paper: the new run checked the printer and reported before its first heartbeat;
    # the camera it lists in the heartbeat; the scanner was plugged back in.
    run2.report_device("paper_out", message="Máy in hết giấy", device="printer")
    beat(run2, "kiosk", faults=[{"device": "camera", "fault": "camera_offline"}])
    assert sorted(f["device"] for f in as_json(hub.client("counter").device_faults())) == ["camera", "printer"]
    cleared = [e for e in device_events(hub) if e["type"] == "device.ok"]
    assert [e["device"] for e in cleared] == ["scanner"]


def test_a_sibling_app_under_the_same_token_keeps_its_faults(hub: RunningHub) -> None:
    token = create_token(hub.db, role="counter", name="Quầy 1", counter=1)
    panel, bridge = client(hub, token, "panel-run-1"), client(hub, token, "bridge-run-1")
    beat(panel, "counter")
    beat(bridge, "bridge")
    bridge.report_device("keypad_offline", device="counter1-keypad")
    beat(client(hub, token, "panel-run-2"), "counter")  # the panel restarts: not its fault to clear
    assert [f["device"] for f in as_json(hub.client("admin").device_faults())] == ["counter1-keypad"]
    by_role = {d["role"]: d for d in as_json(hub.client("admin").devices())}
    assert [f["device"] for f in by_role["bridge"]["faults"]] == ["counter1-keypad"]
    assert by_role["counter"]["faults"] == []
    beat(client(hub, token, "bridge-run-2"), "bridge")  # the bridge restarts with the keypad back
    assert as_json(hub.client("admin").device_faults()) == []


def test_two_devices_sharing_a_token_do_not_clear_each_other(hub: RunningHub, caplog: pytest.LogCaptureFixture) -> None:
    token = hub.tokens["kiosk"]
    first, second = client(hub, token, "kiosk-a-0001"), client(hub, token, "kiosk-b-0001")
    beat(first, "kiosk", uptime_s=600)
    first.report_device("paper_out", device="printer")
    hub.clock.advance(seconds=30)
    with caplog.at_level(logging.WARNING, logger="sync.hub.registry"):
        beat(second, "kiosk", uptime_s=3600)  # it was running long before first's last beat: no restart
    assert [f["fault"] for f in as_json(hub.client("admin").device_faults())] == ["paper_out"]
    assert any("give each its own token" in r.getMessage() for r in caplog.records)


def test_a_fault_the_device_still_has_comes_back(hub: RunningHub) -> None:
    run = client(hub, hub.tokens["kiosk"], "run-one-0001")
    fault = [{"device": "printer", "fault": "paper_out", "message": "Máy in hết giấy"}]
    reply = beat(run, "kiosk", faults=fault)  # its report was lost while the hub was down
    assert [(c["type"], c["device"]) for c in reply["changes"]] == [("device.fault", "printer")]
    assert beat(run, "kiosk", faults=fault)["changes"] == []  # known: no new event
    as_json(hub.client("admin").clear_faults("printer"))
    assert as_json(hub.client("admin").device_faults()) == []
    beat(run, "kiosk", faults=fault)  # cleared but not fixed: the device says so again
    [f] = as_json(hub.client("admin").device_faults())
    assert (f["device"], f["fault"], f["by"], f["message"]) == ("printer", "paper_out", "test kiosk", "Máy in hết giấy")


def test_an_admin_clears_faults(hub: RunningHub) -> None:
    k = hub.client("kiosk")
    k.report_device("paper_out", device="Máy in ki-ốt 1")
    k.report_device("scanner_offline", device="Máy quét ki-ốt 1")
    hub.client("board").report_device("display_offline")
    admin = hub.client("admin")
    with pytest.raises(HubError) as err:
        as_json(hub.client("counter").clear_faults("Máy in ki-ốt 1"))
    assert err.value.status == 403
    with pytest.raises(HubError) as err:
        as_json(admin.clear_faults("Ki-ốt không có"))
    assert err.value.status == 404 and err.value.code == "no_active_fault"
    assert [c["device"] for c in as_json(admin.clear_faults("Máy in ki-ốt 1"))] == ["Máy in ki-ốt 1"]
    # By the name of the device that reported them: every fault of that kiosk.
    assert [c["device"] for c in as_json(admin.clear_faults("test kiosk"))] == ["Máy quét ki-ốt 1"]
    assert [c["device"] for c in as_json(admin.clear_faults())] == ["test board"]
    assert as_json(admin.clear_faults()) == []
    oks = [e for e in device_events(hub) if e["type"] == "device.ok"]
    assert [(e["device"], e["cleared"], e["cleared_by"], e["was"]) for e in oks] == [
        ("Máy in ki-ốt 1", "admin", "test admin", "paper_out"),
        ("Máy quét ki-ốt 1", "admin", "test admin", "scanner_offline"),
        ("test board", "admin", "test admin", "display_offline")]
    r = admin.session.post(admin.api + "/devices/faults/clear", json={"device": "x", "all": True}, timeout=5)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request"


def test_faults_without_a_heartbeat_are_listed_under_their_reporter(hub: RunningHub) -> None:
    hub.client("kiosk").report_device("paper_out", device="printer")
    [d] = as_json(hub.client("admin").devices())
    assert (d["device"], d["role"], d["last_seen"], d["age_s"]) == ("test kiosk", "kiosk", None, None)
    assert [f["device"] for f in d["faults"]] == ["printer"]
