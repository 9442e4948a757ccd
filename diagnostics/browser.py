"""A real headless Chromium (Debian's `chromium`, installed by `install.sh --dev`) driven over the Chrome
DevTools protocol: one tab, a phone-sized viewport, what it loaded, script evaluation and screenshots. The
browser tests and the headless demo (the console's screenshots) use it.

The protocol is JSON over a WebSocket (the `websockets` package the hub's uvicorn already brings); no
browser download, no driver binary.
"""
from __future__ import annotations

import base64
import contextlib
import itertools
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import orjson
import requests
from websockets.sync.client import connect

from sync.server import free_port


def chromium_path() -> str | None:
    """The Chromium binary, if installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


_NAVIGATING = ("Inspected target navigated or closed", "Execution context was destroyed",
               "Cannot find context with specified id")
"""Chromium's answers to an evaluation whose page was replaced meanwhile."""


class Browser:
    """One headless Chromium tab (390×844, a phone's screen, unless told otherwise; mobile=False: a desktop's)."""

    def __init__(self, profile: Path, *, width: int = 390, height: int = 844, mobile: bool = True) -> None:
        exe = chromium_path()
        if not exe:
            raise RuntimeError("chromium is not installed: ./install.sh --dev")
        port = free_port()
        # --no-sandbox: the tests run as root, where Chromium's sandbox refuses to start.
        self.proc = subprocess.Popen(
            [exe, "--headless=new", f"--remote-debugging-port={port}", "--remote-allow-origins=*",
             f"--user-data-dir={profile}", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
             "--autoplay-policy=no-user-gesture-required", f"--window-size={width},{height}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        target = None
        while target is None:
            try:
                pages = requests.get(f"http://127.0.0.1:{port}/json/list", timeout=1).json()
                target = next((p for p in pages if p.get("type") == "page"), None)
            except requests.RequestException:
                pass
            if target is None:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    self.close()
                    raise RuntimeError("chromium did not start")
                time.sleep(0.1)
        self._stack = contextlib.ExitStack()
        self.ws = self._stack.enter_context(connect(target["webSocketDebuggerUrl"], max_size=None, open_timeout=10))
        self._ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []
        for method in ("Page.enable", "Network.enable", "Runtime.enable"):
            self.send(method)
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=mobile)

    def send(self, method: str, timeout: float = 15.0, **params: Any) -> dict[str, Any]:
        """One protocol command; its result (events that arrive meanwhile are kept in `events`)."""
        n = next(self._ids)
        self.ws.send(orjson.dumps({"id": n, "method": method, "params": params}).decode())
        deadline = time.monotonic() + timeout
        while True:
            msg = orjson.loads(self.ws.recv(timeout=max(0.01, deadline - time.monotonic())))
            if msg.get("id") == n:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})  # type: ignore[no-any-return]
            if "method" in msg:
                self.events.append(msg)

    def before_each_page(self, source: str) -> None:
        """Run this script in every page before the page's own (stubs, markers)."""
        self.send("Page.addScriptToEvaluateOnNewDocument", source=source)

    def goto(self, url: str, *, timeout: float = 15.0) -> None:
        """Load a page and wait for its load event."""
        self.events.clear()
        self.send("Page.navigate", timeout=timeout, url=url)  # answered once the page's headers came
        self.wait_for("document.readyState === 'complete' && location.href !== 'about:blank'", timeout=timeout)

    def eval(self, expression: str, *, gesture: bool = False) -> Any:
        """The value of a JavaScript expression in the page (gesture: as if the user had just tapped)."""
        r = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True,
                      userGesture=gesture)
        if "exceptionDetails" in r:
            raise RuntimeError(f"{expression}: {r['exceptionDetails']}")
        return r.get("result", {}).get("value")

    def wait_for(self, expression: str, *, timeout: float = 10.0, every: float = 0.02) -> float:
        """Poll an expression until it is truthy; how long it took (AssertionError after `timeout`)."""
        t0 = time.monotonic()
        while True:
            try:
                if self.eval(expression):
                    return time.monotonic() - t0
            except RuntimeError as exc:
                # Asked while the page was being replaced (a form's answer loading): its context went away
                # under the question. The next page is what we are waiting for: ask it.
                if not any(m in str(exc) for m in _NAVIGATING):
                    raise
            if time.monotonic() - t0 > timeout:
                raise AssertionError(f"not true after {timeout} s: {expression}")
            time.sleep(every)

    def text(self, element_id: str) -> str:
        """The text of an element."""
        return str(self.eval(f"document.getElementById({element_id!r}).textContent"))

    def loaded(self) -> list[tuple[str, int]]:
        """(url, bytes on the wire) of every response finished since the last `goto` (open streams are left out)."""
        urls = {e["params"]["requestId"]: e["params"]["request"]["url"]
                for e in self.events if e["method"] == "Network.requestWillBeSent"}
        return [(urls.get(e["params"]["requestId"], "?"), int(e["params"]["encodedDataLength"]))
                for e in self.events if e["method"] == "Network.loadingFinished"]

    def requested(self) -> list[str]:
        """Every URL the page asked for since the last `goto`."""
        return [e["params"]["request"]["url"] for e in self.events if e["method"] == "Network.requestWillBeSent"]

    def allow_downloads(self, folder: Path) -> None:
        """Save what download links fetch into `folder`, under the name the server gives."""
        folder.mkdir(parents=True, exist_ok=True)
        self.send("Browser.setDownloadBehavior", behavior="allow", downloadPath=str(folder), eventsEnabled=True)

    def screenshot(self, path: Path, *, full_page: bool = False) -> Path:
        """A PNG of the viewport (full_page: of the whole page, as tall as it is)."""
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            size = self.send("Page.getLayoutMetrics")["cssContentSize"]
            params.update(captureBeyondViewport=True,
                          clip={"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1})
        data = self.send("Page.captureScreenshot", **params)["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        """Close the tab's connection and end the browser."""
        stack = getattr(self, "_stack", None)
        if stack is not None:
            stack.close()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
