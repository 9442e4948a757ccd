"""The clerk's counter panel driving a real hub: PIN, buttons, F-keys, transfer, call a number,
pause/resume, waiting and served counts, device faults."""
from __future__ import annotations

from pathlib import Path

from support import RunningHub

from counter_display.config import CounterConfig, parse_device_config
from counter_display.counter import CounterPanel
from motcua.contract import SyncStatus
from ui.qt import Qt


def make_panel(qtbot, hub: RunningHub, *, clerks: bool = True) -> CounterPanel:
    data = {"hub": {"url": hub.url, "token": hub.tokens["counter"]}, "counter": {"number": 1, "poll_s": 600}}
    if clerks:
        data["clerks"] = [{"name": "Nguyễn Thị Lan", "pin": "2468"}]
    panel = CounterPanel(parse_device_config(CounterConfig, data, path="c.toml"), hub.client("counter"))
    qtbot.addWidget(panel)
    panel.show()
    return panel


def click(qtbot, panel: CounterPanel, name: str) -> None:
    with qtbot.waitSignals([panel.changed, panel.changed], timeout=5000):
        qtbot.mouseClick(panel.buttons[name], Qt.MouseButton.LeftButton)


def sign_in(qtbot, panel: CounterPanel, pin: str = "2468") -> None:
    qtbot.keyClicks(panel.pin, pin)
    with qtbot.waitSignal(panel.changed, timeout=5000):
        qtbot.mouseClick(panel.sign_in_button, Qt.MouseButton.LeftButton)


def test_pin_then_buttons_drive_the_hub(qtbot, hub: RunningHub) -> None:
    k, admin = hub.client("kiosk"), hub.client("admin")
    t1, t2, t3 = k.issue("A"), k.issue("A"), k.issue("A")
    panel = make_panel(qtbot, hub)
    assert panel.stack.currentIndex() == 0
    qtbot.keyClicks(panel.pin, "1111")
    qtbot.mouseClick(panel.sign_in_button, Qt.MouseButton.LeftButton)
    assert panel.stack.currentIndex() == 0 and "PIN" in panel.pin_error.text()
    panel.pin.setText("đ246")  # a keyboard left in Vietnamese input: refused like any wrong PIN, no exception
    qtbot.mouseClick(panel.sign_in_button, Qt.MouseButton.LeftButton)
    assert panel.stack.currentIndex() == 0 and "PIN" in panel.pin_error.text()
    panel.pin.clear()
    panel.act("next")  # ignored before sign-in
    sign_in(qtbot, panel)
    assert panel.stack.currentIndex() == 1 and "Nguyễn Thị Lan" in panel.title.text()
    assert panel.waiting_label.text() == "Đang chờ: 3"
    assert not panel.buttons["recall"].isEnabled()
    # The hub's sync health, from GET /sync (this test hub has no central server).
    assert panel.sync_label.text() == "Chưa cấu hình đồng bộ với hệ thống của tỉnh"

    hub.clock.advance(minutes=12)
    click(qtbot, panel, "next")
    assert panel.number_label.text() == t1.display == admin.counter(1).current.display
    assert panel.waited_label.text() == "Đã chờ 12 phút"
    assert panel.service_label.text() == "Đất đai" and panel.status.text() == f"Đã gọi số {t1.display}"
    assert panel.waiting_label.text() == "Đang chờ: 2" and panel.buttons["recall"].isEnabled()

    click(qtbot, panel, "recall")
    assert admin.ticket(t1.id).model_dump().get("recalls", 1) >= 1
    click(qtbot, panel, "complete")
    assert admin.ticket(t1.id).status == "done" and panel.served_label.text() == "Đã phục vụ hôm nay: 1"
    assert panel.number_label.text() == "—"

    click(qtbot, panel, "next")
    assert panel.number_label.text() == t2.display
    click(qtbot, panel, "skip")
    assert admin.ticket(t2.id).status == "skipped"

    panel.ask_number = lambda: t2.display.lower()  # brings the no-show back
    click(qtbot, panel, "call")
    assert panel.number_label.text() == t2.display and admin.ticket(t2.id).status == "called"

    offered: list = []
    panel.choose_service = lambda choices: offered.extend(choices) or "B"
    click(qtbot, panel, "transfer")
    assert [c for c, _ in offered] == ["C", "B"] and admin.ticket(t2.id).service == "B"
    assert admin.ticket(t2.id).status == "waiting" and panel.number_label.text() == "—"
    panel.choose_service = lambda choices: None  # the clerk cancelled: nothing happens
    panel.act("transfer")

    click(qtbot, panel, "pause")
    assert admin.counter(1).state == "paused"
    assert not panel.buttons["next"].isEnabled() and "Tiếp tục" in panel.buttons["pause"].text()
    click(qtbot, panel, "pause")
    assert admin.counter(1).state == "open"
    _ = t3


