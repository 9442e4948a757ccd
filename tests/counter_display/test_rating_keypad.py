"""The rating box and the call keypad's sign-in lines over pty pairs, against a real hub (issue 13): ASK after a
completion, RATE stores one rating, a second or late press is refused, unplug/replug, the PIN kept out of the
traffic log."""
from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from support import RunningHub, wait_until

from counter_display.config import CounterConfig, parse_device_config
from counter_display.hardware import CounterBridge, LinkState
from counter_display.keypad_sign_in import redact_pins
from counter_display.rating_keypad import RatingKeypadBridge
from sync.hub.staff import add_staff


def config(hub: RunningHub, tmp_path: Path, *, keypad: bool = False, box: bool = True) -> CounterConfig:
    data: dict = {"hub": {"url": hub.url, "token": hub.tokens["counter"]}, "counter": {"number": 1}}
    if keypad:
        data["keypad"] = {"port": str(tmp_path / "keypad"), "counters": [1]}
    if box:
        data["rating_keypad"] = {"port": str(tmp_path / "box"), "ask_s": 30, "cache": str(tmp_path / "box.db")}
    return parse_device_config(CounterConfig, data, path="counter.toml")


def ratings(hub: RunningHub) -> list[tuple[object, ...]]:
    with sqlite3.connect(hub.db) as conn:
        return conn.execute("SELECT ticket_id, counter, clerk, service, level, channel FROM ratings").fetchall()


def test_the_call_keypad_signs_the_clerk_in_and_out(hub: RunningHub, tmp_path: Path, devices, caplog) -> None:
    add_staff(hub.db, code="NV01", name="Nguyễn Thị Lan", pin="2468")
    keypad = devices("keypad")
    bridge = CounterBridge(config(hub, tmp_path, keypad=True, box=False), hub.client("counter"), retry_s=0.05,
                           follow_events=False).start()
    caplog.set_level(logging.DEBUG, logger="counter_display.traffic")
    try:
        wait_until(lambda: bridge.keypad.state == LinkState.CONNECTED, timeout=10.0)
        keypad.write(b"SIGNIN 1 NV01 1111\r\n")
        assert keypad.line() == b"ERR WRONG_PIN\r\n"
        keypad.write(b"SIGNIN 1 NV01 2468\r\n")
        assert keypad.line() == b"OK NV01\r\n"
        assert hub.client("admin").clerk(1).code == "NV01"
        hub.client("kiosk").issue("A")
        keypad.write(b"NEXT 1\r\nDONE 1\r\n")
        assert [keypad.line(), keypad.line()] == [b"OK 1001\r\n", b"OK 1001\r\n"]
        with sqlite3.connect(hub.db) as conn:
            assert conn.execute("SELECT clerk, outcome FROM service_segments").fetchall() == [("NV01", "done")]
        keypad.write(b"SIGNIN 2 NV01 2468\r\nSIGNIN 1\r\nSIGNOUT 1\r\n")
        assert [keypad.line() for _ in range(3)] == [b"ERR BAD_COUNTER\r\n", b"ERR BAD_COMMAND\r\n",
                                                     b"OK SIGNED_OUT\r\n"]
        assert hub.client("admin").clerk(1) is None
        assert "2468" not in caplog.text and "1111" not in caplog.text and "SIGNIN 1 NV01 ****" in caplog.text
    finally:
        bridge.stop()
    assert redact_pins(b"signin 3 NV9 123456\r\nNEXT 3") == b"signin 3 NV9 ****\r\nNEXT 3"


def test_the_rating_box_asks_after_a_completion_and_stores_one_rating(hub: RunningHub, tmp_path: Path,
                                                                     devices) -> None:
    add_staff(hub.db, code="NV01", name="Nguyễn Thị Lan", pin="2468")
    clerk = hub.client("counter")
    clerk.sign_in(1, staff="NV01", pin="2468")
    box = devices("box")
    bridge = RatingKeypadBridge(config(hub, tmp_path), hub.client("counter"), now=hub.clock.time, retry_s=0.05).start()
    try:
        assert box.line() == b"IDLE\r\n"  # told its state when it is first opened
        box.write(b"RATE 3\r\n")
        assert box.line() == b"ERR NONE\r\n"  # nothing served yet
        t1 = hub.client("kiosk").issue("A")
        wait_until(lambda: bridge.feed is not None and bridge.feed.state.value == "online")
        clerk.call_next(1)
        clerk.complete(1)
        assert box.line() == f"ASK {t1.display}\r\n".encode()
        box.write(b"RATE 2\r\n")
        assert box.line() == b"OK THANKS\r\n"
        assert box.line() == b"IDLE\r\n"  # the box blinks its thanks, then its lights go off
        box.write(b"RATE 3\r\n")  # a second press
        assert box.line() == b"ERR NONE\r\n"
        wait_until(lambda: len(ratings(hub)) == 1)
        assert ratings(hub) == [(t1.id, 1, "NV01", "A", "satisfied", "keypad")]
        # The next citizen leaves without pressing: after the asking time the box goes dark and a press is refused.
        t2 = hub.client("kiosk").issue("A")
        clerk.call_next(1)
        clerk.complete(1)
        assert box.line() == f"ASK {t2.display}\r\n".encode()
        hub.clock.advance(31)
        assert box.line() == b"IDLE\r\n"
        box.write(b"RATE 1\r\nHELLO\r\nPING\r\n")
        assert [box.line() for _ in range(3)] == [b"ERR NONE\r\n", b"ERR BAD_COMMAND\r\n", b"OK PONG\r\n"]
        wait_until(lambda: bridge.sender.sent == 1)
        assert len(ratings(hub)) == 1 and bridge.diagnostics()["pending"] == 0
    finally:
        bridge.stop()


def test_the_rating_box_comes_back_after_an_unplug_and_is_told_to_ask_again(hub: RunningHub, tmp_path: Path,
                                                                           devices) -> None:
    clerk = hub.client("counter")
    box = devices("box")
    bridge = RatingKeypadBridge(config(hub, tmp_path), hub.client("counter"), now=hub.clock.time, retry_s=0.05).start()
    try:
        assert box.line() == b"IDLE\r\n"
        wait_until(lambda: bridge.feed is not None and bridge.feed.state.value == "online")
        box.unplug()
        wait_until(lambda: bridge.link.state == LinkState.UNPLUGGED, timeout=10.0)
        wait_until(lambda: "keypad_offline" in {f.fault for f in hub.client("admin").device_faults()}, timeout=10.0)
        t = hub.client("kiosk").issue("A")
        clerk.call_next(1)
        clerk.complete(1)  # served while the box is away: the bridge remembers to ask
        wait_until(lambda: bridge.session.asked is not None)
        box.plug()
        wait_until(lambda: bridge.link.state == LinkState.CONNECTED, timeout=10.0)
        assert box.line() == f"ASK {t.display}\r\n".encode()
        box.write(b"RATE 3\r\n")
        assert box.line() == b"OK THANKS\r\n"
        wait_until(lambda: len(ratings(hub)) == 1)
        assert ratings(hub)[0][4:] == ("very_satisfied", "keypad") and bridge.link.opens == 2
        wait_until(lambda: not hub.client("admin").device_faults(), timeout=10.0)
    finally:
        bridge.stop()
