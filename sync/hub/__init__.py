"""The site hub: the queue engine behind an HTTP API, with live server-sent events.

- `service`: the Hub (engine, store writer, live events, sync health); `dossiers`: the dossier desk;
- `auth`, `errors`, `models`: tokens and roles, the one error shape, request bodies;
- `live`: fan-out to SSE subscribers; `routes/`: the HTTP routes by area; `pages`: public HTML;
- `registry`: devices' heartbeats ("last seen") and faults that clear; `metrics`: /metrics for Prometheus;
- `fastpath`: the hot POST /tickets and POST /counters/{n}/next; `app`: `create_app`.
"""
from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sync.hub.app import create_app, create_public_app
    from sync.hub.auth import Principal
    from sync.hub.errors import ApiError
    from sync.hub.live import Broadcaster
    from sync.hub.service import Hub

__all__ = ["ApiError", "Broadcaster", "Hub", "Principal", "create_app", "create_public_app"]

_HOME = {"create_app": "app", "create_public_app": "app", "Principal": "auth", "ApiError": "errors",
         "Broadcaster": "live", "Hub": "service"}


def __getattr__(name: str) -> Any:
    """The package's names, imported when first asked for: a command that needs one module of the hub (`motcua
    staff`, `motcua token`, `motcua audit`) does not pay for the whole web application (~1 s on a small PC)."""
    if name in _HOME:
        return getattr(import_module(f"sync.hub.{_HOME[name]}"), name)
    raise AttributeError(f"module 'sync.hub' has no attribute {name!r}")
