"""Run an ASGI app (the hub, the central server) with uvicorn in a background thread.

Used by `motcua demo` and by the tests: real HTTP on 127.0.0.1, same code paths as `motcua hub`.
"""
from __future__ import annotations

import socket
import threading
import time
from typing import Any

import uvicorn


class _Server(uvicorn.Server):
    """uvicorn, ending the app's live streams first so that a shutdown does not wait on them."""

    async def shutdown(self, sockets: Any = None) -> None:
        closer = getattr(getattr(self.config.app, "state", None), "close_streams", None)
        if closer is not None:
            closer()
        await super().shutdown(sockets)


def make_server(app: Any, *, host: str, port: int, log_level: str = "warning",
                root_logging: bool = False) -> uvicorn.Server:
    """A uvicorn server with the settings every motcua service uses (uvloop, httptools, no access log).

    `root_logging`: uvicorn's messages go through the root logger (motcua.logs: one format, journal
    priorities) instead of uvicorn's own handlers.
    """
    cfg = uvicorn.Config(app, host=host, port=port, loop="uvloop", http="httptools", log_level=log_level,
                         access_log=False, lifespan="on", timeout_graceful_shutdown=3,
                         log_config=None if root_logging else uvicorn.config.LOGGING_CONFIG)
    return _Server(cfg)


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


class ServerThread:
    """uvicorn serving `app` on host:port in a daemon thread; a context manager."""

    def __init__(self, app: Any, *, host: str = "127.0.0.1", port: int | None = None) -> None:
        self.app = app
        self.host = host
        self.port = port or free_port(host)
        self.server = make_server(app, host=self.host, port=self.port)
        self.thread = threading.Thread(target=self.server.run, name=f"uvicorn-{self.port}", daemon=True)

    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:8470."""
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 15.0) -> ServerThread:
        """Start and wait until the server accepts connections."""
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("the server thread stopped during start-up")
            if time.monotonic() > deadline:
                raise TimeoutError(f"server on {self.url} did not start in {timeout} s")
            time.sleep(0.01)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Ask uvicorn to exit and wait for the thread."""
        self.server.should_exit = True
        self.thread.join(timeout)

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
