"""The counter's rating screen (issue 13) against a real hub over HTTP: complete → it asks → a touch stores one
rating with ticket, counter, clerk and service; a second or a late touch is refused; a hub outage during the
rating keeps it in the device's SQLite outbox and sends it when the hub is back."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from support import RunningHub, wait_until

from counter_display.config import parse_device_config
from counter_display.rating_app import RatingConfig, RatingScreen, follow
from counter_display.rating_core import Outcome, SessionState
from sync.hub.staff import add_staff
from ui.qt import Qt


def make_screen(qtbot, hub: RunningHub, tmp_path: Path, *, counter: int = 1) -> tuple[RatingScreen, object]:
    data = {"hub": {"url": hub.url, "token": hub.tokens["counter"]},
            "rating": {"counter": counter, "ask_s": 60, "thanks_s": 5, "fullscreen": False}}
    config = parse_device_config(RatingConfig, data, path="rating.toml")
    screen = RatingScreen(config, hub.client("counter"), now=hub.clock.time, outbox_path=tmp_path / "rating.db")
    screen.uploader.retry_s = 0.2
    qtbot.addWidget(screen)
    screen.start()
    feed = follow(screen, hub.client("counter"), max_backoff=0.3)
    screen.show()
    # Events before the feed's snapshot are not replayed to it: a completion must come after it is online.
    qtbot.waitUntil(lambda: feed.state.value == "online", timeout=10000)
    return screen, feed


def ratings(hub: RunningHub) -> list[tuple[object, ...]]:
    with sqlite3.connect(hub.db) as conn:
        return conn.execute("SELECT ticket_id, counter, clerk, service, level, reasons, channel FROM ratings").fetchall()


def serve(hub: RunningHub, qtbot, screen: RatingScreen, counter: int = 1) -> str:
    """The kiosk issues a ticket; the clerk at the counter calls and completes it; the screen asks."""
    t = hub.client("kiosk").issue("A")
    clerk = hub.client("counter")
    assert clerk.call_next(counter).id == t.id
    hub.clock.advance(120)
    with qtbot.waitSignal(screen.changed, timeout=10000, check_params_cb=lambda: screen.session.state is SessionState.ASKING):
        clerk.complete(counter)
    return t.id


def test_complete_then_a_touch_stores_one_rating_with_ticket_counter_clerk_and_service(qtbot, hub: RunningHub,
                                                                                       tmp_path: Path) -> None:
    add_staff(hub.db, code="NV01", name="Nguyễn Thị Lan", pin="2468")
    screen, feed = make_screen(qtbot, hub, tmp_path)
    try:
        hub.client("counter").sign_in(1, staff="NV01", pin="2468")  # the screen hears staff.signed_in
        qtbot.waitUntil(lambda: "Nguyễn Thị Lan" in screen.clerk_vi.text(), timeout=5000)
        assert screen.stack.currentWidget() is screen.pages[SessionState.IDLE]
        ticket = serve(hub, qtbot, screen)
        assert screen.stack.currentWidget() is screen.pages[SessionState.ASKING]
        assert [b.text().split("\n")[0] for b in screen.level_buttons.values()] == [
            "Rất hài lòng", "Hài lòng", "Không hài lòng"]
        qtbot.mouseClick(screen.level_buttons["very_satisfied"], Qt.MouseButton.LeftButton)
        assert screen.stack.currentWidget() is screen.pages[SessionState.THANKS]
        wait_until(lambda: len(ratings(hub)) == 1)
        assert ratings(hub) == [(ticket, 1, "NV01", "A", "very_satisfied", "[]", "screen")]
        # A second touch: the screen thanks, nothing more is stored.
        qtbot.mouseClick(screen.level_buttons["satisfied"], Qt.MouseButton.LeftButton)
        assert screen.choose("satisfied") is Outcome.NOTHING_TO_RATE
        hub.clock.advance(6)
        screen.tick()
        assert screen.session.state is SessionState.IDLE
        wait_until(lambda: screen.uploader.sent == 1)
        assert len(ratings(hub)) == 1 and screen.outbox.count() == 0
    finally:
        feed.stop()
        screen.close_all()


def test_not_satisfied_asks_for_reasons_and_a_late_touch_is_refused(qtbot, hub: RunningHub, tmp_path: Path) -> None:
    screen, feed = make_screen(qtbot, hub, tmp_path)
    try:
        first = serve(hub, qtbot, screen)
        qtbot.mouseClick(screen.level_buttons["unsatisfied"], Qt.MouseButton.LeftButton)
        assert screen.stack.currentWidget() is screen.pages[SessionState.REASONS]
        qtbot.mouseClick(screen.chips["waiting_time"], Qt.MouseButton.LeftButton)
        qtbot.mouseClick(screen.chips["guidance"], Qt.MouseButton.LeftButton)
        qtbot.mouseClick(screen.send_button, Qt.MouseButton.LeftButton)
        wait_until(lambda: len(ratings(hub)) == 1)
        assert ratings(hub) == [(first, 1, None, "A", "unsatisfied", '["guidance","waiting_time"]', "screen")]
        # The next citizen is served but walks away: after the asking time the screen is idle and a touch counts
        # for nothing, at the device and at the hub.
        serve(hub, qtbot, screen)
        hub.clock.advance(61)
        screen.tick()
        assert screen.stack.currentWidget() is screen.pages[SessionState.IDLE]
        qtbot.mouseClick(screen.level_buttons["satisfied"], Qt.MouseButton.LeftButton)
        assert screen.session.last_outcome is Outcome.NOTHING_TO_RATE
        assert screen.outbox.count() == 0 and len(ratings(hub)) == 1
    finally:
        feed.stop()
        screen.close_all()


def test_a_hub_outage_during_the_rating_keeps_it_and_sends_it_when_the_hub_returns(qtbot, hub: RunningHub,
                                                                                   tmp_path: Path) -> None:
    add_staff(hub.db, code="NV01", name="Nguyễn Thị Lan", pin="2468")
    hub.client("counter").sign_in(1, staff="NV01", pin="2468")
    screen, feed = make_screen(qtbot, hub, tmp_path)
    try:
        ticket = serve(hub, qtbot, screen)
        hub.stop()  # the hub goes down while the citizen reads the question
        qtbot.mouseClick(screen.level_buttons["satisfied"], Qt.MouseButton.LeftButton)
        assert screen.stack.currentWidget() is screen.pages[SessionState.THANKS]
        qtbot.waitUntil(lambda: screen.offline.isVisible(), timeout=10000)
        assert screen.outbox.count() == 1 and "(1)" in screen.offline.text()
        # The device file holds the rating (not only memory): another outbox on the same file sees it.
        from counter_display.rating_core import RatingOutbox

        again = RatingOutbox(tmp_path / "rating.db")
        assert [(r.ticket, r.level) for r in again.pending()] == [(ticket, "satisfied")]
        again.close()
        hub.clock.advance(30)
        hub.start()  # same database, same port
        wait_until(lambda: len(ratings(hub)) == 1, timeout=20)
        assert ratings(hub) == [(ticket, 1, "NV01", "A", "satisfied", "[]", "screen")]
        qtbot.waitUntil(lambda: screen.outbox.count() == 0 and not screen.offline.isVisible(), timeout=10000)
        wait_until(lambda: screen.uploader.sent == 1)
    finally:
        feed.stop()
        screen.close_all()


def test_a_device_clock_that_is_off_does_not_push_a_rating_out_of_its_window(qtbot, hub: RunningHub,
                                                                            tmp_path: Path) -> None:
    """The screen's clock is 10 minutes behind the hub's: the rating still counts (it is sent with its age)."""
    data = {"hub": {"url": hub.url, "token": hub.tokens["counter"]}, "rating": {"counter": 1, "fullscreen": False}}
    config = parse_device_config(RatingConfig, data, path="rating.toml")
    screen = RatingScreen(config, hub.client("counter"), now=lambda: hub.clock.time() - 600,
                          outbox_path=tmp_path / "rating.db")
    qtbot.addWidget(screen)
    screen.start()
    feed = follow(screen, hub.client("counter"), max_backoff=0.3)
    try:
        qtbot.waitUntil(lambda: feed.state.value == "online", timeout=10000)
        ticket = serve(hub, qtbot, screen)
        hub.clock.advance(20)
        qtbot.mouseClick(screen.level_buttons["satisfied"], Qt.MouseButton.LeftButton)
        wait_until(lambda: len(ratings(hub)) == 1)
        assert ratings(hub)[0][:5] == (ticket, 1, None, "A", "satisfied")
        with sqlite3.connect(hub.db) as conn:
            rated_at, finished_at = conn.execute("SELECT r.rated_at, s.ended_at FROM ratings r JOIN service_segments s "
                                                 "ON s.ticket_id = r.ticket_id").fetchone()
        assert rated_at - finished_at == pytest.approx(20, abs=2)  # dated on the hub's clock
    finally:
        feed.stop()
        screen.close_all()
