"""The counter hardware bridge over pty pairs: keypad line protocol, Modbus RTU and ASCII LED bytes,
CRC, reconnect after an unplug — against a real hub."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from support import RunningHub, wait_until

from counter_display.config import CounterConfig, parse_device_config
from counter_display.hardware import (
    CounterBridge,
    KeypadError,
    LinkState,
    crc16_modbus,
    display_number,
    modbus_check,
    modbus_write_register,
    parse_keypad_line,
)


# ------------------------------------------------------------------------------- pure protocol
def test_modbus_frame_and_crc() -> None:
    # The textbook example: slave 1, write register 1 = 3 → 01 06 00 01 00 03 98 0B.
    assert modbus_write_register(1, 1, 3) == bytes.fromhex("010600010003980B")
    frame = modbus_write_register(1, 0, 1023)
    assert frame[:6] == bytes([0x01, 0x06, 0x00, 0x00, 0x03, 0xFF]) and len(frame) == 8
    assert crc16_modbus(b"123456789") == 0x4B37  # the CRC catalogue's check value for CRC-16/MODBUS
    assert modbus_check(frame) and not modbus_check(frame[:-1] + bytes([frame[-1] ^ 1]))
    with pytest.raises(ValueError):
        modbus_write_register(0, 0, 1)
    with pytest.raises(ValueError):
        modbus_write_register(1, 0, 70000)


def test_display_numbers_and_keypad_lines() -> None:
    assert [display_number(d) for d in ("1023", "A015", "T001", None, "")] == [1023, 15, 1, 0, 0]
    assert parse_keypad_line("next 5\r") == parse_keypad_line("NEXT 5")
    assert parse_keypad_line("PAUSE 12").counter == 12 and parse_keypad_line("PING").verb == "PING"
    for bad in ("NEXT", "FOO 1", "NEXT five", "NEXT 1 2", ""):
        with pytest.raises(KeypadError):
            parse_keypad_line(bad)


# ------------------------------------------------------------------------------- over ptys
def make_config(hub: RunningHub, tmp_path: Path, *, leds: list[dict] | None = None, keypad: bool = True) -> CounterConfig:
    data: dict = {"hub": {"url": hub.url, "token": hub.tokens["counter"]}, "counter": {"number": 1}}
    if keypad:
        data["keypad"] = {"port": str(tmp_path / "keypad"), "counters": [1, 2]}
    data["leds"] = leds or []
    return parse_device_config(CounterConfig, data, path="test.toml")


def test_keypad_drives_the_hub_and_the_modbus_led_shows_the_number(hub: RunningHub, tmp_path: Path, devices) -> None:
    keypad, led_port = devices("keypad"), devices("led")
    k = hub.client("kiosk")
    t1, t2 = k.issue("A"), k.issue("A")
    cfg = make_config(hub, tmp_path, leds=[{"port": str(tmp_path / "led"), "mode": "modbus", "address": 7}])
    bridge = CounterBridge(cfg, hub.client("counter"), retry_s=0.05, follow_events=False).start()
    try:
        wait_until(lambda: bridge.keypad.state == LinkState.CONNECTED, timeout=10.0)
        keypad.write(b"NEXT 1\r\n")
        assert keypad.line() == f"OK {t1.display}\r\n".encode()
        frame = led_port.read(8)
        assert frame == bytes([7, 0x06, 0x00, 0x00]) + (1001).to_bytes(2, "big") + frame[6:]
        assert modbus_check(frame)
        led_port.write(frame)  # the display echoes the request
        keypad.write(b"RECALL 1\n")
        assert keypad.line() == f"OK {t1.display}\r\n".encode()
        assert led_port.read(8) == frame
        keypad.write(b"DONE 1\r\n")
        assert keypad.line() == f"OK {t1.display}\r\n".encode()
        assert led_port.read(8) == modbus_write_register(7, 0, 0)  # blank when free
        keypad.write(b"NEXT 2\r\nSKIP 2\r\n")  # two lines in one write
        assert keypad.line() == f"OK {t2.display}\r\n".encode()
        assert keypad.line() == f"OK {t2.display}\r\n".encode()
        keypad.write(b"NEXT 1\r\n")
        assert keypad.line() == b"ERR EMPTY\r\n"
        keypad.write(b"PAUSE 1\r\n")
        assert keypad.line() == b"OK PAUSED\r\n"
        keypad.write(b"NEXT 1\r\n")
        assert keypad.line() == b"ERR PAUSED\r\n"
        keypad.write(b"PAUSE 1\r\n")  # the same button resumes
        assert keypad.line() == b"OK OPEN\r\n"
        keypad.write(b"SKIP 1\r\nNEXT 3\r\nHELLO\r\nPING\r\n")
        assert [keypad.line() for _ in range(4)] == [b"ERR NO_TICKET\r\n", b"ERR BAD_COUNTER\r\n",
                                                     b"ERR BAD_COMMAND\r\n", b"OK PONG\r\n"]
        statuses = {t.id: t.status for t in hub.client("admin").tickets()}
        assert statuses == {t1.id: "done", t2.id: "skipped"}
        d = bridge.diagnostics()
        assert d["keypad"]["state"] == "connected" and d["leds"][0]["writes"] >= 3 and "token" not in str(d)
    finally:
        bridge.stop()


def test_ascii_led_follows_calls_made_on_the_panel(hub: RunningHub, tmp_path: Path, devices) -> None:
    led_port = devices("led")
    k, c = hub.client("kiosk"), hub.client("counter")
    k.issue("B")
    cfg = make_config(hub, tmp_path, keypad=False,
                      leds=[{"port": str(tmp_path / "led"), "mode": "ascii", "digits": 4}])
    bridge = CounterBridge(cfg, hub.client("counter"), retry_s=0.05).start()
    try:
        assert led_port.line() == b"    \r\n"  # start: counter 1 is free
        c.call_next(1)  # on the screen panel, not the keypad
        assert led_port.line() == b"B001\r\n"
        c.complete(1)
        assert led_port.line() == b"    \r\n"
    finally:
        bridge.stop()


def test_keypad_and_led_reconnect_after_an_unplug(hub: RunningHub, tmp_path: Path, devices) -> None:
    keypad, led_port = devices("keypad"), devices("led")
    k = hub.client("kiosk")
    t1, t2 = k.issue("A"), k.issue("A")
    cfg = make_config(hub, tmp_path, leds=[{"port": str(tmp_path / "led"), "mode": "ascii"}])
    bridge = CounterBridge(cfg, hub.client("counter"), retry_s=0.05, follow_events=False).start()
    try:
        wait_until(lambda: bridge.keypad.state == LinkState.CONNECTED, timeout=10.0)
        keypad.write(b"NEXT 1\r\n")
        assert keypad.line() == f"OK {t1.display}\r\n".encode()
        assert led_port.line() == f"{t1.display}\r\n".encode()
        keypad.unplug()
        led_port.unplug()
        wait_until(lambda: bridge.keypad.state == LinkState.UNPLUGGED, timeout=10.0)
        wait_until(lambda: "keypad_offline" in {f.fault for f in hub.client("admin").device_faults()}, timeout=10.0)
        bridge.leds[0].show("9999")  # a call while the display is away: remembered
        assert bridge.leds[0].link.state == LinkState.UNPLUGGED
        wait_until(lambda: "display_offline" in {f.fault for f in hub.client("admin").device_faults()}, timeout=10.0)
        keypad.plug()
        led_port.plug()
        wait_until(lambda: bridge.keypad.state == LinkState.CONNECTED, timeout=10.0)
        keypad.write(b"NEXT 1\r\n")
        assert keypad.line() == f"OK {t2.display}\r\n".encode()
        got = led_port.line()
        if got == b"9999\r\n":  # the remembered number came back first
            got = led_port.line()
        assert got == f"{t2.display}\r\n".encode()
        assert bridge.keypad.opens == 2 and bridge.leds[0].link.opens >= 2
        wait_until(lambda: not hub.client("admin").device_faults(), timeout=10.0)
    finally:
        bridge.stop()


def test_a_keypad_line_is_read_as_soon_as_it_arrives(tmp_path: Path, devices) -> None:
    # The bridge read 256 bytes at a time and so sat out the port's whole timeout after every key press
    # (the endurance run's keypad managed five presses a second); a line is handled when it is there.
    from counter_display.hardware import SerialLink

    keypad = devices("keypad")
    link = SerialLink(str(tmp_path / "keypad"), timeout=3.0, name="keypad")
    try:
        assert link.open()
        keypad.write(b"NEXT 1\r\n")
        time.sleep(0.05)  # the bytes are in the port's buffer before the read starts
        t0 = time.monotonic()
        assert link.read_available(256) == b"NEXT 1\r\n"
        assert time.monotonic() - t0 < 1.0  # not the 3 s timeout
        t0 = time.monotonic()
        assert link.read_available(256) == b""  # nothing there: waits the timeout for a first byte
        assert time.monotonic() - t0 >= 2.5
    finally:
        link.close()
