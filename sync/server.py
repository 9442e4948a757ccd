"""Run an ASGI app (the hub, the central server) with uvicorn, over HTTP or HTTPS, in the foreground
(`motcua hub`) or in a background thread (`motcua demo`, the tests: real sockets on 127.0.0.1, the same
code paths as `motcua hub`).

A second listener may serve another app from the same process and event loop: the hub's public pages
on their own port (`Listener`), so that they share the hub's state without exposing its device API.
"""
from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any, Literal

import uvicorn

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Listener:
    """Another app served beside the main one: on host:port, over HTTPS when certfile/keyfile are given."""

    app: Any
    host: str
    port: int
    certfile: str | None = None
    keyfile: str | None = None

    @property
    def scheme(self) -> str:
        """http or https."""
        return "https" if self.certfile else "http"


def _config(app: Any, *, host: str, port: int, log_level: str, certfile: str | None, keyfile: str | None,
            lifespan: Literal["on", "off"], root_logging: bool) -> uvicorn.Config:
    # proxy_headers off: uvicorn would otherwise take X-Forwarded-For from a loopback peer as the client's
    # address, and the limits per address (failed authentications, citizens' routes) trust no proxy header.
    return uvicorn.Config(app, host=host, port=port, loop="uvloop", http="httptools", log_level=log_level,
                          access_log=False, lifespan=lifespan, timeout_graceful_shutdown=3, proxy_headers=False,
                          ssl_certfile=certfile, ssl_keyfile=keyfile,
                          log_config=None if root_logging else uvicorn.config.LOGGING_CONFIG)


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket (bound now, so that a taken port is an error at start, not in a task)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family, backlog=2048)


class _Server(uvicorn.Server):
    """uvicorn, ending the app's live streams first so that a shutdown does not wait on them, and running
    the extra listeners (without a lifespan of their own: the main app's starts and stops the state)."""

    def __init__(self, config: uvicorn.Config, extra: list[tuple[uvicorn.Server, socket.socket]] | None = None) -> None:
        super().__init__(config)
        self.extra = extra or []
        self._extra_tasks: list[asyncio.Task[None]] = []

    async def startup(self, sockets: Any = None) -> None:
        await super().startup(sockets)
        if self.started and not self.should_exit:
            for server, sock in self.extra:
                # _serve, not serve: signals belong to the main server, which stops the others.
                self._extra_tasks.append(asyncio.create_task(server._serve([sock])))

    async def shutdown(self, sockets: Any = None) -> None:
        closer = getattr(getattr(self.config.app, "state", None), "close_streams", None)
        if closer is not None:
            closer()
        for server, _ in self.extra:
            server.should_exit = True
        if self._extra_tasks:
            await asyncio.gather(*self._extra_tasks, return_exceptions=True)
        await super().shutdown(sockets)


def make_server(app: Any, *, host: str, port: int, log_level: str = "warning", root_logging: bool = False,
                certfile: str | None = None, keyfile: str | None = None,
                extra: list[Listener] | None = None) -> uvicorn.Server:
    """A uvicorn server with the settings every motcua service uses (uvloop, httptools, no access log),
    HTTPS when certfile and keyfile are given, plus `extra` listeners (raises OSError if a port is taken).

    `root_logging`: uvicorn's messages go through the root logger (motcua.logs: one format, journal
    priorities) instead of uvicorn's own handlers.
    """
    servers = []
    for lst in extra or []:
        sock = bind(lst.host, lst.port)
        cfg = _config(lst.app, host=lst.host, port=lst.port, log_level=log_level, certfile=lst.certfile,
                      keyfile=lst.keyfile, lifespan="off", root_logging=root_logging)
        servers.append((uvicorn.Server(cfg), sock))
        log.info("also serving on %s://%s:%d", lst.scheme, lst.host, sock.getsockname()[1])
    cfg = _config(app, host=host, port=port, log_level=log_level, certfile=certfile, keyfile=keyfile, lifespan="on",
                  root_logging=root_logging)
    return _Server(cfg, servers)


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


class ServerThread:
    """uvicorn serving `app` on host:port in a daemon thread; a context manager.

    `certfile`/`keyfile` serve HTTPS; `public` serves a second app (the hub's public pages) on its own
    port of the same host.
    """

    def __init__(self, app: Any, *, host: str = "127.0.0.1", port: int | None = None, certfile: str | None = None,
                 keyfile: str | None = None, public: Any = None, public_port: int | None = None) -> None:
        self.app = app
        self.host = host
        self.port = port or free_port(host)
        self.scheme = "https" if certfile else "http"
        self.public_port: int | None = None
        extra = []
        if public is not None:
            self.public_port = public_port or free_port(host)
            extra.append(Listener(public, host, self.public_port))
        self.server = make_server(app, host=self.host, port=self.port, certfile=certfile, keyfile=keyfile, extra=extra)
        self.thread = threading.Thread(target=self.server.run, name=f"uvicorn-{self.port}", daemon=True)

    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:8470."""
        return f"{self.scheme}://{self.host}:{self.port}"

    @property
    def public_url(self) -> str | None:
        """Base URL of the public listener, if any."""
        return f"http://{self.host}:{self.public_port}" if self.public_port else None

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

    def request_stop(self) -> None:
        """Ask uvicorn to exit without waiting (it notices within 0.1 s, then drains for 0.1 s more)."""
        self.server.should_exit = True

    def stop(self, timeout: float = 10.0) -> None:
        """Ask uvicorn to exit and wait for the thread."""
        self.request_stop()
        self.thread.join(timeout)

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
