"""GET /metrics, scraped over real HTTP and read back with prometheus-client's own parser."""
from __future__ import annotations

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families
from support import RunningHub

from motcua import __version__
from sync.client import HubClient, HubError
from sync.store import create_token


def scrape(hub: RunningHub, token: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of /metrics as {(name, sorted labels): value}."""
    r = requests.get(hub.url + "/metrics", headers={"Authorization": f"Bearer {token}"}, timeout=5)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain; version=0.0.4")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for fam in text_string_to_metric_families(r.text) for s in fam.samples}


def value(samples: dict, name: str, **labels: str) -> float:
    return samples[(name, tuple(sorted(labels.items())))]


def test_who_may_read_metrics(hub: RunningHub) -> None:
    token = create_token(hub.db, role="metrics", name="prometheus")
    assert requests.get(hub.url + "/metrics", timeout=5).status_code == 401
    for role in ("kiosk", "board", "counter"):
        r = requests.get(hub.url + "/metrics", headers={"Authorization": f"Bearer {hub.tokens[role]}"}, timeout=5)
        assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    assert scrape(hub, hub.tokens["admin"])
    assert scrape(hub, token)
    # A monitoring token reads /metrics and nothing else.
    for path in ("/api/v1/site", "/api/v1/devices", "/api/v1/sync"):
        r = requests.get(hub.url + path, headers={"Authorization": f"Bearer {token}"}, timeout=5)
        assert r.status_code == 403, path
    assert HubClient(hub.url, token).metrics().startswith("# HELP")


def test_queues_counters_tickets_latency_sync_and_devices(hub: RunningHub) -> None:
    token = create_token(hub.db, role="metrics", name="prometheus")
    k, c = hub.client("kiosk"), hub.client("counter")
    k.issue("A")
    hub.clock.advance(minutes=10)
    k.issue("A")
    k.issue("B", priority=None)
    hub.clock.advance(minutes=2)
    c.call_next(1)  # 1001 (A, waited 12 min) goes to counter 1
    c.complete(1)
    c.call_next(2)  # the second A ticket
    c.pause(3)
    c.board()
    k.heartbeat(role="kiosk", uptime_s=5)
    k.report_device("paper_out", device="printer")
    hub.clock.advance(minutes=3)

    m = scrape(hub, token)
    assert value(m, "motcua_queue_waiting", service="A") == 0
    assert value(m, "motcua_queue_waiting", service="B") == 1
    assert value(m, "motcua_queue_longest_wait_seconds", service="B") == 5 * 60  # issued at 09:10, now 09:15
    assert value(m, "motcua_queue_longest_wait_seconds", service="C") == 0
    assert value(m, "motcua_tickets_issued_today", service="A") == 2
    assert value(m, "motcua_counters", state="open") == 2
    assert value(m, "motcua_counters", state="paused") == 1
    assert value(m, "motcua_counters", state="closed") == 0
    assert value(m, "motcua_counters_serving") == 1
    assert value(m, "motcua_tickets_issued_total") == 3
    assert value(m, "motcua_tickets_called_total") == 2
    assert value(m, "motcua_tickets_completed_total") == 1
    # Latency: the fast path (POST /tickets, POST /counters/{n}/next) and FastAPI routes alike, by template.
    assert value(m, "motcua_http_request_duration_seconds_count", method="POST", route="/api/v1/tickets") == 3
    assert value(m, "motcua_http_request_duration_seconds_count", method="POST",
                 route="/api/v1/counters/{n}/next") == 2
    assert value(m, "motcua_http_request_duration_seconds_count", method="POST",
                 route="/api/v1/counters/{n}/complete") == 1
    assert value(m, "motcua_http_request_duration_seconds_count", method="GET", route="/api/v1/board") == 1
    assert value(m, "motcua_http_request_duration_seconds_bucket", method="POST", route="/api/v1/tickets",
                 le="+Inf") == 3
    assert value(m, "motcua_http_request_duration_seconds_sum", method="POST", route="/api/v1/tickets") > 0
    # No central server in this test: every event is unsent; the oldest is the first ticket's, 15 min ago.
    events = hub.store.read("SELECT COUNT(*) FROM events")[0][0]
    assert value(m, "motcua_sync_enabled") == 0
    assert value(m, "motcua_sync_backlog_events") == events == hub.client("admin").sync_status().backlog
    assert value(m, "motcua_sync_oldest_unsent_age_seconds") == 15 * 60
    assert value(m, "motcua_sync_dead_letters") == 0
    assert value(m, "motcua_device_last_seen_age_seconds", device="test kiosk", role="kiosk") == 180
    assert value(m, "motcua_device_faults_active", device="test kiosk", role="kiosk") == 1
    assert value(m, "motcua_device_info", device="test kiosk", role="kiosk", version=__version__) == 1
    assert value(m, "motcua_hub_info", site="TEST", version=__version__, day="2026-11-26") == 1
    assert value(m, "process_resident_memory_bytes") > 0
    # Unknown paths are one label, not one per path.
    requests.get(hub.url + "/api/v1/no-such-thing/123", timeout=5)
    requests.get(hub.url + "/api/v1/no-such-thing/456", timeout=5)
    m = scrape(hub, token)
    assert value(m, "motcua_http_request_duration_seconds_count", method="GET", route="unmatched") == 2


def test_counters_count_since_the_hub_started_and_figures_follow_a_restart(hub: RunningHub) -> None:
    k = hub.client("kiosk")
    k.issue("A")
    k.issue("A")
    hub.restart()
    k.issue("A")
    m = scrape(hub, hub.tokens["admin"])
    assert value(m, "motcua_tickets_issued_total") == 1  # a Prometheus counter restarts with the process
    assert value(m, "motcua_tickets_issued_today", service="A") == 3
    assert value(m, "motcua_queue_waiting", service="A") == 3


def test_metrics_client_error(hub: RunningHub) -> None:
    with pytest.raises(HubError) as err:
        hub.client("kiosk").metrics()
    assert err.value.status == 403


def test_test_tickets_of_commissioning_count_in_no_figure(hub: RunningHub) -> None:
    k, c = hub.client("kiosk"), hub.client("counter")
    k.issue("A")
    auth = {"Authorization": f"Bearer {hub.tokens['admin']}"}
    assert requests.post(f"{hub.url}/api/v1/admin/commissioning", json={"on": True}, headers=auth,
                         timeout=5).status_code == 200
    test = k.issue("B")
    assert test.test is True
    c.call_next(3)  # counter 3 serves B first: the test ticket
    c.complete(3)
    m = scrape(hub, hub.tokens["admin"])
    assert value(m, "motcua_commissioning") == 1
    assert value(m, "motcua_tickets_issued_total") == 1
    assert value(m, "motcua_tickets_called_total") == 0 and value(m, "motcua_tickets_completed_total") == 0
    assert value(m, "motcua_tickets_issued_today", service="B") == 0
