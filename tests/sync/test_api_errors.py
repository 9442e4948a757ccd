"""Every endpoint answers a missing or wrong-role token and a malformed body with a 4xx JSON error,
never a 500."""
from __future__ import annotations

import pytest
import requests
from support import RunningHub, small_site

from sync.store import create_token

PUBLIC = {("GET", "/api/v1/health"), ("GET", "/t/{ticket_id}"), ("GET", "/t/{ticket_id}/state"),
          ("GET", "/t/{ticket_id}/events"), ("GET", "/d/{key}"), ("GET", "/openapi.json"),
          ("GET", "/t/{ticket_id}/rate"), ("POST", "/t/{ticket_id}/rate")}
WRITE_ROLES = {"/api/v1/tickets": {"kiosk", "counter", "admin"},
               "/api/v1/devices/report": {"kiosk", "board", "counter", "admin"},
               "/api/v1/devices/heartbeat": {"kiosk", "board", "counter", "admin"},
               "/api/v1/devices/faults/clear": {"admin"},
               "/api/v1/dossiers": {"kiosk", "counter", "admin"},
               "/api/v1/files/{sha256}": {"kiosk", "counter", "admin"},
               "/api/v1/help": {"kiosk", "counter", "admin"},
               "/api/v1/bookings/checkin": {"kiosk", "counter", "admin"},
               "/api/v1/notices/subscriptions": {"kiosk", "counter", "admin"}}


def routes(hub: RunningHub) -> list[tuple[str, str]]:
    # The description is not served over HTTP unless `motcua hub --docs`: take it from the app itself.
    spec = hub.server.app.openapi()
    return [(m.upper(), p) for p, ops in spec["paths"].items() for m in ops]


def concrete(path: str) -> str:
    return (path.replace("{n}", "1").replace("{ticket_id}", "00000000-0000-0000-0000-000000000000")
            .replace("{key}", "TAM-X-000000-0001").replace("{sha256}", "0" * 64))


def assert_json_error(r: requests.Response, status: int | tuple[int, ...]) -> None:
    statuses = status if isinstance(status, tuple) else (status,)
    assert r.status_code in statuses, (r.request.method, r.request.url, r.status_code, r.text[:200])
    body = r.json()
    assert set(body) == {"error"} and body["error"]["code"] and body["error"]["message"]


def test_openapi_lists_the_contract(hub: RunningHub) -> None:
    paths = {p for _, p in routes(hub)}
    for p in ("/api/v1/health", "/api/v1/site", "/api/v1/tickets", "/api/v1/tickets/{ticket_id}",
              "/api/v1/counters/{n}/next", "/api/v1/counters/{n}/recall", "/api/v1/counters/{n}/skip",
              "/api/v1/counters/{n}/complete", "/api/v1/counters/{n}/pause", "/api/v1/counters/{n}/resume",
              "/api/v1/counters/{n}/transfer", "/api/v1/board", "/api/v1/events"):
        assert p in paths


def test_missing_and_invalid_tokens(make_hub) -> None:
    # Three failures per route from one address: more than the default burst (tests/sync/test_tokens.py).
    hub = make_hub(small_site(limits={"auth_failures_burst": 1000}))
    for method, path in routes(hub):
        if (method, path) in PUBLIC:
            continue
        url = hub.url + concrete(path)
        assert_json_error(requests.request(method, url, json={}, timeout=5), 401)
        assert_json_error(requests.request(method, url, json={}, timeout=5,
                                           headers={"Authorization": "Bearer nope"}), 401)
        assert_json_error(requests.request(method, url, json={}, timeout=5,
                                           headers={"Authorization": "Basic abc"}), 401)


def test_wrong_roles(hub: RunningHub) -> None:
    for method, path in routes(hub):
        if method not in ("POST", "PUT") or (method, path) in PUBLIC:
            continue
        url = hub.url + concrete(path)
        allowed = WRITE_ROLES.get(path, {"counter", "admin"})
        for role in ("kiosk", "board", "counter"):
            if role in allowed:
                continue
            r = requests.request(method, url, json={"service": "A", "display": "1001"}, timeout=5,
                              headers={"Authorization": f"Bearer {hub.tokens[role]}"})
            assert_json_error(r, 403)
    # A kiosk cannot call tickets; a board only reads.
    k = requests.post(hub.url + "/api/v1/counters/1/next", timeout=5,
                      headers={"Authorization": f"Bearer {hub.tokens['kiosk']}"})
    assert_json_error(k, 403)
    b = requests.post(hub.url + "/api/v1/tickets", json={"service": "A"}, timeout=5,
                      headers={"Authorization": f"Bearer {hub.tokens['board']}"})
    assert_json_error(b, 403)


