"""Issue 7 at the kiosk: find a procedure, self-submit a dossier with the camera (image files shown to the live
camera), a real hub and a real central server; look a dossier up online and offline. Issue 17: the live view
takes the card and each page once held still for a second (on the injected clock); pages retaken and deleted
through their thumbnails leave the dossier with exactly the pages that are left, in order."""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Any

import pytest
from kiosk_support import Windows, camera_folder, click, hub_with_central, kiosk_settings, type_keys
from support import READY, as_json

from kiosk.app import KioskWindow
from kiosk.backend import KioskBackend
from motcua.clock import ManualClock
from motcua.contract import DossierRequest
from scanners.camera import IMAGE_SUFFIXES, FileCamera
from scanners.steady import HOLD_S

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "printer_drivers"))
from escpos_parse import parse  # noqa: E402


class Desk:
    """What the citizen puts under the kiosk's camera: a folder's pictures, one after the other."""

    def __init__(self, folder: Path, camera: FileCamera) -> None:
        self.pictures = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        self.camera = camera
        self.shown = -1

    def next(self) -> Path:
        """Put the next picture in view."""
        self.shown += 1
        self.camera.show(self.pictures[self.shown])
        return self.pictures[self.shown]


def hold_still(qtbot: Any, clock: ManualClock, live: Any) -> None:
    """The citizen holds what is in view still: frames of it, then a second later on the kiosk's clock, another."""
    seen = live.frames
    qtbot.waitUntil(lambda: live.frames >= seen + 3, timeout=10000)  # a frame in flight may show the last picture
    clock.advance(HOLD_S + 0.1)
    seen = live.frames
    qtbot.waitUntil(lambda: live.frames >= seen + 1, timeout=10000)


@pytest.fixture
def kiosk_with_central(qtbot, make_hub, tcp_printer, tmp_path, clock):  # noqa: ANN001, ANN201
    windows = Windows(qtbot, clock.time)
    with hub_with_central(make_hub, tmp_path) as (hub, central):
        fake, address = tcp_printer([READY])

        def make(camera_dir: Path | None) -> tuple[KioskWindow, KioskBackend]:
            return windows.open(kiosk_settings(hub, address, tmp_path), camera=FileCamera() if camera_dir else None)

        yield make, hub, central, fake
        windows.close()


def test_catalog_search_without_diacritics(kiosk_with_central, qtbot) -> None:  # noqa: ANN001
    make, *_ = kiosk_with_central
    win, _ = make(None)
    click(qtbot, win.dossier.catalog_button)
    assert win.page == "catalog"
    qtbot.waitUntil(lambda: bool(win.dossier.backend.procedures), timeout=5000)
    type_keys(qtbot, win.dossier.c_search, "dang ky khai sinh")
    assert win.dossier.c_result_buttons[0].text() == "Đăng ký khai sinh"
    click(qtbot, win.dossier.c_result_buttons[0])
    assert win.page == "procedure" and "Tờ khai" in win.dossier.p_docs.text()
    assert "Trong ngày làm việc" in win.dossier.p_facts.text()


def test_catalog_browse_by_field_with_pages(kiosk_with_central, qtbot) -> None:  # noqa: ANN001
    make, *_ = kiosk_with_central
    win, _ = make(None)
    d = win.dossier
    click(qtbot, d.catalog_button)
    qtbot.waitUntil(lambda: bool(d.c_field_buttons), timeout=5000)
    assert {"Hộ tịch", "Đất đai", "Hoạt động xây dựng"} <= set(d.c_field_buttons)
    assert not any(b.isVisibleTo(win) for b in d.c_result_buttons)  # the fields are the menu
    click(qtbot, d.c_field_buttons["Hộ tịch"])
    expected = [p.name for p in d.backend.procedures if p.field == "Hộ tịch"]
    shown = [b.text() for b in d.c_result_buttons if b.isVisibleTo(win)]
    assert shown == [n if len(n) <= 70 else shown[i] for i, n in enumerate(expected[:5])]
    if len(expected) > 5:
        click(qtbot, d.c_more)
        assert [b.text() for b in d.c_result_buttons if b.isVisibleTo(win)][0] == expected[5]


