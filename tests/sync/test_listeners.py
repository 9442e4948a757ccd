"""The public pages on a listener of their own (nothing of the device API there), /docs off unless asked,
and the transport checks `motcua hub` makes before it starts (plain http:// to another machine's central
server refused) — over real sockets."""
from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
from support import RunningHub, small_site, wait_until

from motcua.config import ConfigError, parse_site_config
from sync.hub_transport import check_transport
from sync.server import free_port

PY = [sys.executable, "-c", "import sys; from motcua.cli import main; sys.exit(main())"]
DOCS = ("/docs", "/redoc", "/openapi.json", "/docs/oauth2-redirect")


def assert_absent(r: requests.Response) -> None:
    assert r.status_code in (404, 405), (r.request.method, r.request.url, r.status_code)
    assert r.json()["error"]["code"] in ("not_found", "method_not_allowed")


def test_public_pages_have_their_own_listener_that_serves_nothing_else(make_hub: Callable[..., RunningHub]) -> None:
    hub = make_hub(public=True)
    pub = hub.public_url
    assert pub and hub.public_port != hub.port
    ticket = hub.client("kiosk").issue("A")
    page = requests.get(f"{pub}/t/{ticket.id}", timeout=5)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html") and ticket.display in page.text
    missing = requests.get(f"{pub}/d/00000000-0000-0000-0000-000000000000", timeout=5)
    assert missing.status_code == 404 and "Không tìm thấy hồ sơ" in missing.text
    # Nothing of the device API, with or without a token, and no description of it.
    admin = {"Authorization": f"Bearer {hub.tokens['admin']}"}
    for method, path in [("GET", "/api/v1/health"), ("GET", "/api/v1/site"), ("GET", "/api/v1/board"),
                         ("GET", "/api/v1/events"), ("GET", f"/api/v1/tickets/{ticket.id}"),
                         ("POST", "/api/v1/tickets"), ("POST", "/api/v1/counters/1/next"),
                         ("PUT", "/api/v1/files/" + "0" * 64), ("POST", "/api/v1/dossiers"), *(("GET", p) for p in DOCS)]:
        assert_absent(requests.request(method, pub + path, headers=admin, json={"service": "A"}, timeout=5))
    assert hub.client("kiosk").site().services[0].waiting == 1  # the POSTs above issued nothing
    # The main listener keeps serving the pages too (the default).
    assert requests.get(f"{hub.url}/t/{ticket.id}", timeout=5).status_code == 200


def test_the_main_listener_can_leave_the_public_pages_to_the_public_one(make_hub: Callable[..., RunningHub]) -> None:
    hub = make_hub(public=True, public_on_main=False)
    ticket = hub.client("kiosk").issue("A")
    assert_absent(requests.get(f"{hub.url}/t/{ticket.id}", timeout=5))
    assert requests.get(f"{hub.public_url}/t/{ticket.id}", timeout=5).status_code == 200
    assert hub.client("board").ticket(ticket.id).status == "waiting"  # the API is unchanged on the main listener


def test_docs_are_off_unless_asked(make_hub: Callable[..., RunningHub]) -> None:
    hub = make_hub()
    for path in DOCS:
        assert_absent(requests.get(hub.url + path, timeout=5))
    assert "/api/v1/tickets" in hub.server.app.openapi()["paths"]  # in-process, for tools and tests
    on = make_hub(docs=True)
    assert requests.get(on.url + "/docs", timeout=5).status_code == 200
    assert "/api/v1/tickets" in requests.get(on.url + "/openapi.json", timeout=5).json()["paths"]


SITE = """[site]
code = "PUB"
name = "Trung tâm thử"
[[services]]
code = "A"
name = "Đất đai"
[[counters]]
number = 1
services = ["A"]
"""


def test_motcua_hub_public_port_and_docs(tmp_path: Path) -> None:
    port, public_port = free_port(), free_port()
    site = tmp_path / "site.toml"
    site.write_text(SITE, encoding="utf-8")
    proc = subprocess.Popen([*PY, "hub", "--config", str(site), "--db", str(tmp_path / "site.db"), "--host", "127.0.0.1",
                             "--port", str(port), "--public-host", "127.0.0.1", "--public-port", str(public_port),
                             "--no-public-on-main", "--docs", "--log-level", "warning"], stderr=subprocess.PIPE, text=True)
    main, pub = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{public_port}"

    def up() -> bool:
        assert proc.poll() is None, proc.communicate()[1]
        try:
            return requests.get(main + "/api/v1/health", timeout=1).ok
        except requests.RequestException:
            return False

    try:
        wait_until(up, timeout=60)
        assert requests.get(main + "/docs", timeout=5).status_code == 200
        assert requests.get(pub + "/t/nothing", timeout=5).status_code == 404
        assert "Không tìm thấy số thứ tự" in requests.get(pub + "/t/nothing", timeout=5).text
        assert_absent(requests.get(main + "/t/nothing", timeout=5))
        for path in ("/api/v1/health", *DOCS):
            assert_absent(requests.get(pub + path, timeout=5))
    finally:
        proc.terminate()
        # SIGTERM stops both listeners cleanly (uvicorn re-raises the signal once it has shut down).
        assert proc.wait(30) in (0, -15)
        assert "Traceback" not in proc.communicate()[1]


