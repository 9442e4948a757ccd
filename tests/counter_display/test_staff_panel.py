"""The counter panel signs the clerk in and out at the hub (issue 13): staff code and PIN or a staff card; the
clerk is named in what the counter does; a sign-in or sign-out made elsewhere (the call keypad) shows on the panel."""
from __future__ import annotations

import sqlite3

from support import RunningHub

from counter_display.config import CounterConfig, parse_device_config
from counter_display.counter import CounterPanel
from scanners.citizen import Scan
from sync.hub.staff import add_staff
from ui.qt import Qt


def make_panel(qtbot, hub: RunningHub) -> CounterPanel:
    data = {"hub": {"url": hub.url, "token": hub.tokens["counter"]},
            "counter": {"number": 1, "poll_s": 600, "staff_sign_in": True}}
    panel = CounterPanel(parse_device_config(CounterConfig, data, path="c.toml"), hub.client("counter"))
    qtbot.addWidget(panel)
    panel.show()
    return panel


def sign_in(qtbot, panel: CounterPanel, code: str, pin: str) -> None:
    panel.staff.code.setText(code)
    qtbot.keyClicks(panel.staff.pin, pin)
    with qtbot.waitSignal(panel.changed, timeout=5000):
        qtbot.mouseClick(panel.staff.button, Qt.MouseButton.LeftButton)


def test_the_panel_signs_in_at_the_hub_and_the_clerk_is_named_in_the_service(qtbot, hub: RunningHub) -> None:
    add_staff(hub.db, code="NV01", name="Nguyễn Thị Lan", pin="2468")
    t = hub.client("kiosk").issue("A")
    panel = make_panel(qtbot, hub)
    assert panel.stack.currentIndex() == 0 and panel.clerk is None
    sign_in(qtbot, panel, "NV01", "1111")
    assert panel.stack.currentIndex() == 0 and "Mã cán bộ hoặc mã PIN không đúng" in panel.staff.error.text()
    assert panel.staff.pin.text() == ""  # a wrong PIN is not left in the field
    sign_in(qtbot, panel, "NV01", "2468")
    qtbot.waitUntil(lambda: panel.stack.currentIndex() == 1 and "Nguyễn Thị Lan" in panel.title.text(), timeout=5000)
    assert hub.client("admin").clerk(1).code == "NV01"
    for name in ("next", "complete"):
        with qtbot.waitSignals([panel.changed, panel.changed], timeout=5000):
            qtbot.mouseClick(panel.buttons[name], Qt.MouseButton.LeftButton)
    with sqlite3.connect(hub.db) as conn:
        assert conn.execute("SELECT ticket_id, clerk, outcome FROM service_segments").fetchall() == [(t.id, "NV01", "done")]
    with qtbot.waitSignal(panel.changed, timeout=5000):
        qtbot.mouseClick(panel.sign_out_button, Qt.MouseButton.LeftButton)
    assert panel.stack.currentIndex() == 0
    qtbot.waitUntil(lambda: hub.client("admin").clerk(1) is None, timeout=5000)
    panel.act("next")  # nobody signed in: nothing happens
    assert hub.client("admin").counter(1).current is None


def test_a_staff_card_signs_in_and_a_sign_in_elsewhere_shows_on_the_panel(qtbot, hub: RunningHub) -> None:
    add_staff(hub.db, code="NV01", name="Nguyễn Thị Lan", pin="2468", card="STAFF-CARD-0042")
    add_staff(hub.db, code="NV02", name="Trần Văn Đức", pin="1357")
    panel = make_panel(qtbot, hub)
    with qtbot.waitSignal(panel.changed, timeout=5000):
        panel._scanned(Scan(raw=b"STAFF-CARD-0042", source="serial"))  # the scanner's signal slot
    qtbot.waitUntil(lambda: panel.clerk == "Nguyễn Thị Lan" and panel.stack.currentIndex() == 1, timeout=5000)
    # The clerk's colleague signs in at this counter from the call keypad: the panel follows at its next refresh.
    hub.client("counter").sign_in(1, staff="NV02", pin="1357")
    panel.refresh()
    qtbot.waitUntil(lambda: panel.clerk == "Trần Văn Đức" and "Trần Văn Đức" in panel.title.text(), timeout=5000)
    hub.client("counter").sign_out(1)
    panel.refresh()
    qtbot.waitUntil(lambda: panel.stack.currentIndex() == 0 and panel.clerk is None, timeout=5000)