def test_self_submission_end_to_end(kiosk_with_central, qtbot, tmp_path, clock: ManualClock) -> None:  # noqa: ANN001
    make, hub, central, printer = kiosk_with_central
    camera_dir = tmp_path / "camera"
    citizen = camera_folder(camera_dir, pages=3)
    win, backend = make(camera_dir)
    d = win.dossier
    # Pick the procedure: "Cấp bản sao trích lục hộ tịch" typed without diacritics.
    click(qtbot, d.submit_button)
    qtbot.waitUntil(lambda: bool(d.backend.procedures), timeout=5000)
    type_keys(qtbot, d.c_search, "ban sao trich luc")
    assert d.c_result_buttons[0].text().startswith("Cấp bản sao trích lục hộ tịch")
    click(qtbot, d.c_result_buttons[0])
    procedure = d.procedure
    click(qtbot, d.p_submit)
    assert win.page == "identify"
    # The card's QR fills in the applicant: held still in the outline for a second, it is read.
    desk = Desk(camera_dir, d.backend.camera)
    desk.next()
    hold_still(qtbot, clock, d.card_live)
    qtbot.waitUntil(lambda: win.page == "ask", timeout=15000)
    assert d.draft.name == citizen.name and d.draft.id_number == citizen.id and d.draft.from_card
    assert d.ask_step == "phone"
    type_keys(qtbot, d.fields["digits"], "091234567")
    click(qtbot, d.a_next)
    assert "10 chữ số" in d.a_msg.text()  # nine digits: refused, nothing lost
    type_keys(qtbot, d.fields["digits"], "8")
    click(qtbot, d.a_next)
    assert d.ask_step == "email"
    click(qtbot, d.a_skip)
    # Each required document: laid under the camera, taken by itself once still, shown as a thumbnail.
    docs = procedure.documents
    for i in range(len(docs)):
        assert win.page == "documents" and d.photos.d_name.text() == docs[i].name
        desk.next()
        hold_still(qtbot, clock, d.photos.live)
        qtbot.waitUntil(lambda i=i: len(d.draft.pages) == i + 1, timeout=10000)
        assert len(d.photos.thumbs) == i + 1 and not d.photos.thumbs[-1].picture.isNull()
        click(qtbot, d.photos.d_next)
    assert win.page == "delivery"
    click(qtbot, d.v_center)
    assert win.page == "review" and citizen.name in d.r_body.text()
    pages = [p.jpeg for p in d.draft.pages]
    click(qtbot, d.r_send)
    qtbot.waitUntil(lambda: win.page == "submitted", timeout=15000)
    result = d.last_result
    dossier = as_json(result.dossier)
    assert d.draft is None  # personal data out of memory
    assert dossier["provisional"] and d.s_code.text() == dossier["code"]
    assert "Mã tạm" in d.s_provisional.text() and "giờ" in d.s_due.text()
    # The citizen's slip: its bytes carry the dossier code and the lookup QR.
    assert result.printed
    parsed = parse(bytes(printer.job))
    assert any(q.endswith(f"/d/{dossier['id']}") for q in parsed.qr_payloads)
    # At the central server: the dossier once, with identical files.
    store = central.app.state.store
    qtbot.waitUntil(lambda: (store.dossier(dossier["id"]) or {}).get("code") is not None, timeout=20000)
    up = store.dossier(dossier["id"])
    assert up["dossier"]["applicant"]["name"] == citizen.name and up["procedure"] == procedure.code
    assert sorted(f["sha256"] for f in up["dossier"]["files"]) == sorted(hashlib.sha256(p).hexdigest() for p in pages)
    exported = [x for x in store.export("dossiers") if x["id"] == dossier["id"]]
    assert len(exported) == 1 and sorted(exported[0]["files"]) == sorted(hashlib.sha256(p).hexdigest() for p in pages)
    # "Xong": everything personal leaves the screen.
    click(qtbot, d.s_done)
    assert win.page == "home" and d.s_code.text() == ""