# ------------------------------------------------------------------------------------------ the central URL
def args(**kw: object) -> argparse.Namespace:
    base: dict[str, object] = {"tls_cert": None, "tls_key": None, "public_port": None, "public_host": None,
                               "no_public_on_main": False, "port": 8470, "host": "0.0.0.0", "central": None,
                               "central_ca_file": None, "allow_insecure_central": False}
    return argparse.Namespace(**(base | kw))


@pytest.mark.parametrize("url, ok", [("http://127.0.0.1:8480", True), ("http://localhost:8480", True),
                                     ("http://[::1]:8480", True), ("https://central.example.gov.vn", True),
                                     ("http://10.0.0.5:8480", False), ("http://central.example.gov.vn", False)])
def test_plain_http_to_another_machine_is_refused(url: str, ok: bool) -> None:
    path = Path("/etc/motcua/site.toml")
    config = parse_site_config(small_site(central={"url": url, "token": "t"}))
    if ok:
        assert check_transport(config, path, args()).central_url == url
        return
    with pytest.raises(ConfigError) as err:
        check_transport(config, path, args())
    assert err.value.path == str(path) and err.value.key == "central.url"
    assert "allow_insecure = true" in str(err.value) and "https://" in str(err.value)
    allowed = parse_site_config(small_site(central={"url": url, "token": "t", "allow_insecure": True}))
    assert check_transport(allowed, path, args()).central_url == url
    # The same from the command line, named as such.
    plain = parse_site_config(small_site())
    with pytest.raises(ConfigError) as err:
        check_transport(plain, path, args(central=url))
    assert err.value.key == "--central" and "--allow-insecure-central" in str(err.value)
    assert check_transport(plain, path, args(central=url, allow_insecure_central=True)).central_url == url


def test_motcua_hub_refuses_to_start_with_an_insecure_central_url(tmp_path: Path) -> None:
    site = tmp_path / "site.toml"
    site.write_text(SITE + '[central]\nurl = "http://10.11.12.13:8480"\ntoken = "x"\n', encoding="utf-8")
    r = subprocess.run([*PY, "hub", "--config", str(site), "--db", str(tmp_path / "site.db"), "--port", str(free_port())],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert f"{site}: central.url:" in r.stderr and "allow_insecure" in r.stderr
    assert not (tmp_path / "site.db").exists()  # refused before anything was created
    check = subprocess.run([*PY, "hub", "--check-config", "--config", str(site)], capture_output=True, text=True, timeout=60)
    assert check.returncode == 2 and "central.url" in check.stdout and "allow_insecure" in check.stdout
    (tmp_path / "ca.crt").write_text("junk\n", encoding="utf-8")
    site.write_text(SITE + '[central]\nurl = "https://10.11.12.13:8480"\ntoken = "x"\nca_file = "ca.crt"\n', encoding="utf-8")
    r = subprocess.run([*PY, "hub", "--config", str(site), "--db", str(tmp_path / "site.db"), "--port", str(free_port())],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and f"{site}: central.ca_file:" in r.stderr and str(tmp_path / "ca.crt") in r.stderr


def test_a_reload_refuses_transport_changes() -> None:
    from motcua.reload import plan

    old = parse_site_config(small_site(central={"url": "https://central.tinh.local", "token": "t"}))
    for change in ({"tls": {"cert": "hub.crt", "key": "hub.key"}}, {"public": {"port": 8471}},
                   {"central": {"url": "https://central.tinh.local", "token": "t", "ca_file": "ca.crt"}},
                   {"central": {"url": "https://central.tinh.local", "token": "t", "allow_insecure": True}}):
        p = plan(old, parse_site_config(small_site(central={"url": "https://central.tinh.local", "token": "t"}) | change))
        assert not p.ok and p.refused, change
