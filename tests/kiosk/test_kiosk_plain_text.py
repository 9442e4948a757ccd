"""Issue 11: the kiosk shows data from outside as plain text, never rich text. Markup (<b>, <img src=…>) is
fed through each path — catalog text from the central server's feed, a QR payload, the hub's own message
on the technician page — and every label of the window is checked: plain-text format, the markup shown as
written."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from support import READY

from kiosk.app import KioskWindow
from kiosk.backend import DossierBackend, KioskBackend
from kiosk.config import hash_pin, parse_kiosk_config
from sync.localsite import LocalCentral
from ui.qt import QLabel, Qt

IMG = "<img src='http://127.0.0.1:9/x.png'>"
PROCEDURE = {"code": "TPHT.99", "name": f"<b>Thủ tục thử nghiệm</b> {IMG}", "service": "TPHT",
             "field": "<i>Hộ tịch</i>", "processing_time": {"value": 1, "unit": "days"}, "fee": 0,
             "documents": [{"name": f"<b>Tờ khai</b>{IMG}", "originals": 1, "note": "<u>bản chính</u>"}]}


def rich(text: str) -> bool:
    """Whether Qt's default (AutoText) would render this text as rich text."""
    from PySide6.QtGui import Qt as GuiQt

    return bool(GuiQt.mightBeRichText(text))


def assert_plain(label: QLabel, markup: str) -> None:
    assert label.textFormat() == Qt.TextFormat.PlainText, label.objectName()
    assert markup in label.text(), (markup, label.text())


class RefusingHub(BaseHTTPRequestHandler):
    """A 'hub' whose every answer is a refusal with markup in its message."""

    def _answer(self) -> None:
        body = json.dumps({"error": {"code": "unauthorized", "message": f"<b>Mã sai</b>{IMG} / <b>bad</b>"}}).encode()
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: Any) -> None:
        pass


def config(url: str, token: str, printer: str, cache: str) -> Any:
    return parse_kiosk_config({
        "hub": {"url": url, "token": token, "timeout_s": 3}, "printer": {"address": printer},
        "screen": {"orientation": "portrait", "width_px": 1080, "height_px": 1920, "fullscreen": False},
        "kiosk": {"name": "Ki-ốt sảnh 1", "technician_pin_hash": hash_pin("1234", iterations=1000),
                  "cache_db": cache, "issue_retry_s": 0}})


@pytest.fixture
def refusing_hub():  # noqa: ANN201
    server = ThreadingHTTPServer(("127.0.0.1", 0), RefusingHub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_outside_text_is_plain_on_every_kiosk_label(qtbot, make_hub, tcp_printer, tmp_path,
                                                     refusing_hub) -> None:  # noqa: ANN001
    assert rich(PROCEDURE["name"]) and rich(f"x {IMG}")  # what AutoText would have rendered
    central = LocalCentral(tmp_path / "central.db", dev_tokens=True, fresh=True).start()
    url = central.url
    try:
        central.app.state.store.put_feed_item("catalog", PROCEDURE["code"], PROCEDURE)
        hub = make_hub(example=True, central_url=url, relay_settings={"feed_interval_s": 0.2, "idle_poll_s": 0.05})
        _, address = tcp_printer([READY])
        cfg = config(hub.url, hub.tokens["kiosk"], address, str(tmp_path / "cache.db"))
        backend = KioskBackend(cfg)
        win = KioskWindow(cfg, backend, dossiers=DossierBackend(backend, camera=None))
        qtbot.addWidget(win)
        win.show()
        qtbot.waitUntil(lambda: win.site is not None, timeout=10000)
        d = win.dossier
        # Catalog text from the central server's feed, through the hub.
        qtbot.waitUntil(lambda: any(p.code == "TPHT.99" for p in d.backend.load_catalog()), timeout=20000)
        d.open_catalog(submit=True)
        for ch in "thu tuc thu nghiem":
            d.c_search.press(ch)
        assert d.c_result_buttons[0].text().startswith("<b>Thủ tục thử nghiệm")
        qtbot.mouseClick(d.c_result_buttons[0], Qt.MouseButton.LeftButton)
        assert win.page == "procedure"
        assert_plain(d.p_name, "<b>Thủ tục thử nghiệm</b>")
        assert_plain(d.p_name, IMG)
        assert_plain(d.p_facts, "<i>Hộ tịch</i>")
        assert_plain(d.p_docs, f"<b>Tờ khai</b>{IMG}")
        # A QR payload shown back to the citizen (not a slip's UUID: the look-up code is asked for).
        win.go_home(clear=True)
        win.lookup.open_lookup()
        win.lookup.on_slip_qr(True, "<b><img src=x>TAM-BNI-0001")
        assert win.page == "lookup_code"
        assert_plain(win.lookup.k_hint, "<B><IMG SRC=X>TAM-BNI-0001")
        # The hub's own words on the technician page (a hub that refuses with markup in its message).
        refused = KioskBackend(config(refusing_hub, "kiosk_wrong-token", "dummy:", str(tmp_path / "cache2.db")))
        status = refused.technician_status()
        assert status.hub_state == "refused"
        win.backend = refused
        try:
            win.technician.on_status(status)
            assert_plain(win.technician.t_hub_state, f"<b>Mã sai</b>{IMG}")
        finally:
            win.backend = backend
            refused.close()
        # Every label the window has made, on every page.
        labels = win.findChildren(QLabel)
        assert len(labels) > 50
        assert [lab.objectName() or lab.text()[:30] for lab in labels
                if lab.textFormat() != Qt.TextFormat.PlainText] == []
        win.allow_close = True
        win.close()
        backend.close()
    finally:
        central.stop()
