"""HTTPS on the site: `motcua tls init|renew`, the hub serving HTTPS, devices trusting the site CA from
their config and refusing a hub they cannot trust — all over real TLS sockets on 127.0.0.1."""
from __future__ import annotations

import argparse
import json
import logging
import os
import socket
import ssl
import stat
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
from cryptography import x509
from support import RunningHub, small_site, wait_until

from motcua.cli import main as motcua
from motcua.config import ConfigError, parse_site_config
from sync.client import HubCertificateError, HubClient, HubUnavailable
from sync.hub_transport import check_transport
from sync.server import free_port
from sync.tls import cert_info

PY = [sys.executable, "-c", "import sys; from motcua.cli import main; sys.exit(main())"]


def tls_init(folder: Path, *hosts: str, extra: tuple[str, ...] = ()) -> int:
    return motcua(["tls", "init", "--dir", str(folder), *[a for h in hosts for a in ("--host", h)], *extra])


@pytest.fixture(scope="module")
def site_tls(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site's TLS folder made by `motcua tls init` (hub.hcc.local, 192.168.1.10, and the loopback defaults)."""
    folder = tmp_path_factory.mktemp("tls") / "site"
    assert tls_init(folder, "hub.hcc.local", "192.168.1.10", extra=("--name", "Trung tâm PVHCC tỉnh Bắc Ninh")) == 0
    return folder


@pytest.fixture(scope="module")
def other_ca(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Another center's CA: trusting it must not make a device trust this hub."""
    folder = tmp_path_factory.mktemp("tls") / "other"
    assert tls_init(folder, "other.local") == 0
    return folder / "ca.crt"


@pytest.fixture
def tls_hub(make_hub: Callable[..., RunningHub], site_tls: Path) -> RunningHub:
    return make_hub(tls=(site_tls / "hub.crt", site_tls / "hub.key", site_tls / "ca.crt"))


def load(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


# ------------------------------------------------------------------------------------------ motcua tls
def test_tls_init_makes_a_site_ca_and_the_hubs_certificate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = os.umask(0)  # the most permissive umask: the keys must still be owner-only
    try:
        assert tls_init(tmp_path / "tls", "hub.hcc.local", "192.168.1.10") == 0
    finally:
        os.umask(old)
    out = capsys.readouterr().out
    folder = tmp_path / "tls"
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()}
    assert modes == {"ca.crt": 0o644, "ca.key": 0o600, "hub.crt": 0o644, "hub.key": 0o600}
    ca, hub = load(folder / "ca.crt"), load(folder / "hub.crt")
    hub.verify_directly_issued_by(ca)
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert not hub.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert set(cert_info(folder / "hub.crt").names) == {"hub.hcc.local", "localhost", "192.168.1.10", "127.0.0.1"}
    assert (ca.not_valid_after_utc - ca.not_valid_before_utc).days > 15 * 365  # long-lived
    assert (hub.not_valid_after_utc - hub.not_valid_before_utc).days <= 826
    # Which file goes where, in Vietnamese then English.
    for line in ("ca.crt", "[hub] ca_file", "MỌI ki-ốt", "EVERY kiosk", "ca.key", "BÍ MẬT", "NEVER copy it to a device",
                 "[tls] cert", "[tls] key", "Bước tiếp theo / Next steps", "https://hub.hcc.local:8470"):
        assert line in out, line


def test_renewal_keeps_the_ca_so_devices_need_no_change(tmp_path: Path, make_hub: Callable[..., RunningHub],
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "tls"
    assert tls_init(folder, "hub.hcc.local") == 0
    ca_before, cert_before, key_before = ((folder / n).read_bytes() for n in ("ca.crt", "hub.crt", "hub.key"))
    # init twice would replace the hub's certificate: it refuses and points to renew.
    capsys.readouterr()
    assert tls_init(folder, "hub.hcc.local") == 1
    assert "motcua tls renew" in capsys.readouterr().err
    assert motcua(["tls", "renew", "--dir", str(folder)]) == 0
    assert "CA giữ nguyên" in capsys.readouterr().out
    assert (folder / "ca.crt").read_bytes() == ca_before
    assert (folder / "hub.crt").read_bytes() != cert_before and (folder / "hub.key").read_bytes() != key_before
    renewed = load(folder / "hub.crt")
    assert renewed.serial_number != x509.load_pem_x509_certificate(cert_before).serial_number
    assert set(cert_info(folder / "hub.crt").names) == {"hub.hcc.local", "localhost", "127.0.0.1"}  # names kept
    # A device configured with the CA before the renewal talks to the renewed hub.
    hub = make_hub(tls=(folder / "hub.crt", folder / "hub.key", folder / "ca.crt"))
    assert hub.client("kiosk").site().site.code == "TEST"
    # Without the CA key (kept offline) renewal says what to bring back.
    (folder / "ca.key").rename(tmp_path / "ca.key.offline")
    assert motcua(["tls", "renew", "--dir", str(folder)]) == 1
    assert "ca.key" in capsys.readouterr().err


# ------------------------------------------------------------------------------------------ the hub over HTTPS
def test_devices_with_the_site_ca_use_the_hub_over_https(tls_hub: RunningHub, site_tls: Path) -> None:
    assert tls_hub.url.startswith("https://127.0.0.1:")
    kiosk, board = tls_hub.client("kiosk"), tls_hub.client("board")
    sub = board.events(last_event_id=tls_hub.hub.events.last_seq, read_timeout=5)
    got: list[Any] = []

    def listen() -> None:
        for ev in sub:
            got.append(ev)
            if ev.type == "ticket.issued":
                return

    t = threading.Thread(target=listen, daemon=True)
    t.start()
    wait_until(lambda: sub.connected)
    ticket = kiosk.issue("A")
    t.join(10)
    sub.close()
    assert [e.data["ticket"]["id"] for e in got if e.type == "ticket.issued"] == [ticket.id]
    # The TLS handshake itself: the hub's certificate chains to the site CA and names 127.0.0.1.
    ctx = ssl.create_default_context(cafile=str(site_tls / "ca.crt"))
    with socket.create_connection(("127.0.0.1", tls_hub.port), timeout=5) as raw, \
            ctx.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
        assert tls.version() in ("TLSv1.2", "TLSv1.3")
        assert "127.0.0.1" in {v for k, v in tls.getpeercert()["subjectAltName"]}


def test_devices_without_the_site_ca_are_refused_with_a_clear_error(tls_hub: RunningHub, other_ca: Path,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    token = tls_hub.tokens["kiosk"]
    for ca in (None, other_ca):  # the system's CAs only; another center's CA
        with pytest.raises(HubCertificateError) as err:
            HubClient(tls_hub.url, token, ca_file=ca).site()
        text = str(err.value)
        assert "chứng chỉ" in text.lower() and "certificate not trusted" in text and "ca_file" in text
        assert "Traceback" not in text and "SSLError" not in text and "urllib3" not in text
        assert isinstance(err.value, HubUnavailable)  # devices treat it as offline: citizens see "unavailable"
        ctx = ssl.create_default_context(cafile=str(ca)) if ca else ssl.create_default_context()
        with socket.create_connection(("127.0.0.1", tls_hub.port), timeout=5) as raw:
            with pytest.raises(ssl.SSLCertVerificationError):
                ctx.wrap_socket(raw, server_hostname="127.0.0.1")
    # Plain HTTP to the HTTPS port gets nothing useful either.
    with pytest.raises(HubUnavailable):
        HubClient(tls_hub.url.replace("https://", "http://"), token).site()
    # The live stream: never connected, and the log says why (once), not a traceback.
    caplog.set_level(logging.WARNING, logger="sync.client")
    sub = HubClient(tls_hub.url, tls_hub.tokens["board"], ca_file=other_ca).events(max_backoff=0.05)
    t = threading.Thread(target=lambda: list(sub), daemon=True)
    t.start()
    wait_until(lambda: sub.reconnects >= 3)
    sub.close()
    t.join(5)
    assert not sub.connected
    warnings = [r.getMessage() for r in caplog.records if "certificate not trusted" in r.getMessage()]
    assert len(warnings) == 1 and not any(r.exc_info for r in caplog.records)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_device_files_name_the_site_ca(tmp_path: Path, tls_hub: RunningHub, site_tls: Path) -> None:
    from counter_display.config import load_board_config, load_counter_config
    from kiosk.config import hash_pin, load_kiosk_config

    # Relative to the device file's folder, like the other paths in it.
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "ca.crt").write_bytes((site_tls / "ca.crt").read_bytes())
    hub = f'[hub]\nurl = "{tls_hub.url}"\nca_file = "ca.crt"\n'
    board = load_board_config(write(tmp_path / "etc" / "board.toml", hub + f'token = "{tls_hub.tokens["board"]}"\n'))
    counter = load_counter_config(write(tmp_path / "etc" / "counter.toml", hub + f'token = "{tls_hub.tokens["counter"]}"\n'
                                        "[counter]\nnumber = 1\n"))
    kiosk = load_kiosk_config(write(tmp_path / "etc" / "kiosk.toml", hub + f'token = "{tls_hub.tokens["kiosk"]}"\n'
                                    f'[kiosk]\ntechnician_pin_hash = "{hash_pin("1234", iterations=1000)}"\n'))
    for cfg in (board, counter, kiosk):
        assert cfg.hub.ca_file == str(tmp_path / "etc" / "ca.crt")
        assert cfg.hub.client().health()["status"] == "ok"  # the client each device app makes from its file
    # A ca_file that is not there stops the device at start, naming the file and the key.
    bad = write(tmp_path / "etc" / "board2.toml", f'[hub]\nurl = "{tls_hub.url}"\ntoken = "x"\nca_file = "/nowhere/ca.crt"\n')
    with pytest.raises(ConfigError) as err:
        load_board_config(bad)
    assert str(bad) in str(err.value) and "hub.ca_file" in str(err.value) and "/nowhere/ca.crt" in str(err.value)
    junk = write(tmp_path / "etc" / "junk.crt", "not a certificate\n")
    with pytest.raises(ConfigError, match="hub.ca_file"):
        load_kiosk_config(write(tmp_path / "etc" / "kiosk2.toml", f'[hub]\nurl = "{tls_hub.url}"\ntoken = "xxxxxxxx"\n'
                                f'ca_file = "{junk}"\n[kiosk]\ntechnician_pin_hash = "{hash_pin("1", iterations=1000)}"\n'))


# ------------------------------------------------------------------------------------------ motcua hub
SITE = """[site]
code = "TLS"
name = "Trung tâm thử"
[[services]]
code = "A"
name = "Đất đai"
[[counters]]
number = 1
services = ["A"]
"""


def run_hub(args: list[str], *, wait_url: str | None, ca: Path | None = None) -> tuple[subprocess.Popen[str], str]:
    """Start `motcua hub`; wait for it to answer at wait_url (or to exit when None)."""
    proc = subprocess.Popen([*PY, "hub", *args, "--log-level", "warning"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    if wait_url is None:
        _, err = proc.communicate(timeout=60)
        return proc, err

    def up() -> bool:
        assert proc.poll() is None, proc.communicate()[1]
        try:
            return requests.get(wait_url, timeout=1, verify=str(ca) if ca else True).status_code < 500
        except requests.RequestException:
            return False

    wait_until(up, timeout=60)
    return proc, ""


def test_motcua_hub_serves_https_from_the_site_file(tmp_path: Path, site_tls: Path) -> None:
    port = free_port()
    site = write(tmp_path / "site.toml", SITE + f'[tls]\ncert = "{site_tls / "hub.crt"}"\nkey = "{site_tls / "hub.key"}"\n')
    proc, _ = run_hub(["--config", str(site), "--db", str(tmp_path / "site.db"), "--host", "127.0.0.1",
                       "--port", str(port)], wait_url=f"https://127.0.0.1:{port}/api/v1/health", ca=site_tls / "ca.crt")
    try:
        r = requests.get(f"https://localhost:{port}/api/v1/health", verify=str(site_tls / "ca.crt"), timeout=5)
        assert r.json()["site"] == "TLS"
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(f"https://127.0.0.1:{port}/api/v1/health", timeout=5)
    finally:
        proc.terminate()
        proc.wait(30)
    # A key that is not there, or not the certificate's: a configuration error naming the file and the key.
    for key, missing in ((tmp_path / "none.key", "tls.key"), (site_tls / "ca.key", "tls.key")):
        site = write(tmp_path / "site.toml", SITE + f'[tls]\ncert = "{site_tls / "hub.crt"}"\nkey = "{key}"\n')
        proc, err = run_hub(["--config", str(site), "--db", str(tmp_path / "site.db"), "--port", str(port)], wait_url=None)
        assert proc.returncode == 2 and str(site) in err and missing in err and "Traceback" not in err


def test_site_file_paths_are_taken_from_its_folder(tmp_path: Path, site_tls: Path) -> None:
    etc = tmp_path / "etc"
    etc.mkdir()
    for name in ("hub.crt", "hub.key", "ca.crt"):
        (etc / name).write_bytes((site_tls / name).read_bytes())
    args = argparse.Namespace(tls_cert=None, tls_key=None, public_port=None, public_host=None, no_public_on_main=False,
                              port=8470, host="0.0.0.0", central=None, central_ca_file=None, allow_insecure_central=False)
    config = parse_site_config(small_site(tls={"cert": "hub.crt", "key": "hub.key"},
                                          public={"port": 8471, "on_main": False, "host": "192.168.50.1"},
                                          central={"url": "https://central.tinh.local", "ca_file": "ca.crt"}))
    t = check_transport(config, etc / "site.toml", args)
    assert (t.certfile, t.keyfile, t.central_ca_file) == (str(etc / "hub.crt"), str(etc / "hub.key"), str(etc / "ca.crt"))
    assert t.public is not None and (t.public.host, t.public.port, t.public_on_main) == ("192.168.50.1", 8471, False)
    clash = parse_site_config(small_site(public={"port": 8470}))
    with pytest.raises(ConfigError, match="public.port"):
        check_transport(clash, etc / "site.toml", args)


def test_the_technician_check_names_a_certificate_problem(tls_hub: RunningHub, site_tls: Path, other_ca: Path,
                                                          tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def hub_line(*args: str) -> dict[str, Any]:
        motcua(["diag", "--json", "--timeout", "3", *args])
        report = json.loads(capsys.readouterr().out)
        return next(c for c in report["checks"] if c["name_en"] == "Site hub")

    assert hub_line("--hub", tls_hub.url, "--ca-file", str(site_tls / "ca.crt"))["status"] == "ok"
    bad = hub_line("--hub", tls_hub.url, "--ca-file", str(other_ca))
    assert bad["status"] == "fail" and bad["data"]["cause"] == "untrusted"
    assert "certificate not trusted" in bad["detail_en"] and "chứng chỉ không hợp lệ" in bad["detail_vi"]
    assert "[hub] ca_file" in bad["advice"]["en"] and "Traceback" not in bad["detail"]
    # The device file's own [hub] ca_file is used.
    board = write(tmp_path / "board.toml", f'[hub]\nurl = "{tls_hub.url}"\ntoken = "{tls_hub.tokens["board"]}"\n'
                                           f'ca_file = "{site_tls / "ca.crt"}"\n[announcer]\nenabled = false\n')
    assert hub_line("--config", str(board))["status"] == "ok"
