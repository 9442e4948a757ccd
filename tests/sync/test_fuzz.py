"""Property-based fuzzing of every route of the hub and of the central server, from their own OpenAPI
descriptions (schemathesis over hypothesis), over real HTTP: valid and invalid inputs alike get an answer
below 500, and every error is the JSON error shape.

Bounded in time: a few examples per operation and mode (MOTCUA_FUZZ_EXAMPLES to search longer).
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from support import RunningHub, small_site

from sync.central.app import create_central_app
from sync.central.store import CentralStore
from sync.server import ServerThread

EXAMPLES = int(os.environ.get("MOTCUA_FUZZ_EXAMPLES", "12"))


def fuzz_operation(op: schemathesis.APIOperation, mode: GenerationMode, base_url: str, session: requests.Session,
                   headers: dict[str, str]) -> None:
    """Call one operation with generated inputs; fail on a 5xx or an error outside the JSON shape."""

    @settings(max_examples=EXAMPLES, deadline=None, database=None, phases=[Phase.generate, Phase.shrink],
              suppress_health_check=list(HealthCheck))
    @given(case=op.as_strategy(mode))
    def check(case: schemathesis.Case) -> None:
        kwargs = case.as_transport_kwargs(base_url=base_url, headers=headers)
        where = f"{case.method} {case.formatted_path} ({mode.value})"
        # stream=True: GET /events answers a stream that never ends; its status is what counts.
        with session.request(**kwargs, stream=True, timeout=10) as r:
            if r.headers.get("content-type", "").startswith("text/event-stream"):
                assert r.status_code == 200, where
                return
            assert r.status_code < 500, f"{where}: {r.status_code} {r.text[:300]}"
            if r.status_code < 400 or case.method == "HEAD":
                return
            if case.path in ("/t/{ticket_id}", "/d/{key}", "/t/{ticket_id}/rate"):
                # The citizens' pages answer a page in Vietnamese, not JSON (/metrics answers JSON errors).
                assert r.headers["content-type"].startswith("text/html"), where
                return
            assert r.headers["content-type"] == "application/json", f"{where}: {r.status_code} {r.text[:300]}"
            body = r.json()
            assert set(body) == {"error"} and body["error"]["code"] and body["error"]["message"], \
                f"{where}: {r.status_code} {r.text[:300]}"

    try:
        check()
    except Unsatisfiable:
        # An operation without parameters or body (GET /health) has nothing to make invalid.
        if mode != GenerationMode.NEGATIVE:
            raise


def fuzz(server: ServerThread, token: str) -> list[str]:
    """Fuzz every operation of a running server, with valid and with invalid inputs; returns them."""
    # The description comes from the app itself: the hub serves it over HTTP only with `--docs`.
    schema = schemathesis.openapi.from_dict(server.app.openapi())
    base_url = server.url
    session = requests.Session()
    headers = {"Authorization": f"Bearer {token}"}
    fuzzed = []
    for result in schema.get_all_operations():
        op = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            fuzz_operation(op, mode, base_url, session, headers)
        fuzzed.append(f"{op.method.upper()} {op.path}")
    return fuzzed


def test_fuzz_every_hub_route(make_hub) -> None:
    # Fuzzing fails authentication on purpose now and then (negative headers): no refusals for that here.
    hub: RunningHub = make_hub(small_site(limits={"auth_failures_burst": 100000, "streams_per_token": 1000}))
    fuzzed = fuzz(hub.server, hub.tokens["admin"])
    assert {"POST /api/v1/tickets", "POST /api/v1/counters/{n}/next", "POST /api/v1/dossiers",
            "PUT /api/v1/files/{sha256}", "GET /api/v1/events", "GET /d/{key}"} <= set(fuzzed)
    assert requests.get(hub.url + "/api/v1/health", timeout=5).json()["status"] == "ok"


@pytest.fixture
def central(tmp_path: Path) -> Iterator[tuple[ServerThread, str]]:
    store = CentralStore(tmp_path / "central.db")
    token = store.create_token(site="TEST")
    server = ServerThread(create_central_app(store)).start()
    yield server, token
    server.stop()


def test_fuzz_every_central_route(central: tuple[ServerThread, str]) -> None:
    server, token = central
    fuzzed = fuzz(server, token)
    assert {"POST /api/v1/events", "PUT /api/v1/blobs/{sha256}", "POST /api/v1/dossiers",
            "GET /api/v1/feeds/{kind}"} <= set(fuzzed)
    assert requests.get(server.url + "/api/v1/health", timeout=5).json()["status"] == "ok"
