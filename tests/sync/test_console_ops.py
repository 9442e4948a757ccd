"""The console's staff accounts and operational controls over real HTTP: sign-in with a staff code and password
(issue 13's clerks with a role), lock-out, a disabled account ending its session; open/close a counter, pause a
service (the hub then refuses its numbers), the ticker, the guides and a notice, each with CSRF, each audited
and each a hub event; `motcua audit` reads them."""
from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
import requests
from support import RunningHub, db_rows, small_site

from motcua.cli import main as motcua
from motcua.clock import iso
from sync.client import HubError
from sync.hub.accounts import set_password, set_role
from sync.hub.staff import add_staff, disable_staff, verify_secret

PASSWORD = "mật-khẩu-đủ-dài-1"


def form_token(s: requests.Session, url: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', s.get(f"{url}/console/sign-in").text)
    assert m
    return m.group(1)


def sign_in(s: requests.Session, url: str, user: str, password: str) -> requests.Response:
    data = {"user": user, "password": password, "csrf": form_token(s, url), "next": "/console/operations"}
    return s.post(f"{url}/console/sign-in", data=data, allow_redirects=False)


def csrf_of(s: requests.Session, url: str) -> str:
    page = s.get(f"{url}/console/operations")
    assert page.status_code == 200
    m = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert m
    return m.group(1)


@pytest.fixture
def manager(hub: RunningHub) -> requests.Session:
    add_staff(hub.db, code="QL01", name="Trần Thị Mai", pin=None, role="manager", password=PASSWORD)
    s = requests.Session()
    r = sign_in(s, hub.url, "QL01", PASSWORD)
    assert r.status_code == 303 and r.headers["location"] == "/console/operations"
    return s


def post(s: requests.Session, url: str, path: str, **data: str) -> requests.Response:
    return s.post(f"{url}/console/operations/{path}", data={"csrf": csrf_of(s, url), **data}, allow_redirects=False)


# ------------------------------------------------------------------ accounts


def test_a_manager_account_signs_in_with_its_code_and_a_password_stored_as_a_slow_salted_hash(
        hub: RunningHub, manager: requests.Session) -> None:
    page = manager.get(f"{hub.url}/console/live")
    assert page.status_code == 200 and "Trần Thị Mai" in page.text
    (stored,) = db_rows(hub.db, "SELECT password_hash FROM staff WHERE code = 'QL01'")[0]
    assert stored.startswith("scrypt$16384$8$1$") and PASSWORD not in stored and verify_secret(PASSWORD, stored)
    add_staff(hub.db, code="QL02", name="B", pin=None, role="manager", password=PASSWORD)
    other = db_rows(hub.db, "SELECT password_hash FROM staff WHERE code = 'QL02'")[0][0]
    assert other.split("$")[4] != stored.split("$")[4]  # a salt per hash: equal passwords, different hashes


@pytest.mark.parametrize("user, password", [("QL01", "sai-mật-khẩu-nhé"), ("NV01", "1234"), ("NV01", PASSWORD),
                                            ("nobody", PASSWORD), ("QL01", "")])
def test_wrong_passwords_clerks_and_unknown_codes_do_not_open_the_console(
        hub: RunningHub, user: str, password: str) -> None:
    add_staff(hub.db, code="QL01", name="Mai", pin=None, role="manager", password=PASSWORD)
    add_staff(hub.db, code="NV01", name="Clerk", pin="1234")  # a clerk: a PIN for the counter, no console
    r = sign_in(requests.Session(), hub.url, user, password)
    assert r.status_code == 401 and "Sai mã cán bộ hoặc mật khẩu" in r.text and "motcua_console=" not in r.headers.get(
        "set-cookie", "")


def test_a_clerk_made_manager_with_a_password_opens_the_console_and_keeps_the_counter_pin(hub: RunningHub) -> None:
    add_staff(hub.db, code="NV01", name="Lê Văn Hùng", pin="1234")
    assert set_role(hub.db, "NV01", "manager") and set_password(hub.db, "NV01", PASSWORD)
    assert sign_in(requests.Session(), hub.url, "NV01", PASSWORD).status_code == 303
    clerk = hub.client("counter")
    assert clerk._call("POST", "/counters/1/sign-in", json={"staff": "NV01", "pin": "1234"})["clerk"]["code"] == "NV01"


def test_repeated_wrong_passwords_lock_the_address_out_even_for_the_right_one(
        make_hub: Callable[..., RunningHub]) -> None:
    hub = make_hub(small_site(limits={"auth_failures_burst": 3, "auth_failures_per_minute": 1}))
    add_staff(hub.db, code="QL01", name="Mai", pin=None, role="manager", password=PASSWORD)
    s = requests.Session()
    for _ in range(3):
        assert sign_in(s, hub.url, "QL01", "đoán-thử-mật-khẩu").status_code == 401
    r = sign_in(s, hub.url, "QL01", PASSWORD)
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0 and "Sai mã quá nhiều lần" in r.text
    hub.clock.advance(minutes=2)
    assert sign_in(s, hub.url, "QL01", PASSWORD).status_code == 303


def test_a_disabled_or_demoted_account_ends_its_session_and_sign_out_needs_csrf(
        hub: RunningHub, manager: requests.Session) -> None:
    r = manager.post(f"{hub.url}/console/sign-out", data={"csrf": "forged"}, allow_redirects=False)
    assert r.status_code == 403 and r.json()["error"]["code"] == "csrf"
    assert manager.get(f"{hub.url}/console/live/state").status_code == 200
    set_role(hub.db, "QL01", "clerk")
    assert manager.get(f"{hub.url}/console/live/state").status_code == 401
    set_role(hub.db, "QL01", "manager")
    s = requests.Session()
    assert sign_in(s, hub.url, "QL01", PASSWORD).status_code == 303
    disable_staff(hub.db, "QL01")
    assert s.get(f"{hub.url}/console/live", allow_redirects=False).status_code == 303
    assert sign_in(requests.Session(), hub.url, "QL01", PASSWORD).status_code == 401


def test_motcua_staff_adds_a_manager_with_a_password_from_stdin_and_changes_it(
        hub: RunningHub, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert motcua(["staff", "add", "--db", str(hub.db), "--code", "QL09", "--name", "Phạm Hoa", "--role", "manager",
                   "--password-stdin"]) == 0
    assert sign_in(requests.Session(), hub.url, "QL09", PASSWORD).status_code == 303
    monkeypatch.setattr("sys.stdin", io.StringIO("mật-khẩu-mới-2026\n"))
    assert motcua(["staff", "password", "--db", str(hub.db), "--password-stdin", "QL09"]) == 0
    assert sign_in(requests.Session(), hub.url, "QL09", PASSWORD).status_code == 401
    assert sign_in(requests.Session(), hub.url, "QL09", "mật-khẩu-mới-2026").status_code == 303
    monkeypatch.setattr("sys.stdin", io.StringIO("ngắn\n"))
    assert motcua(["staff", "password", "--db", str(hub.db), "--password-stdin", "QL09"]) == 2
    capsys.readouterr()
    assert motcua(["staff", "list", "--db", str(hub.db), "--json"]) == 0
    listed = {r["code"]: r for r in json.loads(capsys.readouterr().out)}
    assert (listed["QL09"]["role"], listed["QL09"]["password"]) == ("manager", True)


# ------------------------------------------------------------------ operations


def test_pausing_a_service_refuses_its_numbers_and_tells_the_kiosks(hub: RunningHub, manager: requests.Session) -> None:
    kiosk = hub.client("kiosk")
    kiosk.issue("A")
    r = post(manager, hub.url, "service", code="A", action="pause")
    assert r.status_code == 303 and r.headers["location"] == "/console/operations?done=1"
    with pytest.raises(HubError) as exc:
        kiosk.issue("A")
    assert exc.value.status == 409 and exc.value.code == "service_paused"
    assert exc.value.text.vi.startswith("Dịch vụ này đang tạm dừng") and "paused" in exc.value.text.en
    kiosk.issue("B")  # the other services still issue
    site = kiosk.site()
    assert [s.code for s in site.services if s.paused] == ["A"]
    # Through the hub's event log (what boards and kiosks stream): site.changed with the whole document.
    (data,) = db_rows(hub.db, "SELECT data FROM events WHERE type = 'site.changed'")[-1:]
    doc = json.loads(data[0])
    assert doc["changed"] == ["operations.service"] and {s["code"]: s["paused"] for s in doc["site"]["services"]}["A"]
    assert post(manager, hub.url, "service", code="A", action="resume").status_code == 303
    assert kiosk.issue("A").service == "A"
    audit = db_rows(hub.db, "SELECT token_name, role, client, action, detail, dossier_id FROM audit ORDER BY seq")
    assert audit == [("QL01", "manager", "127.0.0.1", "service.pause", "A", ""),
                     ("QL01", "manager", "127.0.0.1", "service.resume", "A", "")]


def test_closing_and_opening_a_counter_is_the_clerks_pause_and_is_audited(
        hub: RunningHub, manager: requests.Session) -> None:
    kiosk, clerk = hub.client("kiosk"), hub.client("counter")
    kiosk.issue("A")
    assert post(manager, hub.url, "counter", number="2", action="close").status_code == 303
    with pytest.raises(HubError) as exc:
        clerk.call_next(2)
    assert exc.value.code == "counter_paused"
    page = manager.get(f"{hub.url}/console/operations").text
    assert 'id="open-2"' in page and "đóng quầy / close counter" in page
    assert post(manager, hub.url, "counter", number="2", action="open").status_code == 303
    assert clerk.call_next(2) is not None
    types = [r[0] for r in db_rows(hub.db, "SELECT type FROM events WHERE type LIKE 'counter.%' ORDER BY seq")]
    assert types[:2] == ["counter.paused", "counter.resumed"]
    assert [r[0] for r in db_rows(hub.db, "SELECT action FROM audit ORDER BY seq")] == ["counter.close", "counter.open"]
    r = post(manager, hub.url, "counter", number="9", action="close")
    assert r.status_code == 404 and "Không có quầy số 9" in r.text
    assert len(db_rows(hub.db, "SELECT * FROM audit")) == 2  # a refused control leaves no audit row


def test_ticker_guides_and_notice_reach_the_site_document_and_the_audit_log(
        hub: RunningHub, manager: requests.Session) -> None:
    assert post(manager, hub.url, "ticker", text="Chiều nay nghỉ từ 16 giờ · Closed from 4 pm").status_code == 303
    assert post(manager, hub.url, "guides", items="/srv/guides/a.png\n\nhttp://hub.lan/b.mp4\n").status_code == 303
    assert post(manager, hub.url, "notice", text="Mất điện tầng 2", text_en="Power cut, 2nd floor",
                minutes="30").status_code == 303
    display = hub.client("board").site().display
    assert display.ticker == "Chiều nay nghỉ từ 16 giờ · Closed from 4 pm"
    assert display.guides == ["/srv/guides/a.png", "http://hub.lan/b.mp4"]
    assert (display.notice, display.notice_en) == ("Mất điện tầng 2", "Power cut, 2nd floor")
    assert display.notice_until == iso(hub.clock.time() + 1800, hub.hub.config.tz)
    hub.clock.advance(minutes=31)
    assert hub.client("board").site().display.notice == ""  # over: the document no longer carries it
    actions = [r[0] for r in db_rows(hub.db, "SELECT action FROM audit ORDER BY seq")]
    assert actions == ["ticker.set", "guides.set", "notice.send"]
    page = manager.get(f"{hub.url}/console/operations").text
    assert "Mất điện tầng 2" in page and "dòng chữ chạy / ticker" in page
    r = post(manager, hub.url, "notice", text="x", minutes="0")
    assert r.status_code == 422 and "1-480" in r.text
    r = post(manager, hub.url, "ticker", text="x" * 301)
    assert r.status_code == 422


def test_controls_refuse_a_missing_or_wrong_csrf_token_and_a_missing_session(
        hub: RunningHub, manager: requests.Session) -> None:
    for data in ({}, {"csrf": "forged"}, {"csrf": ""}):
        r = manager.post(f"{hub.url}/console/operations/service", data={"code": "A", "action": "pause", **data},
                         allow_redirects=False)
        assert r.status_code == 403 and r.json()["error"]["code"] == "csrf"
    r = manager.post(f"{hub.url}/console/operations/service", allow_redirects=False,
                     data={"code": "A", "action": "pause", "csrf": csrf_of(manager, hub.url)},
                     headers={"Origin": "http://evil.example"})
    assert r.status_code == 403
    r = requests.post(f"{hub.url}/console/operations/service", data={"code": "A", "action": "pause"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
    assert db_rows(hub.db, "SELECT * FROM audit") == [] and not hub.hub.operations.paused


def test_a_token_session_is_audited_by_the_tokens_name_and_motcua_audit_prints_the_controls(
        hub: RunningHub, capsys: pytest.CaptureFixture[str]) -> None:
    s = requests.Session()
    r = s.post(f"{hub.url}/console/sign-in", data={"token": hub.tokens["admin"], "csrf": form_token(s, hub.url)},
               allow_redirects=False)
    assert r.status_code == 303
    assert post(s, hub.url, "service", code="C", action="pause").status_code == 303
    day = hub.hub.engine.day
    assert motcua(["audit", "--since", day, "--db", str(hub.db), "--kind", "operations"]) == 0
    out = capsys.readouterr().out
    assert "admin" in out and "test admin" in out and "tạm dừng cấp số / pause issuing" in out and out.rstrip().endswith(
        "C")
    assert motcua(["audit", "--since", day, "--db", str(hub.db), "--kind", "dossier"]) == 0
    assert "Không có mục nào" in capsys.readouterr().out
