"""Issue 11: the counter panel shows data from outside as plain text, never rich text. Markup is fed through
catalog text (the central server's feed, through the hub), an applicant's name, and the hub's message on a
refused dossier; every label of the panel and its receive form is plain text, and a document's tool tip
shows its name as written."""
from __future__ import annotations

from typing import Any

from support import RunningHub

from counter_display.config import CounterConfig, parse_device_config
from counter_display.counter import CounterPanel
from sync.client import HubClient, HubError
from sync.localsite import LocalCentral
from ui.qt import QCheckBox, QLabel, Qt

IMG = "<img src='http://127.0.0.1:9/x.png'>"
PROCEDURE = {"code": "TPHT.99", "name": f"<b>Thủ tục thử nghiệm</b> {IMG}", "service": "TPHT",
             "field": "Hộ tịch", "processing_time": {"value": 1, "unit": "days"}, "fee": 0,
             "documents": [{"name": f"<b>Tờ khai</b>{IMG}", "originals": 1, "copies": 0}]}


class RefusesOnce(HubClient):
    """The hub refuses the first dossier with markup in its message, then takes it."""

    refused = 0

    def submit_dossier(self, body: dict[str, Any]) -> dict[str, Any]:
        if not self.refused:
            self.refused += 1
            raise HubError(422, "refused", f"<b>Không nhận</b>{IMG} / <b>refused</b>")
        return super().submit_dossier(body)


def assert_plain(label: QLabel, markup: str) -> None:
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert markup in label.text(), (markup, label.text())


def test_outside_text_is_plain_on_every_counter_label(qtbot, make_hub, tmp_path) -> None:  # noqa: ANN001
    central = LocalCentral(tmp_path / "central.db", dev_tokens=True, fresh=True).start()
    url = central.url
    try:
        central.app.state.store.put_feed_item("catalog", PROCEDURE["code"], PROCEDURE)
        hub: RunningHub = make_hub(example=True, central_url=url,
                                   relay_settings={"feed_interval_s": 0.2, "idle_poll_s": 0.05})
        qtbot.waitUntil(lambda: any(p.code == "TPHT.99" for p in hub.client("counter").catalog().procedures),
                        timeout=20000)
        data = {"hub": {"url": hub.url, "token": hub.tokens["counter"]}, "counter": {"number": 6, "poll_s": 600},
                "clerks": [{"name": "Trần Văn Đức", "pin": "2468"}]}
        panel = CounterPanel(parse_device_config(CounterConfig, data, path="counter.toml"),
                             RefusesOnce(hub.url, hub.tokens["counter"]))
        qtbot.addWidget(panel)
        panel.show()
        qtbot.keyClicks(panel.pin, "2468")
        with qtbot.waitSignal(panel.changed, timeout=5000):
            qtbot.mouseClick(panel.sign_in_button, Qt.MouseButton.LeftButton)
        with qtbot.waitSignal(panel.receive_form.changed, timeout=5000):
            qtbot.keyClick(panel, Qt.Key.Key_F8)
        form = panel.receive_form
        # Catalog text: the procedure chosen, its documents.
        form.pick("TPHT.99")
        assert_plain(form.procedure_label, f"<b>Thủ tục thử nghiệm</b> {IMG}")
        [check] = [c for c in form.findChildren(QCheckBox) if "Tờ khai" in c.text()]
        assert check.text().startswith("<b>Tờ khai</b>")  # a check box never reads markup
        assert "&lt;b&gt;Tờ khai&lt;/b&gt;" in check.toolTip() and "<b>Tờ khai" not in check.toolTip()
        form.tick(all_=True)
        form.id_number.setText("001090012345")
        form.name.setText("<b>Lê</b> Văn <i>Bình</i>")
        form.phone.setText("0912345678")
        # The hub's message on a refusal.
        with qtbot.waitSignal(form.changed, timeout=10000):
            qtbot.mouseClick(form.submit_button, Qt.MouseButton.LeftButton)
        assert_plain(form.form_status, f"<b>Không nhận</b>{IMG}")
        # Received: the name and the procedure as typed and as the catalog says.
        with qtbot.waitSignal(form.changed, timeout=10000):
            qtbot.mouseClick(form.submit_button, Qt.MouseButton.LeftButton)
        assert form.received is not None
        assert_plain(form.done_applicant, "<b>Lê</b> Văn <i>Bình</i>")
        assert_plain(form.done_procedure, f"<b>Thủ tục thử nghiệm</b> {IMG}")
        labels = panel.findChildren(QLabel)
        assert len(labels) > 30
        assert [lab.objectName() or lab.text()[:30] for lab in labels
                if lab.textFormat() != Qt.TextFormat.PlainText] == []
        panel.close_worker()
    finally:
        central.stop()
