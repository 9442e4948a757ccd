"""The central server's guards, over real HTTP(S): development tokens only when asked, per-site upload
quotas counted from stored blobs, abandoned uploads cleaned after an (injected) age, and a relay that
verifies the central server's certificate against [central] ca_file."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from support import RunningHub, as_json, small_site, wait_until

from motcua.cli import main as motcua
from motcua.contract import DossierRequest
from sync.central.app import CentralSettings, create_central_app
from sync.central.store import CentralStore
from sync.server import ServerThread, free_port

PY = [sys.executable, "-c", "import sys; from motcua.cli import main; sys.exit(main())"]
DEV = "dev-central-token-{}"


def auth(site: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {DEV.format(site)}"}


def put(url: str, site: str, data: bytes) -> requests.Response:
    """Upload a whole file as `site`."""
    return requests.put(f"{url}/api/v1/blobs/{hashlib.sha256(data).hexdigest()}", params={"offset": 0, "size": len(data)},
                        data=data, headers=auth(site), timeout=5)


class Clock:
    """The central server's time, moved by the test."""

    def __init__(self) -> None:
        self.now = 1_795_650_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def start_central(tmp_path: Path) -> Iterator[Callable[..., ServerThread]]:
    servers: list[ServerThread] = []

    def start(settings: CentralSettings | None = None, *, db: str = "central.db", **tls: str) -> ServerThread:
        server = ServerThread(create_central_app(CentralStore(tmp_path / db, dev_tokens=True), settings), **tls).start()
        servers.append(server)
        return server

    yield start
    for s in servers:
        s.stop()


