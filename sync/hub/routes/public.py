"""Routes anyone may call: liveness (`router`), and the public pages behind a ticket's and a slip's QR
code (`pages`), which may also be served alone on the public listener (sync.hub.app.create_public_app):
whatever citizens' phones need — a page and any asset it uses — belongs in `pages`, nothing else does."""
from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, Response

from motcua import __version__
from motcua.clock import iso
from sync.hub.deps import HubDep
from sync.hub.errors import API, json_response
from sync.hub.pages import dossier_html, lookup_form_html, too_many_html
from sync.hub.routes import staff, tracking

router = APIRouter(tags=["public"])
pages = APIRouter(tags=["public"])
pages.include_router(tracking.pages)  # /t/…: the live tracking page (sync.hub.tracking)
pages.include_router(staff.pages)  # /t/…/rate: the phone's rating of a served ticket (sync.hub.rating_page)


@router.get(f"{API}/health")
async def health(hub: HubDep) -> Response:
    """Sống / liveness and version."""
    return json_response({"status": "ok", "version": __version__, "site": hub.config.site.code,
                          "day": hub.engine.day, "last_event": hub.events.last_seq,
                          "now": iso(hub.clock.time(), hub.config.tz)})


@pages.get("/d/{key}", response_class=HTMLResponse)
async def dossier_page(key: str, request: Request, hub: HubDep, lookup_code: str | None = None) -> Response:
    """Trang tra cứu hồ sơ (the page behind the slip's QR code): code, procedure, due time, status, a masked name.

    By the dossier's UUID (the QR), or by its code with the `lookup_code` printed on the slip: a code alone
    gets a form asking for the look-up code, whether or not such a dossier exists. Look-ups by code, and those
    that find nothing, are limited per address (429).
    """
    client = request.client.host if request.client else "unknown"
    if not hub.dossiers.lookups_left(client):
        return HTMLResponse(too_many_html(hub.config), status_code=429)
    d = hub.dossiers.look_up(key, lookup=lookup_code, client=client) if 8 <= len(key) <= 64 else None
    if d is None and not _is_uuid(key) and 8 <= len(key) <= 64:
        # A code without (or with a wrong) look-up code: ask for it, saying nothing of the dossier.
        return HTMLResponse(lookup_form_html(hub.config, key, wrong=lookup_code is not None),
                            status_code=200 if lookup_code is None else 404)
    return HTMLResponse(dossier_html(hub.config, d), status_code=200 if d else 404)


def _is_uuid(key: str) -> bool:
    try:
        uuid.UUID(key)
    except ValueError:
        return False
    return True