def test_counter_token_bound_to_its_counter(hub: RunningHub) -> None:
    token = create_token(hub.db, role="counter", name="Quầy 1", counter=1)
    h = {"Authorization": f"Bearer {token}"}
    assert requests.post(hub.url + "/api/v1/counters/1/next", headers=h, timeout=5).status_code == 204
    assert_json_error(requests.post(hub.url + "/api/v1/counters/2/next", headers=h, timeout=5), 403)


BAD_BODIES = [
    (b"{bad", "application/json"),
    (b"", "application/json"),
    (b"[]", "application/json"),
    (b"null", "application/json"),
    (b'"x"', "application/json"),
    (b'{"service": 12, "display": 5, "ticket": []}', "application/json"),
    (b'{"service": "A", "unexpected": 1}', "application/json"),
    (b'{"service": "' + b"A" * 5000 + b'"}', "application/json"),
    (b"\xff\xfe\x00garbage", "application/json"),
    (b"service=A", "application/x-www-form-urlencoded"),
]


@pytest.mark.parametrize(("body", "ctype"), BAD_BODIES)
def test_malformed_bodies_are_4xx_json(hub: RunningHub, body: bytes, ctype: str) -> None:
    h = {"Authorization": f"Bearer {hub.tokens['admin']}", "Content-Type": ctype}
    for path in ("/api/v1/tickets", "/api/v1/counters/1/transfer", "/api/v1/counters/1/call",
                 "/api/v1/counters/1/restore", "/api/v1/dossiers"):
        r = requests.post(hub.url + path, data=body, headers=h, timeout=5)
        assert_json_error(r, tuple(range(400, 500)))


def test_bad_path_and_query_values(hub: RunningHub) -> None:
    h = {"Authorization": f"Bearer {hub.tokens['admin']}"}
    for path in ("/api/v1/counters/abc/next", "/api/v1/counters/-1/next", "/api/v1/counters/99999999999999999999/next"):
        assert_json_error(requests.post(hub.url + path, headers=h, timeout=5), (404, 422))
    assert_json_error(requests.post(hub.url + "/api/v1/counters/77/next", headers=h, timeout=5), 404)
    assert_json_error(requests.get(hub.url + "/api/v1/tickets/" + "x" * 300, headers=h, timeout=5), 404)
    assert_json_error(requests.get(hub.url + "/api/v1/events?last_event_id=abc", headers=h, timeout=5), 422)
    assert_json_error(requests.get(hub.url + "/api/v1/nothing", headers=h, timeout=5), 404)
    # Without a token, nothing about the API is told, not even which paths exist.
    assert_json_error(requests.get(hub.url + "/api/v1/nothing", timeout=5), 401)
    assert_json_error(requests.delete(hub.url + "/api/v1/tickets", headers=h, timeout=5), 405)
    assert_json_error(requests.post(hub.url + "/api/v1/tickets", json={"service": "ZZ"}, headers=h, timeout=5), 404)
    assert_json_error(requests.post(hub.url + "/api/v1/tickets", json={"service": "A", "priority": "vip"},
                                    headers=h, timeout=5), 422)
    r = requests.get(hub.url + "/t/" + "0" * 36, timeout=5)
    assert r.status_code == 404 and "Không tìm thấy" in r.text


def test_public_tracking_page_in_vietnamese(hub: RunningHub) -> None:
    t = hub.client("kiosk").issue("A")
    r = requests.get(t.tracking_url.replace("http://hub.test", hub.url), timeout=5)
    assert r.status_code == 200 and t.display in r.text and "Số người đứng trước" in r.text
    assert requests.get(hub.url + "/api/v1/health", timeout=5).json()["status"] == "ok"


def test_bad_input_found_by_fuzzing_is_a_4xx(hub: RunningHub) -> None:
    """Regressions: inputs that passed a route's first check and failed later with a 500."""
    h = {"Authorization": f"Bearer {hub.tokens['admin']}"}
    # A dossier id of hyphens matches the id pattern, and uuid.UUID refused it.
    body = {"id": "-" * 36, "procedure": "TPHT.01", "applicant": {"name": "Lê Thị Hoa"}}
    r = requests.post(hub.url + "/api/v1/dossiers", json=body, headers=h, timeout=5)
    assert_json_error(r, 422)
    assert "id" in r.json()["error"]["message"]
    # A promised return time out of any calendar.
    for due in (1e20, -1.0):
        r = requests.post(hub.url + "/api/v1/dossiers", json={**body, "id": None, "due_at": due}, headers=h, timeout=5)
        assert_json_error(r, 422)
    # Counter numbers that str.isdigit() takes and int() does not (the fast path), or takes as 1.
    for n in ("²", "¹²", "①", "٣"):
        r = requests.post(hub.url + f"/api/v1/counters/{n}/next", headers=h, timeout=5)
        assert_json_error(r, (404, 422))
    assert requests.get(hub.url + "/api/v1/health", timeout=5).status_code == 200