# ------------------------------------------------------------------------------------------ dev tokens
def run_central(db: Path, *extra: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen([*PY, "central", "--db", str(db), "--port", str(port), "--log-level", "warning", *extra])
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        assert proc.poll() is None
        try:
            return requests.get(url + "/api/v1/health", timeout=1).ok
        except requests.RequestException:
            return False

    wait_until(up, timeout=60)
    return proc, url


def test_development_tokens_only_with_dev_tokens(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "central.db"
    assert motcua(["central", "token", "create", "--db", str(db), "--site", "BNI-TTHCC"]) == 0
    real = capsys.readouterr().out.strip()
    feed = "/api/v1/feeds/catalog"
    proc, url = run_central(db)
    try:
        r = requests.get(url + feed, headers=auth("BNI-TTHCC"), timeout=5)
        assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
        assert requests.get(url + feed, headers={"Authorization": f"Bearer {real}"}, timeout=5).ok
        assert requests.get(url + "/docs", timeout=5).status_code == 404  # no API map unless --docs
    finally:
        proc.terminate()
        proc.wait(30)
    proc, url = run_central(db, "--dev-tokens")
    try:
        assert requests.get(url + feed, headers=auth("BNI-TTHCC"), timeout=5).ok
        assert requests.get(url + feed, headers=auth("ANY-OTHER-SITE"), timeout=5).ok  # why it is for development only
    finally:
        proc.terminate()
        proc.wait(30)


# ------------------------------------------------------------------------------------------ quotas
def test_per_site_quota_counted_from_stored_blobs(start_central: Callable[..., ServerThread]) -> None:
    settings = CentralSettings(site_quota_bytes=1000, site_quotas={"BIG": 5000})
    central = start_central(settings)
    a, b, c = b"a" * 600, b"b" * 600, b"c" * 300
    assert put(central.url, "SMALL", a).status_code == 201
    assert put(central.url, "SMALL", a).status_code == 200  # the same file again costs nothing
    over = put(central.url, "SMALL", b)
    assert over.status_code == 413
    err = over.json()["error"]
    assert err["code"] == "quota_exceeded" and err["used"] == 600 and err["quota"] == 1000
    assert "SMALL" in err["message"] and "quota" in err["message"] and "dung lượng" in err["message"]
    assert not central.app.state.store.partial_path(hashlib.sha256(b).hexdigest()).exists()  # nothing kept
    assert put(central.url, "SMALL", c).status_code == 201  # what still fits goes in
    assert put(central.url, "OTHER", b).status_code == 201  # each site has its own quota
    assert put(central.url, "BIG", b * 5).status_code == 201  # and an override
    # Counted from what is stored, not from memory: a restarted server still refuses.
    central.stop()
    again = start_central(settings)
    assert put(again.url, "SMALL", b"d" * 600).status_code == 413
    assert again.app.state.store.site_usage("SMALL") == 900


def test_an_unfinished_upload_reserves_its_size_until_cleaned(start_central: Callable[..., ServerThread]) -> None:
    clock = Clock()
    central = start_central(CentralSettings(site_quota_bytes=1000, upload_max_age_s=3600, clean_interval_s=0.05,
                                            clock=clock))
    store = central.app.state.store
    big = b"p" * 800
    sha = hashlib.sha256(big).hexdigest()
    half = requests.put(f"{central.url}/api/v1/blobs/{sha}", params={"offset": 0, "size": len(big)}, data=big[:400],
                        headers=auth("S"), timeout=5)
    assert half.status_code == 202 and store.partial_path(sha).exists()
    assert put(central.url, "S", b"q" * 300).status_code == 413  # 800 are reserved by the upload in progress
    clock.now += 1800
    fresh = b"f" * 100
    fresh_sha = hashlib.sha256(fresh).hexdigest()
    assert requests.put(f"{central.url}/api/v1/blobs/{fresh_sha}", params={"offset": 0, "size": 150}, data=fresh,
                        headers=auth("S"), timeout=5).status_code == 202
    clock.now += 1801  # the first upload has been idle for more than an hour; the second for half an hour
    # the cleaner removes the partial file, then its reservation: wait for both (a busy machine shows the gap)
    wait_until(lambda: not store.partial_path(sha).exists() and store.site_usage("S") == 150)
    assert store.partial_path(fresh_sha).exists()
    status = requests.head(f"{central.url}/api/v1/blobs/{sha}", headers=auth("S"), timeout=5)
    assert status.headers["Upload-Offset"] == "0"
    assert store.site_usage("S") == 150  # the reservation went with the file
    # Resuming the cleaned upload is told to start over from 0, and then completes.
    resume = requests.put(f"{central.url}/api/v1/blobs/{sha}", params={"offset": 400, "size": 800}, data=big[400:],
                          headers=auth("S"), timeout=5)
    assert resume.status_code == 409 and resume.json()["error"]["offset"] == 0
    assert put(central.url, "S", big).status_code == 201
    assert store.site_usage("S") == 950


def test_orphan_partial_files_are_cleaned_by_age(tmp_path: Path) -> None:
    store = CentralStore(tmp_path / "central.db")
    orphan = store.partial_path("ab" * 32)
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"half")  # left by a crash, with no reservation
    mtime = orphan.stat().st_mtime
    assert store.clean_uploads(max_age_s=3600, now=mtime + 60) == 0 and orphan.exists()
    assert store.clean_uploads(max_age_s=3600, now=mtime + 3601) == 1 and not orphan.exists()
    store.close()


# ------------------------------------------------------------------------------------------ the relay and TLS
@pytest.fixture(scope="module")
def central_tls(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A province's own CA and a certificate for its central server on 127.0.0.1 (made the same way)."""
    folder = tmp_path_factory.mktemp("central-tls")
    assert motcua(["tls", "init", "--dir", str(folder / "central"), "--host", "central.tinh.local"]) == 0
    assert motcua(["tls", "init", "--dir", str(folder / "other"), "--host", "central.tinh.local"]) == 0
    return folder


def site(**central: Any) -> dict[str, Any]:
    """small_site() that also offers civil-status procedures (TPHT), with this [central] table."""
    return small_site(services=[*small_site()["services"], {"code": "TPHT", "name": "Tư pháp - Hộ tịch"}],
                      central={"token": DEV.format("TEST"), **central})


def dossier_for(h: RunningHub) -> dict[str, Any]:
    counter = h.client("counter")
    sha = counter.upload_file(b"%PDF-1.4 " + uuid.uuid4().bytes * 64)
    return as_json(counter.submit_dossier(DossierRequest.model_validate(
        {"id": str(uuid.uuid4()), "procedure": "TPHT.04", "applicant": {"name": "Phạm Văn Nam"},
         "files": [{"sha256": sha, "name": "to-khai.pdf", "mime": "application/pdf"}]})))


def test_the_relay_verifies_the_central_servers_certificate(start_central: Callable[..., ServerThread],
                                                            make_hub: Callable[..., RunningHub], central_tls: Path) -> None:
    files = central_tls / "central"
    central = start_central(certfile=str(files / "hub.crt"), keyfile=str(files / "hub.key"))
    assert central.url.startswith("https://")
    fast = {"backoff_base_s": 0.05, "backoff_max_s": 0.2}
    for ca in (None, central_tls / "other" / "ca.crt"):  # the system's CAs; another CA
        h = make_hub(site(url=central.url, **({"ca_file": str(ca)} if ca else {})), relay_settings=fast)
        h.client("kiosk").issue("A")
        wait_until(lambda h=h: getattr(h.client().sync_status().last_error, "message", None))
        st = h.client().sync_status()
        assert st.backlog >= 1 and st.state == "retrying"
        assert "certificate is not trusted" in st.last_error.message and "chứng chỉ" in st.last_error.message
        h.stop()
    assert central.app.state.store.counts()["tickets"] == 0  # nothing was sent to a server the hub could not trust
    h = make_hub(site(url=central.url, ca_file=str(files / "ca.crt")), relay_settings=fast)
    h.client("kiosk").issue("A")
    d = dossier_for(h)
    wait_until(lambda: h.client().sync_status().backlog == 0 and not h.client("counter").dossier(d["id"]).provisional)
    assert central.app.state.store.counts(site="TEST")["dossiers"] == 1


def test_a_site_over_its_quota_sees_why_in_its_sync_status(start_central: Callable[..., ServerThread],
                                                           make_hub: Callable[..., RunningHub]) -> None:
    central = start_central(CentralSettings(site_quota_bytes=100))
    h = make_hub(site(url=central.url), relay_settings={"backoff_base_s": 0.05, "backoff_max_s": 0.2})
    d = dossier_for(h)  # a file of 1,033 bytes
    wait_until(lambda: "quota_exceeded" in (getattr(h.client().sync_status().last_error, "message", None) or ""))
    st = h.client().sync_status()
    assert st.dead_letters == 0 and st.backlog >= 1  # kept, not rejected: raising the quota lets it through
    assert h.client("counter").dossier(d["id"]).provisional


def test_the_technician_check_asks_the_central_server_with_the_sites_ca(start_central: Callable[..., ServerThread],
                                                                       central_tls: Path, tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    files = central_tls / "central"
    central = start_central(certfile=str(files / "hub.crt"), keyfile=str(files / "hub.key"))
    (tmp_path / "province-ca.crt").write_bytes((files / "ca.crt").read_bytes())

    def central_line(ca_line: str) -> dict[str, Any]:
        site = tmp_path / "site.toml"
        site.write_text(f'[site]\ncode = "TEST"\nname = "Trung tâm thử"\n[[services]]\ncode = "A"\nname = "Đất đai"\n'
                        f'[[counters]]\nnumber = 1\nservices = ["A"]\n[central]\nurl = "{central.url}"\n'
                        f'token = "{DEV.format("TEST")}"\n{ca_line}', encoding="utf-8")
        motcua(["diag", "--json", "--timeout", "3", "--site", str(site)])
        return next(c for c in json.loads(capsys.readouterr().out)["checks"] if c["name_en"] == "Central server")

    assert central_line('ca_file = "province-ca.crt"\n')["status"] == "ok"  # relative to the site file, as the hub
    bad = central_line("")
    assert bad["status"] == "fail" and bad["data"]["cause"] == "untrusted" and "ca_file" in bad["advice"]["en"]