def test_lookup_online_then_offline(kiosk_with_central, qtbot, tmp_path) -> None:  # noqa: ANN001
    make, hub, central, _ = kiosk_with_central
    win, backend = make(None)
    # A dossier received at the counter earlier today.
    client = hub.client("counter")
    sent = as_json(client.submit_dossier(DossierRequest.model_validate(
        {"procedure": "DD.03", "applicant": {"name": "Trần Văn Đại", "phone": "0987654321"}})))
    store = central.app.state.store
    qtbot.waitUntil(lambda: (store.dossier(sent["id"]) or {}).get("code") is not None, timeout=20000)
    official = store.dossier(sent["id"])["code"]
    store.set_status(official, "processing")
    qtbot.waitUntil(lambda: client.dossier(sent["id"]).status == "processing", timeout=20000)
    def look_up(code: str, lookup_code: str) -> None:
        click(qtbot, win.lookup.lookup_button)
        type_keys(qtbot, win.lookup.l_field, code.lower())
        click(qtbot, win.lookup.l_go)
        # A typed code alone reveals nothing: the kiosk asks for the look-up code printed beside it.
        assert win.page == "lookup_code" and code.upper() in win.lookup.k_hint.text()
        type_keys(qtbot, win.lookup.k_field, lookup_code.lower())
        click(qtbot, win.lookup.k_go)

    look_up(official, "ACDEFG" if sent["lookup_code"] != "ACDEFG" else "ACDEFH")
    qtbot.waitUntil(lambda: "không đúng" in win.lookup.k_msg.text(), timeout=10000)
    assert win.page == "lookup_code" and win.lookup.lr_code.text() == ""
    win.go_home(clear=True)
    look_up(official, sent["lookup_code"])
    qtbot.waitUntil(lambda: win.page == "lookup_result", timeout=10000)
    assert win.lookup.lr_code.text() == official and win.lookup.lr_status.text() == "Đang giải quyết"
    assert "Đã tiếp nhận" in win.lookup.lr_timeline.text() and win.lookup.lr_age.text() == ""
    # The hub goes away: the kiosk shows the last answer it had, with its age — to the same code and
    # look-up code only.
    win.go_home(clear=True)
    hub.stop()
    look_up(official, sent["lookup_code"])
    qtbot.waitUntil(lambda: win.page == "lookup_result", timeout=15000)
    assert win.lookup.lr_status.text() == "Đang giải quyết" and "Mất kết nối" in win.lookup.lr_age.text()
    win.go_home(clear=True)
    look_up(official, "ACDEFG" if sent["lookup_code"] != "ACDEFG" else "ACDEFH")
    qtbot.waitUntil(lambda: "chưa có thông tin" in win.lookup.k_msg.text(), timeout=15000)
    assert win.page == "lookup_code"
    # What the kiosk keeps on its disk for that: the status, not the applicant.
    import sqlite3

    cached = " ".join(r[0] for r in sqlite3.connect(tmp_path / "kiosk-cache.db").execute("SELECT body FROM cache"))
    assert official in cached and "Trần Văn Đại" not in cached and "0987654321" not in cached
    assert sent["lookup_code"] not in cached
    # A code it never saw: a clear message.
    win.go_home(clear=True)
    look_up("tam-x-000000-0009", "ACDEFG")
    qtbot.waitUntil(lambda: "chưa có thông tin" in win.lookup.k_msg.text(), timeout=15000)


