"""The Apprise provider of the central server's notification outbox, against a gateway on 127.0.0.1 (Apprise's
`json://` service posts each notice as JSON): the notice goes to the recipient's address once; a gateway that
answers 500 leaves it pending for a retry. Apprise is a dependency: this test runs, never skips."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest

from sync.central.notices import AppriseNotifier
from sync.central.store import CentralStore


class Gateway:
    """An SMS gateway stand-in: records what it is sent; answers `status`."""

    def __init__(self) -> None:
        self.got: list[tuple[str, dict[str, Any]]] = []
        self.status = 200
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                gateway.got.append((self.path, json.loads(body)))
                self.send_response(gateway.status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_apprise_delivers_to_the_recipient_and_a_failure_is_retried(tmp_path: Path) -> None:
    gw = Gateway()
    try:
        store = CentralStore(tmp_path / "central.db", dev_tokens=True)
        notifier = AppriseNotifier(f"json://127.0.0.1:{gw.port}/sms/{{phone}}")
        body = {"id": "notice-0001", "site": "TEST", "kind": "called", "text": "Mời số 1023 đến Quầy 5.", "at": 1.0,
                "phone": "0912345678"}
        assert store.ingest_notice(site="TEST", body=body, now=100.0)[0] == 201
        gw.status = 500
        assert store.dispatch_notices(notifier, now=100.0) == 0
        st = store.notice_status("notice-0001")
        assert st is not None and st["status"] == "pending" and st["attempts"] == 1
        gw.status = 200
        assert store.dispatch_notices(notifier, now=101.0) == 0  # not due yet (backoff)
        assert store.dispatch_notices(notifier, now=200.0) == 1
        assert store.notice_status("notice-0001")["status"] == "sent"  # type: ignore[index]
        assert store.dispatch_notices(notifier, now=300.0) == 0  # sent once
        assert [p for p, _ in gw.got] == ["/sms/0912345678", "/sms/0912345678"]  # the failed try, then the send
        assert gw.got[-1][1]["message"] == "Mời số 1023 đến Quầy 5."
        with pytest.raises(ValueError):
            AppriseNotifier("json://127.0.0.1/sms")  # no {phone}: refused at start
    finally:
        gw.close()
