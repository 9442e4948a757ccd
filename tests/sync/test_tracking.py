"""The public tracking page (/t/{id}): what it shows, its live stream and polling fallback, on both listeners.

Browser behaviour (updates without reload, a hub restart, the page's weight in a real Chromium) is in
tests/sync/test_tracking_browser.py."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import orjson
import requests
from support import RunningHub

from sync.hub.tracking import MAX_STREAMS_PER_ADDRESS

VIEW_KEYS = {"id", "display", "service", "service_name", "service_name_en", "status", "counter", "position", "ahead",
             "estimated_wait_s", "issued_at", "called_at", "recalls", "appointment", "test", "rating_url"}


def sse_views(r: requests.Response) -> Iterator[dict[str, Any]]:
    """The `ticket` events of a tracking stream, in order."""
    event = ""
    for raw in r.iter_lines(decode_unicode=True):
        if raw.startswith("event: "):
            event = raw[7:]
        elif raw.startswith("data: ") and event == "ticket":
            yield orjson.loads(raw[6:])


def test_the_page_shows_the_turn_without_script_and_weighs_little(hub: RunningHub) -> None:
    kiosk = hub.client("kiosk")
    first = kiosk.issue("A")
    mine = kiosk.issue("A", priority="elderly")  # a category is personal data: it must not show
    walk_in = kiosk.issue("A")
    page = requests.get(f"{hub.url}/t/{walk_in.id}", timeout=5)
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    html = page.text
    assert walk_in.display in html and "Đất đai" in html and "Số người đứng trước" in html
    assert '<dd id="ahead">2</dd>' in html  # the priority ticket and the first walk-in
    assert "khoảng 3 phút" in html  # 2 ahead × 300 s over 3 counters: 200 s
    assert len(page.content) <= 30 * 1024 and "http" not in html.split("<script>")[1].split("</script>")[0]
    for ticket in (mine, walk_in):
        state = requests.get(f"{hub.url}/t/{ticket.id}/state", timeout=5).json()
        assert set(state) == VIEW_KEYS and "elderly" not in orjson.dumps(state).decode()
        assert "elderly" not in requests.get(f"{hub.url}/t/{ticket.id}", timeout=5).text
    assert requests.get(f"{hub.url}/t/{mine.id}/state", timeout=5).json()["ahead"] == 0
    assert first.id


def test_a_booked_ticket_carries_the_mark_and_a_called_one_names_the_counter(hub: RunningHub) -> None:
    t = hub.client("kiosk").issue("A", priority="appointment")
    state = requests.get(f"{hub.url}/t/{t.id}/state", timeout=5).json()
    assert state["appointment"] is True
    assert '<p class="mark" id="appt">Đã đặt lịch hẹn</p>' in requests.get(f"{hub.url}/t/{t.id}", timeout=5).text
    hub.client("counter").call_next(2)
    html = requests.get(f"{hub.url}/t/{t.id}", timeout=5).text
    assert f"Mời số {t.display} đến Quầy 2" in html and f"Number {t.display}, please go to counter 2" in html


def test_the_stream_follows_the_ticket_until_it_is_served(hub: RunningHub) -> None:
    kiosk, clerk = hub.client("kiosk"), hub.client("counter")
    ahead = kiosk.issue("A")
    mine = kiosk.issue("A")
    kiosk.issue("B")  # another service's ticket: no new view is sent for it
    with requests.get(f"{hub.url}/t/{mine.id}/events", stream=True, timeout=10) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        views = sse_views(r)
        v = next(views)
        assert (v["status"], v["ahead"], v["position"]) == ("waiting", 1, 2)
        kiosk.issue("B")
        clerk.call_next(2)  # calls `ahead`
        v = next(views)
        assert (v["status"], v["ahead"]) == ("waiting", 0)
        clerk.call_next(1)  # completes nobody at 1 (idle), calls mine
        v = next(views)
        assert (v["status"], v["counter"]) == ("called", 1) and v["called_at"]
        clerk.recall(1)
        assert next(views)["recalls"] == 1
        clerk.complete(1)
        v = next(views)
        assert v["status"] == "done" and v["rating_url"] == f"http://hub.test/t/{mine.id}/rate"  # issue 13
        assert next(views, None) is None  # a served ticket's stream ends
    assert ahead.id


def test_the_rating_hook_links_a_served_ticket(hub: RunningHub) -> None:
    hub.hub.rating_link = lambda t: f"http://hub.test/r/{t['id']}"
    t = hub.client("kiosk").issue("A")
    clerk = hub.client("counter")
    clerk.call_next(1)
    assert requests.get(f"{hub.url}/t/{t.id}/state", timeout=5).json()["rating_url"] is None
    clerk.complete(1)
    assert requests.get(f"{hub.url}/t/{t.id}/state", timeout=5).json()["rating_url"] == f"http://hub.test/r/{t.id}"
    assert f'href="http://hub.test/r/{t.id}"' in requests.get(f"{hub.url}/t/{t.id}", timeout=5).text


def test_the_public_listener_serves_the_live_updates_and_nothing_more(make_hub: Callable[..., RunningHub]) -> None:
    hub = make_hub(public=True)
    t = hub.client("kiosk").issue("A")
    pub = hub.public_url
    assert requests.get(f"{pub}/t/{t.id}/state", timeout=5).json()["display"] == t.display
    with requests.get(f"{pub}/t/{t.id}/events", stream=True, timeout=10) as r:
        views = sse_views(r)
        assert next(views)["status"] == "waiting"
        hub.client("counter").call_next(1)
        assert next(views)["status"] == "called"
    for path in ("/api/v1/events", f"/api/v1/tickets/{t.id}", "/t", "/openapi.json"):
        assert requests.get(pub + path, timeout=5).status_code == 404
    assert requests.get(f"{pub}/t/nothing/events", timeout=5).status_code == 404
    assert requests.get(f"{pub}/t/nothing/state", timeout=5).json()["error"]["code"] == "unknown_ticket"


def test_one_address_cannot_hold_every_stream(hub: RunningHub) -> None:
    t = hub.client("kiosk").issue("A")
    opened = [requests.get(f"{hub.url}/t/{t.id}/events", stream=True, timeout=10)
              for _ in range(MAX_STREAMS_PER_ADDRESS)]
    try:
        assert all(r.status_code == 200 for r in opened)
        refused = requests.get(f"{hub.url}/t/{t.id}/events", stream=True, timeout=10)
        assert refused.status_code == 429 and refused.json()["error"]["code"] == "too_many_streams"
    finally:
        for r in opened:
            r.close()
    # Closed streams give their place back (the hub notices at its next event for them).
    hub.client("kiosk").issue("A")
    deadline_ok = False
    for _ in range(200):
        r = requests.get(f"{hub.url}/t/{t.id}/events", stream=True, timeout=10)
        r.close()
        if r.status_code == 200:
            deadline_ok = True
            break
        hub.client("kiosk").issue("B")
    assert deadline_ok
