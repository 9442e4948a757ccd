"""Property-based fuzzing of the manager's console (hypothesis over real HTTP). Its routes are outside the hub's
OpenAPI description (HTML forms, sessions), so test_fuzz.py does not reach them: every /console route of the
app is fuzzed here, signed in and not, with a valid, a wrong or no CSRF token, with arbitrary form fields and
query strings. Nothing may answer 5xx; a JSON error has the error shape; a control refused for its CSRF token
or its session changes nothing and leaves no audit row.

Bounded in time: a few examples per route (MOTCUA_FUZZ_EXAMPLES to search longer).
"""
from __future__ import annotations

import os
import re
import sqlite3
from typing import Any

import requests
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from starlette.routing import Route
from support import RunningHub, small_site

from sync.hub.console import console_of
from sync.hub.routes import console, console_ops

EXAMPLES = int(os.environ.get("MOTCUA_FUZZ_EXAMPLES", "12"))
SLOW = ("/console/reports", "/console/forecast")
"""Routes that run an analytics job in the worker process: fewer examples (each valid period is a report)."""

FIELDS = ("csrf", "user", "password", "token", "next", "number", "action", "code", "text", "text_en", "minutes",
          "items")
QUERY = ("period", "kind", "day", "month", "from", "to", "target", "view", "format", "table", "next", "done")
text = st.one_of(st.text(max_size=40), st.sampled_from(["", "0", "-1", "1", "2", "99999", "A", "B", "C", "open",
                                                        "close", "pause", "resume", "2026-11", "2026-11-26",
                                                        "1-01-01", "9999-12-31", "nan", "inf", "xlsx", "csv",
                                                        "pdf", "range", "week", "day", "month", "//evil", "\x00",
                                                        "x" * 2000, "ạ" * 300]))
fields = st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=8)), text, max_size=8)
query = st.dictionaries(st.sampled_from(QUERY), text, max_size=4)


def console_routes() -> list[tuple[str, str]]:
    """(method, path) of every route of the console's routers (new ones are fuzzed without editing this test)."""
    out = []
    for r in (*console.router.routes, *console_ops.router.routes):
        if isinstance(r, Route):
            out.extend((m, r.path) for m in sorted(r.methods or ()) if m != "HEAD")
    return sorted(out, key=lambda x: x[1] == "/console/sign-out")  # last: a valid CSRF token ends the session


def fresh_session() -> requests.Session:
    """A session that opens a connection per request: the hub closes a keep-alive connection idle for 5 s, and a
    loaded machine's pause between two examples made a reused one fail as "closed without response"."""
    s = requests.Session()
    s.headers["Connection"] = "close"
    return s


def signed_in(hub: RunningHub) -> tuple[requests.Session, str]:
    s = fresh_session()
    form = re.search(r'name="csrf" value="([^"]+)"', s.get(f"{hub.url}/console/sign-in").text)
    assert form
    r = s.post(f"{hub.url}/console/sign-in", data={"token": hub.tokens["admin"], "csrf": form.group(1)},
               allow_redirects=False)
    assert r.status_code == 303
    csrf = re.search(r'name="csrf" value="([^"]+)"', s.get(f"{hub.url}/console/operations").text)
    assert csrf
    return s, csrf.group(1)


def audit_rows(hub: RunningHub) -> int:
    con = sqlite3.connect(f"file:{hub.db}?mode=ro", uri=True)
    try:
        return int(con.execute("SELECT COUNT(*) FROM audit").fetchone()[0])
    finally:
        con.close()


def check(r: requests.Response, where: str) -> None:
    assert r.status_code < 500, f"{where}: {r.status_code} {r.text[:300]}"
    if r.status_code >= 400 and r.headers.get("content-type", "").startswith("application/json"):
        body = r.json()
        assert set(body) == {"error"} and body["error"]["code"] and body["error"]["message"], where


def fuzz_route(hub: RunningHub, session: requests.Session, anonymous: requests.Session, csrf: str, method: str,
               path: str) -> None:
    """Call one console route with generated forms, query strings, sessions and CSRF tokens."""
    slow = path.startswith(SLOW)

    @settings(max_examples=max(3, EXAMPLES // 4) if slow else EXAMPLES, deadline=None, database=None,
              phases=[Phase.generate, Phase.shrink], suppress_health_check=list(HealthCheck))
    @given(form=fields, params=query, who=st.sampled_from(["session", "anonymous"]),
           token=st.sampled_from(["valid", "wrong", "missing"]), name=st.text(max_size=20))
    def fuzz(form: dict[str, str], params: dict[str, str], who: str, token: str, name: str) -> None:
        s = session if who == "session" else anonymous
        url = hub.url + path.replace("{name}", requests.utils.quote(name, safe="") or "x")
        where = f"{method} {path} {who} csrf={token} {form!r} {params!r}"
        if method == "GET":
            with s.get(url, params=params, stream=True, timeout=60, allow_redirects=False) as r:
                check(r, where)
            return
        form = dict(form)
        if token == "valid":
            form["csrf"] = csrf
        elif token == "missing":
            form.pop("csrf", None)
        before = audit_rows(hub)
        r = s.post(url, data=form, params=params, timeout=60, allow_redirects=False)
        check(r, where)
        if path.startswith("/console/operations/") and (token != "valid" or who != "session"):
            assert r.status_code in (401, 403), where
            assert audit_rows(hub) == before, f"{where}: a refused control left an audit row"

    fuzz()


def test_fuzz_every_console_route_signed_in_and_not_with_any_csrf(make_hub: Any) -> None:
    hub: RunningHub = make_hub(small_site(limits={"auth_failures_burst": 100000, "streams_per_token": 1000}))
    console_of(hub.hub).runner_options = {"nice": 0, "idle": False}  # a shared test machine
    session, csrf = signed_in(hub)
    anonymous = fresh_session()
    routes = console_routes()
    assert {("POST", "/console/sign-in"), ("POST", "/console/operations/notice"), ("GET", "/console/reports"),
            ("POST", "/console/operations/service"), ("GET", "/console/live/events")} <= set(routes)

    for method, path in routes:
        fuzz_route(hub, session, anonymous, csrf, method, path)
    # Whatever was tried, the hub still answers and a new session works.
    assert requests.get(hub.url + "/api/v1/health", timeout=5).json()["status"] == "ok"
    again, _ = signed_in(hub)
    assert again.get(f"{hub.url}/console/live/state", timeout=5).status_code == 200
