"""The manager's console over real HTTP: who may sign in, the session cookie, CSRF, lock-out, sign-out, a revoked
token or an idle day ending the session, the live state, and that the public listener never serves it."""
from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import pytest
import requests
from support import RunningHub, small_site

from sync.hub.console import IDLE_S
from sync.store import create_token, list_tokens, revoke_token


def form_token(s: requests.Session, url: str) -> str:
    page = s.get(f"{url}/console/sign-in")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    m = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert m
    return m.group(1)


def sign_in(s: requests.Session, url: str, token: str, **extra: str) -> requests.Response:
    data = {"token": token, "csrf": form_token(s, url), "next": "/console/live", **extra}
    return s.post(f"{url}/console/sign-in", data=data, allow_redirects=False)


@pytest.fixture
def manager(hub: RunningHub) -> str:
    return create_token(hub.db, role="manager", name="quản lý Hoa")


def test_a_manager_signs_in_with_a_strict_http_only_session_cookie(hub: RunningHub, manager: str) -> None:
    s = requests.Session()
    first = s.get(f"{hub.url}/console/live", allow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/console/sign-in?next=/console/live"
    r = sign_in(s, hub.url, manager)
    assert r.status_code == 303 and r.headers["location"] == "/console/live"
    cookie = next(c for c in r.headers["set-cookie"].split(", motcua") if c.startswith("motcua_console="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/console" in cookie
    page = s.get(f"{hub.url}/console/live")
    assert page.status_code == 200 and "quản lý Hoa" in page.text and "Đang chờ" in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and page.headers["cache-control"] == "no-store"
    assert manager not in page.text  # the token stays on the hub


@pytest.mark.parametrize("role, status", [("kiosk", 403), ("board", 403), ("counter", 403), ("admin", 303)])
def test_only_admin_and_manager_tokens_open_the_console(hub: RunningHub, role: str, status: int) -> None:
    r = sign_in(requests.Session(), hub.url, hub.tokens[role])
    assert r.status_code == status
    if status == 403:
        assert "Mã này không dùng cho bảng điều hành" in r.text


def test_a_manager_token_opens_nothing_but_the_console(hub: RunningHub, manager: str) -> None:
    for method, path in (("GET", "/api/v1/board"), ("POST", "/api/v1/tickets"), ("GET", "/api/v1/devices"),
                         ("GET", "/api/v1/sync")):
        r = requests.request(method, f"{hub.url}{path}", headers={"Authorization": f"Bearer {manager}"},
                             json={"service": "A"})
        assert r.status_code == 403, (path, r.text)


def test_forms_need_their_csrf_token_and_the_same_origin(hub: RunningHub, manager: str) -> None:
    s = requests.Session()
    form_token(s, hub.url)
    r = s.post(f"{hub.url}/console/sign-in", data={"token": manager, "csrf": "forged"}, allow_redirects=False)
    assert r.status_code == 403 and "Biểu mẫu đã cũ" in r.text
    # A forged value need not be ASCII (the fuzz test once sent one: the comparison of text raised, a 500).
    r = s.post(f"{hub.url}/console/sign-in", data={"token": manager, "csrf": "giả mạo"}, allow_redirects=False)
    assert r.status_code == 403 and "Biểu mẫu đã cũ" in r.text
    r = s.post(f"{hub.url}/console/sign-in", data={"token": manager, "csrf": form_token(s, hub.url)},
               headers={"Origin": "http://evil.example"}, allow_redirects=False)
    assert r.status_code == 403
    assert sign_in(s, hub.url, manager).status_code == 303
    # Sign-out is a form too: without the session's CSRF token it is refused and the session stays.
    for forged in ("forged", "giả mạo"):
        r = s.post(f"{hub.url}/console/sign-out", data={"csrf": forged}, allow_redirects=False)
        assert r.status_code == 403 and r.json()["error"]["code"] == "csrf"
    page = s.get(f"{hub.url}/console/live")
    assert page.status_code == 200
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf
    r = s.post(f"{hub.url}/console/sign-out", data={"csrf": csrf.group(1)}, allow_redirects=False)
    assert r.status_code == 303
    assert s.get(f"{hub.url}/console/live", allow_redirects=False).status_code == 303  # signed out


def test_repeated_failures_lock_the_address_out_even_for_the_right_token(
        make_hub: Callable[..., RunningHub]) -> None:
    hub = make_hub(small_site(limits={"auth_failures_burst": 3, "auth_failures_per_minute": 1}))
    manager = create_token(hub.db, role="manager", name="Hoa")
    s = requests.Session()
    for _ in range(3):
        r = sign_in(s, hub.url, "guess")
        assert r.status_code == 401 and "Mã không đúng" in r.text
    r = sign_in(s, hub.url, manager)
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0 and "Sai mã quá nhiều lần" in r.text
    hub.clock.advance(minutes=2)  # the allowance refills with the hub's clock
    assert sign_in(s, hub.url, manager).status_code == 303


def test_a_revoked_token_or_an_idle_day_ends_the_session(hub: RunningHub, manager: str) -> None:
    s = requests.Session()
    assert sign_in(s, hub.url, manager).status_code == 303
    assert s.get(f"{hub.url}/console/live/state").status_code == 200
    token_id = next(t["id"] for t in list_tokens(hub.db) if t["name"] == "quản lý Hoa")
    revoke_token(hub.db, token_id)
    deadline = time.monotonic() + 5  # the hub re-reads tokens within a second (Hub._watch_tokens)
    while s.get(f"{hub.url}/console/live/state").status_code == 200:
        assert time.monotonic() < deadline, "the revoked token's session still works"
        time.sleep(0.05)
    assert s.get(f"{hub.url}/console/live", allow_redirects=False).status_code == 303

    other = requests.Session()
    assert sign_in(other, hub.url, hub.tokens["admin"]).status_code == 303
    hub.clock.advance(seconds=IDLE_S - 60)
    assert other.get(f"{hub.url}/console/live/state").status_code == 200  # used: the idle time starts again
    hub.clock.advance(seconds=IDLE_S + 1)
    r = other.get(f"{hub.url}/console/live/state")
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"


def test_the_live_state_follows_the_queue(hub: RunningHub, manager: str) -> None:
    s = requests.Session()
    sign_in(s, hub.url, manager)
    kiosk, clerk = hub.client("kiosk"), hub.client("counter")
    for svc in ("A", "A", "B"):
        kiosk.issue(svc)
    hub.clock.advance(minutes=5)
    state: dict[str, Any] = s.get(f"{hub.url}/console/live/state").json()
    by = {x["code"]: x for x in state["services"]}
    assert (by["A"]["waiting"], by["B"]["waiting"], state["totals"]["waiting"]) == (2, 1, 3)
    assert by["A"]["longest_wait_s"] == 300 and state["totals"]["longest_wait_s"] == 300
    called = clerk.call_next(2)
    hub.clock.advance(seconds=40)
    state = s.get(f"{hub.url}/console/live/state").json()
    c2 = next(c for c in state["counters"] if c["number"] == 2)
    assert (c2["state"], c2["current"], c2["serving_s"]) == ("open", called.display, 40)
    assert state["totals"]["waiting"] == 2 and state["sync"]["state"] == "disabled"


def test_downloads_and_state_need_a_session(hub: RunningHub) -> None:
    for path in ("/console/live/state", "/console/live/events", "/console/reports/download?format=xlsx",
                 "/console/forecast/download"):
        r = requests.get(f"{hub.url}{path}")
        assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized", path
    for path in ("/console/reports", "/console/forecast", "/console/live"):
        assert requests.get(f"{hub.url}{path}", allow_redirects=False).status_code == 303


def test_the_public_listener_never_serves_the_console(make_hub: Callable[..., RunningHub]) -> None:
    hub = make_hub(public=True, public_on_main=False)
    public = f"http://127.0.0.1:{hub.public_port}"
    for path in ("/console/sign-in", "/console/live", "/console/static/console.js"):
        assert requests.get(f"{public}{path}", allow_redirects=False).status_code == 404
    assert requests.get(f"{hub.url}/console/sign-in").status_code == 200


def test_a_bad_period_is_said_plainly(hub: RunningHub, manager: str) -> None:
    s = requests.Session()
    sign_in(s, hub.url, manager)
    r = s.get(f"{hub.url}/console/reports?period=2026-13")
    assert r.status_code == 400 and "Kỳ báo cáo không hợp lệ" in r.text and "Traceback" not in r.text
    r = s.get(f"{hub.url}/console/reports/download?format=exe&period=2026-11")
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_format"


def test_a_dead_report_worker_is_replaced(hub: RunningHub, manager: str) -> None:
    from sync.hub.console import console_of

    console = console_of(hub.hub)
    console.runner_options = {"nice": 0, "idle": False}  # a shared test machine is never idle
    s = requests.Session()
    sign_in(s, hub.url, manager)
    first = s.get(f"{hub.url}/console/reports?period=2026-11-26", timeout=180)
    assert first.status_code == 200 and 'id="s-issued"' in first.text
    assert console.runner is not None
    for proc in list(console.runner._pool._processes.values()):  # noqa: SLF001 - the test kills the worker
        proc.kill()
        proc.join(10)
    r = s.get(f"{hub.url}/console/reports?period=2026-11-25", timeout=180)
    assert r.status_code == 200 and 'id="s-issued"' in r.text