def test_pages_retaken_and_deleted_through_their_thumbnails(kiosk_with_central, qtbot, tmp_path,  # noqa: ANN001
                                                            clock: ManualClock) -> None:
    make, hub, _, _ = kiosk_with_central
    camera_dir = tmp_path / "camera"
    camera_folder(camera_dir, pages=5)
    win, _ = make(camera_dir)
    d = win.dossier
    photos = d.photos
    click(qtbot, d.submit_button)
    qtbot.waitUntil(lambda: bool(d.backend.procedures), timeout=5000)
    type_keys(qtbot, d.c_search, "ban sao trich luc")
    click(qtbot, d.c_result_buttons[0])
    click(qtbot, d.p_submit)
    desk = Desk(camera_dir, d.backend.camera)
    desk.next()
    hold_still(qtbot, clock, d.card_live)
    qtbot.waitUntil(lambda: win.page == "ask", timeout=15000)
    type_keys(qtbot, d.fields["digits"], "0912345678")
    click(qtbot, d.a_next)
    click(qtbot, d.a_skip)
    assert win.page == "documents"
    first_document = photos.d_name.text()
    # Three pages of the first document, each laid down and taken by itself once still.
    for n in (1, 2, 3):
        desk.next()
        hold_still(qtbot, clock, photos.live)
        qtbot.waitUntil(lambda n=n: len(d.draft.pages) == n, timeout=10000)
        qtbot.waitUntil(lambda: not win.busy, timeout=5000)
    p1, p2, p3 = d.draft.pages
    assert len({p1.jpeg, p2.jpeg, p3.jpeg}) == 3 and {p.document for p in (p1, p2, p3)} == {first_document}
    assert [t.objectName() for t in photos.thumbs] == ["thumb_1", "thumb_2", "thumb_3"]
    hold_still(qtbot, clock, photos.live)  # the last page left lying there: not taken twice
    assert len(d.draft.pages) == 3 and "Đã chụp trang này" in photos.d_hint.text()
    # Page 2 touched: shown large, then deleted.
    click(qtbot, photos.thumbs[1])
    assert win.page == "page_view" and photos.v_title.text().startswith("Trang 2/3")
    assert not photos.v_picture.pixmap().isNull()
    click(qtbot, photos.v_delete)
    assert win.page == "documents" and d.draft.pages == [p1, p3] and len(photos.thumbs) == 2
    # Page 1 touched: retaken; the new photo takes its place.
    click(qtbot, photos.thumbs[0])
    click(qtbot, photos.v_retake)
    assert win.page == "documents" and photos.d_title.text().startswith("Chụp lại trang 1")
    desk.next()
    hold_still(qtbot, clock, photos.live)
    qtbot.waitUntil(lambda: d.draft.pages[0] is not p1, timeout=10000)
    p4 = d.draft.pages[0]
    assert d.draft.pages == [p4, p3] and p4.document == first_document and p4.jpeg != p1.jpeg
    qtbot.waitUntil(lambda: not win.busy, timeout=5000)
    # The second document: one page.
    click(qtbot, photos.d_next)
    assert win.page == "documents" and photos.d_name.text() != first_document
    desk.next()
    hold_still(qtbot, clock, photos.live)
    qtbot.waitUntil(lambda: len(d.draft.pages) == 3, timeout=10000)
    p5 = d.draft.pages[2]
    qtbot.waitUntil(lambda: not win.busy, timeout=5000)
    click(qtbot, photos.d_next)
    assert win.page == "delivery"
    click(qtbot, d.v_center)
    assert win.page == "review" and len(d.form.r_thumbs) == 3  # the review shows the pages that are left
    kept = [p4.jpeg, p3.jpeg, p5.jpeg]
    click(qtbot, d.r_send)
    qtbot.waitUntil(lambda: win.page == "submitted", timeout=15000)
    dossier_id = d.last_result.dossier.id
    # The hub received exactly those pages, in that order, byte for byte.
    files = hub.client("counter").dossier(dossier_id).files
    assert [f.sha256 for f in files] == [hashlib.sha256(j).hexdigest() for j in kept]
    assert [f.name[:3] for f in files] == ["01-", "02-", "03-"]
    assert [hub.hub.dossiers.blob_path(f.sha256).read_bytes() for f in files] == kept
    assert hashlib.sha256(p1.jpeg).hexdigest() not in {f.sha256 for f in files}


def test_the_live_view_drops_frames_it_cannot_judge_and_retries_an_unread_card(kiosk_with_central, qtbot,  # noqa: ANN001
                                                                                 tmp_path, clock: ManualClock) -> None:
    import threading

    make, *_ = kiosk_with_central
    camera_dir = tmp_path / "camera"
    citizen = camera_folder(camera_dir, pages=1)
    win, _ = make(camera_dir)
    d = win.dossier
    click(qtbot, d.submit_button)
    qtbot.waitUntil(lambda: bool(d.backend.procedures), timeout=5000)
    type_keys(qtbot, d.c_search, "ban sao trich luc")
    click(qtbot, d.c_result_buttons[0])
    desk = Desk(camera_dir, d.backend.camera)
    desk.pictures.reverse()  # a page first: no QR in view
    desk.next()
    live, feed = d.card_live, d.card_feed
    # A slow machine: while one frame is being judged, the ticks that come drop theirs — nothing queues.
    gate, calls = threading.Event(), []
    real_next = feed.next

    def slow_next() -> Any:
        calls.append(1)
        gate.wait(10)
        return real_next()

    feed.next = slow_next
    click(qtbot, d.p_submit)
    assert win.page == "identify" and live.in_flight
    qtbot.waitUntil(lambda: len(calls) == 1, timeout=5000)
    for _ in range(20):
        live.tick()
    assert len(calls) == 1 and live.dropped >= 20  # (the window's own timer may have dropped more)
    gate.set()
    qtbot.waitUntil(lambda: live.frames >= 3, timeout=10000)
    feed.next = real_next
    # Held still a second, but no QR: the kiosk says so, stays, and tries again after another second.
    hold_still(qtbot, clock, live)
    qtbot.waitUntil(lambda: "Chưa đọc được mã QR" in d.i_msg.text(), timeout=10000)
    assert win.page == "identify" and d.draft.name == ""
    desk.camera.show(desk.pictures[-1])  # the card
    hold_still(qtbot, clock, live)
    qtbot.waitUntil(lambda: win.page == "ask", timeout=15000)
    assert d.draft.name == citizen.name and feed.frame() is None  # the card step forgot its frames