def test_function_keys_and_errors_are_shown(qtbot, hub: RunningHub) -> None:
    panel = make_panel(qtbot, hub, clerks=False)
    with qtbot.waitSignal(panel.changed, timeout=5000):
        panel.refresh()
    assert panel.stack.currentIndex() == 1
    with qtbot.waitSignals([panel.changed, panel.changed], timeout=5000):
        qtbot.keyClick(panel, Qt.Key.Key_F1)
    assert panel.status.text().startswith("Không còn ai chờ")  # nobody waits
    hub.client("kiosk").issue("A")
    with qtbot.waitSignals([panel.changed, panel.changed], timeout=5000):
        qtbot.keyClick(panel, Qt.Key.Key_F1)
    assert panel.number_label.text() == "1001"
    with qtbot.waitSignals([panel.changed, panel.changed], timeout=5000):
        qtbot.keyClick(panel, Qt.Key.Key_F5)
    assert hub.client("admin").counter(1).served == 1


def test_device_faults_and_offline(qtbot, hub: RunningHub) -> None:
    hub.client("kiosk").report_device("paper_out", message="Máy in hết giấy", device="kiosk-1")
    panel = make_panel(qtbot, hub, clerks=False)
    with qtbot.waitSignal(panel.changed, timeout=5000):
        panel.refresh()
    assert "kiosk-1: Máy in hết giấy" in panel.faults_list.item(0).text()
    assert not panel.offline.isVisibleTo(panel)
    hub.stop()
    with qtbot.waitSignals([panel.changed, panel.changed], timeout=15000):
        panel.act("next")
    assert panel.offline.isVisibleTo(panel) and panel.status.text().startswith("Mất kết nối")
    hub.start()


def test_panel_screenshot(qtbot, hub: RunningHub, tmp_path: Path) -> None:
    k = hub.client("kiosk")
    k.issue("A")
    k.issue("A")
    hub.client("kiosk").report_device("paper_low", message="Máy in sắp hết giấy", device="kiosk-2")
    panel = make_panel(qtbot, hub, clerks=False)
    hub.clock.advance(minutes=7)
    with qtbot.waitSignals([panel.changed, panel.changed], timeout=5000):
        panel.act("next")
    img = panel.grab()
    assert img.save(str(tmp_path / "panel.png")) and img.width() >= 400


def test_sync_health_line(qtbot) -> None:  # noqa: ANN001
    from counter_display.counter import sync_text

    def st(state: str, backlog: int = 0, age: float = 0, dead: int = 0) -> SyncStatus:
        return SyncStatus(state=state, backlog=backlog, oldest_unsent_age_s=age, dead_letters=dead)

    assert sync_text(st("disabled", 3)) == "Chưa cấu hình đồng bộ với hệ thống của tỉnh"
    assert sync_text(st("ok")) == "Đồng bộ với hệ thống của tỉnh: bình thường"
    assert sync_text(st("retrying", 120, 3600, 2)) == \
        "Chờ đồng bộ: 120 bản ghi (lâu nhất 60 phút) · 2 bản ghi bị từ chối"


def test_a_button_that_does_nothing_now_looks_greyed_whatever_its_colour(qtbot, hub: RunningHub) -> None:
    # The coloured buttons' own rules (#next, #complete) outranked the greyed look of a disabled button: with
    # nobody served, "Hoàn thành" stayed green beside a greyed "Gọi lại", and did nothing when pressed.
    from ui.theme import PanelTheme

    hub.client("kiosk").issue("A")
    panel = make_panel(qtbot, hub)
    sign_in(qtbot, panel)

    def colour(name: str) -> str:
        b = panel.buttons[name]
        return b.grab().toImage().pixelColor(6, b.height() // 2).name()

    theme = PanelTheme()
    assert not panel.buttons["complete"].isEnabled()
    assert colour("complete") == colour("recall") == theme.button_disabled
    click(qtbot, panel, "next")
    assert panel.buttons["complete"].isEnabled() and colour("complete") == theme.ok
    click(qtbot, panel, "pause")  # paused: no next number until resumed
    assert not panel.buttons["next"].isEnabled() and colour("next") == theme.button_disabled
